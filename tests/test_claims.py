"""Independent tests of the chain-rule claim checker (rojas.check_claim, parse_claim, `rojas claim`).

Every verdict below was decided by hand from the paths of the two example
networks; every number is computed here: each factor ∂A/∂B by enumerating the
paths from B to A (our own DFS) and multiplying weights, stored derivatives and
product-unit partials taken from the naive forward pass of ``tests/reference.py``.
"""

import json
import math
import re
import subprocess
import sys

import networkx as nx
import pytest

import rojas
from rojas.proof.claims import ClaimSyntaxError, parse_claim

import reference as R


def close(a, b, rtol=1e-10, atol=1e-14):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def dfs_paths(G, start, end):
    found, stack = [], [[start]]
    while stack:
        path = stack.pop()
        if path[-1] == end:
            found.append(path)
            continue
        for m in G.successors(path[-1]):
            stack.append(path + [m])
    return found


class Judge:
    """∂A/∂B for the names of a claim, from the reference's labels and our own path enumeration."""

    def __init__(self, name):
        with open(rojas.example_path(name)) as fh:
            self.G = G = nx.node_link_graph(json.load(fh), edges="edges")
        self.x, self.t = rojas.load_data(rojas.example_path(name, "data"))
        self.s, self.o = R.forward(G, self.x)
        self.fp = {n: R.PRIMITIVES[G.nodes[n]["fn"]][1](self.s[n]) for n in self.s}
        self.w = R.parameters(G)[0]
        self.edges = {d["name"]: (u, v) for u, v, d in G.edges(data=True) if "name" in d}
        self.params = dict(G.graph.get("params", {}))

    def partial(self, i, j):
        if self.G.nodes[j].get("combine", "sum") != "product":
            return 1.0
        return math.prod(self.w[(k, j)] * self.o[k] for k in self.G.predecessors(j) if k != i)

    def kind(self, name):
        if name in ("E", "L"):
            return "E"
        if name in self.G:
            return "input" if self.G.nodes[name]["fn"] == "input" else "node"
        if name in self.edges:
            return "edge"
        if name in self.params:
            return "param"
        raise KeyError(name)

    def d_node(self, a, b):
        """∂o_a/∂o_b: the sum over the paths b → a of Π w·(partial)·f'."""
        total = 0.0
        for p in dfs_paths(self.G, b, a):
            total += math.prod(self.w[(u, v)] * self.partial(u, v) * self.fp[v] for u, v in zip(p, p[1:]))
        return total

    def d_value(self, a, node):
        if a in ("E", "L"):
            return sum((self.o[k] - self.t[k]) * self.d_node(k, node) for k in self.t)
        return self.d_node(a, node)

    def factor(self, a, b):
        """∂a/∂b, or None when it means nothing.

        Along one edge b→a (or for the weight of an edge into a) the factor is the
        partial derivative with everything else held fixed: that edge alone.
        Otherwise it is the total derivative, the sum over every path.
        """
        if a == b:
            return 1.0
        ka, kb = self.kind(a), self.kind(b)
        if ka in ("edge", "param", "input") or kb == "E":
            return None
        if kb in ("node", "input") and ka == "node" and self.G.has_edge(b, a):
            return self.w[(b, a)] * self.partial(b, a) * self.fp[a]
        if kb == "edge" and ka == "node" and self.edges[b][1] == a:
            u = self.edges[b][0]
            return self.o[u] * self.partial(u, a) * self.fp[a]
        if kb in ("node", "input"):
            return self.d_value(a, b)
        edges = [self.edges[b]] if kb == "edge" else \
            [(u, v) for u, v, d in self.G.edges(data=True) if d.get("param") == b]
        return sum(self.o[u] * self.partial(u, v) * self.fp[v] * self.d_value(a, v) for u, v in edges)

    def value(self, claim):
        """The claim's sum of products (None with a meaningless factor), and its X."""
        lhs, terms = split(claim)
        total = 0.0
        for term in terms:
            product = 1.0
            for a, b in term:
                f = self.factor(a, b)
                if f is None:
                    return None
                product *= f
            total += product
        return total

    def truth(self, x):
        return self.factor("E", x)


def normal(claim):
    """Our own reading of the test claims: LaTeX and ∂/· spelled as plain dA/dB * ..."""
    c = re.sub(r"\\frac\{\\partial\s*([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\{\\partial\s*([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}",
               r" d\1/d\2 ", claim)
    c = c.replace("∂", "d").replace("·", "*")
    return re.sub(r"_\{?(\w+)\}?", r"\1", c)


