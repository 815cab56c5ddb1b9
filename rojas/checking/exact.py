"""Exact per-parameter checks: one weight, bias, tied param or input moved by itself.

Each number the backward sweep produced is compared with central differences
``(E(x+h) − E(x−h)) / 2h`` of the objective moved in that number alone
(step ``∛ε·max(1, |x|)``) and/or the complex step ``Im E(x+ih)/h``.  Where
the objective overflows within the step the entry is ``unchecked``; where a
non-analytic unit's kink lies within the step and the backward value agrees
with one side, it is a ``kink``, not a failure.
"""

import numpy as np

from .derivatives import KINK_JUMP
from .report import GradientEntry
from ..utils.formatting import fmt
from ..errors import RojasError
from .numerical import CBRT_EPS, COMPLEX_STEP, agree, central_step, rel_error, smaller_steps, tolerance_used

__all__ = ["GraphQuestions", "check_one"]


class GraphQuestions:
    """Graph questions the exact checks ask, answered on demand by one pass over the edges.

    Reachability is a multi-source walk over adjacency lists built once from
    ``net.edges``: linear in the network's size, however many units ask.
    """

    def __init__(self, net, unsafe_nodes):
        self.net, self._succ, self._pred, self._ties = net, None, None, None
        self.tainted = self.upstream(unsafe_nodes) if unsafe_nodes else set()

    def gradients(self, lab):
        """``lab.gradients()``, computed once."""
        if getattr(self, "_grads", None) is None:
            self._grads = lab.gradients()
        return self._grads

    def _adjacency(self):
        if self._succ is None:
            self._succ, self._pred = {}, {}
            for u, v in self.net.edges:
                self._succ.setdefault(u, []).append(v)
                self._pred.setdefault(v, []).append(u)
        return self._succ, self._pred

    def feeds(self, kind, ref):
        """The units a param or an input feeds (a param: through tied edges and tied biases)."""
        if kind == "param":
            if self._ties is None:
                self._ties = {}
                for u, v in self.net.edges:
                    p = self.net.edge_param(u, v)
                    if p is not None:
                        self._ties.setdefault(p, []).append(v)
                for n in self.net.nodes:
                    p = self.net.bias_param(n)
                    if p is not None:
                        self._ties.setdefault(p, []).append(n)
            return tuple(dict.fromkeys(self._ties.get(ref, [])))
        return tuple(self._adjacency()[0].get(ref, ()))

    @staticmethod
    def _reach(adjacency, seeds):
        seen = set(seeds)
        todo = list(seen)
        while todo:
            for nxt in adjacency.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def upstream(self, seeds):
        """`seeds` and every node from which one of them can be reached."""
        return self._reach(self._adjacency()[1], seeds)

    def downstream(self, starts):
        """`starts` and every node reachable from one of them."""
        return self._reach(self._adjacency()[0], starts)


def check_one(net, lab, pert, item, method, tolerances, scale, helpers, fallback):
    """One number checked by itself: central differences and/or the complex step."""
    kind, index, ref, name, feeds, sample = item
    backward = _backward_value(lab, helpers.gradients(lab), kind, index, ref, sample)
    e_scale = scale if kind != "input" else max(1.0, abs(pert.base(sample)))
    want_complex = method in ("complex", "both")
    central = cplx = None
    note, status = "", "ok"
    run_complex = want_complex and kind != "input" and not any(n in helpers.tainted for n in feeds)
    if want_complex and not run_complex and kind != "input":
        fallback.setdefault("unsafe", []).append(name)
    x0 = _current(pert, kind, index, sample)
    # Steps are absolute below |x| = 1 (∛ε and 1e-20).  A number far smaller, say an input of
    # 1e-200 multiplied by 1e200 in a product unit, moves E on the scale of itself: when an
    # absolute step disagrees, the step relative to |x| decides (and the note says so).
    relative = 0.0 < abs(x0) < 1.0
    notes = []
    if run_complex:
        try:
            cplx = _complex_step(pert, kind, index, sample, COMPLEX_STEP)
            if relative and not agree(backward, cplx, *_tol(tolerances["complex"], e_scale)):
                again = _complex_step(pert, kind, index, sample, COMPLEX_STEP * abs(x0))
                if agree(backward, again, *_tol(tolerances["complex"], e_scale)):
                    cplx = again
                    notes.append(f"the complex step agrees when relative to |x| = {abs(x0):.3g}")
        except Exception as exc:  # a primitive that claims complex safety but is not
            fallback.setdefault("raised", []).append(f"{name} ({type(exc).__name__})")
            cplx = None
    if method in ("central", "both") or cplx is None:
        h = central_step(x0)
        central, e_plus, e_minus = _central(pert, kind, index, sample, h)
        if relative and np.isfinite(backward) and not agree(backward, central, *_tol(tolerances["central"], e_scale)):
            again, _, _ = _central(pert, kind, index, sample, (x0 + CBRT_EPS * abs(x0)) - x0)
            if agree(backward, again, *_tol(tolerances["central"], e_scale)):
                central = again
                notes.append(f"central differences agree with a step relative to |x| = {abs(x0):.3g}")
        if np.isfinite(central) and np.isfinite(backward) and \
                not agree(backward, central, *_tol(tolerances["central"], e_scale)):
            smaller = smaller_steps(lambda step: _central(pert, kind, index, sample, step)[0], h, central,
                                    backward, *_tol(tolerances["central"], e_scale))
            if smaller is not None:
                central = smaller[0]
                notes.append(f"central differences agree with the step {smaller[1]:.2g} (the objective turns "
                             f"on a scale below the step {h:.2g})")
        if not np.isfinite(central) and np.isfinite(backward):
            status, note = "unchecked", "the objective is not finite at x ± h (it overflows): not checked"
        elif not agree(backward, central, *_tol(tolerances["central"], e_scale)):
            status = "FAIL"
            kink = _kink(net, helpers, pert, kind, index, sample, feeds, h, e_plus, e_minus, backward,
                         tolerances["central"][1] * e_scale)
            if kink:
                status, note = kink
    if cplx is not None and not np.isfinite(cplx) and np.isfinite(backward):
        status, note = "unchecked", "the complex step overflows: not checked"
    elif cplx is not None and not agree(backward, cplx, *_tol(tolerances["complex"], e_scale)):
        status = "FAIL"
    note = "; ".join([note] * bool(note) + notes)
    numerical = cplx if cplx is not None else central
    used = [tolerance_used(backward, value, *_tol(tolerances[m], e_scale))
            for m, value in (("central", central), ("complex", cplx)) if value is not None]
    return GradientEntry(kind, ref, name, float(backward), float(numerical), rel_error(backward, numerical),
                         status, central, cplx, note, of_tolerance=max(used))


