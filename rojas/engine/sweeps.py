"""The fast sweeps: Rojas's forward and backward sweeps a generation at a time.

The same algorithm as :mod:`rojas.engine.textbook`, on a compiled :class:`~rojas.engine.plan.Plan`:
a generation's units depend only on earlier ones, so each generation is one
weighted sum (a gather and a ``bincount``, or one sparse product on a large
generation), one reduction per non-linear combine mode and one call of each
primitive.

Every sweep walks the generations through :func:`walk`; the backward sweep
and the tangent sweep are the same *linear* sweep (:func:`linear_sweep`) run
in opposite directions — the path sum factored by where paths end or where
they start.
"""

import copy

import numpy as np

from ..network.combine import carried_product

__all__ = ["walk", "forward", "linear_sweep", "backward", "edge_gradients", "scatter", "SPARSE_FROM"]

CHUNK = 1 << 19  # numbers per temporary when reducing over a batch (fits in cache)
# Products (edges × batch columns) in a generation from which its sum goes through a
# scipy.sparse product: one pass in compiled code instead of a gather, a multiply and a
# scatter (4× faster on 50k edges at batch 1, 30× at batch 256).  Below it NumPy is as
# fast, and a textbook network never pays the import of scipy.sparse.
SPARSE_FROM = 2048


def scatter(index, values, size):
    """Sum `values` (shape (n,) or (n, B), real or complex) into `size` rows by `index`."""
    if values.dtype.kind == "c":
        return scatter(index, values.real, size) + 1j * scatter(index, values.imag, size)
    if values.ndim == 1:
        return np.bincount(index, weights=values, minlength=size)
    # a batch: one bincount over (row, column) pairs, much faster than np.add.at
    cols = values.shape[1]
    flat = (index[:, None] * cols + np.arange(cols)).ravel()
    return np.bincount(flat, weights=values.ravel(), minlength=size * cols).reshape(size, cols)


def _gather(part, k, coef, x, dtype):
    """Σ coef_e·x[far_e] over `part`'s edges of generation `k`, into that generation's rows."""
    lev_size = part.level_size[k]
    a, z = part.span(k)
    if z == a:
        return np.zeros((lev_size,) + x.shape[1:], dtype)
    if coef.ndim == 1 and (z - a) * (x.shape[1] if x.ndim == 2 else 1) >= SPARSE_FROM:
        # A shallow copy shares the cached structure and takes this call's coefficients,
        # so that two threads labeling through one plan never see each other's weights.
        A = copy.copy(part.matrix(k, lev_size, len(x)))
        A.data = coef[a:z]
        return A @ x
    c = coef[a:z, None] if x.ndim == 2 and coef.ndim == 1 else coef[a:z]
    return scatter(part.local[a:z], c * x[part.far[a:z]], lev_size)


def walk(plan, direction, x, coef, finish):
    """The one level loop of every sweep.

    For each generation (first to last for ``plan.forward``, last to first
    for ``plan.backward``), sum ``coef_e·x[far_e]`` over the direction's
    linear edges into the generation's rows and hand that to
    ``finish(level, total)``, which completes the rows of `x` (and whatever
    else the sweep keeps).
    """
    dtype = np.result_type(x, coef)
    part = direction.linear
    levels = plan.levels if direction is plan.forward else reversed(plan.levels)
    for lev in levels:
        finish(lev, _gather(part, lev.index, coef, x, dtype))