def split(claim):
    c = normal(claim)
    lhs = None
    if "=" in c:
        left, c = c.split("=", 1)
        lhs = re.findall(r"d\s*(\w+)\s*/\s*d\s*(\w+)", left)[0]
    terms = [re.findall(r"d\s*(\w+)\s*/\s*d\s*(\w+)", term) for term in c.split("+")]
    return lhs, terms


SEED_CLAIM_LATEX = (r"\frac{\partial L}{\partial w_{1}}=\frac{\partial h_{1}}{\partial w_{1}} "
                    r"\frac{\partial w_{7}}{\partial h_{1}} \frac{\partial o_{2}}{\partial w_{7}} "
                    r"\frac{\partial L}{\partial o_{2}}+\frac{\partial h_{1}}{\partial w_{1}} "
                    r"\frac{\partial w_{5}}{\partial h_{1}} \frac{\partial o_{1}}{\partial w_{5}} "
                    r"\frac{\partial L}{\partial o_{1}}")
ANSWER_LATEX = (r"\frac{\partial L}{\partial w_{1}}=\frac{\partial h_{1}}{\partial w_{1}} "
                r"\frac{\partial o_{2}}{\partial h_{1}} \frac{\partial L}{\partial o_{2}}+"
                r"\frac{\partial h_{1}}{\partial w_{1}} \frac{\partial o_{1}}{\partial h_{1}} "
                r"\frac{\partial L}{\partial o_{1}}")

MEANINGLESS = ("meaningless",)
MISSING = ("missing",)
TWICE = ("twice", "2 times")
NO_CONNECT = ("connect",)
ZERO = ("= 0", "zero", "does not depend")

