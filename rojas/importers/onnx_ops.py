"""The ONNX operators rojas expands: one registry entry per op type.

``REGISTRY[op_type]`` is a function ``(ctx, node, attrs) -> [values]`` over the
values of :mod:`rojas.importers.expand` (``ctx`` gives the node's inputs with
``ctx.get(name)`` and numbers with ``ctx.const(name)``).  The importer never
tests an op's name: adding an op is one entry here.  An op without an entry is
refused, naming it, the node and the supported list.
"""

import numpy as np

from ..errors import NetworkError
from . import algebra as A
from .convolution import batch_norm, conv, pool
from .expand import Const

__all__ = ["REGISTRY", "ACTIVATIONS", "ABSORBED", "supported"]

REGISTRY = {}

# objective → the final op it takes in (the model's Softmax before a softmax cross-entropy: the
# outputs are then the logits, and the objective is the fused, stable one).
ABSORBED = {"softmax_cross_entropy": "Softmax"}

# ONNX activation → rojas primitive (and the attributes it takes as given: name → value).
ACTIVATIONS = {"Relu": ("relu", {}), "Sigmoid": ("sigmoid", {}), "Tanh": ("tanh", {}), "Softplus": ("softplus", {}),
               "Exp": ("exp", {}), "Log": ("log", {}), "Sin": ("sin", {}), "Cos": ("cos", {}),
               "Reciprocal": ("reciprocal", {}), "LeakyRelu": ("leaky_relu", {"alpha": 0.01}),
               "Elu": ("elu", {"alpha": 1.0})}


def supported():
    """The op types rojas imports, sorted."""
    return sorted(REGISTRY)


def op(*names):
    def register(fn):
        for name in names:
            REGISTRY[name] = fn
        return fn
    return register


def _out(node):
    return node.output[0]


# An activation whose attribute differs from its primitive's is built from relu and exp units instead.
COMPOSED = {"LeakyRelu": A.leaky, "Elu": A.elu}


def _activation(ctx, node, attrs):
    fn, fixed = ACTIVATIONS[node.op_type]
    x = ctx.computed(node, 0)
    for key, want in fixed.items():
        got = attrs.get(key, want)
        if abs(got - want) > 1e-7 * abs(want):  # float32 attributes: 0.01 is 0.0099999998
            return [COMPOSED[node.op_type](ctx.g, x, got, _out(node))]
    return [A.activation(ctx.g, x, fn, _out(node))]


@op("PRelu")
def _prelu(ctx, node, attrs):
    x, slope = ctx.computed(node, 0), ctx.get(node.input[1])
    try:
        np.broadcast_shapes(x.shape, slope.shape)
    except ValueError:  # an older opset's slope per channel (axis 1)
        if len(slope.shape) == 1 and len(x.shape) > 2 and slope.shape[0] == x.shape[1]:
            slope = A.reshape(slope, (slope.shape[0],) + (1,) * (len(x.shape) - 2))
    return [A.prelu(ctx.g, x, slope, _out(node))]


@op("Selu")
def _selu(ctx, node, attrs):
    alpha, gamma = attrs.get("alpha", 1.67326319217681884765625), attrs.get("gamma", 1.05070102214813232421875)
    y = A.elu(ctx.g, ctx.computed(node, 0), alpha, _out(node))
    return [A.scale(ctx.g, y, Const(np.asarray(gamma)), _out(node))]


for _name in ACTIVATIONS:
    REGISTRY[_name] = _activation


@op("Identity", "Dropout")
def _identity(ctx, node, attrs):
    if node.op_type == "Dropout" and (len(node.output) > 1 and node.output[1]):
        raise NetworkError(f"node {node.name!r} (Dropout): its mask output is not supported (export in eval mode)")
    return [ctx.get(node.input[0])]


@op("Cast", "CastLike")
def _cast(ctx, node, attrs):
    from onnx import helper

    x = ctx.get(node.input[0])
    if node.op_type == "Cast":
        to = np.dtype(helper.tensor_dtype_to_np_dtype(attrs["to"]))
    else:
        like = ctx.get(node.input[1])
        to = np.asarray(like.value).dtype if isinstance(like, Const) else np.dtype(np.float64)
    if isinstance(x, Const):
        return [Const(np.asarray(x.value).astype(to))]
    if to.kind != "f":
        raise NetworkError(f"node {node.name!r} (Cast): a tensor computed from the inputs cast to {to} is not "
                           "supported (rojas's units hold real numbers)")
    return [x]  # rojas computes in float64 whatever the model's float type


@op("Add", "Sub")
def _add(ctx, node, attrs):
    sign = -1.0 if node.op_type == "Sub" else 1.0
    return [A.add(ctx.g, ctx.get(node.input[0]), ctx.get(node.input[1]), _out(node), sign)]


