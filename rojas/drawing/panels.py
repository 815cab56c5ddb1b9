"""The full drawing's panels: units with their numbers, tags, headings and the conventions.

Every text of a full drawing is set at its fixed size (:data:`~rojas.drawing.style.FONT`):
the plan chose a scale at which each fits its place, so nothing is shrunk or left out.
"""

import math

from .placement import Obstacles
from .scene import ObjectiveNode
from .captions import explanation
from .sizing import PANEL_GAP, TAG_GAP, heading_lines
from .style import COLORS, FONT
from .units import BOX, draw_input, draw_unit

__all__ = ["PANEL_TITLES", "Context", "draw_full", "heading", "tag"]

TAG_PAD = 0.12  # a tag's background padding, in font sizes: edges passing behind do not cross it


class Context:
    """State shared while one drawing is made."""

    def __init__(self, drawing, plan, measure):
        self.d, self.plan, self.m = drawing, plan, measure
        self.scene, self.layout = plan.scene, plan.layout
        self.fonts = {k: v * plan.font_factor for k, v in FONT.items()}
        self.obstacles = Obstacles()
        self.edge_ids = {}
        self.crowded = 0  # edge labels that found no free place
        self.crowded_edges = []  # their edges (u, v)
        self.moved = []  # (mark, edge, panel, text) of the labels listed under the graph instead

    def pos(self, node, panel):
        return self.d.place(node, panel)


def tag(ctx, x, y, text, *, color=COLORS["ink"], weight="normal", fontsize=None):
    """A text beside a unit, on a white ground, registered as an obstacle for the edge labels."""
    fs = fontsize or ctx.fonts["tag"]
    t = ctx.d.ax.text(x, y, text, ha="center", va="center", fontsize=fs, color=color, fontweight=weight,
                      zorder=6, parse_math=False,
                      bbox=dict(boxstyle=f"square,pad={TAG_PAD}", facecolor="white", edgecolor="none", alpha=0.85))
    w, h = ctx.m.size(text, fs, weight)
    pad = ctx.m.pt(TAG_PAD * fs)
    ctx.obstacles.add_rect((x - w / 2 - pad, y - h / 2 - pad, x + w / 2 + pad, y + h / 2 + pad))
    ctx.d.tags.append(t)
    return t


def _draw_nodes(ctx, panel):
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
            unit = draw_input(ax, (x, y), spec.name, texts.get("value"), fontsize=f["value"], measure=ctx.m)
            ctx.obstacles.add_rect((x - BOX[0], y - BOX[1], x + BOX[0], y + BOX[1]))
            if texts.get("below"):
                unit.texts["below"] = tag(ctx, x, y - BOX[1] - TAG_GAP - tag_h / 2, texts["below"],
                                          color=COLORS["backward"])
            drawn[n] = unit
            continue
        fill = (COLORS["fprime"], COLORS["arriving"] if backward else COLORS["value"])
        if spec.kind in ("error", "sum"):
            fill = (COLORS["error"], COLORS["error"]) if not backward else (COLORS["error"], COLORS["arriving"])
        unit = draw_unit(ax, (x, y), 1.0, left=texts.get("left"), left_head=texts.get("left_head"),
                         right=texts.get("right"), right_head=texts.get("right_head"), fill=fill,
                         output=spec.output, fontsize=f["value"], headsize=f["head"])
        r_out = 1.16 if spec.output else 1.0
        ctx.obstacles.add_circle(x, y, r_out + 0.04)
        if texts.get("above"):
            unit.texts["above"] = tag(ctx, x, y + r_out + TAG_GAP + tag_h / 2, texts["above"],
                                      weight="bold" if spec.kind in ("unit", "sum") else "normal",
                                      color=COLORS["ink"] if spec.kind in ("unit", "sum") else COLORS["muted"])
        if texts.get("below"):
            color = COLORS["backward"] if backward else COLORS["muted"]
            unit.texts["below"] = tag(ctx, x, y - r_out - TAG_GAP - tag_h / 2, texts["below"], color=color,
                                      weight="bold" if backward else "normal")
        drawn[n] = unit