# (example, claim, X, right?, [keyword alternatives that must each appear in the diagnosis])
TABLE = [
    # the Mazur-network question (Cross Validated): the learner's claim and the answer's formula, as written (d/d and LaTeX)
    ("mazur", "dL/dw1 = dh1/dw1 * dw7/dh1 * do2/dw7 * dL/do2 + dh1/dw1 * dw5/dh1 * do1/dw5 * dL/do1",
     "w1", False, [MEANINGLESS, ("w7",)]),
    ("mazur", "∂L/∂w1 = ∂h1/∂w1·∂w7/∂h1·∂o2/∂w7·∂L/∂o2 + ∂h1/∂w1·∂w5/∂h1·∂o1/∂w5·∂L/∂o1",
     "w1", False, [MEANINGLESS, ("w7",)]),
    ("mazur", SEED_CLAIM_LATEX, "w1", False, [MEANINGLESS, ("w7", "w_{7}")]),
    ("mazur", ANSWER_LATEX, "w1", True, []),
    ("mazur", "∂L/∂w1 = ∂h1/∂w1·∂o2/∂h1·∂L/∂o2 + ∂h1/∂w1·∂o1/∂h1·∂L/∂o1", "w1", True, []),
    ("mazur", "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + dh1/dw1 * do2/dh1 * dE/do2", "w1", True, []),
    # order reversed, total derivatives, no left side, a factor that skips a unit
    ("mazur", "dE/dw1 = dE/do1 · do1/dh1 · dh1/dw1 + dE/do2 · do2/dh1 · dh1/dw1", "w1", True, []),
    ("mazur", "dE/dw1 = dh1/dw1 * dE/dh1", "w1", True, []),
    ("mazur", "dE/dh1 = do1/dh1 * dE/do1 + do2/dh1 * dE/do2", "h1", True, []),
    ("mazur", "dE/di1 = dh1/di1 * dE/dh1 + dh2/di1 * dE/dh2", "i1", True, []),
    ("mazur", "dh1/dw1 * do1/dh1 * dE/do1 + dh1/dw1 * do2/dh1 * dE/do2", "w1", True, []),
    ("mazur", "dE/dw1 = do1/dw1 * dE/do1 + do2/dw1 * dE/do2", "w1", True, []),
    ("mazur", "dE/dw5 = do1/dw5 * dE/do1", "w5", True, []),
    # wrong: a missing path, a path twice, a chain that does not connect, a zero factor
    ("mazur", "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1", "w1", False, [MISSING]),
    ("mazur", "dE/dw1 = dh1/dw1 * dE/dh1 + dh1/dw1 * do1/dh1 * dE/do1", "w1", False, [TWICE]),
    ("mazur", "dE/dw1 = dh1/dw1 * do1/dh2 * dE/do1 + dh1/dw1 * do2/dh1 * dE/do2", "w1", False, [NO_CONNECT]),
    ("mazur", "dE/dw5 = do1/dw5 * dE/do1 + do2/dw5 * dE/do2", "w5", False, [ZERO]),
    ("mazur", "dE/dw5 = do2/dw5 * dE/do2", "w5", False, [MISSING]),
    ("mazur", "dE/dw1 = dh1/dw1 * dE/dh1 + dh1/dw1 * dE/dh1", "w1", False, [TWICE]),
    # skip connections, a product unit, the tied param t (edges t1: x1→h1 and t2: p→h2)
    # dy/dx1 runs along the skip edge, everything else held fixed: the paths through h1 are missing
    ("skip_product", "dE/dx1 = dy/dx1 * dE/dy", "x1", False, [MISSING]),
    ("skip_product", "dE/dx1 = dE/dy * dy/dx1", "x1", False, [MISSING]),
    ("skip_product", "dE/dx1 = dh1/dx1 * dy/dh1 * dE/dy", "x1", False, [MISSING]),
    ("skip_product", "dE/dx1 = dh1/dx1 * dy/dh1 * dE/dy + dy/dx1 * dE/dy", "x1", True, []),
    ("skip_product", "dE/dx1 = dh1/dx1 * dy/dh1 * dE/dy + dy/dx1 * dE/dy + dh1/dx1 * dh2/dh1 * dy/dh2 * dE/dy",
     "x1", False, [TWICE]),
    ("skip_product", "dE/dt = dy/dt * dE/dy", "t", True, []),
    ("skip_product", "dE/dt = dh1/dt * dE/dh1 + dh2/dt * dE/dh2", "t", False, [TWICE]),
    ("skip_product", "dE/dt = dh2/dt * dy/dh2 * dE/dy + dp/dt * dy/dp * dE/dy", "t", True, []),
    ("skip_product", "dE/dt = dh2/dt * dE/dh2 + dp/dt * dE/dp", "t", False, [TWICE]),
    ("skip_product", "dE/dc = dp/dc * dE/dp", "c", True, []),
    ("skip_product", "dE/dc = dh1/dc * dE/dh1 + dp/dc * dE/dp", "c", False, [ZERO]),
    ("skip_product", "dE/dx2 = dh1/dx2 * dE/dh1 + dp/dx2 * dE/dp", "x2", True, []),
    ("skip_product", "dE/dx2 = dh1/dx2 * dE/dh1 + dp/dx2 * dE/dp + dp/dh1 * dh1/dx2 * dE/dp", "x2", False,
     [TWICE]),
    ("skip_product", "dE/dx2 = dy/dx2 * dE/dy", "x2", True, []),
    ("skip_product", "dE/dh1 = dp/dh1 * dE/dp + dh2/dh1 * dE/dh2", "h1", True, []),
    ("skip_product", "dE/dh1 = dp/dh1 * dE/dp + dh2/dh1 * dE/dh2 + dp/dh1 * dh2/dp * dE/dh2", "h1", False,
     [TWICE]),
    ("skip_product", "dE/dx1 = dskip/dx1 * dy/dskip * dE/dy + dh1/dx1 * dE/dh1", "x1", False,
     [MEANINGLESS, ("skip",)]),
    ("skip_product", "dE/dskip = dy/dskip * dE/dy", "skip", True, []),
]

_labs = {}


def labeling(name):
    if name not in _labs:
        net = rojas.load(rojas.example_path(name))
        _labs[name] = rojas.label(net, *rojas.load_data(rojas.example_path(name, "data")))
    return _labs[name]


_judges = {}


def judge(name):
    if name not in _judges:
        _judges[name] = Judge(name)
    return _judges[name]


def test_table_is_large_enough():
    assert len(TABLE) >= 12
    assert sum(ok for *_, ok, _ in TABLE) >= 6 and sum(not ok for *_, ok, _ in TABLE) >= 6


@pytest.mark.parametrize("name, claim, x, right, keywords", TABLE,
                         ids=[f"{i}-{t[0]}" for i, t in enumerate(TABLE)])