@op("Neg")
def _neg(ctx, node, attrs):
    return [A.scale(ctx.g, ctx.get(node.input[0]), Const(np.asarray(-1.0)), _out(node))]


@op("Mul")
def _mul(ctx, node, attrs):
    return [A.multiply(ctx.g, ctx.get(node.input[0]), ctx.get(node.input[1]), _out(node))]


@op("Div")
def _div(ctx, node, attrs):
    b = ctx.get(node.input[1])
    if not isinstance(b, Const):
        b = ctx.const(node.input[1], f"node {node.name!r} (Div) divides by {node.input[1]!r}, which is not a constant; "
                                     "only division by numbers is supported")
    return [A.scale(ctx.g, ctx.get(node.input[0]), Const(1.0 / np.asarray(b.value, float)), _out(node))]


@op("MatMul")
def _matmul(ctx, node, attrs):
    a, b = ctx.get(node.input[0]), ctx.get(node.input[1])
    if isinstance(a, Const) and isinstance(b, Const):
        return [Const(a.value @ b.value)]
    return [A.matmul(ctx.g, a, b, _out(node))]


@op("Gemm")
def _gemm(ctx, node, attrs):
    a, b = ctx.computed(node, 0), ctx.get(node.input[1])
    if attrs.get("transA", 0):
        a = A.transpose(a, (1, 0))
    if attrs.get("transB", 0):
        b = A.transpose(b, (1, 0))
    for key, operand in (("alpha", b), ("beta", ctx.get(node.input[2]) if len(node.input) > 2 else None)):
        factor = attrs.get(key, 1.0)
        if factor != 1.0 and not isinstance(operand, Const):
            raise NetworkError(f"node {node.name!r} (Gemm): {key}={factor:g} on a parameter is not supported "
                               "(the parameter would no longer be one weight)")
    if attrs.get("alpha", 1.0) != 1.0:
        b = Const(b.value * attrs["alpha"])
    y = A.matmul(ctx.g, a, b, _out(node))
    if len(node.input) > 2 and node.input[2]:
        c = ctx.get(node.input[2])
        if attrs.get("beta", 1.0) != 1.0:
            c = Const(c.value * attrs["beta"])
        y = A.add(ctx.g, y, c, _out(node))
    return [y]


@op("Softmax")
def _softmax(ctx, node, attrs):
    x = ctx.computed(node, 0)
    rank = len(x.shape)
    if ctx.opset < 13:  # the input is coerced to 2-D at `axis` (default 1)
        axis = attrs.get("axis", 1) % rank
        lead = int(np.prod(x.shape[:axis], dtype=np.int64))
        y = A.softmax(ctx.g, A.reshape(x, (lead, int(np.prod(x.shape[axis:], dtype=np.int64)))), 1, _out(node))
        return [A.reshape(y, x.shape)]
    return [A.softmax(ctx.g, x, attrs.get("axis", -1), _out(node))]


def _shape_of(ctx, node, k, what):
    return [int(d) for d in np.asarray(ctx.const(node.input[k], f"node {node.name!r} ({node.op_type}): its {what} "
                                                                 "must be a constant").value).ravel()]


