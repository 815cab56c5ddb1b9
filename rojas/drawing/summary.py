"""The summary level of detail: a network too large to draw unit by unit, as a silhouette and its spreads.

No unit is drawn and nothing is laid out: from the compiled plan (the
generations of the sweep) the figure shows how many units and edges each
level has, and, for a labeling, how |δ| and |∂E/∂w| spread over the levels
(median, 10–90 % and min–max bands on a log scale).  Everything is computed
with NumPy over the plan's arrays, so a network of a million edges is
summarized in about a second; the figure has a fixed size.
"""

import numpy as np

from .sizing import FULL_MAX_NODES, TABLE_MAX_EDGES, TABLE_MAX_NODES
from ..utils.formatting import FIGURE_DIGITS, fmt
from .style import COLORS, FONT, NOTE_FONT, literal

__all__ = ["MAX_BINS", "SUMMARY_SIZE", "draw_summary", "level_stats"]

SUMMARY_SIZE = (11.0, 8.0)  # inches
MAX_BINS = 120              # levels are grouped into at most this many bins


def level_stats(level, values, n_levels, bins=MAX_BINS):
    """Per bin of levels: ``(first level of each bin, min, q10, median, q90, max)`` of |values| > 0.

    Quantiles are order statistics (the lower one where two are in the middle).

    Examples
    --------
    >>> lo, mn, q10, med, q90, mx = level_stats(np.array([0, 0, 1]), np.array([1.0, -3.0, 2.0]), 2)
    >>> lo.tolist(), mn.tolist(), med.tolist(), mx.tolist()
    ([0, 1], [1.0, 2.0], [1.0, 2.0], [3.0, 2.0])
    """
    nb = min(bins, max(n_levels, 1))
    b = (np.asarray(level) * nb) // max(n_levels, 1)
    a = np.abs(np.asarray(values, dtype=float))
    keep = (a >= np.finfo(float).tiny) & np.isfinite(a)  # zeros and denormals: no place on a log scale
    b, a = b[keep], a[keep]
    order = np.lexsort((a, b))
    b, a = b[order], a[order]
    present = np.unique(b)
    starts = np.searchsorted(b, present)
    ends = np.searchsorted(b, present, side="right")
    counts = ends - starts

    def q(p):
        return a[starts + np.floor(p * (counts - 1)).astype(int)]

    first_level = (present * max(n_levels, 1) + nb - 1) // nb
    return first_level, q(0.0), q(0.1), q(0.5), q(0.9), q(1.0)


def _plan_arrays(plan, lab, sample):
    widths = np.array([lev.hi - lev.lo for lev in plan.levels], dtype=np.int64)
    level = np.repeat(np.arange(len(widths)), widths)
    edge_level = level[plan.dst] if len(plan.dst) else np.zeros(0, dtype=int)
    delta = grads = None
    if lab is not None:
        delta = lab.arrays["delta"]
        if delta.ndim == 2:
            delta = delta[:, sample or 0]
        grads = lab.gradients()["weights"]
    return widths, level, edge_level, delta, grads


def _zeros(values, label):
    """What a log scale cannot show, said: how many of the values are 0 (say, dead ReLUs)."""
    a = np.abs(np.asarray(values, dtype=float))
    zeros = int(np.count_nonzero(~(a >= np.finfo(float).tiny) & np.isfinite(a)))
    if not zeros:
        return ""
    return f"; {zeros:,} of the {a.size:,} {label} are 0, not on this log scale"


def _band(ax, lo, stats, color, label):
    _, mn, q10, med, q90, mx = stats
    if not len(lo):
        ax.text(0.5, 0.5, f"every {label} is 0 (or below 1e−308)", transform=ax.transAxes, ha="center",
                va="center", fontsize=FONT["subtitle"], color=COLORS["note"], parse_math=False)
        return
    x = np.append(lo, lo[-1] + max(int(np.min(np.diff(lo), initial=1)), 1)) - 0.5  # each bin centred on its levels
    mn, q10, med, q90, mx = (np.append(v, v[-1]) for v in (mn, q10, med, q90, mx))
    ax.fill_between(x, mn, mx, step="post", color=color, alpha=0.15, linewidth=0, label=f"{label}: min–max")
    ax.fill_between(x, q10, q90, step="post", color=color, alpha=0.35, linewidth=0, label="10–90 %")
    ax.step(x, med, where="post", color=color, linewidth=1.4, label="median")
    ax.set_yscale("log")


