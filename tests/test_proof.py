"""Independent tests of the proof commands: `rojas paths` (text and --json), `rojas prove`
(Markdown and LaTeX) and rojas.proof.argument.finite_difference.

Expected paths and numbers are computed here from ``tests/reference.py`` (naive
forward pass, naive reverse sweep, central differences) and a plain DFS.
"""

import json
import math
import re
import shutil
import subprocess
import sys

import networkx as nx
import pytest

import rojas
from rojas.proof.argument import finite_difference, proof_report

import reference as R


def close(a, b, rtol=1e-10, atol=1e-14):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def floats(text):
    return [float(m) for m in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def has_number(text, value, rtol=1e-10, atol=1e-15):
    return any(close(f, value, rtol, atol) for f in floats(text))


def rojas_cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "rojas", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)


class Example:
    """An example network read with networkx alone, its data, and the reference's labels."""

    def __init__(self, name, of=None):
        self.name = name
        self.path, self.data = rojas.example_path(name), rojas.example_path(name, "data")
        with open(self.path) as fh:
            self.G = nx.node_link_graph(json.load(fh), edges="edges")
        with open(self.data) as fh:
            d = json.load(fh)
        self.x = d["inputs"]
        self.t = None if of else d.get("targets")
        self.of = of
        G = self.G
        self.s, self.o = R.forward(G, self.x)
        self.fp = {n: R.PRIMITIVES[G.nodes[n]["fn"]][1](self.s[n]) for n in self.s}
        self.w = R.parameters(G)[0]
        _, _, _, _, self.delta, self.grads = R.reverse_mode(G, self.x, self.t, of)
        self.names = {d["name"]: (u, v) for u, v, d in G.edges(data=True) if "name" in d}

    def partial(self, i, j):
        if self.G.nodes[j].get("combine", "sum") != "product":
            return 1.0
        return math.prod(self.w[(k, j)] * self.o[k] for k in self.G.predecessors(j) if k != i)

    def edges_of(self, src):
        if src in self.names:
            return [self.names[src]]
        if src in self.G.graph.get("params", {}):
            return [(u, v) for u, v, d in self.G.edges(data=True) if d.get("param") == src]
        return []

    def grad(self, src):
        if src.startswith("b:"):
            return self.grads["bias"][src[2:]]
        if src in self.grads["input"]:
            return self.grads["input"][src]
        if src in self.grads["param"]:
            return self.grads["param"][src]
        return self.grads["weight"][self.names[src]]

    def paths(self, src):
        """{nodes tuple: [factor values]} for every path from src, enumerated here."""
        G = self.G
        ends = set(self.t) if self.t is not None else {self.of}
        out = {}

        def walk(start):
            found, stack = [], [[start]]
            while stack:
                p = stack.pop()
                if p[-1] in ends:
                    found.append(p)
                for m in G.successors(p[-1]):
                    stack.append(p + [m])
            return found

        def tail(p):
            f = []
            for a, b in zip(p, p[1:]):
                f += [self.w[(a, b)]] + ([self.partial(a, b)] if self.product(b) else []) + [self.fp[b]]
            if self.t is not None:
                f.append(self.o[p[-1]] - self.t[p[-1]])
            return f

        end = ("E",) if self.t is not None else ()
        edges = self.edges_of(src)
        if edges:
            for u, v in edges:
                head = [self.o[u]] + ([self.partial(u, v)] if self.product(v) else []) + [self.fp[v]]
                for p in walk(v):
                    out[(u, *p) + end] = head + tail(p)
        elif src.startswith("b:"):
            for p in walk(src[2:]):
                out[tuple(p) + end] = [self.fp[p[0]]] + tail(p)
        else:
            for p in walk(src):
                out[tuple(p) + end] = tail(p)
        return out

    def product(self, j):
        return self.G.nodes[j].get("combine", "sum") == "product"


