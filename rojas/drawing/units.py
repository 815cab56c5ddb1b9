"""Rojas's units as Matplotlib artists: the circle split vertically in two.

The left half holds the stored derivative f'(s), the right half the function
and its value o = f(s).  Inputs are boxes, outputs carry an extra ring, product
units say Π.  Every function takes the axes and returns its artists;
Matplotlib is imported inside them.
"""

import math

import numpy as np

from .style import COLORS

__all__ = [
    "BOX",
    "HEAD_DY",
    "VALUE_DY",
    "Measure",
    "UnitArtists",
    "clip_polyline",
    "draw_input",
    "draw_unit",
    "fit_text",
    "half_room",
    "route_curve",
    "text_size_pt",
]

BOX = (1.05, 0.78)  # an input box's half width and half height, in R


class Measure:
    """Text sizes in data units, measured with the figure's renderer.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Its data-to-display transform must be final (limits and aspect set).
    """

    def __init__(self, ax):
        fig = ax.figure
        canvas = fig.canvas
        self.renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else fig._get_renderer()
        self.ax = ax
        t = ax.transData.transform([(0.0, 0.0), (1.0, 1.0)])
        self.px_per_unit = float(t[1, 0] - t[0, 0])
        self.points_per_unit = self.px_per_unit * 72.0 / fig.dpi
        self._cache, self._line = {}, {}

    def pt(self, points):
        """A length in points, in data units."""
        return points / self.points_per_unit

    def size(self, text, fontsize, weight="normal", family=None):
        """``(width, height)`` of a one-line text, in data units."""
        key = (text, round(fontsize, 3), weight, family)
        if key not in self._cache:
            from matplotlib.font_manager import FontProperties

            prop = FontProperties(size=fontsize, weight=weight, family=family)
            w, h, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
            # Matplotlib lays out a line at least as high as "lp": use that line height.
            lp = ("lp", key[1], weight, family)
            if lp not in self._line:
                self._line[lp] = self.renderer.get_text_width_height_descent("lp", prop, ismath=False)[1]
            self._cache[key] = (w / self.px_per_unit, max(h, self._line[lp]) / self.px_per_unit)
        return self._cache[key]

    def extent(self, artist):
        """An artist's bounding box in data coordinates ``(x0, y0, x1, y1)``."""
        bb = artist.get_window_extent(self.renderer).transformed(self.ax.transData.inverted())
        return bb.x0, bb.y0, bb.x1, bb.y1


def text_size_pt(text, fontsize, weight="normal", family=None):
    """``(width, height)`` of a one-line text in points, measured without a figure (Agg at 72 dpi).

    Examples
    --------
    >>> w, h = text_size_pt("0.5933", 10)
    >>> 20 < w < 40 and 7 < h < 14
    True
    """
    global _RENDERER
    from matplotlib.font_manager import FontProperties

    if _RENDERER is None:
        from matplotlib.backends.backend_agg import RendererAgg

        _RENDERER = RendererAgg(10, 10, 72)
    key = (text, round(float(fontsize), 3), weight, family)
    if key not in _SIZES:
        prop = FontProperties(size=fontsize, weight=weight, family=family)
        w, h, _ = _RENDERER.get_text_width_height_descent(text, prop, ismath=False)
        lp = _RENDERER.get_text_width_height_descent("lp", prop, ismath=False)[1]
        _SIZES[key] = (w, max(h, lp))
    return _SIZES[key]


_RENDERER, _SIZES = None, {}


def half_room(dy, height, r=1.0):
    """How wide a text of `height` may be, centred half a radius from the split and `dy` from the
    centre, to stay inside its half of a circle of radius `r` (all in the same units)."""
    reach = abs(dy) + height / 2                  # the text's corner farthest from the centre line
    chord = math.sqrt(max((0.95 * r) ** 2 - reach ** 2, 0.0))
    return max(2 * min(chord - 0.5 * r, 0.46 * r), 0.0)


HEAD_DY, VALUE_DY = 0.4, -0.12  # where a half's heading and value sit, in radii from the centre


