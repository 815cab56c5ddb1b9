"""Topological generations of a graph given as edge arrays, and naming a cycle.

Kahn's algorithm one generation at a time: a generation with many out-edges is
processed with NumPy, one with few (a long chain) with plain Python on lists,
so that both a wide 1,000,000-edge DAG and a 100,000-unit chain take linear
time without a Python step per edge in the first case or a NumPy call per
node in the second.
"""

import networkx as nx
import numpy as np

from ..errors import NetworkError

__all__ = ["generations", "name_cycle", "check_acyclic"]

# A generation whose nodes have at least this many out-edges goes through NumPy.
_VECTOR_EDGES = 256


def generations(n_nodes, src, dst):
    """The topological generation of every node, or -1 for nodes on or behind a cycle.

    Generation 0 holds the nodes without in-edges; generation k the nodes whose
    in-edges all come from generations < k (as ``nx.topological_generations``).

    Parameters
    ----------
    n_nodes : int
    src, dst : ndarray of int
        Edge ends as node positions 0 .. n_nodes-1.

    Returns
    -------
    ndarray of intp, shape (n_nodes,)

    Examples
    --------
    >>> import numpy as np
    >>> generations(4, np.array([0, 1, 0]), np.array([1, 2, 2])).tolist()
    [0, 1, 2, 0]
    >>> generations(3, np.array([0, 1, 2]), np.array([1, 2, 1])).tolist()
    [0, -1, -1]
    """
    src = np.asarray(src, dtype=np.intp)
    dst = np.asarray(dst, dtype=np.intp)
    if len(src) and (src[1:] < src[:-1]).any():
        out = dst[np.argsort(src, kind="stable")]      # out-edges grouped by source
    else:
        out = dst                                      # already grouped (a file sorted by source)
    indptr = np.zeros(n_nodes + 1, dtype=np.intp)
    np.cumsum(np.bincount(src, minlength=n_nodes), out=indptr[1:])
    indeg = np.bincount(dst, minlength=n_nodes)
    level = np.full(n_nodes, -1, dtype=np.intp)
    # A generation goes through NumPy when its nodes have this many out-edges; with
    # at least N/64 of them, switching modes (O(N) each) costs O(E) in all.
    wide = max(_VECTOR_EDGES, n_nodes // 64)
    frontier = np.flatnonzero(indeg == 0)
    ptr = outl = deg = None                            # lists, made the first time Python mode runs
    python_mode, placed, gens = False, [], []
    k = 0
    while len(frontier):
        if not python_mode:
            level[frontier] = k
            starts, stops = indptr[frontier], indptr[frontier + 1]
            counts = stops - starts
            total = int(counts.sum())
            if total >= wide:
                pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
                hits = np.bincount(out[pos], minlength=n_nodes)  # O(N), and N ≤ 64·(edges here)
                indeg -= hits
                frontier = np.flatnonzero((indeg == 0) & (hits > 0))
                k += 1
                continue
            if ptr is None:
                ptr, outl, outdeg = indptr.tolist(), out.tolist(), np.diff(indptr).tolist()
            deg, frontier, python_mode = indeg.tolist(), frontier.tolist(), True
        placed += frontier
        gens += [k] * len(frontier)
        nxt, fanout = [], 0
        for i in frontier:
            for j in range(ptr[i], ptr[i + 1]):
                t = outl[j]
                deg[t] -= 1
                if not deg[t]:
                    nxt.append(t)
                    fanout += outdeg[t]
        k += 1
        frontier = nxt
        if fanout >= wide:  # a wide generation: back to NumPy
            level[placed], placed, gens = gens, [], []
            indeg, frontier, python_mode = np.array(deg, dtype=np.intp), np.array(nxt, dtype=np.intp), False
    if placed:
        level[placed] = gens
    return level


def name_cycle(ids, src, dst, stuck):
    """``'a' -> 'b' -> 'a'``: one cycle among the nodes `stuck` (positions) of a graph.

    Called only once a cycle is known to exist, on the nodes :func:`generations`
    could not place; builds a NetworkX graph of those alone.
    """
    stuck_mask = np.zeros(len(ids), dtype=bool)
    stuck_mask[stuck] = True
    keep = stuck_mask[src] & stuck_mask[dst]
    G = nx.DiGraph()
    G.add_edges_from(zip(src[keep].tolist(), dst[keep].tolist()))
    cycle = nx.find_cycle(G)
    return " -> ".join(repr(ids[u]) for u, _ in cycle) + f" -> {ids[cycle[0][0]]!r}"


def check_acyclic(ids, src, dst):
    """The generations of a DAG, or NetworkError naming a cycle."""
    level = generations(len(ids), src, dst)
    stuck = np.flatnonzero(level < 0)
    if len(stuck):
        raise NetworkError(f"the network has a cycle: {name_cycle(ids, src, dst, stuck)}")
    return level

