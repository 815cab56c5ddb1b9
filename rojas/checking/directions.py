"""Directional derivatives: ``⟨∇E, v⟩`` against ``d/dε E(θ + εv)`` along random directions.

The fast mode of ``torch.autograd.gradcheck`` in this package's terms: one
random unit vector ``v`` over every number the objective depends on (untied
weights, biases of units, tied params, and the inputs of every sample) costs
two forward sweeps (central differences) or one (the complex step), however
many parameters there are, and checks every gradient at once in the
projection ``⟨∇E, v⟩ = Σ_i ∂E/∂θ_i · v_i``.

When a direction disagrees, :func:`localize` bisects it over the units in
sweep (topological) order: a wrong ``f'`` or a wrong partial at unit ``k``
spoils the gradients of the parameters into ``k`` and into its ancestors
only, all of which come before ``k`` in that order; so the last unit whose
parameters still disagree is ``k``.  ``log₂ N`` restricted checks name it.
"""

import numpy as np

from .derivatives import KINK_JUMP
from .report import DirectionCheck
from ..utils.formatting import fmt
from .numerical import CBRT_EPS, COMPLEX_STEP, agree, rel_error, smaller_steps, tolerance_used

__all__ = ["Directions", "directional_checks", "localize", "moves_inputs"]


def moves_inputs(dx):
    """Whether a direction's input part `dx` (an array, or None) moves any input."""
    return dx is not None and dx.size > 0


class Directions:
    """The flat layout of everything with a gradient, and the backward sweep's gradient in it.

    The inputs are one array, row k for input ``inputs[k]`` (a column per
    sample in a batch): a network of 200,000 inputs costs NumPy operations on
    that array, not a Python step per input.

    Attributes
    ----------
    w_on, b_on : numpy.ndarray of bool
        Untied edges (edge order) and units (node order): the entries a direction moves.
    inputs : list
        The inputs a direction moves (``net.inputs``; none without `with_inputs`).
    x_rows : numpy.ndarray of int
        Their rows in the sweep's arrays.
    grad : dict
        ``{"w", "b", "p", "x"}``: ∂E/∂· in the same layouts (``"x"``: shape ``(len(inputs),)`` or
        ``(len(inputs), B)``).
    """

    def __init__(self, net, lab, pert, with_inputs=True):
        plan = lab.plan
        g = lab.gradients()
        self.net, self.lab, self.pert = net, lab, pert
        self.w_on = np.asarray(plan.edge_param) < 0
        self.b_on = np.zeros(len(plan.order), dtype=bool)
        self.b_on[plan.node_file] = ~np.asarray(plan.is_input)
        self.b_on &= np.asarray(plan.node_param) < 0  # a tied bias is checked through its param
        delta = lab.arrays["delta"]
        self.inputs = list(net.inputs) if with_inputs else []
        pos = plan.pos
        self.x_rows = np.fromiter((pos[n] for n in self.inputs), dtype=np.intp, count=len(self.inputs))
        self.grad = {"w": np.where(self.w_on, g["weights"], 0.0), "b": np.where(self.b_on, g["biases"], 0.0),
                     "p": np.asarray(g["params"], dtype=float), "x": delta[self.x_rows]}
        x0 = pert.problem().x[self.x_rows]  # laid out: a plain number beside a batch is broadcast already
        self.theta = np.concatenate([np.abs(pert.w0[self.w_on]), np.abs(pert.b0[self.b_on]), np.abs(pert.p0),
                                     np.abs(x0).ravel()])

    def random(self, rng):
        """A random unit vector (Gaussian, normalized) as (dw, db, dp, dx); dx is shaped as ``grad["x"]``."""
        dw = np.where(self.w_on, rng.standard_normal(self.w_on.size), 0.0)
        db = np.where(self.b_on, rng.standard_normal(self.b_on.size), 0.0)
        dp = rng.standard_normal(self.grad["p"].size)
        flat = rng.standard_normal(self.grad["x"].size)  # one draw for every input of every sample
        norm = np.sqrt(dw @ dw + db @ db + dp @ dp + flat @ flat) or 1.0
        return dw / norm, db / norm, dp / norm, (flat / norm).reshape(self.grad["x"].shape)

    def dot(self, dw, db, dp, dx):
        """⟨∇E, v⟩ from the backward sweep (`dx` None: the inputs stay)."""
        g = self.grad
        moved = g["x"].ravel() @ dx.ravel() if moves_inputs(dx) else 0.0
        return float(g["w"] @ dw + g["b"] @ db + g["p"] @ dp + moved)

    def step(self, dw, db, dp, dx):
        """∛ε times the typical size of what `v` moves (|θ_i| weighted by v_i², at least 1)."""
        v2 = np.concatenate([dw[self.w_on] ** 2, db[self.b_on] ** 2, dp ** 2,
                             np.square(dx).ravel() if moves_inputs(dx) else np.zeros(self.grad["x"].size)])
        h = CBRT_EPS * max(1.0, float(self.theta @ v2))
        return (1.0 + h) - 1.0


