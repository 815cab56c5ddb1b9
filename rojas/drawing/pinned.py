"""Where the units go when the user says so: the ``pos`` node field.

A network file may pin its units (``"pos": [x, y]`` on a node, as NetworkX
and Graphviz write them; y grows upwards).  When every unit is pinned, the
figure keeps the user's picture: the coordinates are scaled uniformly (their
proportions kept) so that no two units come closer than a unit's room and the
shortest edge is as long as a column gap, and each edge is drawn straight.
The error units of the extended network and E, which the file does not hold,
go to the right of the rightmost unit: each error unit level with its output,
E level with the middle of them.  A ``pos`` that is not two finite numbers,
two units on one spot or too close for the spread of the others (kept in
proportion they would not fit a figure), or ``pos`` on some units but not on
others is refused in one line naming the unit.

No Matplotlib here: plain geometry, in units of the circle radius, like
:mod:`rojas.drawing.layout`.
"""

import math

import numpy as np

from ..errors import NetworkError
from ..utils.formatting import fmt
from .layout import Layout, columns_of

__all__ = ["MAX_SPREAD", "check_pins", "pinned_layout"]

#: The pins may spread at most this many times their nearest two units' distance (a row of 100,000 units).
MAX_SPREAD = 1e5


def check_pins(pins, units):
    """The user's positions, checked: ``{unit: (x, y)}`` of floats, or None when no unit is pinned.

    Parameters
    ----------
    pins : dict
        ``{unit: pos}``: each unit's ``pos`` field, as read from the file.
    units : sequence
        The network's units, in order: either none is pinned or all are.

    Raises
    ------
    NetworkError
        Naming the unit whose ``pos`` is not two finite numbers, the first unit
        without one when others have one, or two units on one spot or closer than
        1/:data:`MAX_SPREAD` of the pins' spread.

    Examples
    --------
    >>> check_pins({"x": [0, 0], "y": (2.5, 1)}, ["x", "y"])
    {'x': (0.0, 0.0), 'y': (2.5, 1.0)}
    >>> check_pins({"x": [0, 0], "y": "left"}, ["x", "y"])
    Traceback (most recent call last):
    ...
    rojas.errors.NetworkError: node 'y': pos 'left' must be [x, y], two finite numbers
    """
    if not pins:
        return None
    checked = {}
    for n in units:
        if n not in pins:
            raise NetworkError(f"node {n!r} has no pos while {len(pins)} of the {len(units)} units have one: "
                               "pin every unit or none")
        p = pins[n]
        if (not isinstance(p, (list, tuple)) or len(p) != 2
                or any(isinstance(c, bool) or not isinstance(c, (int, float)) or not _finite(c) for c in p)):
            raise NetworkError(f"node {n!r}: pos {p!r:.60} must be [x, y], two finite numbers")
        checked[n] = (float(p[0]), float(p[1]))
    spot = {}
    for n, p in checked.items():  # exact duplicates; near ones are pulled apart by the scale
        if p in spot:
            raise NetworkError(f"nodes {spot[p]!r} and {n!r} are pinned to the same pos {list(p)}")
        spot[p] = n
    _check_spread(checked)
    return checked


def _check_spread(pins):
    """Refuse pins spread over more than :data:`MAX_SPREAD` times the distance of their two nearest units
    (kept in proportion, they would not fit a figure), naming those two units."""
    from scipy.spatial import cKDTree

    if len(pins) < 2:
        return
    nodes = list(pins)
    norm = _normalized(pins)
    pts = np.array([norm[n] for n in nodes])
    dist, near = cKDTree(pts).query(pts, k=2)
    i = int(np.argmin(dist[:, 1]))
    nearest, spread = float(dist[i, 1]), float(np.ptp(pts, axis=0).max())
    if nearest == 0 or spread > MAX_SPREAD * nearest:
        raise NetworkError(f"nodes {nodes[i]!r} and {nodes[int(near[i, 1])]!r} are pinned "
                           f"{fmt(nearest / spread, 3)} of the pos fields' spread apart, under "
                           f"1/{MAX_SPREAD:,.0f} of it: kept in proportion, the units would not fit a figure; "
                           "move them apart")


