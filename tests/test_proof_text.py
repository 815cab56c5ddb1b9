"""What the proof writes: escaping of the user's ids in LaTeX, Markdown and the terminal, readable results,
reserved names, exit codes and options of the proof commands.

Numbers come from Mazur's published 2-2-2 example (∂E/∂w1 = 0.000438568, ∂E/∂w5 = 0.082167041),
from hand-written chain rules and from central differences.
"""

import json
import math
import re
import subprocess
import sys

import pytest

import rojas
from rojas.proof.document import escape_latex, escape_markdown

HOSTILE_EDGE = "w_1^\\input{/etc/hostname}"
HOSTILE_NODE = "h}\\immediate\\write18{touch /tmp/rojas-pwned}%"
NEWLINE_NODE = "y\nrojas: error: fake\x1b[2J"


def rojas_cli(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "rojas", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def mazur():
    net = rojas.load(rojas.example_path("mazur"))
    return net, rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))


def hostile_network(tmp_path):
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({
        "directed": True, "multigraph": False, "graph": {"name": "evil $x$ \\def"},
        "nodes": [{"id": "x", "fn": "input"}, {"id": HOSTILE_NODE, "fn": "tanh"},
                  {"id": NEWLINE_NODE, "fn": "sigmoid"}],
        "edges": [{"source": "x", "target": HOSTILE_NODE, "weight": 0.5, "name": HOSTILE_EDGE},
                  {"source": HOSTILE_NODE, "target": NEWLINE_NODE, "weight": 0.7}]}))
    return path


def hostile_gradient():
    """∂E/∂w for x=0.3, t=0.1, by the chain rule written out."""
    h = math.tanh(0.5 * 0.3)
    y = 1 / (1 + math.exp(-0.7 * h))
    return 0.3 * (1 - h * h) * 0.7 * y * (1 - y) * (y - 0.1)


def no_live_commands(tex):
    """No control sequence of the user's text survives: every backslash the user wrote is \\textbackslash{}."""
    for command in ("\\input", "\\immediate", "\\write18", "\\def"):
        assert command not in tex, command


@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_hostile_ids_are_escaped_everywhere_in_the_proof(tmp_path, fmt):
    lab = rojas.label(rojas.load(hostile_network(tmp_path)), {"x": 0.3}, {NEWLINE_NODE: 0.1})
    proof = rojas.prove(lab, HOSTILE_EDGE, fmt=fmt)
    text = proof.text
    assert proof.agree and proof.symbolic is not None and proof.symbolic.holds  # the SymPy section is there
    assert math.isclose(proof.value, hostile_gradient(), rel_tol=1e-12)
    assert "\n" + "rojas: error" not in text and "\x1b" not in text
    if fmt == "tex":
        no_live_commands(text)
        # the SymPy section's symbols too: the user's names appear only inside \text{...}, escaped
        sympy_part = text[text.index("With symbols"):]
        assert "\\text{w\\_1\\textasciicircum{}\\textbackslash{}input\\{/etc/hostname\\}}" in sympy_part
    else:
        assert "| h}\\\\immediate\\\\write18{touch /tmp/rojas-pwned}% |" in text  # one cell, backslashes escaped
        rows = [ln for ln in text.splitlines() if ln.startswith("|")]
        assert len(rows) == 25 and all(ln.endswith("|") for ln in rows)  # 5 tables, no row broken by a newline


def test_latex_and_markdown_escapes():
    assert escape_latex("a_b%c{d}$e#f&g~h^i\\j") == \
        "a\\_b\\%c\\{d\\}\\$e\\#f\\&g\\textasciitilde{}h\\textasciicircum{}i\\textbackslash{}j"
    assert escape_latex("h\nx") == "h\\textbackslash{}nx"  # a newline cannot end a table cell
    assert escape_markdown("[x](javascript:y) <b>|`c`") == "\\[x\\](javascript:y) \\<b\\>\\|\\`c\\`"


@pytest.mark.slow
def test_terminal_listings_escape_control_characters(tmp_path):
    path = hostile_network(tmp_path)
    r = rojas_cli("paths", path, "--input", "x=0.3", "--target", f"{NEWLINE_NODE}=0.1", "--from", HOSTILE_EDGE)
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and not any(ln.startswith("rojas: error") for ln in r.stdout.splitlines())
    assert "y\\nrojas: error: fake\\x1b[2J" in r.stdout
    back = next(ln for ln in r.stdout.splitlines() if ln.startswith("Backward sweep"))
    assert math.isclose(float(back.split()[2]), hostile_gradient(), rel_tol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["E", "L", "C"])
