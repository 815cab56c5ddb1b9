"""``from_torch``: a PyTorch module as Rojas's network, through ``torch.export`` (no ONNX).

``torch.export.export`` traces the module into ATen operators with every
placeholder tied to its parameter's qualified name (``fc1.weight``); the
decompositions are left out, so ``linear``, ``conv2d`` and batch norm stay
whole.  Each operator is expanded by its entry in :data:`rojas.importers.torch_ops.ATEN` -- the same
tensor operations (:mod:`rojas.importers.algebra`) the ONNX importer uses, so
the naming contract is the same: inputs ``NAME[i,…]``, outputs ``NAME[k,…]``,
every parameter element ``fc1.weight[2,1]`` (an edge name or a tied param),
buffers (running statistics) as numbers.
"""

import operator

import numpy as np

from ..errors import NetworkError, RojasError
from .expand import Const, Graph
from .onnx_graph import require
from .torch_ops import ABSORBED, ATEN, NEEDS_SHAPE

__all__ = ["from_torch", "import_torch"]

def _op_name(target):
    if target is operator.getitem:
        return "getitem"
    packet = getattr(target, "overloadpacket", None)
    return getattr(packet, "__name__", str(target)).split(".")[-1]


def _absorbed(program, objective):
    """The name of the graph node whose softmax the objective takes in, or None."""
    ops = ABSORBED.get(objective, ())
    out = next(n for n in program.graph.nodes if n.op == "output")
    results = out.args[0] if isinstance(out.args[0], (tuple, list)) else (out.args[0],)
    if len(results) == 1 and getattr(results[0], "op", None) == "call_function" and \
            _op_name(results[0].target) in ops:
        return results[0].name
    return None


def import_torch(module, example_inputs, *, input_names=None, output_names=None, name=None, objective=None):
    """Expand `module` traced on `example_inputs` (one sample); an Imported.  See :func:`from_torch`."""
    torch = require("torch")
    from .onnx_import import Imported, absorb, check_objective

    objective = check_objective(objective)
    if not isinstance(example_inputs, (tuple, list)):
        example_inputs = (example_inputs,)
    example = tuple(torch.as_tensor(x)[:1] for x in example_inputs)
    try:
        program = torch.export.export(module, example).run_decompositions({})
    except Exception as exc:
        raise NetworkError(f"torch.export cannot trace the module ({type(exc).__name__}: {str(exc)[:200]})") from None
    signature = program.graph_signature
    params, buffers = signature.inputs_to_parameters, dict(signature.inputs_to_buffers)
    buffers.update(getattr(signature, "inputs_to_lifted_tensor_constants", {}) or {})
    state = {**dict(program.named_parameters()), **dict(program.named_buffers()), **program.constants}
    g = Graph(drop_batch=True)
    ctx = _Ctx(g)
    values, inputs, k, finals = {}, {}, 0, {}
    absorbed = _absorbed(program, objective)
    for node in program.graph.nodes:
        if node.op == "placeholder":
            if node.name in params:
                values[node.name] = g.params(params[node.name], state[params[node.name]].detach().double().numpy())
            elif node.name in buffers:
                values[node.name] = Const(state[buffers[node.name]].detach().double().numpy())
            else:
                label = input_names[k] if input_names else node.name
                units = g.units(label, tuple(node.meta["val"].shape), "input")
                values[node.name], inputs[label] = units, units.ids
                k += 1
        elif node.op == "call_function" and node.name == absorbed:
            x = values[node.args[0].name]
            values[node.name] = absorb(finals, absorbed, x, x.shape[node.args[1]], f"{node.name} (softmax)")
        elif node.op == "call_function":
            values[node.name] = g.label(_call(ctx, node, values), node.name)
        elif node.op == "output":
            results = node.args[0] if isinstance(node.args[0], (tuple, list)) else (node.args[0],)
            labels = output_names or [getattr(r, "name", f"output{i}") for i, r in enumerate(results)]
            named = [(label, _lookup(r, values)) for label, r in zip(labels, results)]
            finals = {label: finals[r.name] for label, r in zip(labels, results) if getattr(r, "name", None) in finals}
    outputs = g.name_outputs(named, inputs.values())
    net = g.network(np.concatenate([ids.ravel() for ids in outputs.values()]), name or type(module).__name__,
                    {"objective": objective} if objective else None)
    names = np.asarray(g.names, dtype=object)
    return Imported(net, {k: names[v] for k, v in inputs.items()}, {k: names[v] for k, v in outputs.items()},
                    finals=finals)


class _Ctx:
    def __init__(self, g):
        self.g = g


def _lookup(arg, values):
    if isinstance(arg, (list, tuple)):
        return type(arg)(_lookup(a, values) for a in arg)
    return values[arg.name] if hasattr(arg, "name") and hasattr(arg, "op") else arg


def _call(ctx, node, values):
    op = _op_name(node.target)
    args = _lookup(tuple(node.args), values)
    if op == "getitem":
        return args[0][args[1]]
    handler = ATEN.get(op)
    if handler is None:
        raise NetworkError(f"unsupported PyTorch op {op} (node {node.name!r}); rojas imports: "
                           f"{', '.join(sorted(ATEN))}")
    kwargs = {}
    if op in ("add", "sub") and "alpha" in node.kwargs:
        kwargs["alpha"] = node.kwargs["alpha"]
    if handler in NEEDS_SHAPE:
        kwargs["shape"] = tuple(node.meta["val"].shape)
    try:
        return handler(ctx, args, node.name, op, **kwargs)
    except RojasError:
        raise
    except (ValueError, IndexError, KeyError, TypeError) as exc:  # arguments rojas did not expect
        raise NetworkError(f"{node.name} ({op}) cannot be expanded: {str(exc)[:200]}") from None


def from_torch(module, example_inputs, *, input_names=None, output_names=None, name=None, objective=None):
    """A PyTorch module as Rojas's network, traced by ``torch.export`` (no ONNX needed).

    Parameters
    ----------
    module : torch.nn.Module
        In eval mode for batch norm and dropout.
    example_inputs : tensor or tuple of tensors
        With a leading batch dimension; the first sample is traced.
    input_names, output_names : list of str, optional
        Names of the input and output units' tensors (default: the forward's
        argument names and the traced graph's output names).
    name : str, optional
    objective : str, optional
        As for :func:`~rojas.importers.onnx_import.from_onnx`: with
        ``"softmax_cross_entropy"`` a final softmax is taken into the objective
        (the output units hold the logits).

    Returns
    -------
    Network
        Parameters named as ``module.named_parameters()`` names them:
        ``fc1.weight[2,1]`` is an edge name or a graph param.

    Examples
    --------
    >>> import pytest, rojas
    >>> torch = pytest.importorskip("torch")  # PyTorch is in no extra: this example needs it installed
    >>> net = rojas.from_torch(torch.nn.Linear(2, 1).double(), torch.zeros(1, 2, dtype=torch.float64),
    ...                        input_names=["x"], output_names=["y"])
    >>> net.inputs, net.outputs, net.edge_name("x[1]", "y[0]")
    (['x[0]', 'x[1]'], ['y[0]'], 'weight[0,1]')
    """
    return import_torch(module, example_inputs, input_names=input_names, output_names=output_names, name=name,
                        objective=objective).network
