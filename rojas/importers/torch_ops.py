"""The ATen operators ``from_torch`` expands: one registry entry per operator.

``ATEN[name]`` is ``handler(ctx, args, node_name, op, **kwargs)`` over the values
of :mod:`rojas.importers.expand` -- the same tensor operations
(:mod:`rojas.importers.algebra`, :mod:`rojas.importers.convolution`) the ONNX
importer's entries use.  Handlers in :data:`NEEDS_SHAPE` also receive the
traced shape of their result (``shape=``).
"""

import numpy as np

from ..errors import NetworkError
from . import algebra as A
from .convolution import batch_norm, conv, pool
from .expand import Const

__all__ = ["ATEN", "ABSORBED", "NEEDS_SHAPE"]

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


# torch's padding modes → NumPy's, applied to the elements' positions
PAD_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@_aten("slice", "select", "index_select", "constant_pad_nd", "pad", "split", "split_with_sizes", "chunk")
def _select(ctx, args, name, op):
    """Elements picked by position (see rojas.importers.algebra.take): slicing, indexing, padding, splitting."""
    x = args[0]
    grid = A.positions(x.shape)
    rank = len(x.shape)
    if op == "slice":
        dim, start, end, step = (list(args[1:]) + [0, None, None, 1][len(args) - 1:])[:4]
        index = [slice(None)] * rank
        index[dim % rank] = slice(*slice(start, end, step).indices(x.shape[dim % rank]))
        where = grid[tuple(index)]
    elif op in ("select", "index_select"):
        indices = args[2] if op == "select" else np.asarray(args[2].value, dtype=np.int64)
        where = np.take(grid, indices, axis=args[1] % rank)
    elif op in ("constant_pad_nd", "pad"):
        mode = args[2] if op == "pad" and len(args) > 2 else "constant"
        value = args[3] if op == "pad" and len(args) > 3 else (args[2] if op == "constant_pad_nd" and len(args) > 2
                                                               else 0.0)
        if mode != "constant" and mode not in PAD_MODES:
            raise NetworkError(f"{name} ({op}): padding mode {mode!r} is not supported")
        pads, widths = list(args[1]), [(0, 0)] * rank
        for k in range(len(pads) // 2):  # the last dimension first
            widths[rank - 1 - k] = (pads[2 * k], pads[2 * k + 1])
        if any(lo < 0 or hi < 0 for lo, hi in widths):
            raise NetworkError(f"{name} (constant_pad_nd): negative pads are not supported")
        where = np.pad(grid, widths, constant_values=-1) if mode == "constant" else \
            np.pad(grid, widths, PAD_MODES[mode])
        return A.take(x, where, where.shape, fill=float(value or 0.0))
    else:
        dim = (args[2] if len(args) > 2 else 0) % rank
        n = x.shape[dim]
        if op == "chunk":
            size = -(-n // args[1])
            sizes = [min(size, n - k * size) for k in range(-(-n // size))]
        elif op == "split" and isinstance(args[1], int):
            sizes = [min(args[1], n - k) for k in range(0, n, args[1])]
        else:
            sizes = list(args[1])
        bounds = np.cumsum([0] + sizes)
        parts = [np.take(grid, np.arange(lo, hi), axis=dim) for lo, hi in zip(bounds[:-1], bounds[1:])]
        return [A.take(x, w, w.shape) for w in parts]
    return A.take(x, where, where.shape)


@_aten("cat", "concat")
def _cat(ctx, args, name, op):
    return A.concat(ctx.g, list(args[0]), args[1] if len(args) > 1 else 0, name)


@_aten("softmax", "_softmax")
def _softmax(ctx, args, name, op):
    return A.softmax(ctx.g, args[0], args[1], name)


@_aten("mean", "sum")
def _reduce(ctx, args, name, op, shape=None):
    return A.reduce(ctx.g, args[0], args[1] if len(args) > 1 else None, shape, name, mean=op == "mean")


# handlers that receive the traced shape of their result
NEEDS_SHAPE = (_rename, _reduce)
