"""Paths highlighted: Rojas's theorem drawn on the network.

Every path from a source (a weight, a node, an input …) to the objective is
drawn in its own colour, in its own lane where several paths share an edge;
the legend lists each path with its factors and their product, and the sum of
the products beside the backward sweep's value of the same derivative.
"""

import numpy as np

from ..errors import RojasError
from ..proof.paths import path_sum
from .scene import ObjectiveNode
from ..utils.formatting import FIGURE_DIGITS, factor, fmt
from .style import COLORS, PATH_DASHES, PATH_STYLES, literal

__all__ = ["MAX_PATHS", "highlight_paths", "path_legend", "path_style", "path_table"]

MAX_PATHS = 24
LANE = 5.5  # points between the lanes of paths sharing an edge
RIBBON = 9.0  # points: all the lanes of one edge together stay this wide, inside the edge's own room


def path_style(i, style="default"):
    """Path i's colour and dash pattern (:data:`~rojas.drawing.style.PATH_COLORS`, ``PATH_DASHES``): a dash
    pattern of its own for every path up to :data:`MAX_PATHS`; `style` names an entry of
    :data:`~rojas.drawing.style.PATH_STYLES` (``"print"``: greys, the dashes and numbers tell paths apart).

    Examples
    --------
    >>> path_style(0), path_style(1)[1]
    (('#0072B2', '-'), (0, (6, 2)))
    """
    colors = PATH_STYLES[style]
    return colors[i % len(colors)], PATH_DASHES[i % len(PATH_DASHES)]


def path_table(lab, source, to=None, limit=MAX_PATHS):
    """The :class:`~rojas.proof.paths.PathSum` to highlight, refusing more paths than can be told apart."""
    try:
        return path_sum(lab, source, to=to, limit=limit)
    except RojasError as exc:
        if "more than the limit" in str(exc):
            count = str(exc).split(" ", 1)[0]
            raise RojasError(f"{count} paths from {source}: too many to draw one by one (at most {limit}); "
                             f"`rojas paths` lists them") from None
        raise


def _edge_chain(nodes, objective_drawn):
    """The drawn edges of a path: ends in E become output → error unit → E."""
    if nodes and nodes[-1] == "E" and len(nodes) >= 2:
        real = list(nodes[:-1])
        chain = list(zip(real, real[1:]))
        if objective_drawn:
            err = ObjectiveNode("error", real[-1])
            chain += [(real[-1], err), (err, ObjectiveNode("sum"))]
        return chain
    return list(zip(nodes, nodes[1:]))


def _clear_of(points, boxes, margin, step, shortest):
    """The polyline resampled every `step`, with gaps (NaN, where Matplotlib lifts the pen) where it
    passes within `margin` of a box (rows cx, cy, hw, hh, angle: the labels), and no piece left
    shorter than `shortest`: a path's band never runs under an edge's label.

    Examples
    --------
    >>> band = _clear_of([(0, 0), (10, 0)], np.array([[5.0, 0.0, 1.0, 0.5, 0.0]]), 0.5, 0.5, 1.0)
    >>> xs = band[~np.isnan(band[:, 0]), 0]
    >>> bool(xs.min() == 0 and xs.max() == 10 and not ((xs > 3.5) & (xs < 6.5)).any())
    True
    """
    pts = np.asarray(points, dtype=float)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    at = np.concatenate([[0.0], np.cumsum(seg)])
    if at[-1] == 0 or not len(boxes):
        return pts
    t = np.linspace(0.0, at[-1], max(int(at[-1] / step), 1) + 1)
    dense = np.column_stack([np.interp(t, at, pts[:, 0]), np.interp(t, at, pts[:, 1])])
    lo, hi = dense.min(0) - margin, dense.max(0) + margin
    reach = np.hypot(boxes[:, 2], boxes[:, 3])
    near = boxes[(np.abs(boxes[:, 0] - (lo[0] + hi[0]) / 2) <= (hi[0] - lo[0]) / 2 + reach) &
                 (np.abs(boxes[:, 1] - (lo[1] + hi[1]) / 2) <= (hi[1] - lo[1]) / 2 + reach)]
    if not len(near):
        return pts
    rel = dense[:, None, :] - near[None, :, :2]
    c, s = np.cos(near[:, 4]), np.sin(near[:, 4])
    lx, ly = rel[..., 0] * c + rel[..., 1] * s, -rel[..., 0] * s + rel[..., 1] * c
    hidden = ((np.abs(lx) <= near[:, 2] + margin) & (np.abs(ly) <= near[:, 3] + margin)).any(1)
    if not hidden.any():
        return pts
    # the runs of visible points; a run shorter than `shortest` is hidden too (no stubs between labels),
    # unless the band would vanish: then its longest run stays
    edges = np.flatnonzero(np.diff(np.concatenate([[1], hidden.astype(int), [1]])))
    runs = [(t[b - 1] - t[a], a, b) for a, b in zip(edges[::2], edges[1::2])]
    longest = max(runs, default=(0.0, 0, 0))
    for length, a, b in runs:
        if length < shortest and (a, b) != longest[1:]:
            hidden[a:b] = True
    dense[hidden] = np.nan
    return dense


