"""The table level of detail: the graph with its units named, every number in numbered tables beside it.

The graph is drawn small (ids in the units, plain edges); the tables list
every unit (its function, bias, f′(s), o, δ) and every edge (its name, weight
and gradient), numbered, column block after column block, so that a network
of up to a few hundred nodes keeps every number of its labeling in the figure.
"""

import math

import numpy as np

from .edges import draw_edges, edge_points, node_shape
from .paging import pack_tables, table_block, wrapped_note
from .panels import heading
from .scene import ObjectiveNode
from .sizing import TABLE_BLOCK_ROWS
from .style import COLORS, MIN_FONT, NOTE_FONT, TABLE_FONT
from .table_text import table_lines
from .units import BOX, clip_polyline, draw_input, draw_unit

__all__ = ["compact_extras", "draw_compact", "wrapped_note"]


def draw_compact(ctx):
    """Units named by their ids, plain edges: fast, with collections for large graphs."""
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import Rectangle, Wedge

    d, scene, lay = ctx.d, ctx.scene, ctx.layout
    panel = d.panels[0]
    ax = d.ax
    ppu = ctx.m.points_per_unit
    title_y = heading(ctx, ctx.plan.xmin - ctx.plan.left, 0.0, [scene.subtitle], ctx.plan.width * ppu)
    d.offsets[panel] = title_y - 0.4 - (ctx.plan.ymax + 1.2)
    nodes = [n for n in scene.order if n in lay.pos]
    drawn = d.nodes.setdefault(panel, {})
    if len(nodes) > 120 or ppu < 5:
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
        segs = [clip_polyline(edge_points(ctx, e.u, e.v, panel), node_shape(ctx, e.u, panel),
                              node_shape(ctx, e.v, panel)) for e in scene.edges if (e.u, e.v) in lay.routes]
        segs = [s for s in segs if len(s) >= 2]
        alpha = float(np.clip(8.0 / math.sqrt(max(len(segs), 1)), 0.08, 0.7))
        coll = LineCollection(segs, colors=COLORS["forward"], linewidths=min(0.7, 0.05 * ppu + 0.15),
                              alpha=alpha, zorder=2)
        ax.add_collection(coll)
        d.collections.append(coll)
        return
    for n in nodes:
        spec = scene.nodes[n]
        x, y = ctx.pos(n, panel)
        if spec.kind == "input":
            unit = draw_input(ax, (x, y), spec.name, size=(BOX[0] * 0.9, BOX[1] * 0.9), fontsize=MIN_FONT,
                              linewidth=0.8)
        else:
            unit = draw_unit(ax, (x, y), 1.0, output=spec.output, linewidth=0.8)
            unit.texts["id"] = ax.text(x, y, spec.name, ha="center", va="center", fontsize=MIN_FONT, zorder=4,
                                       color=COLORS["ink"], parse_math=False,
                                       bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none",
                                                 alpha=0.8))
        drawn[n] = unit
    draw_edges(ctx, panel, arrows=ppu >= 6)


def compact_extras(ctx):
    """The numbered tables beside the graph, in blocks of at most TABLE_BLOCK_ROWS lines, and the note."""
    d, scene = ctx.d, ctx.scene
    ax, fig = d.ax, d.figure
    n, m = scene.counts
    order = [k for k in scene.order if not isinstance(k, ObjectiveNode)]
    lay = ctx.layout
    order.sort(key=lambda k: (lay.column[k], -lay.pos[k][1]))  # as drawn: by column, top to bottom
    lines = table_lines(scene, order)
    below = ctx.plan.below
    d.table_lines = lines  # for a fixed page: cut again into the room of each page (paging.paginate)
    if below is not None:  # a fixed width: the blocks side by side across it, below the graph
        cols = d.table_columns = ctx.plan.tables_below_pt()[0]
        rows = math.ceil(len(lines) / cols)
        blocks = pack_tables(lines, lambda k: rows + 3)  # + 3: a block cut inside a table repeats its header
        while len(blocks) > cols:
            rows += 1
            blocks = pack_tables(lines, lambda k: rows + 3)
    else:
        blocks = pack_tables(lines, lambda k: TABLE_BLOCK_ROWS)
    bb = ax.get_position(original=True)  # the box given, not the one the aspect shrank
    fw, _ = fig.get_size_inches()
    tw_pt = below if below is not None else ctx.plan.table_size()[0]
    tax = fig.add_axes([bb.x1, bb.y0, (tw_pt / 72) / fw, bb.height])
    tax.set_axis_off()
    d.table_ax = tax
    d.tables = []
    for i, block in enumerate(blocks):
        d.tables.append(table_block(tax, "\n".join(block), 8 + i * (tw_pt - 8) / len(blocks), 4,
                                    TABLE_FONT * ctx.plan.font_factor))
    d.table = d.tables[0] if d.tables else None
    if below is not None:
        note = (f"at this width ({below / 72:.3g} in) the numbers do not fit on the graph at 7 pt or more, so the "
                "units are named by their ids and every number is in the numbered tables below it")
    else:
        note = (f"{n} nodes, {m} edges: too many for every number on the graph, so the units are named by their "
                "ids and every number is in the numbered tables beside it (rojas grad prints them too)")
    d.note_base = note  # a fixed page adds where the tables continue (paging.paginate)
    # The note goes under the tables: the graph's axes keep their scale.
    d.note = tax.annotate(wrapped_note(note, max(tw_pt - 20, 120), NOTE_FONT * ctx.plan.font_factor), (0.0, 0.0),
                          xycoords="axes fraction", xytext=(8, 5), textcoords="offset points", ha="left",
                          va="bottom", fontsize=NOTE_FONT * ctx.plan.font_factor, color=COLORS["note"], zorder=8,
                          parse_math=False,
                          bbox=dict(boxstyle="round,pad=0.3", facecolor="white", edgecolor="#cccccc", alpha=0.95))
