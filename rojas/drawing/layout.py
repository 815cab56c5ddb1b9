"""Where the units go: a layered, deterministic layout of any DAG.

Columns are topological generations counted back from the sinks (so every
output sits in the last column and a unit sits as close as it can to what it
feeds), with the inputs pulled into the first column; every node is therefore
left of each of its successors.  An edge that spans several columns gets a
*waypoint* in each column it passes (the dummy nodes of Sugiyama's method):
waypoints take part in the ordering like units and get their own room in the
column, so the edge is drawn as a smooth arc through gaps between units, never
through one.  The order within a column comes from barycentre sweeps that keep
the ordering with the fewest crossings; ties are broken by the order the nodes
were given, so the same network always gets the same picture.

A network unfolded in time (:func:`rojas.recurrent.unfold`: every node has a
``step``) is laid out by :func:`rojas.drawing.timeline.time_layout` instead (not
here), as Rojas draws one: a group of columns per time step, left to right,
and a row per original unit.

No Matplotlib here: the layout is plain geometry, in units of the circle radius.
"""

from dataclasses import dataclass, field

import networkx as nx

__all__ = [
    "Layout",
    "Waypoint",
    "columns_of",
    "count_crossings",
    "layered_layout",
]


class Waypoint:
    """Where a long edge crosses a column (a dummy node): hashable by identity."""

    __slots__ = ("edge", "k")

    def __init__(self, edge, k):
        self.edge, self.k = edge, k

    def __repr__(self):
        return f"Waypoint({self.edge!r}, {self.k})"


@dataclass
class Layout:
    """Positions of the nodes and the routes of the edges.

    Attributes
    ----------
    pos : dict
        ``{node: (x, y)}`` in units of the circle radius; y grows upwards.
    column : dict
        ``{node: column index}``.
    columns : list of list
        Each column's nodes and waypoints, top to bottom.
    routes : dict
        ``{(u, v): [(x, y), ...]}``: from u's centre through the edge's
        waypoints to v's centre (two points for an edge between neighbouring
        columns).
    xs : list of float
        The x of each column.
    """

    pos: dict
    column: dict
    columns: list
    routes: dict
    xs: list
    waypoints: dict = field(default_factory=dict)

    def extent(self):
        """``(xmin, xmax, ymin, ymax)`` of the centres and waypoints."""
        pts = list(self.pos.values()) + list(self.waypoints.values())
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        return min(xs), max(xs), min(ys), max(ys)


def columns_of(G, first=()):
    """The column of every node: generations counted back from the sinks.

    Parameters
    ----------
    G : networkx.DiGraph
        Acyclic.
    first : iterable
        Source nodes to put in column 0 (the inputs).

    Returns
    -------
    dict
        ``{node: column}``, every edge going from a lower to a higher column.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("x", "h"), ("h", "y"), ("x", "y"), ("b", "y")])
    >>> columns_of(G, first=["x"])
    {'x': 0, 'h': 1, 'y': 2, 'b': 1}
    """
    depth = {}  # longest path to a sink
    for gen_nodes in nx.topological_generations(G.reverse(copy=False)):
        for n in gen_nodes:
            depth[n] = 1 + max((depth[m] for m in G.successors(n)), default=-1)
    last = max(depth.values(), default=0)
    column = {n: last - depth[n] for n in G}
    for n in first:
        column[n] = 0
    return column


def count_crossings(pairs):
    """The number of crossing pairs among edges ``(rank_u, rank_v)`` between two columns.

    Examples
    --------
    >>> count_crossings([(0, 1), (1, 0)]), count_crossings([(0, 0), (1, 1)]), count_crossings([(0, 1), (0, 0)])
    (1, 0, 0)
    """
    pairs = sorted(pairs)
    if not pairs:
        return 0
    size = max(v for _, v in pairs) + 2
    tree = [0] * (size + 1)
    crossings = seen = 0
    i = 0
    while i < len(pairs):  # edges from one upper rank never cross each other
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            v = pairs[j][1] + 1  # how many seen edges end strictly below this one's end
            k, below = v, 0
            while k > 0:
                below += tree[k]
                k -= k & -k
            crossings += seen - below
            j += 1
        for u, v in pairs[i:j]:
            k = v + 1
            while k <= size:
                tree[k] += 1
                k += k & -k
            seen += 1
        i = j
    return crossings


