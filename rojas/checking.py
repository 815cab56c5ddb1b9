"""Gradient checks: the backward sweep against numerical derivatives.

:func:`check` compares every number Rojas's backward sweep produces (each
weight, bias, tied param and input gradient) with a numerical derivative of
the objective computed from forward sweeps alone (:func:`rojas.evaluate`):

central differences
    ``(E(x+h) − E(x−h)) / 2h`` with a step scaled to the parameter,
    ``h = ∛ε · max(1, |x|)`` (ε the float64 machine epsilon), which balances
    the truncation error (∝ h²) against rounding (∝ ε/h);
complex step
    ``Im E(x + ih) / h`` with ``h = 1e-20``: no subtraction, so no
    cancellation, and exact to machine precision; it needs every primitive on
    the way from the parameter to the objective to accept complex numbers (the
    registry's ``complex_safe`` flag; file primitives built from whitelisted
    analytic functions have it).  Otherwise the check falls back to central
    differences and says so.

It also checks each primitive's *claimed* derivative ``df`` on its own, against
a numerical derivative of its ``f``, at exactly the net inputs ``s`` the
forward sweep met.  A wrong ``f'`` is then blamed on the primitive and the
nodes that use it, rather than showing up only as a list of weights whose
gradients happen to disagree.

Tolerances (float64, in the spirit of ``torch.autograd.gradcheck``, whose
``atol=1e-5, rtol=1e-3`` are meant for a fixed step ``1e-6``; the scaled step
and the complex step here are far more accurate, so the defaults are tighter).
An entry passes when ``|a − n| ≤ atol·max(1, |E|) + rtol·max(|a|, |n|)``
(``a`` the backward sweep, ``n`` the numerical value, ``E`` the objective;
rounding in central differences grows with ``|E|``, hence the scaled floor):

========  ======  ======
method    rtol    atol
========  ======  ======
central   1e-5    1e-8
complex   1e-9    1e-12
========  ======  ======

The *relative error* shown is ``|a − n| / max(|a|, |n|)`` (0 when both are 0).
A wrong derivative (wrong sign, a factor 2, a missing chain factor) gives
relative errors of order 1, many orders above these tolerances.

Kinks: where a non-analytic primitive (``relu``, anything using ``abs``) has
a kink within the step, central differences straddle it.  The check then
looks at the one-sided differences; if the backward value agrees with the
side the sweep took (it lies between the two one-sided derivatives) the entry
is marked ``kink`` with a note, not as a failure.
"""

from dataclasses import dataclass, field

import numpy as np

from .data import prepare
from .errors import RojasError
from .labeling import evaluate, label

__all__ = ["check", "CheckReport", "GradientEntry", "PrimitiveCheck", "TOLERANCES"]

EPS = np.finfo(float).eps
CBRT_EPS = EPS ** (1.0 / 3.0)
COMPLEX_STEP = 1e-20
METHODS = ("central", "complex", "both")

#: Default ``(rtol, atol)`` per method; ``atol`` is multiplied by ``max(1, |E|)``.
TOLERANCES = {"central": (1e-5, 1e-8), "complex": (1e-9, 1e-12)}

# A kink is recognised when a non-analytic unit's f'(s) jumps by more than this
# (relative) between x−h and x+h, and the one-sided differences differ by as much.
_KINK_JUMP = 1e-3


def _rel_error(a, n):
    scale = max(abs(a), abs(n))
    if scale == 0:
        return 0.0
    return abs(a - n) / scale


def _agree(a, n, rtol, atol):
    if not (np.isfinite(a) and np.isfinite(n)):
        return False
    return abs(a - n) <= atol + rtol * max(abs(a), abs(n))


def _central_step(value):
    """∛ε·max(1, |value|), rounded so that value ± h are exactly representable apart."""
    h = CBRT_EPS * max(1.0, abs(value))
    return (value + h) - value


def _num(value, digits=9):
    if value is None:
        return ""
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return f"{value + 0.0:.{digits}g}"  # + 0.0: no "-0"


