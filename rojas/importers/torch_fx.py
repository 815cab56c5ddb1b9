"""``from_torch``: a PyTorch module as Rojas's network, through ``torch.export`` (no ONNX).

``torch.export.export`` traces the module into ATen operators with every
placeholder tied to its parameter's qualified name (``fc1.weight``); the
decompositions are left out, so ``linear``, ``conv2d`` and batch norm stay
whole.  Each operator is expanded by its entry in :data:`ATEN` -- the same
tensor operations (:mod:`rojas.importers.algebra`) the ONNX importer uses, so
the naming contract is the same: inputs ``NAME[i,…]``, outputs ``NAME[k,…]``,
every parameter element ``fc1.weight[2,1]`` (an edge name or a tied param),
buffers (running statistics) as numbers.
"""

import operator

import numpy as np

from ..errors import NetworkError, RojasError
from . import algebra as A
from .convolution import batch_norm, conv, pool
from .expand import Const, Graph
from .onnx_graph import require

__all__ = ["from_torch", "import_torch", "ATEN", "ABSORBED"]

ATEN = {}
# objective → the final ATen ops it takes in (see rojas.importers.onnx_registry.ABSORBED)
ABSORBED = {"softmax_cross_entropy": ("softmax", "_softmax")}


def _aten(*names):
    def register(fn):
        for name in names:
            ATEN[name] = fn
        return fn
    return register


_ACTIVATIONS = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "exp": "exp", "log": "log", "sin": "sin",
                "cos": "cos", "reciprocal": "reciprocal", "elu": "elu", "leaky_relu": "leaky_relu",
                "softplus": "softplus"}
_DEFAULTS = {"leaky_relu": (0.01,), "elu": (1.0, 1, 1), "softplus": (1, 20)}


def _activation(ctx, args, name, op):
    fn = _ACTIVATIONS[op]
    extra = tuple(float(a) for a in args[1:])
    want = _DEFAULTS.get(op, ())
    if op == "leaky_relu" and extra and extra[0] != want[0]:
        return A.leaky(ctx.g, args[0], extra[0], name)
    if op == "elu" and extra and extra != want[:len(extra)]:
        alpha, scale, input_scale = (extra + want[len(extra):])[:3]
        if input_scale != 1.0:
            raise NetworkError(f"{name} (elu): input_scale={input_scale:g} is not supported")
        return A.scale(ctx.g, A.elu(ctx.g, args[0], alpha, name), Const(np.asarray(scale)), name)
    if op == "softplus" and extra[:1] not in ((), (1.0,)) or op not in ("softplus", "elu") and \
            extra != want[:len(extra)]:
        raise NetworkError(f"{name} ({op}): arguments {list(extra)} are not supported (rojas's {fn} has {list(want)})")
    return A.activation(ctx.g, args[0], fn, name)


@_aten("prelu", "_prelu_kernel")
def _prelu(ctx, args, name, op):
    x, w = args[0], args[1]
    if len(x.shape) > 2 and len(w.shape) == 1 and w.shape[0] > 1:  # one slope per channel (axis 1)
        shape = (w.shape[0],) + (1,) * (len(x.shape) - 2)
        w = A.reshape(w, shape)
    return A.prelu(ctx.g, x, w, name)


@_aten("selu")
def _selu(ctx, args, name, op):
    y = A.elu(ctx.g, args[0], 1.6732632423543772, name)
    return A.scale(ctx.g, y, Const(np.asarray(1.0507009873554805)), name)


for _op in _ACTIVATIONS:
    ATEN[_op] = _activation


def _const(x):
    return x if not isinstance(x, (int, float)) else Const(np.asarray(float(x)))


@_aten("add", "sub")
def _add(ctx, args, name, op, alpha=1):
    b = _const(args[1])
    if alpha != 1:
        b = A.scale(ctx.g, b, Const(np.asarray(float(alpha))), name)
    return A.add(ctx.g, _const(args[0]), b, name, -1.0 if op == "sub" else 1.0)


@_aten("rsub")
def _rsub(ctx, args, name, op):
    return A.add(ctx.g, _const(args[1]), _const(args[0]), name, -1.0)


@_aten("mul")
def _mul(ctx, args, name, op):
    return A.multiply(ctx.g, _const(args[0]), _const(args[1]), name)


@_aten("div")
def _div(ctx, args, name, op):
    b = _const(args[1])
    if not isinstance(b, Const):
        raise NetworkError(f"{name} (div): only division by numbers is supported")
    return A.scale(ctx.g, _const(args[0]), Const(1.0 / b.value), name)


@_aten("neg")
def _neg(ctx, args, name, op):
    return A.scale(ctx.g, args[0], Const(np.asarray(-1.0)), name)


@_aten("linear")
def _linear(ctx, args, name, op):
    y = A.matmul(ctx.g, args[0], A.transpose(args[1], (1, 0)), name)
    return A.add(ctx.g, y, args[2], name) if len(args) > 2 and args[2] is not None else y


@_aten("matmul", "mm")
def _matmul(ctx, args, name, op):
    return A.matmul(ctx.g, args[0], args[1], name)


