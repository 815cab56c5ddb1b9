"""The scalable gradient check: random directions, sampled exact checks, blame, overflow, options.

Expected numbers come from tests/reference.py (plain-Python forward passes and
central differences, written without rojas) or from the graph's structure.
"""

import json
import warnings

import networkx as nx
import numpy as np
import pytest

import rojas
import rojas.checking.gradient_check
import rojas.cli
from rojas.checking.gradient_check import check
from rojas.checking.numerical import agree, rel_error
from rojas.checking.testing import assert_gradients

import reference as R

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

SMOOTH = ("sigmoid", "tanh", "identity", "sin", "softplus")


def chain(n, fn="tanh", bad=None):
    """x → n0 → … → n(n−1); unit `bad` uses the file primitive q (tanh with df off by a factor 2)."""
    net = rojas.Network(name=f"chain {n}")
    net.add_primitive("q", "tanh(s)", "2*(1-tanh(s)**2)")
    net.add_input("x")
    prev = "x"
    for i in range(n):
        net.add_unit(f"n{i}", "q" if i == bad else fn, bias=0.01 * (i % 7))
        net.add_edge(prev, f"n{i}", weight=0.9 + 0.01 * (i % 5))
        prev = f"n{i}"
    return net, {"x": 0.5}, {prev: 0.2}


# ----------------------------------------------------------------------------- directions
@pytest.mark.parametrize("seed", range(4))
def test_directional_derivatives_match_the_reference(seed):
    """⟨∇E, v⟩ for random v: the numerical side equals Σ_i (reference ∂E/∂θ_i)·v_i, v rebuilt from the seed."""
    G = R.random_network(300 + seed, 3, 6, 2, p_product=0.2, p_tied=0.0, fns=SMOOTH)
    x, t = R.random_inputs(seed, G), R.random_targets(seed + 1, G)
    net = rojas.Network(G)
    report = check(net, x, t, method="both", directions=3, seed=seed, progress=False)
    assert report.ok, report.failure_message()
    assert [(d.index, d.method) for d in report.directions] == [(i, m) for i in range(3)
                                                                 for m in ("central", "complex")]
    fd = R.finite_differences(G, x, t)
    from rojas.checking.directions import Directions
    from rojas.checking.numerical import Perturbation

    lab = rojas.label(net, x, t)
    dirs = Directions(net, lab, Perturbation(net, x, t, None))
    rng = np.random.default_rng([seed, 0])
    for i in range(3):
        dw, db, dp, dx = dirs.random(rng)
        expected = (sum(fd["weight"][e] * dw[k] for k, e in enumerate(net.edges))
                    + sum(fd["bias"][n] * db[k] for k, n in enumerate(net.nodes) if n in fd["bias"])
                    + sum(fd["input"][n] * dx[k] for k, n in enumerate(dirs.inputs)))
        central = next(d for d in report.directions if d.index == i and d.method == "central")
        assert central.numerical == pytest.approx(expected, rel=1e-6, abs=1e-9)
        assert central.backward == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_a_failing_direction_is_bisected_to_the_unit(monkeypatch):
    """Without the per-primitive check, a wrong f′ at unit n13 of a 40-chain is found by bisection alone."""
    monkeypatch.setattr(rojas.checking.gradient_check, "check_primitives", lambda *a, **k: [])
    net, x, t = chain(40, bad=13)
    report = check(net, x, t, directions=2, exact_limit=10, sample=3, largest=1, progress=False)
    assert not report.ok and report.failed_directions
    assert len(report.blame) == 1 and "unit 'n13'" in report.blame[0] and "primitive 'q'" in report.blame[0]
    assert "disagree," in report.blame[0]  # n13's own parameters disagree by themselves
    assert "unit 'n13'" in report.summary()


def test_a_right_chain_passes_every_direction():
    net, x, t = chain(40)
    report = check(net, x, t, directions=5, progress=False)
    assert report.ok and len(report.directions) == 5 and not report.blame


# ----------------------------------------------------------------------------- exact sample
def test_all_parameters_up_to_the_exact_limit():
    net, x, t = chain(30)
    report = check(net, x, t, progress=False)
    c = report.coverage
    assert c["exact_mode"] == "all" and c["parameters"] == 30 + 30 + 1 == len(report.entries)