# ----------------------------------------------------------------------------- rojas paths
PATH_CASES = [("mazur", "w1", None), ("mazur", "i2", None), ("mazur", "b:h1", None),
              ("mazur", "w1", "o2"), ("skip_product", "t", None), ("skip_product", "x1", None),
              ("skip_product", "c", None), ("skip_product", "b:p", None), ("skip_product", "t", "h2"),
              ("skip_product", "x2", "p")]


@pytest.mark.slow
@pytest.mark.parametrize("name, src, to", PATH_CASES)
def test_paths_json_schema_and_numbers(name, src, to):
    ex = Example(name, of=to)
    args = ["paths", ex.path, "--data", ex.data, "--from", src, "--json"] + (["--to", to] if to else [])
    r = rojas_cli(*args)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"source", "target", "count", "paths", "sum", "backprop"}
    assert out["source"] == src or src.startswith("b:")  # a bias may be printed as b_NODE
    assert out["target"] == (to if to else "E")
    want = ex.paths(src)
    assert isinstance(out["count"], int) and out["count"] == len(want) == len(out["paths"])
    got = {}
    for p in out["paths"]:
        assert set(p) == {"nodes", "factors", "product"}
        assert all(isinstance(n, str) for n in p["nodes"])
        for f in p["factors"]:
            assert set(f) == {"name", "value"} and isinstance(f["name"], str)
            assert isinstance(f["value"], (int, float))
        got[tuple(p["nodes"])] = p
    assert set(got) == set(want), set(got) ^ set(want)
    for k, factors in want.items():
        values = [f["value"] for f in got[k]["factors"]]
        assert sorted(values) == pytest.approx(sorted(factors), rel=1e-12, abs=1e-15), (k, values, factors)
        assert close(got[k]["product"], math.prod(factors), 1e-12)
        if ex.edges_of(src):  # a weight's path starts with o_i
            assert close(values[0], ex.o[k[0]], 1e-14)
    total = math.fsum(math.prod(f) for f in want.values())
    assert close(out["sum"], total) and close(out["backprop"], ex.grad(src)) and close(total, ex.grad(src))


@pytest.mark.slow
def test_paths_text_output_counts_every_delta():
    ex = Example("mazur")
    r = rojas_cli("paths", ex.path, "--data", ex.data, "--from", "w1")
    assert r.returncode == 0, r.stderr
    G = ex.G
    outs = set(ex.t)
    for n in G:
        count = sum(1 for _ in nx.all_simple_paths(G, n, outs - {n})) + (n in outs)
        line = next((ln for ln in r.stdout.splitlines() if re.search(rf"δ_{n}\b", ln) and "stands for" in ln),
                    None)
        assert line is not None, (n, r.stdout)
        assert re.search(rf"stands for {count} paths?\b", line), (n, count, line)
    sum_line = next(ln for ln in r.stdout.splitlines() if ln.lower().startswith("sum over paths"))
    back_line = next(ln for ln in r.stdout.splitlines() if ln.lower().startswith("backward sweep"))
    assert has_number(sum_line, ex.grad("w1"), 1e-12) and has_number(back_line, ex.grad("w1"), 1e-12)
    for nodes in ex.paths("w1"):
        assert " → ".join(nodes) in r.stdout


@pytest.mark.slow
def test_paths_cli_errors_are_one_line():
    ex = Example("mazur")
    r = rojas_cli("paths", ex.path, "--data", ex.data, "--from", "w99")
    assert r.returncode == 2 and "w99" in r.stderr and "Traceback" not in r.stderr
    r = rojas_cli("paths", ex.path, "--data", ex.data, "--from", "w1", "--to", "nowhere")
    assert r.returncode == 2 and "Traceback" not in r.stderr


@pytest.mark.slow
def test_unused_param_on_the_command_line(tmp_path):
    """A param no edge uses: 0 paths (or a one-line error), never a traceback."""
    f = tmp_path / "net.json"
    f.write_text(json.dumps({
        "directed": True, "multigraph": False, "graph": {"name": "unused", "params": {"p": 0.5, "q": 0.3}},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "sigmoid"}],
        "edges": [{"source": "x", "target": "y", "param": "p"}]}))
    for args in (["paths", f, "--from", "q", "--input", "x=0.4", "--target", "y=0.1"],
                 ["paths", f, "--from", "q", "--count"],
                 ["prove", f, "--wrt", "q", "--input", "x=0.4", "--target", "y=0.1"]):
        r = rojas_cli(*args)
        assert "Traceback" not in r.stderr, (args, r.stderr[-400:])
        assert r.returncode in (0, 2), (args, r.returncode)


