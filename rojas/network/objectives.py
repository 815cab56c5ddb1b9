"""What a labeling differentiates: one registry of objectives.

Rojas (1996, §7.2.1) extends the network by the objective: each output k
feeds an *error unit*, and the backward sweep starts with a 1 at their sum E.
What the sweep needs from an objective is its value and its derivative by
each output value, ``∂E/∂o_k`` -- the *seed* that enters output k -- or, for
an output whose primitive the objective is fused with, ``∂E/∂s_k`` directly
(binary cross-entropy on a sigmoid output sends ``o_k − t_k`` to s_k, with no
``0/0`` where the sigmoid saturates).  Every built-in is written with a
stable log-sum-exp or softplus, so nothing overflows at ``|o| = 1000``.

As for primitives and combine modes, the sweeps, tangents, path sums,
proofs, reports and figures read an entry's fields and never test its name.
The output values arrive as an array with one row per output (and one column
per sample in a batch); targets likewise.

>>> import numpy as np
>>> from rojas.network.objectives import get_objective, objective_names
>>> objective_names()[:5]
['squared_error', 'softmax_cross_entropy', 'cross_entropy', 'binary_cross_entropy', 'value']
>>> ce = get_objective("softmax_cross_entropy")
>>> o, t = np.array([2.0, 0.0]), np.array([1.0, 0.0])
>>> round(float(ce.terms(o, t).sum()), 9), np.round(ce.seed(o, t), 9)     # E = log(1 + e^-2)
(0.126928011, array([-0.11920292,  0.11920292]))
>>> float(ce.terms(np.array([1000.0, -1000.0]), np.array([0.0, 1.0])).sum())   # no overflow
2000.0

A user's own is one call (here the absolute error, ``E = Σ|o − t|``):

>>> import rojas
>>> l1 = rojas.register_objective(
...     "absolute_error", terms=lambda o, t: np.abs(o - t), seed=lambda o, t: np.sign(o - t),
...     formula="E = Σ_k |o_k − t_k|", unit="|{o} − {t}|", stores="sign({o} − {t})",
...     sympy=lambda sp, o, t: sp.Add(*[sp.Abs(a - b) for a, b in zip(o, t)]), replace=True)
>>> net = rojas.Network().add_input("x").add_unit("y", "identity").add_edge("x", "y", weight=3.0)
>>> lab = rojas.label(net, {"x": 2.0}, {"y": 1.0}, objective="absolute_error")
>>> lab.value, lab.grad("x->y")
(5.0, 2.0)
"""

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..errors import NetworkError
from .primitives import sigmoid, softplus

__all__ = ["Objective", "Fused", "register_objective", "get_objective", "objective_names",
           "DEFAULT_OBJECTIVE", "VALUE_OBJECTIVE"]

DEFAULT_OBJECTIVE = "squared_error"  # with targets, when neither the call nor the file names one
VALUE_OBJECTIVE = "value"            # without targets: the value of one node (``of=``, ``--of``)


@dataclass(frozen=True)
class Fused:
    """An objective written through an output's net input s, for one primitive.

    Attributes
    ----------
    terms : callable
        ``terms(s, t)``: the output's share of E from its net input (the same
        number as ``terms(f(s), t)``, computed without passing through f).
    seed : callable
        ``seed(s, t)``: ``∂E/∂s``, which the backward sweep adds to δ after the
        multiplication by f'(s) (the output's error unit sends it past the left half).
    stores : str
        How reports and figures write that seed (``"{o} − {t}"``, see :meth:`Objective.text`).
    """

    terms: Callable
    seed: Callable
    stores: str


