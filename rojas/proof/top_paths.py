"""The K paths that carry most of a gradient: exact, by a k-best dynamic program over the DAG.

A path's product is multiplicative along its edges, so its absolute value is
too: the K paths to a unit v with the largest |product| extend some of the K
best paths to v's predecessors.  Forward from the source, a generation at a
time, every unit of the source's cone keeps its K best partial paths (product
so far, the predecessor and that predecessor's rank), merged with one
``lexsort`` per chunk of edges; at the ends each product is multiplied by the
objective's seed, and the K best over all ends are followed back.  The work is
O(edges × K · log); no path is enumerated, none sampled.

Ties are broken deterministically.  Paths to one unit are ordered by
|product| (largest first), then by the sweep position of the node before the
unit (smallest first; a path that starts at the unit comes before any that
arrives there through the same node), then by the rank of the path up to that
node; at the ends, by |product|, then the end's sweep position, then the
rank at the end.  The brute force in ``tests/test_top_paths.py`` sorts every
path by exactly this key.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import RojasError
from .path_cone import cone_of, gradient_of

__all__ = ["TopPaths", "top_paths", "MAX_TOP"]

MAX_TOP = 10_000  # paths asked for at most: each is followed back node by node
CHUNK = 1 << 20  # candidates per merge


@dataclass
class TopPaths:
    """The K paths with the largest |product| from a source to the objective.

    Attributes
    ----------
    source : Source
    target : str
    paths : list of dict
        ``{"nodes": [the weight's source node, …, the output], "product": float}``,
        largest |product| first; products include ``o_i`` and the objective's seed.
    gradient : float
        The backward sweep's value; each path's share is ``product / gradient``.
    """

    source: object
    target: object
    paths: list
    gradient: float

    def shares(self):
        """Each path's product over |gradient| (0 when the gradient is 0)."""
        g = abs(self.gradient)
        return [p["product"] / g if g > 0 else 0.0 for p in self.paths]

    def rows(self):
        """``[{"nodes": [str], "product": float}]``: the JSON form."""
        return [{"nodes": [str(n) for n in p["nodes"]], "product": p["product"]} for p in self.paths]


def top_paths(lab, source, k=10):
    """The `k` paths from `source` to the objective with the largest |product|, exactly.

    Parameters
    ----------
    lab : Labeling
        One sample: over a batch a path's contribution is a sum over samples,
        which no k-best recursion ranks, so a batch is refused.
    source : reference
        As for :func:`~rojas.proof.by_length.by_length`.
    k : int
        How many paths (1 … 10,000).

    Returns
    -------
    TopPaths

    Raises
    ------
    RojasError
        For a batch, a `k` out of range, or a `source` that names nothing.

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> [p["nodes"] for p in rojas.top_paths(lab, "w1", k=2).paths]
    [['i1', 'h1', 'o1'], ['i1', 'h1', 'o2']]
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_TOP:
        raise RojasError(f"--top {k!r}: give a whole number of paths from 1 to {MAX_TOP:,}")
    if lab.batch_size is not None:
        raise RojasError(f"the top paths rank one sample's products, and the data hold a batch of "
                         f"{lab.batch_size}: give one sample (a data file of single numbers)")
    k = int(k)
    cone = cone_of(lab, source)
    prod = np.full((cone.n, k), np.nan)  # the k best partial products per node (nan: none)
    back = np.full((cone.n, k), -1, dtype=np.intp)  # cone-local predecessor, or −1 − start
    slot = np.full((cone.n, k), -1, dtype=np.intp)  # the predecessor's rank, or −1
    gain = lab.arrays["fprime"][cone.rows]
    start_before = np.array([s["before"] for s in cone.starts], dtype=np.intp)

    def before_of(bk):
        """The sweep position of the node before: a real predecessor's, or a start's ``before``."""
        return np.where(bk >= 0, cone.rows[np.maximum(bk, 0)], start_before[np.clip(-1 - bk, 0, len(cone.starts) - 1)]
                        if len(cone.starts) else -1)

    def place(node, p, bk, sl):
        """Merge candidates (node, product, back, slot; `node` non-decreasing) with what their nodes hold.

        First each node's exact k-th largest |product| among its candidates and what it holds
        (``np.partition`` on a padded row per node): a candidate below it cannot be among the
        k best, so only about k per node go through the sort that breaks ties.
        """
        cut = np.flatnonzero(np.diff(node)) + 1
        starts_at = np.concatenate([[0], cut])
        rows = node[starts_at]
        counts = np.diff(np.append(starts_at, len(node)))
        group = np.repeat(np.arange(len(rows)), counts)
        mag = np.abs(p)
        width = int(counts.max())
        if len(rows) * (width + k) <= 8 * len(node) + (1 << 20):  # else: sort them all
            padded = np.full((len(rows), width + k), -1.0)
            padded[group, np.arange(len(node)) - starts_at[group]] = mag
            held_mag = np.abs(prod[rows])
            padded[:, width:] = np.where(np.isnan(held_mag), -1.0, held_mag)
            kth = -np.partition(-padded, k - 1, axis=1)[:, k - 1]
            keep_new = mag >= kth[group]
            node, p, bk, sl = node[keep_new], p[keep_new], bk[keep_new], sl[keep_new]
        hr, hs = np.nonzero(~np.isnan(prod[rows]))
        held = rows[hr]
        node = np.concatenate([held, node])
        p = np.concatenate([prod[held, hs], p])
        bk = np.concatenate([back[held, hs], bk])
        sl = np.concatenate([slot[held, hs], sl])
        tie = (before_of(bk) + 1) * (k + 1) + (sl + 1)  # before, then the rank there (a start: −1)
        order = np.lexsort((tie, -np.abs(p), node))
        ranked = node[order]
        rank = np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")
        keep, rank = order[rank < k], rank[rank < k]
        prod[rows], back[rows], slot[rows] = np.nan, -1, -1
        prod[node[keep], rank], back[node[keep], rank], slot[node[keep], rank] = p[keep], bk[keep], sl[keep]

    if cone.starts:  # each start is a path of its own at its node
        at = np.array([s["node"] for s in cone.starts], dtype=np.intp)
        by = np.argsort(at, kind="stable")
        place(at[by], np.array([float(s["value"]) for s in cone.starts])[by],
              (-1 - np.arange(len(cone.starts), dtype=np.intp))[by], np.full(len(cone.starts), -1, dtype=np.intp))
    step = max(1, CHUNK // k)
    for a, z, _, _ in cone.cuts:
        for b in range(a, z, step):
            c = min(z, b + step)
            src, dst = cone.src[b:c], cone.dst[b:c]
            e_idx, s_idx = np.nonzero(~np.isnan(prod[src]))
            if len(e_idx):
                p = (prod[src[e_idx], s_idx] * cone.coefficients(b, c)[e_idx]) * gain[dst[e_idx]]
                place(dst[e_idx], p, src[e_idx], s_idx)
    # at the ends: times the seed, the k best over all ends
    end_node = np.repeat(cone.ends, k)
    end_seed = np.repeat(np.asarray(cone.seed, dtype=float), k)
    end_slot = np.tile(np.arange(k), len(cone.ends))
    ok = ~np.isnan(prod[end_node, end_slot])
    end_node, end_seed, end_slot = end_node[ok], end_seed[ok], end_slot[ok]
    final = prod[end_node, end_slot] * end_seed
    order = np.lexsort((end_slot, cone.rows[end_node], -np.abs(final)))[:k]
    paths = []
    for i in order.tolist():
        node, rank = int(end_node[i]), int(end_slot[i])
        nodes = []
        while True:  # follow the path back (its length, not a recursion)
            nodes.append(cone.node(node))
            b, s = int(back[node, rank]), int(slot[node, rank])
            if b < 0:
                nodes.extend(reversed(cone.starts[-1 - b]["prefix"]))
                break
            node, rank = b, s
        paths.append({"nodes": nodes[::-1], "product": float(final[i])})
    target = "E" if lab.objective == "E" else lab.objective
    return TopPaths(cone.source, target, paths, gradient_of(lab, cone.source))
