"""The size limits rojas checks before expensive work, and how a user raises them.

Each limit has a default and an environment variable that overrides it, so a
command-line user can raise it without editing code (``ROJAS_MAX_FILE_MB=500
rojas grad big.json``).  Library code asks :func:`limit` at the moment it
checks, so setting the variable (or ``os.environ`` in a script) takes effect
at once.  :func:`too_large` words the error every check raises: what is too
large, its size, the limit and the variable that raises it.

>>> limit("expression_size")
100000
>>> print(too_large("primitive 'p'", "expands to 250000 operations", "expression_size"))
primitive 'p' expands to 250000 operations, over the limit of 100000 (raise it with ROJAS_MAX_EXPRESSION_SIZE=N)
"""

import os

from .errors import RojasError

__all__ = ["LIMITS", "limit", "too_large"]

# name: (default, what it bounds) — the environment variable is ROJAS_MAX_<NAME>.
LIMITS = {
    "file_mb": (64, "megabytes in one network or data file read by rojas"),
    "expression_size": (100_000, "operations one file primitive expands to, counting each call of "
                                 "another file primitive with that primitive's own size"),
    "call_depth": (10_000, "file primitives calling each other, one inside the next"),
    "expression_depth": (200, "levels of the syntax tree of one expression"),
    "expression_length": (10_000, "characters in one expression"),
}


def limit(name):
    """The limit called `name`: its environment variable ``ROJAS_MAX_<NAME>`` if set, else the default.

    Raises
    ------
    RojasError
        If the variable is set but is not a positive integer.
    """
    default, _ = LIMITS[name]
    var = f"ROJAS_MAX_{name.upper()}"
    text = os.environ.get(var)
    if text is None or not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise RojasError(f"environment variable {var}={text!r} is not a positive integer")
    return value


def too_large(what, size, name):
    """The message for `what` (whose `size` is given in words) exceeding the limit `name`."""
    return (f"{what} {size}, over the limit of {limit(name)} "
            f"(raise it with ROJAS_MAX_{name.upper()}=N)")
