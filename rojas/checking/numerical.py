"""Numerical derivatives of the objective: steps, the agreement rule, perturbed evaluations.

Everything a gradient check compares the backward sweep with comes from here,
and from forward sweeps alone (:func:`rojas.evaluate`):

central differences
    ``(E(x+h) − E(x−h)) / 2h`` with a step scaled to the parameter,
    ``h = ∛ε · max(1, |x|)`` (ε the float64 machine epsilon), which balances
    the truncation error (∝ h²) against rounding (∝ ε/h);
complex step
    ``Im E(x + ih) / h`` with ``h = 1e-20``: no subtraction, so no
    cancellation, exact to machine precision where every primitive on the way
    accepts complex numbers (the registry's ``complex_safe`` flag).

The agreement rule is ``|a − n| ≤ atol·max(1, |E|) + rtol·max(|a|, |n|)``,
evaluated so that it cannot overflow: identical numbers always agree, and two
numbers near the largest float are compared after scaling.

>>> agree(1.7e308, 1.7e308, 1e-5, 1e-8), agree(0.0, 0.0, 1e-5, 0.0), rel_error(1e308, -1e308)
(True, True, 2.0)
"""

import copy

import numpy as np

from ..engine.labeling import evaluate, label
from ..engine.objective import Problem

__all__ = ["EPS", "CBRT_EPS", "COMPLEX_STEP", "METHODS", "TOLERANCES", "rel_error", "agree", "tolerance_used",
           "central_step", "smaller_steps", "Perturbation"]

EPS = np.finfo(float).eps
CBRT_EPS = EPS ** (1.0 / 3.0)
COMPLEX_STEP = 1e-20
METHODS = ("central", "complex", "both")

#: Default ``(rtol, atol)`` per method; ``atol`` is multiplied by ``max(1, |E|)``.
TOLERANCES = {"central": (1e-5, 1e-8), "complex": (1e-9, 1e-12)}


def rel_error(a, n):
    """``|a − n| / max(|a|, |n|)``: 0 for identical numbers, 1 for opposite signs, never overflowing."""
    a, n = float(a), float(n)
    if a == n:
        return 0.0
    if not (np.isfinite(a) and np.isfinite(n)):
        return float("inf")
    scale = max(abs(a), abs(n))
    return abs(a / scale - n / scale)


def agree(a, n, rtol, atol):
    """Whether ``|a − n| ≤ atol + rtol·max(|a|, |n|)``, robust to overflow (identical numbers agree)."""
    return tolerance_used(a, n, rtol, atol) <= 1.0


def tolerance_used(a, n, rtol, atol):
    """``|a − n| / (atol + rtol·max(|a|, |n|))``: how much of its tolerance a difference uses.

    Below 1 the numbers agree; 0 for identical numbers, inf for a non-finite one.
    This, not the relative error, ranks the checks: two tiny numbers that
    differ by 1e-20 are within ``atol`` even though their relative error is 1.

    Examples
    --------
    >>> tolerance_used(1.0, 1.0 + 5e-6, 1e-5, 1e-8) < 1 < tolerance_used(1.0, 1.001, 1e-5, 1e-8)
    True
    >>> tolerance_used(1e-20, -1e-20, 1e-5, 1e-8) < 1e-11
    True
    """
    rel = rel_error(a, n)  # |a − n| / max(|a|, |n|)
    if rel == 0.0 or not np.isfinite(rel):
        return rel
    # Over the scale max(|a|, |n|), as rel_error is: |a − n| itself may overflow near the largest float.
    allowed = atol / max(abs(float(a)), abs(float(n))) + rtol
    return rel / allowed if allowed > 0 else float("inf")


def central_step(value):
    """∛ε·max(1, |value|), rounded so that value ± h are exactly representable apart."""
    h = CBRT_EPS * max(1.0, abs(value))
    return (value + h) - value


def smaller_steps(diff_at, h, first, backward, rtol, atol, levels=10):
    """A central difference that failed at step `h`, tried at h/10, h/100, …: ``(value, step)`` or None.

    A function that turns on a scale below the step (sin at s = 300,000 moved by
    ∛ε·|s| ≈ 1.8) makes the step, not the derivative, the culprit.  A smaller
    step is accepted when it agrees with `backward` and so does the next one
    (converged, not a lucky crossing); the search stops when two steps agree
    with each other, at the size of `backward`, but not with it (a real
    disagreement), or after `levels` steps.
    """
    previous = first
    for k in range(1, levels + 1):
        step = h / 10.0 ** k
        value = diff_at(step)
        if not np.isfinite(value):
            return None
        if agree(backward, value, rtol, atol):
            return (value, step) if agree(backward, diff_at(step / 10), rtol, atol) else None
        if agree(previous, value, rtol, atol) and abs(value) >= 0.1 * abs(backward):
            return None  # converged to another number of the same size (small ones may be a step's average)
        previous = value
    return None


