"""The ONNX operators that make units: arithmetic, activations, softmax, convolutions and pooling.

Each is an entry of :data:`rojas.importers.onnx_registry.REGISTRY`; the tensor
operations themselves are :mod:`rojas.importers.algebra` and
:mod:`rojas.importers.convolution`, shared with the PyTorch importer.
"""

import numpy as np

from ..errors import NetworkError
from . import algebra as A
from .convolution import batch_norm, conv, pool
from .expand import Const
from .onnx_registry import ACTIVATIONS, REGISTRY, axes_of, op, out_name, shape_of

__all__ = []


# An activation whose attribute differs from its primitive's is built from relu and exp units instead.
COMPOSED = {"LeakyRelu": A.leaky, "Elu": A.elu}


def _activation(ctx, node, attrs):
    fn, fixed = ACTIVATIONS[node.op_type]
    x = ctx.computed(node, 0)
    for key, want in fixed.items():
        got = attrs.get(key, want)
        if abs(got - want) > 1e-7 * abs(want):  # float32 attributes: 0.01 is 0.0099999998
            return [COMPOSED[node.op_type](ctx.g, x, got, out_name(node))]
    return [A.activation(ctx.g, x, fn, out_name(node))]


@op("PRelu")
def _prelu(ctx, node, attrs):
    x, slope = ctx.computed(node, 0), ctx.get(node.input[1])
    try:
        np.broadcast_shapes(x.shape, slope.shape)
    except ValueError:  # an older opset's slope per channel (axis 1)
        if len(slope.shape) == 1 and len(x.shape) > 2 and slope.shape[0] == x.shape[1]:
            slope = A.reshape(slope, (slope.shape[0],) + (1,) * (len(x.shape) - 2))
    return [A.prelu(ctx.g, x, slope, out_name(node))]


@op("Selu")
def _selu(ctx, node, attrs):
    alpha, gamma = attrs.get("alpha", 1.67326319217681884765625), attrs.get("gamma", 1.05070102214813232421875)
    y = A.elu(ctx.g, ctx.computed(node, 0), alpha, out_name(node))
    return [A.scale(ctx.g, y, Const(np.asarray(gamma)), out_name(node))]


for _name in ACTIVATIONS:
    REGISTRY[_name] = _activation


@op("Add", "Sub")
def _add(ctx, node, attrs):
    sign = -1.0 if node.op_type == "Sub" else 1.0
    return [A.add(ctx.g, ctx.get(node.input[0]), ctx.get(node.input[1]), out_name(node), sign)]


@op("Neg")
def _neg(ctx, node, attrs):
    return [A.scale(ctx.g, ctx.get(node.input[0]), Const(np.asarray(-1.0)), out_name(node))]


@op("Mul")
def _mul(ctx, node, attrs):
    return [A.multiply(ctx.g, ctx.get(node.input[0]), ctx.get(node.input[1]), out_name(node))]


@op("Div")
def _div(ctx, node, attrs):
    b = ctx.get(node.input[1])
    if not isinstance(b, Const):
        b = ctx.const(node.input[1], f"node {node.name!r} (Div) divides by {node.input[1]!r}, which is not a constant; "
                                     "only division by numbers is supported")
    return [A.scale(ctx.g, ctx.get(node.input[0]), Const(1.0 / np.asarray(b.value, float)), out_name(node))]


@op("MatMul")
def _matmul(ctx, node, attrs):
    a, b = ctx.get(node.input[0]), ctx.get(node.input[1])
    if isinstance(a, Const) and isinstance(b, Const):
        return [Const(a.value @ b.value)]
    return [A.matmul(ctx.g, a, b, out_name(node))]


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
    y = A.matmul(ctx.g, a, b, out_name(node))
    if len(node.input) > 2 and node.input[2]:
        c = ctx.get(node.input[2])
        if attrs.get("beta", 1.0) != 1.0:
            c = Const(c.value * attrs["beta"])
        y = A.add(ctx.g, y, c, out_name(node))
    return [y]


@op("Softmax")
def _softmax(ctx, node, attrs):
    x = ctx.computed(node, 0)
    rank = len(x.shape)
    if ctx.opset < 13:  # the input is coerced to 2-D at `axis` (default 1)
        axis = attrs.get("axis", 1) % rank
        lead = int(np.prod(x.shape[:axis], dtype=np.int64))
        y = A.softmax(ctx.g, A.reshape(x, (lead, int(np.prod(x.shape[axis:], dtype=np.int64)))), 1, out_name(node))
        return [A.reshape(y, x.shape)]
    return [A.softmax(ctx.g, x, attrs.get("axis", -1), out_name(node))]


@op("ReduceMean", "ReduceSum")
def _reduce(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axes = axes_of(ctx, node, attrs)
    if axes is None and attrs.get("noop_with_empty_axes", 0):
        return [x]
    keep = attrs.get("keepdims", 1)
    rank = len(x.shape)
    axes = list(range(rank)) if axes is None else [a % rank for a in axes]
    shape = [1 if i in axes else d for i, d in enumerate(x.shape) if keep or i not in axes]
    return [A.reduce(ctx.g, x, axes, shape, out_name(node), mean=node.op_type == "ReduceMean")]


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
    return [conv(ctx.g, x, w, b, strides, pads, dilations, attrs.get("group", 1), out_name(node))]


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
    return [pool(ctx.g, x, kernel, strides, pads, dilations, out_name(node), mode=mode,
                 count_include_pad=bool(attrs.get("count_include_pad", 0)))]


@op("BatchNormalization")
def _batch_norm(ctx, node, attrs):
    if attrs.get("training_mode", 0) or len([o for o in node.output if o]) > 1:
        raise NetworkError(f"node {node.name!r} (BatchNormalization): training mode is not supported (export the "
                           "model in eval mode)")
    x, gamma, beta = ctx.computed(node, 0), ctx.get(node.input[1]), ctx.get(node.input[2])
    what = f"node {node.name!r} (BatchNormalization): the running statistics must be constants"
    mean, var = ctx.const(node.input[3], what), ctx.const(node.input[4], what)
    return [batch_norm(ctx.g, x, gamma, beta, mean, var, attrs.get("epsilon", 1e-5), out_name(node))]
