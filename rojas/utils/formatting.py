"""The one number formatter and text-table writer of the CLI, the reports, the figures and the explorer.

Every number rojas shows goes through :func:`fmt` (the explorer's page shows
numbers this module formatted: ``rojas.explorer.data`` sends the text beside
the value).  One rule, Python's ``g`` rule, spelled for readers:

* `digits` significant digits (9 in reports, :data:`FIGURE_DIGITS` in figures,
  the GIF and the explorer; ``--digits`` chooses);
* plain notation from 10⁻⁴ up to 10^digits, else a power of ten written
  ``4.386×10⁻⁵`` (never the computer's ``4.386e-05``);
* a rounded number keeps its trailing zeros (``0.02260``: numbers side by side
  read alike), an exact short one stays short (a given weight ``0.15``), and so
  does a number that differs from a short one only beyond the 13th digit
  (``0.1 + 0.2`` shows ``0.3``, not ``0.300000000``: that is float noise, not rounding);
* ``decimals=d`` instead writes a fixed `d` decimals (``0.400000000`` beside
  ``0.000438568``: a column lines up at the point, as in Mazur's tables) for a
  number from 10^(4−d) to below 10^(d−4), and zero, so at least 5 and at most
  2d−4 significant digits show; other numbers follow the `digits` rule;
* a true minus sign (U+2212), no ``-0``, ``inf``/``nan`` spelled out, ``""``
  for a missing value (None); a NumPy batch shows its first `samples` samples.

* :func:`factor` — a number as a factor in a product: a negative one in
  brackets, so ``0.5 · (−0.3)`` never reads as a subtraction.
* :func:`table` — rows under a header, columns padded to their widest cell,
  every cell escaped for the terminal.

``ascii=True`` writes ``-`` and ``e-5`` where a reader or a parser needs plain
ASCII (JSON-like output, LaTeX source, text another program reads back).
"""

import math
import sys

import numpy as np

from .escaping import terminal

__all__ = ["fmt", "factor", "table", "count_text", "MINUS", "FIGURE_DIGITS", "REPORT_DIGITS"]

MINUS = "\u2212"
REPORT_DIGITS = 9   # significant digits in the terminal reports and proofs
FIGURE_DIGITS = 4   # significant digits in figures, animations and the explorer (``--digits``)
# float64 holds 15-17 significant digits and a few operations (with some cancellation: -12.4 + 12.2 is
# -0.1999999999999993) lose two: a number within half a unit of its 13th digit of a short decimal is that
# decimal, unless the reader asked for 13 digits or more.  The explorer's fmt (explorer_base.js) mirrors this.
_NOISE_DIGITS = 13
_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def count_text(n):
    """An exact count as text: all its digits up to ~1,000 of them, else its leading digits and its size.

    Path counts grow exponentially with depth: a count of 10^20000 cannot even be turned into
    text by ``str`` under Python's default limit of 4,300 digits, and would fill a screen.

    Examples
    --------
    >>> count_text(1024), count_text(2 ** 100)
    ('1024', '1267650600228229401496703205376')
    >>> count_text(3 ** 100000)
    'about 1.335e47712 (47,713 digits)'
    """
    n = int(n)
    most = getattr(sys, "get_int_max_str_digits", lambda: 0)() or 4300  # the interpreter's own limit on str()
    if n.bit_length() <= min(3300, int((most - 1) / math.log10(2))):  # up to 993 digits: all of them
        return str(n)
    shift = n.bit_length() - 64
    log10 = math.log10(n >> shift) + shift * math.log10(2)
    exponent = int(log10)
    return f"about {10 ** (log10 - exponent):.4g}e{exponent} ({exponent + 1:,} digits)"