def _central(pert, kind, index, sample, h):
    """``(E(x+h) − E(x−h)) / 2h`` and the two values of E."""
    e_plus = float(np.real(pert.value(kind, index, h, sample)))
    e_minus = float(np.real(pert.value(kind, index, -h, sample)))
    return (e_plus - e_minus) / (2 * h), e_plus, e_minus


def _complex_step(pert, kind, index, sample, h):
    return float(np.imag(pert.value(kind, index, h * 1j, sample))) / h


def _tol(tol, e_scale):
    return tol[0], tol[1] * e_scale


def _backward_value(lab, grads, kind, index, ref, sample):
    """The backward sweep's number, read from the gradient arrays (no dict of every edge)."""
    if kind in ("weight", "bias", "param"):
        return float(grads[{"weight": "weights", "bias": "biases", "param": "params"}[kind]][index])
    g = lab.input_grad[ref if sample is None else ref[0]]
    return float(g if sample is None else g[sample])


def _current(pert, kind, index, sample):
    if kind == "weight":
        return float(pert.w0[index])
    if kind == "bias":
        return float(pert.b0[index])
    if kind == "param":
        return float(pert.p0[index])
    return float(pert.sample(sample)[0][index])


def _kink(net, helpers, pert, kind, index, sample, feeds, h, e_plus, e_minus, backward, atol):
    """("kink", note) when a non-analytic unit's kink lies within the step and the backward
    value agrees with one side; ("FAIL", note) when a kink is there but it agrees with neither."""
    rough = [n for n in helpers.downstream(feeds)
             if net.fn(n) != "input" and not net.primitive(net.fn(n)).complex_safe]
    if not rough:
        return None
    try:
        lab_p = pert.labels_at(kind, index, h, sample)
        lab_m = pert.labels_at(kind, index, -h, sample)
    except RojasError:
        return None
    jumped = []
    for n in rough:
        a, b = np.asarray(lab_p.fprime[n]), np.asarray(lab_m.fprime[n])
        if sample is not None and a.ndim:
            a, b = a[sample], b[sample]
        if np.any(np.abs(a - b) > KINK_JUMP * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))):
            jumped.append(n)
    if not jumped:
        return None
    e0 = float(np.real(pert.base(sample)))
    fwd, bwd = (e_plus - e0) / h, (e0 - e_minus) / h
    lo, hi = min(fwd, bwd), max(fwd, bwd)
    slack = 1e-4 * max(1.0, abs(backward)) + atol
    where = ", ".join(f"{net.fn(n)} at node {n!r}" for n in jumped[:4])
    sides = f"one-sided derivatives {fmt(bwd, 6)} (left) and {fmt(fwd, 6)} (right)"
    if lo - slack <= backward <= hi + slack:
        return "kink", f"a kink ({where}) lies within the step; {sides}; the backward value takes one side"
    return "FAIL", f"a kink ({where}) lies within the step, and the backward value is outside the {sides}"
