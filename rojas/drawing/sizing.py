"""How much a drawing shows and how large it is, decided from the network's size first.

The levels of detail, most detailed first:

``full``
    every number in the units, tags and on the edges (up to
    :data:`FULL_MAX_NODES` nodes, and only while the drawing fits in
    :data:`~rojas.drawing.style.MAX_SIDE_PT` points a side);
``table``
    the graph with the units named by their ids, and every number in numbered
    tables beside it (up to :data:`TABLE_MAX_NODES` nodes and
    :data:`TABLE_MAX_EDGES` edges);
``summary``
    no unit drawn: the widths of the levels and the distributions of |δ| and
    |∂E/∂w| per level, in a figure of fixed size (any size of network).

The counts decide first, before anything is laid out: a 100,000-node network
goes straight to the summary.  No Matplotlib at import.
"""

import math

from ..errors import RojasError
from .scene import ObjectiveNode
from .style import COMPACT, FONT, FULL, MAX_SIDE_PT, OBJECTIVE_GAP, TABLE_FONT
from .table_text import params_lines, table_chars
from .units import BOX, HEAD_DY, VALUE_DY, half_room, text_size_pt

__all__ = [
    "DETAILS",
    "FULL_MAX_NODES",
    "PANEL_GAP",
    "TABLE_BLOCK_ROWS",
    "TABLE_MAX_EDGES",
    "TABLE_MAX_NODES",
    "TAG_GAP",
    "Plan",
    "estimate",
    "full_scale",
    "modes_for",
    "plans",
]

DETAILS = ("auto", "full", "table", "summary")
FULL_MAX_NODES = 40      # beyond this many nodes, no attempt at the full drawing
TABLE_MAX_NODES = 150    # beyond this many nodes (or TABLE_MAX_EDGES edges), the summary
TABLE_MAX_EDGES = 600
FULL_MAX_GAP_EDGES = 24  # beyond this many edges between two columns, their labels cannot be told apart
TABLE_BLOCK_ROWS = 150   # a table longer than this continues in a block beside it
PANEL_GAP = 0.7
TAG_GAP = 0.14           # between a circle (or ring) and its tags, in R
MAX_SCALE = 70.0         # points per R: a full drawing whose texts need more goes to the table
USER_MIN_FONT = 3.0      # in a user's axes (draw(ax=...)) texts may shrink this far (and the drawing says so)


def modes_for(n_nodes, n_edges, detail):
    """The levels of detail worth trying for a network of this size, most detailed first."""
    if detail == "bare":  # the old name of the summary
        detail = "summary"
    if detail not in DETAILS:
        raise RojasError(f"unknown detail {detail!r} (use auto, full, table or summary)")
    if detail != "auto":
        # Asked for by name, a level may go past its size for auto, but not so far that laying
        # it out alone takes minutes and gigabytes: beyond ten times, one line at once.
        bounds = {"full": (10 * FULL_MAX_NODES, None), "table": (10 * TABLE_MAX_NODES, 10 * TABLE_MAX_EDGES)}
        most_nodes, most_edges = bounds.get(detail, (None, None))
        if (most_nodes is not None and n_nodes > most_nodes) or (most_edges is not None and n_edges > most_edges):
            edges = f" and {most_edges:,} edges" if most_edges else ""
            raise RojasError(f"detail {detail!r} draws every unit with its numbers: at most {most_nodes:,} nodes"
                             f"{edges}, and this network has {n_nodes:,} nodes and {n_edges:,} edges; "
                             "use detail 'summary' (or 'auto', which picks what fits)")
        return [detail]
    modes = []
    if n_nodes <= FULL_MAX_NODES:
        modes.append("full")
    if n_nodes <= TABLE_MAX_NODES and n_edges <= TABLE_MAX_EDGES:
        modes.append("table")
    return modes + ["summary"]


def estimate(text, size, scale):
    """A generous estimate of a (possibly multi-line) text's (width, height) in R at `size` points."""
    lines = str(text).split("\n")
    return 0.62 * size * max(len(t) for t in lines) / scale, 1.3 * size * len(lines) / scale


