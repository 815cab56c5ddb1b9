"""Figures of a fixed width, for a page or a slide: nothing under 7 pt, no number dropped.

A book's text block or a slide has a width; a figure given one (``--width 6.5in``,
``--page slide-16:9``) is exactly that wide in every format.  The most detailed
level whose texts keep their sizes is kept: every number on the graph if it
fits the width; else the graph with the units named, shrunk to the width (its
texts keep their sizes), and every number in the numbered tables *below* it;
the legend of the paths and the note go below too, wrapped to the width.  With a
width alone the height is what the content needs (it grows downward); a page
(``--page``) fixes the height too, and the tables that do not fit under the graph
continue on further pages (:mod:`.paging`).  :func:`settle` stacks the parts; a size
asked with ``--size`` that would set text under 7 pt is refused by
:func:`check_size_keeps_text` with the smallest size that works.
"""

import math
import re

from ..errors import RojasError
from .style import MAX_SIDE_PT, MIN_FONT

__all__ = ["PAGES", "page_size", "summary_size", "parse_width", "settle", "settle_page", "check_size_keeps_text",
           "MIN_WIDTH_PT"]

_UNITS = {"in": 72.0, "cm": 72.0 / 2.54, "mm": 72.0 / 25.4, "pt": 72.0 / 72.27, "bp": 1.0}
# name: (width, height) in points — the page's text block (a book) or the slide itself (Beamer's sizes).
PAGES = {
    "letter": (6.5 * 72, 9.0 * 72),
    "a4": (15.92 / 2.54 * 72, 24.62 / 2.54 * 72),
    "slide-16:9": (16.0 / 2.54 * 72, 9.0 / 2.54 * 72),
    "slide-4:3": (12.8 / 2.54 * 72, 9.6 / 2.54 * 72),
}
SUMMARY_MIN_HEIGHT = 480.0  # points: the summary's three panels, their texts at their sizes
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


def page_size(page):
    """(width, height) in points of a page: a name of :data:`rojas.drawing.page.PAGES` or a pair of points.

    Examples
    --------
    >>> page_size("letter")
    (468.0, 648.0)
    """
    if isinstance(page, str):
        if page not in PAGES:
            raise RojasError(f"unknown page {page!r}: use " + ", ".join(PAGES))
        return PAGES[page]
    try:
        w, h = (float(v) for v in page)
    except (TypeError, ValueError):
        raise RojasError(f"page must be a name ({', '.join(PAGES)}) or (width, height) in points, "
                         f"got {page!r}") from None
    if not (MIN_WIDTH_PT <= w <= MAX_SIDE_PT and 144.0 <= h <= MAX_SIDE_PT):
        raise RojasError(f"page {w:g}×{h:g} pt: each side must be from 144 to {MAX_SIDE_PT:.0f} points")
    return w, h


def _box(artist, renderer):
    return artist.get_window_extent(renderer)