def _offset(points, dist):
    """A polyline moved sideways by `dist` (left of its direction)."""
    pts = np.asarray(points, dtype=float)
    if dist == 0 or len(pts) < 2:
        return pts
    d = np.gradient(pts, axis=0)
    n = np.column_stack([-d[:, 1], d[:, 0]])
    n /= np.maximum(np.hypot(n[:, 0], n[:, 1]), 1e-12)[:, None]
    return pts + n * dist


def _pretty(name):
    return literal(name).replace("'", "′")


LEGEND_FONT = 8.5


def path_legend(ax, ps, digits=FIGURE_DIGITS, style="default", width_pt=None):
    """The legend of the paths of `ps`, below `ax`: each path's route, factors and product,
    then their sum beside the backward sweep's value; its lines wrapped to `width_pt` points if given."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = [], []
    for i, p in enumerate(ps.paths):
        route = " → ".join(literal(n) for n in p["nodes"])
        names = " · ".join(_pretty(name) for name, _ in p["factors"])
        values = " · ".join(factor(v, digits) if np.ndim(v) == 0 else "[…]" for _, v in p["factors"])
        color, dash = path_style(i, style)
        handles.append(Line2D([], [], color=color, linewidth=3.5, linestyle=dash, marker=f"${i + 1}$",
                              markersize=9, markerfacecolor=COLORS["ink"], markeredgecolor=COLORS["ink"]))
        labels.append(f"path {i + 1}: {route}:  {names}\n= {values} = {fmt(p['product'], digits)}")
    obj = "E" if ps.target == "E" else f"o({literal(ps.target)})"
    ok = abs(ps.difference) <= 1e-12 * max(1.0, abs(ps.backprop))
    handles.append(Patch(facecolor="none", edgecolor="none"))
    labels.append(f"Σ over the {ps.count} path{'s' * (ps.count != 1)} = {fmt(ps.total, digits + 2)}\n"
                  f"{'=' if ok else '≠'} ∂{obj}/∂{literal(ps.source.label)} by the backward sweep = "
                  f"{fmt(ps.backprop, digits + 2)}")
    title = (f"∂{obj}/∂{literal(ps.source.label)} as a sum over paths (Rojas 1996, §7.2): each path numbered, "
             "in its colour")
    if width_pt is not None:  # a page's width: long routes and products wrap, never run off the page
        import textwrap

        chars = max(int((width_pt - 70) / (0.56 * LEGEND_FONT)), 30)
        labels = ["\n".join(w for line in text.split("\n")
                            for w in textwrap.wrap(line, chars, subsequent_indent="    ", break_on_hyphens=False))
                  for text in labels]
        title = "\n".join(textwrap.wrap(title, chars, break_on_hyphens=False))
    legend = ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                       bbox_transform=ax.transAxes, fontsize=LEGEND_FONT, frameon=True, framealpha=1.0,
                       edgecolor="#cccccc", title=title,
                       title_fontsize=LEGEND_FONT + 0.5, handlelength=2.2, labelspacing=0.7,
                       borderaxespad=0.2)
    legend.set_zorder(9)
    for t in legend.get_texts() + [legend.get_title()]:
        t.set_parse_math(False)  # ids and names are written literally
    return legend


SPOTS = (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8, 0.12, 0.88)  # where on an edge a path's number may go


def highlight_paths(ctx, ps):
    """Draw the paths of `ps` on every panel of the drawing in `ctx`: colour, dashes and a numbered marker each.

    The lanes of the paths sharing an edge stay within :data:`RIBBON` points
    together, along the edge between the units' outlines (never over a box or
    an arrowhead); each path's number sits in a circle on its own edge, never on another's.
    """
    from .edges import node_shape
    from .placement import along
    from .units import clip_polyline

    d = ctx.d
    ax = d.ax
    objective_drawn = any(isinstance(n, ObjectiveNode) for n in ctx.layout.pos)
    chains = [_edge_chain(p["nodes"], objective_drawn) for p in ps.paths]
    users = {}
    for i, chain in enumerate(chains):
        for e in chain:
            users.setdefault(e, []).append(i)
    full = d.mode == "full"
    badges = []  # the centres of the numbers placed so far
    for i, (p, chain) in enumerate(zip(ps.paths, chains)):
        color, dash = path_style(i, ctx.scene.style)
        lines = []
        for panel in d.panels:
            drawn = d.edges.get(panel, {})
            spots = []  # where its number may go, best first: along the edges it shares least, middle first
            for e in sorted(chain, key=lambda e: len(users[e])):
                if e not in drawn:
                    continue
                k, m = users[e].index(i), len(users[e])
                lane = ctx.m.pt(min(LANE if full else 2.6, RIBBON / max(m, 1)))
                inner = clip_polyline(drawn[e].points, node_shape(ctx, e[0], panel), node_shape(ctx, e[1], panel),
                                      margin=0.25 if full else 0.12)
                if len(inner) < 2:
                    continue
                pts = _offset(inner, (k - (m - 1) / 2) * lane)
                band = _clear_of(pts, ctx.obstacles.boxes, ctx.m.pt(1.5), ctx.m.pt(1.0), ctx.m.pt(14.0))
                (line,) = ax.plot(band[:, 0], band[:, 1], color=color, linewidth=min(4.0, 0.8 * RIBBON / m) if full
                                  else 2.0, alpha=0.85, linestyle=dash, solid_capstyle="butt", zorder=1.6)
                lines.append(line)
                eid = ctx.edge_ids.get((panel, *e))
                spots += [(along(pts, t), eid) for t in SPOTS]
            if spots:
                lines += _badge(ctx, spots, i, color, badges)
        d.paths.append((p, lines))


def _badge(ctx, spots, i, color, badges):
    """Path i's number in a circle at the first of `spots` clear of every label, unit and marker; failing
    that, the first clear of the other badges (it may touch an edge); failing that, the one farthest from
    them.  Two badges never sit on one spot.  Returns the artists."""
    from matplotlib.patches import Circle

    ax, r = ctx.d.ax, ctx.m.pt(6.0)
    xy = np.array([p for p, _ in spots], dtype=float)

    def gap(k):  # how far spot k is from the nearest badge, less the room the two need
        if not badges:
            return np.inf
        return float(np.hypot(*(np.array(badges) - xy[k]).T).min()) - 2 * r

    clear = (k for k, (p, eid) in enumerate(spots) if not ctx.obstacles.blocked((p[0], p[1], r, r, 0.0), own=eid))
    k = next(clear, None)
    if k is None:
        k = next((k for k in range(len(spots)) if gap(k) >= 0), None)
    if k is None:
        k = max(range(len(spots)), key=gap)
    x, y = xy[k]
    badges.append((x, y))
    ctx.obstacles.add_box((x, y, r, r, 0.0))
    disc = Circle((x, y), r, facecolor="white", edgecolor=color, linewidth=1.6, zorder=7.5)
    ax.add_artist(disc)
    num_text = ax.text(x, y, str(i + 1), ha="center", va="center", fontsize=7.5, zorder=7.6,
                       color=COLORS["ink"], fontweight="bold", parse_math=False)
    ctx.d.markers.append(num_text)
    return [disc, num_text]
