"""What a labeling differentiates: inputs and targets in sweep order, the objective, its checks.

The objective is Rojas's extended network's error ``E = ½ Σ_k (o_k − t_k)²``
over the named outputs (summed over a batch), or the value of one node.  Its
derivative by each output value, ``o_k − t_k`` (or 1), is the *seed* the
backward sweep starts from.  A non-finite number in a sweep is refused,
naming the node, edge or output where it arose.
"""

import numpy as np

from ..network.data import prepare
from ..errors import NumericalError
from .plan import plan_of

__all__ = ["Problem", "first_bad", "check_sums"]


class Problem:
    """Inputs and targets of one labeling, checked and laid out in sweep order."""

    def __init__(self, net, inputs, targets, of):
        x_map, t_map, self.batch, self.of = prepare(net, inputs, targets, of)
        self.plan = plan = plan_of(net)
        pos = plan.pos
        self.shape = (plan.n_nodes,) if self.batch is None else (plan.n_nodes, self.batch)
        self.x = np.zeros(self.shape)
        self.x[np.fromiter((pos[n] for n in x_map), np.intp, len(x_map))] = _stacked(x_map, self.batch)
        self.outs = np.fromiter((pos[n] for n in t_map), dtype=np.intp, count=len(t_map))
        self.t = np.zeros((len(self.outs),) + self.shape[1:])
        self.t[:] = _stacked(t_map, self.batch)
        self.targets = list(t_map)
        self.name = "E" if t_map else self.of

    def objective(self, o):
        """The objective's value and the seed the backward sweep starts from."""
        seed = np.zeros(o.shape, o.dtype)
        if self.targets:
            seed[self.outs] = o[self.outs] - self.t  # ∂E/∂o_k = o_k − t_k: the error node's edges
            value = 0.5 * np.sum(seed[self.outs] ** 2)
        else:
            seed[self.plan.pos[self.of]] = 1.0
            value = np.sum(o[self.plan.pos[self.of]])
        return (complex(value) if np.iscomplexobj(value) else float(value)), seed


def _stacked(values, batch):
    """The values of ``{node: float or (B,) array}`` as one array: (n,) or (n, B)."""
    if batch is None:
        return np.fromiter(values.values(), np.float64, len(values))
    out = np.empty((len(values), batch))
    for i, value in enumerate(values.values()):
        out[i] = value  # a float is broadcast over the batch
    return out


def first_bad(plan, arrays, stage):
    """Refuse the first non-finite entry of `arrays` (``(name, array)`` pairs), naming its node."""
    for name, arr in arrays:
        bad = ~np.isfinite(arr)
        if bad.ndim == 2:
            bad = bad.any(axis=1)
        if bad.any():
            i = int(np.argmax(bad))
            node = plan.order[i]
            where = f"node {node!r} ({plan.fn_of(i)})"
            raise NumericalError(f"non-finite {name} at {where} in the {stage} sweep; "
                                 "the weights or inputs are too large for this primitive")


def check_sums(plan, value, problem, delta, edge_grad, o):
    """Refuse a non-finite objective or gradient, naming where it overflowed."""
    if not np.isfinite(value):
        if problem.targets:
            err = ((o[problem.outs] - problem.t) ** 2).reshape(len(problem.outs), -1)
            k = int(np.argmax(~np.isfinite(err).all(axis=1) | ~np.isfinite(err.sum(axis=1))))
            where = f"the error at output {plan.order[problem.outs[k]]!r}"
        else:
            where = f"the value of {problem.name!r}"
        raise NumericalError(f"the objective E overflows: {where} is not finite")
    bad = ~np.isfinite(edge_grad)
    if bad.any():
        u, v = plan.edges[int(np.argmax(bad))]
        raise NumericalError(f"the gradient of edge {u!r}->{v!r} overflows (o_{u}·δ_{v} is not finite)")
    if delta.ndim == 2:
        bad = ~np.isfinite(delta.sum(axis=1)) & ~plan.is_input  # inputs' gradients stay per sample
        if bad.any():
            raise NumericalError(f"the gradient of node {plan.order[int(np.argmax(bad))]!r} summed over "
                                 "the batch overflows")