def test_names_reserved_for_the_objective(name, tmp_path):
    """The network refuses them at load; should one reach a claim or a listing anyway, the claim refuses
    the ambiguous name and the listing quotes the node, keeping a bare E for the objective."""
    from types import SimpleNamespace

    import networkx as nx

    from rojas.proof.claim_paths import name_resolver
    from rojas.proof.path_listing import path_nodes_text

    path = tmp_path / "reserved.json"
    path.write_text(json.dumps({"directed": True, "multigraph": False, "graph": {},
                                "nodes": [{"id": "i1", "fn": "input"}, {"id": name, "fn": "sigmoid"}],
                                "edges": [{"source": "i1", "target": name, "weight": 0.5}]}))
    r = rojas_cli("grad", path, "--input", "i1=0.5", "--target", f"{name}=0.1")
    assert r.returncode == 2 and f"'{name}' is reserved" in r.stderr and len(r.stderr.splitlines()) == 1
    G = nx.DiGraph([("i1", name)])
    net = SimpleNamespace(nodes=["i1", name], edges=[("i1", name)], params={}, graph=G,
                          edge_name=lambda u, v: None, fn=lambda n: "input" if n == "i1" else "sigmoid")
    resolve = name_resolver(SimpleNamespace(network=net), f"dE/d{name}")
    with pytest.raises(rojas.ClaimSyntaxError, match=rf"'{name}' names both the objective and a node"):
        resolve(name, 4)
    ps = SimpleNamespace(target="E")
    assert path_nodes_text(ps, {"nodes": ["i1", name, "E"]}) == f"i1 → '{name}' → E"


def test_count_paths_takes_the_references_of_rojas_paths():
    net, _ = mazur()
    assert rojas.count_paths(net, "w1", ["o1", "o2"]) == 2
    assert rojas.count_paths(net, "h1->o1", "o1") == 1
    assert rojas.count_paths(net, ("h1", "o1"), ["o1", "o2"]) == 1
    assert rojas.count_paths(net, "b:h1", ["o1", "o2"]) == 2
    assert rojas.count_paths(net, "i1", ["o1", "o2"]) == 4
    assert rojas.count_paths(net, "o:h2", ["o2"]) == 1
    for bad_source, bad_ends in (("w99", ["o1"]), ("w1", ["nowhere"]), (["w1"], ["o1"]), ("w1", [{}])):
        with pytest.raises(rojas.RojasError):
            rojas.count_paths(net, bad_source, bad_ends)


def test_results_print_readably():
    _, lab = mazur()
    ps = rojas.path_sum(lab, "w1")
    text = str(ps)
    assert "Paths from w1 to E: 2" in text and "i1 → h1 → o1 → E" in text and "i1 → h1 → o2 → E" in text
    total = float(re.search(r"Sum over paths:\s+(\S+)", text).group(1))
    assert round(total, 9) == 0.000438568  # Mazur's published ∂E/∂w1
    assert repr(ps).startswith("<PathSum ∂E/∂w1: 2 paths, sum 0.00043856773")
    md = ps._repr_markdown_()
    assert "| i1 → h1 → o1 → E |" in md and "0.00043856773" in md
    proof = rojas.symbolic_proof(lab, "w5")
    value = re.fullmatch(r"<SymbolicProof ∂/∂w5: the identity holds, value (\S+)>", repr(proof)).group(1)
    assert round(float(value), 9) == 0.082167041  # Mazur's published ∂E/∂w5
    assert str(proof).startswith("Symbolic proof for ∂/∂w5: the identity holds")
    assert proof._repr_latex_().startswith("$\\displaystyle \\frac{\\partial}{\\partial w_{5}} =")
    p = rojas.prove(lab, "w1", symbolic=False)
    assert repr(p).startswith("<Proof (md): the checks agree, value 0.00043856773")
    assert p._repr_markdown_() == p.text == str(p)


