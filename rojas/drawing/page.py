"""Figures of a fixed width, for a page or a slide: nothing under 7 pt, no number dropped.

A book's text block or a slide has a width; a figure given one (``--width 6.5in``,
``--page slide-16:9``) is exactly that wide in every format.  The most detailed
level whose texts keep their sizes is kept: every number on the graph if it
fits the width; else the graph with the units named, shrunk to the width (its
texts keep their sizes), and every number in the numbered tables *below* it;
the legend of the paths and the note go below too, wrapped to the width.  The
height is what the content needs.  :func:`settle` stacks the parts; a size
asked with ``--size`` that would set text under 7 pt is refused by
:func:`check_size_keeps_text` with the smallest size that works.
"""

import math
import re

from ..errors import RojasError
from .style import MAX_SIDE_PT, MIN_FONT

__all__ = ["PAGES", "parse_width", "settle", "check_size_keeps_text", "full_too_narrow", "MIN_WIDTH_PT"]

_UNITS = {"in": 72.0, "cm": 72.0 / 2.54, "mm": 72.0 / 25.4, "pt": 72.0 / 72.27, "bp": 1.0}
# name: (width, height) in points — the page's text block (a book) or the slide itself (Beamer's sizes).
PAGES = {
    "letter": (6.5 * 72, 9.0 * 72),
    "a4": (15.92 / 2.54 * 72, 24.62 / 2.54 * 72),
    "slide-16:9": (16.0 / 2.54 * 72, 9.0 / 2.54 * 72),
    "slide-4:3": (12.8 / 2.54 * 72, 9.6 / 2.54 * 72),
}
MIN_WIDTH_PT = 144.0  # 2 in: narrower, not even a table's column fits


def parse_width(text):
    """A width from the command line, in PostScript points: ``6.5in``, ``16cm``, ``160mm``, ``468pt``, ``468``.

    Examples
    --------
    >>> parse_width("6.5in"), round(parse_width("16cm"), 2), parse_width("468")
    (468.0, 453.54, 468.0)
    """
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*(in|cm|mm|pt|bp)?\s*", str(text))
    if m is None:
        raise RojasError(f"width {text!r}: expected a number and a unit, such as 6.5in, 16cm, 160mm or 468pt")
    value = float(m.group(1)) * _UNITS[m.group(2) or "bp"]
    if not MIN_WIDTH_PT <= value <= MAX_SIDE_PT:
        raise RojasError(f"width {text!r} is {value:.0f} pt: choose from {MIN_WIDTH_PT:.0f} pt (2in) to "
                         f"{MAX_SIDE_PT:.0f} pt")
    return value


def page_width(name):
    """The width in points of a named page (:data:`PAGES`)."""
    if name not in PAGES:
        raise RojasError(f"unknown page {name!r}: use " + ", ".join(PAGES))
    return PAGES[name][0]


def _box(artist, renderer):
    return artist.get_window_extent(renderer)


def settle(drawing, width_pt, pad_pt=6.0):
    """Stack the parts of a drawing of fixed width: the graph, the legend, the tables, the note.

    The graph keeps its scale (points per R) and every text its size; the figure becomes `width_pt`
    wide and as tall as the parts need.  Returns the figure's height in points.
    """
    from .fitting import data_extent
    from .units import Measure

    fig, ax = drawing.figure, drawing.ax
    dpi = fig.dpi
    m = Measure(ax)
    ppu = m.points_per_unit
    x0, y0, x1, y1 = data_extent(drawing, m)
    pad = m.pt(pad_pt)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    gw, gh = (x1 - x0) * ppu, (y1 - y0) * ppu
    drawing.natural_width = gw  # a full drawing wider than this is not shrunk by the caller (see make_drawing)
    if gw > width_pt:  # the estimate was short: the graph shrinks (its texts do not)
        ppu *= width_pt / gw
        gw, gh = width_pt, (y1 - y0) * ppu
    renderer = fig.canvas.get_renderer()
    legend_h = _box(drawing.legend, renderer).height * 72 / dpi + pad_pt if drawing.legend is not None else 0.0
    tables = list(drawing.tables)
    table_h = note_h = 0.0
    if tables:
        table_h = max(_box(t, renderer).height for t in tables) * 72 / dpi + 2 * pad_pt
    if drawing.note is not None and drawing.table_ax is not None:
        note_h = _box(drawing.note, renderer).height * 72 / dpi + 2 * pad_pt
    height = gh + legend_h + table_h + note_h
    fig.set_size_inches(width_pt / 72, height / 72)
    W, H = width_pt, height
    ax.set_position([(W - gw) / 2 / W, (H - gh) / H, gw / W, gh / H])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    if drawing.legend is not None:  # centred on the page, under the graph: never off the left edge
        drawing.legend.set_bbox_to_anchor((0.5, (H - gh) / H), transform=fig.transFigure)
        drawing.legend.set_loc("upper center")
    if drawing.table_ax is not None:
        drawing.table_ax.set_position([0.0, 0.0, 1.0, (table_h + note_h) / H])
    return height


def full_too_narrow(drawing, width_pt, detail):
    """Is a full drawing wider than `width_pt` (:func:`settle` shrank its graph)?  Asked for by name, refused.

    Shrunk, its edges would come under its labels (set in points, placed clear of the edges at the
    drawing's own scale): the caller tries the next level of detail instead.
    """
    if drawing.mode != "full" or drawing.natural_width <= width_pt * 1.001:
        return False
    if detail == "auto":
        return True
    need = drawing.natural_width
    fix = (f"give --width {math.ceil(need / 7.2 - 1e-6) / 10:g}in or more" if need <= MAX_SIDE_PT else
           f"a width can be at most {MAX_SIDE_PT:.0f} pt: leave --width out")
    raise RojasError(f"detail 'full' needs a width of at least {need:.0f} pt ({need / 72:.1f} in) to keep every "
                     f"label at its size and clear of the edges, more than the {width_pt:.0f} pt asked; {fix}, or "
                     "use detail 'auto', which moves the numbers to tables below the graph")


def check_size_keeps_text(drawing, figsize, natural):
    """Refuse a ``--size`` whose drawing set some text under :data:`MIN_FONT` points.

    `natural` is ``(width, height)`` in inches of the drawing at its texts' own sizes.
    """
    if drawing.font_factor >= 1.0 - 1e-9:
        return
    smallest = min(drawing.texts(), key=lambda t: t.get_fontsize(), default=None)
    size = smallest.get_fontsize() if smallest is not None else MIN_FONT * drawing.font_factor
    raise RojasError(f"size {figsize[0]:g},{figsize[1]:g} in would set text at {size:.1f} pt, under the "
                     f"{MIN_FONT:g} pt minimum; the smallest size that keeps every text readable is "
                     f"{natural[0]:.1f},{natural[1]:.1f} in (or give --width and let the height follow)")
