"""The chain-rule claim checker: a learner's formula judged against the paths.

A claim (its grammar: :mod:`rojas.proof.claim_grammar`) is a sum of products of
factors ``dA/dB`` with an optional left side ``dE/dX =``.  Names are node ids,
edge names, tied params, and ``E`` or ``L`` for the objective.  Each factor
means the derivative of A's value with respect to B.  Where it runs along one
edge it is the partial derivative, everything else held fixed:
``∂o_j/∂o_i = f'(s_j)·w_ij`` for an edge i→j, ``∂o_j/∂w_ij = f'(s_j)·o_i``,
``∂E/∂o_k`` the objective's seed (``o_k − t_k`` for squared error).  Otherwise it is the total derivative, through every
path from B to A (:mod:`rojas.proof.claim_paths`).

A product of factors stands for a set of paths (each factor covers the paths
from its B to its A); the claim is right when the terms together cover every
path from X to the objective exactly once and every factor means something.
"""

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .claim_grammar import ClaimSyntaxError, factor_text, objective_first, parse_claim
from .claim_paths import (Quantity, along_one_edge, concatenate, name_resolver, normal, path_text, paths_between,
                          segment)
from ..errors import RojasError
from .display import display_id, escape_terminal
from ..utils.formatting import count_text

__all__ = ["check_claim", "ClaimVerdict", "ClaimSyntaxError", "parse_claim"]


@dataclass
class ClaimVerdict:
    """The verdict on a claim.

    Attributes
    ----------
    ok : bool
        The claim is the true derivative as a sum over paths, each path once.
    problems : list of str
        What is wrong, in words a learner can follow.
    notes : list of str
        Remarks that are not errors (e.g. a factor that is a total derivative).
    correct : str
        The true derivative as a sum over paths, in the claim's notation.
    claimed_value : float or None
        The claim evaluated at the network's numbers (None with a meaningless factor).
    true_value : float
        The backward sweep's value.
    paths : int
        How many paths the true derivative has.
    """

    claim: str
    ok: bool
    problems: list
    notes: list
    correct: str
    claimed_value: float | None
    true_value: float
    paths: int

    def __str__(self):
        # Every line is escaped: a claim or an id may hold newlines or terminal escapes.
        lines = [f"Claim:   {escape_terminal(self.claim)}", f"Verdict: {'RIGHT' if self.ok else 'WRONG'}"]
        if self.problems:
            lines.append("Why:")
            lines += [f"  - {escape_terminal(p)}" for p in self.problems]
        if self.notes:
            lines.append("Notes:")
            lines += [f"  - {escape_terminal(n)}" for n in self.notes]
        lines.append(f"The true derivative, a sum over its {self.paths} path{'s' * (self.paths != 1)}:")
        lines.append(f"  {escape_terminal(self.correct)}")
        claimed = "no value (it has a meaningless factor)" if self.claimed_value is None \
            else f"{self.claimed_value:.12g}"
        lines.append(f"Numbers: claim = {claimed}; true = {self.true_value:.12g} (backward sweep)")
        return "\n".join(lines)


