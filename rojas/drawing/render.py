"""``draw``: a network, or a labeled network, as Rojas draws it.

A drawing has one or two *panels* on one axes: the forward sweep (every unit's
right half holds o = f(s), its left half the stored f'(s); edges carry their
weights) and the backward sweep (arrows reversed; what arrives at a unit from
the right, the f'(s) it multiplies by, the δ it sends on; edges carry the
gradients o_i·δ_j).  The drawing picks one of three levels of detail from the
room it has:

``full``
    every number in the units, tags and on the edges;
``table``
    units named by their ids, the numbers in a table beside the graph;
``bare``
    the silhouette only, with a note that the values were dropped.
"""

import math

import numpy as np

from ..errors import RojasError
from .layout import columns_of, layered_layout, time_columns, time_layout
from .placement import CANDIDATES, Obstacles, along
from .scene import ObjectiveNode, build_scene
from .style import COLORS, COMPACT, FONT, FONT_MAX, FULL, MAX_FIGSIZE, MIN_FONT, OBJECTIVE_GAP, TABLE_FONT, num
from .units import BOX, Measure, clip_polyline, draw_input, draw_unit, fit_text, route_curve

__all__ = ["draw", "Drawing", "SWEEPS", "DETAILS"]

SWEEPS = ("forward", "backward", "both")
DETAILS = ("auto", "full", "table", "bare")
FULL_MAX_NODES = 90     # beyond this many units, no attempt at the full drawing
TABLE_MAX_ROWS = 72     # beyond this many units, no table either
FULL_MAX_GAP_EDGES = 16  # beyond this many edges between two columns, their labels cannot be told apart
TAG_GAP = 0.14          # between a circle (or ring) and its tags, in R
LABEL_PAD = 0.18        # edge-label background padding, in font sizes


class EdgeArtists:
    """The artists of one drawn edge: ``arrow`` (a patch or a line), ``label`` (Text or None),
    and ``points``, the full route from centre to centre in data coordinates."""

    def __init__(self, arrow, points, label=None):
        self.arrow, self.points, self.label = arrow, points, label

    def artists(self):
        return [a for a in (self.arrow, self.label) if a is not None]


class Drawing:
    """What :func:`draw` drew, artist by artist (NetworkX-style dictionaries).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    mode : {"full", "table", "bare"}
    panels : list of str
        ``"forward"`` and/or ``"backward"``, top to bottom.
    nodes : dict
        ``{panel: {node: UnitArtists}}``; the extended network's error units
        and E are :class:`~rojas.drawing.scene.ObjectiveNode` keys.
    edges : dict
        ``{panel: {(u, v): EdgeArtists}}``.
    tags : list of matplotlib.text.Text
        Node ids, biases, δ and the like, beside the units.
    titles : list of matplotlib.text.Text
    paths : list of (dict, list)
        Each highlighted path (as in :class:`~rojas.paths.PathSum`) and its lines.
    legend, table, note : artist or None
    scale : float
        Points per circle radius.
    layout : Layout
    scene : Scene
    """

    def __init__(self, ax):
        self.ax = ax
        self.mode, self.panels = None, []
        self.nodes, self.edges = {}, {}
        self.tags, self.titles, self.paths = [], [], []
        self.legend = self.table = self.note = None
        self.table_ax = None
        self.scale = None
        self.layout = self.scene = None
        self.offsets = {}
        self.path_sum = None
        self.seed_arrows = {}
        self.collections = []
        self.backgrounds = []
        self.crowded = 0
        self.net = None

    @property
    def figure(self):
        return self.ax.figure

    def edge_labels(self):
        """Every edge label drawn."""
        return [e.label for panel in self.edges.values() for e in panel.values() if e.label is not None]

    def label_texts(self):
        """The texts outside the units: tags, edge labels, titles and the note."""
        texts = list(self.tags) + self.edge_labels() + list(self.titles)
        return texts + ([self.note] if self.note is not None else [])

    def texts(self):
        """Every text drawn on the axes (inside the units too)."""
        inner = [t for panel in self.nodes.values() for u in panel.values() for t in u.texts.values()]
        return inner + self.label_texts()

    def artists(self):
        """Every artist, as a flat list."""
        out = []
        for panel in self.nodes.values():
            for u in panel.values():
                out += u.artists()
        for panel in self.edges.values():
            for e in panel.values():
                out += e.artists()
        for _, lines in self.paths:
            out += lines
        out += self.tags + self.titles + self.collections + self.backgrounds + list(self.seed_arrows.values())
        out += [a for a in (self.legend, self.table, self.note) if a is not None]
        return out

    def __repr__(self):
        return (f"<Drawing of {self.scene.title!r}: {self.mode}, panels {self.panels}, "
                f"{sum(len(p) for p in self.nodes.values())} nodes drawn>")


# ----------------------------------------------------------------------------- helpers
def _split(obj):
    import networkx as nx

    from ..labeling import Labeling
    from ..network import Network

    if isinstance(obj, Labeling):
        return obj.network, obj
    if isinstance(obj, Network):
        return obj, None
    if isinstance(obj, nx.DiGraph):
        return Network(obj), None
    raise RojasError(f"draw: expected a Network, a Labeling or a networkx.DiGraph, got {type(obj).__name__}")


def _fonts(scale):
    return {k: min(FONT[k] * scale, FONT_MAX[k]) for k in FONT}


def _est(text, ratio):
    """A generous estimate of a text's (width, height) in R, for a font of `ratio` times the scale."""
    return 0.64 * ratio * len(text), 1.3 * ratio


HEADING_PT = 30.0  # the heading of a compact drawing (two lines of fixed size), in points


