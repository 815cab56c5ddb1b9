"""A table of node or edge rows for the rules of :mod:`rojas.network.rules`, and applying them.

A :class:`Rule` marks the rows that break it with a mask over the table it is
given, written once against the table's methods (``has``, ``column``,
``values``, ``spread``, ``flags``, ...) and the operators ``&``, ``|``, ``==``
and indexing.  Two tables answer them: :class:`Rows` (a file's rows: every
answer a NumPy array over whole columns) and :class:`OneRow` (the builder's one
row: every answer a plain Python value, a mask a bool, since NumPy on
one-element arrays costs about a microsecond a call and a row meets a dozen
rules).  :func:`first_fault` names the first row (in order) breaking a rule,
and the first rule it breaks.
"""

import functools
import itertools
import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import NetworkError

__all__ = ["Rule", "Rows", "OneRow", "first_fault", "is_number_type"]


@dataclass(frozen=True)
class Rule:
    """One rule: `mask(rows)` → boolean array of offending rows or None; `message(rows, i)` names row i."""

    name: str
    mask: Callable
    message: Callable


class Rows:
    """Node or edge rows and what their rules read, each column built once on demand.

    Parameters
    ----------
    rows : list
        The rows as given (dicts, unless a rule says otherwise).
    params : container of str
        The graph's param names.
    prims : container of str, optional
        The primitives the network defines (nodes).
    index : dict, optional
        Node id → position (edges).
    is_input : ndarray of bool, optional
        Whether each node is an input (edges).
    int_ids : tuple, optional
        Sorted integer ids and their positions, for looking ends up with NumPy (edges).
    """

    def __init__(self, rows, params, prims=(), index=None, is_input=None, int_ids=None):
        self.rows, self.n, self.params, self.prims = rows, len(rows), params, prims
        self.index, self.is_input, self.int_ids = index, is_input, int_ids
        self._built = {}

    def head(self, k):
        """The first `k` rows, same context; of the columns built, only the ends' positions are kept."""
        head = Rows(self.rows[:k], self.params, self.prims, self.index, self.is_input, self.int_ids)
        src, dst = self._built.get(("ends", "source")), self._built.get(("ends", "target"))
        if src is not None and dst is not None:
            head.known_ends(src[:k], dst[:k])
        return head

    def cached(self, name, make):
        try:
            return self._built[name]
        except KeyError:
            value = self._built[name] = make()
            return value

    @functools.cached_property
    def keys(self):
        """Every field any row has."""
        return set(itertools.chain.from_iterable(self.rows))

    def has(self, key):
        """Which rows have field `key`."""
        if key not in self.keys:
            return np.zeros(self.n, dtype=bool)
        return self.cached(("has", key), lambda: np.array([key in d for d in self.rows], dtype=bool))

    def lacks(self, key):
        """Which rows lack field `key`."""
        return ~self.has(key)

    @staticmethod
    def flags(values, test):
        """A mask: `test` of each of `values` (one per row)."""
        return np.array([test(v) for v in values], dtype=bool)

    @staticmethod
    def any(mask):
        """Whether `mask` marks a row."""
        return bool(mask.any())

    @staticmethod
    def first(mask):
        """The first row `mask` marks, or None."""
        return int(mask.argmax()) if mask.any() else None

    def column(self, key):
        """Field `key` of every row (every row has it: an earlier rule said so)."""
        return self.cached(("col", key), lambda: [d[key] for d in self.rows])

    def values(self, key):
        """Field `key` of the rows that have it, in order."""
        return self.cached(("vals", key), lambda: [d[key] for d in self.rows if key in d])

    def spread(self, key, flags):
        """A row mask from `flags` over the rows having `key` (None when no flag is set)."""
        if not any(flags):
            return None
        mask = np.zeros(self.n, dtype=bool)
        mask[self.has(key)] = flags
        return mask

    @functools.cached_property
    def index_of_ids(self):
        """Node id → position (the last, for a repeated id)."""
        return dict(zip(self.column("id"), range(self.n)))

    @functools.cached_property
    def is_input_node(self):
        """Which nodes are inputs."""
        return np.array([f == "input" for f in self.column("fn")], dtype=bool)

    def ends(self, key):
        """The node positions of the edges' `key` ends, or None if one is no node."""
        found = self._built.get(("ends", key))
        if found is None:
            found = self._built[("ends", key)] = _positions(self.column(key), self.index, self.int_ids)
        return found

    def known_ends(self, src, dst):
        """Take the ends' positions as given (one edge whose ends the builder knows)."""
        self._built[("ends", "source")], self._built[("ends", "target")] = src, dst


