"""Every parameter element's gradient: torch autograd beside Rojas's path sums.

:func:`compare_with_torch` imports a module with :func:`~rojas.importers.torch_fx.from_torch`,
labels the network on a batch, runs ``loss.backward()`` on the same batch in
float64, and puts the two gradients of every element of every parameter side by
side.  A disagreement means the two computations differ -- typically a custom
``torch.autograd.Function`` whose ``backward`` is wrong, since rojas
differentiates what the forward computes.
"""

import numpy as np

from ..errors import DataError, RojasError
from .onnx_graph import require

__all__ = ["compare_with_torch", "Comparison", "named_gradients", "TORCH_OBJECTIVES"]

# objective name → the torch loss it stands for on the module's output y, summed over the batch as
# rojas sums E; `taken` says that the module's final softmax was taken into the objective (y holds
# probabilities then, and the loss is written on them).
TORCH_OBJECTIVES = {
    "squared_error": lambda torch, y, t, taken: 0.5 * ((y - t) ** 2).sum(),
    "softmax_cross_entropy": lambda torch, y, t, taken: -(t * (
        torch.log(y) if taken else torch.log_softmax(y.flatten(1), 1).reshape(y.shape))).sum(),
    "cross_entropy": lambda torch, y, t, taken: -(t * torch.log(y)).sum(),
    "binary_cross_entropy": lambda torch, y, t, taken: torch.nn.functional.binary_cross_entropy(y, t, reduction="sum"),
}


def named_gradients(lab):
    """``{parameter element: ∂E/∂p}`` of a labeling: named edges and graph params."""
    grads = lab.gradients()
    out = {name: g for name, g in zip(lab.plan.edge_names, grads["weights"].tolist()) if name is not None}
    out.update(zip(lab.plan.param_names, grads["params"].tolist()))
    return out


class Comparison:
    """Torch's and rojas's gradients of every parameter element.

    Attributes
    ----------
    rows : list of (str, float, float)
        ``(element, torch autograd, rojas)`` for every element of every parameter.
    tolerance : float
        The largest difference taken as agreement.
    disagreements : list of (str, float, float)
        The rows outside the tolerance.
    """

    def __init__(self, rows, tolerance):
        self.rows, self.tolerance = rows, tolerance
        self.disagreements = [r for r in rows if not abs(r[1] - r[2]) <= tolerance]

    @property
    def ok(self):
        """Whether every element agrees."""
        return not self.disagreements

    @property
    def max_difference(self):
        return max((abs(a - b) for _, a, b in self.rows), default=0.0)

    def __str__(self):
        head = (f"{len(self.rows)} parameter elements, largest difference {self.max_difference:.3g} "
                f"(tolerance {self.tolerance:.3g}): ")
        if self.ok:
            return head + "torch autograd and rojas agree on every one"
        lines = [head + f"{len(self.disagreements)} disagree", f"{'element':<28} {'torch':>16} {'rojas':>16}"]
        lines += [f"{n:<28} {a:>16.9g} {b:>16.9g}" for n, a, b in self.disagreements[:20]]
        if len(self.disagreements) > 20:
            lines.append(f"… and {len(self.disagreements) - 20} more")
        return "\n".join(lines)

    __repr__ = __str__


def compare_with_torch(module, inputs, targets, objective="squared_error", *, input_names=None, output_names=None,
                       rtol=1e-9):
    """Torch autograd's gradient beside rojas's for every element of every parameter of `module`.

    Parameters
    ----------
    module : torch.nn.Module
        Compared in float64 (a double copy; `module` is not changed).
    inputs : tensor or tuple of tensors
        A batch (leading dimension B) for every argument of ``forward``.
    targets : tensor or tuple of tensors
        One per output, shaped as the output.
    objective : str
        ``"squared_error"`` (``½ Σ (y − t)²``), ``"softmax_cross_entropy"``
        (on logits, or on a module ending in a softmax, which is then taken into
        the objective), ``"cross_entropy"`` (on probabilities) or
        ``"binary_cross_entropy"`` (on sigmoid outputs); summed over the batch.
    rtol : float
        Agreement within `rtol` times the largest gradient.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import pytest, rojas
    >>> torch = pytest.importorskip("torch")  # PyTorch is in no extra: this example needs it installed
    >>> torch.manual_seed(0) and None
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    >>> rojas.compare_with_torch(net, torch.randn(4, 2), torch.randn(4, 1)).ok
    True
    """
    import copy

    torch = require("torch")
    from ..engine.labeling import label
    from .torch_fx import import_torch

    if objective not in TORCH_OBJECTIVES:
        raise RojasError(f"unknown objective {objective!r} (known: {', '.join(TORCH_OBJECTIVES)})")
    twin = copy.deepcopy(module).double()
    xs = tuple(torch.as_tensor(x, dtype=torch.float64) for x in (inputs if isinstance(inputs, (tuple, list))
                                                                  else (inputs,)))
    ts = tuple(torch.as_tensor(t, dtype=torch.float64) for t in (targets if isinstance(targets, (tuple, list))
                                                                  else (targets,)))
    imported = import_torch(twin, xs, input_names=input_names, output_names=output_names, objective=objective)
    batch = xs[0].shape[0]
    if len(ts) != len(imported.outputs):
        raise DataError(f"the module has {len(imported.outputs)} outputs but {len(ts)} targets were given")
    feed, goal = {}, {}
    for x, ids in zip(xs, imported.inputs.values()):
        feed.update(zip(ids.ravel().tolist(), x.reshape(batch, -1).T.numpy()))
    for t, ids in zip(ts, imported.outputs.values()):
        if tuple(t.shape[1:]) != tuple(ids.shape[1:]) or t.shape[0] != batch:
            raise DataError(f"a target of shape {tuple(t.shape)} does not fit the output's {(batch,) + ids.shape[1:]}")
        goal.update(zip(ids.ravel().tolist(), t.reshape(batch, -1).T.numpy()))
    lab = label(imported.network, feed, goal)
    ours = named_gradients(lab)
    twin.zero_grad()
    outs = twin(*xs)
    outs = outs if isinstance(outs, (tuple, list)) else (outs,)
    taken = bool(imported.finals)
    sum(TORCH_OBJECTIVES[objective](torch, y, t, taken) for y, t in zip(outs, ts)).backward()
    rows = []
    for pname, p in twin.named_parameters():
        theirs = np.zeros(tuple(p.shape)) if p.grad is None else p.grad.detach().numpy()
        for idx in np.ndindex(*p.shape):
            key = f"{pname}[{','.join(map(str, idx))}]" if p.dim() else pname
            rows.append((key, float(theirs[idx]), float(ours.get(key, 0.0))))
    scale = max([abs(r[1]) for r in rows] + [1e-300])
    return Comparison(rows, rtol * scale)
