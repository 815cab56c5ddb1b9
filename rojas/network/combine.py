"""How a unit combines what arrives: one registry of combine modes.

A unit j receives one *term* per in-edge, ``t_i = w_ij·o_i``, and its net
input is ``s_j = c(t) + b_j`` for its combine mode ``c``.  Rojas's sweeps need
two things from a mode: its value ``c(t)`` and its partials ``∂s_j/∂t_i``.
The backward sweep then sends ``δ_j·∂s_j/∂t_i·w_ij`` along the edge i→j and
the edge's gradient is ``∂E/∂w_ij = o_i·∂s_j/∂t_i·δ_j``.  For the textbook sum
the partial is 1 (so ``∂E/∂w_ij = o_i·δ_j``); for a product unit it is the
product of the other terms.

As for primitives (:mod:`rojas.network.primitives`), one registry holds the modes:
the sweeps, tangents, paths, proofs, reports and figures ask it instead of
testing for a name, so a third mode touches this registry (and its tests)
only.  ``"sum"`` and ``"product"`` are the built-in entries.

A third mode is one call.  Here a unit summing the squares of its terms
(``s = Σ t² + b``, so ``∂s/∂t_i = 2·t_i``); the terms come as an array with
one row per term (and a column per sample in a batch):

>>> import numpy as np
>>> from rojas.network.combine import register_combine, get_combine, combine_names
>>> squares = register_combine(
...     "squares", value=lambda t: np.sum(t * t, axis=0), partials=lambda t: 2.0 * t,
...     symbol="Σ²", replace=True)
>>> float(squares.value(np.array([1.0, -2.0]))), squares.partials(np.array([1.0, -2.0]))
(5.0, array([ 2., -4.]))
>>> float(squares.empty)                 # a unit without in-edges: s = c(no terms) + b
0.0
>>> "squares" in combine_names(), get_combine("product").symbol
(True, 'Π')

Networks may use it at once, and every sweep follows (s = (w·x)², so
∂s/∂w = 2·(w·x)·x):

>>> import rojas
>>> net = rojas.Network().add_input("x").add_unit("q", "identity", combine="squares")
>>> lab = rojas.label(net.add_edge("x", "q", weight=3.0), {"x": 2.0})
>>> lab.value, lab.grad("x->q"), rojas.tangent(lab, "x->q").derivative
(36.0, 24.0, 24.0)

Without a vectorized ``segments`` routine the sweeps call ``value`` and
``partials`` once per unit of the mode (correct, and slow on large networks);
the built-ins reduce a whole generation of units at once.
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..errors import NetworkError
from .max_combine import MAX_FIELDS

__all__ = ["Combine", "Segments", "register_combine", "get_combine", "combine_names", "carried_product", "unit_symbol"]


class Segments:
    """Terms grouped by the unit they enter: the layout a vectorized mode reduces over.

    Parameters
    ----------
    rows : array_like of int, nondecreasing
        For every term, the row of the unit it enters.

    Attributes
    ----------
    units : ndarray
        The distinct rows, one per segment (every segment has at least one term).
    index : ndarray
        For every term, its segment (0 … len(units) − 1).
    col : ndarray
        For every term, its place within its segment.
    width : int
        The largest number of terms of one segment.
    starts : ndarray
        The first term of every segment.
    """

    __slots__ = ("units", "index", "col", "width", "starts")

    def __init__(self, rows):
        rows = np.asarray(rows, dtype=np.intp)
        self.units, self.index = np.unique(rows, return_inverse=True)
        self.starts = np.searchsorted(rows, self.units)
        self.col = np.arange(len(rows)) - self.starts[self.index]
        self.width = int(self.col.max()) + 1 if len(rows) else 0

    def __len__(self):
        return len(self.units)


@dataclass(frozen=True)
class Combine:
    """A combine mode: how a unit's net input comes from its incoming terms.

    Attributes
    ----------
    name : str
        What a node's ``combine`` field says.
    value : callable
        ``value(terms)``: ``terms`` has one row per incoming term (shape
        ``(k,)`` or ``(k, B)``); returns ``s − b`` (shape ``()`` or ``(B,)``).
        Must accept ``k = 0`` (a unit without in-edges).
    partials : callable
        ``partials(terms)``: ``∂s/∂t_i`` for every term, the shape of ``terms``.
    symbol : str
        How reports and figures mark the mode (``"Σ"``, ``"Π"``).
    rule : str
        The edge-gradient rule, for reports and figures.
    linear : bool
        Every partial is 1 (``s = Σ t + b``): the sweeps then move along an edge
        by its weight alone, as one sparse product per generation.
    sympy : callable or None
        ``sympy(sp, terms)``: the SymPy expression of ``s − b`` for a list of
        SymPy terms; None: ``value`` applied to an object array of them.
    segments : callable or None
        ``segments(terms, layout)`` with ``layout`` a :class:`Segments`:
        ``(values per segment, partials per term)`` for many units at once
        (``partials`` may be None when they are all 1).  None: ``value`` and
        ``partials`` unit by unit.
    operator : str or None
        How worked arithmetic joins a unit's terms (``" + "``, ``"·"``); None:
        written as the mode's symbol applied to them, ``Σ²(t1, t2)`` (see :meth:`written`).
    """

    name: str
    value: Callable
    partials: Callable
    symbol: str
    rule: str
    linear: bool = False
    sympy: Callable | None = None
    segments: Callable | None = field(default=None, repr=False)
    operator: str | None = None

    def written(self, terms):
        """A unit's net input before its bias, as worked arithmetic writes it from the terms' texts.

        >>> get_combine("sum").written(["2·3", "1·4"]), get_combine("product").written(["2·3", "1·4"])
        ('2·3 + 1·4', '(2·3)·(1·4)')
        """
        if self.operator is None:
            return f"{self.symbol}({', '.join(terms)})"
        return self.operator.join(terms if self.linear else [f"({t})" for t in terms])

    @property
    def empty(self):
        """``s − b`` of a unit without in-edges (0 for an empty sum, 1 for an empty product)."""
        return self.value(np.zeros(0))

    def reduce(self, terms, layout):
        """Values of many units and the partials of their terms, in one call.

        Parameters
        ----------
        terms : ndarray of shape (m,) or (m, B)
            The terms, grouped by unit as `layout` says.
        layout : Segments

        Returns
        -------
        values : ndarray of shape (len(layout),) or (len(layout), B)
        partials : ndarray of the shape of `terms`
        """
        if self.segments is not None:
            values, partials = self.segments(terms, layout)
            return values, (np.ones_like(terms) if partials is None else partials)
        values = np.empty((len(layout),) + terms.shape[1:], terms.dtype)
        partials = np.empty_like(terms)
        ends = np.append(layout.starts[1:], len(terms))
        for k, (a, z) in enumerate(zip(layout.starts.tolist(), ends.tolist())):
            values[k] = self.value(terms[a:z])
            partials[a:z] = self.partials(terms[a:z])
        return values, partials

    def symbolic(self, sp, terms):
        """The SymPy expression of ``s − b`` for the SymPy `terms` of one unit."""
        if self.sympy is not None:
            return self.sympy(sp, list(terms))
        arr = np.empty(len(terms), dtype=object)
        arr[:] = list(terms)
        return sp.sympify(self.value(arr))

    def symbolic_partial(self, sp, terms, i):
        """``∂s/∂t_i`` as a SymPy expression: differentiate :meth:`symbolic` by term `i`."""
        if self.linear:
            return sp.Integer(1)
        dummies = sp.symbols(f"_t0:{len(terms)}")
        expr = sp.diff(self.symbolic(sp, dummies), dummies[i])
        return expr.subs(dict(zip(dummies, terms)), simultaneous=True)

    def partial_name(self, u, v):
        """How a path names the factor ``∂s_v/∂(w_uv·o_u)``, or None when it is always 1."""
        return None if self.linear else f"∂s_{v}/∂(w·o_{u})"


_REGISTRY: dict = {}


def register_combine(name, value, partials, *, symbol, rule=None, linear=False, sympy=None,
                     segments=None, operator=None, replace=False):
    """Add a combine mode to the registry.

    Parameters
    ----------
    name : str
        The name nodes use in their ``combine`` field.
    value, partials : callable
        See :class:`Combine`: NumPy-vectorized over the terms' first axis.
    symbol : str
        A short mark for reports and figures.
    rule : str, optional
        The edge-gradient rule; by default ``∂E/∂w_ij = δ_j·∂s_j/∂w_ij``.
    linear : bool, optional
        Declare that every partial is 1.
    sympy, segments : callable, optional
        See :class:`Combine`.
    operator : str, optional
        See :class:`Combine` (default: the symbol applied to the terms).
    replace : bool, optional
        Allow replacing an existing entry (never a built-in).

    Returns
    -------
    Combine

    Raises
    ------
    NetworkError
        If the name is taken or not an identifier, or `value`/`partials` are not callable.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise NetworkError(f"combine name {name!r} is not an identifier")
    if not callable(value) or not callable(partials):
        raise NetworkError(f"combine {name!r}: value and partials must be callable")
    if name in _REGISTRY and (not replace or name in BUILTIN_NAMES):
        raise NetworkError(f"combine {name!r} is already registered")
    mode = Combine(name, value, partials, symbol, rule or "∂E/∂w_ij = δ_j·∂s_j/∂w_ij",
                   linear=linear, sympy=sympy, segments=segments, operator=operator)
    _REGISTRY[name] = mode
    return mode


