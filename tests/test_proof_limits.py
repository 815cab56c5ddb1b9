"""Bounded proofs: every limit checked before the work, the SymPy section skipped with its reason, never a hang.

Expected derivatives come from hand-written chain-rule loops over ``math``
functions, from ``tests/reference.py`` and from central differences; the
limits are checked by the messages' numbers (the limit and the actual size).
"""

import json
import math
import re
import subprocess
import sys

import networkx as nx
import pytest

import rojas

import reference as R


def close(a, b, rtol=1e-9, atol=1e-14):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def rojas_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "rojas", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def write(path, graph):
    path.write_text(json.dumps({"directed": True, "multigraph": False, **graph}))
    return path


def chain(path, n, fn="tanh", weight=0.9, bias=0.01):
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"n{k}", "fn": fn, "bias": bias} for k in range(n)]
    edges = [{"source": "x" if k == 0 else f"n{k - 1}", "target": f"n{k}", "weight": weight} for k in range(n)]
    edges[0]["name"] = "w1"
    return write(path, {"graph": {"name": f"{n}-chain"}, "nodes": nodes, "edges": edges})


def complete_dag(path, n):
    """x → u0, and every u_i → u_j for i < j: the edge u_{n-2} → u_{n-1} ("last") has one path to E."""
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"u{k}", "fn": "tanh", "bias": 0.01} for k in range(n)]
    edges = [{"source": "x", "target": "u0", "weight": 0.5, "name": "w1"}]
    edges += [{"source": f"u{i}", "target": f"u{j}", "weight": 0.3} for j in range(1, n) for i in range(j)]
    edges[-1]["name"] = "last"
    return write(path, {"graph": {"name": f"complete {n}"}, "nodes": nodes, "edges": edges})


def chain_derivative(n, x, t, weight=0.9, bias=0.01):
    """∂E/∂w1 of a tanh chain by the chain rule written out (E = ½(o − t)²)."""
    o, derivs = x, []
    for _ in range(n):
        s = weight * o + bias
        o = math.tanh(s)
        derivs.append(1 - o * o)
    d = (o - t)
    for k in range(n - 1, 0, -1):
        d *= derivs[k] * weight
    return d * derivs[0] * x


@pytest.mark.slow
def test_a_chain_of_38_tanh_units_is_proved_symbolically(tmp_path):
    """Inside the 40-unit limit: no RecursionError from sympy.diff, and the identity holds."""
    net = rojas.load(chain(tmp_path / "c.json", 38))
    lab = rojas.label(net, {"x": 0.3}, {"n37": 0.1})
    proof = rojas.symbolic_proof(lab, "w1", time_budget=240)
    want = chain_derivative(38, 0.3, 0.1)
    assert proof.holds
    assert close(proof.derivative_value, want) and close(proof.path_sum_value, want)


@pytest.mark.slow
def test_a_huge_constant_is_a_float_not_a_billion_digit_rational(tmp_path):
    """f = s + (1/10)**(10**9) is s + 0.0: the proof ends, and its numbers are those of the identity."""
    path = write(tmp_path / "tiny.json", {
        "graph": {"name": "tiny", "primitives": {"f": {"f": "s + (1/10)**(10**9)", "df": "1"}}},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "f", "bias": 0.2}],
        "edges": [{"source": "x", "target": "y", "weight": 0.5, "name": "w1"}]})
    r = rojas_cli("prove", path, "--input", "x=0.3", "--target", "y=0.1", "--wrt", "w1", timeout=120)
    assert r.returncode == 0, r.stderr
    want = 0.3 * (0.5 * 0.3 + 0.2 - 0.1)  # ∂E/∂w = x·(o − t), o = w·x + b
    assert "SymPy: diff of the network function" in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("| SymPy"))
    assert close(float(line.split("|")[2]), want, 1e-12)