def test_verdicts_diagnoses_and_numbers(name, claim, x, right, keywords):
    lab, J = labeling(name), judge(name)
    v = rojas.check_claim(lab, claim)
    assert v.ok is right, (claim, v.problems)
    why = " ".join(v.problems).lower()
    if right:
        assert not v.problems
    else:
        assert v.problems
        for alternatives in keywords:
            assert any(k.lower() in why for k in alternatives), (claim, alternatives, v.problems)
    # the true value: the backward sweep's, equal to our own path sum
    truth = J.truth(x)
    assert close(v.true_value, truth), (claim, v.true_value, truth)
    # the claim's own number: its sum of products, computed here factor by factor
    mine = J.value(claim)
    if mine is None:
        assert v.claimed_value is None
        assert any(k in why for k in MEANINGLESS)
    else:
        assert v.claimed_value is not None and close(v.claimed_value, mine), (claim, v.claimed_value, mine)
    if right:
        assert close(mine, truth)
    # both numbers in the printed verdict
    text = str(v)
    assert ("RIGHT" if right else "WRONG") in text
    assert v.correct in text


@pytest.mark.parametrize("name", ["mazur", "skip_product"])
def test_the_correct_formula_is_judged_right(name):
    """The verdict's `correct` formula, fed back, is RIGHT, and evaluates to the true value."""
    lab, J = labeling(name), judge(name)
    bad = []
    for example, claim, x, _, _ in TABLE:
        if example != name:
            continue
        v = rojas.check_claim(lab, claim)
        back = rojas.check_claim(lab, v.correct)
        mine = J.value(v.correct)
        if not (back.ok and close(back.claimed_value, J.truth(x)) and close(mine, J.truth(x))):
            bad.append(f"{claim!r}: correct = {v.correct!r} is judged {'RIGHT' if back.ok else 'WRONG'} "
                       f"({back.problems}); its value {mine} (ours) / {back.claimed_value} (rojas) "
                       f"vs true {J.truth(x)}")
    assert not bad, "\n".join(bad)


def test_correct_formula_uses_the_users_notation():
    lab = labeling("mazur")
    v = rojas.check_claim(lab, "∂L/∂w1 = ∂h1/∂w1·∂w7/∂h1·∂o2/∂w7·∂L/∂o2 + ∂h1/∂w1·∂w5/∂h1·∂o1/∂w5·∂L/∂o1")
    assert v.correct.startswith("∂L/∂w1") and "·" in v.correct and "*" not in v.correct
    assert "∂L/∂o1" in v.correct and "∂o2/∂h1" in v.correct and "w7" not in v.correct
    v = rojas.check_claim(lab, SEED_CLAIM_LATEX)
    assert v.correct.count("\\frac") == 7 and "w_{7}" not in v.correct and "w_{1}" in v.correct
    assert "{\\partial L}" in v.correct.replace("\\partial  L", "\\partial L")
    v = rojas.check_claim(lab, "dE/dw1 = dE/do1 * do1/dh1 * dh1/dw1")
    # the user's order (objective first) is kept in every term
    for term in v.correct.split("=", 1)[1].split("+"):
        assert term.strip().startswith("dE/do"), v.correct


def test_the_mazur_network_claim_is_diagnosed_with_the_fix():
    """The learner's claim: WRONG because ∂w7/∂h1 is meaningless; the answer's formula is RIGHT."""
    lab = labeling("mazur")
    v = rojas.check_claim(lab, "dL/dw1 = dh1/dw1 * dw7/dh1 * do2/dw7 * dL/do2 + "
                               "dh1/dw1 * dw5/dh1 * do1/dw5 * dL/do1")
    assert not v.ok
    bad = [p for p in v.problems if "dw7/dh1" in p]
    assert bad and "meaningless" in bad[0] and "w7" in bad[0]
    assert any("dw5/dh1" in p for p in v.problems)
    right = "dL/dw1 = dh1/dw1 * do2/dh1 * dL/do2 + dh1/dw1 * do1/dh1 * dL/do1"
    assert rojas.check_claim(lab, right).ok
    assert split(v.correct)[1] and sorted(map(tuple, split(v.correct)[1])) == sorted(map(tuple, split(right)[1]))
    assert v.paths == 2


# ----------------------------------------------------------------------------- malformed claims
def col(claim, needle, offset=0):
    """1-based column of `needle` in `claim`, plus `offset`."""
    i = claim.index(needle)
    return i + 1 + offset