class _Plan:
    """One candidate drawing: mode, geometry, layout and its extent in R (estimated generously)."""

    def __init__(self, mode, geom, scene, panels, layout):
        self.mode, self.geom, self.scene, self.panels, self.layout = mode, geom, scene, panels, layout
        xmin, xmax, ymin, ymax = layout.extent()
        self.xmin, self.xmax, self.ymin, self.ymax = xmin, xmax, ymin, ymax
        self.extra_h_pt = 0.0
        if mode == "full":
            tag_h = _est("x", FONT["tag"])[1]
            widest = 2 * BOX[0]
            if "backward" in panels:
                widest = max([widest] + [_est(scene.nodes[n].backward.get("below") or "", FONT["tag"])[0]
                                         for n in scene.inputs])
            self.left = widest / 2 + 0.3
            self.right = 1.16 + 0.3 + (2.6 if "backward" in panels and scene.seed_node is not None else 0)
            content = (ymax - ymin) + 2 * (1.16 + TAG_GAP + tag_h + 0.15)
            title = _est("x", FONT["title"])[1] + _est("x", FONT["head"] * 1.1)[1] + 0.35
            self.panel_h = content + title
            heading = _est("x", FONT["title"] * 1.1)[1] + _est("x", FONT["edge"])[1] + 0.5
            self.width = max((xmax - xmin) + self.left + self.right,
                             _est(scene.title, FONT["title"] * 1.1)[0] * 0.75)
            self.height = heading + self.panel_h * len(panels) + PANEL_GAP * (len(panels) - 1) + 0.3
        else:
            self.left = BOX[0] * 0.9 + 0.3
            self.right = 1.3
            self.width = (xmax - xmin) + self.left + self.right
            self.height = (ymax - ymin) + 2.6
            self.extra_h_pt = HEADING_PT
        self.table_rows = len(scene.inputs) + sum(1 for n in scene.nodes.values() if n.kind == "unit") \
            if mode == "table" else 0

    def table_size(self, fontsize=TABLE_FONT):
        """(width, height) of the table beside a compact drawing, in points."""
        if self.mode != "table":
            return 0.0, 0.0
        cols = 6 if self.scene.labeled else 3
        return (fontsize * 0.62 * (12 + 10 * (cols - 1)) + 24, fontsize * 1.32 * (self.table_rows + 6) + 16)


PANEL_GAP = 0.7


def _columns(scene, G):
    """Each node's column: in time steps for a network unfolded in time, else by generations."""
    if scene.steps:
        return time_columns(G, scene.steps, [n for n in scene.order if n in G])
    return columns_of(G, scene.inputs)


def _gaps(scene, G, geom, panels):
    """Each column gap: wide enough for the labels of the edges that cross it."""
    column = _columns(scene, G)
    last = max(column.values(), default=0)
    widest, count = {}, {}
    for e in scene.edges:
        if e.u not in column or e.v not in column:
            continue
        c = column[e.u]
        count[c] = count.get(c, 0) + 1
        if column[e.v] - c != 1:
            continue
        for panel in panels:
            text = e.backward if panel == "backward" else e.forward
            if text:
                widest[c] = max(widest.get(c, 0.0), _est(text, FONT["edge"])[0] * 0.92)
    has_objective = any(isinstance(n, ObjectiveNode) for n in G)

    def gap(c):
        if has_objective and c >= last - 2:
            return OBJECTIVE_GAP
        crowd = 0.6 if count.get(c, 0) > 6 else 0.0
        if scene.steps and c not in widest:  # in time: only long edges cross, their labels are elsewhere
            return 3.4
        return min(max(3.0 + widest.get(c, 0.0) + crowd, 4.2), geom.gap + crowd)

    return gap


def _layout(scene, geom, mode, panels, widen=1.0):
    G = scene.graph()
    if mode != "full":
        keep = [n for n in scene.order if not isinstance(n, ObjectiveNode)]
        G = G.subgraph(keep).copy()
        order = keep
    else:
        order = scene.order
    big = G.number_of_nodes() > 400 or G.number_of_edges() > 2500
    if mode == "full":
        narrow = _gaps(scene, G, geom, panels)
        gaps = narrow if widen == 1.0 else (lambda c: narrow(c) * (widen if narrow(c) != OBJECTIVE_GAP else 1.0))
    else:  # a silhouette: spread the columns so the picture is not a thin stripe
        column = _columns(scene, G)
        n_cols = max(column.values()) + 1
        tallest = max(np.bincount(list(column.values()))) * geom.slot
        gaps = max(geom.gap, min(1.3 * tallest / max(n_cols - 1, 1), 4 * geom.gap if mode == "table" else 60.0))
    if scene.steps:
        return time_layout(G, scene.steps, order, gaps=gaps, slot=geom.slot)
    return layered_layout(G, order, first=scene.inputs, gaps=gaps, slot=geom.slot,
                          dummy_slot=geom.dummy_slot, waypoints=not big)


def _busiest_gap(scene):
    """The most edges crossing one gap between columns: beyond a few, labels on them cannot be told apart."""
    G = scene.graph()
    column = _columns(scene, G)
    crossing = np.zeros(max(column.values(), default=0) + 1, dtype=int)
    for e in scene.edges:
        if not e.objective:
            crossing[column[e.u]:column[e.v]] += 1
    return int(crossing.max(initial=0))


