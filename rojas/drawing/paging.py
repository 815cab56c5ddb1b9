"""Figures of a fixed page, width *and* height: what does not fit the first page continues on further pages.

A page (``--page letter``, ``a4``, ``slide-16:9``, ``slide-4:3``) fixes both sides.  The first page
holds the graph (shrunk to fit if it must, its texts keeping their sizes), the legend of the paths,
as many lines of the numbered tables as the room under them takes, and the note; the rest of the
tables continue on pages of the same size, in the same columns.  A table cut between blocks or pages
repeats its title ("… (continued)") and its header, so no row is read without its columns' names.
No Matplotlib at import.
"""

import math
import textwrap

from .style import COLORS, NOTE_FONT, TABLE_FONT

__all__ = ["MIN_BLOCK_ROWS", "pack_tables", "paginate", "wrapped_note"]

MIN_BLOCK_ROWS = 8  # fewer lines left under the graph: the tables start on the next page
TOP_PT = 4.0        # between the top of a table's room and its first line


def wrapped_note(text, width_pt, size=NOTE_FONT):
    """A note wrapped to `width_pt` points: never clipped, however long."""
    chars = max(int(width_pt / (0.62 * size)), 30)
    return "\n".join(textwrap.wrap(text, chars, break_on_hyphens=False))


def _is_rule(line):
    return bool(line.strip()) and set(line.replace(" ", "")) == {"─"}


def _groups(lines):
    """The table lines in groups never split: a table's title, header, rule and first row stay together.

    Yields ``(lines, head, starts)``: `head` is what a block restarting inside this table repeats (its
    title marked continued, its header and rule), None outside a table; `starts` says the group opens it.
    """
    head, i, n = None, 0, len(lines)
    while i < n:
        if i + 2 < n and _is_rule(lines[i + 2]):
            title = lines[i].rstrip(":")
            head = [f"{title} (continued):", lines[i + 1], lines[i + 2]]
            yield lines[i:i + 4], head, True
            i += 4
            continue
        if not lines[i].strip():
            head = None
        yield [lines[i]], head, False
        i += 1


def pack_tables(lines, capacity):
    """The table lines cut into blocks, block k holding at most ``capacity(k)`` lines.

    A block that starts inside a table begins with that table's title (continued) and header; no block
    starts with an empty line.

    Examples
    --------
    >>> lines = ["Units:", "# unit", "─ ────", "1 a", "2 b", "3 c", "", "Edges:", "# edge", "─ ────", "1 a→b"]
    >>> for block in pack_tables(lines, lambda k: 5):
    ...     print(block)
    ['Units:', '# unit', '─ ────', '1 a', '2 b']
    ['Units (continued):', '# unit', '─ ────', '3 c', '']
    ['Edges:', '# edge', '─ ────', '1 a→b']
    """
    blocks, cur = [], []
    for group, head, starts in _groups(lines):
        if cur and len(cur) + len(group) > capacity(len(blocks)):
            blocks.append(cur)
            cur = list(head) if head is not None and not starts else []
        if not cur and not "".join(group).strip():
            continue
        cur += group
    if cur:
        blocks.append(cur)
    return blocks


def _pitch(text_artist, renderer):
    """Points per line of a block of the tables, as the renderer sets it."""
    n = text_artist.get_text().count("\n") + 1
    return text_artist.get_window_extent(renderer).height * 72 / text_artist.figure.dpi / n


def table_block(ax, text, x_pt, top_pt, size=TABLE_FONT):
    """One block of the numbered tables: monospace lines hung from `top_pt` below the top of `ax`."""
    return ax.annotate(text, (0.0, 1.0), xycoords="axes fraction", xytext=(x_pt, -top_pt),
                       textcoords="offset points", ha="left", va="top", family="monospace", fontsize=size,
                       color=COLORS["ink"], linespacing=1.25, parse_math=False)


def paginate(drawing, width, height, room_pt, note_text):
    """Cut the drawing's tables into the room left on its first page and further pages of the same size.

    Parameters
    ----------
    drawing : Drawing
        A table-level drawing already stacked by :func:`rojas.drawing.page.settle`.
    room_pt : float
        The height under the graph and the legend on the first page, the note's included.
    note_text : callable
        ``pages -> str``: the note, saying on which pages the tables are.

    Sets ``drawing.pages`` (the further pages, Matplotlib figures) and returns the note's height.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = drawing.figure
    renderer = fig.canvas.get_renderer()
    lines = drawing.table_lines
    pitch = _pitch(drawing.tables[0], renderer)
    cols = drawing.table_columns
    for t in drawing.tables:
        t.remove()
    title = drawing.scene.title

    def heading(p, pages):
        return wrapped_note(f"{title}: the numbered tables, continued (page {p} of {pages})", width - 16, NOTE_FONT)

    heading_h = (heading(99, 99).count("\n") + 1) * NOTE_FONT * 1.3 + 3 * TOP_PT
    rows = max(int((height - heading_h - 2 * TOP_PT) // pitch) - 1, MIN_BLOCK_ROWS)
    pages, note_h = 1, 0.0
    for _ in range(3):  # the note says how many pages; its height decides how many lines page 1 takes
        drawing.note.set_text(wrapped_note(note_text(pages), width - 20, NOTE_FONT))
        note_h = drawing.note.get_window_extent(renderer).height * 72 / fig.dpi + 12
        first = int((room_pt - note_h - 2 * TOP_PT) // pitch) - 1
        first_cols = cols if first >= MIN_BLOCK_ROWS else 0
        blocks = pack_tables(lines, lambda k: first if k < first_cols else rows)
        now = 1 + math.ceil(max(len(blocks) - first_cols, 0) / cols)
        if now == pages:
            break
        pages = now
    step = (width - 8) / cols
    drawing.tables = [table_block(drawing.table_ax, "\n".join(b), 8 + i * step, TOP_PT)
                      for i, b in enumerate(blocks[:first_cols])]
    drawing.table = drawing.tables[0] if drawing.tables else None
    drawing.pages = []
    rest = blocks[first_cols:]
    for p in range(2, pages + 1):
        page = Figure(figsize=(width / 72, height / 72), dpi=fig.dpi)
        FigureCanvasAgg(page)
        ax = page.add_axes([0, 0, 1, 1])
        ax.set_axis_off()
        ax.annotate(heading(p, pages), (0.0, 1.0),
                    xycoords="axes fraction", xytext=(8, -TOP_PT), textcoords="offset points", ha="left",
                    va="top", fontsize=NOTE_FONT, color=COLORS["note"], parse_math=False)
        for i, b in enumerate(rest[(p - 2) * cols:(p - 1) * cols]):
            table_block(ax, "\n".join(b), 8 + i * step, heading_h)
        drawing.pages.append(page)
    return note_h
