"""How much symbolic work a proof may do: limits checked before SymPy starts, and a guarded run.

SymPy walks expressions as trees.  On a network whose units share inputs
the tree of the network function doubles with every layer of a complete DAG
(a 20-unit complete DAG: a million nodes for *one* path), and nested units
nest Python calls (a chain of 40 tanh units recurses past Python's default
limit inside ``sympy.diff``).  So before building anything the proof counts
the units, the paths (exactly, by dynamic programming) and the size of every
expression tree it will build (:func:`expression_size`, affine per primitive,
see :mod:`rojas.proof.symbolic_translate`).  Within the limits the work runs in
a process of its own with a deep stack and a raised recursion limit, killed
when it overruns its time budget (:func:`run_guarded`, from
:mod:`rojas.proof.symbolic_worker`): the caller's process keeps its settings.
"""

import networkx as nx

from .symbolic_translate import SIZE_CAP
from .symbolic_worker import run_guarded

__all__ = ["expression_size", "run_guarded", "DEFAULT_SIZE_LIMIT", "DEFAULT_PATH_LIMIT",
           "DEFAULT_EXPRESSION_LIMIT", "DEFAULT_TIME_BUDGET"]

DEFAULT_SIZE_LIMIT = 40  # units
DEFAULT_PATH_LIMIT = 64  # paths; each adds a product of nested expressions to expand
DEFAULT_EXPRESSION_LIMIT = 50_000  # tree nodes of the function, its derivative and the path sum together
DEFAULT_TIME_BUDGET = 20.0  # seconds of SymPy work (starting its process is not counted)


def expression_size(net, primitives, paths, sources, ends):
    """An upper bound on the tree nodes of the network function, its derivative and the path sum.

    Parameters
    ----------
    net : Network
    primitives : SympyPrimitives
        Gives each primitive's affine size ``(k, m)`` without building it.
    paths : int
        The exact number of paths the path sum adds up.
    sources : list of node
        The units where the paths start.
    ends : list of node
        The units the objective reads.

    Returns
    -------
    int
        Clamped at a huge cap; compare it with a limit.
    """
    G = net.graph
    o_size, s_size, df_size, depth = {}, {}, {}, {}
    for n in nx.topological_sort(G):
        if net.fn(n) == "input":
            o_size[n], depth[n] = 1, 0
            continue
        preds = list(G.predecessors(n))
        s = 2 + sum(o_size[u] + 2 for u in preds)  # Σ w·o + b (or Π)
        k, m = primitives.size(net.fn(n), "f")
        kd, md = primitives.size(net.fn(n), "df")
        s_size[n] = min(s, SIZE_CAP)
        o_size[n] = min(k + m * s, SIZE_CAP)
        df_size[n] = min(kd + md * s, SIZE_CAP)
        depth[n] = 1 + max((depth[u] for u in preds), default=0)
    function = sum(o_size[k] + 3 for k in ends)
    # ∂/∂x of a tree multiplies at most one factor per level along the way down.
    derivative = function * (1 + max((depth[k] for k in ends), default=0))
    # A path's factors: the stored derivatives of the units it meets, their weights and partials.
    reachable = sum(df_size.get(n, 0) + 2 * o_size[n] + 2 for n in _downstream(G, sources))
    path_sum = paths * reachable
    return min(function + derivative + path_sum, SIZE_CAP)


def _downstream(G, sources):
    seen = set(sources)
    for n in sources:
        seen |= nx.descendants(G, n)
    return seen