def _plans(scene, panels, detail, ax, figsize):
    """The plans worth trying, most detailed first, each with the scale (points per R) that fits.

    A full drawing that turns out too crowded for its edge labels is tried
    again with wider column gaps, then the numbers move to a table.
    """
    n = sum(1 for k in scene.order if not isinstance(k, ObjectiveNode))
    if detail == "auto":
        full = n <= FULL_MAX_NODES and _busiest_gap(scene) <= FULL_MAX_GAP_EDGES
        modes = [m for m, ok in (("full", full), ("table", n <= TABLE_MAX_ROWS),
                                 ("bare", True)) if ok]
    else:
        modes = [detail]
    if ax is not None:
        bb = ax.get_position()
        fw, fh = ax.figure.get_size_inches()
        room = (bb.width * fw * 72, bb.height * fh * 72)
        cap = 1.6
    elif figsize is not None:
        room = (figsize[0] * 72 - 8, figsize[1] * 72 - 8)
        cap = 1.6
    else:
        room = (MAX_FIGSIZE[0] * 72, MAX_FIGSIZE[1] * 72)
        cap = 1.0
    candidates = []
    for mode in modes:
        geom = FULL if mode == "full" else COMPACT
        mode_panels = panels if mode == "full" else [panels[0] if len(panels) == 1 else "forward"]
        for widen in ((1.0, 1.6) if mode == "full" and detail == "auto" else (1.0,)):
            candidates.append((mode, geom, mode_panels, widen))
    for i, (mode, geom, mode_panels, widen) in enumerate(candidates):
        last = i == len(candidates) - 1
        plan = _Plan(mode, geom, scene, mode_panels, _layout(scene, geom, mode, mode_panels, widen))
        tw, th = plan.table_size()
        if mode == "table" and (th > room[1] or tw > 0.7 * room[0]) and not last:
            continue
        scale = min(geom.scale * cap, max(room[0] - tw, 1) / plan.width,
                    max(room[1] - plan.extra_h_pt, 1) / plan.height)
        if scale >= geom.min_scale or last:
            plan.scale = max(scale, 0.3)
            yield plan


def _new_figure(size, pyplot):
    if pyplot:
        from ..loss_plot import _pyplot

        return _pyplot().figure(figsize=size)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


# ----------------------------------------------------------------------------- drawing
class _Context:
    """State shared while one drawing is made."""

    def __init__(self, drawing, plan, measure):
        self.d, self.plan, self.m = drawing, plan, measure
        self.scene, self.layout = plan.scene, plan.layout
        self.fonts = _fonts(measure.points_per_unit)
        self.obstacles = Obstacles()
        self.edge_ids = {}
        self.fs_min = MIN_FONT
        self.crowded = 0  # edge labels that found no free place

    def pos(self, node, panel):
        x, y = self.layout.pos[node]
        return x, y + self.d.offsets[panel]


TAG_PAD = 0.12  # a tag's background padding, in font sizes: edges passing behind do not cross it


def _tag(ctx, x, y, text, *, color=COLORS["ink"], weight="normal", fontsize=None):
    fs = fontsize or ctx.fonts["tag"]
    t = ctx.d.ax.text(x, y, text, ha="center", va="center", fontsize=fs, color=color, fontweight=weight,
                      zorder=6, bbox=dict(boxstyle=f"square,pad={TAG_PAD}", facecolor="white", edgecolor="none",
                                          alpha=0.85))
    w, h = ctx.m.size(text, fs, weight)
    pad = ctx.m.pt(TAG_PAD * fs)
    ctx.obstacles.add_rect((x - w / 2 - pad, y - h / 2 - pad, x + w / 2 + pad, y + h / 2 + pad))
    ctx.d.tags.append(t)
    return t


def _draw_nodes_full(ctx, panel):
    d, scene, f = ctx.d, ctx.scene, ctx.fonts
    ax = d.ax
    drawn = d.nodes.setdefault(panel, {})
    tag_h = ctx.m.size("lp", f["tag"])[1]
    backward = panel == "backward"
    for n in scene.order:
        spec = scene.nodes[n]
        texts = spec.backward if backward else spec.forward
        x, y = ctx.pos(n, panel)
        if spec.kind == "input":
            unit = draw_input(ax, (x, y), spec.name, texts.get("value"), fontsize=f["value"], measure=ctx.m,
                              min_font=ctx.fs_min)
            ctx.obstacles.add_rect((x - BOX[0], y - BOX[1], x + BOX[0], y + BOX[1]))
            below = texts.get("below")
            if below:
                unit.texts["below"] = _tag(ctx, x, y - BOX[1] - TAG_GAP - tag_h / 2, below,
                                           color=COLORS["backward"])
            drawn[n] = unit
            continue
        fill = (COLORS["fprime"], COLORS["arriving"] if backward else COLORS["value"])
        if spec.kind in ("error", "sum"):
            fill = (COLORS["error"], COLORS["error"]) if not backward else (COLORS["error"], COLORS["arriving"])
        unit = draw_unit(ax, (x, y), 1.0, left=texts.get("left"), left_head=texts.get("left_head"),
                         right=texts.get("right"), right_head=texts.get("right_head"), fill=fill,
                         output=spec.output, fontsize=ctx.value_size, headsize=f["head"], measure=ctx.m,
                         min_font=ctx.fs_min)
        r_out = 1.16 if spec.output else 1.0
        ctx.obstacles.add_circle(x, y, r_out + 0.04)
        if texts.get("above"):
            unit.texts["above"] = _tag(ctx, x, y + r_out + TAG_GAP + tag_h / 2, texts["above"],
                                       weight="bold" if spec.kind in ("unit", "sum") else "normal",
                                       color=COLORS["ink"] if spec.kind in ("unit", "sum") else COLORS["muted"])
        if texts.get("below"):
            color = COLORS["backward"] if backward else COLORS["muted"]
            unit.texts["below"] = _tag(ctx, x, y - r_out - TAG_GAP - tag_h / 2, texts["below"], color=color,
                                       weight="bold" if backward else "normal")
        drawn[n] = unit


def _node_shape(ctx, n, panel):
    spec = ctx.scene.nodes.get(n)
    x, y = ctx.pos(n, panel)
    if spec is not None and spec.kind == "input":
        return ("input", (x, y), 1.0)
    return ("unit", (x, y), 1.16 if spec is not None and spec.output else 1.0)


def _edge_points(ctx, u, v, panel):
    off = ctx.d.offsets[panel]
    route = [(x, y + off) for x, y in ctx.layout.routes[(u, v)]]
    return route_curve(route)