def test_beyond_the_limit_a_seeded_sample_plus_the_largest():
    net, x, t = chain(60)
    lab = rojas.label(net, x, t)
    report = check(net, x, t, exact_limit=20, sample=10, largest=5, seed=3, progress=False)
    c = report.coverage
    assert (c["exact_mode"], c["parameters"], c["sampled"]) == ("sample", 121, 10)
    assert len(report.entries) == 10 + c["largest"] and 1 <= c["largest"] <= 5
    # the 5 largest |∂E/∂·| are all there (those drawn at random too count)
    grads = {**{f"{u}->{v}": g for (u, v), g in lab.weight_grad.items()},
             **{f"bias {n}": g for n, g in lab.bias_grad.items()}, "input x": lab.input_grad["x"]}
    top = sorted(grads, key=lambda k: -abs(grads[k]))[:5]
    assert set(top) <= {e.name for e in report.entries}
    again = check(net, x, t, exact_limit=20, sample=10, largest=5, seed=3, progress=False)
    other = check(net, x, t, exact_limit=20, sample=10, largest=5, seed=4, progress=False)
    assert [e.name for e in again.entries] == [e.name for e in report.entries]
    assert [e.name for e in other.entries] != [e.name for e in report.entries]
    assert [d.numerical for d in again.directions] == [d.numerical for d in report.directions]
    assert "10 at random with seed 3" in str(report)


def test_a_deep_network_cuts_the_default_sample_and_says_so(monkeypatch):
    monkeypatch.setattr(rojas.checking.gradient_check, "LEVEL_STEP_BUDGET", 3000)
    net, x, t = chain(300)
    report = check(net, x, t, exact_limit=100, progress=False)
    c = report.coverage
    # 3000 level-steps / 301 generations = 9 sweeps: 4 entries of 2 sweeps each
    assert c["exact"] == 4 and "--sample" in c["reason"] and "301-generation" in c["reason"]
    assert c["sweeps"] <= 2 * 4 + 2 * c["directions"] + 2
    assert report.ok


def test_the_bad_primitive_is_named_in_a_big_sampled_check():
    """50 of 2,000 units use a file primitive with a wrong df: exit 1 naming it, its units listed."""
    rng = np.random.default_rng(5)
    G = nx.DiGraph()
    G.graph["primitives"] = {"badsig": {"f": "sigmoid(s)", "df": "2*sigmoid(s)*(1-sigmoid(s))"}}
    for i in range(8):
        G.add_node(f"x{i}", fn="input")
    bad = set(rng.choice(2000, size=50, replace=False).tolist())
    for j in range(2000):
        G.add_node(f"h{j}", fn="badsig" if j in bad else "sigmoid", bias=0.1)
        layer_lo = 8 if j < 200 else 0
        for _ in range(3):
            src = f"x{rng.integers(8)}" if j < 200 or layer_lo else f"h{rng.integers(max(1, j - 150), j)}"
            G.add_edge(src, f"h{j}", weight=float(rng.normal(0, 0.5)))
    sinks = [n for n in G if G.out_degree(n) == 0 and G.nodes[n]["fn"] != "input"]
    report = check(rojas.Network(G), {f"x{i}": 0.3 for i in range(8)}, {n: 0.5 for n in sinks},
                   sample=40, progress=False)
    assert report.coverage["exact_mode"] == "sample"
    assert [p.name for p in report.failed_primitives] == ["badsig"]
    assert set(report.failed_primitives[0].bad_nodes) <= {f"h{j}" for j in bad}
    assert "primitive 'badsig'" in report.summary()


# ----------------------------------------------------------------------------- overflow, warnings
def test_identical_numbers_agree_even_near_overflow():
    assert agree(1.7976931348623157e308, 1.7976931348623157e308, 1e-5, 1e-8)
    assert agree(-1e308, -1.0000000001e308, 1e-5, 1e-8) and not agree(1e308, -1e308, 1e-5, 1e-8)
    assert agree(0.0, 0.0, 0.0, 0.0) and rel_error(0.0, 0.0) == 0.0 and rel_error(1e308, 1e308) == 0.0
    assert rel_error(1.7e308, 0.85e308) == pytest.approx(0.5)


