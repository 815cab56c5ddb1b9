"""What a gradient check found, in words, tables and JSON.

:class:`CheckReport` holds the three kinds of evidence :func:`rojas.check`
gathers — each primitive's claimed derivative (:class:`rojas.checking.derivatives.PrimitiveCheck`),
directional derivatives along random directions (:class:`DirectionCheck`) and
exact per-parameter derivatives (:class:`GradientEntry`) — with what was
checked (counts, directions, tolerances) and, when something disagrees, the
primitive or unit to blame.
"""

from dataclasses import dataclass, field

import numpy as np

from .numerical import COMPLEX_STEP, rel_error
from ..utils.escaping import terminal
from ..utils.formatting import fmt, table

__all__ = ["CheckReport", "GradientEntry", "DirectionCheck", "name_list", "json_safe"]


def json_safe(value):
    """Numbers for JSON: non-finite floats become the strings "inf", "-inf", "nan"."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value


def name_list(items, limit=12):
    """At most `limit` names (escaped for the terminal), then how many more."""
    items = [terminal(i) for i in items]
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
    numerical : float
        The complex step when it ran, else central differences.
    rel_error : float
    status : {"ok", "kink", "unchecked", "zero", "FAIL"}
        ``"unchecked"``: the objective is not finite within the step (it
        overflows), so there is nothing to compare; noted, not failed.
        ``"zero"``: a structural zero, 0 by construction because nothing it
        feeds reaches an output; reported apart from the agreements.
    central, complex : float or None
    note : str
    blame : tuple of str
        The primitives whose own derivative check failed at a node on this
        entry's way to the objective.
    of_tolerance : float
        ``|backward − numerical|`` over the tolerance it is allowed (the larger
        of the two methods when both ran): under 1 it agrees.
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
    of_tolerance: float = 0.0

    @property
    def ok(self):
        """True unless the entry disagrees."""
        return self.status != "FAIL"

    def to_dict(self):
        out = {"kind": self.kind, "name": self.name, "backward": self.backward,
               "numerical": self.numerical, "rel_error": self.rel_error, "of_tolerance": self.of_tolerance,
               "status": self.status, "ok": self.ok}
        if self.kind == "weight":
            out["source"], out["target"] = self.ref
        for key in ("central", "complex"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.note:
            out["note"] = self.note
        if self.blame:
            out["blame"] = list(self.blame)
        return out


@dataclass
class DirectionCheck:
    """``⟨∇E, v⟩`` from the backward sweep against a numerical derivative of ``E(θ + εv)``.

    Attributes
    ----------
    index : int
        Which random direction (0-based).
    method : {"central", "complex"}
    over : str
        What the direction moves: ``"parameters and inputs"``, ``"parameters"`` or ``"inputs"``.
    backward, numerical, rel_error : float
    status : {"ok", "kink", "unchecked", "FAIL"}
    note : str
    of_tolerance : float
        ``|backward − numerical|`` over the tolerance it is allowed: under 1 it agrees.
    """

    index: int
    method: str
    over: str
    backward: float
    numerical: float
    rel_error: float
    status: str
    note: str = ""
    of_tolerance: float = 0.0

    @property
    def ok(self):
        return self.status != "FAIL"

    def to_dict(self):
        return {"index": self.index, "method": self.method, "over": self.over, "backward": self.backward,
                "numerical": self.numerical, "rel_error": self.rel_error, "of_tolerance": self.of_tolerance,
                "status": self.status, "ok": self.ok, **({"note": self.note} if self.note else {})}


@dataclass
class CheckReport:
    """What :func:`rojas.check` found.

    Attributes
    ----------
    network : str
    objective : str or node
        ``"E"`` or the node differentiated.
    value : float
    formula : str
        How the heading writes the objective (``lab.objective_text()``).
    method : {"central", "complex", "both"}
    tolerances : dict
        ``{method: (rtol, atol)}`` used.
    entries : list of GradientEntry
        The exactly checked weights, biases, tied params and inputs.
    primitives : list of PrimitiveCheck
    directions : list of DirectionCheck
    coverage : dict
        What was checked: ``parameters`` (all numbers with a gradient:
        untied weights, biases, params, inputs per sample), ``exact`` (how
        many were checked one by one), ``exact_mode`` ("all" or "sample"),
        ``sampled``, ``largest``, ``directions`` (k), ``seed``, ``exact_limit``,
        ``sweeps`` (forward sweeps run).
    blame : list of str
        Units or primitives a failing directional check was localized to, in words.
    notes : list of str
    """

    network: str
    objective: object
    value: float
    method: str
    tolerances: dict
    formula: str = ""
    entries: list = field(default_factory=list)
    primitives: list = field(default_factory=list)
    directions: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    blame: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        """True when every entry, direction and primitive's derivative agrees."""
        return (all(e.ok for e in self.entries) and all(p.ok for p in self.primitives)
                and all(d.ok for d in self.directions))

    @property
    def failures(self):
        """The entries that disagree."""
        return [e for e in self.entries if not e.ok]

    @property
    def failed_primitives(self):
        """The primitives whose claimed derivative disagrees with their f."""
        return [p for p in self.primitives if not p.ok]

    @property
    def failed_directions(self):
        return [d for d in self.directions if not d.ok]

    def __bool__(self):
        return self.ok

    def worst(self):
        """``(share of its tolerance, relative error, where)`` of the check nearest to failing.

        Ranked by the share of the tolerance the difference uses, not by the
        relative error: two gradients of 1e-20 that differ in sign have a
        relative error of 1 and still agree within the absolute tolerance.
        ``(0.0, 0.0, None)`` when nothing was compared.
        """
        cands = [(e.of_tolerance, e.rel_error, e.name) for e in self.entries if e.status in ("ok", "FAIL")]
        cands += [(d.of_tolerance, d.rel_error, f"direction {d.index + 1} ({d.method})")
                  for d in self.directions if d.status in ("ok", "FAIL")]
        return max(cands, key=lambda c: c[0], default=(0.0, 0.0, None))

    def _scope(self):
        c = self.coverage
        n = len(self.entries)
        if not c or c.get("exact_mode") == "all":
            return f"all {n} gradients"
        return f"{n} of {c['parameters']} gradients checked one by one"

    def summary(self):
        """The verdict in a few lines: what agrees, or which primitive, unit and parameters do not."""
        k = len(self.directions)
        dirs = f", as do the derivatives along {k} random direction(s)" if k else ""
        if self.ok:
            kinks = sum(e.status == "kink" for e in self.entries)
            extra = f" ({kinks} at a kink, see notes)" if kinks else ""
            unchecked = sum(e.status == "unchecked" for e in self.entries + self.directions)
            extra += f" ({unchecked} not checkable: the objective overflows within the step)" if unchecked else ""
            zeros = sum(e.status == "zero" for e in self.entries)
            if zeros:
                return terminal(f"OK: {self._scope()}: {len(self.entries) - zeros} agree with "
                                f"{self._method_words()}{extra}{dirs}; {zeros} are 0 by construction (no path to "
                                "an output); every primitive's claimed derivative agrees with its f.")
            return terminal(f"OK: {self._scope()} agree with {self._method_words()}{extra}{dirs}; "
                            f"every primitive's claimed derivative agrees with its f.")
        parts = [f"{len(self.failures)} of {len(self.entries)} gradients disagree"]
        if self.failed_primitives:
            parts.append(f"{len(self.failed_primitives)} primitive(s) claim a wrong derivative")
        along = (f" Along {k} random directions, {len(self.failed_directions)} disagree."
                 if self.directions else "")
        lines = ["DISAGREE: " + ", ".join(parts) + "." + along]
        for p in self.failed_primitives:
            through = [e.name for e in self.failures if p.name in e.blame]
            lines.append("  " + p.describe()
                         + (f"; gradients that disagree through it: {name_list(through)}" if through
                            else "; no gradient disagrees through it (of those checked one by one), but the claim is wrong"))
        lines += [f"  {b}" for b in self.blame]
        unexplained = [e.name for e in self.failures if not e.blame]
        if unexplained:
            lines.append(f"  gradients that disagree with no primitive to blame: {name_list(unexplained)}")
        return "\n".join(map(terminal, lines))  # each a line: a newline in a name cannot start another

    def _method_words(self):
        return {"central": "central differences", "complex": "the complex step",
                "both": "central differences and the complex step"}[self.method]

    def _coverage_lines(self):
        c = self.coverage
        if not c:
            return []
        if c["exact_mode"] == "all":
            exact = f"every one of the {c['parameters']} gradients (≤ the exact limit {c['exact_limit']})"
        else:
            exact = (f"{c['exact']} of {c['parameters']} gradients ({c['sampled']} at random with seed "
                     f"{c['seed']}, plus the {c['largest']} largest |∂E/∂·|); more than the exact limit "
                     f"{c['exact_limit']}")
        share, rel, where = self.worst()
        out = [f"checked: each primitive's claimed f′ at the s values met; {c['directions']} random "
               f"unit direction(s) over all parameters and inputs (seed {c['seed']}); {exact}; "
               f"{c['sweeps']} forward sweeps"]
        if c.get("reason"):
            out.append(f"  {c['reason']}")
        if where is not None:
            share_text = f"{share:.2g}× its tolerance" if share >= 1 else f"{share:.2g} of its tolerance"
            out.append(f"nearest to failing: {where}, its difference {share_text} (relative error {rel:.1e})")
        return [terminal(line) for line in out]

    def __str__(self):
        obj = self.formula or f"o[{self.objective}]"
        out = [f"gradient check of {terminal(self.network or 'network')}: objective {terminal(obj)} = "
               f"{fmt(self.value)}",
               f"method: {self._method_words()}"]
        for m, (rtol, atol) in self.tolerances.items():
            step = ("h = ∛ε·max(1,|x|)" if m == "central" else f"h = {COMPLEX_STEP:g}")
            out.append(f"  {m}: {step}; agrees when |a−n| ≤ {atol:g}·max(1,|E|) + {rtol:g}·max(|a|,|n|)")
        out += self._coverage_lines() + [""]
        if self.primitives:
            rows = [[p.name, name_list(p.nodes, 6), p.points, p.method, f"{p.max_rel_error:.1e}",
                     "ok" if p.ok else "FAIL"] for p in self.primitives]
            out += ["Primitives: claimed f'(s) vs the numerical derivative of f at the s values met",
                    table(["primitive", "nodes", "points", "method", "max rel err", "status"], rows), ""]
        if self.directions:
            rows = [[d.index + 1, d.over, d.method, fmt(d.backward), fmt(d.numerical),
                     f"{d.rel_error:.1e}", d.status] for d in self.directions]
            out += ["Directions: ⟨∇E, v⟩ of the backward sweep vs the derivative of E(θ + εv)",
                    table(["v", "over", "method", "backward", "numerical", "rel err", "status"], rows), ""]
        rows = [[e.kind, e.name, fmt(e.backward), fmt(e.numerical), f"{e.rel_error:.1e}",
                 e.status] for e in self.entries]
        out += ["Gradients: backward sweep vs numerical",
                table(["kind", "name", "backward", "numerical", "rel err", "status"], rows)]
        if self.method == "both":
            diffs = [rel_error(e.central, e.complex) for e in self.entries
                     if e.central is not None and e.complex is not None]
            if diffs:
                out += ["", "central differences vs complex step: largest relative difference "
                            f"{max(diffs):.1e}"]
        notes = list(self.notes) + [f"{e.name}: {e.note}" for e in self.entries if e.note]
        notes += [f"direction {d.index + 1}: {d.note}" for d in self.directions if d.note]
        if notes:
            out += ["", "Notes:"] + [f"  - {terminal(n)}" for n in notes]
        out += ["", self.summary()]
        return "\n".join(out)

    def failure_message(self, limit=20):
        """What disagrees, for an assertion: the summary and the failing entries."""
        lines = [self.summary()]
        for e in self.failures[:limit]:
            lines.append(f"  {terminal(e.name)}: backward {fmt(e.backward)} vs numerical "
                         f"{fmt(e.numerical)} (rel err {e.rel_error:.2e})" + (f" [{e.note}]" if e.note else ""))
        if len(self.failures) > limit:
            lines.append(f"  … and {len(self.failures) - limit} more")
        for d in self.failed_directions:
            lines.append(f"  direction {d.index + 1} ({d.method}): ⟨∇E, v⟩ {fmt(d.backward)} vs "
                         f"numerical {fmt(d.numerical)} (rel err {d.rel_error:.2e})")
        return "\n".join(lines)

    def to_dict(self):
        """The report as the JSON object ``rojas check --json`` prints (non-finite numbers as strings)."""
        share, rel, where = self.worst()
        return json_safe({
            "network": self.network,
            "objective": self.objective if self.objective == "E" else str(self.objective),
            "value": self.value, "method": self.method, "ok": self.ok,
            "tolerances": {m: {"rtol": r, "atol": a} for m, (r, a) in self.tolerances.items()},
            "coverage": dict(self.coverage), "worst": {"of_tolerance": share, "rel_error": rel, "where": where},
            "primitives": [p.to_dict() for p in self.primitives],
            "directions": [d.to_dict() for d in self.directions],
            "entries": [e.to_dict() for e in self.entries],
            "blame": list(self.blame), "notes": list(self.notes), "summary": self.summary()})
