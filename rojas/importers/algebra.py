"""The tensor operations an importer needs, on the values of :mod:`rojas.importers.expand`.

Each function takes the :class:`~rojas.importers.expand.Graph` first, then its
operands, and returns a new value.  Linear operations fold into a pending
:class:`Affine` (weights and biases of the unit they will become); non-linear
ones make units.  Whatever cannot be folded exactly -- a factor into a weight
that is a param, a second bias on a param bias -- is first materialized into
identity units, so every result is the framework's function exactly.  All of
it is vectorized: index arrays, never a loop over edges.
"""

import numpy as np

from ..errors import NetworkError
from .expand import Affine, Const, Param, Units, as_affine

__all__ = ["broadcast", "add", "scale", "multiply", "matmul", "reshape", "transpose", "concat", "activation",
           "softmax", "reduce", "leaky", "elu", "prelu", "take", "positions", "is_computed"]


def is_computed(value):
    """Whether `value` depends on the model's inputs (units or an affine map of them)."""
    return isinstance(value, (Units, Affine))


def _positions(shape, out_shape):
    """For every element of `out_shape`, the element of `shape` it broadcasts from."""
    size = int(np.prod(shape, dtype=np.int64))
    return np.broadcast_to(np.arange(size).reshape(shape), out_shape).ravel()


def _take(aff, where, shape, fill=0.0):
    """New element p is `aff`'s element ``where[p]`` (its terms repeated for every copy), or `fill` where -1."""
    where = np.asarray(where, dtype=np.intp).ravel()
    hit = where >= 0
    src_of = np.where(hit, where, 0)
    order = np.flatnonzero(hit)[np.argsort(where[hit], kind="stable")]
    counts = np.bincount(where[hit], minlength=aff.size)
    starts = np.cumsum(counts) - counts
    rep = counts[aff.dst]
    term = np.repeat(np.arange(len(aff.dst)), rep)
    within = np.arange(len(term)) - np.repeat(np.cumsum(rep) - rep, rep)
    dst = order[starts[aff.dst][term] + within]
    return Affine(tuple(shape), aff.src[term], dst, aff.coef[term], aff.pidx[term],
                  np.where(hit, aff.bconst[src_of], fill), np.where(hit, aff.bpidx[src_of], -1))


def broadcast(aff, shape):
    """The affine map `aff` broadcast to `shape` (NumPy's rules): terms repeated for each copy."""
    shape = tuple(shape)
    if tuple(aff.shape) == shape:
        return aff
    return _take(aff, _positions(aff.shape, shape), shape)


def take(value, where, shape, fill=0.0):
    """Elements picked by position: new element p is old element ``where[p]``, or `fill` where it is -1.

    Slice, Gather, Split and Pad are all this; units and params are only re-indexed, an
    affine map repeats its terms for every copy.
    """
    where = np.asarray(where, dtype=np.intp).reshape(-1)
    if (where < 0).any() or isinstance(value, Affine):
        if isinstance(value, Const):
            flat = np.asarray(value.value, float).ravel()
            return Const(np.where(where >= 0, flat[np.maximum(where, 0)], fill).reshape(shape))
        return _take(as_affine(value), where, shape, fill)
    return _permuted(value, where, tuple(shape))


def positions(shape):
    """The flat position of every element of `shape`, shaped so: index it as the tensor is indexed."""
    return np.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)


def _duplicates(src, dst, size):
    """For every term, its (source, element) pair's index, and how many terms each pair has."""
    key = src.astype(np.int64) * max(size, 1) + dst
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return inverse, counts


