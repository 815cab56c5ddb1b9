"""Where the units of a network unfolded in time go: a column group per step, a row per unit.

:func:`time_layout` draws an unfolded network (:func:`rojas.recurrent.unfold`)
as Rojas draws backpropagation through time: the steps t = 0, 1, …, T side by
side, each original unit in one row across them, so the recurrent edges run
from one step's column to the next.  No Matplotlib here.
"""

import networkx as nx
import numpy as np

from .layout import Layout, Waypoint
from .units import route_curve

__all__ = ["time_columns", "time_layout", "time_steps"]


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


LANE = 0.9  # between the lanes of the long edges into E, in circle radii

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

    # Each long edge into a collector (E) gets its own lane above E's level, the farthest the highest, so the
    # error units' dashed edges never merge into one line; the nearest runs level with E.
    lane = {}
    for v in G:
        if v in row and row[v][0] is _COLLECTOR:
            far = sorted((u for u in G.predecessors(v) if column[v] - column[u] > 1), key=lambda u: -column[u])
            lane.update({(u, v): k * LANE for k, u in enumerate(far)})

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
            y_lane = yv + lane[(u, v)]
            bend = [(xs[cu + 1], y_lane)] + ([(xs[cv - 1], y_lane)] if cv - 1 > cu + 1 and y_lane != yv else [])
            candidates.insert(0, [pos[u], *bend, pos[v]])
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