def settle(drawing, width_pt, height_pt=None, pad_pt=6.0):
    """Stack the parts of a drawing of fixed width: the graph, the legend, the tables, the note.

    The graph keeps its scale (points per R) and every text its size; the figure becomes `width_pt`
    wide and as tall as the parts need.  With `height_pt` (a page) the figure is exactly that tall: the
    graph shrinks if it must (its texts do not), and the tables that do not fit under it continue on
    further pages (:func:`rojas.drawing.paging.paginate`, ``drawing.pages``).  Returns the height the
    content needs in points (for a page: more than `height_pt` only if the graph and legend alone are
    taller and cannot shrink, as in a full drawing).
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
    drawing.natural_width = gw  # a full drawing wider than this is not shrunk (see settle_page)
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
    need = gh + legend_h + table_h + note_h
    drawing.pages = []
    paging = height_pt is not None and drawing.mode == "table"
    if paging:
        if legend_h > height_pt - note_h - 4 * pad_pt - 120:  # no room left for a graph worth the name
            count = drawing.path_sum.count if drawing.path_sum is not None else 0
            raise RojasError(f"the legend of the {count} paths is {legend_h:.0f} pt tall, too tall for a page "
                             f"{height_pt:.0f} pt high with the graph: give --width instead (the height "
                             "follows) or fewer paths (--to NODE)")
        most = max(height_pt - legend_h - note_h - 4 * pad_pt - 60, 72.0)  # a few table lines under it
        drawing.shrink = min(most / gh, 1.0)
        if gh > most:  # the graph of ids shrinks to leave the page for the rest
            ppu *= most / gh
            gw, gh = gw * most / gh, most
        need = gh + legend_h + table_h + note_h
    height = need if height_pt is None else (height_pt if paging else max(height_pt, need))
    fig.set_size_inches(width_pt / 72, height / 72)
    W, H = width_pt, height
    ax.set_position([(W - gw) / 2 / W, (H - gh) / H, gw / W, gh / H])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    if drawing.legend is not None:  # centred on the page, under the graph: never off the left edge
        drawing.legend.set_bbox_to_anchor((0.5, (H - gh) / H), transform=fig.transFigure)
        drawing.legend.set_loc("upper center")
    if drawing.table_ax is None:
        return need
    below = table_h + note_h
    bottom = 0.0
    if paging:
        below = H - gh - legend_h
        if drawing.legend is not None:  # where the legend ends as placed, not as estimated
            below = min(below, _box(drawing.legend, renderer).y0 * 72 / dpi - pad_pt)
        if need > H:
            from .paging import paginate

            def note_text(pages):
                more = f"; they continue on page{'s' * (pages > 2)} 2{f'–{pages}' * (pages > 2)}" if pages > 1 else ""
                return drawing.note_base + more

            paginate(drawing, width_pt, height_pt, below, note_text)
            need = H
        if drawing.pages and not drawing.tables:  # the tables start on page 2: the note under the graph
            bottom = below - (_box(drawing.note, renderer).height * 72 / dpi + 2 * pad_pt)
            below -= bottom
    drawing.table_ax.set_position([0.0, bottom / H, 1.0, below / H])
    return need


def settle_page(drawing, width, height, scale, again, detail="auto"):
    """:func:`settle`, drawing the graph again smaller (``again(drawing, scale) -> Drawing``) when a page
    left it too little room: shrunk after it was drawn, its texts would outgrow it.

    Returns ``(drawing, fits)``: `fits` is False for a full drawing wider than `width` or taller than
    `height` (its texts cannot shrink with it: the caller tries the tables' level); asked for by name
    (`detail` "full"), such a drawing is refused.
    """
    need = settle(drawing, width, height)
    for _ in range(3):  # every drawing drawn again is settled again: the last one too
        if height is None or getattr(drawing, "shrink", 1.0) >= 0.97 or drawing.mode != "table":
            break
        scale *= drawing.shrink * 0.97
        drawing = again(drawing, scale)
        need = settle(drawing, width, height)
    # Shrunk, a full drawing's edges would come under its labels (set in points, placed clear of the edges
    # at its own scale) and its texts outgrow their units: only the estimates' slack in height is let pass.
    if drawing.mode != "full" or (drawing.natural_width <= width * 1.001 and (height is None or need <= height * 1.01)):
        return drawing, True
    if detail == "auto":
        return drawing, False
    raise RojasError(_full_refused(drawing.natural_width, need, width, height))


def _full_refused(need_w, need_h, width, height):
    """Why a full drawing is refused at a width (or on a page) it does not fit, and what would do."""
    where, flag = (f"{width:.0f}×{height:.0f} pt page", "--page") if height is not None else \
        (f"{width:.0f} pt asked", "--width")
    if need_w > width * 1.001:
        inches = math.ceil(need_w / 7.2 - 1e-6) / 10  # rounded up: the width given must be enough
        what = f"a width of at least {need_w:.0f} pt ({inches:g} in)"
        fix = (f"give --width {inches:g}in or more" if need_w <= MAX_SIDE_PT else
               f"a width can be at most {MAX_SIDE_PT:.0f} pt: leave {flag} out")
    else:
        what, fix = f"{need_h:.0f} pt of height", "give --width instead (the height follows)"
    return (f"detail 'full' needs {what} to keep every label at its size and clear of the edges, and does not fit "
            f"the {where}; {fix}, or use detail 'auto', which moves the numbers to tables below the graph")


def summary_size(width, height, n_nodes):
    """The size in inches of the summary figure at a fixed `width` (its own proportions, 11:8, and at
    least :data:`SUMMARY_MIN_HEIGHT` high) or on a page (`height` too: the page's size).

    Raises
    ------
    RojasError
        For a page too low for the summary's three panels (a slide).
    """
    from .summary import SUMMARY_SIZE

    # Its texts keep their sizes: under 480 pt high the panels' titles run into the ticks above them.
    least = max(width * SUMMARY_SIZE[1] / SUMMARY_SIZE[0], SUMMARY_MIN_HEIGHT)
    if height is None:
        return width / 72, least / 72
    if height < least:
        raise RojasError(f"{n_nodes:,} nodes are drawn as a summary of three panels, which needs a page at least "
                         f"{least:.0f} pt high, and this page is {height:.0f} pt: "
                         "give --width instead (the height follows) or a taller page")
    return width / 72, height / 72


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
