"""Gradient checks: the backward sweep against numerical derivatives, at any size.

:func:`check` gathers three kinds of evidence, each from forward sweeps alone
(:func:`rojas.evaluate`; steps and tolerances in :mod:`rojas.checking.numerical`):

1. **each primitive's claimed derivative** ``df`` against a numerical
   derivative of its ``f`` at exactly the net inputs ``s`` the sweep met
   (:mod:`rojas.checking.derivatives`) — a wrong ``f'`` is blamed on the primitive
   and the units using it;
2. **directional derivatives** along ``k`` random unit directions ``v`` over
   every weight, bias, tied param and input: ``⟨∇E, v⟩`` of the backward sweep
   against central differences (and the complex step where the primitives
   allow) of ``E(θ + εv)`` (:mod:`rojas.checking.directions`) — O(k) sweeps for
   any number of parameters, the fast mode of ``torch.autograd.gradcheck``; a
   failing direction is bisected to the unit to blame;
3. **exact per-parameter derivatives**: every parameter when there are at
   most `exact_limit` (2,000), else a random `sample` plus the `largest`
   ``|∂E/∂·|``, deterministic with `seed`.  On a deep network (a long chain)
   each sweep is slow, so the default sample shrinks to keep the check within
   a fixed number of level-steps, and the report says so.

Tolerances (float64, in the spirit of ``torch.autograd.gradcheck``, whose
``atol=1e-5, rtol=1e-3`` are meant for a fixed step ``1e-6``; the scaled step
and the complex step here are far more accurate, so the defaults are tighter).
A number passes when ``|a − n| ≤ atol·max(1, |E|) + rtol·max(|a|, |n|)``:

========  ======  ======
method    rtol    atol
========  ======  ======
central   1e-5    1e-8
complex   1e-9    1e-12
========  ======  ======

Identical numbers always agree; where the objective overflows within the step
the entry is ``unchecked`` (noted, not failed); NumPy's floating-point warnings
are caught and reported once, in words.
"""

import warnings

import numpy as np

from .directions import Directions, directional_checks, localize
from .exact import GraphQuestions, check_one
from .derivatives import PrimitiveCheck, check_primitives
from .report import CheckReport, DirectionCheck, GradientEntry, name_list
from ..errors import RojasError
from ..network import as_network
from ..engine.labeling import label
from .numerical import METHODS, TOLERANCES, Perturbation
from ..utils.limits import check_work
from ..utils.progress import progress_bar

__all__ = ["check", "CheckReport", "GradientEntry", "PrimitiveCheck", "DirectionCheck", "TOLERANCES",
           "METHODS", "EXACT_LIMIT", "SAMPLE", "LARGEST", "DIRECTIONS", "perceptron_sign_slip"]

EXACT_LIMIT = 2000   # check every parameter one by one up to this many
SAMPLE = 200         # else this many at random …
LARGEST = 20         # … plus this many with the largest |∂E/∂·|
DIRECTIONS = 4       # random directions
# The default sample keeps its sweeps within about this many level-steps (a sweep of a network
# costs about one level-step per generation plus one per 4,000 edges, which a large generation's
# sparse product sums in about that time: ~20 µs each here, so ~8 s).
LEVEL_STEP_BUDGET = 400_000
_COMPLEX_WARNING = getattr(getattr(np, "exceptions", np), "ComplexWarning")  # NumPy ≥ 1.25 moved it


