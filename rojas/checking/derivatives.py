"""Each primitive's claimed derivative against a numerical derivative of its ``f``.

A wrong ``f'`` is checked where it matters: at exactly the net inputs ``s``
the forward sweep met at the units using the primitive.  It is then blamed on
the primitive and its units, rather than showing up only as a list of weights
whose gradients happen to disagree.  One vectorized evaluation per primitive,
whatever the network's size.

Kinks: where a non-analytic primitive (``relu``, anything using ``abs``) has
a kink within the step, central differences straddle it.  A point whose
claimed derivative lies between the two one-sided differences is counted as a
kink, not as a failure.
"""

from dataclasses import dataclass

import numpy as np

from .report import name_list
from ..utils.formatting import fmt
from .numerical import CBRT_EPS, COMPLEX_STEP

__all__ = ["PrimitiveCheck", "check_primitives", "KINK_JUMP"]

#: A kink is recognised when the one-sided differences differ by more than this (relative).
KINK_JUMP = 1e-3


@dataclass
class PrimitiveCheck:
    """A primitive's claimed derivative ``df`` against the numerical derivative of its ``f``.

    Attributes
    ----------
    name : str
    source : tuple of str or None
        ``(f_text, df_text)`` for a primitive defined in the network file.
    nodes : tuple
        The nodes that use it.
    points : int
        How many distinct net inputs ``s`` the sweep met at those nodes.
    method : str
        ``"complex"`` or ``"central"``.
    bad : int
        At how many of those points the claim disagrees.
    bad_nodes : tuple
    max_rel_error : float
    worst : dict or None
        ``{"node", "s", "claimed", "numerical"}`` at the worst point.
    kinks : int
        Points within a step of a kink, noted not failed.
    unchecked : int
        Points where ``f`` overflows within the step (nothing to compare), noted not failed.
    note : str
    """

    name: str
    source: tuple | None
    nodes: tuple
    points: int
    method: str
    bad: int = 0
    bad_nodes: tuple = ()
    max_rel_error: float = 0.0
    worst: dict | None = None
    kinks: int = 0
    unchecked: int = 0
    note: str = ""

    @property
    def ok(self):
        return self.bad == 0

    def describe(self):
        """One line naming the primitive, where it is defined, and where its derivative is wrong."""
        where = (f" (from the network file: f = {self.source[0]}, df = {self.source[1]})"
                 if self.source else "")
        if self.ok:
            return f"primitive {self.name!r}{where}: claimed f'(s) agrees at {self.points} points"
        w = self.worst
        return (f"primitive {self.name!r}{where}: its claimed derivative df disagrees with the "
                f"derivative of its f at {self.bad} of {self.points} net inputs s the sweep met "
                f"(worst at node {w['node']!r}, s = {fmt(w['s'], 6)}: claimed f'(s) = "
                f"{fmt(w['claimed'], 6)}, numerical {fmt(w['numerical'], 6)}); "
                f"nodes using it: {name_list(self.nodes)}")

    def to_dict(self):
        out = {"name": self.name, "nodes": [str(n) for n in self.nodes], "points": self.points,
               "method": self.method, "ok": self.ok, "bad": self.bad,
               "bad_nodes": [str(n) for n in self.bad_nodes], "max_rel_error": self.max_rel_error,
               "kinks": self.kinks, "unchecked": self.unchecked}
        if self.source:
            out["source"] = {"f": self.source[0], "df": self.source[1]}
        if self.worst:
            out["worst"] = {**self.worst, "node": str(self.worst["node"])}
        if self.note:
            out["note"] = self.note
        return out


def _numeric(prim, s, use_complex):
    """(numerical f'(s), method, note, (f(s), f(s+h), f(s−h), h))."""
    numeric, method, note = None, "central", ""
    if use_complex:
        try:
            numeric = np.imag(np.asarray(prim.f(s + COMPLEX_STEP * 1j))) / COMPLEX_STEP
            numeric = np.broadcast_to(numeric, s.shape).astype(float)
            method = "complex"
        except Exception as exc:  # a primitive that says complex_safe but is not
            note = f"complex step failed ({type(exc).__name__}); central differences used"
    h = CBRT_EPS * np.maximum(1.0, np.abs(s))
    h = (s + h) - s
    fs = np.broadcast_to(np.asarray(prim.f(s), dtype=float), s.shape)
    f_plus = np.broadcast_to(np.asarray(prim.f(s + h), dtype=float), s.shape)
    f_minus = np.broadcast_to(np.asarray(prim.f(s - h), dtype=float), s.shape)
    if numeric is None:
        numeric = (f_plus - f_minus) / (2 * h)
    return numeric, method, note, (fs, f_plus, f_minus, h)


