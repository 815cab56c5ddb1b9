"""How ids, names and numbers are shown in text: escaped, quoted where they read as the objective.

User text (node ids, edge names) may hold newlines, terminal escapes or lone
surrogates; printed raw they fake lines (``rojas: error: …``), move the cursor
or crash an encoder.  Every listing shows ids through :func:`display_id`.
"""

import re

import numpy as np

from .claim_grammar import OBJECTIVE_NAMES

__all__ = ["escape_terminal", "display_id", "number_text"]

# Control characters, lone surrogates, line separators and bidirectional overrides.
_UNPRINTABLE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]")


def escape_terminal(text):
    """`text` with control characters written as Python escapes (``\\n``, ``\\x1b``).

    Examples
    --------
    >>> print(escape_terminal("h\\nrojas: error: x\\x1b[2J"))
    h\\nrojas: error: x\\x1b[2J
    """
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def display_id(node):
    """A node id or name as listings show it: escaped, and quoted where it reads as the objective.

    Examples
    --------
    >>> display_id("h1"), display_id("E"), display_id(3)
    ('h1', "'E'", '3')
    """
    text = escape_terminal(node)
    return repr(text) if text in OBJECTIVE_NAMES else text


def number_text(value):
    """A label's value: 9 significant digits, or the samples of a batch with 6.

    Examples
    --------
    >>> number_text(0.000438568), number_text(np.array([0.5, -1.25]))
    ('0.000438568', '[0.5, -1.25]')
    """
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
    return f"{value:.9g}"