def _draw_edges(ctx, panel, arrows=True):
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    d, scene = ctx.d, ctx.scene
    drawn = d.edges.setdefault(panel, {})
    backward = panel == "backward"
    full = d.mode == "full"
    lw = 1.05 if full else 0.7
    for e in scene.edges:
        if (e.u, e.v) not in ctx.layout.routes:
            continue
        pts = _edge_points(ctx, e.u, e.v, panel)
        clipped = clip_polyline(pts, _node_shape(ctx, e.u, panel), _node_shape(ctx, e.v, panel),
                                margin=0.07 if full else 0.1)
        if len(clipped) < 2:
            continue
        color = COLORS["backward"] if backward else COLORS["forward"]
        if e.objective:
            color = COLORS["muted"] if not backward else COLORS["backward"]
        path = clipped[::-1] if backward else clipped
        style = "-|>,head_length=0.55,head_width=0.26" if arrows else "-"
        arrow = FancyArrowPatch(path=Path(path), arrowstyle=style, color=color, linewidth=lw,
                                mutation_scale=ctx.fonts["edge"] * 1.5 if full else 6, zorder=2,
                                shrinkA=0, shrinkB=0, linestyle="--" if e.objective else "-")
        d.ax.add_artist(arrow)
        drawn[(e.u, e.v)] = EdgeArtists(arrow, pts)
        eid = ctx.edge_ids.setdefault((panel, e.u, e.v), len(ctx.edge_ids))
        ctx.obstacles.add_polyline(clipped, eid)
        if arrows:  # a label must not hide the arrowhead
            tip = path[-1]
            ctx.obstacles.add_circle(tip[0], tip[1], ctx.m.pt(ctx.fonts["edge"] * 0.9))


def _place_edge_labels(ctx, panel):
    d, scene, m = ctx.d, ctx.scene, ctx.m
    backward = panel == "backward"
    fs = ctx.fonts["edge"]
    pad = LABEL_PAD * fs
    gap = m.pt(4.0)  # clear space around a label
    todo = []
    for e in scene.edges:
        text = e.backward if backward else e.forward
        if text is None or (e.u, e.v) not in d.edges.get(panel, {}):
            continue
        todo.append((e, text))
    # Short, crowded gaps first: they have the fewest good places.
    todo.sort(key=lambda et: (ctx.layout.column[et[0].v] - ctx.layout.column[et[0].u],
                              ctx.layout.column[et[0].u], -ctx.layout.pos[et[0].u][1]))
    for e, text in todo:
        art = d.edges[panel][(e.u, e.v)]
        clipped = clip_polyline(art.points, _node_shape(ctx, e.u, panel), _node_shape(ctx, e.v, panel),
                                margin=0.1)
        eid = ctx.edge_ids[(panel, e.u, e.v)]
        best = None
        for size in (fs, fs * 0.88, fs * 0.78):
            w, h = m.size(text, size)
            w, h = w + 2 * m.pt(pad), h + 2 * m.pt(pad)
            for rank, t in enumerate(CANDIDATES):
                x, y = along(clipped, t)
                rect = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                hard = ctx.obstacles.hard_overlap((rect[0] - gap, rect[1] - gap, rect[2] + gap, rect[3] + gap))
                soft = 2.5 * ctx.obstacles.edges_crossed(rect, eid) + 3.0 * abs(t - 0.5) + 0.02 * rank
                cost = (hard > 1e-9, hard, soft)
                if best is None or cost < best[0]:
                    best = (cost, x, y, rect, size)
            if not best[0][0]:
                break
        _, x, y, rect, size = best
        ctx.crowded += bool(best[0][0])
        ctx.obstacles.add_rect(rect)
        color = COLORS["backward"] if backward else COLORS["forward"]
        art.label = d.ax.text(x, y, text, ha="center", va="center", fontsize=size, color=color, zorder=7,
                              bbox=dict(boxstyle=f"round,pad={LABEL_PAD}", facecolor="white", edgecolor="none",
                                        alpha=0.92))


def _seed_arrow(ctx, panel):
    """The 1 that enters the backward sweep at the objective."""
    from matplotlib.patches import FancyArrowPatch

    node = ctx.scene.seed_node
    if node is None or node not in ctx.layout.pos:
        return
    x, y = ctx.pos(node, panel)
    r = 1.16 if ctx.scene.nodes[node].output else 1.0
    start, end = (x + r + 1.7, y), (x + r + 0.08, y)
    arrow = FancyArrowPatch(start, end, arrowstyle="-|>,head_length=0.55,head_width=0.26",
                            color=COLORS["backward"], linewidth=1.3, mutation_scale=ctx.fonts["edge"] * 1.5,
                            shrinkA=0, shrinkB=0, zorder=2)
    ctx.d.ax.add_artist(arrow)
    ctx.d.seed_arrows[panel] = arrow
    t = _tag(ctx, start[0] + 0.3, y, "1", color=COLORS["backward"], weight="bold", fontsize=ctx.fonts["value"])
    ctx.d.seed_arrows[panel + " label"] = t
    ctx.obstacles.add_polyline(np.array([start, end]), -1)


PANEL_TITLES = {
    "forward": ("Forward sweep", "right half: o = f(s) · left half: the stored f′(s) · edges: weights"),
    "backward": ("Backward sweep", "Σ: what arrives from the right · δ = f′(s) · Σ · edges: ∂{obj}/∂w = o·δ"),
}


