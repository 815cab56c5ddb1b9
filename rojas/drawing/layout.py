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
``step``) is laid out by :func:`time_layout` instead, as Rojas draws one: a
group of columns per time step, left to right, and a row per original unit.

No Matplotlib here: the layout is plain geometry, in units of the circle radius.
"""

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from .units import route_curve

__all__ = ["Waypoint", "Layout", "layered_layout", "columns_of", "count_crossings", "time_steps", "time_columns",
           "time_layout"]


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


# ----------------------------------------------------------------------------- unfolded in time
def time_steps(G):
    """``{node: (step, unit)}`` when `G` is a network unfolded in time, else None.

    A network is unfolded in time (see :func:`rojas.recurrent.unfold`) when
    every node has an integer ``step`` attribute (its ``unit``, the original
    id, defaulting to the node itself), but for source inputs without one
    (the constant ``"1"``), and no edge goes back in time.
    """
    when = {}
    for n, attrs in G.nodes(data=True):
        step = attrs.get("step")
        if step is None:
            if G.in_degree(n) == 0:
                continue
            return None
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            return None
        when[n] = (step, attrs.get("unit", n))
    if not when or any(u in when and v in when and when[u][0] > when[v][0] for u, v in G.edges):
        return None
    return when


# Rows of nodes without a step: constant inputs (bottom), error units and sums (top).
_CONSTANT, _SINGLE, _COLLECTOR = object(), object(), object()


def _step_columns(G, when, order):
    """Columns and rows of an unfolded network's nodes: ``(column, row keys, row key of each node)``."""
    key = {n: i for i, n in enumerate(order)}
    by_step = {}
    for n in order:
        if n in when:
            by_step.setdefault(when[n][0], []).append(n)
    local = {}
    for t, nodes in by_step.items():  # generations within a step, from its sources
        sub = G.subgraph(nodes)
        for gen in nx.topological_generations(sub):
            for n in gen:
                local[n] = 1 + max((local[p] for p in sub.predecessors(n)), default=-1)
    # Each original unit (and each twin of it, k = 1, 2, ...) has a row across the steps.
    rank, row = {}, {}
    for n in order:
        if n in when:
            k = rank.get(when[n], 0)
            rank[when[n]] = k + 1
            row[n] = (when[n][1], k)
    first, depth = {}, {}
    for n in order:
        if n in row:
            first.setdefault(row[n][0], key[n])
            depth[row[n]] = max(depth.get(row[n], 0), local[n])
    # Deepest rows on top (the outputs), a unit's twins just above it, inputs below.
    rows = sorted(depth, key=lambda r: (-depth[r], first[r[0]], -r[1]))
    constants = [n for n in order if n not in when and G.in_degree(n) == 0]
    column, base = {}, 0
    for t in sorted(by_step):
        width = 1 + max(local[n] for n in by_step[t])
        for n in by_step[t]:
            column[n] = base + local[n]
        base += width
    shift = int(any(column.get(s, 1) == 0 for c in constants for s in G.successors(c)))
    for n in column:
        column[n] += shift
    for c in constants:
        column[c] = 0
    return column, rows, row, constants


def time_columns(G, when, order=None):
    """The column of every node of an unfolded network laid out in time (see :func:`time_layout`)."""
    return time_layout(G, when, order, geometry=False).column


def _nearest(points, curve):
    """The smallest distance from any of `points` (n × 2) to the polyline `curve`."""
    a, b = curve[:-1], curve[1:]
    d = b - a
    rel = points[:, None, :] - a[None, :, :]
    t = np.clip((rel * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-12), 0.0, 1.0)
    return float(np.hypot(*(rel - t[..., None] * d).transpose(2, 0, 1)).min(initial=np.inf))