def _compare(index, method, over, backward, numerical, tol, e_scale):
    rtol, atol = tol
    if not np.isfinite(numerical) and np.isfinite(backward):
        return DirectionCheck(index, method, over, backward, float(numerical), float("inf"), "unchecked",
                              "the objective is not finite within the step (it overflows): not checked")
    ok = agree(backward, numerical, rtol, atol * e_scale)
    return DirectionCheck(index, method, over, backward, float(numerical), rel_error(backward, numerical),
                          "ok" if ok else "FAIL",
                          of_tolerance=tolerance_used(backward, numerical, rtol, atol * e_scale))


def _central(dirs, v, h, sides=False):
    dw, db, dp, dx = v
    dx = (dirs.x_rows, dx) if moves_inputs(dx) else None
    e_plus = float(np.real(dirs.pert.along(h, dw, db, dp, dx)))
    e_minus = float(np.real(dirs.pert.along(-h, dw, db, dp, dx)))
    central = (e_plus - e_minus) / (2 * h)
    if not sides:
        return central
    e0 = float(np.real(dirs.pert.base()))
    return central, (e_plus - e0) / h, (e0 - e_minus) / h


def _kink(check, backward, fwd, bwd, atol):
    """A central check that failed at a kink: one-sided derivatives differ and the backward value lies between."""
    if not (np.isfinite(fwd) and np.isfinite(bwd)):
        return check
    jump = abs(fwd - bwd) > KINK_JUMP * max(1.0, abs(fwd), abs(bwd))
    slack = 1e-4 * max(1.0, abs(backward)) + atol
    if jump and min(fwd, bwd) - slack <= backward <= max(fwd, bwd) + slack:
        check.status = "kink"
        check.note = (f"a kink of a non-analytic unit lies within the step: one-sided derivatives "
                      f"{fmt(bwd, 6)} (left) and {fmt(fwd, 6)} (right); the backward value "
                      "takes one side")
    return check


def _richardson(dirs, index, over, v, h, central, backward, tol, e_scale, failed):
    """A failed central difference, again with the step's curvature error removed.

    Along a random direction the step is set by the largest numbers moved, so a
    strongly curved objective (exp near overflow) can miss by the h² term alone;
    (4·D(h/2) − D(h))/3 cancels it.  A wrong derivative still disagrees.
    """
    half = _central(dirs, v, h / 2)
    extrapolated = half + (half - central) / 3  # = (4·D(h/2) − D(h))/3, without overflowing
    if not np.isfinite(extrapolated):
        return failed
    again = _compare(index, "central", over, backward, extrapolated, tol, e_scale)
    if again.status == "ok":
        again.note = ("agrees after Richardson extrapolation of the central difference "
                      "(the objective curves strongly within the step)")
        return again
    return failed


def _smaller(dirs, index, over, v, h, central, backward, tol, e_scale, failed):
    """A failed central difference again with smaller steps (numerical.smaller_steps): the objective may
    turn on a scale below the step (sin far from 0), which is no fault of the gradient."""
    smaller = smaller_steps(lambda step: _central(dirs, v, step), h, central, backward, tol[0], tol[1] * e_scale)
    if smaller is None:
        return failed
    again = _compare(index, "central", over, backward, smaller[0], tol, e_scale)
    again.note = f"agrees with the step {smaller[1]:.2g} (the objective turns on a scale below the step {h:.2g})"
    return again


def _complex(dirs, v):
    dw, db, dp, _ = v
    return float(np.imag(dirs.pert.along(COMPLEX_STEP * 1j, dw, db, dp))) / COMPLEX_STEP