@dataclass(frozen=True)
class Objective:
    """One objective of the extended network, with everything its consumers read.

    Attributes
    ----------
    name : str
    terms : callable
        ``terms(o, t)``: each output's share of E, the shape of ``o`` (one row
        per output; a column per sample in a batch).  ``E`` is their sum.
    seed : callable
        ``seed(o, t)``: ``∂E/∂o_k``, the shape of ``o``.
    formula : str
        ``E`` as proofs and figures write it (``"E = ½ Σ_k (o_k − t_k)²"``).
    short : str
        The same in a report's heading (``"E = ½Σ(o−t)²"``; default: `formula`).
    symbol : str
        The mark in the right half of an error unit in a figure (``"½(·)²"``; default: the name).
    unit : str
        What the error unit of one output computes, as the extended network
        draws it (``"½({o} − {t})²"``): ``{o}``, ``{t}``, ``{s}`` and ``{k}``
        stand for the output's value, target, net input and name (see :meth:`text`).
    stores : str
        What that error unit stores and sends back to its output, ∂E/∂o (``"{o} − {t}"``).
    sympy : callable or None
        ``sympy(sp, o, t)``: E of one sample as a SymPy expression of the lists
        of output and target symbols.
    targets : bool
        Whether the objective compares the outputs with targets (False: the
        value of one node, differentiated as it is).
    check : callable or None
        ``check(t)``: None when the targets are acceptable, else ``(row, sample,
        why)`` -- the output row (None: the whole column), the sample (None
        without a batch) and a phrase saying what is wrong.
    fused : dict
        ``{primitive name: Fused}``: outputs of these primitives send ∂E/∂s.
    joint : bool
        Each output's share depends on every output (a softmax): the extended
        network draws an edge from every output into every error unit.
    domain : str
        What the outputs must satisfy, said when E is not finite.
    complex_safe : bool
        ``terms`` accepts complex outputs (the complex-step check).
    """

    name: str
    terms: Callable
    seed: Callable
    formula: str
    unit: str
    stores: str
    sympy: Callable | None = None
    targets: bool = True
    check: Callable | None = None
    fused: dict = field(default_factory=dict)
    joint: bool = False
    domain: str = ""
    complex_safe: bool = True
    short: str = ""
    symbol: str = ""

    def __post_init__(self):
        if not self.short:
            object.__setattr__(self, "short", self.formula)
        if not self.symbol:
            object.__setattr__(self, "symbol", self.name)

    def text(self, template, k=None):
        """`template` (:attr:`unit`, :attr:`stores`, a :class:`Fused`'s ``stores``) for output `k`.

        >>> from rojas.network.objectives import get_objective
        >>> se = get_objective("squared_error")
        >>> se.text(se.unit), se.text(se.stores, "o1")
        ('½(o − t)²', 'o_o1 − t_o1')
        """
        names = {"o": "o", "t": "t", "s": "s", "k": "k"} if k is None else \
            {"o": f"o_{k}", "t": f"t_{k}", "s": f"s_{k}", "k": str(k)}
        for key, name in names.items():
            template = template.replace("{" + key + "}", name)
        return template

    def value(self, o, t):
        """E: the sum of :attr:`terms` over the outputs (and a batch)."""
        return np.sum(self.terms(o, t))

    def symbolic(self, sp, o, t):
        """E of one sample as SymPy: :attr:`sympy`, or :attr:`terms` on object arrays."""
        if self.sympy is not None:
            return self.sympy(sp, list(o), list(t))
        arr_o, arr_t = np.empty(len(o), dtype=object), np.empty(len(t), dtype=object)
        arr_o[:], arr_t[:] = list(o), list(t)
        return sp.Add(*[sp.sympify(x) for x in self.terms(arr_o, arr_t)])


_REGISTRY: dict = {}


def register_objective(name, terms, seed, *, formula, unit, stores, sympy=None, targets=True, check=None,
                       fused=None, joint=False, domain="", complex_safe=True, short="", symbol="",
                       replace=False):
    """Add an objective to the registry.

    Parameters
    ----------
    name : str
        What ``objective=``, ``--objective`` and a network file's graph field
        ``"objective"`` say.
    terms, seed : callable
        ``terms(o, t)`` and ``seed(o, t) = ∂E/∂o``, NumPy-vectorized over
        arrays with one row per output (see :class:`Objective`).  ``seed`` is
        taken as given; ``rojas check`` verifies it.
    formula, unit, stores, short, symbol : str
        The texts reports and figures show (see :class:`Objective`).
    sympy, check : callable, optional
    fused : dict, optional
        ``{primitive name: Fused}``.
    targets, joint, complex_safe : bool, optional
    domain : str, optional
    replace : bool, optional
        Allow replacing an existing entry (never a built-in).

    Returns
    -------
    Objective

    Raises
    ------
    NetworkError
        If the name is taken or not an identifier, or `terms`/`seed` are not callable.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise NetworkError(f"objective name {name!r} is not an identifier")
    if not callable(terms) or not callable(seed):
        raise NetworkError(f"objective {name!r}: terms and seed must be callable")
    if name in _REGISTRY and (not replace or name in BUILTIN_NAMES):
        raise NetworkError(f"objective {name!r} is already registered")
    for prim, entry in (fused or {}).items():
        if not isinstance(entry, Fused):
            raise NetworkError(f"objective {name!r}: fused[{prim!r}] must be a rojas.network.objectives.Fused")
    entry = Objective(name, terms, seed, formula, unit, stores, sympy=sympy, targets=targets, check=check,
                      fused=dict(fused or {}), joint=joint, domain=domain, complex_safe=complex_safe,
                      short=short, symbol=symbol)
    _REGISTRY[name] = entry
    return entry


def get_objective(name):
    """Return the registered :class:`Objective` called `name`.

    Raises
    ------
    NetworkError
        If no objective has that name; the message lists the known names.

    Examples
    --------
    >>> from rojas.network.objectives import get_objective
    >>> get_objective("squared_error").formula
    'E = ½ Σ_k (o_k − t_k)²'
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise NetworkError(f"unknown objective {str(name)[:80]!r} (known: {', '.join(objective_names())})") from None


def objective_names():
    """The names of the registered objectives: the built-ins first, then in registration order."""
    return list(_REGISTRY)


# ---------------------------------------------------------------------------- the built-ins
def _real(x):
    return np.real(x) if np.iscomplexobj(x) else x


def _xlogy(t, o):
    """t·log(o), 0 where t = 0 (whatever o is): the convention 0·log 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t == 0, 0.0, t * np.log(np.where(t == 0, 1.0, o)))


def _over(t, o):
    """t/o, 0 where t = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t == 0, 0.0, t / np.where(t == 0, 1.0, o))