def time_layout(G, when, order=None, *, gaps=6.0, slot=3.7, clearance=1.4, geometry=True):
    """Lay out a network unfolded in time: a column group per step, a row per unit.

    As Rojas draws an unfolded network: the steps t = 0, 1, …, T side by side,
    left to right, each step's nodes in columns of their own (the step's
    inputs first, then its units by their generations within the step); each
    original unit keeps one row across the steps, so an edge u@t → u@t+1 is
    horizontal, with a twin (``h@t:out``) just above its unit, the deepest
    units on top and the inputs below; a constant input (``"1"``, no step) sits
    at the bottom left and its edges run along the bottom, rising into each
    unit from the column before it (or through the lowest free gap of that
    column).  Nodes without a step that something feeds (the extended
    network's error units and E) sit one column after what feeds them: the
    error units beside their outputs when every one of them has a free spot
    there that no edge passes, else all in a row above the units; E in a row
    of its own on top, the edges into it running along that row.  Every edge
    goes from a lower to a higher column; an edge whose route would pass near
    a node is routed through free points of the columns between.  No crossing
    minimization: the rows fix the order, so the same network always gets the
    same picture.

    Parameters
    ----------
    G : networkx.DiGraph
    when : dict
        ``{node: (step, unit)}``, from :func:`time_steps`.
    order : sequence, optional
        The nodes in the order given (ties are broken by it).
    gaps : float or callable
        The distance between column c and c + 1: a number or ``gaps(c)``.
    slot : float
        The distance between neighbouring rows.
    clearance : float
        How close to a node centre a straight edge may pass before it is routed round.

    Returns
    -------
    Layout

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("h@0", "h@1"), ("x@1", "h@1"), ("h@1", "h@2"), ("x@2", "h@2"),
    ...                 ("1", "h@1"), ("1", "h@2")])
    >>> when = {n: (int(n[-1]), n[0]) for n in G if n != "1"}
    >>> lay = time_layout(G, when, ["1", "h@0", "x@1", "h@1", "x@2", "h@2"], gaps=5.0)
    >>> [lay.column[n] for n in ("1", "h@0", "x@1", "h@1", "x@2", "h@2")]
    [0, 0, 1, 2, 3, 4]
    >>> lay.pos["h@0"][1] == lay.pos["h@1"][1] == lay.pos["h@2"][1] > lay.pos["x@1"][1] > lay.pos["1"][1]
    True
    >>> len(lay.routes["1", "h@2"])  # along the bottom to x@2's column, then up
    3
    """
    order = list(G) if order is None else list(order)
    order += [n for n in G if n not in set(order)]
    column, rows, row, constants = _step_columns(G, when, order)
    taken = {(column[n], row[n]) for n in row}
    for n in nx.topological_sort(G):  # the extended network's nodes: one column after what feeds them
        if n not in column:
            column[n] = 1 + max(column[p] for p in G.predecessors(n))
    if not geometry:
        return Layout(pos={}, column=column, columns=[], routes={}, xs=[])
    n_cols = max(column.values()) + 1
    gap_list = [float(gaps(c)) if callable(gaps) else float(gaps) for c in range(n_cols - 1)]
    xs = [0.0]
    for g in gap_list:
        xs.append(xs[-1] + g)
    y_of = {r: -i * slot for i, r in enumerate(rows)}
    y_of.update({(_CONSTANT, k): -(len(rows) + k) * slot for k in range(len(constants))})
    for k, c in enumerate(constants):
        row[c] = (_CONSTANT, k)
    pos = {n: (xs[column[n]], y_of[row[n]]) for n in row}
    seg = np.array([(pos[u], pos[v]) for u, v in G.edges if u in pos and v in pos], dtype=float).reshape(-1, 2, 2)
    taken = {(column[n], row[n]) for n in row}
    extras = [n for n in nx.topological_sort(G) if n not in row]

    def beside(n):
        """The spot one column after n's only predecessor, in its row, if free and off every edge."""
        preds = list(G.predecessors(n))
        if len(preds) != 1 or preds[0] not in row:
            return None
        spot = (column[n], row[preds[0]])
        if spot in taken:
            return None
        if len(seg):  # the distance from the spot to every straight edge between the units
            d = seg[:, 1] - seg[:, 0]
            rel = np.array([xs[spot[0]], y_of[spot[1]]]) - seg[:, 0]
            t = np.clip((rel * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-12), 0.0, 1.0)
            if np.hypot(*(rel - t[:, None] * d).T).min() < 2 * clearance:
                return None
        return spot

    spots = {n: beside(n) for n in extras if G.in_degree(n) == 1}
    all_beside = all(spot is not None for spot in spots.values()) and \
        len(set(spots.values())) == len(spots)  # one look for all error units: beside, or all above
    above = []  # rows above the units: error units that do not sit beside their outputs, then E
    for n in extras:
        if all_beside and n in spots:
            row[n] = spots[n][1]
        else:
            kind = _SINGLE if G.in_degree(n) == 1 else _COLLECTOR
            k = 0
            while (column[n], (kind, k)) in taken:
                k += 1
            row[n] = (kind, k)
            if row[n] not in above:
                above.append(row[n])
        taken.add((column[n], row[n]))
    above.sort(key=lambda r: (r[0] is _COLLECTOR, r[1]))  # bottom to top
    y_of.update({r: (i + 1) * slot for i, r in enumerate(above)})
    pos = {n: (xs[column[n]], y_of[row[n]]) for n in order}
    columns = [[] for _ in range(n_cols)]
    rank = {n: i for i, n in enumerate(order)}
    for n in sorted(order, key=lambda n: (-pos[n][1], rank[n])):
        columns[column[n]].append(n)
    all_ys = sorted(set(y_of.values()))
    between = [(a + b) / 2 for a, b in zip(all_ys, all_ys[1:])]

    names = list(pos)
    centres = np.array([pos[n] for n in names], dtype=float)

    def clear(points, u, v):
        near = (np.abs(centres[:, 1] - np.clip(centres[:, 1], min(p[1] for p in points) - clearance,
                                                max(p[1] for p in points) + clearance)) < 1e-9) & \
               (centres[:, 0] > min(p[0] for p in points) - clearance) & \
               (centres[:, 0] < max(p[0] for p in points) + clearance)
        others = [i for i in np.flatnonzero(near) if names[i] not in (u, v)]
        return not others or _nearest(centres[others], route_curve(points, samples=16)) >= clearance

    def free(c, y_line):
        """The points of column c between two rows, nearest `y_line` first."""
        busy = [pos[n][1] for n in columns[c]]
        ys = [y for y in between if all(abs(y - b) >= slot / 2 - 1e-9 for b in busy)]
        return [(xs[c], y) for y in sorted(ys, key=lambda y: (abs(y - y_line), y))]

    routes, way = {}, {}
    for u, v in G.edges:
        cu, cv = column[u], column[v]
        (xu, yu), (xv, yv) = pos[u], pos[v]
        straight = [pos[u], pos[v]]
        candidates = [straight]
        if cv - cu > 1 and u in constants:
            # along the bottom, up from the column before v, or through its lowest free gap
            bus = [pos[u]] if cv - 2 == cu else [pos[u], (xs[cv - 2], yu)]
            candidates = [[pos[u], (xs[cv - 1], yu), pos[v]]] + \
                [bus + [p, pos[v]] for p in free(cv - 1, yu)] + candidates
        elif cv - cu > 1 and row[v][0] is _COLLECTOR:  # up from u, along the top into v
            candidates.insert(0, [pos[u], (xs[cu + 1], yv), pos[v]])
        route = next((r for r in candidates if clear(r, u, v)), None)
        if route is None:  # through the free point of each column between nearest the straight line
            route = [pos[u]]
            for c in range(cu + 1, cv):
                y_line = yu + (yv - yu) * (xs[c] - xu) / (xv - xu)
                route.append((free(c, y_line) or [(xs[c], y_line)])[0])
            route.append(pos[v])
        for k, p in enumerate(route[1:-1], 1):
            way[Waypoint((u, v), k)] = p
        routes[(u, v)] = route
    return Layout(pos=pos, column=column, columns=columns, routes=routes, xs=xs, waypoints=way)