class Perturbation:
    """The objective at perturbed parameters or inputs, through forward sweeps only.

    Parameters are laid out as :meth:`rojas.Network.parameters` does: weights
    in edge order, biases in node order, params in ``net.params`` order.
    """

    def __init__(self, net, inputs, targets, of, objective=None, problem=None):
        self.net, self.objective = net, objective
        # The data checked once for every sweep (`problem`: a labeling's, of these same arguments).
        full = Problem(net, inputs, targets, of, objective) if problem is None else problem
        (x, t), self.batch, self.of = full.given, full.batch, full.of
        self.x, self.t = x, (t or None)
        params = net.parameters()
        self.w0, self.b0 = params["weights"], params["biases"]
        self.p_names = list(params["params"])
        self.p0 = np.array(list(params["params"].values()), dtype=float)
        self._scratch = None
        self._e0, self._problems = {}, {None: full}
        self.sweeps = 0  # forward sweeps run, for the report

    def sample(self, b):
        """Inputs and targets of sample `b` (None: the whole data)."""
        if b is None:
            return self.x, self.t
        pick = lambda d: None if d is None else {n: (v[b] if isinstance(v, np.ndarray) else v)
                                                 for n, v in d.items()}
        return pick(self.x), pick(self.t)

    def arrays(self, kind, index, delta):
        """(weights, biases, params) with entry `index` of `kind` moved by `delta`."""
        w, b, p = self.w0, self.b0, self.p0
        if kind == "weight":
            w = _bumped(w, index, delta)
        elif kind == "bias":
            b = _bumped(b, index, delta)
        elif kind == "param":
            p = _bumped(p, index, delta)
        return w, b, p

    def problem(self, sample=None, moved=None):
        """The inputs and targets of `sample` (None: all) laid out once, not again for every sweep.

        Checking and laying out every input costs as much as a sweep of a wide
        network; `moved` is ``(plan position, Δ)`` added to one laid-out input,
        or an array added to all of them.
        """
        if sample not in self._problems:
            self._problems[sample] = Problem(self.net, *self.sample(sample), self.of, self.objective)
        problem = self._problems[sample]
        if moved is None:
            return problem
        problem = copy.copy(problem)
        if isinstance(moved, tuple):
            problem.x = problem.x.astype(np.result_type(problem.x, moved[1]))
            problem.x[moved[0]] += moved[1]
        else:
            problem.x = problem.x + moved
        return problem

    def value(self, kind, index, delta, sample=None):
        """The objective with one parameter (or one input of one sample) moved by `delta`."""
        self.sweeps += 1
        if kind == "input":
            moved = self.problem(sample, (self.problem(sample).plan.pos[index], delta))
            return evaluate(self.net, None, problem=moved)
        w, b, p = self.arrays(kind, index, delta)
        return evaluate(self.net, None, weights=w, biases=b, params=p, problem=self.problem())

    def along(self, step, dw=None, db=None, dp=None, dx=None):
        """The objective at θ + step·(dw, db, dp) and inputs x + step·dx (a direction; None: 0).

        `step` may be complex (a complex step along the parameters); `dx` is
        ``(rows, moves)``: the inputs' rows in the sweep's arrays and an array of
        their moves (one row per input, a column per sample in a batch), and
        must then be None.
        """
        self.sweeps += 1
        w = self.w0 if dw is None else self.w0 + step * dw
        b = self.b0 if db is None else self.b0 + step * db
        p = self.p0 if dp is None else self.p0 + step * dp
        problem = self.problem()
        if dx is not None:
            rows, moves = dx
            move = np.zeros(problem.x.shape)
            move[rows] = moves
            problem = self.problem(None, step * move)
        return evaluate(self.net, None, weights=w, biases=b, params=p, problem=problem)

    def base(self, sample=None):
        if sample not in self._e0:
            self.sweeps += 1
            self._e0[sample] = evaluate(self.net, None, problem=self.problem(sample))
        return self._e0[sample]

    def labels_at(self, kind, index, delta, sample=None):
        """A labeling at the perturbed point (for kink detection)."""
        if kind == "input":
            x, t = self.sample(sample)
            x = dict(x)
            x[index] = x[index] + delta
            return label(self.net, x, t, self.of, objective=self.objective)
        if self._scratch is None:
            scratch = self.net.copy()
            e_at = {e: i for i, e in enumerate(self.net.edges)}
            n_at = {n: i for i, n in enumerate(self.net.nodes)}
            # Line the arrays up by edge and node, whatever order the copy keeps them in.
            self._scratch = (scratch, np.array([e_at[e] for e in scratch.edges], dtype=np.intp),
                             np.array([n_at[n] for n in scratch.nodes], dtype=np.intp))
        scratch, e_perm, n_perm = self._scratch
        w, b, p = self.arrays(kind, index, delta)
        scratch.set_parameters(weights=w[e_perm], biases=b[n_perm],
                               params=dict(zip(self.p_names, p.tolist())))
        return label(scratch, self.x, self.t, self.of, objective=self.objective)


def _bumped(arr, index, delta):
    out = arr.astype(np.result_type(arr, delta))  # a copy, complex for a complex step
    out[index] += delta
    return out
