"""rojas.check, rojas.checking.testing.assert_gradients and `rojas check`.

Expected numbers come from tests/reference.py (a per-node forward pass in plain
Python and its own central differences, written without rojas), from the
graph's structure (which parameters lie upstream of which node), or from
calculus done by hand; never from rojas's own output.
"""

import json
import math
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

import rojas
import rojas.cli
from rojas.checking.gradient_check import TOLERANCES, check
from rojas.checking.testing import assert_gradients

import reference as R

SMOOTH = ("sigmoid", "tanh", "identity", "sin", "softplus", "gaussian")


def mixed_net(fn_h1, f=None, df=None, name="mixed"):
    """x1, x2 → h1 (fn_h1), h2 (tanh) → y (sigmoid), plus a skip x1 → y.

    With `f` and `df`, fn_h1 is a primitive defined in the network from those expressions.
    Edges are added so that they are not grouped by source (as a copy would group them).
    """
    net = rojas.Network(name=name)
    if f is not None:
        net.add_primitive(fn_h1, f, df)
    net.add_input("x1").add_input("x2")
    net.add_unit("h1", fn_h1, bias=0.2).add_unit("h2", "tanh", bias=-0.1).add_unit("y", "sigmoid", bias=0.05)
    net.add_edge("x1", "h1", weight=0.7, name="a").add_edge("x2", "h2", weight=-0.6, name="b")
    net.add_edge("x2", "h1", weight=0.4, name="c").add_edge("x1", "h2", weight=0.9, name="d")
    net.add_edge("h1", "y", weight=1.3, name="e").add_edge("h2", "y", weight=-0.8, name="f")
    net.add_edge("x1", "y", weight=0.25, name="skip")
    return net


DATA = ({"x1": 0.8, "x2": -0.5}, {"y": 0.9})


def names(entries):
    return {e.name for e in entries}


# ----------------------------------------------------------------------------- wrong derivatives
WRONG = {
    # kind: (f, wrong df, right df)
    "sign": ("tanh(s)", "-(1-tanh(s)**2)", "1-tanh(s)**2"),
    "factor 2": ("sigmoid(s)", "2*sigmoid(s)*(1-sigmoid(s))", "sigmoid(s)*(1-sigmoid(s))"),
    "missing chain factor": ("sin(2*s)", "cos(2*s)", "2*cos(2*s)"),
    "the perceptron sign slip": ("1/(1+exp(s))", "q(s)*(1-q(s))", "-q(s)*(1-q(s))"),
}


@pytest.mark.parametrize("method", ["central", "complex", "both"])
@pytest.mark.parametrize("kind", list(WRONG))
def test_a_wrong_derivative_is_caught_and_blamed_on_the_primitive(kind, method):
    f, wrong, _ = WRONG[kind]
    net = mixed_net("q", f, wrong)
    report = check(net, *DATA, method=method)
    assert not report.ok
    assert [p.name for p in report.failed_primitives] == ["q"]
    assert report.failed_primitives[0].bad_nodes == ("h1",)
    # What passes through f'(s_h1): everything upstream of h1 (its weights, its bias, the inputs).
    # What does not (h1 -> y, weights into h2, the skip, biases of h2 and y) must still agree.
    assert names(report.failures) == {"a (x1->h1)", "c (x2->h1)", "bias h1", "input x1", "input x2"}
    assert all(e.blame == ("q",) for e in report.failures)
    summary = report.summary()
    assert "primitive 'q'" in summary and "nodes using it: h1" in summary and "a (x1->h1)" in summary
    assert f"f = {f}" in summary  # a file primitive is shown with its source


@pytest.mark.parametrize("kind", list(WRONG))
def test_the_right_derivative_passes(kind):
    f, _, right = WRONG[kind]
    net = mixed_net("q", f, right)
    report = check(net, *DATA, method="both")
    assert report.ok, str(report)
    assert all(p.ok for p in report.primitives) and not report.failures