def check_claim(lab, claim, limit=10_000):
    """Judge a chain-rule claim against the sum over paths of a labeled network.

    Parameters
    ----------
    lab : Labeling
        The objective E (with targets) or the node differentiated, and the numbers.
    claim : str
        E.g. ``"dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + dh1/dw1 * do2/dh1 * dE/do2"``.
    limit : int, optional
        Largest number of paths to compare one by one.

    Returns
    -------
    ClaimVerdict

    Raises
    ------
    ClaimSyntaxError
        If the claim does not parse or names something the network does not have.

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> rojas.check_claim(lab, "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + dh1/dw1 * do2/dh1 * dE/do2").ok
    True
    >>> v = rojas.check_claim(lab, "dL/dw1 = dh1/dw1 * dw7/dh1 * do2/dw7 * dL/do2"
    ...                            " + dh1/dw1 * dw5/dh1 * do1/dw5 * dL/do1")
    >>> v.ok, v.correct
    (False, 'dL/dw1 = dh1/dw1 * do1/dh1 * dL/do1 + dh1/dw1 * do2/dh1 * dL/do2')
    """
    from .forward_mode import tangent
    from .paths import count_paths, resolve_source, source_value

    parsed = parse_claim(claim)
    resolve = name_resolver(lab, claim)
    problems, notes = [], []
    spelled = {}  # how the claim spells each quantity

    def q_of(name, column):
        q = resolve(name, column)
        spelled.setdefault(q, name)
        return q

    if parsed.lhs is not None:  # left to right: the left side's names first
        top, x = q_of(parsed.lhs.top, parsed.lhs.columns[0]), q_of(parsed.lhs.bottom, parsed.lhs.columns[1])
    terms = [[(q_of(f.top, f.columns[0]), q_of(f.bottom, f.columns[1]), f) for f in term]
             for term in parsed.terms]
    if parsed.lhs is not None:
        if top.kind != "E":
            raise ClaimSyntaxError(claim, parsed.lhs.column, "the left side must be dE/dX (or dL/dX)")
    else:
        x = _infer_source(terms)
        if x is None:
            raise ClaimSyntaxError(claim, 1, "cannot tell what the claim differentiates by: add a left side dE/dX =")
    if x.kind == "E":
        raise ClaimSyntaxError(claim, parsed.lhs.column, "dE/dE is 1: differentiate by a weight, node or input")
    objective = Quantity("E")

    net = lab.network
    source = resolve_source(net, x.ref if x.kind in ("edge", "param") else
                            (f"o:{x.ref}" if x.kind == "node" else x.ref))
    ends = list(lab.ends)
    n_paths = count_paths(net, source, ends)
    if n_paths > limit:
        raise RojasError(f"{count_text(n_paths)} paths from {spelled.get(x, x.ref)} to the objective: more than the "
                         f"limit of {limit} to compare path by path (raise it with --limit N)")
    true_paths = Counter(normal(p) for p in paths_between(lab, x, objective))

    claimed = Counter()
    meaningless = False
    for t, term in enumerate(terms, 1):
        where = f"term {t}" if len(terms) > 1 else "the claim"
        chain, issues = _chain(term, x, objective, spelled, where, net)
        problems += issues
        for a, b, f in term:
            reason = _meaningless(a, b, spelled, net, parsed.style)
            if reason:
                meaningless = True
                problems.append(f"{f.text} is meaningless: {reason}")
        if chain is None:
            continue
        segments = []
        for a, b, f in chain:
            if a.kind in ("edge", "param") and b.kind in ("node", "input") and \
                    a.kind == "edge" and a.ref[0] == b.ref:
                # ∂w_ij/∂o_i: the learner walked *through* the weight; read it as entering the edge.
                segments.append([(("node", b.ref), ("edge", a.ref))])
                continue
            paths = segment(lab, b, a, limit)
            every = paths_between(lab, b, a, limit) if along_one_edge(lab, b, a) else paths
            if len(every) > 1 and every is not paths:
                others = len(every) - 1
                notes.append(f"{f.text} runs along the edge from {spelled[b]} to {spelled[a]}, everything "
                             f"else held fixed; {spelled[a]} also depends on {spelled[b]} through "
                             f"{others} other path{'s' * (others != 1)}, which this factor does not cover")
            if not paths and a.kind not in ("edge", "param", "input") and b.kind != "E":
                problems.append(f"{f.text} = 0: {spelled[a]} does not depend on {spelled[b]} "
                                f"(no path from {spelled[b]} to {spelled[a]}), so {where} adds nothing")
            elif len({normal(p) for p in paths}) > 1:
                notes.append(f"{f.text} is a total derivative: it stands for "
                             f"{len(paths)} paths from {spelled[b]} to {spelled[a]}")
            elif paths and len(normal(paths[0])) > 2 and a.kind != "E":
                notes.append(f"{f.text} does not follow a single edge: it skips "
                             f"{', '.join(display_id(s[1]) for s in normal(paths[0])[1:-1])} and stands for "
                             f"the one path {path_text(normal(paths[0]), spelled, lab)}")
            segments.append(paths)
        combinations = math.prod(len(options) for options in segments)
        if combinations > limit:
            raise RojasError(f"{where} stands for {combinations} paths: more than the limit of {limit} to "
                             "compare path by path (raise it with --limit N)")
        for path in concatenate(segments):
            claimed[normal(path)] += 1

    problems += _coverage(true_paths, claimed, spelled, lab)
    ok = not problems
    correct = _render(true_paths, x, parsed, spelled, lab)
    claimed_value = None if meaningless else _claim_value(lab, terms, tangent)
    true_value = float(source_value(lab, source))
    return ClaimVerdict(claim, ok, problems, notes, correct, claimed_value, true_value, n_paths)


def _infer_source(terms):
    """The X a claim without left side differentiates by: the bottom no factor's top reaches."""
    tops = {a for term in terms for a, _, _ in term}
    bottoms = [b for term in terms for _, b, _ in term if b not in tops]
    return bottoms[0] if bottoms else None


def _chain(term, x, objective, spelled, where, net):
    """Order a term's factors into a chain from x to the objective; report where it breaks."""
    remaining = list(term)
    chain, current, issues = [], x, []

    def continues(bottom):
        # A tied param's chain may start at one of its edges: ∂h1/∂t1 for the copy t1 of t.
        return bottom == current or (current == x and x.kind == "param" and bottom.kind == "edge"
                                     and net.edge_param(*bottom.ref) == x.ref)

    while remaining:
        step = next((f for f in remaining if continues(f[1])), None)
        if step is None:
            if current == objective:
                break
            name = spelled.get(current, str(current.ref))
            issues.append(f"the chain of {where} does not connect: after reaching {name}, no factor "
                          f"continues from it (a factor ∂·/∂{name} is missing)")
            return None, issues
        remaining.remove(step)
        chain.append(step)
        current = step[0]
    if current != objective:
        issues.append(f"the chain of {where} stops at {spelled.get(current, current.ref)} and never "
                      f"reaches {spelled.get(objective, 'E')}")
        return None, issues
    for a, b, f in remaining:
        issues.append(f"{f.text} in {where} does not connect to the chain from "
                      f"{spelled.get(x, x.ref)} to {spelled.get(objective, 'E')}")
    return (chain, issues) if not remaining else (None, issues)