def test_near_overflow_nothing_fails_and_no_warning_escapes():
    """o = exp(709.7) ≈ 1.65e308 is finite; one step further overflows: not checked, never FAIL."""
    net = rojas.Network(name="edge of overflow").add_input("x").add_unit("y", "exp", bias=709.7)
    net.add_edge("x", "y", weight=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any RuntimeWarning leaking out fails the test
        report = check(net, {"x": 1.0}, of="y", method="both", progress=False)
    assert report.ok, str(report)
    bias = next(e for e in report.entries if e.name == "bias y")
    assert bias.backward == pytest.approx(np.exp(709.7), rel=1e-12)
    assert bias.status in ("ok", "unchecked") and "FAIL" not in str(report)
    assert all(e.status != "FAIL" for e in report.entries)


# ----------------------------------------------------------------------------- API and CLI
def test_assert_gradients_takes_the_same_mode():
    net, x, t = chain(50)
    report = assert_gradients(net, x, t, directions=2, exact_limit=10, sample=5, largest=2, seed=1)
    assert report.coverage["exact_mode"] == "sample" and len(report.directions) == 4  # central + complex each
    bad, x, t = chain(50, bad=20)
    with pytest.raises(AssertionError, match="primitive 'q'"):
        assert_gradients(bad, x, t, directions=1, exact_limit=10, sample=5)


@pytest.mark.parametrize("kwargs, message", [
    ({"directions": -1}, "directions"), ({"seed": -5}, "seed"), ({"sample": 2.5}, "sample"),
    ({"exact_limit": "x"}, "exact_limit"),
])
def test_bad_options(kwargs, message):
    net, x, t = chain(3)
    with pytest.raises(rojas.RojasError, match=message):
        check(net, x, t, **kwargs)


def test_cli_options_and_json_coverage(tmp_path, capsys):
    net, x, t = chain(40)
    path = tmp_path / "chain.json"
    net.save(str(path))
    code = rojas.cli.main(["check", str(path), "--input", "x=0.5", "--target", "n39=0.2", "--json",
                           "--directions", "3", "--sample", "7", "--seed", "2", "--exact-limit", "20", "--quiet"])
    d = json.loads(capsys.readouterr().out)
    assert code == 0 and d["ok"] is True
    c = d["coverage"]
    assert (c["directions"], c["sampled"], c["seed"], c["exact_limit"], c["exact_mode"]) == (3, 7, 2, 20, "sample")
    assert len(d["directions"]) == 3 and d["worst"]["where"]


def test_cli_negative_seed_is_one_line(tmp_path, capsys):
    net, *_ = chain(3)
    path = tmp_path / "c.json"
    net.save(str(path))
    with pytest.raises(SystemExit) as info:
        rojas.cli.main(["check", str(path), "--input", "x=1", "--of", "n2", "--seed", "-5"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "--seed" in err and "≥ 0" in err and len(err.strip().splitlines()) == 1


def test_cli_text_report_says_what_was_checked(tmp_path, capsys):
    net, *_ = chain(40, bad=13)
    path = tmp_path / "bad.json"
    net.save(str(path))
    code = rojas.cli.main(["check", str(path), "--input", "x=0.5", "--target", "n39=0.2", "--exact-limit", "30"])
    out = capsys.readouterr().out
    assert code == 1
    assert "4 random unit direction(s)" in out and "of 81 gradients" in out and "nearest to failing: " in out
    assert "primitive 'q'" in out and "nodes using it: n13" in out


def test_runtime_warnings_are_said_once_in_words():
    def loud(s):
        warnings.warn("loud primitive", RuntimeWarning)
        return s * 1.0

    rojas.register_primitive("test_check_scale_loud", loud, lambda s: np.ones_like(np.asarray(s, dtype=float)),
                             replace=True)
    net = rojas.Network().add_input("x").add_unit("y", "test_check_scale_loud").add_edge("x", "y", weight=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check(net, {"x": 2.0}, {"y": 0.0}, progress=False)
    assert report.ok
    (note,) = [n for n in report.notes if "warnings raised during the check" in n]
    assert note.count("RuntimeWarning: loud primitive") == 1 and "×)" in note


def test_nearest_to_failing_ranks_by_the_tolerance_not_the_relative_error():
    # Two gradients of 1e-20 with opposite signs: relative error 1 (the largest possible), yet
    # |a − n| = 2e-20 uses 2e-12 of the tolerance atol = 1e-8.  A gradient of 1 off by 5e-6 has a
    # relative error of 5e-6 but uses 5e-6 / (1e-8 + 1e-5·1.000005) ≈ 0.4995 of its tolerance.
    from rojas.checking.report import CheckReport, GradientEntry
    from rojas.checking.numerical import tolerance_used

    tiny = tolerance_used(1e-20, -1e-20, 1e-5, 1e-8)
    big = tolerance_used(1.0, 1.0 + 5e-6, 1e-5, 1e-8)
    assert tiny == pytest.approx(2e-20 / 1e-8, rel=1e-9)
    assert big == pytest.approx(5e-6 / (1e-8 + 1e-5 * (1.0 + 5e-6)), rel=1e-6)
    entries = [GradientEntry("bias", "h", "bias h", 1e-20, -1e-20, 1.0, "ok", of_tolerance=tiny),
               GradientEntry("weight", ("x", "h"), "x->h", 1.0, 1.0 + 5e-6, 5e-6, "ok", of_tolerance=big)]
    report = CheckReport(network="n", objective="E", value=0.5, method="central",
                         tolerances={"central": (1e-5, 1e-8)}, entries=entries)
    share, rel, where = report.worst()
    assert where == "x->h" and share == pytest.approx(0.4995, abs=1e-4) and rel == 5e-6
    assert report.to_dict()["worst"]["where"] == "x->h"