def test_numerical_values_are_the_derivatives_of_the_true_function():
    """With a wrong df, the numerical column still holds the true derivative (reference FD)."""
    net = mixed_net("q", "sin(2*s)", "cos(2*s)")
    G = net.to_networkx()
    prims = {"q": (lambda s: math.sin(2 * s), lambda s: 2 * math.cos(2 * s))}
    fd = R.finite_differences(G, *DATA, prims=prims)
    report = check(net, *DATA, method="both")
    for e in report.entries:
        expected = {"weight": lambda: fd["weight"][e.ref], "bias": lambda: fd["bias"][e.ref],
                    "input": lambda: fd["input"][e.ref]}[e.kind]()
        assert e.numerical == pytest.approx(expected, rel=1e-6, abs=1e-9), e.name
    # and the backward value with the wrong df is the reference reverse sweep with that same wrong df
    wrong = {"q": (lambda s: math.sin(2 * s), lambda s: math.cos(2 * s))}
    _, _, _, _, _, grads = R.reverse_mode(G, *DATA, prims=wrong)
    a = next(e for e in report.entries if e.name == "a (x1->h1)")
    assert a.backward == pytest.approx(grads["weight"][("x1", "h1")], rel=1e-12)
    assert a.rel_error == pytest.approx(abs(a.backward - a.numerical) / max(abs(a.backward), abs(a.numerical)))


def test_a_wrong_registered_primitive_is_caught():
    rojas.register_primitive("test_checking_cube", lambda s: s ** 3, lambda s: 2 * s ** 2,
                             complex_safe=True, replace=True)
    net = mixed_net("test_checking_cube")
    report = check(net, *DATA, method="complex")
    assert [p.name for p in report.failed_primitives] == ["test_checking_cube"]
    w = report.failed_primitives[0].worst
    s = w["s"]  # s_h1 = 0.7·0.8 + 0.4·(−0.5) + 0.2 = 0.56
    assert s == pytest.approx(0.56, rel=1e-12)
    assert w["claimed"] == pytest.approx(2 * s * s) and w["numerical"] == pytest.approx(3 * s * s, rel=1e-12)


def test_a_wrong_primitive_used_by_an_unreached_node_still_fails_the_report():
    """A wrong df on a node whose δ is 0 spoils no gradient, but the claim itself is wrong."""
    net = rojas.Network(name="dead end").add_primitive("q", "s**3", "2*s**2")
    net.add_input("x").add_unit("h", "q", bias=0.5).add_unit("y", "tanh")
    net.add_edge("x", "h", weight=1.0).add_edge("h", "y", weight=0.0).add_edge("x", "y", weight=0.3)
    report = check(net, {"x": 1.0}, {"y": 0.2})
    assert not report.failures
    assert not report.ok and [p.name for p in report.failed_primitives] == ["q"]
    assert "no gradient disagrees through it" in report.summary()


# ----------------------------------------------------------------------------- agreement
@pytest.mark.parametrize("seed", range(6))
def test_random_networks_pass_and_match_the_reference(seed):
    G = R.random_network(100 + seed, 3, 6, 2, p_product=0.25, p_tied=0.3, fns=SMOOTH)
    x = R.random_inputs(seed, G)
    t = R.random_targets(seed + 1, G)
    report = check(G, x, t, method="both")
    assert report.ok, report.failure_message()
    fd = R.finite_differences(G, x, t)
    expected = {**{("weight", k): v for k, v in fd["weight"].items()},
                **{("bias", k): v for k, v in fd["bias"].items()},
                **{("param", k): v for k, v in fd["param"].items()},
                **{("input", k): v for k, v in fd["input"].items()}}
    tied = {(u, v) for u, v, d in G.edges(data=True) if "param" in d}
    assert {(e.kind, e.ref) for e in report.entries} == {k for k in expected if k[1] not in tied}
    for e in report.entries:
        assert e.numerical == pytest.approx(expected[(e.kind, e.ref)], rel=1e-5, abs=1e-7), e.name


@pytest.mark.parametrize("seed", range(8))
def test_complex_step_agrees_with_central_differences_on_smooth_networks(seed):
    G = R.random_network(200 + seed, 2 + seed % 3, 7, 1 + seed % 2, p_product=0.2, p_tied=0.2, fns=SMOOTH)
    x = R.random_inputs(seed, G, batch=3 if seed % 2 else None)
    t = R.random_targets(seed + 7, G, batch=3 if seed % 2 else None)
    report = check(G, x, t, method="both")
    assert report.ok, report.failure_message()
    both = [e for e in report.entries if e.complex is not None]
    assert len(both) == sum(e.kind != "input" for e in report.entries) > 0
    scale = max(1.0, abs(report.value))
    for e in both:
        assert abs(e.central - e.complex) <= 1e-9 * scale, (e.name, e.central, e.complex)
        assert abs(e.backward - e.complex) <= 1e-12 * scale + 1e-10 * abs(e.complex), e.name