@_aten("addmm")
def _addmm(ctx, args, name, op):
    return A.add(ctx.g, A.matmul(ctx.g, args[1], args[2], name), args[0], name)


@_aten("t")
def _t(ctx, args, name, op):
    return A.transpose(args[0], (1, 0))


@_aten("conv1d", "conv2d", "conv3d", "convolution")
def _conv(ctx, args, name, op):
    x, w, b = args[0], args[1], args[2] if len(args) > 2 else None
    nd = len(w.shape) - 2
    stride, padding, dilation = (list(args[k]) if len(args) > k else [d] * nd for k, d in ((3, 1), (4, 0), (5, 1)))
    if op == "convolution":
        if args[6]:
            raise NetworkError(f"{name}: transposed convolutions are not supported")
        groups = args[8]
    else:
        groups = args[6] if len(args) > 6 else 1
    if isinstance(padding[0], str) if padding else False:
        raise NetworkError(f"{name}: padding={padding!r} is not supported; give the numbers")
    stride, padding, dilation = ([v[0]] * nd if len(v) == 1 else v for v in (stride, padding, dilation))
    return conv(ctx.g, x, w, b, stride, padding + padding, dilation, groups, name)


@_aten("max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d")
def _pool(ctx, args, name, op):
    x, kernel = args[0], list(args[1])
    nd = len(x.shape) - 2
    stride = list(args[2]) if len(args) > 2 and args[2] else kernel
    padding = list(args[3]) if len(args) > 3 else [0]
    mode = "max" if op.startswith("max") else "average"
    dilation = list(args[4]) if mode == "max" and len(args) > 4 else [1]
    ceil = args[5] if mode == "max" and len(args) > 5 else (args[4] if mode != "max" and len(args) > 4 else False)
    include = args[5] if mode != "max" and len(args) > 5 else True
    if ceil or (mode != "max" and len(args) > 6 and args[6] is not None):
        raise NetworkError(f"{name} ({op}): ceil_mode and divisor_override are not supported")
    kernel, stride, padding, dilation = ([v[0]] * nd if len(v) == 1 else v for v in (kernel, stride, padding, dilation))
    return pool(ctx.g, x, kernel, stride, padding + padding, dilation, name, mode=mode, count_include_pad=include)


@_aten("adaptive_avg_pool1d", "adaptive_avg_pool2d")
def _adaptive(ctx, args, name, op):
    x = args[0]
    if any(int(s) != 1 for s in args[1]):
        raise NetworkError(f"{name} ({op}): only an output size of 1 (global average pooling) is supported")
    spatial = list(x.shape[2:])
    return pool(ctx.g, x, spatial, spatial, [0] * 2 * len(spatial), [1] * len(spatial), name, mode="average")


@_aten("_native_batch_norm_legit_no_training", "batch_norm")
def _batch_norm(ctx, args, name, op):
    x, gamma, beta, mean, var = args[:5]
    eps = args[6] if op.startswith("_native") else args[7]
    if op == "batch_norm" and args[5]:
        raise NetworkError(f"{name}: batch norm in training mode is not supported (call module.eval())")
    n = x.shape[1]
    gamma = gamma if gamma is not None else Const(np.ones(n))
    beta = beta if beta is not None else Const(np.zeros(n))
    y = batch_norm(ctx.g, x, gamma, beta, mean, var, float(eps), name)
    return (y, None, None) if op.startswith("_native") else y


@_aten("view", "reshape", "_unsafe_view", "flatten", "squeeze", "unsqueeze", "contiguous", "clone", "dropout",
       "alias", "detach", "permute", "transpose", "expand")
def _rename(ctx, args, name, op, shape=None):
    x = args[0]
    if op in ("permute", "transpose"):
        perm = list(range(len(x.shape)))
        if op == "permute":
            perm = [p % len(perm) for p in args[1]]
        else:
            i, j = args[1] % len(perm), args[2] % len(perm)
            perm[i], perm[j] = perm[j], perm[i]
        return A.transpose(x, perm)
    if op == "expand":
        return A.add(ctx.g, x, Const(np.zeros(tuple(shape))), name)
    return A.reshape(x, shape)  # the traced shape of the result


@_aten("cat", "concat")
def _cat(ctx, args, name, op):
    return A.concat(ctx.g, list(args[0]), args[1] if len(args) > 1 else 0, name)


@_aten("softmax", "_softmax")
def _softmax(ctx, args, name, op):
    return A.softmax(ctx.g, args[0], args[1], name)


@_aten("mean", "sum")
def _reduce(ctx, args, name, op, shape=None):
    return A.reduce(ctx.g, args[0], args[1] if len(args) > 1 else None, shape, name, mean=op == "mean")


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
    if handler in (_rename, _reduce):
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
    >>> import torch, rojas
    >>> net = rojas.from_torch(torch.nn.Linear(2, 1).double(), torch.zeros(1, 2, dtype=torch.float64),
    ...                        input_names=["x"], output_names=["y"])
    >>> net.inputs, net.outputs, net.edge_name("x[1]", "y[0]")
    (['x[0]', 'x[1]'], ['y[0]'], 'weight[0,1]')
    """
    return import_torch(module, example_inputs, input_names=input_names, output_names=output_names, name=name,
                        objective=objective).network