def _meaningless(a, b, spelled, net, style):
    """Why ∂a/∂b has no meaning, or None."""
    if a == b:
        return None
    if a.kind in ("edge", "param"):
        what = f"{spelled[a]} is a weight, an independent variable: it is not a function of {spelled[b]}" \
            if a.kind == "edge" else f"{spelled[a]} is a shared parameter, not a function of {spelled[b]}"
        if a.kind == "edge" and b.kind in ("node", "input") and a.ref[0] == b.ref:
            v = spelled.get(Quantity("node", a.ref[1]), str(a.ref[1]))
            what += (f". To go from {spelled[b]} to {v} along the edge {spelled[a]}, write "
                     f"{factor_text(style, v, spelled[b])} (= {spelled[a]}·f'(s_{v}))")
        return what
    if a.kind == "input":
        return f"{spelled[a]} is an input: it does not depend on anything"
    if b.kind == "E":
        return f"nothing in the network depends on the objective {spelled[b]}"
    return None


def _coverage(true_paths, claimed, spelled, lab):
    problems = []
    missing = [p for p in true_paths if claimed[p] == 0]
    twice = [p for p, n in claimed.items() if n > 1 and p in true_paths]
    extra = [p for p in claimed if p not in true_paths]
    for p in missing:
        problems.append(f"missing path: {path_text(p, spelled, lab)}")
    for p in twice:
        problems.append(f"path counted {claimed[p]} times: {path_text(p, spelled, lab)}")
    for p in extra:
        problems.append(f"not a path from the variable to the objective: {path_text(p, spelled, lab)}")
    return problems


def _render(true_paths, x, parsed, spelled, lab):
    """The true derivative as a sum over paths, written the way the claim writes things."""
    latex = parsed.style["latex"]
    times = parsed.style["times"] or (" " if latex else " * ")
    if times in ("*", "·", "×", "⋅"):
        times = f" {times} "
    elif times in ("\\cdot", "\\times"):
        times = f" {times} "
    e_name = spelled.get(Quantity("E"), "E")
    backwards = objective_first(parsed)

    def name(station):
        if station[0] == "E":
            return e_name
        if station[0] == "edge":
            u, v = station[1]
            q = Quantity("edge", (u, v))
            return spelled.get(q, lab.network.edge_name(u, v) or f"w[{u}->{v}]")
        q = Quantity("input" if lab.network.fn(station[1]) == "input" else "node", station[1])
        return spelled.get(q, str(station[1]))

    def factor(top, bottom):
        return factor_text(parsed.style, top, bottom)

    terms = []
    for path in sorted(true_paths, key=lambda p: [str(s) for s in p]):
        stations = [name(s) for s in path]
        if x.kind == "param" and path[0][0] == "node":  # a tied bias: the path starts at its unit
            stations.insert(0, spelled.get(x, str(x.ref)))
        factors = [factor(b, a) for a, b in zip(stations, stations[1:])]
        if backwards:
            factors.reverse()
        terms.append(times.join(factors))
    lhs = factor(e_name, spelled.get(x, str(x.ref)))
    return f"{lhs} = " + " + ".join(terms)


def _factor_values(lab, a, b, tangent):
    """∂a/∂b per sample (an array over a batch), or None when it has no meaning."""
    if a == b:
        return 1.0
    if a.kind in ("edge", "param", "input") or b.kind == "E":
        return None
    if along_one_edge(lab, b, a) and a.kind == "E":  # an output into E, everything else held fixed
        return lab.output_derivative(b.ref)
    if along_one_edge(lab, b, a) and a.kind == "node":
        # One edge, everything else held fixed: f'(s_a)·w_ba, or f'(s_a)·o_u for a weight u→a.
        u = b.ref[0] if b.kind == "edge" else b.ref
        first = lab.o[u] if b.kind == "edge" else lab.weight(u, a.ref)
        return lab.fprime[a.ref] * first * lab.product_partial(u, a.ref)
    ref = b.ref if b.kind in ("edge", "param", "input") else f"o:{b.ref}"
    odot = tangent(lab, ref)
    if a.kind == "E":
        return sum(np.asarray(lab.output_derivative(k)) * odot[k] for k in lab.ends)
    return odot[a.ref]


def _claim_value(lab, terms, tangent):
    total = 0.0
    for term in terms:
        product = 1.0
        for a, b, _ in term:
            value = _factor_values(lab, a, b, tangent)
            if value is None:
                return None
            product = product * np.asarray(value)
        total += float(np.sum(product))
    return total
