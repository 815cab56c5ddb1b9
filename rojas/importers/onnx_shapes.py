"""ONNX operators that only rename or select elements: no unit is made for them.

Identity, Dropout (inference), Cast, Constant, Reshape, Flatten, Squeeze,
Unsqueeze, Transpose and Concat keep every element; Slice, Gather (constant
indices), Split and Pad pick elements by position (:func:`rojas.importers.algebra.take`),
Pad filling with its constant or, in its reflect, edge and wrap modes, with
elements of the tensor itself.
"""

import numpy as np

from ..errors import NetworkError
from . import algebra as A
from .expand import Const
from .onnx_registry import axes_of, op, out_name, shape_of

__all__ = []


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


def _ints(ctx, node, k, what, default=None):
    if len(node.input) > k and node.input[k]:
        return shape_of(ctx, node, k, what)
    return default


@op("Slice")
def _slice(ctx, node, attrs):
    x = ctx.get(node.input[0])
    rank = len(x.shape)
    if ctx.opset < 10:
        starts, ends, axes, steps = attrs["starts"], attrs["ends"], attrs.get("axes"), None
    else:
        starts, ends = _ints(ctx, node, 1, "starts"), _ints(ctx, node, 2, "ends")
        axes, steps = _ints(ctx, node, 3, "axes"), _ints(ctx, node, 4, "steps")
    axes = list(range(len(starts))) if axes is None else [a % rank for a in axes]
    steps = steps or [1] * len(starts)
    index = [slice(None)] * rank
    for a, lo, hi, st in zip(axes, starts, ends, steps):
        index[a] = slice(*slice(lo, hi, st).indices(x.shape[a]))
    where = A.positions(x.shape)[tuple(index)]
    return [A.take(x, where, where.shape)]


@op("Gather")
def _gather(ctx, node, attrs):
    x = ctx.get(node.input[0])
    idx = np.asarray(ctx.const(node.input[1], f"node {node.name!r} (Gather): its indices must be constants").value)
    where = np.take(A.positions(x.shape), idx.astype(np.int64), axis=attrs.get("axis", 0))
    return [A.take(x, where, where.shape)]


@op("Split")
def _split(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axis = attrs.get("axis", 0) % len(x.shape)
    n = len(node.output)
    sizes = attrs.get("split") or _ints(ctx, node, 1, "split")
    if sizes is None:
        size = -(-x.shape[axis] // n)
        sizes = [min(size, x.shape[axis] - k * size) for k in range(n)]
    bounds = np.cumsum([0] + list(sizes))
    grid, outs = A.positions(x.shape), []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        where = np.take(grid, np.arange(lo, hi), axis=axis)
        outs.append(A.take(x, where, where.shape))
    return outs


# ONNX's Pad modes → NumPy's, applied to the elements' positions (constant: -1, then the value).
PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "edge", "wrap": "wrap"}


@op("Pad")
def _pad(ctx, node, attrs):
    x = ctx.get(node.input[0])
    mode = attrs.get("mode", "constant")
    if mode not in PAD_MODES:
        raise NetworkError(f"node {node.name!r} (Pad): mode {mode!r} is not supported ({', '.join(PAD_MODES)})")
    rank = len(x.shape)
    pads = attrs["pads"] if ctx.opset < 11 else shape_of(ctx, node, 1, "pads")
    value = attrs.get("value", 0.0) if ctx.opset < 11 else (
        float(np.asarray(ctx.const(node.input[2], f"node {node.name!r} (Pad): its value must be a constant").value))
        if len(node.input) > 2 and node.input[2] else 0.0)
    axes = _ints(ctx, node, 3, "axes", list(range(rank)))
    widths = [(0, 0)] * rank
    for k, a in enumerate(axes):
        widths[a % rank] = (pads[k], pads[k + len(axes)])
    if any(lo < 0 or hi < 0 for lo, hi in widths):
        raise NetworkError(f"node {node.name!r} (Pad): negative pads are not supported")
    grid = A.positions(x.shape)
    where = np.pad(grid, widths, constant_values=-1) if mode == "constant" else np.pad(grid, widths, PAD_MODES[mode])
    return [A.take(x, where, where.shape, fill=value)]


@op("Reshape")
def _reshape(ctx, node, attrs):
    x = ctx.get(node.input[0])
    shape = shape_of(ctx, node, 1, "shape")
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


@op("Squeeze")
def _squeeze(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axes = axes_of(ctx, node, attrs)
    rank = len(x.shape)
    axes = [i for i, d in enumerate(x.shape) if d == 1] if axes is None else [a % rank for a in axes]
    return [A.reshape(x, [d for i, d in enumerate(x.shape) if i not in axes])]


@op("Unsqueeze")
def _unsqueeze(ctx, node, attrs):
    x = ctx.get(node.input[0])
    axes = axes_of(ctx, node, attrs)
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
    return [A.concat(ctx.g, [ctx.get(n) for n in node.input], attrs["axis"], out_name(node))]


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