def full_scale(scene):
    """Points per R at which every text of a full drawing fits its half of a unit (or its input box)."""
    need = FULL.scale
    vh = text_size_pt("0", FONT["value"])[1]
    hh = text_size_pt("0", FONT["head"])[1]
    for spec in scene.nodes.values():
        for texts in (spec.forward, spec.backward):
            if spec.kind == "input":
                for key, weight in (("value", "normal"),):
                    if texts.get(key):
                        need = max(need, text_size_pt(texts[key], FONT["value"], weight)[0] / (1.75 * BOX[0]))
                need = max(need, text_size_pt(spec.name, FONT["value"], "bold")[0] / (1.75 * BOX[0]))
                continue
            for side in ("left", "right"):
                value, head = texts.get(side), texts.get(f"{side}_head")
                for text, size, dy, h in ((value, FONT["value"], VALUE_DY if head else 0.0, vh),
                                          (head, FONT["head"] if value else FONT["value"], HEAD_DY if value else 0, hh)):
                    if not text:
                        continue
                    w = text_size_pt(text, size)[0]
                    r = need
                    while r < MAX_SCALE and half_room(dy * r, h, r) < w:  # rooms grow with the radius
                        r += 1.0
                    need = max(need, r)
    return need


class Plan:
    """One candidate drawing: mode, geometry, layout, scale (points per R) and its extent in R."""

    def __init__(self, mode, geom, scene, panels, layout, scale, room=(MAX_SIDE_PT, MAX_SIDE_PT)):
        self.mode, self.geom, self.scene, self.panels, self.layout = mode, geom, scene, panels, layout
        self.scale = scale
        self.font_factor = 1.0  # < 1 only in a user's axes too small for the full sizes
        xmin, xmax, ymin, ymax = layout.extent()
        self.xmin, self.xmax, self.ymin, self.ymax = xmin, xmax, ymin, ymax
        self.extra_h_pt = 0.0
        est = lambda text, key: estimate(text, FONT[key], scale)
        if mode == "full":
            tag_h = est("x", "tag")[1]
            widest = 2 * BOX[0]
            if "backward" in panels:
                widest = max([widest] + [est(scene.nodes[n].backward.get("below") or "", "tag")[0]
                                         for n in scene.inputs])
            self.left = widest / 2 + 0.3
            self.right = 1.16 + 0.3 + (2.6 if "backward" in panels and scene.seed_node is not None else 0)
            content = (ymax - ymin) + 2 * (1.16 + TAG_GAP + tag_h + 0.15)
            self.width = max((xmax - xmin) + self.left + self.right, 480.0 / scale)
            k = len(panels)
            self.side_by_side = False
            for side in (False, True) if k > 1 else (False,):  # stacked, else side by side if that is smaller
                total_w = self.width * (2 if side else 1) + (2 * PANEL_GAP if side else 0)
                lines = heading_lines(scene, panels, total_w * scale, self.width * scale)
                title = est("x", "title")[1] + len(lines["explain"]) * est("x", "explain")[1] + 0.35
                panel_h = content + title
                heading = est("x", "title")[1] * 1.1 + len(lines["heading"]) * est("x", "subtitle")[1] + 0.5
                height = heading + (panel_h if side else panel_h * k + PANEL_GAP * (k - 1)) + 0.3
                if not side or max(total_w / room[0], height / room[1]) < \
                        max(self.total_width / room[0], self.height / room[1]):
                    self.side_by_side, self.total_width, self.height, self.panel_h = side, total_w, height, panel_h
        else:
            self.left = BOX[0] * 0.9 + 0.3
            self.right = 1.3
            self.width = (xmax - xmin) + self.left + self.right
            self.total_width, self.side_by_side = self.width, False
            self.height = (ymax - ymin) + 2.6
            self.extra_h_pt = 48.0  # the heading: two lines of fixed size
        self.table_rows = table_rows(scene) if mode == "table" else 0
        self.table_chars = table_chars(scene) if mode == "table" else 0
        self.below = None  # a fixed width in points: the tables go below the graph, across that width

    def size_pt(self):
        """(width, height) of the whole drawing in points, the table beside (or below) included."""
        if self.below is not None:
            return self.below, self.height * self.scale + self.extra_h_pt + self.tables_below_pt()[1]
        tw, th = self.table_size()
        return self.total_width * self.scale + tw, max(self.height * self.scale + self.extra_h_pt, th)

    def tables_below_pt(self):
        """(columns, height in points) of the tables set below the graph across the fixed width."""
        if self.mode != "table":
            return 0, 0.0
        cols = max(1, int((self.below - 8) // (TABLE_FONT * 0.62 * self.table_chars + 16)))
        rows = math.ceil(self.table_rows / cols)
        return cols, TABLE_FONT * 1.55 * (rows + 6) + 24 + 48

    def table_size(self):
        """(width, height) of the tables beside a compact drawing, in points."""
        if self.mode != "table" or self.below is not None:
            return 0.0, 0.0
        blocks = max(1, math.ceil(self.table_rows / TABLE_BLOCK_ROWS))
        rows = min(self.table_rows, TABLE_BLOCK_ROWS)
        size = TABLE_FONT * self.font_factor
        return blocks * (size * 0.62 * self.table_chars + 16) + 8, size * 1.55 * (rows + 6) + 24 + 48 * self.font_factor


def table_rows(scene):
    """How many rows the tables of a compact drawing have (units, then edges, then headings)."""
    units = sum(1 for n in scene.nodes.values() if n.kind in ("input", "unit"))
    edges = sum(1 for e in scene.edges if not e.objective)
    return units + edges + 6 + len(scene.params)


def heading_lines(scene, panels, width_pt, panel_pt=None):
    """The wrapped lines of the heading (subtitle, conventions, tied params) and each panel's explanation."""
    import textwrap

    from .captions import conventions, explanation

    chars = max(int(width_pt / (0.56 * FONT["subtitle"])), 40)
    heading = []
    for text in [scene.subtitle, conventions(scene)] + params_lines(scene):
        if text:
            heading += textwrap.wrap(text, chars, break_on_hyphens=False) or [""]
    chars = max(int((panel_pt or width_pt) / (0.56 * FONT["explain"])), 40)
    explain = []
    for panel in panels:
        explain.append(textwrap.wrap(explanation(scene, panel), chars, break_on_hyphens=False))
    return {"heading": heading, "explain": max(explain, key=len) if explain else []}


def columns(scene, G):
    """Each node's column: in time steps for a network unfolded in time, else by generations."""
    from .layout import columns_of
    from .timeline import time_columns

    if scene.steps:
        return time_columns(G, scene.steps, [n for n in scene.order if n in G])
    return columns_of(G, scene.inputs)


def _gaps(scene, G, geom, panels, scale):
    """Each column gap: wide enough for the labels of the edges that cross it."""
    column = columns(scene, G)
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
                widest[c] = max(widest.get(c, 0.0), estimate(text, FONT["edge"], scale)[0] * 0.8)
    has_objective = any(isinstance(n, ObjectiveNode) for n in G)

    def gap(c):
        if has_objective and c >= last - 2:
            return OBJECTIVE_GAP
        crowd = 0.25 * max(count.get(c, 0) - 4, 0)
        if scene.steps and c not in widest:  # in time: only long edges cross, their labels are elsewhere
            return 3.4
        return min(max(3.0 + widest.get(c, 0.0) + crowd, 4.2), geom.gap + 2 + crowd)

    return gap


def layout_for(scene, geom, mode, panels, widen=1.0, scale=None):
    """Lay out the scene for a mode (the error units and E only in a full drawing).

    `widen` multiplies the column gaps of a full drawing: a number for all of them, or
    ``{column: factor}`` for the gaps after those columns.
    """
    import numpy as np

    from .layout import layered_layout
    from .pinned import check_pins, pinned_layout
    from .timeline import time_layout

    G = scene.graph()
    if mode != "full":
        keep = [n for n in scene.order if not isinstance(n, ObjectiveNode)]
        G = G.subgraph(keep).copy()
        order = keep
    else:
        order = scene.order
    big = G.number_of_nodes() > 400 or G.number_of_edges() > 2500
    if mode == "full":
        narrow = _gaps(scene, G, geom, panels, scale or geom.scale)
        factor = widen.get if isinstance(widen, dict) else (lambda c, default: widen)
        gaps = narrow if widen == 1.0 else \
            (lambda c: narrow(c) * (factor(c, 1.0) if narrow(c) != OBJECTIVE_GAP else 1.0))
    else:  # ids only: spread the columns so the picture is not a thin stripe
        column = columns(scene, G)
        n_cols = max(column.values()) + 1
        tallest = max(np.bincount(list(column.values()))) * geom.slot
        gaps = max(geom.gap, min(1.3 * tallest / max(n_cols - 1, 1), 4 * geom.gap))
    if scene.steps:
        return time_layout(G, scene.steps, order, gaps=gaps, slot=geom.slot)
    pins = check_pins(scene.pins, [n for n in scene.order if not isinstance(n, ObjectiveNode)])
    if pins:
        return pinned_layout(G, pins, order, first=scene.inputs, gap=geom.gap, slot=geom.slot)
    return layered_layout(G, order, first=scene.inputs, gaps=gaps, slot=geom.slot,
                          dummy_slot=geom.dummy_slot, waypoints=not big)


def busiest_gap(scene):
    """The most edges crossing one gap between columns."""
    import numpy as np

    G = scene.graph()
    column = columns(scene, G)
    crossing = np.zeros(max(column.values(), default=0) + 1, dtype=int)
    for e in scene.edges:
        if not e.objective:
            crossing[column[e.u]:column[e.v]] += 1
    return int(crossing.max(initial=0))


def room_of(ax, figsize):
    """The room a drawing has, in points: the axes' box, the figure asked for, or the size limit."""
    if ax is not None:
        bb = ax.get_position()
        fw, fh = ax.figure.get_size_inches()
        return bb.width * fw * 72, bb.height * fh * 72
    if figsize is not None:
        return figsize[0] * 72 - 8, figsize[1] * 72 - 8
    return MAX_SIDE_PT, MAX_SIDE_PT


def plans(scene, panels, modes, room, fixed, width=None, height=None, crowded=None):
    """The plans worth trying, most detailed first.

    A full drawing takes the scale its texts need and grows; it is tried with
    wider column gaps when its edge labels are crowded (only the gaps in
    `crowded`, ``{column: attempts}`` the caller fills after each attempt with the
    gaps its crowded labels' edges cross, else all of them); a drawing larger than
    `room` is skipped (unless it is the last chance or the mode was asked for:
    it is then drawn at the size it needs and the caller says so).  With
    `fixed` room (the user's axes or figure size) the drawing is scaled to fit
    it, and a full drawing whose texts no longer fit moves to the next mode.  With a fixed `width`
    (points) no text shrinks: a full drawing is kept only if it is no wider, else the graph of the
    table level is shrunk to the width and its tables set below it; with a page's `height` too, a full
    drawing must also be no taller, and the graph of ids leaves room under it (the tables continue on
    further pages).
    """
    n_modes = len(modes)
    for i, mode in enumerate(modes):
        last_mode = i == n_modes - 1
        if mode == "summary":
            yield None
            return
        if mode == "full":
            if len(modes) > 1 and busiest_gap(scene) > FULL_MAX_GAP_EDGES:
                continue
            scale = full_scale(scene)
            if scale >= MAX_SCALE and not last_mode:
                continue
            mode_panels = panels
            widens = (1.0, 1.2, 1.35, 1.5, 1.8, 2.2)
        else:
            scale = COMPACT.scale
            mode_panels = [panels[0] if len(panels) == 1 else "forward"]
            widens = (1.0,)
        geom = FULL if mode == "full" else COMPACT
        for widen in widens:
            if widen != 1.0 and crowded:  # only where labels were crowded, more each time a gap was: the
                widen = {c: 1.1 + 0.15 * k for c, k in crowded.items()}  # figure grows no more than needed
            plan = Plan(mode, geom, scene, mode_panels, layout_for(scene, geom, mode, mode_panels, widen, scale),
                        scale, room)
            w, h = plan.size_pt()
            if width is not None:
                if mode == "full":
                    if (w > width or (height is not None and h > height)) and not last_mode:
                        break
                    plan.widen = widen
                    yield plan
                    continue
                plan.below = width
                if TABLE_FONT * 0.62 * plan.table_chars + 16 > width - 8 and mode == "table":
                    raise RojasError(f"the numbered tables' lines are {plan.table_chars} characters wide, too wide "
                                     f"for {width:.0f} pt at {TABLE_FONT:g} pt: long ids; give a wider --width, no "
                                     "--width or --page (the tables go beside the graph), or --detail summary")
                plan.scale = max(min(scale, (width - 16) / plan.width), 1.0)
                if height is not None:  # the graph leaves a page's room for the legend, note, a few lines
                    plan.scale = max(min(plan.scale, (height - plan.extra_h_pt - 140) / plan.height), 1.0)
                yield plan
                break
            if mode == "table":  # shrink the graph (not its texts) to the room left beside the tables
                tw, th = plan.table_size()
                if fixed:  # in the user's axes the tables' texts shrink to fit too (the drawing says so)
                    plan.font_factor = max(min(1.0, room[1] / th, 0.65 * room[0] / tw), USER_MIN_FONT / TABLE_FONT)
                    tw, th = plan.table_size()
                fit = min((room[0] - tw) / plan.width, (room[1] - plan.extra_h_pt) / plan.height)
                if (fit >= 4.0 and th <= room[1]) or (fixed and fit >= 1.0) or last_mode:
                    plan.scale = max(min(scale, fit), 1.0)
                    yield plan
                break
            if fixed:  # the user's axes or figure: texts may be set smaller, down to USER_MIN_FONT
                fit = min(room[0] / plan.total_width, room[1] / plan.height)
                if fit >= scale * USER_MIN_FONT / FONT["head"] or last_mode:
                    plan.scale = fit if fit < scale else min(fit, scale * 1.6)
                    plan.font_factor = min(1.0, fit / scale)
                    yield plan  # asked again when crowded: wider gaps, smaller texts
                    continue
                break
            if (w <= 1.2 * room[0] and h <= 1.2 * room[1]) or last_mode:  # estimates are generous: the
                plan.widen = widen                                           # drawing checks its true size
                yield plan