def _real(value, digits, ascii, decimals=None):
    """One real number by the module's rule (see the module docstring)."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    value += 0.0  # no "-0"
    if decimals is not None and (value == 0 or 10.0 ** (4 - decimals) <= abs(value) < 10.0 ** (decimals - 4)):
        # the bounds keep 5 significant digits at least and no more than float64 holds for d <= 10
        return f"{value:.{decimals}f}"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"  # the g rule drops trailing zeros
    shown = float(text)
    noise = digits < _NOISE_DIGITS and f"{shown:.{_NOISE_DIGITS}g}" == f"{value:.{_NOISE_DIGITS}g}"
    if shown != value and not noise:
        # rounded: every significant digit shows, trailing zeros too.  A difference beyond the 13th
        # digit is arithmetic's noise (0.1 - 0.4 is -0.30000000000000004), not a rounding: that number
        # prints as short as the decimal it stands for, beside the exact 0.1 it came from.
        text = f"{value:#.{digits}g}"
    mantissa, _, exponent = text.partition("e")
    mantissa = mantissa.rstrip(".")  # "#g" keeps the point of "123456."
    if not exponent:
        return mantissa
    power = str(int(exponent))
    return f"{mantissa}e{power}" if ascii else f"{mantissa}×10{power.translate(_SUPERSCRIPT)}"


def fmt(value, digits=REPORT_DIGITS, ascii=False, samples=4, decimals=None):
    """`value` to `digits` significant digits (the one rule of the module docstring).

    Parameters
    ----------
    value : float, complex, NumPy scalar or array, or None
        The number; an array shows its first `samples` entries (all if `samples` is None);
        None shows as ``""``.
    digits : int
        Significant digits (at least 1).
    ascii : bool
        ``-`` and ``e-5`` instead of ``−`` and ``×10⁻⁵``.
    samples : int or None
        How many entries of an array show.
    decimals : int or None
        Fixed decimals (at least 5) for a number from 10^(4−`decimals`) to below
        10^(`decimals`−4) and for zero, trailing zeros kept; others follow `digits`.

    Examples
    --------
    >>> fmt(-0.000123456789123), fmt(-0.0), fmt(float("inf")), fmt(2.5, ascii=True)
    ('−0.000123456789', '0', 'inf', '2.5')
    >>> [fmt(v, 4) for v in (0.15, 0.593269992, 0.0000438567734, -12.5, 8.0, 123456.0, -0.0226041)]
    ['0.15', '0.5933', '4.386×10⁻⁵', '−12.5', '8', '1.235×10⁵', '−0.02260']
    >>> fmt(4.38567734e-5, 4, ascii=True), fmt(None), fmt(0.1 - 0.4), fmt(0.3000000001)
    ('4.386e-5', '', '−0.3', '0.300000000')
    >>> fmt(0.4, decimals=9), fmt(-0.000438568, decimals=9), fmt(0.0, decimals=9), fmt(1.5e-6, decimals=9)
    ('0.400000000', '−0.000438568', '0.000000000', '1.5×10⁻⁶')
    >>> import numpy as np
    >>> fmt(np.array([1.0, -2.0, 3.0, 4.0, 5.0]))
    '[1, −2, 3, 4, …]'
    """
    if value is None:
        return ""
    digits = max(1, int(digits))
    if decimals is not None and int(decimals) < 5:
        raise ValueError(f"decimals={decimals!r}: fixed decimals start at 5 (fewer would show under 5 digits)")
    if isinstance(value, np.ndarray) and value.ndim > 0:
        flat = value.ravel()
        shown = flat if samples is None else flat[:samples]
        text = ", ".join(fmt(v, min(digits, 6), ascii, decimals=decimals) for v in shown)
        return f"[{text}{', …' if flat.size > len(shown) else ''}]"
    if isinstance(value, (complex, np.complexfloating)):
        value = complex(value)
        if value.imag == 0:
            text = _real(value.real, digits, ascii, decimals)
        else:
            sign = "-" if math.copysign(1.0, value.imag) < 0 else "+"
            parts = (_real(v, digits, ascii, decimals) for v in (value.real, abs(value.imag)))
            text = sign.join(parts) + "j"
    else:
        text = _real(float(value), digits, ascii, decimals)
    return text if ascii else text.replace("-", MINUS)


def factor(value, digits=REPORT_DIGITS, ascii=False):
    """`value` as a factor of a product: negative numbers in brackets.

    >>> factor(0.5), factor(-0.3), factor(-0.2171234, 4)
    ('0.5', '(−0.3)', '(−0.2171)')
    """
    text = fmt(value, digits, ascii)
    return f"({text})" if text.startswith((MINUS, "-")) else text


def table(header, rows, sep="  "):
    """`rows` under `header` as aligned text columns, with a rule of dashes under the header.

    Cells are converted with ``str`` and escaped with :func:`rojas.utils.escaping.terminal`,
    so an id holding a newline or an ANSI escape cannot break or forge a line.

    >>> print(table(["node", "o"], [["h\\n1", fmt(-0.5)], ["y", fmt(2.0)]]))
    node  o
    ----  ----
    h\\n1  −0.5
    y     2
    """
    header = [terminal(c) for c in header]
    rows = [[terminal(c) for c in row] for row in rows]
    widths = [max(len(r[i]) if i < len(r) else 0 for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return sep.join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])
