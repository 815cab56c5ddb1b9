"""Paths highlighted: Rojas's theorem drawn on the network.

Every path from a source (a weight, a node, an input …) to the objective is
drawn in its own colour, in its own lane where several paths share an edge;
the legend lists each path with its factors and their product, and the sum of
the products beside the backward sweep's value of the same derivative.
"""

import numpy as np

from ..errors import RojasError
from ..paths import path_sum
from .scene import ObjectiveNode
from .style import PATH_COLORS, num

__all__ = ["path_table", "highlight_paths", "path_legend", "MAX_PATHS"]

MAX_PATHS = 24
LANE = 5.5  # points between the lanes of paths sharing an edge


def path_table(lab, source, to=None, limit=MAX_PATHS):
    """The :class:`~rojas.paths.PathSum` to highlight, refusing more paths than can be told apart."""
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


def _offset(points, dist):
    """A polyline moved sideways by `dist` (left of its direction)."""
    pts = np.asarray(points, dtype=float)
    if dist == 0 or len(pts) < 2:
        return pts
    d = np.gradient(pts, axis=0)
    n = np.column_stack([-d[:, 1], d[:, 0]])
    n /= np.maximum(np.hypot(n[:, 0], n[:, 1]), 1e-12)[:, None]
    return pts + n * dist


def _g(value, digits=9):
    return f"{value:.{digits}g}".replace("-", "−")


def _pretty(name):
    return name.replace("'", "′")


LEGEND_FONT = 8.5


def path_legend(ax, ps):
    """The legend of the paths of `ps`, below `ax`: each path's route, factors and product,
    then their sum beside the backward sweep's value."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, labels = [], []
    for i, p in enumerate(ps.paths):
        route = " → ".join(str(n) for n in p["nodes"])
        names = " · ".join(_pretty(name) for name, _ in p["factors"])
        values = " · ".join(num(v) if np.ndim(v) == 0 else "[…]" for _, v in p["factors"])
        handles.append(Line2D([], [], color=PATH_COLORS[i % len(PATH_COLORS)], linewidth=4))
        labels.append(f"{route}:  {names}\n= {values} = {_g(p['product'])}")
    obj = "E" if ps.target == "E" else f"o_{ps.target}"
    ok = abs(ps.difference) <= 1e-12 * max(1.0, abs(ps.backprop))
    handles.append(Patch(facecolor="none", edgecolor="none"))
    labels.append(f"Σ over the {ps.count} path{'s' * (ps.count != 1)} = {_g(ps.total, 12)}\n"
                  f"{'=' if ok else '≠'} ∂{obj}/∂{ps.source.label} by the backward sweep = {_g(ps.backprop, 12)}")
    legend = ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                       bbox_transform=ax.transAxes, fontsize=LEGEND_FONT, frameon=True, framealpha=1.0,
                       edgecolor="#cccccc", title=f"∂{obj}/∂{ps.source.label} as a sum over paths "
                                                  "(Rojas 1996, §7.2): one colour per path",
                       title_fontsize=LEGEND_FONT + 0.5, handlelength=2.2, labelspacing=0.7,
                       borderaxespad=0.2)
    legend.set_zorder(9)
    return legend


def highlight_paths(ctx, ps):
    """Draw the paths of `ps` on every panel of the drawing in `ctx`, one colour each."""
    d = ctx.d
    ax = d.ax
    objective_drawn = any(isinstance(n, ObjectiveNode) for n in ctx.layout.pos)
    chains = [_edge_chain(p["nodes"], objective_drawn) for p in ps.paths]
    users = {}
    for i, chain in enumerate(chains):
        for e in chain:
            users.setdefault(e, []).append(i)
    lane = ctx.m.pt(LANE if d.mode == "full" else 2.6)
    width = 5.0 if d.mode == "full" else 2.4
    for i, (p, chain) in enumerate(zip(ps.paths, chains)):
        color = PATH_COLORS[i % len(PATH_COLORS)]
        lines = []
        for panel in d.panels:
            drawn = d.edges.get(panel, {})
            for e in chain:
                if e not in drawn:
                    continue
                k = users[e].index(i)
                m = len(users[e])
                pts = _offset(drawn[e].points, (k - (m - 1) / 2) * lane)
                (line,) = ax.plot(pts[:, 0], pts[:, 1], color=color, linewidth=width, alpha=0.8,
                                  solid_capstyle="butt", zorder=1.6)
                lines.append(line)
        d.paths.append((p, lines))