def test_batch_inputs_are_checked_per_sample():
    net = rojas.load(rojas.example_path("xor"))
    x, t = rojas.load_data(rojas.example_path("xor", "data"))
    report = check(net, x, t)
    inputs = [e for e in report.entries if e.kind == "input"]
    assert len(inputs) == 2 * 4 and report.ok
    G = net.to_networkx()
    for e in inputs:
        node, b = e.ref
        xs = {k: float(v[b]) for k, v in x.items()}
        ts = {k: float(v[b]) for k, v in t.items()}
        fd = R.finite_differences(G, xs, ts)["input"][node]
        assert e.numerical == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_objective_of_a_node_and_a_plain_digraph():
    G = nx.DiGraph(name="g")
    G.add_node("x", fn="input")
    G.add_node("h", fn="sin", bias=0.3)
    G.add_node("y", fn="exp")
    G.add_node("z", fn="square")
    G.add_edge("x", "h", weight=1.5)
    G.add_edge("h", "y", weight=0.5)
    G.add_edge("h", "z", weight=-2.0)
    report = check(G, {"x": 0.4}, of="h", method="both")
    assert report.ok and report.objective == "h"
    # ∂sin(1.5x + 0.3)/∂w at x = 0.4 is x·cos(1.5·0.4 + 0.3): by hand
    w = next(e for e in report.entries if e.ref == ("x", "h"))
    assert w.backward == pytest.approx(0.4 * math.cos(0.9), rel=1e-12)
    assert w.complex == pytest.approx(0.4 * math.cos(0.9), rel=1e-12)
    # y, z are not on the way to h: their gradients are exactly 0 both ways, relative error 0
    zero = [e for e in report.entries if e.ref in (("h", "y"), ("h", "z"), "y", "z")]
    assert len(zero) == 4 and all(e.backward == 0 and e.numerical == 0 and e.rel_error == 0 for e in zero)


def test_tied_params_are_checked_as_one_number():
    net = rojas.load(rojas.example_path("skip_product"))
    x, t = rojas.load_data(rojas.example_path("skip_product", "data"))
    report = check(net, x, t, method="both")
    kinds = [e.kind for e in report.entries]
    assert kinds.count("param") == 1 and kinds.count("weight") == len(net.edges) - 2
    fd = R.finite_differences(net.to_networkx(), x, t)
    param = next(e for e in report.entries if e.kind == "param")
    assert param.complex == pytest.approx(fd["param"]["t"], rel=1e-6)


# ----------------------------------------------------------------------------- kinks and fallbacks
def kink_net(fn="relu"):
    """h1 = relu(a·x1 + c·x2) with s_h1 exactly 0 at KINK_DATA (numbers exact in binary)."""
    net = mixed_net(fn)
    net.set_bias("h1", 0.0).set_weight("x1", "h1", 0.75).set_weight("x2", "h1", 0.5)
    return net


KINK_DATA = ({"x1": 0.5, "x2": -0.75}, {"y": 0.9})  # s_h1 = 0.75·0.5 + 0.5·(−0.75) = 0


def test_relu_at_its_kink_is_a_note_not_a_failure():
    net = kink_net()
    lab = rojas.label(net, *KINK_DATA)
    assert lab.s["h1"] == 0.0
    report = check(net, *KINK_DATA, method="both")
    assert report.ok, str(report)
    kinks = {e.name for e in report.entries if e.status == "kink"}
    # Everything whose step moves s_h1 across 0: h1's weights, its bias, both inputs.
    assert kinks == {"a (x1->h1)", "c (x2->h1)", "bias h1", "input x1", "input x2"}
    for e in report.entries:
        if e.status == "kink":
            assert "relu at node 'h1'" in e.note
    relu = next(p for p in report.primitives if p.name == "relu")
    assert relu.ok and relu.kinks == 1
    assert "complex step not available through relu" in str(report)
    assert "(5 at a kink, see notes)" in report.summary()


