"""Where the explorer draws things: `rojas draw`'s layout, turned into SVG coordinates.

The positions come from :func:`rojas.drawing.layered_layout` (or, for a network
unfolded in time, :func:`rojas.drawing.layout.time_layout`; for a network file
that pins its units with the ``pos`` field, :func:`rojas.drawing.pinned.pinned_layout`)
on the extended network — the units, one error unit per output and E — so the
page shows the network exactly as ``rojas draw`` does.  Here the layout is scaled to pixels,
every edge becomes an SVG path trimmed to the shapes it joins, and every edge
label gets a place where it overlaps no unit and no other label (a grid of
buckets keeps that linear in the number of edges).
"""

import math

import networkx as nx

from ..drawing import layered_layout
from ..drawing.layout import columns_of
from ..drawing.pinned import pinned_layout
from ..drawing.timeline import time_layout, time_steps

__all__ = ["SCALE", "RADIUS", "BOX", "Geometry", "geometry"]

SCALE = 40.0           # pixels per circle radius (the layout's unit)
RADIUS = SCALE         # a split unit's radius in pixels
BOX = (96.0, 60.0)     # an input box's width and height in pixels
GAP, SLOT = 5.6, 4.0   # column gap and a unit's vertical room, in radii
OBJECTIVE_GAP = 3.8    # the error network's edges carry no labels: narrower columns
ASPECT = 0.9           # a layout taller than this many times its width is stretched sideways
LABEL_FONT = 11.0      # edge label font size in pixels (the page's CSS uses the same)
_CELL = 60.0           # the collision grid's bucket size in pixels


class Geometry:
    """Pixel positions: ``pos[i]`` for node index i, ``paths[e]`` (SVG ``d``) and ``labels[e]`` for edge e."""

    def __init__(self, pos, paths, labels):
        self.pos, self.paths, self.labels = pos, paths, labels


class _Placed:
    """A layout's positions and routes, keyed by node index."""

    def __init__(self, pos, routes):
        self.pos, self.routes = pos, routes


def _pinned(G, order, first, pins, extras):
    """`pinned_layout` on the indices: the error units and E go in as the objective nodes it places."""
    key = {i: extras.get(i, i) for i in G}
    lay = pinned_layout(nx.relabel_nodes(G, key), pins, [key[i] for i in order], first=first, gap=GAP, slot=SLOT)
    return _Placed({i: lay.pos[k] for i, k in key.items()},
                   {(u, v): lay.routes[(key[u], key[v])] for u, v in G.edges})


def _layout(G, order, first, when, objective, pins=None, extras=None):
    big = G.number_of_nodes() > 400 or G.number_of_edges() > 2500
    if when:
        return time_layout(G, when, order, gaps=GAP, slot=SLOT)
    if pins:
        return _pinned(G, order, first, pins, extras or {})
    last = max(columns_of(G, first).values(), default=0)
    # With an objective the last two gaps lead to the error units and to E (edges without labels).
    gaps = (lambda c: OBJECTIVE_GAP if objective and c >= last - 2 else GAP)  # noqa: E731
    return layered_layout(G, order, first=first, gaps=gaps, slot=SLOT, dummy_slot=1.6, waypoints=not big)


