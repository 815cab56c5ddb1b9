"""The chain-rule claim checker: a learner's formula judged against the paths.

A claim is a sum of products of factors ``dA/dB`` (or ``∂A/∂B``, or LaTeX
``\\frac{\\partial A}{\\partial B}``), with an optional left side ``dE/dX =``.
Names are node ids, edge names, tied params, and ``E`` or ``L`` for the
objective.  Each factor means the derivative of A's value with respect to B.
Where it runs along one edge it is the partial derivative, everything else
held fixed: ``∂o_j/∂o_i = f'(s_j)·w_ij`` for an edge i→j,
``∂o_j/∂w_ij = f'(s_j)·o_i``, ``∂E/∂o_k = o_k − t_k``.  Otherwise it is the
total derivative, through every path from B to A.

A product of factors stands for a set of paths (each factor covers the paths
from its B to its A); the claim is right when the terms together cover every
path from X to the objective exactly once and every factor means something.
The grammar is our own and parsed by hand: nothing is evaluated.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from .errors import RojasError

__all__ = ["check_claim", "ClaimVerdict", "ClaimSyntaxError", "parse_claim"]

OBJECTIVE_NAMES = ("E", "L", "C")


class ClaimSyntaxError(RojasError):
    """The claim does not parse, or names nothing in the network; gives the column."""

    def __init__(self, claim, column, why):
        self.claim, self.column, self.why = claim, column, why
        marked = claim[:column - 1] + "»" + claim[column - 1:]
        super().__init__(f"claim, column {column}: {why}: {marked!r}")


# ---------------------------------------------------------------------------- parsing
@dataclass
class Factor:
    top: str        # A, as written
    bottom: str     # B, as written
    column: int
    text: str
    columns: tuple = (0, 0)  # where A and B start


@dataclass
class ParsedClaim:
    lhs: Factor | None
    terms: list
    style: dict = field(default_factory=dict)


_NAME = re.compile(r"(?:[A-Za-z0-9.']|_\{[^{}]*\}|_|\[[^\]]*\])+")  # w[u->v]: an unnamed edge
_TIMES = ("*", "·", "×", "⋅", "\\cdot", "\\times")
_PARTIAL = ("∂", "\\partial")


def _name_at(text, i, claim, column_of):
    m = _NAME.match(text, i)
    if not m:
        raise ClaimSyntaxError(claim, column_of(i), "expected a name")
    return m.group(0), m.end()


def _skip(text, i):
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _operator(text, i):
    """The derivative operator at i (``d``, ``∂`` or ``\\partial``) and where the name starts."""
    for op in _PARTIAL:
        if text.startswith(op, i):
            return "∂", _skip(text, i + len(op))
    if text.startswith("d", i):
        return "d", _skip(text, i + 1)
    return None, i


def parse_claim(claim):
    """Parse a claim into an optional left side and a list of terms (lists of factors).

    Raises
    ------
    ClaimSyntaxError
        With the column of the first thing that does not fit the grammar.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise ClaimSyntaxError(str(claim), 1, "the claim is empty")
    text = claim
    column_of = lambda i: i + 1  # noqa: E731
    sides, terms, current = [], [], []
    style = {"op": None, "times": None, "latex": False}
    i = _skip(text, 0)
    expect_factor = True
    while i < len(text):
        start = i
        if text.startswith("\\frac", i):
            style["latex"] = True
            i = _skip(text, i + 5)
            parts = []
            for _ in range(2):
                if not text.startswith("{", i):
                    raise ClaimSyntaxError(claim, column_of(i), "expected '{' after \\frac")
                op, j = _operator(text, _skip(text, i + 1))
                if op is None:
                    raise ClaimSyntaxError(claim, column_of(i + 1), "expected \\partial or d")
                style["op"] = style["op"] or op
                at = j
                name, j = _name_at(text, j, claim, column_of)
                j = _skip(text, j)
                if not text.startswith("}", j):
                    raise ClaimSyntaxError(claim, column_of(j), "expected '}'")
                parts.append((name, column_of(at)))
                i = _skip(text, j + 1)
            current.append(Factor(parts[0][0], parts[1][0], column_of(start), text[start:i].strip(),
                                  (parts[0][1], parts[1][1])))
            expect_factor = False
            continue
        op, j = _operator(text, i)
        if op is not None and j < len(text) and _NAME.match(text, j):
            style["op"] = style["op"] or op
            top_at = j
            top, j = _name_at(text, j, claim, column_of)
            j = _skip(text, j)
            if not text.startswith("/", j):
                raise ClaimSyntaxError(claim, column_of(j), f"expected '/' after {op}{top}")
            op2, j = _operator(text, _skip(text, j + 1))
            if op2 is None:
                raise ClaimSyntaxError(claim, column_of(j), f"expected {op} after '/'")
            bottom_at = j
            bottom, j = _name_at(text, j, claim, column_of)
            current.append(Factor(top, bottom, column_of(start), text[start:j],
                                  (column_of(top_at), column_of(bottom_at))))
            i = _skip(text, j)
            expect_factor = False
            continue
        times = next((t for t in _TIMES if text.startswith(t, i)), None)
        if times is not None and not expect_factor:
            style["times"] = style["times"] or times
            i, expect_factor = _skip(text, i + len(times)), True
            continue
        if text[i] in "+=" and not expect_factor:
            if text[i] == "=":
                if sides or len(terms) or len(current) != 1:
                    raise ClaimSyntaxError(claim, column_of(i), "the left side must be one derivative dE/dX")
                sides.append(current[0])
            else:
                terms.append(current)
            current, expect_factor = [], True
            i = _skip(text, i + 1)
            continue
        if text[i] in "()":
            raise ClaimSyntaxError(claim, column_of(i), "parentheses are not part of the grammar; "
                                   "write a sum of products of factors")
        what = "expected a factor dA/dB" if expect_factor else "expected *, + or the end"
        raise ClaimSyntaxError(claim, column_of(i), what)
    if expect_factor:
        raise ClaimSyntaxError(claim, column_of(len(text)), "the claim ends where a factor should be")
    terms.append(current)
    return ParsedClaim(sides[0] if sides else None, terms, style)