def forward(plan, w_linear, w_scaled, b, x):
    """The forward sweep: net inputs s, values o, stored derivatives f'(s) and partials.

    Parameters
    ----------
    plan : Plan
    w_linear, w_scaled : ndarray
        The weights as ``plan.forward.linear`` and ``plan.forward.scaled`` read them.
    b : ndarray
        The biases in sweep order.
    x : ndarray of shape (N,) or (N, B)
        The inputs' rows (other rows are ignored).

    Returns
    -------
    s, o, fprime, partials : ndarray
        ``partials`` holds ``∂s_j/∂t_i`` for every scaled edge (forward order).
    """
    dtype = np.result_type(x, w_linear, w_scaled, b)  # complex for a complex-step check
    batched = x.ndim == 2
    o = np.zeros(x.shape, dtype)
    o[plan.inputs] = x[plan.inputs]
    s, d = np.empty_like(o), np.empty_like(o)  # every generation writes its rows
    d[plan.inputs] = 1.0  # an input passes its value on unchanged
    base = b + plan.empty
    if batched:
        base = base[:, None]
    scaled = plan.forward.scaled
    partials = np.ones((len(scaled),) + x.shape[1:], dtype)
    prims = {fn: plan.primitive(fn) for fn in plan.fns}

    def finish(lev, s_lev):
        lo, hi = lev.lo, lev.hi
        for mode, a, z, layout in lev.runs:
            w = w_scaled[a:z, None] if batched else w_scaled[a:z]
            values, partials[a:z] = mode.reduce(w * o[scaled.far[a:z]], layout)
            s_lev[layout.units] += values
        s_lev += base[lo:hi]
        for fn, ga, gz in lev.groups:
            o[ga:gz], d[ga:gz] = prims[fn].value_and_derivative(s_lev[ga - lo:gz - lo])
        s[lo:hi] = s_lev

    walk(plan, plan.forward, o, w_linear, finish)
    s[plan.inputs] = x[plan.inputs]
    return s, o, d, partials


def linear_sweep(plan, direction, coef_linear, coef_scaled, gain, seed_in, seed_out=None, before=None):
    """``x_j = gain_j·(Σ_e coef_e·x_far(e) + seed_in_j) + seed_out_j``, generation by generation.

    Backward (δ): the reversed graph, ``coef`` = w (times the partial on a
    scaled edge), ``gain`` = f'(s), ``seed_in`` = ∂objective/∂o, ``seed_out``
    = ∂objective/∂s where the objective is fused with a primitive.  Forward
    (tangents ȯ): the same coefficients along the edges' own direction.
    With `before` (an array shaped like the result), each row's sum before
    the gain, ``Σ_e coef_e·x_far(e) + seed_in_j``, is kept there too (ṡ).
    """
    x = np.zeros(np.broadcast_shapes(gain.shape, seed_in.shape), np.result_type(gain, seed_in))
    part = direction.scaled

    def finish(lev, total):
        lo, hi = lev.lo, lev.hi
        a, z = part.span(lev.index)
        if z > a:
            c = coef_scaled[a:z, None] if x.ndim == 2 and coef_scaled.ndim == 1 else coef_scaled[a:z]
            total += scatter(part.local[a:z], c * x[part.far[a:z]], hi - lo)
        total += seed_in[lo:hi]
        if before is not None:
            before[lo:hi] = total
        x[lo:hi] = gain[lo:hi] * total
        if seed_out is not None:
            x[lo:hi] += seed_out[lo:hi]

    walk(plan, direction, x, coef_linear, finish)
    return x


def backward(plan, w_linear, w_scaled, d, seed, partials, seed_s=None):
    """The backward sweep over the reversed graph: δ = ∂objective/∂s at every node.

    `w_linear`, `w_scaled` are the weights as ``plan.backward``'s parts read
    them; `partials` as :func:`forward` returned them; `seed` is ∂objective/∂o
    and `seed_s` (optional) ∂objective/∂s at outputs the objective is fused with.
    """
    batched = d.ndim == 2
    term = plan.backward.term
    coef_scaled = (w_scaled[:, None] if batched else w_scaled) * partials[term]
    return linear_sweep(plan, plan.backward, w_linear, coef_scaled, d, seed, seed_s)


def edge_gradients(plan, o, delta, partials):
    """∂objective/∂w_ij = o_i·∂s_j/∂t_i·δ_j for every edge, summed over a batch."""
    scaled = plan.forward.scaled.edges
    if o.ndim == 1:
        grad = o[plan.src] * delta[plan.dst]
    else:
        grad = np.empty(plan.n_edges)
        step = max(1, CHUNK // o.shape[1])
        for a in range(0, plan.n_edges, step):
            z = min(a + step, plan.n_edges)
            grad[a:z] = np.einsum("eb,eb->e", o[plan.src[a:z]], delta[plan.dst[a:z]])
    if len(scaled):
        # o_i·δ_j·(the product of the unit's other terms): carried, so 1e308·2.4·1e-307 is 24
        terms = carried_product(o[plan.src[scaled]], delta[plan.dst[scaled]], partials)
        grad[scaled] = terms if terms.ndim == 1 else terms.sum(axis=1)
    return grad