def _trim(a, b, shape):
    """The point where the segment from a's centre towards b leaves a's shape."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    if shape == "box":
        hw, hh = BOX[0] / 2 + 2, BOX[1] / 2 + 2
        t = min(hw / abs(ux) if ux else math.inf, hh / abs(uy) if uy else math.inf)
    else:
        t = RADIUS + 2
    return a[0] + ux * t, a[1] + uy * t


def _path_d(points, shapes):
    """SVG path data through the route's points, as rojas draw's curves: straight ends, level waypoints."""
    pts = [tuple(p) for p in points]
    start = _trim(pts[0], pts[1], shapes[0])
    end = _trim(pts[-1], pts[-2], shapes[1])
    if len(pts) == 2:
        return f"M{start[0]:.1f},{start[1]:.1f}L{end[0]:.1f},{end[1]:.1f}", [start, end]
    d = [f"M{start[0]:.1f},{start[1]:.1f}"]
    n = len(pts)
    for i in range(n - 1):
        a, b = pts[i], pts[i + 1]
        dx = b[0] - a[0]
        c1 = (a[0] + (b[0] - a[0]) * 0.45, a[1] + (b[1] - a[1]) * 0.45) if i == 0 else (a[0] + dx / 2, a[1])
        c2 = (b[0] - (b[0] - a[0]) * 0.45, b[1] - (b[1] - a[1]) * 0.45) if i == n - 2 else (b[0] - dx / 2, b[1])
        tip = end if i == n - 2 else b
        d.append(f"C{c1[0]:.1f},{c1[1]:.1f} {c2[0]:.1f},{c2[1]:.1f} {tip[0]:.1f},{tip[1]:.1f}")
    return "".join(d), [start] + pts[1:-1] + [end]


def _along(poly, t):
    """The point a fraction t of the way along a polyline."""
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(poly, poly[1:])]
    goal = t * sum(lengths)
    for (a, b), seg in zip(zip(poly, poly[1:]), lengths):
        if goal <= seg and seg > 0:
            f = goal / seg
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        goal -= seg
    return poly[-1]


class _Grid:
    """Rectangles in buckets: does a new one overlap any placed so far?"""

    def __init__(self):
        self.cells = {}

    def _keys(self, r):
        for i in range(int(r[0] // _CELL), int(r[2] // _CELL) + 1):
            for j in range(int(r[1] // _CELL), int(r[3] // _CELL) + 1):
                yield i, j

    def hits(self, r):
        """The area `r` shares with the rectangles placed so far."""
        seen = set()
        for key in self._keys(r):
            seen.update(self.cells.get(key, ()))
        return sum(max(0.0, min(r[2], q[2]) - max(r[0], q[0])) * max(0.0, min(r[3], q[3]) - max(r[1], q[1]))
                   for q in seen)

    def add(self, r):
        for key in self._keys(r):
            self.cells.setdefault(key, []).append(r)


_TRIES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8, 0.35, 0.65)


def geometry(n_nodes, kinds, edges, order, inputs, label_lengths, time_attrs=None, objective=False, pins=None,
             extras=None):
    """Lay out the extended network and place everything in pixels.

    Parameters
    ----------
    n_nodes : int
        Nodes are the indices ``0 .. n_nodes - 1``.
    kinds : list of str
        Each node's shape: ``"box"`` (inputs) or ``"circle"``.
    edges : list of (int, int)
    order : list of int
        The order the nodes were given in (ties in the layout are broken by it).
    inputs : list of int
        Put in the first column.
    label_lengths : list of int
        For each edge, the characters of its longest label (0: no label).
    time_attrs : dict, optional
        ``{index: {"step": t, "unit": u}}`` for a network unfolded in time.
    objective : bool
        Whether the last two columns are the error units and E.
    pins : dict, optional
        ``{index: (x, y)}`` for every node of the network (its ``pos`` field as
        :func:`rojas.drawing.pinned.check_pins` returns it; y grows upwards):
        the page keeps that picture, scaled as a whole, edges straight.
    extras : dict, optional
        With `pins`: ``{index: ObjectiveNode}`` for the error units and E
        (placed right of the units, as ``rojas draw`` places them).

    Returns
    -------
    Geometry
    """
    G = nx.DiGraph()
    G.add_nodes_from(order)
    G.add_edges_from(edges)
    when = None
    if time_attrs:
        H = G.subgraph([i for i in order if i in time_attrs or G.in_degree(i) == 0]).copy()
        nx.set_node_attributes(H, time_attrs)
        when = time_steps(H)
    lay = _layout(G, order, inputs, when, objective, None if when else pins, extras)
    stretch = 1.0
    if isinstance(lay, _Placed):
        pass  # the user's proportions are kept
    else:  # a tall, narrow network is spread out sideways so that "fit" shows a picture, not a thin stripe
        xmin, xmax, ymin, ymax = lay.extent()
        width, height = xmax - xmin, ymax - ymin
        stretch = max(1.0, height / ASPECT / width) if width > 0 else 1.0
    pos = {i: (x * SCALE * stretch, -y * SCALE) for i, (x, y) in lay.pos.items()}
    grid = _Grid()
    for i, (x, y) in pos.items():  # the unit, its id above (a box holds its own) and its tag below
        if kinds[i] == "box":
            grid.add((x - BOX[0] / 2 - 4, y - BOX[1] / 2 - 4, x + BOX[0] / 2 + 4, y + BOX[1] / 2 + 20))
        else:
            grid.add((x - RADIUS - 4, y - RADIUS - 20, x + RADIUS + 4, y + RADIUS + 20))
    paths, labels, polys = [], [], []
    for e, (u, v) in enumerate(edges):
        route = [(x * SCALE * stretch, -y * SCALE) for x, y in lay.routes[(u, v)]]
        d, poly = _path_d(route, (kinds[u], kinds[v]))
        paths.append(d)
        polys.append(poly)
    # Short edges first: they have the fewest good places.
    todo = sorted(range(len(edges)), key=lambda e: (len(polys[e]), abs(polys[e][-1][0] - polys[e][0][0])))
    labels = [None] * len(edges)
    for e in todo:
        if not label_lengths[e]:
            continue
        w, h = label_lengths[e] * LABEL_FONT * 0.55 + 6, LABEL_FONT + 5
        best = None
        for t in _TRIES:  # the first place without overlap, else the one with the least
            x, y = _along(polys[e], t)
            r = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            hits = grid.hits(r)
            if best is None or hits < best[3]:
                best = (x, y, r, hits)
            if hits < 1.0:
                break
        grid.add(best[2])
        labels[e] = (round(best[0], 1), round(best[1], 1))
    pos = {i: (round(x, 1), round(y, 1)) for i, (x, y) in pos.items()}
    return Geometry(pos, paths, labels)