# ----------------------------------------------------------------------------- finite differences
@pytest.mark.parametrize("name, src", [("mazur", "w1"), ("mazur", "i2"), ("mazur", "b:o1"),
                                       ("skip_product", "t"), ("skip_product", "x1"),
                                       ("skip_product", "b:p"), ("skip_product", "c")])
def test_finite_difference_matches_the_reference(name, src):
    ex = Example(name)
    lab = rojas.label(rojas.load(ex.path), *rojas.load_data(ex.data))
    fd = finite_difference(lab, src)
    assert close(fd, ex.grad(src), 1e-7, 1e-11), (fd, ex.grad(src))


# ----------------------------------------------------------------------------- rojas prove
def check_report(text, ex, src):
    """The numbers a proof report must show: path table and sum, backward value, central difference."""
    truth = ex.grad(src)
    paths = ex.paths(src)
    lines = text.splitlines()
    assert str(len(paths)) in text
    assert has_number(text, truth, 1e-12), "the backward sweep's value"
    assert has_number(text, math.fsum(math.prod(f) for f in paths.values()), 1e-12), "the path sum"
    for f in paths.values():  # every path's product
        assert has_number(text, math.prod(f), 1e-9), ("a path's product", math.prod(f))
    fd_lines = [ln for ln in lines if re.search(r"(central|finite)[ -]difference", ln, re.I)]
    assert fd_lines, "no finite-difference line"
    assert any(has_number(ln, truth, 1e-7, 1e-12) for ln in fd_lines), fd_lines


LATEX_UNSAFE = set("δ∂→·Σ−′Πσ×≈½")


def check_latex_structure(text):
    body = text.strip()
    assert body.startswith("\\documentclass")
    assert body.endswith("\\end{document}")
    assert body.count("\\begin{document}") == 1
    # braces, ignoring escaped ones and \\ line breaks
    clean = re.sub(r"\\\\", " ", body)
    clean = re.sub(r"\\[{}$%&#_]", " ", clean)
    depth = 0
    for i, c in enumerate(clean):
        depth += (c == "{") - (c == "}")
        assert depth >= 0, ("unbalanced }", clean[max(0, i - 60):i + 1])
    assert depth == 0, "unbalanced {"
    stack = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]*)\}", clean):
        if kind == "begin":
            stack.append(env)
        else:
            assert stack and stack.pop() == env, ("environment mismatch", env)
    assert not stack
    assert clean.count("$") % 2 == 0
    assert clean.count("\\[") == clean.count("\\]")
    bad = set(body) & LATEX_UNSAFE
    assert not bad, f"characters pdflatex cannot typeset unescaped: {bad}"