# ---------------------------------------------------------------------------- meaning
@dataclass(frozen=True)
class _Q:
    """A quantity a name refers to: the objective, a node's value, a weight or a param."""

    kind: str          # "E", "node", "input", "edge", "param"
    ref: object = None


def _resolver(lab, claim):
    net = lab.network
    ids = {str(n): n for n in net.nodes}
    edges = {net.edge_name(u, v): (u, v) for u, v in net.edges if net.edge_name(u, v)}
    params = set(net.params)

    def resolve(name, column):
        unnamed = re.fullmatch(r"w\[(.+)->(.+)\]", name)
        if unnamed and unnamed.group(1) in ids and unnamed.group(2) in ids and \
                net._graph.has_edge(ids[unnamed.group(1)], ids[unnamed.group(2)]):
            return _Q("edge", (ids[unnamed.group(1)], ids[unnamed.group(2)]))
        plain = name.replace("{", "").replace("}", "")
        for candidate in (name, plain, plain.replace("_", "")):
            if candidate in ids:
                node = ids[candidate]
                return _Q("input" if net.fn(node) == "input" else "node", node)
            if candidate in edges:
                return _Q("edge", edges[candidate])
            if candidate in params:
                return _Q("param", candidate)
            if candidate in OBJECTIVE_NAMES:
                return _Q("E")
        raise ClaimSyntaxError(claim, column, f"{name!r} is no node, edge name, param or objective (E, L)")

    return resolve


def _station(q):
    return ("E",) if q.kind == "E" else (q.kind if q.kind != "input" else "node", q.ref)


def _paths_between(lab, start, end):
    """Every path from quantity `start` to quantity `end`, as tuples of stations.

    A path from a weight starts with the edge; one into the objective ends with
    ("E",).  Interior stations are nodes.
    """
    net = lab.network
    G = net._graph
    ends = ([("node", k) for k in lab.targets] if lab.objective == "E" else [("node", lab.objective)]) \
        if end.kind == "E" else [_station(end)]
    if start.kind in ("edge", "param"):
        edges = [start.ref] if start.kind == "edge" else [e for e in net.edges if net.edge_param(*e) == start.ref]
        begins = [((("edge", e),), e[1]) for e in edges]
    else:
        begins = [((), start.ref)]
    found = []
    for prefix, node in begins:
        for _, target in ends:  # every end is a node station
            if node == target:
                tails = [[node]]
            else:
                tails = nx.all_simple_paths(G, node, target)
            for tail in tails:
                path = prefix + tuple(("node", n) for n in tail)
                found.append(path + ((("E",),) if end.kind == "E" else ()))
    return found