def get_combine(name):
    """Return the registered :class:`Combine` called `name`.

    Raises
    ------
    NetworkError
        If no mode has that name; the message lists the known names.

    Examples
    --------
    >>> from rojas.network.combine import get_combine
    >>> get_combine("sum").rule
    '∂E/∂w_ij = o_i·δ_j'
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        known = ", ".join(repr(n) for n in combine_names())
        raise NetworkError(f"unknown combine {name!r} (known: {known})") from None


def combine_names():
    """The names of the registered modes: the built-ins first, then in registration order."""
    return list(_REGISTRY)


def unit_symbol(fn, combine="sum"):
    """How a unit's right half is marked: its primitive's symbol, after its mode's where the mode is
    not linear (an identity product unit is just ``Π``).

    >>> unit_symbol("sigmoid"), unit_symbol("identity", "product"), unit_symbol("tanh", "product")
    ('σ', 'Π', 'Π tanh')
    """
    from .primitives import primitive_symbol

    sym = primitive_symbol(fn)
    mode = get_combine(combine)
    if mode.linear:
        return sym
    return mode.symbol if fn == "identity" else f"{mode.symbol} {sym}"


# ---------------------------------------------------------------------------- the built-ins
def _sum_segments(terms, layout):
    if terms.ndim == 1 and not np.iscomplexobj(terms):
        return np.bincount(layout.index, weights=terms, minlength=len(layout)), None
    out = np.zeros((len(layout),) + terms.shape[1:], terms.dtype)
    np.add.at(out, layout.index, terms)
    return out, None


def _product_segments(terms, layout):
    """Each unit's product and, per term, the product of its unit's *other* terms.

    The terms are laid out in a (units, width) table padded with ones; running
    products from both ends give every "product of the others" without a
    division, so a zero term is exact.
    """
    if len(terms) == 0:  # no unit has a term
        return np.ones((len(layout),) + terms.shape[1:], terms.dtype), terms.copy()
    table = np.ones((len(layout), layout.width) + terms.shape[1:], terms.dtype)
    table[layout.index, layout.col] = terms
    if _in_safe_range(terms, layout.width):
        # No running product of these factors can leave float64's normal range: plain running
        # products, as accurate as the mantissa route below at a third of its work.
        before = np.cumprod(table, axis=1)
        after = np.cumprod(table[:, ::-1], axis=1)[:, ::-1]
        others = np.ones_like(table)
        others[:, 1:] *= before[:, :-1]
        others[:, :-1] *= after[:, 1:]
        return before[:, -1], others[layout.index, layout.col]
    # Otherwise products are carried as mantissa and exponent, so that a product whose value is
    # finite is finite even when a partial product on the way is not: 1e200·1e200·1e-300 is
    # 1e100, and 1e300·1e300·0 is 0, not inf·0 = NaN.  The same for a complex step, whose
    # imaginary parts (1e-20 of the real ones) would otherwise underflow.
    mantissa, exponent = _split(table)
    b_m, b_e = np.cumprod(mantissa, axis=1), np.cumsum(exponent, axis=1)
    a_m = np.cumprod(mantissa[:, ::-1], axis=1)[:, ::-1]
    a_e = np.cumsum(exponent[:, ::-1], axis=1)[:, ::-1]
    o_m, o_e = np.ones_like(mantissa), np.zeros_like(exponent)
    o_m[:, 1:] *= b_m[:, :-1]
    o_e[:, 1:] += b_e[:, :-1]
    o_m[:, :-1] *= a_m[:, 1:]
    o_e[:, :-1] += a_e[:, 1:]
    at = (layout.index, layout.col)
    return _ldexp(b_m[:, -1], b_e[:, -1]), _ldexp(o_m[at], o_e[at])


def _in_safe_range(terms, width):
    """Whether every nonzero |term| lies in [2^-k, 2^k] with k·width ≤ 1000 (so no partial
    product of a unit's terms overflows or becomes subnormal); for a complex step k·width ≤
    900, so that imaginary parts of 1e-20 of the real ones stay normal too."""
    k = (900.0 if terms.dtype.kind == "c" else 1000.0) / max(width, 1)
    magnitude = np.abs(terms)
    smallest = np.min(magnitude, where=magnitude > 0, initial=np.inf)
    return bool(magnitude.max(initial=0.0) <= 2.0 ** k and smallest >= 2.0 ** -k)


def _split(table):
    """``(mantissa, exponent)`` with table = mantissa·2^exponent and mantissas at most 1 in size."""
    if table.dtype.kind != "c":
        mantissa, exponent = np.frexp(table)
        return mantissa, exponent.astype(np.int64)
    # a complex number: both parts scaled by the power of two of the larger one (exact)
    _, exponent = np.frexp(np.maximum(np.abs(table.real), np.abs(table.imag)))
    exponent = exponent.astype(np.int64)
    scale = (-exponent).astype(np.int32)
    return np.ldexp(table.real, scale) + 1j * np.ldexp(table.imag, scale), exponent


def carried_product(*factors):
    """The elementwise product of `factors`, carried as mantissa and exponent until the end.

    No spurious overflow or underflow on the way: 1e308·2.4·1e-307 is 24, though
    1e308·2.4 alone overflows (an edge into a product unit multiplies exactly such
    numbers: its source's value, the unit's δ and the product of its other terms).

    >>> round(float(carried_product(np.array(1e308), np.array(2.4), np.array(1e-307))), 12)
    24.0
    """
    mantissa, exponent = _split(np.asarray(factors[0]))
    for factor in factors[1:]:
        m, e = _split(np.asarray(factor))
        mantissa, again = _split(mantissa * m)  # renormalized: a thousand mantissas of ½ do not underflow
        exponent = exponent + e + again
    return _ldexp(mantissa, exponent)


def _ldexp(mantissa, exponent):
    exponent = np.clip(exponent, -4000, 4000).astype(np.int32)
    with np.errstate(over="ignore", invalid="ignore"):  # a true value beyond float64 is inf: the sweeps name it
        if mantissa.dtype.kind == "c":
            return np.ldexp(mantissa.real, exponent) + 1j * np.ldexp(mantissa.imag, exponent)
        return np.ldexp(mantissa, exponent)


def _product_value(terms):
    if len(terms) == 0:  # the empty product
        return np.ones(terms.shape[1:], terms.dtype)[()]
    return _product_segments(terms, Segments(np.zeros(len(terms), dtype=np.intp)))[0][0]


def _product_partials(terms):
    return _product_segments(terms, Segments(np.zeros(len(terms), dtype=np.intp)))[1]


_REGISTRY["sum"] = Combine(
    "sum", value=lambda t: np.sum(t, axis=0), partials=np.ones_like, symbol="Σ",
    rule="∂E/∂w_ij = o_i·δ_j", linear=True, sympy=lambda sp, terms: sp.Add(*terms),
    segments=_sum_segments, operator=" + ")
_REGISTRY["product"] = Combine(
    "product", value=_product_value, partials=_product_partials, symbol="Π",
    rule="∂E/∂w_ij = δ_j·∂s_j/∂w_ij = o_i·δ_j·Π_{m≠i} w_mj·o_m",
    sympy=lambda sp, terms: sp.Mul(*terms), segments=_product_segments, operator="·")
_REGISTRY["max"] = Combine("max", **MAX_FIELDS)  # max pooling (rojas.importers); see .max_combine

BUILTIN_NAMES = frozenset(_REGISTRY)