def _panel_title(ctx, panel, x, y_top):
    """The panel's heading and one line saying what its numbers are; returns its bottom."""
    f = ctx.fonts
    heading, explanation = PANEL_TITLES[panel]
    obj = "E" if ctx.scene.objective in (None, "E") else f"o_{ctx.scene.objective}"
    if not ctx.scene.labeled:
        explanation = "right half: the function f · left half: f′, stored on the forward sweep · edges: weights"
    explanation = explanation.replace("{obj}", obj)
    if panel == "forward" and any(n.kind == "error" for n in ctx.scene.nodes.values()):
        explanation += " · dashed: the error E = ½Σ(o−t)²"
    if panel == "backward" and ctx.scene.seed_node is not None:
        explanation = f"a 1 enters at {'E' if obj == 'E' else ctx.scene.objective} · " + explanation
    size = f["head"] * 1.1
    w, _ = ctx.m.size(explanation, size)
    if w > ctx.width:
        size = max(size * ctx.width / w, ctx.fs_min)
    color = COLORS["backward"] if panel == "backward" else COLORS["ink"]
    y = y_top
    for text, fs, weight, col in ((heading, f["title"], "bold", color), (explanation, size, "normal", COLORS["muted"])):
        tw, th = ctx.m.size(text, fs, weight)
        t = ctx.d.ax.text(x, y - th / 2, text, ha="left", va="center", fontsize=fs, fontweight=weight,
                          color=col, zorder=6)
        ctx.obstacles.add_rect((x, y - th, x + tw, y))
        ctx.d.titles.append(t)
        y -= th + ctx.m.pt(2.5)
    return y


def _content_extent(ctx, panel):
    """How far a panel's units, tags and arcs reach above and below the layout's y = 0."""
    f, m, lay, scene = ctx.fonts, ctx.m, ctx.layout, ctx.scene
    tag_h = m.size("lp", f["tag"])[1]
    label_h = m.size("lp", f["edge"])[1] * (1 + 2 * LABEL_PAD) + 0.1
    top, bottom = -math.inf, math.inf
    for n, (x, y) in lay.pos.items():
        spec = scene.nodes[n]
        texts = spec.backward if panel == "backward" else spec.forward
        if spec.kind == "input":
            up, down = BOX[1], BOX[1] + (TAG_GAP + tag_h if texts.get("below") else 0)
        else:
            r = 1.16 if spec.output else 1.0
            up = r + (TAG_GAP + tag_h if texts.get("above") else 0)
            down = r + (TAG_GAP + tag_h if texts.get("below") else 0)
        top, bottom = max(top, y + up), min(bottom, y - down)
    for x, y in lay.waypoints.values():
        top, bottom = max(top, y + label_h / 2), min(bottom, y - label_h / 2)
    return top, bottom


def _heading(ctx, x, y_top, sizes=None):
    """The network's name and what the objective is, at the top; returns the bottom."""
    d, scene = ctx.d, ctx.scene
    big, small = sizes or (ctx.fonts["title"] * 1.1, ctx.fonts["edge"])
    y = y_top
    for text, fs, weight, col in ((scene.title, big, "bold", COLORS["ink"]),
                                  (scene.subtitle, small, "normal", COLORS["note"])):
        if not text:
            continue
        tw, th = ctx.m.size(text, fs, weight)
        t = d.ax.text(x, y - th / 2, text, ha="left", va="center", fontsize=fs, fontweight=weight, color=col,
                      zorder=6)
        ctx.obstacles.add_rect((x, y - th, x + tw, y))
        d.titles.append(t)
        y -= th + ctx.m.pt(2.5)
    return y


def _uniform_value_size(ctx):
    """One font size for the numbers in the units, so that they look alike: the size at which
    most fit (a longer number is set smaller on its own)."""
    from .units import _fit_half

    nominal = ctx.fonts["value"]
    sizes = []
    for spec in ctx.scene.nodes.values():
        if spec.kind == "input":
            continue
        for texts in (spec.forward, spec.backward):
            for key in ("left", "right"):
                if texts.get(key):
                    size = _fit_half(ctx.m, texts[key], nominal, -0.12, 1.0, ctx.fs_min)
                    sizes.append(size or ctx.fs_min)
    if not sizes:
        return nominal
    return max(min(sizes), 0.85 * nominal)


def _draw_full(ctx):
    d, plan = ctx.d, ctx.plan
    ctx.value_size = _uniform_value_size(ctx)
    x_left = plan.xmin - plan.left
    ctx.width = plan.width
    y = _heading(ctx, x_left, 0.0) - 0.35
    for panel in plan.panels:
        y = _panel_title(ctx, panel, x_left, y) - 0.2
        top, bottom = _content_extent(ctx, panel)
        d.offsets[panel] = y - top
        _draw_nodes_full(ctx, panel)
        y = d.offsets[panel] + bottom - PANEL_GAP
    for panel in plan.panels:
        _draw_edges(ctx, panel)
        if panel == "backward":
            _seed_arrow(ctx, panel)
    for panel in plan.panels:
        _place_edge_labels(ctx, panel)


