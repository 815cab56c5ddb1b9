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

from ..engine.sweeps import linear_sweep
from .paths import resolve_source

__all__ = ["tangent", "Tangents"]


@dataclass(repr=False)
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

    def __repr__(self):
        return f"<Tangents of {self.source.label}: derivative {self.derivative:.12g}, {len(self)} nodes>"

    def __str__(self):
        lines = [f"Tangent sweep (forward mode) from {self.source.label}: "
                 f"∂objective/∂{self.source.label} = {self.derivative:.12g}",
                 "ȯ_j = ∂o_j/∂source, node by node in sweep order:"]
        for node in self._nodes:
            value = self[node]
            shown = f"{value:.9g}" if np.ndim(value) == 0 else "[" + ", ".join(f"{v:.9g}" for v in value) + "]"
            lines.append(f"  {node}: {shown}")
        return "\n".join(lines)

    def _repr_markdown_(self):
        rows = "\n".join(f"| {node} | {self[node]} |" for node in self._nodes)
        return (f"**Tangent sweep from {self.source.label}:** ∂objective/∂{self.source.label} = "
                f"{self.derivative:.12g}\n\n| node | ∂o/∂{self.source.label} |\n|---|---|\n{rows}")


def tangent(lab, source):
    """Run the tangent (forward-mode) sweep for one source over a labeled network.

    Parameters
    ----------
    lab : Labeling
        Supplies the stored derivatives f'(s), the values and the objective.
    source : Source or reference
        See :func:`rojas.proof.paths.resolve_source`.

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
    plan = lab.plan
    source = resolve_source(lab.network, source)
    o, d, partials = lab.arrays["o"], lab.arrays["fprime"], lab.arrays["partials"]
    w = lab.parameters()["weights"]
    pos = plan.pos
    sdot_seed = np.zeros_like(o)  # what the source adds to each unit's ṡ
    odot_seed = np.zeros_like(o)  # ... or to its ȯ directly (an input, a value)
    for u, v in source.edges:
        sdot_seed[pos[v]] += o[pos[u]] * lab.product_partial(u, v)
    if source.kind in ("node", "bias"):
        sdot_seed[pos[source.node]] = 1.0
    elif source.kind in ("input", "value"):
        odot_seed[pos[source.node]] = 1.0
    elif source.kind == "param" and source.label in plan.param_names:
        # units whose bias is the param: ∂s_j/∂param = 1
        tied = plan.node_param == plan.param_names.index(source.label)
        sdot_seed[plan.rank[tied]] += 1.0
    # The backward sweep's coefficients, read along the edges' own direction.
    scaled = plan.forward.scaled
    coef_scaled = (w[scaled.edges][:, None] if o.ndim == 2 else w[scaled.edges]) * partials
    seed, seed_s = lab.arrays["seed"], lab.arrays["seed_s"]
    sdot = None if seed_s is None else \
        np.zeros(np.broadcast_shapes(d.shape, sdot_seed.shape), np.result_type(d, sdot_seed))
    odot = linear_sweep(plan, plan.forward, w[plan.forward.linear.edges], coef_scaled, d, sdot_seed, odot_seed,
                        before=sdot)
    # dE = Σ_k ∂E/∂o_k·ȯ_k (+ ∂E/∂s_k·ṡ_k at outputs the objective is fused with)
    derivative = float(np.sum(seed * odot) + (0.0 if seed_s is None else np.sum(seed_s * sdot)))
    return Tangents(source, derivative, pos, plan.nodes, odot)