@pytest.mark.slow
def test_a_complete_dag_of_20_units_skips_sympy_and_says_why(tmp_path):
    """One path from "last", but the network function's tree has ~2^20 nodes: refused up front."""
    path = complete_dag(tmp_path / "dag.json", 20)
    r = rojas_cli("prove", path, "--input", "x=0.3", "--target", "u19=0.1", "--wrt", "last", timeout=240)
    assert r.returncode == 0, r.stderr
    skipped = [ln for ln in r.stdout.splitlines() if "SymPy section is skipped" in ln]
    assert len(skipped) == 1 and "50,000" in skipped[0] and "--symbolic-size" in skipped[0], skipped
    size = int(re.search(r"have ([\d,]+) nodes", skipped[0]).group(1).replace(",", ""))
    assert size > 2 ** 20  # the tree of o_u19 alone doubles with every unit
    assert "rojas: note: the SymPy section is skipped" in r.stderr
    # the rest of the proof is written, and its gradient is the reference's
    G = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    grads = R.reverse_mode(G, {"x": 0.3}, {"u19": 0.1})[5]["weight"]
    assert "## Conclusion" in r.stdout and "agree" in r.stdout
    back = next(ln for ln in r.stdout.splitlines() if ln.startswith("| backward sweep"))
    assert close(float(back.split("|")[2]), grads[("u18", "u19")], 1e-12)


@pytest.mark.slow
def test_the_time_budget_stops_sympy(tmp_path):
    """With the size limit lifted, the budget ends the SymPy work; the report says so."""
    net = rojas.load(complete_dag(tmp_path / "dag.json", 14))
    lab = rojas.label(net, {"x": 0.3}, {"u13": 0.1})
    with pytest.raises(rojas.RojasError, match=r"time budget of 1 s .*--symbolic-time"):
        rojas.symbolic_proof(lab, "last", size_limit=10 ** 12, time_budget=1)
    p = rojas.prove(lab, "last", symbolic_limits={"size_limit": 10 ** 12, "time_budget": 1})
    assert p.agree and "time budget" in p.symbolic_skipped and "time budget of 1 s" in p.text


@pytest.mark.slow
def test_symbolic_limits_name_the_limit_the_size_and_the_option(tmp_path):
    net = rojas.load(complete_dag(tmp_path / "dag.json", 9))
    lab = rojas.label(net, {"x": 0.3}, {"u8": 0.1})
    paths = sum(1 for _ in nx.all_simple_paths(nx.node_link_graph(
        json.loads((tmp_path / "dag.json").read_text()), edges="edges"), "u0", "u8"))
    assert paths == 128
    with pytest.raises(rojas.RojasError, match=rf"^{paths} paths from w1: more than the symbolic limit of 64 "
                                               r"\(raise it with --symbolic-paths"):
        rojas.symbolic_proof(lab, "w1")
    with pytest.raises(rojas.RojasError, match=r"9 units, more than the symbolic limit of 5 .*--symbolic-limit"):
        rojas.symbolic_proof(lab, "last", limit=5)
    with pytest.raises(rojas.RojasError, match=r"more than the symbolic limit of 10 .*--symbolic-size"):
        rojas.symbolic_proof(lab, "last", size_limit=10)


@pytest.mark.slow
def test_prove_refuses_beyond_its_unit_limit_before_labeling(tmp_path):
    path = chain(tmp_path / "c.json", 30)
    r = rojas_cli("prove", path, "--input", "x=0.3", "--target", "n29=0.1", "--wrt", "w1", "--max-units", "20")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == ("rojas: error: the network has 30 units, more than the proof's limit of 20 to "
                                "write out (raise it with --max-units N / unit_limit=)")


@pytest.mark.slow
def test_paths_refuses_beyond_its_limit_with_the_count(tmp_path):
    path = complete_dag(tmp_path / "dag.json", 12)
    r = rojas_cli("paths", path, "--input", "x=0.3", "--target", "u11=0.1", "--from", "w1", "--limit", "100")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert f"{2 ** 10} paths from w1" in r.stderr and "limit of 100" in r.stderr and "--limit N" in r.stderr


