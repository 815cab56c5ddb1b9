"""Fitting the axes (and a figure of our own) to what a drawing drew, at its scale."""

import numpy as np

from .units import BOX, Measure

__all__ = ["data_extent", "fit"]


def data_extent(drawing, m):
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
            x, y = drawing.place(n, panel)
            if drawing.scene.nodes[n].kind == "input":
                boxes.append((x - BOX[0], y - BOX[1], x + BOX[0], y + BOX[1]))
            else:
                boxes.append((x - 1.2, y - 1.2, x + 1.2, y + 1.2))
    for panel, edges in drawing.edges.items():
        for e in edges.values():
            p = np.asarray(e.points)
            boxes.append((p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()))
    skip = {id(drawing.legend), id(drawing.note)} | {id(t) for t in drawing.tables}
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


def fit(drawing, own, ppu):
    """Fit the axes (and our own figure) to what was drawn; the scale stays `ppu` points per R."""
    ax, fig = drawing.ax, drawing.figure
    m = Measure(ax)
    x0, y0, x1, y1 = data_extent(drawing, m)
    pad = m.pt(5)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    note_h = 0.0  # a note under the tables (table mode): room for it below the longest table
    if drawing.note is not None:
        note_h = drawing.note.get_window_extent(m.renderer).height / fig.dpi + 0.25
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
        right = max(t.get_window_extent(m.renderer).x1 for t in drawing.tables + [drawing.note])
        left = drawing.table_ax.get_window_extent(m.renderer).x0
        table_w = (right - left) / fig.dpi + 0.2
        h_in = max(h_in, max(t.get_window_extent(m.renderer).height for t in drawing.tables) / fig.dpi + 0.3
                   + note_h)
    legend_h = legend_w = 0.0
    if drawing.legend is not None:
        lb = drawing.legend.get_window_extent(m.renderer)
        legend_h, legend_w = lb.height / fig.dpi + 0.1, lb.width / fig.dpi + 0.2
    total_w = max(w_in + table_w, legend_w)
    total_h = h_in + legend_h
    fig.set_size_inches(total_w, total_h)
    left = (total_w - w_in - table_w) / 2
    # With an h_in taller than the drawing (a long table), the drawing stays at the top, its heading too.
    data_h = (y1 - y0) * ppu / 72
    extra = (h_in - data_h) * 72 / ppu
    ax.set_position([left / total_w, legend_h / total_h, w_in / total_w, h_in / total_h])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0 - extra, y1)
    ax.set_aspect("equal", adjustable="box")  # the box is already the limits' shape
    if drawing.table_ax is not None:
        drawing.table_ax.set_position([(left + w_in) / total_w, legend_h / total_h, table_w / total_w,
                                       h_in / total_h])
    if drawing.legend is not None:  # centred on the figure, under the drawing: never off its left edge
        drawing.legend.set_bbox_to_anchor((0.5, legend_h / total_h), transform=fig.transFigure)
        drawing.legend.set_loc("upper center")