def test_relu_away_from_its_kink_is_plainly_checked():
    report = check(mixed_net("relu"), *DATA, method="both")  # s_h1 = 0.56: far from 0
    assert report.ok and all(e.status == "ok" for e in report.entries)
    fallback = {e.name for e in report.entries if e.kind != "input" and e.complex is None}
    # upstream of the relu the complex step cannot go; downstream of it, it does
    assert fallback == {"a (x1->h1)", "c (x2->h1)", "bias h1"}
    assert next(e for e in report.entries if e.name == "e (h1->y)").complex is not None


def test_a_wrong_relu_derivative_is_caught_next_to_a_kink():
    rojas.register_primitive("test_checking_badrelu", lambda s: np.where(np.real(s) > 0, s, 0.0 * s),
                             lambda s: np.where(np.real(s) > 0, 2.0, 0.0), replace=True)
    net = mixed_net("test_checking_badrelu")
    report = check(net, *DATA)
    assert not report.ok and [p.name for p in report.failed_primitives] == ["test_checking_badrelu"]
    # sample 0 sits on the kink (s_h1 = 0), sample 1 does not (s_h1 = 0.75·1 + 0.5·0.5 = 1)
    net = kink_net("test_checking_badrelu")
    report = check(net, {"x1": [0.5, 1.0], "x2": [-0.75, 0.5]}, {"y": [0.9, 0.1]})
    bad = report.failed_primitives
    assert [p.name for p in bad] == ["test_checking_badrelu"] and bad[0].bad == 1 and bad[0].kinks == 1
    assert bad[0].worst["s"] == 1.0 and bad[0].worst["claimed"] == 2.0
    assert bad[0].worst["numerical"] == pytest.approx(1.0, rel=1e-9)


@pytest.mark.filterwarnings("ignore:Casting complex values to real")
def test_a_primitive_that_lies_about_complex_safety_falls_back():
    rojas.register_primitive("test_checking_liar", lambda s: np.vectorize(math.tanh)(s),
                             lambda s: 1 - np.tanh(s) ** 2, complex_safe=True, replace=True)
    report = check(mixed_net("test_checking_liar"), *DATA, method="complex")
    assert report.ok, str(report)
    assert any("raised" in n for n in report.notes)
    liar = next(p for p in report.primitives if p.name == "test_checking_liar")
    assert liar.method == "central" and "complex step failed" in liar.note


def test_default_tolerances_are_documented_values():
    assert TOLERANCES == {"central": (1e-5, 1e-8), "complex": (1e-9, 1e-12)}
    report = check(mixed_net("tanh"), *DATA, method="both")
    assert report.tolerances == TOLERANCES
    text = str(report)
    assert "1e-05·max(|a|,|n|)" in text and "1e-09·max(|a|,|n|)" in text


def test_a_factor_just_above_tolerance_fails_and_just_below_passes():
    """The pass rule |a−n| ≤ atol·max(1,|E|) + rtol·max(|a|,|n|), with a df off by a known factor."""
    for factor, ok in ((1 + 1e-8, False), (1 + 1e-11, True)):  # complex: rtol 1e-9
        net = mixed_net("q", "sin(s)", f"{factor!r}*cos(s)")
        assert check(net, *DATA, method="complex").ok is ok
    net = mixed_net("q", "sin(s)", "1.001*cos(s)")
    assert check(net, *DATA, method="complex", rtol=1e-2).ok


def test_bad_arguments():
    with pytest.raises(rojas.RojasError, match="unknown check method"):
        check(mixed_net("tanh"), *DATA, method="forward")
    with pytest.raises(rojas.RojasError, match="rtol"):
        check(mixed_net("tanh"), *DATA, rtol=-1)
    with pytest.raises(rojas.DataError, match="no value for input node 'x2'"):
        check(mixed_net("tanh"), {"x1": 1.0}, {"y": 0.0})


def test_about_a_thousand_parameters_in_reasonable_time():

    net = rojas.Network(name="wide")
    sizes = [8, 24, 24, 1]
    layers = []
    rng = np.random.default_rng(0)
    for li, n in enumerate(sizes):
        names_ = [f"n{li}_{i}" for i in range(n)]
        for k in names_:
            net.add_input(k) if li == 0 else net.add_unit(k, "tanh", bias=0.1)
        if layers:
            for a in layers[-1]:
                for b in names_:
                    net.add_edge(a, b, weight=float(rng.normal(0, 0.4)))
        layers.append(names_)
    x = {k: float(v) for k, v in zip(layers[0], rng.normal(size=8))}
    report = check(net, x, {layers[-1][0]: 0.3}, method="complex")
    assert len(report.entries) >= 8 * 24 + 24 * 24 + 24 + 49 and report.ok