def compile_latex(tmp_path, text, name="proof"):
    tex = tmp_path / f"{name}.tex"
    tex.write_text(text)
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                       cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stdout[-3000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 0


@pytest.mark.slow
@pytest.mark.parametrize("name, src", [("mazur", "w1"), ("skip_product", "t"), ("skip_product", "x1")])
def test_prove_markdown(name, src):
    ex = Example(name)
    r = rojas_cli("prove", ex.path, "--data", ex.data, "--wrt", src)
    assert r.returncode == 0, r.stderr
    check_report(r.stdout, ex, src)
    for nodes in ex.paths(src):
        assert " → ".join(nodes) in r.stdout
    assert "\\documentclass" not in r.stdout
    assert "sympy" in r.stdout.lower()  # the symbolic identity, SymPy being installed for the tests


@pytest.mark.slow
@pytest.mark.parametrize("name, src", [("mazur", "w1"), ("skip_product", "t"), ("skip_product", "b:p")])
def test_prove_latex(name, src, tmp_path):
    ex = Example(name)
    out = tmp_path / "proof.tex"
    r = rojas_cli("prove", ex.path, "--data", ex.data, "--wrt", src, "--format", "tex", "-o", out)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    check_latex_structure(text)
    check_report(text, ex, src)
    if shutil.which("pdflatex"):
        compile_latex(tmp_path, text)


def test_prove_latex_on_unnamed_edges_and_integer_ids(tmp_path):
    """Edges without names print as w[u->v]; node ids are integers: the LaTeX must still compile."""
    G = R.random_network(4, 2, 2, 2, p_product=0.5, p_tied=0.0, int_ids=True)
    x, t = R.random_inputs(4, G), R.random_targets(5, G)
    lab = rojas.label(rojas.Network(G), x, t)
    _, _, _, _, _, grads = R.reverse_mode(G, x, t)
    u, v = next(iter(G.edges))
    text = proof_report(lab, f"{u}->{v}", fmt="tex")
    check_latex_structure(text)
    assert has_number(text, grads["weight"][(u, v)], 1e-12)
    if shutil.which("pdflatex"):
        compile_latex(tmp_path, text, "unnamed")


def test_prove_shows_the_disagreement_of_a_wrong_derivative(tmp_path):
    """The perceptron with a sign slip in σ (a wrong claimed f'): the backward sweep and the central difference differ."""
    f = tmp_path / "sigma.json"
    f.write_text(json.dumps({
        "directed": True, "multigraph": False,
        "graph": {"name": "wrong sigma", "params": {},
                  "primitives": {"sigma": {"f": "1/(1+exp(s))", "df": "sigma(s)*(1-sigma(s))"}}},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "sigma", "bias": 0.1},
                  {"id": "y", "fn": "identity"}],
        "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "w1"},
                  {"source": "h", "target": "y", "weight": -1.1, "name": "w2"}]}))
    lab = rojas.label(rojas.load(f), {"x": 0.3}, {"y": 0.2})
    h = 1 / (1 + math.exp(0.8 * 0.3 + 0.1))
    y = -1.1 * h
    true = 0.3 * (-h * (1 - h)) * -1.1 * (y - 0.2)
    claimed = 0.3 * (h * (1 - h)) * -1.1 * (y - 0.2)
    text = proof_report(lab, "w1", fmt="md")
    fd_lines = [ln for ln in text.splitlines() if re.search(r"(central|finite)[ -]difference", ln, re.I)]
    assert any(has_number(ln, true, 1e-7) for ln in fd_lines)
    back = [ln for ln in text.splitlines() if re.search(r"backward sweep", ln, re.I)]
    assert any(has_number(ln, claimed, 1e-10) for ln in back)
    assert "DISAGREE" in text or "disagree" in text


@pytest.mark.slow
def test_prove_refuses_a_label_source():
    ex = Example("mazur")
    r = rojas_cli("prove", ex.path, "--data", ex.data, "--wrt", "s:h1")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_the_central_difference_of_one_occurrence_of_a_tied_weight():
    # Two edges share param p: the first edge's own ∂E/∂w is o_x1·δ_h, not the param's total.
    import rojas
    from rojas.proof.argument import finite_difference

    net = rojas.Network(name="tied").add_param("p", 0.5)
    net.add_input("x1").add_input("x2").add_unit("h", "tanh").add_unit("y", "sigmoid")
    net.add_edge("x1", "h", param="p", name="a").add_edge("x2", "h", param="p", name="b")
    net.add_edge("h", "y", weight=-0.7, name="c")
    lab = rojas.label(net, {"x1": 0.5, "x2": -1.0}, {"y": 0.2})
    by_hand = 0.5 * lab.delta["h"]
    assert abs(lab.grad("a") - by_hand) < 1e-15
    assert abs(finite_difference(lab, "a") - by_hand) < 1e-8
    assert abs(finite_difference(lab, "p") - lab.grad("p")) < 1e-8 and abs(lab.grad("p") - by_hand) > 1e-3