def _order(columns, up, down, key, passes):
    """Barycentre sweeps over the columns; returns the ordering with the fewest crossings."""
    def ranks():
        return {n: i for col in columns for i, n in enumerate(col)}

    def crossings(rank):
        total = 0
        for col in columns[:-1]:
            total += count_crossings([(rank[u], rank[v]) for u in col for v in down[u]])
        return total

    def sweep(c, neighbours, rank, ref_len):
        col = columns[c]
        scale = (ref_len - 1) / (len(col) - 1) if len(col) > 1 and ref_len > 1 else 1.0

        def bary(n):
            ns = neighbours[n]
            if not ns:
                return rank[n] * scale
            return sum(rank[m] for m in ns) / len(ns)

        columns[c] = sorted(col, key=lambda n: (bary(n), key[n]))

    rank = ranks()
    best = [list(c) for c in columns]
    best_cross = crossings(rank)
    for p in range(passes):
        if best_cross == 0:
            break
        if p % 2 == 0:
            for c in range(1, len(columns)):
                sweep(c, up, rank, len(columns[c - 1]))
                rank.update({n: i for i, n in enumerate(columns[c])})
        else:
            for c in range(len(columns) - 2, -1, -1):
                sweep(c, down, rank, len(columns[c + 1]))
                rank.update({n: i for i, n in enumerate(columns[c])})
        cross = crossings(rank)
        if cross < best_cross:
            best, best_cross = [list(c) for c in columns], cross
    return best


def layered_layout(G, order=None, *, first=(), gaps=6.0, slot=3.7, dummy_slot=1.6,
                   waypoints=True, passes=None):
    """Lay out a DAG in columns, left to right.

    Parameters
    ----------
    G : networkx.DiGraph
        Acyclic.
    order : sequence, optional
        The nodes in the order they were given (ties are broken by it); by
        default ``list(G)``.  Edges are taken in ``G.edges`` order.
    first : iterable
        Source nodes for column 0 (the inputs).
    gaps : float or callable
        The distance between column c and c + 1: a number or ``gaps(c)``.
    slot, dummy_slot : float
        Vertical room of a node and of a waypoint.
    waypoints : bool
        Route long edges through waypoints (off: straight lines, for very
        large networks where the picture is a silhouette anyway).
    passes : int, optional
        Barycentre sweeps; by default fewer for larger graphs.

    Returns
    -------
    Layout

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("x1", "h"), ("x2", "h"), ("h", "y"), ("x1", "y")])
    >>> lay = layered_layout(G, first=["x1", "x2"], gaps=5.0)
    >>> [lay.column[n] for n in ("x1", "x2", "h", "y")]
    [0, 0, 1, 2]
    >>> len(lay.routes["x1", "y"])  # through one waypoint in h's column
    3
    """
    order = list(G) if order is None else list(order)
    key = {n: i for i, n in enumerate(order)}
    column = columns_of(G, first)
    n_cols = max(column.values()) + 1
    columns = [[] for _ in range(n_cols)]
    for n in order:
        columns[column[n]].append(n)
    up = {n: [] for n in G}
    down = {n: [] for n in G}
    chains = {}
    for e_index, (u, v) in enumerate(G.edges):
        span = column[v] - column[u]
        chain = [u]
        if waypoints and span > 1:
            for k in range(1, span):
                w = Waypoint((u, v), k)
                key[w] = (key[u] + key[v]) / 2 + 1e-6 * (e_index + 1)
                columns[column[u] + k].append(w)
                column[w] = column[u] + k
                up[w], down[w] = [], []
                chain.append(w)
        chain.append(v)
        for a, b in zip(chain, chain[1:]):
            down[a].append(b)
            up[b].append(a)
        chains[(u, v)] = chain
    rank = {n: i / max(len(columns[0]) - 1, 1) for i, n in enumerate(columns[0])}
    for c in range(1, n_cols):  # initial order: barycentre of what feeds each node (ranks in [0, 1])
        columns[c].sort(key=lambda n: (sum(rank[m] for m in up[n]) / len(up[n]) if up[n] else 1.0, key[n]))
        rank.update({n: i / max(len(columns[c]) - 1, 1) for i, n in enumerate(columns[c])})
    items = sum(len(c) for c in columns)
    if passes is None:
        passes = 12 if items <= 300 else 4 if items <= 3000 else 0
    columns = _order(columns, up, down, key, passes)

    if callable(gaps):
        gap_list = [float(gaps(c)) for c in range(n_cols - 1)]
    else:
        gap_list = [float(gaps)] * (n_cols - 1)
    xs = [0.0]
    for g in gap_list:
        xs.append(xs[-1] + g)
    pos, way = {}, {}
    for c, col in enumerate(columns):
        heights = [dummy_slot if isinstance(n, Waypoint) else slot for n in col]
        top = sum(heights) / 2
        y = top
        for n, h in zip(col, heights):
            point = (xs[c], y - h / 2)
            (way if isinstance(n, Waypoint) else pos)[n] = point
            y -= h
    routes = {}
    for e, chain in chains.items():
        routes[e] = [way[n] if isinstance(n, Waypoint) else pos[n] for n in chain]
    real_column = {n: column[n] for n in G}
    return Layout(pos=pos, column=real_column, columns=columns, routes=routes, xs=xs, waypoints=way)
