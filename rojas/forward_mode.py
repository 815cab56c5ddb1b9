"""Forward-mode labels: the other way of factoring the same path sum.

The backward sweep groups the paths by where they *end*: δ_j sums every path
from unit j to the objective.  A tangent sweep groups them by where they
*start*: for one source, it carries ``ȯ_j = ∂o_j/∂source`` forward in
topological order (ṡ_j = Σ_i w_ij·ȯ_i, ȯ_j = f'(s_j)·ṡ_j), and the objective's
derivative is read off at the end.  Both must give the same number.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .labeling import _scatter, _sum_in
from .paths import resolve_source

__all__ = ["tangent", "Tangents"]


@dataclass
class Tangents(Mapping):
    """``{node: ∂o_node/∂source}`` from a tangent sweep, and the objective's derivative.

    Attributes
    ----------
    source : Source
    derivative : float
        ∂objective/∂source, summed over a batch.
    """

    source: object
    derivative: float
    _pos: dict
    _nodes: list
    _odot: np.ndarray

    def __getitem__(self, node):
        if node not in self._pos:
            raise KeyError(node)
        value = self._odot[self._pos[node]]
        return float(value) if np.ndim(value) == 0 else value.copy()

    def __iter__(self):
        return iter(self._nodes)

    def __len__(self):
        return len(self._nodes)


def tangent(lab, source):
    """Run the tangent (forward-mode) sweep for one source over a labeled network.

    Parameters
    ----------
    lab : Labeling
        Supplies the stored derivatives f'(s), the values and the objective.
    source : Source or reference
        See :func:`rojas.paths.resolve_source`.

    Returns
    -------
    Tangents

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> abs(rojas.tangent(lab, "w1").derivative - lab.grad("w1")) < 1e-15
    True
    """
    net, plan = lab.network, lab.plan
    source = resolve_source(net, source)
    o, d, terms_ds = lab.arrays["o"], lab.arrays["fprime"], lab.arrays["terms_ds"]
    w = net._values()[0]
    sdot_seed = np.zeros_like(o)  # what the source adds to each unit's ṡ
    odot_seed = np.zeros_like(o)  # ... or to its ȯ directly (an input, a value)
    for u, v in source.edges:
        sdot_seed[plan.pos[v]] += o[plan.pos[u]] * lab.product_partial(u, v)
    if source.kind in ("node", "bias"):
        sdot_seed[plan.pos[source.node]] = 1.0
    elif source.kind in ("input", "value"):
        odot_seed[plan.pos[source.node]] = 1.0
    odot = np.zeros_like(o)
    w_fs, w_fp = w[plan.fs], w[plan.fp]
    for lev in plan.levels:
        lo, hi = lev.lo, lev.hi
        sdot = _sum_in(plan, lev, w_fs, odot, odot.ndim == 2)
        a, z = lev.fp
        if z > a:
            weights = w_fp[a:z, None] if odot.ndim == 2 else w_fp[a:z]
            sdot += _scatter(plan.fp_dstl[a:z], weights * terms_ds[a:z] * odot[plan.fp_src[a:z]], hi - lo)
        sdot += sdot_seed[lo:hi]
        odot[lo:hi] = d[lo:hi] * sdot + odot_seed[lo:hi]
    if lab.objective == "E":
        outs = [plan.pos[k] for k in lab.targets]
        t = np.array([np.asarray(lab.targets[k], dtype=float) for k in lab.targets])
        derivative = float(np.sum((o[outs] - t) * odot[outs]))
    else:
        derivative = float(np.sum(odot[plan.pos[lab.objective]]))
    return Tangents(source, derivative, plan.pos, lab.network.nodes, odot)