def _json(value):
    """Numbers for JSON: non-finite floats become the strings "inf", "-inf", "nan"."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value


def _table(header, rows):
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _names(items, limit=12):
    items = [str(i) for i in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f", … ({len(items) - limit} more)"
    return ", ".join(items)


@dataclass
class GradientEntry:
    """One number of the backward sweep and its numerical counterpart.

    Attributes
    ----------
    kind : {"weight", "bias", "param", "input"}
    ref : object
        What :meth:`rojas.Labeling.grad` would take: the edge ``(u, v)``, the
        node (its bias), the param name, or the input node (``(node, sample)``
        for an input in a batch).
    name : str
        How the report shows it, e.g. ``"w1 (i1->h1)"``, ``"bias h1"``.
    backward : float
        The backward sweep's value (``o_i·δ_j``, ``δ_j``, a sum over tied edges, ``δ`` of an input).
    numerical : float
        The numerical derivative compared (the complex step when it ran, else central).
    rel_error : float
        ``|backward − numerical| / max(|backward|, |numerical|)``.
    status : {"ok", "kink", "FAIL"}
    central, complex : float or None
        Each method's value, when it ran.
    note : str
    blame : tuple of str
        The primitives whose own derivative check failed at a node on this
        entry's way to the objective.
    """

    kind: str
    ref: object
    name: str
    backward: float
    numerical: float
    rel_error: float
    status: str
    central: float | None = None
    complex: float | None = None
    note: str = ""
    blame: tuple = ()

    @property
    def ok(self):
        """True unless the entry disagrees (a ``kink`` entry is ok)."""
        return self.status != "FAIL"

    def to_dict(self):
        out = {"kind": self.kind, "name": self.name, "backward": self.backward,
               "numerical": self.numerical, "rel_error": self.rel_error, "status": self.status,
               "ok": self.ok}
        if self.kind == "weight":
            out["source"], out["target"] = self.ref
        if self.central is not None:
            out["central"] = self.central
        if self.complex is not None:
            out["complex"] = self.complex
        if self.note:
            out["note"] = self.note
        if self.blame:
            out["blame"] = list(self.blame)
        return out


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
        The nodes where it disagrees.
    max_rel_error : float
    worst : dict or None
        ``{"node", "s", "claimed", "numerical"}`` at the worst point.
    kinks : int
        Points within a step of a kink (where one-sided derivatives differ), noted not failed.
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
                f"(worst at node {w['node']!r}, s = {_num(w['s'], 6)}: claimed f'(s) = "
                f"{_num(w['claimed'], 6)}, numerical {_num(w['numerical'], 6)}); "
                f"nodes using it: {_names(self.nodes)}")

    def to_dict(self):
        out = {"name": self.name, "nodes": [str(n) for n in self.nodes], "points": self.points,
               "method": self.method, "ok": self.ok, "bad": self.bad,
               "bad_nodes": [str(n) for n in self.bad_nodes], "max_rel_error": self.max_rel_error,
               "kinks": self.kinks}
        if self.source:
            out["source"] = {"f": self.source[0], "df": self.source[1]}
        if self.worst:
            out["worst"] = {**self.worst, "node": str(self.worst["node"])}
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class CheckReport:
    """What :func:`check` found.

    Attributes
    ----------
    network : str
        The network's name.
    objective : str or node
        ``"E"`` or the node differentiated.
    value : float
        The objective's value.
    method : {"central", "complex", "both"}
    tolerances : dict
        ``{method: (rtol, atol)}`` used.
    entries : list of GradientEntry
        Every weight (untied edges), bias, tied param and input (per sample in a batch).
    primitives : list of PrimitiveCheck
    notes : list of str
        Fallbacks and kinks, in words.
    """

    network: str
    objective: object
    value: float
    method: str
    tolerances: dict
    entries: list = field(default_factory=list)
    primitives: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        """True when every entry and every primitive's derivative agrees."""
        return all(e.ok for e in self.entries) and all(p.ok for p in self.primitives)

    @property
    def failures(self):
        """The entries that disagree."""
        return [e for e in self.entries if not e.ok]

    @property
    def failed_primitives(self):
        """The primitives whose claimed derivative disagrees with their f."""
        return [p for p in self.primitives if not p.ok]

    def __bool__(self):
        return self.ok

    def summary(self):
        """The verdict in a few lines: what agrees, or which primitive, nodes and parameters do not."""
        n = len(self.entries)
        if self.ok:
            kinks = sum(e.status == "kink" for e in self.entries)
            extra = f" ({kinks} at a kink, see notes)" if kinks else ""
            return (f"OK: all {n} gradients agree with {self._method_words()}{extra}; "
                    f"every primitive's claimed derivative agrees with its f.")
        lines = [f"DISAGREE: {len(self.failures)} of {n} gradients disagree"
                 + (f", {len(self.failed_primitives)} primitive(s) claim a wrong derivative"
                    if self.failed_primitives else "") + "."]
        for p in self.failed_primitives:
            through = [e.name for e in self.failures if p.name in e.blame]
            lines.append("  " + p.describe()
                         + (f"; gradients that disagree through it: {_names(through)}" if through
                            else "; no gradient disagrees through it at this point, but the claim is wrong"))
        unexplained = [e.name for e in self.failures if not e.blame]
        if unexplained:
            lines.append(f"  gradients that disagree with no primitive to blame: {_names(unexplained)}")
        return "\n".join(lines)

    def _method_words(self):
        return {"central": "central differences", "complex": "the complex step",
                "both": "central differences and the complex step"}[self.method]

    def __str__(self):
        obj = "E = ½Σ(o−t)²" if self.objective == "E" else f"o[{self.objective}]"
        out = [f"gradient check of {self.network or 'network'}: objective {obj} = {_num(self.value)}",
               f"method: {self._method_words()}"]
        for m, (rtol, atol) in self.tolerances.items():
            step = ("h = ∛ε·max(1,|x|)" if m == "central" else f"h = {COMPLEX_STEP:g}")
            out.append(f"  {m}: {step}; agrees when |a−n| ≤ {atol:g}·max(1,|E|) + {rtol:g}·max(|a|,|n|)")
        out.append("")
        if self.primitives:
            rows = [[p.name, _names(p.nodes, 6), p.points, p.method, f"{p.max_rel_error:.1e}",
                     "ok" if p.ok else "FAIL"] for p in self.primitives]
            out += ["Primitives: claimed f'(s) vs the numerical derivative of f at the s values met",
                    _table(["primitive", "nodes", "points", "method", "max rel err", "status"], rows), ""]
        rows = [[e.kind, e.name, _num(e.backward), _num(e.numerical), f"{e.rel_error:.1e}", e.status]
                for e in self.entries]
        out += ["Gradients: backward sweep vs numerical",
                _table(["kind", "name", "backward", "numerical", "rel err", "status"], rows)]
        if self.method == "both":
            rows = [[e.name, _num(e.central), _num(e.complex),
                     f"{_rel_error(e.central, e.complex):.1e}"]
                    for e in self.entries if e.central is not None and e.complex is not None]
            if rows:
                worst = max(float(r[3]) for r in rows)
                out += ["", f"central differences vs complex step: largest relative difference {worst:.1e}"]
        notes = list(self.notes) + [f"{e.name}: {e.note}" for e in self.entries if e.note]
        if notes:
            out += ["", "Notes:"] + [f"  - {n}" for n in notes]
        out += ["", self.summary()]
        return "\n".join(out)

    def failure_message(self, limit=20):
        """What disagrees, for an assertion: the summary and the failing entries."""
        lines = [self.summary()]
        for e in self.failures[:limit]:
            lines.append(f"  {e.name}: backward {_num(e.backward)} vs numerical {_num(e.numerical)} "
                         f"(rel err {e.rel_error:.2e})" + (f" [{e.note}]" if e.note else ""))
        if len(self.failures) > limit:
            lines.append(f"  … and {len(self.failures) - limit} more")
        return "\n".join(lines)

    def to_dict(self):
        """The report as the JSON object ``rojas check --json`` prints (non-finite numbers as strings)."""
        return _json({"network": self.network,
                "objective": self.objective if self.objective == "E" else str(self.objective),
                "value": self.value, "method": self.method, "ok": self.ok,
                "tolerances": {m: {"rtol": r, "atol": a} for m, (r, a) in self.tolerances.items()},
                "primitives": [p.to_dict() for p in self.primitives],
                "entries": [e.to_dict() for e in self.entries],
                "notes": list(self.notes), "summary": self.summary()})