def _draw_compact(ctx, ids=True):
    """Units named by their ids (table mode) or unnamed (bare): fast, with collections for large graphs."""
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import Rectangle, Wedge

    d, scene, lay = ctx.d, ctx.scene, ctx.layout
    panel = d.panels[0]
    ax = d.ax
    ppu = ctx.m.points_per_unit
    y = _heading(ctx, ctx.plan.xmin - ctx.plan.left, 0.0, sizes=(9.5, 7.5))
    d.offsets[panel] = y - 0.4 - (ctx.plan.ymax + 1.2)
    nodes = [n for n in scene.order if n in lay.pos]
    n_edges = sum(1 for e in scene.edges if (e.u, e.v) in lay.routes)
    many = len(nodes) > 120 or n_edges > 400 or ppu < 5
    drawn = d.nodes.setdefault(panel, {})
    if many:
        lefts, rights, boxes = [], [], []
        for n in nodes:
            x, y = ctx.pos(n, panel)
            if scene.nodes[n].kind == "input":
                boxes.append(Rectangle((x - BOX[0] * 0.9, y - BOX[1] * 0.9), 1.8 * BOX[0], 1.8 * BOX[1]))
            else:
                lefts.append(Wedge((x, y), 1.0, 90, 270))
                rights.append(Wedge((x, y), 1.0, -90, 90))
        lw = min(0.8, 0.06 * ppu)
        for patches, color, edge in ((lefts, COLORS["fprime"], COLORS["ink"]),
                                     (rights, COLORS["value"], COLORS["ink"]),
                                     (boxes, COLORS["input"], COLORS["input_edge"])):
            if patches:
                coll = PatchCollection(patches, facecolor=color, edgecolor=edge, linewidths=lw, zorder=3)
                ax.add_collection(coll)
                d.collections.append(coll)
        segs = []
        for e in scene.edges:
            if (e.u, e.v) in lay.routes:
                pts = _edge_points(ctx, e.u, e.v, panel)
                segs.append(clip_polyline(pts, _node_shape(ctx, e.u, panel), _node_shape(ctx, e.v, panel)))
        segs = [s for s in segs if len(s) >= 2]
        alpha = float(np.clip(8.0 / math.sqrt(max(len(segs), 1)), 0.08, 0.7))
        coll = LineCollection(segs, colors=COLORS["forward"], linewidths=min(0.7, 0.05 * ppu + 0.15),
                              alpha=alpha, zorder=2)
        ax.add_collection(coll)
        d.collections.append(coll)
        return
    fs = min(8.0, 0.55 * ppu)
    for n in nodes:
        spec = scene.nodes[n]
        x, y = ctx.pos(n, panel)
        if spec.kind == "input":
            unit = draw_input(ax, (x, y), spec.name if ids else " ", size=(BOX[0] * 0.9, BOX[1] * 0.9),
                              fontsize=fs, measure=ctx.m, min_font=3.5, linewidth=0.8)
        else:
            unit = draw_unit(ax, (x, y), 1.0, output=spec.output, linewidth=0.8, measure=ctx.m)
            if ids:
                size = fit_text(ctx.m, spec.name, fs, 1.75, 3.5)
                if size:
                    unit.texts["id"] = ax.text(x, y, spec.name, ha="center", va="center", fontsize=size,
                                               zorder=4, color=COLORS["ink"],
                                               bbox=dict(boxstyle="round,pad=0.12", facecolor="white",
                                                         edgecolor="none", alpha=0.8))
        drawn[n] = unit
    _draw_edges(ctx, panel, arrows=ppu >= 6)


def _table_text(scene, order):
    if scene.labeled:
        header = ("unit", "f", "b", "f′(s)", "o", "δ")
    else:
        header = ("unit", "f", "b")
    rows = []
    for n in order:
        spec = scene.nodes[n]
        if spec.kind == "input":
            row = (spec.name, "input", "")
            if scene.labeled:
                row += ("", num(scene.values["o"][n]), num(scene.values["delta"][n]))
        else:
            f = spec.forward
            row = (spec.name, f["right_head"], (f.get("below") or "").replace("b = ", ""))
            if scene.labeled:
                row += (num(scene.values["fprime"][n]), num(scene.values["o"][n]), num(scene.values["delta"][n]))
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c).rjust(w) if i > 1 else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(header), line(["─" * w for w in widths]), *map(line, rows)])