def _smaller_steps(prim, s, h, first, claimed, rtol, atol, levels=10):
    """Where central differences at step h disagree: h/10, h/100, … (numerical.smaller_steps, vectorized).

    Returns ``(mask, values)``: the points where a smaller step agrees with the
    claim and so does the next one, and the derivative there.
    """
    def central(step):
        return (np.asarray(prim.f(s + step), dtype=float) - np.asarray(prim.f(s - step), dtype=float)) / (2 * step)

    def agrees(a, b):
        return np.abs(a - b) <= atol + rtol * np.maximum(np.abs(a), np.abs(b))

    found, values = np.zeros(s.shape, bool), np.zeros(s.shape)
    open_, previous = np.ones(s.shape, bool), first
    for k in range(1, levels + 1):
        step = (s + h / 10.0 ** k) - s
        value = np.broadcast_to(central(np.where(step > 0, step, h)), s.shape)
        hit = open_ & (step > 0) & agrees(claimed, value)
        again = np.broadcast_to(central(np.where(step > 0, step / 10, h)), s.shape)
        sure = hit & agrees(claimed, again)
        found |= sure
        values = np.where(sure, value, values)
        converged = agrees(previous, value) & (np.abs(value) >= 0.1 * np.abs(claimed))
        open_ &= ~hit & ~converged & (step > 0) & np.isfinite(value)
        previous = value
    return found, values[found]


def check_primitives(net, lab, method, tolerances):
    """Each primitive's claimed df against a numerical derivative of its f at the s values met.

    Returns
    -------
    list of PrimitiveCheck
        One per primitive used, in the order the sweep meets them.
    """
    s_all, plan = lab.arrays["s"], lab.plan
    fns = np.array(plan.fn_names, dtype=object)  # per sweep position
    checks = []
    for fn in dict.fromkeys(fns[~np.asarray(plan.is_input)].tolist()):
        rows = np.flatnonzero(fns == fn)
        nodes = [plan.order[i] for i in rows]
        prim = net.primitive(fn)
        s = np.asarray(s_all[rows], dtype=float)
        owner = np.repeat(np.arange(len(nodes)), s[0].size if s.ndim == 2 else 1)
        s, first = np.unique(s.reshape(-1), return_index=True)
        owner = owner[first]
        note = ""
        if method in ("complex", "both") and not prim.complex_safe:
            note = "not complex-safe: central differences used"
        with np.errstate(all="ignore"):
            claimed = np.broadcast_to(np.asarray(prim.df(s), dtype=float), s.shape).copy()
            numeric, m, why, (fs, f_plus, f_minus, h) = _numeric(
                prim, s, method in ("complex", "both") and prim.complex_safe)
            note = why or note
            rtol, atol = tolerances[m]
            scale = np.maximum(1.0, np.abs(fs))
            big = np.maximum(np.abs(claimed), np.abs(numeric))
            # Scaled first, so that numbers near the largest float cannot overflow the comparison.
            div = np.where(big > 0, big, 1.0)
            rel = np.where(claimed == numeric, 0.0, np.abs(claimed / div - numeric / div))
            bad = ~((claimed == numeric) | (rel <= atol * scale / div + rtol))  # NaN counts as bad
            # f itself overflows within the step: nothing to compare where the claim is finite.
            unchecked = bad & ~np.isfinite(numeric) & np.isfinite(claimed)
            bad &= ~unchecked
            if m == "central" and bad.any():  # f turns on a scale below the step ∛ε·|s|: smaller steps
                numeric = numeric.copy()
                rescued = _smaller_steps(prim, s[bad], h[bad], numeric[bad], claimed[bad], rtol, atol * scale[bad])
                numeric[np.flatnonzero(bad)[rescued[0]]] = rescued[1]
                bad[np.flatnonzero(bad)[rescued[0]]] = False
                rel = np.where(bad, rel, np.abs(claimed - numeric) / np.where(big > 0, big, 1.0))
            kinks = np.zeros_like(bad)
            if m == "central" and not prim.complex_safe and bad.any():
                fwd, bwd = (f_plus - fs) / h, (fs - f_minus) / h
                jump = np.abs(fwd - bwd) > KINK_JUMP * np.maximum(1.0, np.maximum(np.abs(fwd), np.abs(bwd)))
                slack = 1e-4 * np.maximum(1.0, np.abs(claimed)) + atol * scale
                between = (claimed >= np.minimum(fwd, bwd) - slack) & (claimed <= np.maximum(fwd, bwd) + slack)
                kinks = bad & jump & between
                bad &= ~kinks
        rel = np.where(np.isfinite(rel), rel, np.inf)
        considered = np.where(kinks | unchecked, 0.0, rel)
        considered = np.where(bad & (considered == 0), np.inf, considered)  # NaN claims: shown as inf
        worst = int(np.argmax(considered)) if s.size else None
        check = PrimitiveCheck(
            name=fn, source=prim.source, nodes=tuple(nodes), points=int(s.size), method=m,
            bad=int(bad.sum()), bad_nodes=tuple(dict.fromkeys(nodes[i] for i in owner[bad])),
            max_rel_error=float(considered.max()) if s.size else 0.0,
            worst=None if worst is None else {"node": nodes[owner[worst]], "s": float(s[worst]),
                                              "claimed": float(claimed[worst]),
                                              "numerical": float(numeric[worst])},
            kinks=int(kinks.sum()), unchecked=int(unchecked.sum()), note=note)
        extra = []
        if check.kinks:
            extra.append(f"{check.kinks} point(s) within a step of a kink (one-sided derivatives "
                         "differ; the claimed value lies between them)")
        if check.unchecked:
            extra.append(f"{check.unchecked} point(s) where f overflows within the step (not checked)")
        check.note = "; ".join(([check.note] if check.note else []) + extra)
        checks.append(check)
    return checks