def fit_text(measure, text, fontsize, width, minimum=0.0, weight="normal"):
    """The largest font size up to `fontsize` at which `text` is at most `width` wide (None below `minimum`)."""
    w, _ = measure.size(text, fontsize, weight)
    if w <= width:
        return fontsize
    size = fontsize * width / w
    return size if size >= minimum else None


class UnitArtists:
    """The artists of one drawn node.

    Attributes
    ----------
    left, right : matplotlib.patches.Patch or None
        The two halves (for an input: the box is ``right``).
    shapes : list
        Every patch and line of the node (halves, outline, split line, ring).
    texts : dict
        ``{"left_head", "left", "right_head", "right", "above", "below", "value", "id"}``
        to :class:`matplotlib.text.Text`, those the node has.
    """

    def __init__(self):
        self.left = self.right = None
        self.shapes, self.texts = [], {}

    def artists(self):
        return list(self.shapes) + list(self.texts.values())


def draw_unit(ax, xy, radius=1.0, *, left=None, left_head=None, right=None, right_head=None,
              fill=(COLORS["fprime"], COLORS["value"]), output=False, fontsize=9.0,
              headsize=7.0, measure=None, zorder=3.0, linewidth=1.1, text_color=COLORS["ink"],
              min_font=4.0):
    """Draw one unit as Rojas does: a circle split vertically in two.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    xy : (float, float)
        The centre, in data coordinates.
    radius : float
    left, left_head : str, optional
        The left half's value (the stored derivative f'(s)) and the small
        heading above it.
    right, right_head : str, optional
        The right half's value (o = f(s)) and heading (the function's name).
    fill : (color, color)
        The halves' colours.
    output : bool
        Draw the ring that marks an output.
    fontsize, headsize : float
        In points.  Every text is drawn at its size, none is left out: the
        caller chooses a radius at which they fit (see :func:`half_room`).
    measure : Measure, optional
        Unused; kept for callers that pass it.

    Returns
    -------
    UnitArtists

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> unit = draw_unit(ax, (0, 0), left="0.2413", left_head="f′", right="0.5933", right_head="σ")
    >>> sorted(unit.texts), type(unit.left).__name__
    (['left', 'left_head', 'right', 'right_head'], 'Wedge')
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, Wedge

    x, y = xy
    r = radius
    out = UnitArtists()
    out.left = Wedge((x, y), r, 90, 270, facecolor=fill[0], edgecolor="none", zorder=zorder)
    out.right = Wedge((x, y), r, -90, 90, facecolor=fill[1], edgecolor="none", zorder=zorder)
    outline = Circle((x, y), r, fill=False, edgecolor=COLORS["ink"], linewidth=linewidth,
                     zorder=zorder + 0.1)
    split = Line2D([x, x], [y - r, y + r], color=COLORS["ink"], linewidth=linewidth * 0.85,
                   zorder=zorder + 0.1)
    for p in (out.left, out.right, outline):
        ax.add_artist(p)  # not add_patch: the drawing sets the limits itself
    ax.add_artist(split)
    out.shapes = [out.left, out.right, outline, split]
    if output:
        ring = Circle((x, y), r * 1.16, fill=False, edgecolor=COLORS["output_ring"],
                      linewidth=linewidth * 1.5, zorder=zorder + 0.1)
        ax.add_artist(ring)
        out.shapes.append(ring)
    for side, sign in (("left", -1), ("right", 1)):
        head, value = (left_head, left) if side == "left" else (right_head, right)
        cx = x + sign * 0.5 * r
        if head is not None:  # every text is drawn at its size: the drawing's scale makes room for it
            hy = HEAD_DY * r if value is not None else 0.0
            out.texts[f"{side}_head"] = ax.text(
                cx, y + hy, head, ha="center", va="center", fontsize=headsize if value is not None else fontsize,
                color=COLORS["muted"] if value is not None else text_color, zorder=zorder + 0.2, parse_math=False)
        if value is not None:
            vy = VALUE_DY * r if head is not None else 0.0
            out.texts[side] = ax.text(cx, y + vy, value, ha="center", va="center", fontsize=fontsize,
                                      color=text_color, zorder=zorder + 0.2, parse_math=False)
    return out


def draw_input(ax, xy, name, value=None, *, size=BOX, fontsize=9.0, measure=None, zorder=3.0,
               linewidth=1.1, fill=COLORS["input"], min_font=4.0):
    """Draw an input node: a rounded box with its name (and value).

    Returns
    -------
    UnitArtists
        The box is ``right``; texts ``"id"`` and ``"value"``.
    """
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    hw, hh = size
    out = UnitArtists()
    box = FancyBboxPatch((x - hw, y - hh), 2 * hw, 2 * hh,
                         boxstyle=f"round,pad=0,rounding_size={0.3 * hh}",
                         facecolor=fill, edgecolor=COLORS["input_edge"], linewidth=linewidth, zorder=zorder)
    ax.add_artist(box)
    out.right = box
    out.shapes = [box]
    lines = [("id", name, "bold")] + ([("value", value, "normal")] if value is not None else [])
    for i, (key, text, weight) in enumerate(lines):
        ty = y + (0.34 * hh if len(lines) == 2 and i == 0 else -0.36 * hh if len(lines) == 2 else 0.0)
        out.texts[key] = ax.text(x, ty, text, ha="center", va="center", fontsize=fontsize, fontweight=weight,
                                 color=COLORS["ink"], zorder=zorder + 0.2, parse_math=False)
    return out


def boundary_inside(kind, center, radius, point):
    """Is `point` inside a node's shape (circle of `radius`, or an input box scaled by it)?"""
    dx, dy = point[0] - center[0], point[1] - center[1]
    if kind == "input":
        return abs(dx) <= BOX[0] * radius and abs(dy) <= BOX[1] * radius
    return dx * dx + dy * dy <= radius * radius