def add(g, a, b, name, sign=1.0):
    """``a + sign·b`` elementwise, broadcast; two affine maps become one (a skip connection folds)."""
    if isinstance(a, Const) and isinstance(b, Const):
        return Const(a.value + sign * b.value)
    if sign != 1.0:
        b = scale(g, b, Const(np.asarray(sign)), f"{name}.negated")
    shape = np.broadcast_shapes(a.shape, b.shape)
    A, B = broadcast(as_affine(a), shape), broadcast(as_affine(b), shape)
    clash = ((A.bpidx >= 0) & ((B.bpidx >= 0) | (B.bconst != 0))) | ((B.bpidx >= 0) & (A.bconst != 0))
    if clash.any():  # two biases, one a param: a computed operand becomes units first, keeping its own bias
        if isinstance(a, Affine) and len(a.src):
            a = g.materialize(a, f"{name}.addend")
            A = broadcast(as_affine(a), shape)
        else:
            b = g.materialize(b, f"{name}.addend")
            B = broadcast(as_affine(b), shape)
    src, dst = np.concatenate([A.src, B.src]), np.concatenate([A.dst, B.dst])
    coef, pidx = np.concatenate([A.coef, B.coef]), np.concatenate([A.pidx, B.pidx])
    inverse, counts = _duplicates(src, dst, int(np.prod(shape, dtype=np.int64)))
    if (counts > 1).any():
        dup = counts[inverse] > 1
        if (pidx[dup] >= 0).any():  # the same source reaches an element twice, once through a param
            for operand in (b, a):
                if isinstance(operand, Affine):
                    made = g.materialize(operand, f"{name}.addend")
                    return add(g, made, a, name) if operand is b else add(g, made, b, name)
        coef = np.bincount(inverse, weights=coef)  # plain weights of one pair add up
        first = np.unique(inverse, return_index=True)[1]
        src, dst, pidx = src[first], dst[first], pidx[first]
    bpidx = np.maximum(A.bpidx, B.bpidx)
    return Affine(shape, src, dst, coef, pidx, A.bconst + B.bconst, bpidx)


def scale(g, a, c, name):
    """``a·c`` for numbers `c` (broadcast); weights that are params are first materialized behind units."""
    c = np.asarray(c.value, dtype=np.float64)
    if isinstance(a, Const):
        return Const(a.value * c)
    if isinstance(a, Param) or (isinstance(a, Affine) and a.tied and not np.all(c == 1.0)):
        a = g.materialize(a, name + ".scaled")
    shape = np.broadcast_shapes(a.shape, c.shape)
    aff = broadcast(as_affine(a), shape)
    cf = np.broadcast_to(c, shape).ravel()
    keep = cf[aff.dst] != 0.0  # one edge per nonzero weight
    return Affine(shape, aff.src[keep], aff.dst[keep], (aff.coef * cf[aff.dst])[keep], aff.pidx[keep],
                  aff.bconst * cf, aff.bpidx)


def multiply(g, a, b, name):
    """``a·b`` elementwise: a number folds into weights, a param becomes the weight of an edge, two
    computed tensors meet in product units."""
    if isinstance(a, Const) and not is_computed(b):
        a, b = b, a
    if isinstance(b, Const):
        return scale(g, a, b, name)
    if isinstance(a, Param) and isinstance(b, Param):
        a = g.materialize(a, name + ".factor")
    if isinstance(a, Param):
        a, b = b, a
    if isinstance(b, Param):  # units times a param: the param is the edge's weight
        x = g.materialize(a, name + ".factor")
        shape = np.broadcast_shapes(x.shape, b.shape)
        n = int(np.prod(shape, dtype=np.int64))
        return Affine(shape, np.broadcast_to(x.ids, shape).ravel().astype(np.intp), np.arange(n), np.ones(n),
                      np.broadcast_to(b.idx, shape).ravel().astype(np.intp), np.zeros(n), np.full(n, -1, np.intp))
    return g.product(g.materialize(a, name + ".factor"), g.materialize(b, name + ".factor"), name)


