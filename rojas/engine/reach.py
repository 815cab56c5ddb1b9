"""Which nodes reach the objective: the units whose δ is 0 by construction, not by cancellation.

A unit with no path to a node the objective reads gets nothing on the backward
sweep: its δ, the gradients of the weights into it and of its bias are 0
whatever the numbers.  These *structural zeros* are found with one breadth-first
search (SciPy's, compiled) on the reversed graph, linear in the edges.
"""

import numpy as np

__all__ = ["reaching", "objective_rows", "dead_rows"]


def reaching(plan, rows, forward=True):
    """Boolean mask over sweep positions: the nodes reachable from `rows` (forward) or reaching them.

    One breadth-first search from a virtual node joined to every row of `rows`.

    >>> import rojas
    >>> plan = rojas.engine.plan.plan_of(rojas.load(rojas.example_path("mazur")))
    >>> int(reaching(plan, [plan.pos["o1"]], forward=False).sum())  # o1, h1, h2, i1, i2
    5
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    n = plan.n_nodes
    rows = np.unique(np.asarray(rows, dtype=np.intp))
    src, dst = (plan.src, plan.dst) if forward else (plan.dst, plan.src)
    a = np.concatenate([src, np.full(len(rows), n)])
    b = np.concatenate([dst, rows])
    adj = sp.csr_array((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n + 1, n + 1))
    found = breadth_first_order(adj, n, directed=True, return_predecessors=False)
    mask = np.zeros(n + 1, dtype=bool)
    mask[found] = True
    return mask[:n]


def objective_rows(lab):
    """Sweep positions of the nodes the labeling's objective reads (its outputs, or the node differentiated)."""
    pos = lab.plan.pos
    ends = list(lab.targets) if lab.targets else [lab.objective]
    return np.array([pos[n] for n in ends], dtype=np.intp)


def dead_rows(lab):
    """Sweep positions of the units (not inputs) with no path to the objective, ascending.

    >>> import rojas
    >>> net = rojas.Network().add_input("x").add_unit("y", "tanh").add_unit("z", "tanh")
    >>> net = net.add_edge("x", "y", weight=1.0).add_edge("x", "z", weight=1.0).set_outputs(["y"])
    >>> lab = rojas.label(net, {"x": 1.0}, {"y": 0.0})
    >>> [lab.plan.order[i] for i in dead_rows(lab)]
    ['z']
    """
    alive = reaching(lab.plan, objective_rows(lab), forward=False)
    return np.flatnonzero(~alive & ~lab.plan.is_input)