def clip_polyline(points, start, end, margin=0.0):
    """Cut a polyline where it leaves the start node's shape and enters the end node's.

    Parameters
    ----------
    points : (n, 2) array
    start, end : (kind, center, radius)

    Returns
    -------
    (m, 2) array
    """
    pts = np.asarray(points, dtype=float)

    def cut(pts, node):
        kind, c, r = node
        r = r + margin
        for i in range(1, len(pts)):
            if not boundary_inside(kind, c, r, pts[i]):
                a, b = pts[i - 1], pts[i]
                lo, hi = 0.0, 1.0
                for _ in range(30):  # bisection for the crossing point
                    mid = (lo + hi) / 2
                    if boundary_inside(kind, c, r, a + (b - a) * mid):
                        lo = mid
                    else:
                        hi = mid
                return np.vstack([a + (b - a) * hi, pts[i:]])
        return pts[-1:]

    pts = cut(pts, start)
    pts = cut(pts[::-1], end)[::-1]
    return pts


def route_curve(points, samples=24):
    """A smooth polyline through a route's points.

    Straight for two points; otherwise cubic pieces leaving and entering each
    waypoint horizontally (so an arc crosses a column level, between its units)
    and pointing straight at the first and last waypoint from the end nodes.
    """
    pts = np.asarray(points, dtype=float)
    if len(pts) == 2:
        return pts
    out = [pts[:1]]
    t = np.linspace(0, 1, samples)[1:, None]
    n = len(pts)
    for i in range(n - 1):
        a, b = pts[i], pts[i + 1]
        dx = b[0] - a[0]
        if i == 0:
            c1 = a + (b - a) * 0.45
        else:
            c1 = a + np.array([dx * 0.5, 0.0])
        if i == n - 2:
            c2 = b - (b - a) * 0.45
        else:
            c2 = b - np.array([dx * 0.5, 0.0])
        seg = ((1 - t) ** 3) * a + 3 * ((1 - t) ** 2) * t * c1 + 3 * (1 - t) * t ** 2 * c2 + t ** 3 * b
        out.append(seg)
    return np.vstack(out)