@op("ReduceMean", "ReduceSum")
def _reduce(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axes = _axes(ctx, node, attrs)
    if axes is None and attrs.get("noop_with_empty_axes", 0):
        return [x]
    keep = attrs.get("keepdims", 1)
    rank = len(x.shape)
    axes = list(range(rank)) if axes is None else [a % rank for a in axes]
    shape = [1 if i in axes else d for i, d in enumerate(x.shape) if keep or i not in axes]
    return [A.reduce(ctx.g, x, axes, shape, _out(node), mean=node.op_type == "ReduceMean")]


@op("Reshape")
def _reshape(ctx, node, attrs):
    x = ctx.get(node.input[0])
    shape = _shape_of(ctx, node, 1, "shape")
    if not attrs.get("allowzero", 0):
        shape = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    size = int(np.prod(x.shape, dtype=np.int64))
    if -1 in shape:
        known = int(np.prod([d for d in shape if d != -1], dtype=np.int64))
        shape[shape.index(-1)] = size // known if known else 0
    if int(np.prod(shape, dtype=np.int64)) != size:
        raise NetworkError(f"node {node.name!r} (Reshape): cannot reshape {tuple(x.shape)} to {tuple(shape)}")
    return [A.reshape(x, shape)]


@op("Flatten")
def _flatten(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axis = attrs.get("axis", 1) % (len(x.shape) + 1) if x.shape else 0
    lead = int(np.prod(x.shape[:axis], dtype=np.int64))
    return [A.reshape(x, (lead, int(np.prod(x.shape[axis:], dtype=np.int64))))]


def _axes(ctx, node, attrs):
    if "axes" in attrs:
        return list(attrs["axes"])
    if len(node.input) > 1 and node.input[1]:
        return _shape_of(ctx, node, 1, "axes")
    return None


@op("Squeeze")
def _squeeze(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axes = _axes(ctx, node, attrs)
    rank = len(x.shape)
    axes = [i for i, d in enumerate(x.shape) if d == 1] if axes is None else [a % rank for a in axes]
    return [A.reshape(x, [d for i, d in enumerate(x.shape) if i not in axes])]


@op("Unsqueeze")
def _unsqueeze(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axes = _axes(ctx, node, attrs)
    rank = len(x.shape) + len(axes)
    shape = list(x.shape)
    for a in sorted(a % rank for a in axes):
        shape.insert(a, 1)
    return [A.reshape(x, shape)]


@op("Transpose")
def _transpose(ctx, node, attrs):
    x = ctx.get(node.input[0])
    perm = attrs.get("perm", list(range(len(x.shape)))[::-1])
    return [A.transpose(x, perm) if not isinstance(x, Const) else Const(np.transpose(x.value, perm))]


@op("Concat")
def _concat(ctx, node, attrs):
    return [A.concat(ctx.g, [ctx.get(n) for n in node.input], attrs["axis"], _out(node))]


@op("Constant")
def _constant(ctx, node, attrs):
    from onnx import numpy_helper

    for a in node.attribute:
        if a.name == "value":
            return [Const(numpy_helper.to_array(a.t))]
        if a.name in ("value_float", "value_int"):
            return [Const(np.asarray(attrs[a.name]))]
        if a.name in ("value_floats", "value_ints"):
            return [Const(np.asarray(attrs[a.name]))]
    raise NetworkError(f"node {node.name!r} (Constant): only tensor and number values are supported")


def _pads(node, attrs, spatial, kernel, strides, dilations):
    nd = len(spatial)
    mode = attrs.get("auto_pad", "NOTSET")
    if isinstance(mode, bytes):
        mode = mode.decode()
    if mode in ("NOTSET", ""):
        return list(attrs.get("pads", [0] * (2 * nd)))
    if mode == "VALID":
        return [0] * (2 * nd)
    begin, end = [], []
    for s, k, st, d in zip(spatial, kernel, strides, dilations):
        total = max((-(-s // st) - 1) * st + (k - 1) * d + 1 - s, 0)
        small, large = total // 2, total - total // 2
        begin.append(small if mode == "SAME_UPPER" else large)
        end.append(large if mode == "SAME_UPPER" else small)
    return begin + end


@op("Conv")
def _conv(ctx, node, attrs):
    x, w = ctx.computed(node, 0), ctx.get(node.input[1])
    b = ctx.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
    spatial, kernel = x.shape[2:], list(attrs.get("kernel_shape", w.shape[2:]))
    nd = len(spatial)
    strides, dilations = list(attrs.get("strides", [1] * nd)), list(attrs.get("dilations", [1] * nd))
    pads = _pads(node, attrs, spatial, kernel, strides, dilations)
    return [conv(ctx.g, x, w, b, strides, pads, dilations, attrs.get("group", 1), _out(node))]


@op("AveragePool", "MaxPool", "GlobalAveragePool", "GlobalMaxPool")
def _pool(ctx, node, attrs):
    if attrs.get("ceil_mode", 0):
        raise NetworkError(f"node {node.name!r} ({node.op_type}): ceil_mode=1 is not supported")
    if len(node.output) > 1 and node.output[1]:
        raise NetworkError(f"node {node.name!r} ({node.op_type}): the indices output is not supported")
    x = ctx.computed(node, 0)
    spatial = x.shape[2:]
    nd = len(spatial)
    kernel = list(spatial) if node.op_type.startswith("Global") else list(attrs["kernel_shape"])
    strides, dilations = list(attrs.get("strides", [1] * nd)), list(attrs.get("dilations", [1] * nd))
    pads = _pads(node, attrs, spatial, kernel, strides, dilations)
    mode = "max" if "Max" in node.op_type else "average"
    return [pool(ctx.g, x, kernel, strides, pads, dilations, _out(node), mode=mode,
                 count_include_pad=bool(attrs.get("count_include_pad", 0)))]


@op("BatchNormalization")
def _batch_norm(ctx, node, attrs):
    if attrs.get("training_mode", 0) or len([o for o in node.output if o]) > 1:
        raise NetworkError(f"node {node.name!r} (BatchNormalization): training mode is not supported (export the "
                           "model in eval mode)")
    x, gamma, beta = ctx.computed(node, 0), ctx.get(node.input[1]), ctx.get(node.input[2])
    what = f"node {node.name!r} (BatchNormalization): the running statistics must be constants"
    mean, var = ctx.const(node.input[3], what), ctx.const(node.input[4], what)
    return [batch_norm(ctx.g, x, gamma, beta, mean, var, attrs.get("epsilon", 1e-5), _out(node))]
