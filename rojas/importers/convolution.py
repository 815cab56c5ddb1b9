"""Convolutions, pooling and batch normalization as units, edges and tied params.

A convolution's output is one unit per (out-channel, position); every kernel
entry is one param slot shared by all the positions it slides over (so its
gradient is the sum over them, as Rojas's tied weights have it), and its
bias a tied bias.  Average pooling is fixed weights ``1/count``; max pooling
is a unit of the ``max`` combine mode, whose derivative routes to the arg-max.
Batch normalization in inference mode is a per-channel affine map: the
running statistics are numbers (PyTorch's buffers), the scale and shift stay
params.  Index arithmetic is done once for all windows with NumPy.
"""

import numpy as np

from ..errors import NetworkError
from .algebra import add, is_computed, multiply, scale
from .expand import Affine, Const, Param

__all__ = ["windows", "conv", "pool", "batch_norm"]


def windows(spatial, kernel, strides, pads, dilations, what="window"):
    """Where every kernel offset of every output position reads its input.

    Parameters
    ----------
    spatial, kernel, strides, dilations : sequence of int
        One entry per spatial axis.
    pads : sequence of int
        ONNX's order: the begins of every axis, then the ends.

    Returns
    -------
    out : tuple of int
        The output's spatial shape.
    flat : ndarray of shape (prod(kernel), prod(out))
        The input position (flat, C order) each offset reads, or -1 in the padding.

    Examples
    --------
    >>> out, flat = windows((4,), (2,), (2,), (0, 0), (1,))
    >>> out, flat.tolist()
    ((2,), [[0, 2], [1, 3]])
    """
    nd = len(spatial)
    spatial, kernel, strides, dilations = (np.asarray(v, dtype=np.int64) for v in (spatial, kernel, strides, dilations))
    begin, end = np.asarray(pads[:nd], dtype=np.int64), np.asarray(pads[nd:], dtype=np.int64)
    out = (spatial + begin + end - dilations * (kernel - 1) - 1) // strides + 1
    if (out <= 0).any() or (kernel <= 0).any() or (strides <= 0).any() or (dilations <= 0).any():
        raise NetworkError(f"{what}: kernel {kernel.tolist()} with strides {strides.tolist()}, pads "
                           f"{list(pads)} and dilations {dilations.tolist()} does not fit the input {spatial.tolist()}")
    K = np.indices(kernel).reshape(nd, -1)
    O = np.indices(out).reshape(nd, -1)
    pos = O[:, None, :] * strides[:, None, None] - begin[:, None, None] + K[:, :, None] * dilations[:, None, None]
    valid = ((pos >= 0) & (pos < spatial[:, None, None])).all(axis=0)
    flat = np.ravel_multi_index(tuple(np.where(valid, pos, 0)), tuple(spatial.tolist()))
    return tuple(out.tolist()), np.where(valid, flat, -1)