def _local(lab, b, a):
    """True when ∂a/∂b runs along one edge: b→a, the weight of an edge into a, or an output into E."""
    G = lab.network._graph
    if b.kind in ("node", "input") and a.kind == "node":
        return G.has_edge(b.ref, a.ref)
    if b.kind == "edge" and a.kind == "node":
        return b.ref[1] == a.ref
    return b.kind == "node" and a.kind == "E" and b.ref in lab.targets


def _segment(lab, b, a):
    """The paths ∂a/∂b stands for: the one edge where it runs along one (a partial
    derivative, everything else held fixed), else every path from b to a (a total one)."""
    if a == b:
        return [(_station(a),)]
    if a.kind in ("edge", "param", "input") or b.kind == "E":
        return []
    if _local(lab, b, a):
        return [(_station(b), _station(a))] if b.kind != "edge" else [(_station(b), ("node", a.ref))]
    return _paths_between(lab, b, a)


def _normal(path):
    """Drop edge stations between nodes: only a path's first station may be an edge."""
    return tuple(s for i, s in enumerate(path) if i == 0 or s[0] != "edge")


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
        lines = [f"Claim:   {self.claim}", f"Verdict: {'RIGHT' if self.ok else 'WRONG'}"]
        if self.problems:
            lines.append("Why:")
            lines += [f"  - {p}" for p in self.problems]
        if self.notes:
            lines.append("Notes:")
            lines += [f"  - {n}" for n in self.notes]
        lines.append(f"The true derivative, a sum over its {self.paths} path{'s' * (self.paths != 1)}:")
        lines.append(f"  {self.correct}")
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
    from .paths import _source_value, count_paths, resolve_source

    parsed = parse_claim(claim)
    resolve = _resolver(lab, claim)
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
    objective = _Q("E")

    net = lab.network
    source = resolve_source(net, x.ref if x.kind in ("edge", "param") else
                            (f"o:{x.ref}" if x.kind == "node" else x.ref))
    ends = list(lab.targets) if lab.objective == "E" else [lab.objective]
    n_paths = count_paths(net, source, ends)
    if n_paths > limit:
        raise RojasError(f"{n_paths} paths from {spelled.get(x, x.ref)} to the objective: more than the "
                         f"limit of {limit} to compare path by path")
    true_paths = Counter(_normal(p) for p in _paths_between(lab, x, objective))

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
            paths = _segment(lab, b, a)
            if _local(lab, b, a) and len(_paths_between(lab, b, a)) > 1:
                others = len(_paths_between(lab, b, a)) - 1
                notes.append(f"{f.text} runs along the edge from {spelled[b]} to {spelled[a]}, everything "
                             f"else held fixed; {spelled[a]} also depends on {spelled[b]} through "
                             f"{others} other path{'s' * (others != 1)}, which this factor does not cover")
            if not paths and a.kind not in ("edge", "param", "input") and b.kind != "E":
                problems.append(f"{f.text} = 0: {spelled[a]} does not depend on {spelled[b]} "
                                f"(no path from {spelled[b]} to {spelled[a]}), so {where} adds nothing")
            elif len({_normal(p) for p in paths}) > 1:
                notes.append(f"{f.text} is a total derivative: it stands for "
                             f"{len(paths)} paths from {spelled[b]} to {spelled[a]}")
            elif paths and len(_normal(paths[0])) > 2 and a.kind != "E":
                notes.append(f"{f.text} does not follow a single edge: it skips "
                             f"{', '.join(str(s[1]) for s in _normal(paths[0])[1:-1])} and stands for "
                             f"the one path {_path_text(_normal(paths[0]), spelled, lab)}")
            segments.append(paths)
        for path in _concatenate(segments):
            claimed[_normal(path)] += 1

    problems += _coverage(true_paths, claimed, spelled, lab)
    ok = not problems
    correct = _render(true_paths, x, parsed, spelled, lab)
    claimed_value = None if meaningless else _claim_value(lab, terms, tangent)
    true_value = float(_source_value(lab, source))
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
            v = spelled.get(_Q("node", a.ref[1]), str(a.ref[1]))
            what += (f". To go from {spelled[b]} to {v} along the edge {spelled[a]}, write "
                     f"{_factor_text(style, v, spelled[b])} (= {spelled[a]}·f'(s_{v}))")
        return what
    if a.kind == "input":
        return f"{spelled[a]} is an input: it does not depend on anything"
    if b.kind == "E":
        return f"nothing in the network depends on the objective {spelled[b]}"
    return None


