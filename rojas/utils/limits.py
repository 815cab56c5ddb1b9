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

from ..errors import RojasError

__all__ = ["LIMITS", "limit", "too_large", "check_work"]

# name: (default, what it bounds) — the environment variable is ROJAS_MAX_<NAME>.
LIMITS = {
    "file_mb": (512, "megabytes in one network or data file read by rojas (a 1,000,000-edge "
                       "network is about 80 MB)"),
    "expression_size": (100_000, "operations one file primitive expands to, counting each call of "
                                 "another file primitive with that primitive's own size"),
    "call_depth": (10_000, "file primitives calling each other, one inside the next"),
    "expression_depth": (200, "levels of the syntax tree of one expression"),
    "expression_length": (10_000, "characters in one expression"),
    "label_length": (100, "characters of one name, id or title drawn in a figure (longer ones are shortened)"),
    "tensor_elements": (50_000_000, "elements of one tensor a model declares (an initializer, a constant or a "
                                    "graph input), checked before it is read"),
    "import_edges": (20_000_000, "edges a model imported into rojas expands to (a 784-256-256-10 MLP has "
                                 "270,000)"),
    "work": (30_000_000, "level-steps of the sweeps one check or training run plans: a sweep costs one "
                         "per generation plus one per 4,000 edges, reading the inputs anew half a level-step "
                         "per input, about 20 µs each, so about 10 minutes"),
    "path_work": (1_000_000_000, "steps of a path-length table (edges of a source's cone × its path lengths "
                                 "× samples), about 10 ns each"),
    "generated_edges": (20_000_000, "edges of a network rojas generate draws (units × (fan-in + 2))"),
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


def check_work(what, sweeps, plan, prepares=0):
    """Refuse `sweeps` sweeps of `plan`'s network when they exceed the ``work`` limit.

    `prepares` counts how many times the inputs are checked and laid out anew
    (a training step labels its pattern afresh): each input then costs about
    half a level-step, which on a wide network outweighs the sweep itself.

    Called before the loop, so that ``--epochs 1000000000000`` or ``--directions 10000000``
    is one line at once, not a run that never ends.

    >>> class Chain:  # 100,000 generations of one edge each
    ...     levels, n_edges = range(100_000), 100_000
    >>> check_work("rojas train", 300, Chain())
    Traceback (most recent call last):
    rojas.errors.RojasError: rojas train plans 300 sweeps of a network of 100,000 generations and 100,000 edges (30,007,500 level-steps), over the limit of 30000000 (raise it with ROJAS_MAX_WORK=N)
    """
    levels = len(plan.levels)
    inputs = len(getattr(plan, "inputs", ()))
    cost = sweeps * (levels + plan.n_edges / 4000) + prepares * inputs / 2
    if cost > limit("work"):
        reads = f", reading its {inputs:,} inputs {prepares:,} times" if prepares and inputs else ""
        raise RojasError(too_large(what, f"plans {sweeps:,} sweeps of a network of {levels:,} generations and "
                                         f"{plan.n_edges:,} edges{reads} ({cost:,.0f} level-steps)", "work"))