def conv(g, x, w, b, strides, pads, dilations, groups, name):
    """ONNX Conv (and ``torch.nn.Conv1d/2d``): ``x`` (N, C, *S), weights (M, C/groups, *K), bias (M,) or None."""
    if not is_computed(x) or is_computed(w) or (b is not None and is_computed(b)):
        raise NetworkError(f"{name}: a convolution needs an input computed from the model's inputs and a kernel "
                           "and bias that are parameters")
    N, C, *spatial = x.shape
    M, Cg, *kernel = w.shape
    if groups <= 0 or C != Cg * groups or M % groups or len(kernel) != len(spatial):
        raise NetworkError(f"{name}: kernel {tuple(w.shape)} with {groups} groups does not fit the input "
                           f"{tuple(x.shape)}")
    out, flat = windows(spatial, kernel, strides, pads, dilations, name)
    nk, no = flat.shape
    g.reserve(N * M * Cg * nk * no, name)
    xs = g.materialize(x, name + ".input").ids.reshape(N, C, -1)
    n = np.arange(N)[:, None, None, None, None]
    m = np.arange(M)[None, :, None, None, None]
    cc = np.arange(Cg)[None, None, :, None, None]
    shape = (N, M, Cg, nk, no)
    f = np.broadcast_to(flat[None, None, None], shape)
    valid = f >= 0
    c = np.broadcast_to((m // (M // groups)) * Cg + cc, shape)
    src = xs[np.broadcast_to(n, shape)[valid], c[valid], f[valid]]
    dst = np.broadcast_to((n * M + m) * no + np.arange(no), shape)[valid]
    widx = np.broadcast_to((m * Cg + cc) * nk + np.arange(nk)[:, None], shape)[valid]
    size = N * M * no
    if isinstance(w, Param):
        aff = Affine((N, M, *out), src, dst, np.ones(len(src)), w.idx.ravel()[widx], np.zeros(size),
                     np.full(size, -1, np.intp))
    else:
        coef = np.asarray(w.value, float).ravel()[widx]
        keep = coef != 0.0
        aff = Affine((N, M, *out), src[keep], dst[keep], coef[keep], np.full(int(keep.sum()), -1, np.intp),
                     np.zeros(size), np.full(size, -1, np.intp))
    if b is None:
        return aff
    per_channel = (M,) + (1,) * len(out)
    bias = Param(b.idx.reshape(per_channel), b.value.reshape(per_channel)) if isinstance(b, Param) else \
        Const(np.asarray(b.value, float).reshape(per_channel))
    return add(g, aff, bias, name)


def pool(g, x, kernel, strides, pads, dilations, name, *, mode, count_include_pad=False):
    """Average (fixed weights) or max (``max`` combine units) pooling over every channel of ``x`` (N, C, *S)."""
    if not is_computed(x):
        raise NetworkError(f"{name}: pooling needs a tensor computed from the model's inputs")
    N, C, *spatial = x.shape
    out, flat = windows(spatial, kernel, strides, pads, dilations, name)
    nk, no = flat.shape
    g.reserve(N * C * nk * no, name)
    xs = g.materialize(x, name + ".input").ids.reshape(N * C, -1)
    shape = (N * C, nk, no)
    f = np.broadcast_to(flat[None], shape)
    valid = f >= 0
    src = xs[np.broadcast_to(np.arange(N * C)[:, None, None], shape)[valid], f[valid]]
    dst = np.broadcast_to(np.arange(N * C)[:, None, None] * no + np.arange(no), shape)[valid]
    size = N * C * no
    if mode == "max":
        units = g.units(name, (N, C, *out), "identity", combine="max")
        g.edges(src, units.ids.ravel()[dst], 1.0, -1)
        return units
    count = np.full(no, float(nk)) if count_include_pad else (flat >= 0).sum(axis=0).astype(float)
    coef = 1.0 / np.broadcast_to(count, shape)[valid]
    return Affine((N, C, *out), src, dst, coef, np.full(len(src), -1, np.intp), np.zeros(size),
                  np.full(size, -1, np.intp))


def batch_norm(g, x, gamma, beta, mean, var, eps, name):
    """Inference-mode batch normalization ``γ·(x − μ)/√(σ² + ε) + β`` per channel (axis 1).

    The running mean and variance are numbers; γ and β, when params, stay
    params: the normalized value is a unit, γ the weight of its edge and β the
    bias of the unit it enters.
    """
    if not is_computed(x):
        raise NetworkError(f"{name}: batch normalization needs a tensor computed from the model's inputs")
    if is_computed(mean) or is_computed(var) or isinstance(mean, Param) or isinstance(var, Param):
        raise NetworkError(f"{name}: the running mean and variance must be numbers")
    per_channel = (x.shape[1],) + (1,) * (len(x.shape) - 2)

    def channelwise(v):
        if isinstance(v, Param):
            return Param(v.idx.reshape(per_channel), v.value.reshape(per_channel))
        return Const(np.asarray(v.value, float).reshape(per_channel))

    mean, var, gamma, beta = map(channelwise, (mean, var, gamma, beta))
    k = Const(1.0 / np.sqrt(var.value + eps))
    normalized = scale(g, add(g, x, mean, name + ".centered", sign=-1.0), k, name + ".normalized")
    if isinstance(gamma, Param):
        normalized = multiply(g, g.materialize(normalized, name + ".normalized"), gamma, name)
    else:
        normalized = scale(g, normalized, gamma, name)
    return add(g, normalized, beta, name)