class _Problem:
    """The objective at perturbed parameters or inputs, through forward sweeps only."""

    def __init__(self, net, inputs, targets, of):
        self.net = net
        x, t, self.batch, self.of = prepare(net, inputs, targets, of)
        self.x, self.t = x, (t or None)
        params = net.parameters()
        self.w0, self.b0 = params["weights"], params["biases"]
        self.p_names = list(params["params"])
        self.p0 = np.array(list(params["params"].values()), dtype=float)
        self._scratch = None
        self._e0 = {}

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

    def value(self, kind, index, delta, sample=None):
        """The objective with one parameter (or one input of one sample) moved by `delta`."""
        if kind == "input":
            x, t = self.sample(sample)
            x = dict(x)
            x[index] = x[index] + delta
            return evaluate(self.net, x, t, self.of)
        w, b, p = self.arrays(kind, index, delta)
        return evaluate(self.net, self.x, self.t, self.of, weights=w, biases=b, params=p)

    def base(self, sample=None):
        if sample not in self._e0:
            x, t = self.sample(sample)
            self._e0[sample] = evaluate(self.net, x, t, self.of)
        return self._e0[sample]

    def labels_at(self, kind, index, delta, sample=None):
        """A labeling at the perturbed point (for kink detection)."""
        if kind == "input":
            x, t = self.sample(sample)
            x = dict(x)
            x[index] = x[index] + delta
            return label(self.net, x, t, self.of)
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
        return label(scratch, self.x, self.t, self.of)