def _compact_extras(ctx):
    """Table mode: the numbers beside the graph; bare mode: the note that they were dropped."""
    d, scene = ctx.d, ctx.scene
    ax, fig = d.ax, d.figure
    n, m = scene.counts
    if d.mode == "table":
        order = [k for k in scene.order if not isinstance(k, ObjectiveNode)]
        lay = ctx.layout
        order.sort(key=lambda k: (lay.column[k], -lay.pos[k][1]))  # as drawn: by column, top to bottom
        text = _table_text(scene, order)
        bb = ax.get_position()
        fw, _ = fig.get_size_inches()
        tw_pt, _ = ctx.plan.table_size()
        tax = fig.add_axes([bb.x1, bb.y0, (tw_pt / 72) / fw, bb.height])
        tax.set_axis_off()
        what = "forward and backward sweep" if scene.labeled else "units"
        d.table = tax.annotate(f"The {what}, as drawn: column by column\n\n" + text, (0.0, 1.0),
                               xycoords="axes fraction", xytext=(8, -4), textcoords="offset points",
                               ha="left", va="top", family="monospace", fontsize=TABLE_FONT,
                               color=COLORS["ink"], linespacing=1.25)
        d.table_ax = tax
        note = (f"{n} units: their numbers are in the table; rojas grad prints every weight and gradient"
                if scene.labeled else f"{n} units, {m} edges: too many for numbers on the edges")
    else:
        note = (f"{n} units and {m} edges: too many to label at this size, so the values are not drawn "
                f"(rojas grad prints them all)")
    d.note = ax.annotate(note, (0.0, 0.0), xycoords="axes fraction", xytext=(5, 5), textcoords="offset points",
                         ha="left", va="bottom", fontsize=7.5, color=COLORS["note"], zorder=8,
                         bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#cccccc", alpha=0.95))


def _data_extent(drawing, m):
    """The bounding box of everything drawn on the axes, in data coordinates.

    Shapes come from the geometry they were drawn with; texts are measured by
    the renderer (with their background boxes).
    """
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    boxes = []
    for panel, nodes in drawing.nodes.items():
        for n, unit in nodes.items():
            x, y = drawing.layout.pos[n]
            y += drawing.offsets[panel]
            if drawing.scene.nodes[n].kind == "input":
                boxes.append((x - BOX[0], y - BOX[1], x + BOX[0], y + BOX[1]))
            else:
                boxes.append((x - 1.2, y - 1.2, x + 1.2, y + 1.2))
    for panel, edges in drawing.edges.items():
        for e in edges.values():
            p = np.asarray(e.points)
            boxes.append((p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()))
    skip = {id(drawing.legend), id(drawing.table), id(drawing.note)}
    for a in drawing.artists():
        if a is None or id(a) in skip or not a.get_visible():
            continue
        if isinstance(a, Collection):
            bb = a.get_datalim(drawing.ax.transData)
            boxes.append((bb.x0, bb.y0, bb.x1, bb.y1))
        elif isinstance(a, Line2D) and a.get_transform() is drawing.ax.transData:
            xs, ys = a.get_data()
            boxes.append((np.min(xs), np.min(ys), np.max(xs), np.max(ys)))
        elif isinstance(a, Text):
            if a.get_bbox_patch() is not None:
                a.update_bbox_position_size(m.renderer)
                boxes.append(m.extent(a.get_bbox_patch()))
            boxes.append(m.extent(a))
        elif a in drawing.seed_arrows.values():
            boxes.append(m.extent(a))
    b = np.array(boxes, dtype=float)
    b = b[np.isfinite(b).all(axis=1)]
    return b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()


def _fit(drawing, own, ppu):
    """Fit the axes (and our own figure) to what was drawn; the scale stays `ppu` points per R."""
    ax, fig = drawing.ax, drawing.figure
    m = Measure(ax)
    x0, y0, x1, y1 = _data_extent(drawing, m)
    pad = m.pt(5)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    if drawing.note is not None:
        y0 -= m.pt(22)  # room for the note at the bottom
    if not own:
        # The axes box shrinks to the drawing's shape; the scale can only grow, so
        # nothing placed apart comes closer.
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.apply_aspect()
        return
    w_in, h_in = (x1 - x0) * ppu / 72, (y1 - y0) * ppu / 72
    table_w = 0.0
    if drawing.table_ax is not None:
        tb = drawing.table.get_window_extent(m.renderer)
        table_w = tb.width / fig.dpi + 0.35
        h_in = max(h_in, tb.height / fig.dpi + 0.3)
    legend_h = legend_w = 0.0
    if drawing.legend is not None:
        lb = drawing.legend.get_window_extent(m.renderer)
        legend_h, legend_w = lb.height / fig.dpi + 0.1, lb.width / fig.dpi + 0.2
    note_w = 0.0
    if drawing.note is not None:
        note_w = drawing.note.get_window_extent(m.renderer).width / fig.dpi + 0.25
    total_w = max(w_in + table_w, legend_w, note_w)
    total_h = h_in + legend_h
    fig.set_size_inches(total_w, total_h)
    left = (total_w - w_in - table_w) / 2
    # With an h_in taller than the drawing (a long table), centre the drawing vertically.
    data_h = (y1 - y0) * ppu / 72
    extra = (h_in - data_h) / 2 * 72 / ppu
    ax.set_position([left / total_w, legend_h / total_h, w_in / total_w, h_in / total_h])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0 - extra, y1 + extra)
    ax.set_aspect("equal", adjustable="box")  # the box is already the limits' shape
    if drawing.table_ax is not None:
        drawing.table_ax.set_position([(left + w_in) / total_w, legend_h / total_h, table_w / total_w,
                                       h_in / total_h])


def draw(obj, ax=None, *, sweep=None, paths=None, to=None, sample=None, detail="auto", figsize=None,
         title=None, legend=True):
    """Draw a network, or a labeled network, as Rojas draws it.

    Every unit is a circle split vertically: the left half holds the stored
    derivative f'(s), the right half the function's name and its value
    o = f(s); the bias is written under the unit, its id above; inputs are
    boxes, outputs have a ring, product units say Π.  Edges carry their
    weight's name and value.  On the backward sweep the arrows are reversed,
    each unit shows what arrives from the right (Σ), the f'(s) it multiplies
    by and the δ it sends on, and the edges carry the gradients o_i·δ_j.
    With targets, Rojas's extended network is drawn too: an error unit
    ½(o − t)² per output (storing o − t) and their sum E, where the 1 enters.

    Parameters
    ----------
    obj : Labeling, Network or networkx.DiGraph
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new pyplot figure sized to the network
        (Agg backend when there is no display).
    sweep : {"forward", "backward", "both"}, optional
        Default: "both" for a labeling, "forward" for a network.
    paths : reference, optional
        Highlight every path from this source (an edge name or ``"u->v"``, a
        param, ``b:NODE``, ``s:NODE``, ``o:NODE`` or a node; see
        :func:`rojas.paths.resolve_source`) to the objective, each in its own
        colour, with its factors and product in a legend and their total
        beside the backward sweep's value.  Needs a labeling.
    to : node, optional
        End the paths at this node (the labeling must be ``of=to``).
    sample : int, optional
        For a labeling of a batch: the sample to show (default 0).
    detail : {"auto", "full", "table", "bare"}
        ``auto`` picks the most detailed level that fits: every number
        (``full``), ids in the units and the numbers in a table beside the
        graph (``table``), or the silhouette with a note (``bare``).
    figsize : (float, float), optional
        Inches, when `ax` is None; the drawing is scaled to fit.
    title : str, optional
        Instead of the network's name.
    legend : bool
        Draw the legend of the highlighted paths.

    Returns
    -------
    Drawing
        Its artists: ``nodes[panel][node]``, ``edges[panel][(u, v)]``, tags,
        titles, path lines, legend, table and note.

    Raises
    ------
    RojasError
        For an unknown `sweep` or `detail`, a backward sweep or paths asked of
        an unlabeled network, an unknown path source, or too many paths.

    Examples
    --------
    >>> import rojas
    >>> from matplotlib.figure import Figure
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> d = rojas.draw(lab, ax=Figure(figsize=(11, 10)).subplots())
    >>> d.mode, d.panels
    ('full', ['forward', 'backward'])
    >>> d.nodes["forward"]["h1"].texts["right"].get_text()      # o_h1
    '0.5933'
    >>> d.edges["backward"]["h1", "o1"].label.get_text()        # ∂E/∂w5
    '∂E/∂w5 = 0.08217'
    """
    return _draw(obj, ax, pyplot=True, sweep=sweep, paths=paths, to=to, sample=sample, detail=detail,
                 figsize=figsize, title=title, legend=legend)


