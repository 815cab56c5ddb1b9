"""The focus of one weight drawn: the units its gradient comes from, its top paths, the rest in numbers.

Units are placed by topological generation (left to right, the order of the
forward sweep) and, within a generation, by the rank of the best path through
them, so the strongest path runs straight along the top.  Every path shown has
its colour (Okabe–Ito, then dashed) and a width that grows with its share of
|∂E/∂w|; a panel beside the graph lists the paths with their products and
shares and says what the rest of the paths add up to.  Matplotlib is
imported inside the functions only.
"""

import textwrap

import numpy as np

from .style import PATH_COLORS, PATH_DASHES

__all__ = ["draw_focus", "save_focus"]

MAX_LISTED = 12  # paths written out in the side panel; the others are in the figure only


def _style(i):
    return PATH_COLORS[i % len(PATH_COLORS)], PATH_DASHES[(i // len(PATH_COLORS)) % len(PATH_DASHES)]


def _positions(focus):
    """``{id: (x, y)}``: x by generation (gaps closed), y the row of the best path through the unit.

    A path has at most one unit per generation, so path k's units own row k; a unit on several
    paths sits in the row of the best of them, and the best path runs straight along the top.
    """
    gens = sorted({n["generation"] for n in focus.nodes})
    column = {g: i for i, g in enumerate(gens)}
    best = {}
    for rank, p in enumerate(focus.paths):
        for n in p["nodes"]:
            best.setdefault(str(n), rank)
    pos, rows = {}, 0
    for n in focus.nodes:
        row = best.get(n["id"], len(focus.paths))
        pos[n["id"]] = (float(column[n["generation"]]), -float(row))
        rows = max(rows, row + 1)
    return pos, len(gens), rows


def _short(text, n=18):
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def draw_focus(focus, fig=None, *, title=None):
    """Draw a :class:`~rojas.drawing.focus.Focus` on `fig` (a new Figure by default); returns the figure.

    Examples
    --------
    >>> import rojas
    >>> from rojas.drawing.focus import focus_of
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> fig = draw_focus(focus_of(lab, "w1"))
    >>> len(fig.axes)
    2
    """
    from matplotlib.figure import Figure

    pos, n_cols, n_rows = _positions(focus)
    detail = len(focus.nodes) <= 24  # numbers under every unit while they fit
    col_w = 1.25 if detail else 0.75
    width = min(30.0, max(5.0, n_cols * col_w)) + 5.2
    height = min(24.0, max(4.5, n_rows * (0.95 if detail else 0.5) + 2.2))
    fig = fig or Figure(figsize=(width, height), layout="constrained")
    ax, side = fig.subplots(1, 2, width_ratios=[width - 5.2, 5.2])
    ax.set_axis_off()
    side.set_axis_off()
    from matplotlib.collections import LineCollection

    # every edge shown, thin and grey (they all run left to right, the forward sweep's way)
    ax.add_collection(LineCollection([[pos[e["source"]], pos[e["target"]]] for e in focus.edges],
                                     colors="0.75", linewidths=0.8, zorder=1))
    top = max((abs(p["share"]) for p in focus.paths), default=1.0) or 1.0
    for i, p in reversed(list(enumerate(focus.paths))):  # the best path drawn last, on top
        color, dash = _style(i)
        xy = np.array([pos[str(n)] for n in p["nodes"]])
        offset = (i % 5 - 2) * 0.035  # paths sharing an edge stay apart
        ax.plot(xy[:, 0], xy[:, 1] + offset, color=color, ls=dash, lw=1.2 + 3.5 * abs(p["share"]) / top,
                alpha=0.9, zorder=2 + (len(focus.paths) - i) / 100, solid_capstyle="round")
    for kind, marker, face, lw in (("input", "s", "#f2f2f2", 1.0), ("unit", "o", "white", 1.0),
                                   ("output", "o", "white", 2.4)):
        xy = [pos[n["id"]] for n in focus.nodes
              if ("input" if n["input"] else "output" if n["output"] else "unit") == kind]
        if xy:
            xy = np.array(xy)
            ax.scatter(xy[:, 0], xy[:, 1], s=260 if detail else 90, marker=marker, facecolor=face,
                       edgecolor="#222222", linewidth=lw, zorder=5)
    for n in focus.nodes:
        x, y = pos[n["id"]]
        ax.text(x, y + (0.2 if detail else 0.14), _short(n["id"]), ha="center", va="bottom", fontsize=8, zorder=6)
        if detail:
            below = f"o={n['o']:.3g}" + ("" if n["input"] else f"\nδ={n['delta']:.3g}")
            ax.text(x, y - 0.2, below, ha="center", va="top", fontsize=7, color="#444444", zorder=6)
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(-(n_rows - 1) - 0.8, 0.7)
    obj = "E" if str(focus.target) == "E" else f"o_{focus.target}"
    ax.set_title(title or f"Where ∂{obj}/∂{focus.source.label} = {focus.gradient:.4g} comes from", fontsize=11,
                 loc="left")
    from matplotlib.lines import Line2D

    handles, labels = [], []
    for i, p in enumerate(focus.paths[:MAX_LISTED]):
        color, dash = _style(i)
        nodes = [str(n) for n in p["nodes"]]
        route = " → ".join(nodes if len(nodes) <= 5 else nodes[:2] + [f"…{len(nodes) - 4}…"] + nodes[-2:])
        handles.append(Line2D([], [], color=color, ls=dash, lw=2.5))
        labels.append(f"{_short(route, 40)}\nlength {len(nodes) - 1}, product {p['product']:.3g} "
                      f"({100 * p['share']:.3g}%)")
    if handles:
        side.legend(handles, labels, loc="upper left", fontsize=8, frameon=False, handlelength=2.2,
                    title=f"The {len(focus.paths)} path(s) drawn, largest |product| first", title_fontsize=8,
                    alignment="left", borderaxespad=0)
    lines = []
    if len(focus.paths) > MAX_LISTED:
        lines.append(f"({len(focus.paths) - MAX_LISTED} more drawn, not listed)")
    lines.append(textwrap.fill(f"Focus: {focus.reason}.", 58))
    if focus.rest_paths:
        lines.append(textwrap.fill(f"The other {focus.rest_paths:,} path(s) add up to {focus.rest_sum:.4g}"
                                   + (f" ({100 * focus.rest_sum / abs(focus.gradient):.3g}% of |gradient|)"
                                      if focus.gradient else "") + ".", 58))
    rows = focus.table.rows()
    if rows:
        peak = max(rows, key=lambda r: abs(r["sum"]))
        lines.append(textwrap.fill(f"By length: {len(rows)} length(s) from {rows[0]['length']} to "
                                   f"{rows[-1]['length']}; the largest |sum| at length {peak['length']} "
                                   f"({peak['sum']:.3g}): rojas paths --by-length.", 58))
    side.text(0.0, 0.0, "\n\n".join(lines), ha="left", va="bottom", fontsize=8, transform=side.transAxes,
              wrap=True)
    return fig


def save_focus(focus, path, *, dpi=110, title=None):
    """Write :func:`draw_focus`'s figure to `path` (PNG, SVG or PDF by its extension); returns the figure."""
    from .formats import metadata, text_as_text

    fig = draw_focus(focus, title=title)
    with text_as_text():  # the same bytes in every process, like every other figure
        fig.savefig(path, dpi=dpi, metadata=metadata(str(path).rpartition(".")[2].lower()))
    return fig