def _bumped(arr, index, delta):
    out = arr.astype(np.result_type(arr, delta))  # a copy, complex for a complex step
    out[index] += delta
    return out


def _as_network(net):
    from .network import Network

    return net if isinstance(net, Network) else Network(net)


def _reverse_closure(G, order, seeds):
    """Nodes from which some node in `seeds` can be reached (the seeds included)."""
    marked = set(seeds)
    for n in reversed(order):
        if n not in marked and any(c in marked for c in G.successors(n)):
            marked.add(n)
    return marked


def _downstream(G, starts):
    import networkx as nx

    out = set(starts)
    for s in starts:
        out |= nx.descendants(G, s)
    return out


def _check_primitives(net, lab, method, tolerances):
    """Each primitive's claimed df against a numerical derivative of its f at the s values met."""
    s_all = lab.arrays["s"]
    by_fn = {}
    for n in lab.plan.order:
        fn = net.fn(n)
        if fn != "input":
            by_fn.setdefault(fn, []).append(n)
    checks = []
    for fn, nodes in by_fn.items():
        prim = net.primitive(fn)
        rows = np.array([lab.plan.pos[n] for n in nodes])
        s = np.asarray(s_all[rows], dtype=float)
        owner = np.repeat(np.arange(len(nodes)), s[0].size if s.ndim == 2 else 1)
        s = s.reshape(-1)
        s, first = np.unique(s, return_index=True)
        owner = owner[first]
        use_complex = method in ("complex", "both") and prim.complex_safe
        note = ""
        with np.errstate(all="ignore"):
            claimed = np.broadcast_to(np.asarray(prim.df(s), dtype=float), s.shape).copy()
            fs = np.broadcast_to(np.asarray(prim.f(s), dtype=float), s.shape)
            numeric, m = None, "central"
            if use_complex:
                try:
                    numeric = np.imag(np.asarray(prim.f(s + COMPLEX_STEP * 1j))) / COMPLEX_STEP
                    numeric = np.broadcast_to(numeric, s.shape).astype(float)
                    m = "complex"
                except Exception as exc:  # a primitive that says complex_safe but is not
                    note = f"complex step failed ({type(exc).__name__}); central differences used"
            elif method in ("complex", "both"):
                note = "not complex-safe: central differences used"
            h = CBRT_EPS * np.maximum(1.0, np.abs(s))
            h = (s + h) - s
            f_plus = np.asarray(prim.f(s + h), dtype=float)
            f_minus = np.asarray(prim.f(s - h), dtype=float)
            central = np.broadcast_to((f_plus - f_minus) / (2 * h), s.shape)
            if numeric is None:
                numeric = central
        rtol, atol = tolerances[m]
        scale = np.maximum(1.0, np.abs(fs))
        big = np.maximum(np.abs(claimed), np.abs(numeric))
        diff = np.abs(claimed - numeric)
        bad = ~(diff <= atol * scale + rtol * big)  # NaN counts as bad
        kinks = np.zeros_like(bad)
        if m == "central" and not prim.complex_safe and bad.any():
            fwd = (f_plus - fs) / h
            bwd = (fs - f_minus) / h
            jump = np.abs(fwd - bwd) > _KINK_JUMP * np.maximum(1.0, np.maximum(np.abs(fwd), np.abs(bwd)))
            lo, hi = np.minimum(fwd, bwd), np.maximum(fwd, bwd)
            slack = 1e-4 * np.maximum(1.0, np.abs(claimed)) + atol * scale
            between = (claimed >= lo - slack) & (claimed <= hi + slack)
            kinks = bad & jump & between
            bad = bad & ~kinks
        with np.errstate(all="ignore"):
            rel = np.where(big > 0, diff / np.where(big > 0, big, 1.0), 0.0)
        rel = np.where(np.isfinite(rel), rel, np.inf)
        considered = np.where(kinks, 0.0, rel)
        worst = int(np.argmax(considered)) if s.size else None
        check = PrimitiveCheck(
            name=fn, source=prim.source, nodes=tuple(nodes), points=int(s.size), method=m,
            bad=int(bad.sum()), bad_nodes=tuple(dict.fromkeys(nodes[i] for i in owner[bad])),
            max_rel_error=float(considered.max()) if s.size else 0.0,
            worst=None if worst is None else {"node": nodes[owner[worst]], "s": float(s[worst]),
                                              "claimed": float(claimed[worst]),
                                              "numerical": float(numeric[worst])},
            kinks=int(kinks.sum()), note=note)
        if check.kinks:
            check.note = (check.note + "; " if check.note else "") + (
                f"{check.kinks} point(s) within a step of a kink (one-sided derivatives differ; "
                "the claimed value lies between them)")
        checks.append(check)
    return checks