WRONG_SIGMA = {
    "directed": True, "multigraph": False,
    "graph": {"name": "the perceptron with a sign slip in σ", "params": {},
              "primitives": {"sigma": {"f": "1/(1+exp(s))", "df": "sigma(s)*(1-sigma(s))"}}},
    "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "sigma", "bias": 0.1},
              {"id": "y", "fn": "identity"}],
    "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "w1"},
              {"source": "h", "target": "y", "weight": -1.1, "name": "w2"}]}


@pytest.mark.slow
def test_prove_exits_1_when_its_checks_disagree(tmp_path):
    f = tmp_path / "sigma.json"
    f.write_text(json.dumps(WRONG_SIGMA))
    r = rojas_cli("prove", f, "--input", "x=0.3", "--target", "y=0.2", "--wrt", "w1")
    assert r.returncode == 1, r.stderr
    assert "DISAGREE" in r.stdout
    good = json.loads(json.dumps(WRONG_SIGMA))
    good["graph"]["primitives"]["sigma"]["df"] = "-sigma(s)*(1-sigma(s))"
    f.write_text(json.dumps(good))
    r = rojas_cli("prove", f, "--input", "x=0.3", "--target", "y=0.2", "--wrt", "w1")
    assert r.returncode == 0, r.stderr


@pytest.mark.slow
def test_of_with_a_data_file_with_targets_speaks_cli(tmp_path):
    ex, data = rojas.example_path("mazur"), rojas.example_path("mazur", "data")
    r = rojas_cli("grad", ex, "--data", data, "--of", "o1")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "--of o1" in r.stderr and "--no-targets" in r.stderr and "of=NODE" not in r.stderr
    r = rojas_cli("prove", ex, "--data", data, "--of", "o1", "--no-targets", "--wrt", "w1", "--no-symbolic")
    assert r.returncode == 0, r.stderr
    # ∂o1/∂w1 = i1·σ'(s_h1)·w5·σ'(s_o1), from Mazur's forward numbers
    h1, o1 = 0.593269992, 0.75136507
    want = 0.05 * h1 * (1 - h1) * 0.40 * o1 * (1 - o1)
    back = next(ln for ln in r.stdout.splitlines() if ln.startswith("| backward sweep"))
    assert math.isclose(float(back.split("|")[2]), want, rel_tol=1e-7)


@pytest.mark.slow
def test_prove_writes_no_file_over_its_inputs(tmp_path):
    f = tmp_path / "net.json"
    f.write_text(json.dumps(WRONG_SIGMA))
    before = f.read_text()
    r = rojas_cli("prove", f, "--input", "x=0.3", "--target", "y=0.2", "--wrt", "w1", "-o", f)
    assert r.returncode == 2 and "would overwrite NET.json" in r.stderr and f.read_text() == before


@pytest.mark.slow
def test_prove_help_explains_every_option():
    r = rojas_cli("prove", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    for option in ("--format", "-o FILE, --output FILE", "--max-units", "--symbolic-limit", "--symbolic-paths",
                   "--symbolic-size", "--symbolic-time", "--no-targets", "--no-symbolic"):
        assert option in text, option
    assert "complete LaTeX document" in text


def test_what_derives_from_a_labeling_ignores_later_changes_to_the_network():
    """Mazur's net labeled, then changed: the path sum, claim, proof and symbolic proof keep the snapshot."""
    net, lab = mazur()
    before = rojas.path_sum(lab, "w1")
    net.set_weight("h1", "o1", 3.0)
    net.set_bias("h1", -2.0)
    ps = rojas.path_sum(lab, "w1")
    assert round(ps.total, 9) == 0.000438568 and ps.total == before.total  # Mazur's published ∂E/∂w1
    assert ps.total == pytest.approx(ps.backprop, rel=1e-13, abs=1e-18)
    assert dict(ps.paths[0]["factors"])["w5"] == 0.40
    verdict = rojas.check_claim(lab, "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + dh1/dw1 * do2/dh1 * dE/do2")
    assert verdict.ok and verdict.claimed_value == pytest.approx(0.000438568, abs=5e-10)
    proof = rojas.prove(lab, "w1")
    assert proof.agree and round(proof.value, 9) == 0.000438568
    assert round(proof.symbolic.derivative_value, 9) == 0.000438568
    assert round(float(rojas.proof.argument.finite_difference(lab, "w5")), 8) == 0.08216704