# ----------------------------------------------------------------------------- report, testing helper
def test_report_json_and_text():
    net = mixed_net("q", "tanh(s)", "-(1-tanh(s)**2)")
    report = check(net, *DATA, method="both")
    d = json.loads(json.dumps(report.to_dict()))
    assert d["ok"] is False and d["method"] == "both"
    assert d["primitives"][1]["name"] == "q" or d["primitives"][0]["name"] == "q"
    a = next(e for e in d["entries"] if e.get("source") == "x1" and e.get("target") == "h1")
    assert a["status"] == "FAIL" and a["blame"] == ["q"] and "central" in a and "complex" in a
    text = str(report)
    assert "FAIL" in text and "DISAGREE" in text and "bias h1" in text


def test_assert_gradients_passes_and_returns_the_report():
    report = assert_gradients(mixed_net("softplus"), *DATA)
    assert report.ok and report.method == "both"


def test_assert_gradients_names_what_disagrees():
    net = mixed_net("q", "sigmoid(s)", "2*sigmoid(s)*(1-sigmoid(s))")
    with pytest.raises(AssertionError) as info:
        assert_gradients(net, *DATA)
    message = str(info.value)
    for part in ("primitive 'q'", "nodes using it: h1", "a (x1->h1)", "c (x2->h1)", "bias h1",
                 "backward", "numerical"):
        assert part in message
    assert "e (h1->y):" not in message


# ----------------------------------------------------------------------------- command line
@pytest.fixture
def files(tmp_path):
    slip = tmp_path / "slip.json"
    slip.write_text(json.dumps({
        "directed": True, "multigraph": False,
        "graph": {"name": "slip", "params": {},
                  "primitives": {"sigma": {"f": "1/(1+exp(s))", "df": "sigma(s)*(1-sigma(s))"}}},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "sigma", "bias": 0.1}],
        "edges": [{"source": "x", "target": "y", "weight": 0.5, "name": "w"}]}))
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"inputs": {"x": [1.0, -2.0]}, "targets": {"y": [1.0, 0.0]}}))
    return slip, data


def test_cli_check_exit_0_when_all_agree(capsys):
    code = rojas.cli.main(["check", rojas.example_path("mazur"), "--data",
                           rojas.example_path("mazur", "data"), "--method", "both"])
    out = capsys.readouterr().out
    assert code == 0 and "OK: all 14 gradients agree" in out


def test_cli_check_exit_1_names_primitive_nodes_and_parameters(files, capsys):
    slip, data = files
    code = rojas.cli.main(["check", str(slip), "--data", str(data)])
    out = capsys.readouterr().out
    assert code == 1
    assert "primitive 'sigma'" in out and "nodes using it: y" in out
    assert "w (x->y)" in out and "bias y" in out and "input x[1]" in out


def test_cli_check_json(files, capsys):
    slip, data = files
    code = rojas.cli.main(["check", str(slip), "--data", str(data), "--json", "--no-inputs"])
    d = json.loads(capsys.readouterr().out)
    assert code == 1 and d["ok"] is False and len(d["entries"]) == 2
    assert d["primitives"][0]["bad_nodes"] == ["y"]


@pytest.mark.parametrize("argv, message", [
    (["check", "missing.json", "--input", "x=1"], "missing.json"),
    (["check", "{net}", "--input", "nope=1"], "unknown node 'nope'"),
    (["check", "{net}", "--input", "x=1", "--target", "y=1", "--rtol", "-3"], "rtol"),
])
def test_cli_check_exit_2_on_bad_input(files, capsys, argv, message):
    slip, _ = files
    code = rojas.cli.main([a.replace("{net}", str(slip)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_cli_check_through_the_entry_point(files):
    slip, data = files
    proc = subprocess.run([sys.executable, "-m", "rojas", "check", str(slip), "--data", str(data)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "primitive 'sigma'" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "rojas", "check", str(slip), "--method", "sideways"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