def _positions(ends, index, int_ids):
    """Node positions of `ends` (NumPy search for integer ids, the dict otherwise), or None if one is no node."""
    if int_ids is not None and set(map(type, ends)) == {int}:
        sorted_ids, order = int_ids
        try:
            ends = np.array(ends, dtype=np.int64)
        except OverflowError:
            return None
        at = np.minimum(np.searchsorted(sorted_ids, ends), len(sorted_ids) - 1)
        return order[at] if (sorted_ids[at] == ends).all() else None
    try:
        return np.fromiter(map(index.__getitem__, ends), dtype=np.intp, count=len(ends))
    except (KeyError, TypeError):
        return None


def is_number_type(t):
    """A type whose values are numbers: int, float and their NumPy kin, not bool."""
    return issubclass(t, numbers.Real) and not issubclass(t, (bool, np.bool_))


class OneRow:
    """One row as a table the rules read (the builder's row): Python values, a mask is a bool.

    It answers the methods of :class:`Rows` the rules call, for a table of one
    row, so the builder applies the very rules the loader applies.

    Parameters
    ----------
    row : dict
        The row's fields.
    params, prims
        As for :class:`Rows`.
    is_input : tuple of bool, optional
        Whether the nodes at positions 0 and 1 are inputs (edges).
    ends : dict, optional
        ``{"source": position, "target": position}`` in `is_input` (edges: the builder knows them).

    Examples
    --------
    >>> t = OneRow({"id": "h", "fn": "tanh", "bias": 0.5}, {})
    >>> t.has("bias") & t.lacks("combine"), t.values("combine"), t.flags(t.column("fn"), str.isalpha)
    (True, (), True)
    """

    __slots__ = ("row", "rows", "keys", "params", "prims", "is_input", "_ends")
    n = 1

    def __init__(self, row, params, prims=(), is_input=None, ends=None):
        self.row, self.rows, self.keys = row, (row,), row  # a dict answers `in` as its keys do
        self.params, self.prims, self.is_input, self._ends = params, prims, is_input, ends

    def has(self, key):
        return key in self.row

    def lacks(self, key):
        return key not in self.row

    def column(self, key):
        return (self.row[key],)

    def values(self, key):
        return (self.row[key],) if key in self.row else ()

    def spread(self, key, flags):
        return True if any(flags) else None

    @staticmethod
    def flags(values, test):
        return bool(test(values[0]))

    @staticmethod
    def any(mask):
        return bool(mask)

    @staticmethod
    def first(mask):
        return 0 if mask else None

    @property
    def index_of_ids(self):
        return {self.row["id"]: 0}

    @property
    def is_input_node(self):
        return self.row["fn"] == "input"

    def ends(self, key):
        return self._ends[key]


def first_fault(rules, table):
    """Raise :class:`~rojas.errors.NetworkError` for the first row breaking a rule, naming its first rule.

    Each rule is tested on the rows before the earliest fault found so far, so
    every mask sees only rows that obey the rules before it.

    Examples
    --------
    >>> from rojas.network.rules import NODE_RULES
    >>> rows = Rows([{"id": "x", "fn": "input"}, {"id": "h", "fn": "tanh", "bias": "1"}, {"id": "x"}], {})
    >>> first_fault(NODE_RULES, rows)  # row 2 repeats an id, but row 1 comes first
    Traceback (most recent call last):
    rojas.errors.NetworkError: node 'h': bias must be a number, got '1'
    """
    message = None
    for rule in rules:
        mask = rule.mask(table)
        if mask is None or mask is False:  # no row breaks it (False: a OneRow's answer)
            continue
        i = table.first(mask)
        if i is None:
            continue
        message = rule.message(table, i)
        if i == 0:  # no row before it to break a later rule
            break
        table = table.head(i)
    if message is not None:
        raise NetworkError(message)