def check(net, inputs, targets=None, of=None, method="central", *, rtol=None, atol=None,
          check_inputs=True):
    """Check the backward sweep's gradients against numerical derivatives.

    Parameters
    ----------
    net : Network or networkx.DiGraph
    inputs, targets, of
        As for :func:`rojas.label`: the objective is ``E = ½Σ(o−t)²`` (summed
        over a batch) with targets, else the value of the node `of` (or of the
        single output).
    method : {"central", "complex", "both"}, optional
        ``"central"``: central differences with the step ``∛ε·max(1, |x|)``;
        ``"complex"``: the complex step ``Im E(x+ih)/h``, ``h = 1e-20``, where
        every primitive on the way accepts complex numbers (else central
        differences, with a note); ``"both"``: each entry must agree with both.
    rtol, atol : float, optional
        Override the defaults of every method (see :data:`TOLERANCES`: central
        ``1e-5, 1e-8``; complex ``1e-9, 1e-12``).  An entry agrees when
        ``|a − n| ≤ atol·max(1, |E|) + rtol·max(|a|, |n|)``.
    check_inputs : bool, optional
        Also check ``∂E/∂x`` of every input (of every sample in a batch).
        Inputs are checked with central differences only (:func:`rojas.evaluate`
        takes real inputs).

    Returns
    -------
    CheckReport
        ``report.ok``, ``report.entries`` (one per weight, bias, tied param and
        input), ``report.primitives`` (each primitive's claimed derivative
        against its ``f``), ``str(report)`` a readable table, ``report.to_dict()``.

    Raises
    ------
    RojasError
        On an unknown method or a bad tolerance; DataError / NetworkError /
        NumericalError as :func:`rojas.label` raises them.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> report = rojas.check(net, *rojas.load_data(rojas.example_path("mazur", "data")), method="both")
    >>> report.ok, len(report.entries)
    (True, 14)

    Seed 000's sign slip, σ(z) = 1/(1+exp(z)) with the derivative σ(1−σ), is
    blamed on the primitive:

    >>> net = rojas.Network(name="slip").add_primitive("sigma", "1/(1+exp(s))", "sigma(s)*(1-sigma(s))")
    >>> _ = net.add_input("x").add_unit("y", "sigma").add_edge("x", "y", weight=0.5, name="w")
    >>> report = rojas.check(net, {"x": 1.0}, {"y": 1.0})
    >>> report.ok, [p.name for p in report.failed_primitives], [e.name for e in report.failures]
    (False, ['sigma'], ['w (x->y)', 'bias y', 'input x'])
    """
    if method not in METHODS:
        raise RojasError(f"unknown check method {method!r} (use central, complex or both)")
    for what, v in (("rtol", rtol), ("atol", atol)):
        if v is not None and not (isinstance(v, (int, float)) and np.isfinite(v) and v >= 0):
            raise RojasError(f"{what} must be a finite number ≥ 0, got {v!r}")
    tolerances = {m: (TOLERANCES[m][0] if rtol is None else float(rtol),
                      TOLERANCES[m][1] if atol is None else float(atol))
                  for m in (("central", "complex") if method == "both" else (method,))}
    if method == "complex":
        tolerances["central"] = (TOLERANCES["central"][0] if rtol is None else float(rtol),
                                 TOLERANCES["central"][1] if atol is None else float(atol))
    net = _as_network(net)
    lab = label(net, inputs, targets, of)
    problem = _Problem(net, inputs, targets, of)
    order = lab.plan.order
    scale = max(1.0, abs(lab.value))

    primitives = _check_primitives(net, lab, method, tolerances)
    failed = {p.name: set(p.bad_nodes) for p in primitives if not p.ok}

    # Where the complex step cannot go: units whose primitive is not complex-safe, and every
    # node upstream of one of them.
    unsafe_nodes = [n for n in order if net.fn(n) != "input" and not net.primitive(net.fn(n)).complex_safe]
    G = net.to_networkx()
    tainted = _reverse_closure(G, order, unsafe_nodes) if unsafe_nodes else set()
    want_complex = method in ("complex", "both")

    nodes, edges = net.nodes, net.edges
    params = net.params
    tied_edges = {}
    for (u, v) in edges:
        p = net.edge_param(u, v)
        if p is not None:
            tied_edges.setdefault(p, []).append((u, v))

    # (kind, index for the arrays, ref, display name, nodes the parameter feeds, sample)
    todo = []
    for i, (u, v) in enumerate(edges):
        if net.edge_param(u, v) is None:
            name = net.edge_name(u, v)
            todo.append(("weight", i, (u, v), f"{name} ({u}->{v})" if name else f"{u}->{v}", (v,), None))
    for i, n in enumerate(nodes):
        if net.fn(n) != "input":
            todo.append(("bias", i, n, f"bias {n}", (n,), None))
    for i, p in enumerate(params):
        feeds = tuple(dict.fromkeys(v for _, v in tied_edges.get(p, [])))
        todo.append(("param", i, p, f"param {p}", feeds, None))
    if check_inputs:
        samples = [None] if problem.batch is None else range(problem.batch)
        for n in net.inputs:
            for b in samples:
                todo.append(("input", n, n if b is None else (n, b),
                             f"input {n}" if b is None else f"input {n}[{b}]", tuple(G.successors(n)), b))

    entries = []
    fallback = {}
    for kind, index, ref, name, feeds, sample in todo:
        backward = _backward_value(lab, kind, ref, sample)
        base = problem.base(sample) if kind == "input" else None
        e_scale = scale if base is None else max(1.0, abs(base))
        central = cplx = None
        note = ""
        run_complex = want_complex and kind != "input" and not any(n in tainted for n in feeds)
        if want_complex and not run_complex and kind != "input":
            fallback.setdefault("unsafe", []).append(name)
        if run_complex:
            try:
                with np.errstate(all="ignore"):
                    cplx = float(np.imag(problem.value(kind, index, COMPLEX_STEP * 1j, sample))) / COMPLEX_STEP
            except Exception as exc:  # a primitive that claims complex safety but is not
                fallback.setdefault("raised", []).append(f"{name} ({type(exc).__name__})")
                cplx, run_complex = None, False
        need_central = method in ("central", "both") or cplx is None
        status = "ok"
        if need_central:
            x0 = _current(problem, kind, index, sample)
            h = _central_step(x0)
            e_plus = float(np.real(problem.value(kind, index, h, sample)))
            e_minus = float(np.real(problem.value(kind, index, -h, sample)))
            central = (e_plus - e_minus) / (2 * h)
            rtol_c, atol_c = tolerances["central"]
            if not _agree(backward, central, rtol_c, atol_c * e_scale):
                status = "FAIL"
                kink = _kink(net, G, problem, kind, index, ref, sample, feeds, h, e_plus, e_minus,
                             backward, atol_c * e_scale)
                if kink:
                    status, note = kink
                elif not np.isfinite(central):
                    note = "the objective is not finite at x ± h"
        if cplx is not None:
            rtol_x, atol_x = tolerances["complex"]
            if not _agree(backward, cplx, rtol_x, atol_x * e_scale):
                status = "FAIL"
        numerical = cplx if cplx is not None else central
        entries.append(GradientEntry(kind, ref, name, float(backward), float(numerical),
                                     _rel_error(backward, numerical) if np.isfinite(numerical) else float("inf"),
                                     status, central, cplx, note))

    # Blame: a failing entry whose way to the objective passes a node where a primitive's
    # claimed derivative was found wrong.
    if failed:
        ways = {}
        for e, (_, _, _, _, feeds, _) in zip(entries, todo):
            if e.status == "FAIL":
                if feeds not in ways:
                    ways[feeds] = _downstream(G, feeds)
                e.blame = tuple(p for p, bad in failed.items() if bad & ways[feeds])

    notes = []
    if fallback.get("unsafe"):
        names = sorted({net.fn(n) for n in unsafe_nodes}, key=str)
        notes.append(f"complex step not available through {', '.join(names)} (not complex-safe; "
                     f"nodes {_names(unsafe_nodes, 8)}): central differences used for "
                     f"{_names(fallback['unsafe'], 8)}")
    if fallback.get("raised"):
        notes.append("the complex step raised (a primitive declared complex-safe is not), central "
                     f"differences used for {_names(fallback['raised'], 8)}")
    if want_complex and check_inputs and any(e.kind == "input" for e in entries):
        notes.append("inputs are checked with central differences (evaluate() takes real inputs)")
    for p in primitives:
        if p.note:
            notes.append(f"primitive {p.name!r}: {p.note}")
    return CheckReport(network=net.name, objective=lab.objective, value=float(lab.value),
                       method=method, tolerances=tolerances, entries=entries,
                       primitives=primitives, notes=notes)