@pytest.mark.slow
def test_100000_node_chain(tmp_path):
    """paths --count is exact (one path) and prove refuses in one line naming --max-units."""
    path = chain(tmp_path / "c.json", 100_000)
    r = rojas_cli("paths", path, "--from", "w1", "--count", timeout=600)
    assert r.returncode == 0 and r.stdout.strip() == "1", r.stderr
    r = rojas_cli("prove", path, "--input", "x=0.3", "--target", "n99999=0.1", "--wrt", "w1", timeout=600)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "100000 units" in r.stderr and "--max-units" in r.stderr


@pytest.mark.slow
def test_paths_count_with_an_unknown_end_exits_2(tmp_path):
    path = chain(tmp_path / "c.json", 3)
    r = rojas_cli("paths", path, "--from", "w1", "--count", "--to", "nosuch")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip() == "rojas: error: --to: unknown node 'nosuch'"


@pytest.mark.slow
def test_a_huge_power_of_an_expression_is_taken_in_floats(tmp_path):
    """f = s + (s/10)**(10**9): no exact 10**(10**9); its true derivative is not the claimed df = 1,
    so the identity fails (exit 1) although the numbers agree at s = 0.35 (the power underflows to 0)."""
    path = write(tmp_path / "tiny.json", {
        "graph": {"name": "tiny", "primitives": {"f": {"f": "s + (s/10)**(10**9)", "df": "1"}}},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "f", "bias": 0.2}],
        "edges": [{"source": "x", "target": "y", "weight": 0.5, "name": "w1"}]})
    r = rojas_cli("prove", path, "--input", "x=0.3", "--target", "y=0.1", "--wrt", "w1", timeout=120)
    assert r.returncode == 1, r.stderr
    assert "does NOT simplify to 0" in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("| SymPy"))
    assert close(float(line.split("|")[2]), 0.3 * (0.5 * 0.3 + 0.2 - 0.1), 1e-12)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="no digit limit before Python 3.11")
def test_path_counts_past_pythons_4300_digit_limit(tmp_path, capsys):
    # Each unit takes its two predecessors: the paths from a0 to the last of 30,000 units follow
    # the Fibonacci recurrence (6,270 digits), past what str(int) converts by default.
    from rojas.cli import main

    n = 30_000
    ids = ["a0", "a1"] + [f"u{k}" for k in range(n)]
    nodes = [{"id": "a0", "fn": "input"}, {"id": "a1", "fn": "input"}] + [{"id": i, "fn": "tanh"} for i in ids[2:]]
    edges = [{"source": ids[k - d], "target": ids[k], "weight": 0.5} for k in range(2, len(ids)) for d in (2, 1)]
    net = tmp_path / "fib.json"
    net.write_text(json.dumps({"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}))
    paths_to_end = [0] * len(ids)  # from each node to the last one, counted backwards
    paths_to_end[-1] = 1
    for k in range(len(ids) - 2, -1, -1):
        paths_to_end[k] = sum(paths_to_end[j] for j in (k + 1, k + 2) if j < len(ids) and j - k <= 2 and j >= 2)
    expected = paths_to_end[0]
    assert main(["paths", str(net), "--from", "a0", "--count", "--to", ids[-1]]) == 0
    out = capsys.readouterr().out.strip()
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert len(out) > 4300 and int(out) == expected
    finally:
        sys.set_int_max_str_digits(previous)
    assert main(["paths", str(net), "--from", "a0", "--to", ids[-1], "--input", "a0=0.1", "--input", "a1=0.2"]) == 2
    err = capsys.readouterr().err
    digits = len(out)
    assert len(err.strip().splitlines()) == 1 and f"({digits:,} digits) paths from a0" in err