MALFORMED = [
    ("dE/dw1 = dh1/dw1 **", lambda c: col(c, "**", 1)),          # the second '*': a factor was due
    ("", lambda c: 1),
    ("   ", lambda c: 1),
    ("dE/dw1 = dh1/dw1 * dq7/dh1 * dE/dq7", lambda c: col(c, "q7")),  # unknown name
    ("dE/dw9 = dh1/dw1 * dE/dh1", lambda c: col(c, "w9")),           # unknown, on the left
    ("dE/dw9 = do1/dw9 * dE/do1", lambda c: col(c, "w9")),           # the first of two unknowns
    ("dE/dw1 = (dh1/dw1 * dE/dh1)", lambda c: col(c, "(")),         # parentheses
    ("dE/dw1 = dh1/dw1 * dE/dh1)", lambda c: col(c, ")")),          # unbalanced
    ("(dE/dw1 = dh1/dw1 * dE/dh1", lambda c: 1),                    # unbalanced
    (r"\frac{\partial E}{\partial w_1 = \frac{\partial h_1}{\partial w_1}", lambda c: col(c, "=")),
    ("dE/dw1 =", lambda c: len(c) + 1),                                # ends where a factor is due
    ("dE/dw1 = dh1/dw1 * dE/dh1 +", lambda c: len(c) + 1),
    ("dE/dw1 = 2 * dh1/dw1 * dE/dh1", lambda c: col(c, "2 ")),
    ("dE/dw1 = dh1/dw1 * dE/dh1 - dh1/dw1", lambda c: col(c, "-")),
    ("dE/dw1 = dh1 * dE/dh1", lambda c: col(c, "*")),                # dh1 without /d...
]


@pytest.mark.parametrize("claim, column", MALFORMED, ids=[repr(c) for c, _ in MALFORMED])
def test_malformed_claims_give_the_column(claim, column):
    lab = labeling("mazur")
    want = column(claim)
    with pytest.raises(ClaimSyntaxError) as info:
        rojas.check_claim(lab, claim)
    assert info.value.column == want, (claim, info.value.column, want, str(info.value))
    assert f"column {want}" in str(info.value)


def test_parse_claim_structure():
    p = parse_claim("dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + dh1/dw1 * dE/dh1")
    assert (p.lhs.top, p.lhs.bottom) == ("E", "w1")
    assert [[(f.top, f.bottom) for f in t] for t in p.terms] == \
        [[("h1", "w1"), ("o1", "h1"), ("E", "o1")], [("h1", "w1"), ("E", "h1")]]
    p = parse_claim(r"\frac{\partial L}{\partial w_{1}} = \frac{\partial h_{1}}{\partial w_{1}}"
                    r"\frac{\partial L}{\partial h_{1}}")
    assert len(p.terms) == 1 and len(p.terms[0]) == 2
    p = parse_claim("dh1/dw1·dE/dh1")
    assert p.lhs is None and len(p.terms[0]) == 2


# ----------------------------------------------------------------------------- command line
def run_claim(name, claim):
    return subprocess.run([sys.executable, "-m", "rojas", "claim", rojas.example_path(name), "--data",
                           rojas.example_path(name, "data"), claim],
                          capture_output=True, text=True, timeout=120)


def floats(text):
    return [float(m) for m in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)]


@pytest.mark.slow
def test_cli_exit_codes():
    J = judge("mazur")
    truth = J.truth("w1")
    r = run_claim("mazur", "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + dh1/dw1 * do2/dh1 * dE/do2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "RIGHT" in r.stdout and any(close(f, truth, 1e-9) for f in floats(r.stdout))
    r = run_claim("mazur", "dL/dw1 = dh1/dw1 * dw7/dh1 * do2/dw7 * dL/do2 + "
                           "dh1/dw1 * dw5/dh1 * do1/dw5 * dL/do1")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "WRONG" in r.stdout and "meaningless" in r.stdout and "w7" in r.stdout
    assert "dL/dw1 = " in r.stdout  # the correct formula, in the user's notation
    assert any(close(f, truth, 1e-9) for f in floats(r.stdout))
    r = run_claim("mazur", "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1")  # a missing path: both numbers
    assert r.returncode == 1 and "missing" in r.stdout
    fl = floats(r.stdout)
    assert any(close(f, truth, 1e-9) for f in fl)
    assert any(close(f, J.value("dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1"), 1e-9) for f in fl)
    r = run_claim("mazur", SEED_CLAIM_LATEX)
    assert r.returncode == 1 and "meaningless" in r.stdout
    claim = "dE/dw1 = dh1/dw1 **"
    r = run_claim("mazur", claim)
    assert r.returncode == 2
    assert f"column {claim.index('**') + 2}" in r.stderr and "Traceback" not in r.stderr
    claim = "dE/dw1 = dh1/dw1 * dnowhere/dh1 * dE/dnowhere"
    r = run_claim("mazur", claim)
    assert r.returncode == 2 and f"column {claim.index('nowhere') + 1}" in r.stderr and "nowhere" in r.stderr
    r = run_claim("skip_product", "dE/dx2 = dy/dx2 * dE/dy")
    assert r.returncode == 0, r.stdout + r.stderr