def matmul(g, a, w, name):
    """``a @ w`` for computed `a` of shape (…, K) and a param or numbers `w` of shape (K, N)."""
    if not is_computed(a) or is_computed(w):
        raise NetworkError(f"{name}: a product of two tensors computed from the inputs, or of a computed tensor "
                           "on the right, is not supported (only input-dependent @ parameters)")
    if len(w.shape) != 2 or a.shape[-1] != w.shape[0]:
        raise NetworkError(f"{name}: cannot multiply shapes {tuple(a.shape)} and {tuple(w.shape)}")
    x = g.materialize(a, name + ".operand")
    K, N = w.shape
    lead = x.shape[:-1]
    R = int(np.prod(lead, dtype=np.int64))
    g.reserve(R * N * K, name)
    src = np.broadcast_to(x.ids.reshape(R, 1, K), (R, N, K)).ravel()
    dst = np.broadcast_to(np.arange(R * N).reshape(R, N, 1), (R, N, K)).ravel()
    n = R * N
    if isinstance(w, Param):
        pidx = np.broadcast_to(w.idx.T, (R, N, K)).ravel()
        return Affine((*lead, N), src, dst, np.ones(len(src)), pidx, np.zeros(n), np.full(n, -1, np.intp))
    coef = np.broadcast_to(np.asarray(w.value, float).T, (R, N, K)).ravel()
    keep = coef != 0.0
    return Affine((*lead, N), src[keep], dst[keep], coef[keep], np.full(int(keep.sum()), -1, np.intp), np.zeros(n),
                  np.full(n, -1, np.intp))


def _permuted(value, order, shape):
    """`value` with its elements rearranged: new element p is old element ``order[p]``."""
    if isinstance(value, Units):
        return Units(value.ids.ravel()[order].reshape(shape))
    if isinstance(value, Param):
        return Param(value.idx.ravel()[order].reshape(shape), value.value.ravel()[order].reshape(shape))
    if isinstance(value, Const):
        return Const(np.asarray(value.value).ravel()[order].reshape(shape))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return Affine(tuple(shape), value.src, inverse[value.dst], value.coef, value.pidx, value.bconst[order],
                  value.bpidx[order])


def reshape(value, shape):
    """The same elements in C order, another shape (Reshape, Flatten, Squeeze, Unsqueeze)."""
    shape = tuple(int(d) for d in shape)
    return _permuted(value, np.arange(int(np.prod(shape, dtype=np.int64))), shape)


def transpose(value, perm):
    """The axes permuted as NumPy's ``transpose(perm)`` does."""
    order = np.arange(int(np.prod(value.shape, dtype=np.int64))).reshape(value.shape).transpose(perm)
    return _permuted(value, order.ravel(), order.shape)


def concat(g, values, axis, name):
    """Tensors joined along `axis`; computed ones stay affine maps, so nothing new is made."""
    if not any(map(is_computed, values)):
        if all(isinstance(v, Const) for v in values):
            return Const(np.concatenate([v.value for v in values], axis=axis))
        values = [g.materialize(v, name + ".part") if isinstance(v, Param) else v for v in values]
    affs = [as_affine(v) for v in values]
    shape = list(affs[0].shape)
    axis = axis % len(shape)
    shape[axis] = sum(a.shape[axis] for a in affs)
    where = np.arange(int(np.prod(shape, dtype=np.int64))).reshape(shape)
    parts, lo = [], 0
    for a in affs:
        index = [slice(None)] * len(shape)
        index[axis] = slice(lo, lo + a.shape[axis])
        parts.append(where[tuple(index)].ravel())
        lo += a.shape[axis]
    bconst, bpidx = np.zeros(where.size), np.full(where.size, -1, np.intp)
    for a, p in zip(affs, parts):
        bconst[p], bpidx[p] = a.bconst, a.bpidx
    cat = np.concatenate
    return Affine(tuple(shape), cat([a.src for a in affs]), cat([p[a.dst] for a, p in zip(affs, parts)]),
                  cat([a.coef for a in affs]), cat([a.pidx for a in affs]), bconst, bpidx)


