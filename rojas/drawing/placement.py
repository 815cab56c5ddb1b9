"""Placing edge labels so that they overlap neither each other, nor a unit, nor another edge.

A label is an *oriented box*: its centre, half width, half height and the
angle of the edge it sits on (the text is rotated with its edge).  Labels are
placed one edge at a time at the best of several points along the edge,
nearest the edge's target first, each on the edge or just beside it: a point
is allowed only if its box meets no unit, no tag, no title, no label already
placed and no other edge (so a label never sits on a crossing).  The tests
are separating-axis tests, vectorized over all obstacles.
"""

import math

import numpy as np

__all__ = ["CANDIDATES", "Obstacles", "along", "obb_corners", "obbs_overlap", "tangent_angle"]

# Fractions of an edge's visible length, best first: near the target end (Rojas writes a weight where
# its edge enters the unit), then towards the middle and the source.
CANDIDATES = (0.74, 0.66, 0.82, 0.7, 0.78, 0.58, 0.62, 0.86, 0.5, 0.54, 0.9, 0.46, 0.42, 0.38, 0.34, 0.3, 0.26,
              0.22, 0.18, 0.94, 0.14, 0.1)


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


def tangent_angle(points, t, window=0.06):
    """The direction of a polyline around fraction `t`, in radians within (−π/2, π/2] (text stays upright)."""
    a, b = along(points, max(t - window, 0.0)), along(points, min(t + window, 1.0))
    angle = math.atan2(b[1] - a[1], b[0] - a[0])
    if angle > math.pi / 2:
        angle -= math.pi
    elif angle <= -math.pi / 2:
        angle += math.pi
    return angle


def obb_corners(cx, cy, hw, hh, angle):
    """The four corners of an oriented box, counter-clockwise."""
    c, s = math.cos(angle), math.sin(angle)
    u, v = np.array([c, s]) * hw, np.array([-s, c]) * hh
    centre = np.array([cx, cy])
    return np.array([centre - u - v, centre + u - v, centre + u + v, centre - u + v])


def obbs_overlap(box, others):
    """Which of `others` (rows cx, cy, hw, hh, angle) overlap `box` (the same five numbers): separating axes."""
    others = np.asarray(others, dtype=float).reshape(-1, 5)
    if not len(others):
        return np.zeros(0, dtype=bool)
    cx, cy, hw, hh, a = box
    ua = np.array([math.cos(a), math.sin(a)])
    va = np.array([-ua[1], ua[0]])
    ub = np.column_stack([np.cos(others[:, 4]), np.sin(others[:, 4])])
    vb = np.column_stack([-ub[:, 1], ub[:, 0]])
    d = others[:, :2] - np.array([cx, cy])
    separated = np.zeros(len(others), dtype=bool)
    for axis in (np.broadcast_to(ua, ub.shape), np.broadcast_to(va, ub.shape), ub, vb):
        ra = hw * np.abs(axis @ ua) + hh * np.abs(axis @ va)
        rb = others[:, 2] * np.abs((axis * ub).sum(1)) + others[:, 3] * np.abs((axis * vb).sum(1))
        separated |= np.abs((axis * d).sum(1)) > ra + rb
    return ~separated


class Obstacles:
    """Circles, boxes and edge segments that a label must avoid."""

    def __init__(self):
        self.circles = np.zeros((0, 3))       # x, y, r
        self.boxes = np.zeros((0, 5))         # cx, cy, hw, hh, angle: tags, titles, labels
        self.segments = np.zeros((0, 4))      # x0, y0, x1, y1, tagged by edge
        self.segment_edge = np.zeros(0, dtype=int)

    def add_circle(self, x, y, r):
        self.circles = np.vstack([self.circles, [x, y, r]])

    def add_rect(self, rect):
        x0, y0, x1, y1 = rect
        self.add_box(((x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2, abs(y1 - y0) / 2, 0.0))

    def add_box(self, box):
        self.boxes = np.vstack([self.boxes, np.asarray(box, dtype=float)])

    def add_polyline(self, points, edge_id):
        pts = np.asarray(points, dtype=float)
        if len(pts) < 2:
            return
        segs = np.hstack([pts[:-1], pts[1:]])
        self.segments = np.vstack([self.segments, segs])
        self.segment_edge = np.concatenate([self.segment_edge, np.full(len(segs), edge_id)])

    def blocked(self, box, own=None, margin=0.0, edge_margin=None):
        """How many obstacles the oriented `box` (grown by `margin`) meets: units, boxes, other edges.

        Edges keep `edge_margin` (default `margin`) off the box: a line drawn along a label at less
        than its half width (plus the slack between the measured and the drawn text) grazes its ground.
        """
        cx, cy, hw, hh, a = box
        grown = (cx, cy, hw + margin, hh + margin, a)
        count = int(obbs_overlap(grown, self.boxes).sum())
        c, s = math.cos(a), math.sin(a)
        if len(self.circles):
            rel = self.circles[:, :2] - np.array([cx, cy])
            lx, ly = rel @ np.array([c, s]), rel @ np.array([-s, c])
            nx, ny = np.clip(lx, -grown[2], grown[2]), np.clip(ly, -grown[3], grown[3])
            count += int((np.hypot(lx - nx, ly - ny) < self.circles[:, 2]).sum())
        if len(self.segments):
            keep = self.segment_edge != own
            seg = self.segments[keep]
            if len(seg):
                rot = np.array([[c, -s], [s, c]])  # world → box frame: multiply rows by this
                p = (seg[:, :2] - [cx, cy]) @ rot
                q = (seg[:, 2:] - [cx, cy]) @ rot
                em = margin if edge_margin is None else edge_margin
                hit = segments_hit_rect(np.hstack([p, q]), (-hw - em, -hh - em, hw + em, hh + em))
                count += len(np.unique(self.segment_edge[keep][hit]))
        return count


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