def _concatenate(segments):
    """All paths made of one path from each segment, consecutive ones sharing their joint."""
    paths = [()]
    for options in segments:
        joined = []
        for head in paths:
            for seg in options:
                if head and seg and head[-1] != seg[0]:
                    continue
                joined.append(head + (seg[1:] if head else seg))
        paths = joined
    return [p for p in paths if p]


def _path_text(path, spelled, lab):
    names = []
    for station in path:
        if station[0] == "E":
            names.append(spelled.get(_Q("E"), "E"))
        elif station[0] == "edge":
            u, v = station[1]
            names.append(lab.network.edge_name(u, v) or f"{u}->{v}")
        else:
            names.append(str(station[1]))
    return " → ".join(names)


def _coverage(true_paths, claimed, spelled, lab):
    problems = []
    missing = [p for p in true_paths if claimed[p] == 0]
    twice = [p for p, n in claimed.items() if n > 1 and p in true_paths]
    extra = [p for p in claimed if p not in true_paths]
    for p in missing:
        problems.append(f"missing path: {_path_text(p, spelled, lab)}")
    for p in twice:
        problems.append(f"path counted {claimed[p]} times: {_path_text(p, spelled, lab)}")
    for p in extra:
        problems.append(f"not a path from the variable to the objective: {_path_text(p, spelled, lab)}")
    return problems


def _render(true_paths, x, parsed, spelled, lab):
    """The true derivative as a sum over paths, written the way the claim writes things."""
    latex = parsed.style["latex"]
    times = parsed.style["times"] or (" " if latex else " * ")
    if times in ("*", "·", "×", "⋅"):
        times = f" {times} "
    elif times in ("\\cdot", "\\times"):
        times = f" {times} "
    e_name = spelled.get(_Q("E"), "E")
    backwards = _objective_first(parsed)

    def name(station):
        if station[0] == "E":
            return e_name
        if station[0] == "edge":
            u, v = station[1]
            q = _Q("edge", (u, v))
            return spelled.get(q, lab.network.edge_name(u, v) or f"w[{u}->{v}]")
        q = _Q("input" if lab.network.fn(station[1]) == "input" else "node", station[1])
        return spelled.get(q, str(station[1]))

    def factor(top, bottom):
        return _factor_text(parsed.style, top, bottom)

    terms = []
    for path in sorted(true_paths, key=lambda p: [str(s) for s in p]):
        stations = [name(s) for s in path]
        factors = [factor(b, a) for a, b in zip(stations, stations[1:])]
        if backwards:
            factors.reverse()
        terms.append(times.join(factors))
    lhs = factor(e_name, spelled.get(x, str(x.ref)))
    return f"{lhs} = " + " + ".join(terms)


def _factor_text(style, top, bottom):
    """∂top/∂bottom written the way the claim writes factors."""
    op = style["op"] or "d"
    if style["latex"]:
        p = "\\partial " if op == "∂" else "d"
        return f"\\frac{{{p}{top}}}{{{p}{bottom}}}"
    return f"{op}{top}/{op}{bottom}"


def _objective_first(parsed):
    first = parsed.terms[0][0] if parsed.terms and parsed.terms[0] else None
    return first is not None and first.top in OBJECTIVE_NAMES and len(parsed.terms[0]) > 1


def _factor_values(lab, a, b, tangent):
    """∂a/∂b per sample (an array over a batch), or None when it has no meaning."""
    net = lab.network
    if a == b:
        return 1.0
    if a.kind in ("edge", "param", "input") or b.kind == "E":
        return None
    if _local(lab, b, a) and a.kind == "node":
        # One edge, everything else held fixed: f'(s_a)·w_ba, or f'(s_a)·o_u for a weight u→a.
        u = b.ref[0] if b.kind == "edge" else b.ref
        first = lab.o[u] if b.kind == "edge" else net.weight(u, a.ref)
        return lab.fprime[a.ref] * first * lab.product_partial(u, a.ref)
    ref = b.ref if b.kind in ("edge", "param", "input") else f"o:{b.ref}"
    odot = tangent(lab, ref)
    if a.kind == "E":
        if lab.objective != "E":
            return odot[lab.objective]
        return sum((lab.o[k] - lab.targets[k]) * odot[k] for k in lab.targets)
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
