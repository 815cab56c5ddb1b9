"""Where a gradient comes from, by path length: the exact split of ∂E/∂w over the lengths of its paths.

Rojas's theorem makes a gradient the sum over paths of the products along
them.  Grouping the paths by their length L (the network edges from the
weight's own edge to the output where the path ends, that edge included)
splits the gradient exactly::

    ∂E/∂w = Σ_L  S_L,    S_L = Σ_{paths of length L} (product along the path)

Veit et al. (2016) sampled path lengths to show that a residual network's
gradient comes from its short paths; on the labeled graph the split is a
dynamic program.  Forward from the source, every unit v of the source's cone
keeps a row over lengths, ``F_v[L]`` = the sum of the products of the paths of
length L from the source to v (``f'(s_v)`` included), and

    F_v[L] = f'(s_v) · Σ_{u→v} w_uv·∂s_v/∂(w·o_u) · F_u[L − 1]      (+ the source's own start)

a generation at a time with NumPy: O(edges × lengths), no path listed.  The
same recursion with every factor 1 counts the paths of each length, exactly,
in integer limbs of 26 bits (summed through ``bincount`` in float64, exact
below 2**53), so a count past 2**63 costs a few more limbs, not Python objects.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import RojasError
from ..utils.limits import limit, too_large
from .path_cone import cone_of, gradient_of

__all__ = ["ByLength", "by_length", "check_length_work", "LIMB_BITS"]

LIMB_BITS = 26  # a limb below 2**26; a sum of in-degree < 2**27 limbs stays exact in float64
CHUNK = 1 << 22  # numbers per temporary


@dataclass
class ByLength:
    """The gradient of one source split by path length.

    Attributes
    ----------
    source : Source
    target : str
        ``"E"`` or the node differentiated.
    lengths : ndarray of int
        0 … the longest path's length.
    sums : ndarray of float
        Per length, the sum of the products of that length's paths (summed over a batch).
    counts : list of int
        Per length, the exact number of paths (Python integers, past 2**63 if need be).
    gradient : float
        The backward sweep's ∂objective/∂source; ``sums.sum()`` equals it to rounding.
    """

    source: object
    target: object
    lengths: np.ndarray
    sums: np.ndarray
    counts: list
    gradient: float

    @property
    def total(self):
        """The sum over lengths (the gradient, to rounding)."""
        return float(self.sums.sum())

    @property
    def paths(self):
        """The exact number of paths, all lengths."""
        return sum(self.counts)

    @property
    def shares(self):
        """Per length, its sum as a share of |gradient| (signed; 0 when the gradient is 0)."""
        g = abs(self.gradient)
        return self.sums / g if g > 0 else np.zeros_like(self.sums)

    def rows(self):
        """``[{"length", "paths", "sum"}]`` for the lengths that have paths."""
        return [{"length": int(L), "paths": c, "sum": float(s)}
                for L, c, s in zip(self.lengths.tolist(), self.counts, self.sums) if c]

    def __repr__(self):
        return (f"<ByLength ∂{self.target}/∂{self.source.label}: {self.paths} paths over "
                f"{sum(1 for c in self.counts if c)} lengths, gradient {self.gradient:.6g}>")


def check_length_work(cone):
    """Refuse a by-length table whose work (cone edges × lengths × samples) exceeds ``ROJAS_MAX_PATH_WORK``."""
    work = max(len(cone.edges), cone.n) * (cone.depth + 1) * (cone.batch or 1)
    if work > limit("path_work"):
        raise RojasError(too_large(f"the by-length table of {cone.source.label}",
                                   f"needs {len(cone.edges):,} edges × {cone.depth + 1:,} lengths"
                                   f"{f' × {cone.batch} samples' if cone.batch else ''} = {work:,} steps",
                                   "path_work"))


def _scatter_shifted(values, dst, lo, rows, width):
    """Sum `values` (m, width, c) into (rows, width, c) by ``dst − lo`` (a flat ``bincount``)."""
    m, w, c = values.shape
    flat = ((dst - lo)[:, None, None] * (w * c) + np.arange(w * c).reshape(1, w, c)).ravel()
    return np.bincount(flat, weights=values.ravel(), minlength=rows * w * c).reshape(rows, w, c)


def _sweep(cone, table, coef_of, gain_of, normalize=None):
    """``table[v, L] += gain_v · Σ coef_e · table[u, L − 1]``, a generation at a time, in chunks."""
    width = table.shape[1]
    for a, z, lo, hi in cone.cuts:
        incoming = np.zeros((hi - lo, width - 1, table.shape[2]))
        step = max(1, CHUNK // max(1, width * table.shape[2]))
        for b in range(a, z, step):
            c = min(z, b + step)
            values = table[cone.src[b:c], :-1, :]
            coef = coef_of(b, c)
            if coef is not None:
                values = values * coef
            incoming += _scatter_shifted(values, cone.dst[b:c], lo, hi - lo, width - 1)
        if normalize is None:
            table[lo:hi, 1:, :] += gain_of(lo, hi) * incoming
        else:
            table = normalize(table, lo, hi, incoming)
    return table


def _carry(limbs):
    """Limbs (…, n) as int64 below 2**LIMB_BITS each, carried upward; one more limb if the top overflows."""
    mask = (1 << LIMB_BITS) - 1
    while True:
        carry = limbs >> LIMB_BITS
        if not carry.any():
            return limbs
        limbs = limbs & mask
        if carry[..., -1].any():
            limbs = np.concatenate([limbs, np.zeros(limbs.shape[:-1] + (1,), np.int64)], axis=-1)
            carry = np.concatenate([carry, np.zeros(carry.shape[:-1] + (1,), np.int64)], axis=-1)
        limbs[..., 1:] += carry[..., :-1]


def _counts(cone, width):
    """Per length, the exact number of paths from the source to the ends (Python ints)."""
    table = np.zeros((cone.n, width, 1), np.int64)
    for s in cone.starts:
        table[s["node"], s["length"], 0] += 1

    def normalize(table, lo, hi, incoming):
        rows = _carry(table[lo:hi, 1:, :] + incoming.astype(np.int64))
        if rows.shape[2] > table.shape[2]:  # one more limb for everyone
            table = np.concatenate([table, np.zeros(table.shape[:2] + (rows.shape[2] - table.shape[2],),
                                                    np.int64)], axis=2)
        table[lo:hi, 1:, :rows.shape[2]] = rows
        return table

    table = _sweep(cone, table, lambda b, c: None, None, normalize)
    ends = table[cone.ends].sum(axis=0)  # (width, limbs): each < (number of ends)·2**26
    return [sum(int(x) << (LIMB_BITS * i) for i, x in enumerate(row)) for row in ends.tolist()]


def by_length(lab, source):
    """The gradient of `source` split exactly by path length, with the number of paths of each length.

    Parameters
    ----------
    lab : Labeling
        Paths end where the labeling's objective reads the network (the outputs
        with targets, or the node differentiated); each product ends with the
        objective's seed there (``o_k − t_k`` for the squared error).
    source : reference
        A weight (edge name or ``u->v``), a tied param (the sum over its edges and
        biases), an input (∂E/∂x), ``b:NODE``, ``s:NODE`` or ``o:NODE``; see
        :func:`~rojas.proof.paths.resolve_source`.

    Returns
    -------
    ByLength

    Raises
    ------
    RojasError
        If `source` names nothing, or the work (edges of its cone × lengths ×
        samples) exceeds ``ROJAS_MAX_PATH_WORK``.

    Examples
    --------
    Mazur's 2-2-2 network: w1 (i1→h1) reaches E through o1 and o2, two paths of length 2.

    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> t = rojas.by_length(lab, "w1")
    >>> t.rows()[0]["length"], t.rows()[0]["paths"], abs(t.total - t.gradient) < 1e-15
    (2, 2, True)
    """
    cone = cone_of(lab, source)
    check_length_work(cone)
    width = cone.depth + 1
    cols = cone.batch or 1
    table = np.zeros((cone.n, width, cols))
    for s in cone.starts:
        table[s["node"], s["length"], :] += np.reshape(s["value"], (-1,))

    def coef_of(b, c):
        return cone.coefficients(b, c).reshape(c - b, 1, cols)

    def gain_of(lo, hi):
        return cone.gain(lo, hi).reshape(hi - lo, 1, cols)

    table = _sweep(cone, table, coef_of, gain_of)
    seed = cone.seed.reshape(len(cone.ends), 1, cols)
    sums = (table[cone.ends] * seed).sum(axis=(0, 2)) if len(cone.ends) else np.zeros(width)
    counts = _counts(cone, width) if len(cone.ends) else [0] * width
    target = "E" if lab.objective == "E" else lab.objective
    return ByLength(cone.source, target, np.arange(width), sums, counts, gradient_of(lab, cone.source))