def _positive_int(value, what, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise RojasError(f"{what} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def _tolerances(method, rtol, atol):
    if method not in METHODS:
        raise RojasError(f"unknown check method {method!r} (use central, complex or both)")
    for what, v in (("rtol", rtol), ("atol", atol)):
        if v is not None and not (isinstance(v, (int, float)) and np.isfinite(v) and v >= 0):
            raise RojasError(f"{what} must be a finite number ≥ 0, got {v!r}")
    return {m: (TOLERANCES[m][0] if rtol is None else float(rtol),
                TOLERANCES[m][1] if atol is None else float(atol)) for m in ("central", "complex")}


class _Layout:
    """Every number with a gradient, flat: untied weights, unit biases, params, inputs (per sample)."""

    def __init__(self, net, lab, dirs, check_inputs, batch):
        self.w = np.flatnonzero(dirs.w_on)
        self.b = np.flatnonzero(dirs.b_on)
        self.p = np.arange(dirs.grad["p"].size)
        # The inputs' entries are the rows of dirs.grad["x"] (input by input, sample by sample within):
        # entry() finds input and sample by arithmetic, not in a list of (input, sample) pairs.
        self.inputs = dirs.inputs if check_inputs else []
        self.batch = batch
        g = dirs.grad
        gx = g["x"].ravel() if check_inputs else np.zeros(0)
        self.magnitude = np.abs(np.concatenate([g["w"][self.w], g["b"][self.b], g["p"], gx]))
        self.size = self.magnitude.size
        self.param_names = list(net.params)
        self.edges, self.nodes = net.edges, net.nodes

    def select(self, exact_limit, sample, largest, seed):
        """(flat indices, mode, sampled, largest) of the exact checks."""
        if self.size <= exact_limit:
            return np.arange(self.size), "all", 0, 0
        rng = np.random.default_rng([seed, 1])
        picked = rng.choice(self.size, size=min(sample, self.size), replace=False)
        top = np.argsort(-self.magnitude, kind="stable")[:largest]
        top = top[~np.isin(top, picked)]
        return np.sort(np.concatenate([picked, top])), "sample", int(picked.size), int(top.size)

    def entry(self, net, i, feeds_of_input):
        """(kind, index, ref, name, feeds, sample) of flat index `i`."""
        edges, nodes = self.edges, self.nodes
        for kind, part in (("weight", self.w), ("bias", self.b), ("param", self.p)):
            if i < part.size:
                j = int(part[i])
                if kind == "weight":
                    u, v = edges[j]
                    name = net.edge_name(u, v)
                    return kind, j, (u, v), f"{name} ({u}->{v})" if name else f"{u}->{v}", (v,), None
                if kind == "bias":
                    return kind, j, nodes[j], f"bias {nodes[j]}", (nodes[j],), None
                p = self.param_names[j]
                return kind, j, p, f"param {p}", feeds_of_input("param", p), None
            i -= part.size
        n, s = (self.inputs[i], None) if self.batch is None else (self.inputs[i // self.batch], i % self.batch)
        return ("input", n, n if s is None else (n, s), f"input {n}" if s is None else f"input {n}[{s}]",
                feeds_of_input("input", n), s)


def _sample_budget(lab, method, directions):
    """The default sample size for this network's depth, and why it is smaller than SAMPLE (or "")."""
    levels = len(getattr(lab.plan, "levels", ())) or 1
    cost = levels + lab.plan.n_edges / 4000
    per_entry = 1 if method == "complex" else 2
    fits = int(LEVEL_STEP_BUDGET // cost) // per_entry
    n = max(2, min(SAMPLE + LARGEST, fits))
    if n >= SAMPLE + LARGEST:
        return SAMPLE, LARGEST, ""
    largest = max(1, min(LARGEST, n // 4))
    return n - largest, largest, (f"exact sample cut to {n} (from {SAMPLE + LARGEST}): each sweep of this "
                                  f"{levels:,}-generation network is slow; raise it with --sample / sample=")


def check(net, inputs, targets=None, of=None, method="central", *, objective=None, rtol=None, atol=None,
          check_inputs=True, directions=DIRECTIONS, sample=None, largest=None, seed=0,
          exact_limit=EXACT_LIMIT, progress=None):
    """Check the backward sweep's gradients against numerical derivatives.

    Parameters
    ----------
    net : Network or networkx.DiGraph
    inputs, targets, of, objective
        As for :func:`rojas.label`.
    method : {"central", "complex", "both"}, optional
        ``"central"``: central differences, step ``∛ε·max(1, |x|)``;
        ``"complex"``: the complex step ``Im E(x+ih)/h``, ``h = 1e-20``, where
        every primitive on the way accepts complex numbers (else central
        differences, with a note); ``"both"``: each must agree.
    rtol, atol : float, optional
        Override the defaults of every method (:data:`TOLERANCES`).
    check_inputs : bool, optional
        Also check ``∂E/∂x`` of every input (of every sample in a batch), by
        central differences.
    directions : int, optional
        How many random directions (default 4; 0 for none).
    sample, largest : int, optional
        Beyond `exact_limit` numbers with a gradient, check `sample` of them
        at random plus the `largest` by ``|∂E/∂·|`` one by one (default 200 and
        20, fewer on a very deep network — the report says why).
    seed : int, optional
        Seed of the directions and the sample (default 0: the same check every run).
    exact_limit : int, optional
        Check every number one by one up to this many (default 2,000).
    progress : bool, optional
        A progress bar on stderr (default: when stderr is a terminal).

    Returns
    -------
    CheckReport
        ``report.ok``, ``report.entries``, ``report.directions``,
        ``report.primitives``, ``report.coverage``, ``report.blame``;
        ``str(report)`` a readable table, ``report.to_dict()``.

    Raises
    ------
    RojasError
        On an unknown method or a bad tolerance, count or seed; DataError /
        NetworkError / NumericalError as :func:`rojas.label` raises them.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> report = rojas.check(net, *rojas.load_data(rojas.example_path("mazur", "data")), method="both")
    >>> report.ok, len(report.entries), len(report.directions)
    (True, 14, 8)

    The perceptron with a sign slip in σ, σ(z) = 1/(1+exp(z)) with the
    derivative σ(1−σ), is blamed on the primitive:

    >>> net = rojas.Network(name="slip").add_primitive("sigma", "1/(1+exp(s))", "sigma(s)*(1-sigma(s))")
    >>> _ = net.add_input("x").add_unit("y", "sigma").add_edge("x", "y", weight=0.5, name="w")
    >>> report = rojas.check(net, {"x": 1.0}, {"y": 1.0})
    >>> report.ok, [p.name for p in report.failed_primitives], [e.name for e in report.failures]
    (False, ['sigma'], ['w (x->y)', 'bias y', 'input x'])
    """
    tolerances = _tolerances(method, rtol, atol)
    directions = _positive_int(directions, "directions")
    exact_limit = _positive_int(exact_limit, "exact_limit")
    seed = _positive_int(seed, "seed (numpy seeds are ≥ 0)")
    if sample is not None:
        sample = _positive_int(sample, "sample")
    if largest is not None:
        largest = _positive_int(largest, "largest")
    net = as_network(net)
    caught_numpy = {}

    def record(kind, flag):
        caught_numpy[kind] = caught_numpy.get(kind, 0) + 1

    # Overflow, invalid and division trouble is recorded and said once (underflow is harmless here).
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="call", invalid="call", divide="call",
                                                                   under="ignore", call=record):
        warnings.simplefilter("always")
        report = _check(net, inputs, targets, of, objective, method, tolerances, check_inputs, directions,
                        sample, largest, seed, exact_limit, progress)
    said = {}
    for w in caught:  # numerical warnings become one note; anything else is passed on unchanged
        if issubclass(w.category, (RuntimeWarning, _COMPLEX_WARNING)):
            key = f"{w.category.__name__}: {w.message}"
            said[key] = said.get(key, 0) + 1
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if caught_numpy:
        kinds = ", ".join(f"{k} ({n}×)" for k, n in caught_numpy.items())
        report.notes.append(f"NumPy met floating-point trouble while evaluating at perturbed points: "
                            f"{kinds}; entries whose numbers are not finite are marked, the rest compared")
    if said:
        report.notes.append("warnings raised during the check (each once): "
                            + "; ".join(f"{k}" + (f" ({n}×)" if n > 1 else "") for k, n in said.items()))
    return report


def _check(net, inputs, targets, of, objective, method, tolerances, check_inputs, k, sample, largest, seed,
           exact_limit, progress):
    lab = label(net, inputs, targets, of, objective=objective)
    pert = Perturbation(net, inputs, targets, of, objective, problem=lab.problem)
    scale = max(1.0, abs(lab.value))
    primitives = check_primitives(net, lab, method, {m: tolerances[m] for m in ("central", "complex")})
    failed = {p.name: set(p.bad_nodes) for p in primitives if not p.ok}
    unsafe = {f for f in lab.plan.fns if not net.primitive(f).complex_safe}  # asked once per primitive
    unsafe_nodes = [n for n, f in zip(lab.plan.order, lab.plan.fn_names) if f in unsafe] if unsafe else []
    want_complex = method in ("complex", "both") and lab.loss.complex_safe

    dirs = Directions(net, lab, pert, with_inputs=check_inputs)
    layout = _Layout(net, lab, dirs, check_inputs, pert.batch)
    reason = ""
    if sample is None or largest is None:
        auto_n, auto_l, reason = _sample_budget(lab, method, k)
        sample = auto_n if sample is None else sample
        largest = auto_l if largest is None else largest
        if layout.size <= exact_limit:
            reason = ""
    chosen, mode, n_sampled, n_largest = layout.select(exact_limit, sample, largest, seed)
    per_number = {"central": 2, "complex": 1, "both": 3}[method]
    check_work("rojas check", k * 3 + len(chosen) * per_number, lab.plan)  # before any of them

    bar = progress_bar(total=k + len(chosen), desc="rojas check", unit="check", enabled=progress)
    try:
        rng = np.random.default_rng([seed, 0])
        dchecks, vectors = directional_checks(dirs, k, rng, method, tolerances, scale,
                                              complex_ok=want_complex and not unsafe_nodes, tick=bar.update,
                                              rough=bool(unsafe_nodes))
        helpers = GraphQuestions(net, unsafe_nodes if want_complex else ())
        entries, todo, fallback = [], [], {}
        for i in chosen:
            item = layout.entry(net, int(i), helpers.feeds)
            todo.append(item)
            entries.append(check_one(net, lab, pert, item, method, tolerances, scale, helpers, fallback))
            bar.update()
    finally:
        bar.close()

    blame = []
    if failed:  # a failing entry whose way to the objective passes a unit where a claim was found wrong
        upstream = {p: helpers.upstream(bad) for p, bad in failed.items()}  # one walk per primitive
        for e, item in zip(entries, todo):
            if e.status == "FAIL":
                e.blame = tuple(p for p, up in upstream.items() if any(f in up for f in item[4]))
    else:
        bad_dir = next((d for d in dchecks if not d.ok), None)
        if bad_dir is not None:
            with progress_bar(total=None, desc="rojas check: bisecting", unit="sweep", enabled=progress) as b2:
                blame.append(localize(dirs, vectors[bad_dir.index], bad_dir, tolerances, scale, tick=b2.update))

    notes = []
    dead = structural_zeros(lab, entries, todo)
    if dead:
        notes.append(f"{len(dead):,} unit(s) have no path to an output ({name_list(dead, 8)}): their δ, bias "
                     "gradient and the gradients of the weights into them are 0 by construction (status 'zero', "
                     "not counted as agreements)")
    if method in ("complex", "both") and not lab.loss.complex_safe:
        notes.append(f"complex step not available through the objective {lab.loss.name!r} (not complex-safe): "
                     "central differences used")
    if fallback.get("unsafe"):
        names = sorted({net.fn(n) for n in unsafe_nodes}, key=str)
        notes.append(f"complex step not available through {', '.join(names)} (not complex-safe; "
                     f"nodes {name_list(unsafe_nodes, 8)}): central differences used for "
                     f"{name_list(fallback['unsafe'], 8)}")
    if want_complex and unsafe_nodes and k:
        notes.append("directions: central differences only (the complex step cannot pass "
                     f"{', '.join(sorted({net.fn(n) for n in unsafe_nodes}, key=str))})")
    if fallback.get("raised"):
        notes.append("the complex step raised (a primitive declared complex-safe is not), central "
                     f"differences used for {name_list(fallback['raised'], 8)}")
    if want_complex and any(e.kind == "input" for e in entries):
        notes.append("inputs are checked with central differences (evaluate() takes real inputs)")
    for p in primitives:
        if p.note:
            notes.append(f"primitive {p.name!r}: {p.note}")
    shown = {m: tolerances[m] for m in (("central", "complex") if method != "central" else ("central",))}
    coverage = {"parameters": layout.size, "exact": len(entries), "exact_mode": mode, "sampled": n_sampled,
                "largest": n_largest, "directions": k, "seed": seed, "exact_limit": exact_limit,
                "sweeps": pert.sweeps, "reason": reason, "dead_units": len(dead),
                "structural_zeros": sum(e.status == "zero" for e in entries)}
    return CheckReport(network=net.name, objective=lab.objective, value=float(lab.value), method=method,
                       formula=lab.objective_text(),
                       tolerances=shown, entries=entries, primitives=primitives, directions=dchecks,
                       coverage=coverage, blame=blame, notes=notes)


def structural_zeros(lab, entries, todo):
    """Mark the entries 0 by construction (everything they feed reaches no output); the dead units' ids."""
    from ..engine.reach import dead_rows

    rows = dead_rows(lab)
    if not len(rows):
        return []
    dead = {lab.plan.order[i] for i in rows.tolist()}
    for e, item in zip(entries, todo):
        if e.status == "ok" and e.backward == 0 and all(f in dead for f in item[4]):
            e.status = "zero"
    return [lab.plan.order[i] for i in rows.tolist()]


def perceptron_sign_slip():
    """The perceptron with a sign slip in σ: f = 1/(1+exp(s)) with the claimed df = σ(1−σ)."""
    from ..network import Network

    net = Network(name="perceptron with a sign slip: sigma(z) = 1/(1+exp(z)) with the derivative sigma(1-sigma)")
    net.add_primitive("sigma", "1/(1+exp(s))", "sigma(s)*(1-sigma(s))")
    net.add_input("x1").add_input("x2").add_unit("y", "sigma", bias=0.1)
    net.add_edge("x1", "y", weight=0.3, name="w1").add_edge("x2", "y", weight=-0.2, name="w2")
    return net