def _draw(obj, ax, pyplot, *, sweep=None, paths=None, to=None, sample=None, detail="auto", figsize=None,
          title=None, legend=True, dpi=None):
    net, lab = _split(obj)
    if sweep is None:
        sweep = "both" if lab is not None else "forward"
    if sweep not in SWEEPS:
        raise RojasError(f"unknown sweep {sweep!r} (use forward, backward or both)")
    if detail not in DETAILS:
        raise RojasError(f"unknown detail {detail!r} (use auto, full, table or bare)")
    if lab is None and sweep != "forward":
        raise RojasError(f"the {sweep} sweep needs a labeled network: give the inputs (and targets)")
    if lab is None and paths is not None:
        raise RojasError("highlighting paths needs a labeled network: give the inputs (and targets)")
    if figsize is not None:
        try:
            figsize = (float(figsize[0]), float(figsize[1]))
        except (TypeError, ValueError, IndexError):
            raise RojasError(f"figsize must be (width, height) in inches, got {figsize!r}") from None
        if not all(math.isfinite(v) and 0.5 <= v <= 100 for v in figsize):
            raise RojasError(f"figsize must be between 0.5 and 100 inches, got {figsize!r}")
    ps = None
    if paths is not None:
        from .highlight import path_table

        ps = path_table(lab, paths, to)
    scene = build_scene(net, lab, sample)
    if title is not None:
        scene.title = str(title)
    panels = ["forward", "backward"] if sweep == "both" else [sweep]
    user_legend = None
    if ps is not None and legend:
        from .highlight import path_legend

        if ax is not None:  # the legend goes inside the axes' place, the drawing above it
            user_legend = path_legend(ax, ps)
            fig = ax.figure
            lh = user_legend.get_window_extent(fig.canvas.get_renderer()).height / fig.bbox.height
            bb = ax.get_position()
            cut = min(lh + 0.01, bb.height * 0.6)
            ax.set_position([bb.x0, bb.y0 + cut, bb.width, bb.height - cut])
    own = ax is None
    box = None if own else ax.get_position()
    fig = None
    drawing = None
    for plan in _plans(scene, panels, detail, ax, figsize):
        if drawing is not None:  # the last attempt was too crowded: start again with the next plan
            _remove(drawing)
            if box is not None:
                ax.set_position(box)
        scale = plan.scale
        tw_pt, th_pt = plan.table_size()
        if own:
            w_in = plan.width * scale / 72 + tw_pt / 72
            h_in = max(plan.height * scale / 72 + plan.extra_h_pt / 72, th_pt / 72)
            if fig is None:
                fig = _new_figure(figsize or (w_in, h_in), pyplot=pyplot)
                if dpi is not None:
                    fig.set_dpi(dpi)
                ax = fig.add_axes([0, 0, 1, 1])
            if figsize is None:
                fig.set_size_inches(w_in, h_in)
            fw, _ = fig.get_size_inches()
            ax.set_position([0, 0, 1 - (tw_pt / 72) / fw, 1])
        drawing = _attempt(ax, own, plan, net, scene, ps, legend, user_legend, figsize)
        if not drawing.crowded or detail != "auto":
            break
    return drawing


def _remove(drawing):
    """Take a drawing's artists off its axes (not the legend, which stays)."""
    seen = set()
    for a in drawing.artists():
        if a is None or a is drawing.legend or id(a) in seen:
            continue
        seen.add(id(a))
        try:
            a.remove()
        except (ValueError, NotImplementedError):
            pass
    if drawing.table_ax is not None:
        drawing.table_ax.remove()


def _attempt(ax, own, plan, net, scene, ps, legend, user_legend, figsize):
    """Draw `plan` on `ax`; the drawing's ``crowded`` counts labels that found no free place."""
    fig = ax.figure
    scale = plan.scale
    tw_pt, _ = plan.table_size()
    drawing = Drawing(ax)
    drawing.net = net
    drawing.mode, drawing.panels, drawing.layout, drawing.scene = plan.mode, list(plan.panels), plan.layout, scene
    drawing.path_sum = ps
    if ps is not None and legend:
        from .highlight import path_legend

        drawing.legend = user_legend if user_legend is not None else (ax.get_legend() or path_legend(ax, ps))
    if plan.mode == "table" and not own:
        bb = ax.get_position()
        frac = (tw_pt / 72) / fig.get_size_inches()[0]
        ax.set_position([bb.x0, bb.y0, max(bb.width - frac, bb.width * 0.5), bb.height])
    ax.set_axis_off()
    # Limits from the plan's (generous) extent: the scale is then at most what the plan chose.
    x0 = plan.xmin - plan.left
    x1 = x0 + plan.width
    y1 = 0.0
    y0 = -(plan.height + plan.extra_h_pt / max(scale, 1e-9))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.apply_aspect()
    measure = Measure(ax)
    drawing.scale = measure.points_per_unit
    ctx = _Context(drawing, plan, measure)
    if plan.mode == "full":
        _draw_full(ctx)
    else:
        _draw_compact(ctx, ids=plan.mode == "table")
    drawing.crowded = ctx.crowded
    if ps is not None:
        from .highlight import highlight_paths

        highlight_paths(ctx, ps)
    if plan.mode != "full":
        _compact_extras(ctx)
    _fit(drawing, own and figsize is None, measure.points_per_unit)
    if not own or figsize is not None:
        drawing.scale = Measure(ax).points_per_unit
    return drawing