def one_direction(dirs, index, v, method, tolerances, e_scale, complex_ok, rough=True):
    """The checks of one direction: central over all of v, and/or the complex step over its parameters.

    Without the complex step (a non-analytic primitive on the way) a failing
    central difference is looked at from both sides: at a kink it is marked
    ``kink``, as :func:`rojas.check` marks single parameters.
    """
    dw, db, dp, dx = v
    out = []
    if method in ("central", "both") or not complex_ok:
        over = "parameters and inputs" if moves_inputs(dx) else "parameters"
        h = dirs.step(*v)
        central = _central(dirs, v, h)
        backward = dirs.dot(*v)
        c = _compare(index, "central", over, backward, central, tolerances["central"], e_scale)
        if c.status == "FAIL":
            c = _richardson(dirs, index, over, v, h, central, backward, tolerances["central"], e_scale, c)
        if c.status == "FAIL":
            c = _smaller(dirs, index, over, v, h, central, backward, tolerances["central"], e_scale, c)
        if c.status == "FAIL" and rough:  # a non-analytic unit: look from both sides
            _, fwd, bwd = _central(dirs, v, h, sides=True)
            c = _kink(c, backward, fwd, bwd, tolerances["central"][1] * e_scale)
        out.append(c)
    if method in ("complex", "both") and complex_ok:
        vp = (dw, db, dp, None)
        out.append(_compare(index, "complex", "parameters", dirs.dot(*vp), _complex(dirs, vp),
                            tolerances["complex"], e_scale))
        if method == "complex" and moves_inputs(dx):  # evaluate() takes real inputs: inputs by central differences
            vx = (0 * dw, 0 * db, 0 * dp, dx)
            h, backward = dirs.step(*vx), dirs.dot(*vx)
            central = _central(dirs, vx, h)
            c = _compare(index, "central", "inputs", backward, central, tolerances["central"], e_scale)
            if c.status == "FAIL":
                c = _smaller(dirs, index, "inputs", vx, h, central, backward, tolerances["central"], e_scale, c)
            out.append(c)
    return out


def directional_checks(dirs, k, rng, method, tolerances, e_scale, complex_ok, tick=None, rough=True):
    """k random directions, each checked by :func:`one_direction`; returns (checks, directions)."""
    checks, vectors = [], []
    for i in range(k):
        v = dirs.random(rng)
        vectors.append(v)
        try:
            checks += one_direction(dirs, i, v, method, tolerances, e_scale, complex_ok, rough)
        except Exception as exc:  # a primitive declared complex-safe that is not: central from here on
            if not complex_ok or method == "central":
                raise
            complex_ok = False
            found = one_direction(dirs, i, v, method, tolerances, e_scale, complex_ok, rough)
            found[0].note = f"the complex step raised ({type(exc).__name__}): central differences used"
            checks += found
        if tick is not None:
            tick()
    return checks, vectors


def localize(dirs, v, check, tolerances, e_scale, tick=None):
    """The unit a failing direction's disagreement comes from, in words (None when it does not bisect)."""
    net, plan = dirs.net, dirs.lab.plan
    dw, db, dp, dx = v
    if check.over == "parameters":
        dx = None
    elif check.over == "inputs":
        dw, db, dp = 0 * dw, 0 * db, 0 * dp
    # Rank of each coordinate: the sweep position of the unit it feeds (inputs: before every unit).
    pos = plan.pos
    w_rank = np.array([pos[v_] for _, v_ in net.edges], dtype=np.intp)
    b_rank = np.empty(len(plan.order), dtype=np.intp)
    b_rank[plan.node_file] = np.arange(len(plan.order))
    p_rank = np.full(dp.size, len(plan.order), dtype=np.intp)
    tied = np.asarray(plan.edge_param) >= 0
    np.minimum.at(p_rank, np.asarray(plan.edge_param)[tied], w_rank[tied])
    ranks = np.unique(np.concatenate([w_rank[dw != 0], b_rank[db != 0], p_rank[dp != 0],
                                      [-1] if moves_inputs(dx) else []]).astype(np.intp))

    def fails(lo, hi=None):
        keep = lambda r: (r >= lo) & (r <= hi) if hi is not None else (r >= lo)
        part = (np.where(keep(w_rank), dw, 0.0), np.where(keep(b_rank), db, 0.0),
                np.where(keep(p_rank), dp, 0.0), dx if keep(-1) else None)
        if check.method == "complex":
            num = _complex(dirs, part)
        else:
            num = _central(dirs, part, dirs.step(*part))
        if tick is not None:
            tick()
        rtol, atol = tolerances[check.method]
        return not agree(dirs.dot(*part), num, rtol, atol * e_scale)

    lo, hi = 0, len(ranks)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fails(ranks[mid]):
            lo = mid
        else:
            hi = mid
    r = int(ranks[lo])
    if r < 0:
        return (f"direction {check.index + 1}: the disagreement is in the input gradients alone "
                "(every unit's parameters agree)")
    unit = plan.order[r]
    fn = net.fn(unit)
    alone = fails(r, r)
    prim = net.primitive(fn)
    src = f" (f = {prim.source[0]}, df = {prim.source[1]})" if getattr(prim, "source", None) else ""
    return (f"direction {check.index + 1} localizes the disagreement to unit {unit!r} "
            f"(primitive {fn!r}{src}, combine {net.combine(unit)}): the gradients of the parameters "
            f"into it {'disagree' if alone else 'do not disagree alone but together with earlier units'}, "
            "those of every later unit agree — its claimed f′ or its combine's partials are to blame")
