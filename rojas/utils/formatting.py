"""The one number formatter and text-table writer of the CLI, the reports and the figures.

* :func:`fmt` — a number to `digits` significant digits with a true minus sign
  (U+2212), no ``-0``, and ``inf``/``nan`` spelled out; a NumPy batch shows
  its first samples.
* :func:`factor` — a number as a factor in a product: a negative one in
  brackets, so ``0.5 · (−0.3)`` never reads as a subtraction.
* :func:`table` — rows under a header, columns padded to their widest cell,
  every cell escaped for the terminal.

``ascii=True`` writes ``-`` instead of ``−`` where a reader or a parser needs
plain ASCII (JSON-like output, LaTeX source).
"""

import math
import sys

import numpy as np

from .escaping import terminal

__all__ = ["fmt", "factor", "table", "count_text", "MINUS"]

MINUS = "\u2212"


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


def fmt(value, digits=9, ascii=False):
    """`value` to `digits` significant digits.

    >>> fmt(-0.000123456789123), fmt(-0.0), fmt(float("inf")), fmt(2.5, ascii=True)
    ('−0.000123456789', '0', 'inf', '2.5')
    >>> import numpy as np
    >>> fmt(np.array([1.0, -2.0, 3.0, 4.0, 5.0]))
    '[1, −2, 3, 4, …]'
    """
    if isinstance(value, np.ndarray) and value.ndim > 0:
        shown = ", ".join(fmt(v, min(digits, 4), ascii) for v in value.ravel()[:4])
        return f"[{shown}{', …' if value.size > 4 else ''}]"
    if isinstance(value, (complex, np.complexfloating)):
        text = f"{complex(value):.{digits}g}"
    else:
        value = float(value)
        if math.isnan(value):
            return "nan"
        text = f"{value + 0.0:.{digits}g}"  # + 0.0: no "-0"
    return text if ascii else text.replace("-", MINUS)


def factor(value, digits=9, ascii=False):
    """`value` as a factor of a product: negative numbers in brackets.

    >>> factor(0.5), factor(-0.3)
    ('0.5', '(−0.3)')
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
