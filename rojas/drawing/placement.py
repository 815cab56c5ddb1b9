"""Placing edge labels so that they overlap neither each other nor any unit.

Every label is a rectangle (its text's extent, measured with the renderer,
plus its background's padding).  Labels are placed one edge at a time at the
best of several points along the edge: a point is allowed only if its
rectangle meets no unit, no tag, no title and no label already placed; among
the allowed points, those that cover fewer other edges and lie nearer the
middle are preferred.  The tests are vectorized over all obstacles.
"""

import numpy as np

__all__ = ["Obstacles", "along", "CANDIDATES"]

# Fractions of an edge's visible length, best first.
CANDIDATES = (0.5, 0.38, 0.62, 0.28, 0.72, 0.45, 0.55, 0.2, 0.8, 0.33, 0.67, 0.15, 0.85, 0.24, 0.76, 0.1, 0.9)


def along(points, t):
    """The point at fraction `t` of a polyline's length."""
    pts = np.asarray(points, dtype=float)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    total = seg.sum()
    if total == 0:
        return pts[0]
    target = t * total
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    i = min(int(np.searchsorted(cum, target, side="right")) - 1, len(seg) - 1)
    f = (target - cum[i]) / seg[i] if seg[i] else 0.0
    return pts[i] + (pts[i + 1] - pts[i]) * f


class Obstacles:
    """Circles, rectangles and segments that a label must avoid (or should)."""

    def __init__(self):
        self.circles = np.zeros((0, 3))       # x, y, r: hard
        self.rects = np.zeros((0, 4))         # x0, y0, x1, y1: hard
        self.segments = np.zeros((0, 4))      # x0, y0, x1, y1: soft, tagged by edge
        self.segment_edge = np.zeros(0, dtype=int)

    def add_circle(self, x, y, r):
        self.circles = np.vstack([self.circles, [x, y, r]])

    def add_rect(self, rect):
        x0, y0, x1, y1 = rect
        self.rects = np.vstack([self.rects, [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]])

    def add_polyline(self, points, edge_id):
        pts = np.asarray(points, dtype=float)
        if len(pts) < 2:
            return
        segs = np.hstack([pts[:-1], pts[1:]])
        self.segments = np.vstack([self.segments, segs])
        self.segment_edge = np.concatenate([self.segment_edge, np.full(len(segs), edge_id)])

    def hard_overlap(self, rect):
        """How much of `rect` the hard obstacles cover (0: free)."""
        x0, y0, x1, y1 = rect
        total = 0.0
        if len(self.rects):
            r = self.rects
            w = np.clip(np.minimum(x1, r[:, 2]) - np.maximum(x0, r[:, 0]), 0, None)
            h = np.clip(np.minimum(y1, r[:, 3]) - np.maximum(y0, r[:, 1]), 0, None)
            total += float((w * h).sum())
        if len(self.circles):
            c = self.circles
            nx = np.clip(c[:, 0], x0, x1)
            ny = np.clip(c[:, 1], y0, y1)
            d = np.hypot(c[:, 0] - nx, c[:, 1] - ny)
            inside = c[:, 2] - d
            total += float((np.clip(inside, 0, None) * (x1 - x0)).sum())
        return total

    def edges_crossed(self, rect, own):
        """How many other edges pass through `rect`."""
        if not len(self.segments):
            return 0
        s = self.segments[self.segment_edge != own]
        e = self.segment_edge[self.segment_edge != own]
        if not len(s):
            return 0
        hit = segments_hit_rect(s, rect)
        return len(np.unique(e[hit]))


def segments_hit_rect(s, rect):
    """Which segments (rows x0, y0, x1, y1) meet the rectangle (Liang-Barsky, vectorized)."""
    x0, y0, x1, y1 = rect
    px, py = s[:, 0], s[:, 1]
    dx, dy = s[:, 2] - px, s[:, 3] - py
    t0 = np.zeros(len(s))
    t1 = np.ones(len(s))
    ok = np.ones(len(s), dtype=bool)
    for p, q in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
        zero = p == 0
        ok &= ~(zero & (q < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(zero, 0.0, q / np.where(zero, 1.0, p))
        neg, pos = (p < 0) & ~zero, (p > 0) & ~zero
        t0 = np.where(neg, np.maximum(t0, r), t0)
        t1 = np.where(pos, np.minimum(t1, r), t1)
    return ok & (t0 <= t1)