def activation(g, value, fn, name):
    """Units computing the primitive `fn` of `value` (an affine map folds into them)."""
    if isinstance(value, Units):  # units already made compute their own function: one edge each into new ones
        value = as_affine(value)
    return g.materialize(value, name, fn)


def softmax(g, value, axis, name):
    """Rojas-style softmax along `axis`: exp units, a sum, its reciprocal and products ``e_i·(1/Σe)``."""
    e = g.materialize(value, name + ".exp", "exp")
    axis = axis % len(e.shape)
    n = e.shape[axis]
    moved = np.moveaxis(e.ids, axis, -1)
    total = g.units(name + ".sum", moved.shape[:-1], "identity")
    g.edges(moved.ravel(), np.repeat(total.ids.ravel(), n), 1.0, -1)
    inv = g.units(name + ".reciprocal", total.shape, "reciprocal")
    g.edges(total.ids.ravel(), inv.ids.ravel(), 1.0, -1)
    return g.product(e, Units(np.expand_dims(inv.ids, axis)), name)


def reduce(g, value, axes, shape, name, mean=False):
    """The sum (or mean) of `value` over `axes` (None: all), shaped `shape` (keeping dims or not)."""
    in_shape = tuple(value.shape)
    axes = range(len(in_shape)) if axes is None or (hasattr(axes, "__len__") and len(axes) == 0) else \
        [axes] if np.ndim(axes) == 0 else axes
    axes = sorted({int(a) % max(len(in_shape), 1) for a in axes})
    kept = tuple(1 if i in axes else d for i, d in enumerate(in_shape))
    count = int(np.prod([in_shape[i] for i in axes], dtype=np.int64))
    shape = kept if shape is None else tuple(shape)
    if isinstance(value, Const):
        out = np.sum(value.value, axis=tuple(axes), keepdims=True) / (count if mean else 1)
        return Const(out.reshape(shape))
    x = g.materialize(value, name + ".operand")
    grid = np.indices(in_shape).reshape(len(in_shape), -1)
    grid[axes] = 0
    dst = np.ravel_multi_index(tuple(grid), kept) if in_shape else np.zeros(1, np.intp)
    n = int(np.prod(kept, dtype=np.int64))
    return Affine(shape, x.ids.ravel().astype(np.intp), dst, np.full(x.ids.size, 1.0 / count if mean else 1.0),
                  np.full(x.ids.size, -1, np.intp), np.zeros(n), np.full(n, -1, np.intp))


def leaky(g, value, alpha, name):
    """LeakyRelu with slope `alpha` below zero: ``α·z + (1 − α)·relu(z)`` -- a relu unit beside z, exactly."""
    z = g.materialize(value, name + ".input")
    r = activation(g, z, "relu", name + ".relu")
    return add(g, scale(g, z, Const(np.asarray(alpha)), name), scale(g, r, Const(np.asarray(1.0 - alpha)), name), name)


def _negative_part(g, z, name):
    """Units ``min(z, 0) = −relu(−z)``."""
    below = activation(g, scale(g, z, Const(np.asarray(-1.0)), name), "relu", name + ".below")
    return g.materialize(scale(g, below, Const(np.asarray(-1.0)), name), name + ".negative")


def elu(g, value, alpha, name):
    """Elu with any α: ``relu(z) + α·(exp(min(z, 0)) − 1)``, from relu and exp units."""
    z = g.materialize(value, name + ".input")
    r = activation(g, z, "relu", name + ".relu")
    e = activation(g, _negative_part(g, z, name), "exp", name + ".exp")
    out = add(g, r, scale(g, e, Const(np.asarray(alpha)), name), name)
    return add(g, out, Const(np.asarray(-float(alpha))), name)


def prelu(g, value, slope, name):
    """PRelu: ``relu(z) + slope·min(z, 0)``; a slope that is a param stays one (the weight of an edge)."""
    z = g.materialize(value, name + ".input")
    r = activation(g, z, "relu", name + ".relu")
    return add(g, r, multiply(g, _negative_part(g, z, name), slope, name), name)