def draw_summary(drawing, plan, lab, ax, own, sample=None, reason=""):
    """Draw the summary figure on `ax` (its box is divided into the panels); fills `drawing`."""
    import textwrap

    fig = ax.figure
    if own:
        fig.set_size_inches(*SUMMARY_SIZE)
        ax.set_position([0, 0, 1, 1])
    widths, level, edge_level, delta, grads = _plan_arrays(plan, lab, sample)
    n_levels = len(widths)
    n, m = plan.n_nodes, len(plan.dst)
    bb = ax.get_position()
    ax.set_axis_off()
    fw, fh = fig.get_size_inches()
    width_pt = bb.width * fw * 72
    chars = max(int(width_pt / (0.58 * NOTE_FONT)), 40)
    title = literal(drawing.scene_title)
    facts = (f"{n:,} nodes ({int(plan.is_input.sum()):,} inputs, {len(plan.outputs):,} outputs), {m:,} edges, "
             f"{n_levels:,} levels (the sweep's generations), widest level {int(widths.max(initial=0)):,} units")
    if lab is not None:
        facts += f"; objective {('E' if lab.objective == 'E' else literal(lab.objective))} = {fmt(lab.value, FIGURE_DIGITS)}"
    note = (f"Summary: {reason or 'too many units to draw one by one'} (full detail up to {FULL_MAX_NODES} nodes, "
            f"numbered tables up to {TABLE_MAX_NODES} nodes and {TABLE_MAX_EDGES} edges).  Shown: the width of "
            "every level" + (", and how |δ| and |∂E/∂w| spread over the levels" if lab is not None else "") +
            ".  Every number: rojas grad NET --json.")
    lines = [(title, FONT["title"] * 1.1, "bold", COLORS["ink"])]
    lines += [(t, NOTE_FONT, "normal", COLORS["note"]) for t in textwrap.wrap(facts, chars)]
    lines += [(t, NOTE_FONT, "normal", COLORS["note"]) for t in textwrap.wrap(note, chars)]
    y = bb.y1 - 6 / (fh * 72)
    texts = []
    for text, size, weight, color in lines:
        texts.append(fig.text(bb.x0 + 8 / (fw * 72), y, text, ha="left", va="top", fontsize=size,
                              fontweight=weight, color=color, parse_math=False))
        y -= size * 1.35 / (fh * 72)
    drawing.titles = texts[:1]
    drawing.note = texts[-1]
    drawing.notes = texts[1:]
    top = y - 10 / (fh * 72)
    rows = 3 if lab is not None else 1
    room = top - bb.y0 - 12 / (fh * 72)
    h = room / rows
    left, width = bb.x0 + 0.1 * bb.width, 0.86 * bb.width
    axes = []
    x_levels = np.arange(n_levels)
    for r in range(rows):
        sub = fig.add_axes([left, top - (r + 1) * h + 0.32 * h * (r == rows - 1) * 0 + 0.22 * h, width, 0.7 * h])
        sub.tick_params(which="both", labelsize=FONT["explain"])
        axes.append(sub)
    a0 = axes[0]
    if n_levels > 400:  # a step outline: bars would be thinner than a pixel
        a0.fill_between(x_levels, widths, step="post", color=COLORS["value"], edgecolor=COLORS["ink"], linewidth=0.5)
    else:
        a0.bar(x_levels, widths, width=0.9, color=COLORS["value"], edgecolor=COLORS["ink"], linewidth=0.4)
    edges_in = np.bincount(edge_level, minlength=n_levels) if m else np.zeros(n_levels)
    twin = a0.twinx()  # edges on their own scale: a level often has far more edges than units
    twin.step(x_levels, edges_in, where="mid", color=COLORS["forward"], linewidth=1.0, label="edges into the level")
    twin.set_ylim(0, max(float(edges_in.max(initial=0)) * 1.15, 1.0))
    twin.set_ylabel("edges into the level", fontsize=FONT["explain"])
    twin.tick_params(labelsize=FONT["explain"])
    twin.legend(fontsize=FONT["explain"], loc="upper right")
    a0.set_ylabel("units per level", fontsize=FONT["explain"])
    a0.set_title("The silhouette: units in each level (bars) and edges into it (line)", fontsize=FONT["subtitle"],
                 loc="left")
    if lab is not None:
        stats = level_stats(level, delta, n_levels)
        _band(axes[1], stats[0], stats, COLORS["backward"], "|δ|")
        axes[1].set_title("|δ| = |∂E/∂s| per level (the backward sweep)" + _zeros(delta, "δ"),
                          fontsize=FONT["subtitle"], loc="left")
        if axes[1].get_legend_handles_labels()[0]:
            axes[1].legend(fontsize=FONT["explain"], loc="upper right", ncol=3)
        stats = level_stats(edge_level, grads, n_levels)
        _band(axes[2], stats[0], stats, COLORS["input_edge"], "|∂E/∂w|")
        axes[2].set_title("|∂E/∂w| per level of the edge's target" + _zeros(grads, "∂E/∂w"),
                          fontsize=FONT["subtitle"], loc="left")
        if axes[2].get_legend_handles_labels()[0]:
            axes[2].legend(fontsize=FONT["explain"], loc="upper right", ncol=3)
    axes[-1].set_xlabel("level (generation of the forward sweep, inputs at 0)", fontsize=FONT["explain"])
    from matplotlib.ticker import MaxNLocator

    for sub in axes:
        sub.set_xlim(-0.5, max(n_levels - 0.5, 0.5))
        sub.xaxis.set_major_locator(MaxNLocator(integer=True))
        for t in sub.get_xticklabels() + sub.get_yticklabels():
            t.set_parse_math(True)  # tick labels are ours (10^k)
    drawing.summary_axes = axes + [twin]
    return drawing