def _first(bad, why):
    """``(row, sample, why)`` of the first True entry of `bad`, or None."""
    if not bad.any():
        return None
    if bad.ndim == 1:
        return int(np.argmax(bad)), None, why
    k, b = np.unravel_index(int(np.argmax(bad.T.ravel())), bad.T.shape)[::-1]  # sample-major: sample 0 first
    return int(k), int(b), why


def _probabilities(t):
    for bad, why in ((t < 0, "is negative"), (t > 1, "exceeds 1")):
        found = _first(bad, f"{why}, and a probability lies in [0, 1]")
        if found:
            return found
    return None


def _probability_vector(t):
    found = _probabilities(t)
    if found:
        return found
    total = t.sum(axis=0)
    bad = np.abs(total - 1.0) > 1e-6
    if np.any(bad):
        b = int(np.argmax(bad)) if np.ndim(bad) else None
        return None, b, f"sum to {float(total if b is None else total[b]):.9g}, not 1 (a probability vector)"
    return None


def _log_softmax(o):
    """log softmax over the outputs (axis 0), by log-sum-exp: o − max(o) ≤ 0 never overflows."""
    shift = np.max(_real(o), axis=0)
    z = o - shift
    return z - np.log(np.sum(np.exp(z), axis=0))


def _softmax_ce_terms(o, t):
    return -t * _log_softmax(o)


def _softmax_ce_seed(o, t):
    return np.exp(_log_softmax(o)) * np.sum(t, axis=0) - t  # softmax(o)·Σt − t = softmax(o) − t


def _softmax_ce_sympy(sp, o, t):
    lse = sp.log(sp.Add(*[sp.exp(x) for x in o]))
    return sp.Add(*[-b * (a - lse) for a, b in zip(o, t)])


_REGISTRY["squared_error"] = Objective(
    "squared_error", terms=lambda o, t: 0.5 * (o - t) ** 2, seed=lambda o, t: o - t,
    formula="E = ½ Σ_k (o_k − t_k)²", unit="½({o} − {t})²", stores="{o} − {t}",
    short="E = ½Σ(o−t)²", symbol="½(·)²", sympy=lambda sp, o, t: sp.Rational(1, 2) * sp.Add(*[(a - b) ** 2 for a, b in zip(o, t)]))
_REGISTRY["softmax_cross_entropy"] = Objective(
    "softmax_cross_entropy", terms=_softmax_ce_terms, seed=_softmax_ce_seed,
    formula="E = −Σ_k t_k·log softmax(o)_k", unit="−{t}·log softmax(o)_{k}",
    stores="softmax(o)_{k} − {t}", short="E = −Σt·log softmax(o)", symbol="−t·log sm",
    sympy=_softmax_ce_sympy, check=_probability_vector, joint=True)
_REGISTRY["cross_entropy"] = Objective(
    "cross_entropy", terms=lambda o, t: -_xlogy(t, o), seed=lambda o, t: -_over(t, o),
    formula="E = −Σ_k t_k·log o_k", unit="−{t}·log {o}", stores="−{t}/{o}",
    short="E = −Σt·log o", symbol="−t·log",
    sympy=lambda sp, o, t: sp.Add(*[-b * sp.log(a) for a, b in zip(o, t)]), check=_probabilities,
    domain="cross-entropy takes probabilities: o > 0 wherever t > 0")
_REGISTRY["binary_cross_entropy"] = Objective(
    "binary_cross_entropy", terms=lambda o, t: -_xlogy(t, o) - _xlogy(1.0 - t, 1.0 - o),
    seed=lambda o, t: _over(1.0 - t, 1.0 - o) - _over(t, o),
    formula="E = −Σ_k [t_k·log o_k + (1 − t_k)·log(1 − o_k)]", unit="−[{t}·log {o} + (1 − {t})·log(1 − {o})]",
    stores="({o} − {t})/({o}·(1 − {o}))", short="E = −Σ[t·log o + (1−t)·log(1−o)]",
    symbol="bce",
    sympy=lambda sp, o, t: sp.Add(*[-(b * sp.log(a) + (1 - b) * sp.log(1 - a)) for a, b in zip(o, t)]),
    check=_probabilities, domain="binary cross-entropy takes probabilities: 0 < o < 1 where 0 < t < 1, "
    "o > 0 where t = 1, o < 1 where t = 0",
    # on a sigmoid output: E = softplus(s) − t·s and ∂E/∂s = σ(s) − t, exact at |s| = 1000
    fused={"sigmoid": Fused(terms=lambda s, t: softplus(s) - t * s, seed=lambda s, t: sigmoid(s) - t,
                            stores="{o} − {t}")})
_REGISTRY["value"] = Objective(
    "value", terms=lambda o, t: 1.0 * o, seed=lambda o, t: np.ones_like(o),
    formula="the value of one node", unit="{o}", stores="1", symbol="o",
    sympy=lambda sp, o, t: sp.Add(*o), targets=False)

BUILTIN_NAMES = frozenset(_REGISTRY)