def _finite(c):
    """Whether `c` is a finite float64 (an integer of 400 digits is not: float() overflows)."""
    try:
        return math.isfinite(float(c))
    except OverflowError:
        return False


def _normalized(pins):
    """The pins divided by their largest |coordinate|: the distances between them neither overflow
    (pos 1e308 and -1e308) nor underflow when squared (pos 5e-324 apart), the proportions kept."""
    most = max((max(abs(x), abs(y)) for x, y in pins.values()), default=0.0)
    return pins if most == 0 else {n: (x / most, y / most) for n, (x, y) in pins.items()}


def _scale(G, pins, gap, slot):
    """One factor for the (normalized) coordinates: units at least `slot` apart, the shortest edge `gap` long."""
    from scipy.spatial import cKDTree

    nodes = list(pins)
    pts = np.array([pins[n] for n in nodes])
    if len(nodes) < 2:
        return 1.0
    dist, _ = cKDTree(pts).query(pts, k=2)
    nearest = float(dist[:, 1].min())
    index = {n: i for i, n in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in G.edges if u in index and v in index], dtype=np.intp)
    factor = slot / nearest
    if len(pairs):
        lengths = np.hypot(*(pts[pairs[:, 1]] - pts[pairs[:, 0]]).T)
        factor = max(factor, gap / float(lengths.min()))
    return factor


def pinned_layout(G, pins, order=None, *, first=(), gap=6.0, slot=3.7):
    """Lay out a DAG where the user pinned its units.

    Parameters
    ----------
    G : networkx.DiGraph
        Acyclic; its nodes are the pinned units and, optionally, the extended
        network's error units and E (:class:`rojas.drawing.scene.ObjectiveNode`).
    pins : dict
        ``{unit: (x, y)}`` as :func:`check_pins` returns it.
    order : sequence, optional
        The nodes in the order they were given.
    first : iterable
        The inputs (their column is 0, as in :func:`rojas.drawing.layout.layered_layout`).
    gap, slot : float
        The length of the shortest edge and the least distance between two units.

    Returns
    -------
    Layout
        Every edge a straight route; ``column`` and ``columns`` as a layered
        layout would give them (the tables and the label order read them).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("x", "h"), ("h", "y"), ("x", "y")])
    >>> lay = pinned_layout(G, {"x": (0, 0), "h": (1, 1), "y": (2, 0)}, first=["x"], gap=6.0, slot=3.7)
    >>> lay.pos["y"][0] / lay.pos["h"][0], lay.pos["h"][1] == lay.pos["h"][0]  # proportions kept
    (2.0, True)
    >>> round(math.dist(lay.pos["x"], lay.pos["h"]), 6)  # the shortest edge is a column gap long
    6.0
    """
    from .scene import ObjectiveNode

    order = list(G) if order is None else list(order)
    pins = _normalized(pins)
    factor = _scale(G, pins, gap, slot)
    pos = {n: (x * factor, y * factor) for n, (x, y) in pins.items()}
    extra = [n for n in order if n not in pos]
    for n in extra:
        if not isinstance(n, ObjectiveNode):
            raise NetworkError(f"node {n!r} has no pos while the other units have one: pin every unit or none")
    if extra:
        right = max(x for x, _ in pos.values()) + gap
        errors = [n for n in extra if n.role == "error"]
        ys = []
        for n in errors:
            y = pos[n.output][1]
            while y in ys:  # two outputs level with each other: stack their error units
                y -= slot
            pos[n] = (right, y)
            ys.append(y)
        for n in extra:
            if n.role != "error":
                pos[n] = (right + (gap if errors else 0.0), sum(ys) / len(ys) if ys else 0.0)
    column = columns_of(G, first)
    columns = [[] for _ in range(max(column.values(), default=0) + 1)]
    for n in sorted(order, key=lambda n: -pos[n][1]):
        columns[column[n]].append(n)
    xs = [sum(pos[n][0] for n in col) / len(col) if col else 0.0 for col in columns]
    routes = {(u, v): [pos[u], pos[v]] for u, v in G.edges}
    return Layout(pos=pos, column=column, columns=columns, routes=routes, xs=xs)