def seed_arrow(ctx, panel):
    """The 1 that enters the backward sweep at the objective."""
    import numpy as np
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
    t = tag(ctx, start[0] + 0.3, y, "1", color=COLORS["backward"], weight="bold", fontsize=ctx.fonts["value"])
    ctx.d.seed_arrows[panel + " label"] = t
    ctx.obstacles.add_polyline(np.array([start, end]), -1)


PANEL_TITLES = {"forward": "Forward sweep", "backward": "Backward sweep"}


def _lines(ctx, x, y, lines, size, weight="normal", color=COLORS["ink"]):
    for text in lines:
        tw, th = ctx.m.size(text, size, weight)
        t = ctx.d.ax.text(x, y - th / 2, text, ha="left", va="center", fontsize=size, fontweight=weight,
                          color=color, zorder=6, parse_math=False)
        ctx.obstacles.add_rect((x, y - th, x + tw, y))
        ctx.d.titles.append(t)
        y -= th + ctx.m.pt(2.0)
    return y


def heading(ctx, x, y_top, lines, width_pt=None):
    """The network's name, the objective, the conventions and the tied params; returns the bottom.

    The title and the lines are wrapped to `width_pt` points (never wider than the drawing).
    """
    import textwrap

    f = ctx.fonts
    width_pt = width_pt or ctx.plan.total_width * ctx.plan.scale
    title = textwrap.wrap(ctx.scene.title, max(int(width_pt / (0.66 * f["title"] * 1.1)), 20)) or [""]
    y = _lines(ctx, x, y_top, title, f["title"] * 1.1, "bold")
    chars = max(int(width_pt / (0.6 * f["subtitle"])), 30)
    lines = [w for line in lines for w in (textwrap.wrap(line, chars, break_on_hyphens=False) or [""])]
    return _lines(ctx, x, y, lines, f["subtitle"], color=COLORS["note"])


def _panel_title(ctx, panel, x, y_top):
    color = COLORS["backward"] if panel == "backward" else COLORS["ink"]
    y = _lines(ctx, x, y_top, [PANEL_TITLES[panel]], ctx.fonts["title"], "bold", color)
    import textwrap

    chars = max(int(ctx.plan.width * ctx.plan.scale / (0.56 * ctx.fonts["explain"])), 40)
    lines = textwrap.wrap(explanation(ctx.scene, panel), chars, break_on_hyphens=False)
    return _lines(ctx, x, y, lines, ctx.fonts["explain"], color=COLORS["muted"])


def _content_extent(ctx, panel):
    """How far a panel's units, tags and arcs reach above and below the layout's y = 0."""
    f, m, lay, scene = ctx.fonts, ctx.m, ctx.layout, ctx.scene
    tag_h = m.size("lp", f["tag"])[1]
    label_h = m.size("lp", f["edge"])[1] * 2.4 + 0.1
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


def draw_full(ctx):
    """Heading, then each panel: its title, its units; then every edge and its label."""
    from .edges import draw_edges, list_moved, place_edge_labels

    d, plan = ctx.d, ctx.plan
    x_left = plan.xmin - plan.left
    lines = heading_lines(ctx.scene, plan.panels, plan.total_width * plan.scale)["heading"]
    y = y_top = heading(ctx, x_left, 0.0, lines) - 0.35
    for k, panel in enumerate(plan.panels):
        if plan.side_by_side:  # the panels beside each other, each with its title on top
            d.shifts[panel] = k * (plan.width + PANEL_GAP * 2)
            y = y_top
        y = _panel_title(ctx, panel, x_left + d.shifts.get(panel, 0.0), y) - 0.2
        top, bottom = _content_extent(ctx, panel)
        d.offsets[panel] = y - top
        _draw_nodes(ctx, panel)
        y = d.offsets[panel] + bottom - PANEL_GAP
    for panel in plan.panels:
        draw_edges(ctx, panel)
        if panel == "backward":
            seed_arrow(ctx, panel)
    for panel in plan.panels:
        place_edge_labels(ctx, panel)
    if ctx.moved:  # under the lowest panel
        list_moved(ctx, x_left, min(d.offsets[p] + _content_extent(ctx, p)[1] for p in plan.panels) - 0.4)


def objective_drawn(layout):
    """Does the layout hold the extended network's error units and E?"""
    return any(isinstance(n, ObjectiveNode) for n in layout.pos)