def _backward_value(lab, kind, ref, sample):
    if kind == "weight":
        return lab.weight_grad[ref]
    if kind == "bias":
        return lab.bias_grad[ref]
    if kind == "param":
        return lab.param_grad[ref]
    g = lab.input_grad[ref if sample is None else ref[0]]
    return float(g if sample is None else g[sample])


def _current(problem, kind, index, sample):
    if kind == "weight":
        return float(problem.w0[index])
    if kind == "bias":
        return float(problem.b0[index])
    if kind == "param":
        return float(problem.p0[index])
    return float(problem.sample(sample)[0][index])


def _kink(net, G, problem, kind, index, ref, sample, feeds, h, e_plus, e_minus, backward, atol):
    """("kink", note) when a non-analytic unit's kink lies within the step and the backward
    value agrees with one side; ("FAIL", note) when a kink is there but it agrees with neither."""
    way = _downstream(G, feeds)
    rough = [n for n in way if net.fn(n) != "input" and not net.primitive(net.fn(n)).complex_safe]
    if not rough:
        return None
    try:
        lab_p = problem.labels_at(kind, index, h, sample)
        lab_m = problem.labels_at(kind, index, -h, sample)
    except RojasError:
        return None
    jumped = []
    for n in rough:
        a, b = np.asarray(lab_p.fprime[n]), np.asarray(lab_m.fprime[n])
        if sample is not None and a.ndim:
            a, b = a[sample], b[sample]
        if np.any(np.abs(a - b) > _KINK_JUMP * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))):
            jumped.append(n)
    if not jumped:
        return None
    e0 = float(np.real(problem.base(sample)))
    fwd, bwd = (e_plus - e0) / h, (e0 - e_minus) / h
    lo, hi = min(fwd, bwd), max(fwd, bwd)
    slack = 1e-4 * max(1.0, abs(backward)) + atol
    where = ", ".join(f"{net.fn(n)} at node {n!r}" for n in jumped[:4])
    sides = f"one-sided derivatives {_num(bwd, 6)} (left) and {_num(fwd, 6)} (right)"
    if lo - slack <= backward <= hi + slack:
        return "kink", f"a kink ({where}) lies within the step; {sides}; the backward value takes one side"
    return "FAIL", f"a kink ({where}) lies within the step, and the backward value is outside the {sides}"


def seed000_slip():
    """Seed 000's neuron as its author wrote it: f = 1/(1+exp(s)) with the claimed df = σ(1−σ)."""
    from .network import Network

    net = Network(name="seed 000: sigma(z) = 1/(1+exp(z)) with the derivative sigma(1-sigma)")
    net.add_primitive("sigma", "1/(1+exp(s))", "sigma(s)*(1-sigma(s))")
    net.add_input("x1").add_input("x2").add_unit("y", "sigma", bias=0.1)
    net.add_edge("x1", "y", weight=0.3, name="w1").add_edge("x2", "y", weight=-0.2, name="w2")
    return net
