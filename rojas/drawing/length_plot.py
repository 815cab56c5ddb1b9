"""Where a gradient comes from, as a figure: its contribution by path length, on a log scale.

:func:`plot_by_length` draws a :class:`~rojas.proof.by_length.ByLength` table:
above, |S_L| (the sum of the products of the paths of length L) with its
sign marked; below, the number of paths of each length.  The caption reads the
trend: the factor by which the contribution changes per extra edge, and the
share of the gradient carried by the shortest lengths.
"""

import math

import numpy as np

__all__ = ["plot_by_length", "save_by_length_plot", "caption_text"]


def caption_text(table):
    """The figure's reading of the trend, in words."""
    from ..proof.length_listing import decay_per_edge

    g = table.gradient
    words = [f"∂{'E' if table.target == 'E' else 'o'}/∂{table.source.label} = {g:.4g}"]
    used = [(int(L), float(s)) for L, s, c in zip(table.lengths, table.sums, table.counts) if c]
    if used and g:
        acc, cut = 0.0, used[-1][0]
        for L, s in used:
            acc += abs(s)
            if acc >= 0.9 * sum(abs(x) for _, x in used):
                cut = L
                break
        words.append(f"90% of Σ|S_L| comes from paths of length ≤ {cut}")
    decay = decay_per_edge(table)
    if decay is not None:
        peak, factor = decay
        if factor < 1:
            words.append(f"beyond length {peak}, where |S_L| peaks, it shrinks ×{factor:.2g} per extra edge although "
                         "the paths grow in number: the gradient vanishes with path length")
        else:
            words.append(f"beyond length {peak} |S_L| still grows ×{factor:.2g} per extra edge: long paths dominate")
    return "; ".join(words)


def _as_float(n):
    """An exact count as a float for the axis (capped at the largest float)."""
    try:
        return float(n)
    except OverflowError:
        return math.inf


def plot_by_length(table, fig=None, *, title=None):
    """Draw `table` on `fig` (a new Figure, not pyplot's, by default); returns the figure.

    Examples
    --------
    >>> import rojas
    >>> from rojas.proof.by_length import by_length
    >>> lab = rojas.label(rojas.load(rojas.example_path("skip_product")),
    ...                   *rojas.load_data(rojas.example_path("skip_product", "data")))
    >>> fig = plot_by_length(by_length(lab, "x1"))
    >>> [ax.get_yscale() for ax in fig.axes]
    ['log', 'log']
    """
    from matplotlib.figure import Figure

    fig = fig or Figure(figsize=(7.5, 5.6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    keep = np.array([c > 0 for c in table.counts], dtype=bool)
    L = table.lengths[keep]
    s = table.sums[keep]
    counts = np.array([_as_float(c) for c, k in zip(table.counts, keep) if k])
    mag = np.abs(s)
    pos, neg = (s > 0), (s < 0)
    top.plot(L[mag > 0], mag[mag > 0], color="0.6", lw=1, zorder=1)
    top.scatter(L[pos], mag[pos], marker="^", color="tab:blue", label="S_L > 0", zorder=2)
    top.scatter(L[neg], mag[neg], marker="v", color="tab:red", label="S_L < 0", zorder=2)
    if (mag > 0).any():
        top.set_yscale("log")
    top.set_ylabel("|S_L|: sum of the path products\nof length L")
    if table.gradient:
        top.axhline(abs(table.gradient), color="k", lw=0.8, ls="--", label=f"|gradient| = {abs(table.gradient):.3g} (all lengths)")
    top.legend(loc="best", fontsize=9)
    top.grid(True, which="major", alpha=0.3)
    bottom.bar(L, counts, color="tab:gray", width=0.8)
    bottom.set_yscale("log")
    bottom.set_ylabel("paths of length L")
    bottom.set_xlabel("path length L (edges, the weight's own included)")
    bottom.grid(True, which="major", alpha=0.3)
    head = title or f"Where ∂{'E' if table.target == 'E' else 'o'}/∂{table.source.label} comes from, by path length"
    top.set_title(head, fontsize=11)
    import textwrap

    fig.text(0.5, -0.01, "\n".join(textwrap.wrap(caption_text(table), 95)), ha="center", va="top", fontsize=9)
    return fig


def save_by_length_plot(table, path, *, dpi=120, title=None):
    """Write the figure of :func:`plot_by_length` to `path` (PNG, SVG or PDF by its extension)."""
    from .formats import metadata, text_as_text

    fig = plot_by_length(table, title=title)
    with text_as_text():  # the same bytes in every process, like every other figure
        fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata=metadata(str(path).rpartition(".")[2].lower()))
    return path
