"""Edges and their labels: arrows along the layout's routes, labels rotated with their edge.

A label sits on its edge (or just beside it), rotated with it, as near the
edge's target as it can: the first candidate point where its box meets no
unit, tag, title, other label or other edge.  A label that finds no free
place is still drawn (never dropped) and counted, so the drawing is tried
again with wider gaps or moves its numbers to a table.
"""

import math

from .placement import CANDIDATES, along, tangent_angle
from .style import COLORS
from .units import clip_polyline, route_curve

__all__ = ["LABEL_PAD", "EdgeArtists", "draw_edges", "edge_points", "node_shape", "place_edge_labels"]

LABEL_PAD = 0.18  # edge-label background padding, in font sizes
LINE_SPACING = 1.12


class EdgeArtists:
    """The artists of one drawn edge: ``arrow`` (a patch or a line), ``label`` (Text or None),
    and ``points``, the full route from centre to centre in data coordinates."""

    def __init__(self, arrow, points, label=None):
        self.arrow, self.points, self.label = arrow, points, label

    def artists(self):
        return [a for a in (self.arrow, self.label) if a is not None]


def node_shape(ctx, n, panel):
    """``(kind, centre, radius)`` of a drawn node, for clipping edges at its outline."""
    spec = ctx.scene.nodes.get(n)
    x, y = ctx.pos(n, panel)
    if spec is not None and spec.kind == "input":
        return ("input", (x, y), 1.0)
    return ("unit", (x, y), 1.16 if spec is not None and spec.output else 1.0)


def edge_points(ctx, u, v, panel):
    dx, dy = ctx.d.shifts.get(panel, 0.0), ctx.d.offsets[panel]
    return route_curve([(x + dx, y + dy) for x, y in ctx.layout.routes[(u, v)]])


def draw_edges(ctx, panel, arrows=True):
    """Every edge of the panel as an arrow (reversed on the backward sweep), registered as an obstacle."""
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
        pts = edge_points(ctx, e.u, e.v, panel)
        clipped = clip_polyline(pts, node_shape(ctx, e.u, panel), node_shape(ctx, e.v, panel),
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
            ctx.obstacles.add_circle(tip[0], tip[1], ctx.m.pt(ctx.fonts["edge"] * 1.1))


def _label_size(m, text, size):
    """(width, height) of a label of one or more lines, in data units."""
    lines = text.split("\n")
    widths = [m.size(t, size)[0] for t in lines]
    h = m.size("lp", size)[1]
    return max(widths), h * (1 + (len(lines) - 1) * LINE_SPACING * 1.02)


def _free_place(ctx, clipped, eid, hw, hh, gap, line):
    """``(hits, box)``: the first place along the edge where a label of half sizes `hw`, `hh` meets nothing
    (else the one that meets least), on the edge or just beside it."""
    m = ctx.m
    best = None
    for rank, t in enumerate(CANDIDATES):
        x, y = along(clipped, t)
        angle = tangent_angle(clipped, t)
        normal = (-math.sin(angle), math.cos(angle))
        for side, shift in ((0, 0.0), (1, hh + m.pt(1.0)), (2, -hh - m.pt(1.0))):
            box = (x + normal[0] * shift, y + normal[1] * shift, hw, hh, angle)
            # On its edge, the label hides the line under it: no other edge may pass there.
            hits = ctx.obstacles.blocked(box, own=eid, margin=gap, edge_margin=line)
            cost = (hits, side > 0, rank)
            if best is None or cost < best[0]:
                best = (cost, box)
            if hits == 0:
                return 0, box
    return best[0][0], best[1]


def list_moved(ctx, x, y):
    """The labels that found no free place, listed from (x, y) down, each after the number on its edge."""
    lines = ["Edge labels with no free place beside their edges, numbered on them:"]
    for mark, e, panel, text in ctx.moved:
        names = (ctx.scene.nodes[e.u].name, ctx.scene.nodes[e.v].name)
        lines.append(f"{mark} {names[0]} → {names[1]} ({panel} sweep): " + ", ".join(text.split("\n")))
    size = ctx.fonts["explain"]
    for text in lines:
        tw, th = ctx.m.size(text, size)
        ctx.d.titles.append(ctx.d.ax.text(x, y - th / 2, text, ha="left", va="center", fontsize=size,
                                          color=COLORS["ink"], zorder=6, parse_math=False))
        y -= th + ctx.m.pt(2.0)
    return y


def place_edge_labels(ctx, panel):
    """Label every edge of the panel at its best free place (see the module's docstring)."""
    d, scene, m = ctx.d, ctx.scene, ctx.m
    backward = panel == "backward"
    fs = ctx.fonts["edge"]
    pad = m.pt(LABEL_PAD * fs)
    gap = m.pt(1.5)  # clear space around a label
    line = m.pt(0.8)  # and from another edge: its line's half width and the drawn text's slack
    todo = []
    for e in scene.edges:
        text = e.backward if backward else e.forward
        if text is None or (e.u, e.v) not in d.edges.get(panel, {}):
            continue
        todo.append((e, text))
    # Short, crowded gaps first: they have the fewest good places.
    lay = ctx.layout
    todo.sort(key=lambda et: (lay.column[et[0].v] - lay.column[et[0].u], lay.column[et[0].u], -lay.pos[et[0].u][1]))
    for e, text in todo:
        art = d.edges[panel][(e.u, e.v)]
        clipped = clip_polyline(art.points, node_shape(ctx, e.u, panel), node_shape(ctx, e.v, panel), margin=0.1)
        eid = ctx.edge_ids[(panel, e.u, e.v)]
        w, h = _label_size(m, text, fs)
        hits, box = _free_place(ctx, clipped, eid, w / 2 + pad, h / 2 + pad, gap, line)
        if hits:  # the drawing is tried again with this edge's gaps wider (see sizing.plans); if it is the
            ctx.crowded += 1  # last try, its edge carries a number and the label is listed under the graph
            ctx.crowded_edges.append((e.u, e.v))
            mark = f"[{len(ctx.moved) + 1}]"
            ctx.moved.append((mark, e, panel, text))
            text = mark
            w, h = _label_size(m, text, fs)
            box = _free_place(ctx, clipped, eid, w / 2 + pad, h / 2 + pad, gap, line)[1]
        ctx.obstacles.add_box(box)
        color = COLORS["backward"] if backward else COLORS["forward"]
        art.label = d.ax.text(box[0], box[1], text, ha="center", va="center", fontsize=fs, color=color, zorder=7,
                              rotation=math.degrees(box[4]), rotation_mode="anchor", multialignment="center",
                              linespacing=LINE_SPACING, parse_math=False,
                              bbox=dict(boxstyle=f"round,pad={LABEL_PAD}", facecolor="white", edgecolor="none",
                                        alpha=0.92))
    return ctx.crowded

