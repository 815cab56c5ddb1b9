"""The registry of objectives (rojas.network.objectives) against independent arithmetic.

Each objective's E is written out again here by hand (plain NumPy, straight from
its formula) on the values of a forward sweep; every ∂E/∂number the engine
reports must equal central differences of that hand-written E, and the fast
engine must equal the textbook sweeps, on Hypothesis DAGs with skips, product
units, tied weights and biases, outputs feeding other units and batches.
"""

import json
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rojas
from rojas.engine import textbook
from rojas.errors import DataError, NetworkError, NumericalError
from test_properties import networks

PROPERTY = settings(max_examples=40, deadline=None, database=None)
BUILT_IN = ("squared_error", "softmax_cross_entropy", "cross_entropy", "binary_cross_entropy")


def by_hand(name, o, t):
    """E of one sample, from the formula (o, t: lists over the outputs)."""
    o, t = np.asarray(o, dtype=float), np.asarray(t, dtype=float)
    if name == "squared_error":
        return 0.5 * np.sum((o - t) ** 2)
    if name == "softmax_cross_entropy":
        p = np.exp(o) / np.sum(np.exp(o))
        return -np.sum(t * np.log(p))
    if name == "cross_entropy":
        return -sum(tk * math.log(ok) for ok, tk in zip(o, t) if tk != 0)
    if name == "binary_cross_entropy":
        return -sum((tk * math.log(ok) if tk else 0.0) + ((1 - tk) * math.log(1 - ok) if tk != 1 else 0.0)
                    for ok, tk in zip(o, t))
    raise AssertionError(name)


@st.composite
def classifier_problems(draw):
    """A drawn DAG, an objective, and targets that objective accepts (soft and one-hot)."""
    name = draw(st.sampled_from(BUILT_IN))
    G = draw(networks())
    outputs = G.graph.get("outputs") or [n for n in G if G.out_degree(n) == 0 and G.nodes[n]["fn"] != "input"]
    if name in ("cross_entropy", "binary_cross_entropy"):
        # probabilities: a sigmoid (fused for binary cross-entropy) or the same function as the file's own
        # primitive (not fused: ∂E/∂o times f'(s))
        G.graph["primitives"] = {"logistic": {"f": "1/(1+exp(-s))", "df": "logistic(s)*(1-logistic(s))"}}
        for k in outputs:
            G.nodes[k]["fn"] = draw(st.sampled_from(["sigmoid", "logistic"]))
    net = rojas.Network(G)
    batch = draw(st.sampled_from([None, None, 3]))
    samples = 1 if batch is None else batch
    x = {n: draw(st.floats(-1, 1)) if batch is None else draw(st.lists(st.floats(-1, 1), min_size=3, max_size=3))
         for n in net.inputs}
    K = len(net.outputs)
    T = np.zeros((K, samples))
    for b in range(samples):
        if name == "softmax_cross_entropy":
            if draw(st.booleans()):
                T[draw(st.integers(0, K - 1)), b] = 1.0  # one-hot
            else:
                w = np.array(draw(st.lists(st.floats(0.01, 1), min_size=K, max_size=K)))
                T[:, b] = w / w.sum()  # soft
        elif name == "squared_error":
            T[:, b] = draw(st.lists(st.floats(-1, 1), min_size=K, max_size=K))
        else:
            T[:, b] = draw(st.lists(st.sampled_from([0.0, 1.0, 0.25, 0.7]), min_size=K, max_size=K))
    t = {k: (float(T[i, 0]) if batch is None else T[i].tolist()) for i, k in enumerate(net.outputs)}
    return name, net, x, t


def hand_E(name, net, G, x, t, w, b):
    """E summed over the samples: the textbook forward sweep's values, the objective by hand."""
    batch = next((len(v) for v in list(x.values()) + list(t.values()) if isinstance(v, list)), None)
    xs = {n: np.asarray(v, dtype=float) for n, v in x.items()}
    _, _, o, _ = textbook.forward_sweep(G, net.primitive, xs, w, b)
    total = 0.0
    for k in range(batch or 1):
        pick = (lambda v: float(np.broadcast_to(v, (batch,))[k])) if batch else float
        total += by_hand(name, [pick(o[n]) for n in net.outputs], [pick(t[n]) for n in net.outputs])
    return total


def central(fun, value):
    h = 1e-6 * max(1.0, abs(value))
    return (fun(value + h) - fun(value - h)) / (2 * h)


@PROPERTY
@given(classifier_problems())
def test_every_gradient_equals_central_differences_of_E_by_hand(problem):
    name, net, x, t = problem
    lab = rojas.label(net, x, t, objective=name)
    G = net.to_networkx()
    w0, b0 = textbook.numbers(G)
    assert lab.value == pytest.approx(hand_E(name, net, G, x, t, w0, b0), rel=1e-10, abs=1e-12)
    for e in G.edges:
        if "param" not in G.edges[e]:
            fd = central(lambda v: hand_E(name, net, G, x, t, {**w0, e: v}, b0), w0[e])
            assert lab.weight_grad[e] == pytest.approx(fd, rel=1e-5, abs=1e-7), e
    for n in b0:
        if "bias_param" not in G.nodes[n]:
            fd = central(lambda v: hand_E(name, net, G, x, t, w0, {**b0, n: v}), b0[n])
            assert lab.bias_grad[n] == pytest.approx(fd, rel=1e-5, abs=1e-7), n
    for p, value in G.graph["params"].items():
        def moved(v, p=p):
            w = {e: (v if G.edges[e].get("param") == p else wv) for e, wv in w0.items()}
            b = {n: (v if G.nodes[n].get("bias_param") == p else bv) for n, bv in b0.items()}
            return hand_E(name, net, G, x, t, w, b)
        assert lab.param_grad[p] == pytest.approx(central(moved, value), rel=1e-5, abs=1e-7), p


@PROPERTY
@given(classifier_problems(), st.data())
def test_fast_engine_textbook_tangent_and_path_sum_agree(problem, data):
    name, net, x, t = problem
    lab = rojas.label(net, x, t, objective=name)
    ref = textbook.label(net, x, t, objective=name)
    assert lab.value == pytest.approx(ref.value, rel=1e-12, abs=1e-14)
    for n in ref.delta:
        np.testing.assert_allclose(lab.delta[n], np.broadcast_to(ref.delta[n], np.shape(lab.delta[n])),
                                   rtol=1e-11, atol=1e-13)
    for e, g in ref.weight_grad.items():
        assert lab.weight_grad[e] == pytest.approx(g, rel=1e-11, abs=1e-13)
    if net.edges:
        u, v = data.draw(st.sampled_from(net.edges))
        assert rojas.tangent(lab, f"{u}->{v}").derivative == pytest.approx(lab.weight_grad[(u, v)], rel=1e-11,
                                                                           abs=1e-13)
        assert rojas.path_sum(lab, f"{u}->{v}").total == pytest.approx(lab.weight_grad[(u, v)], rel=1e-10,
                                                                       abs=1e-13)
    w = net.parameters()["weights"].astype(complex)
    G = net.to_networkx()
    free = [i for i, e in enumerate(net.edges) if "param" not in G.edges[e]]
    if free:  # the complex step through evaluate(): the same objective, analytically continued
        w[free[0]] += 1e-20j
        assert rojas.evaluate(net, x, t, objective=name, weights=w).imag / 1e-20 == pytest.approx(
            lab.grad(net.edges[free[0]]), rel=1e-9, abs=1e-12)


def _two_logits(w1, w2):
    net = rojas.Network().add_input("x").add_unit("a", "identity").add_unit("b", "identity")
    return net.add_edge("x", "a", weight=w1).add_edge("x", "b", weight=w2)


def test_softmax_cross_entropy_by_hand_soft_and_one_hot():
    net = _two_logits(2.0, -1.0)
    # o = (2, −1): softmax = (e²,e⁻¹)/(e²+e⁻¹); E = −Σ t log softmax; δ = softmax − t; ∂E/∂w = x·δ
    p = np.exp([2.0, -1.0]) / np.exp([2.0, -1.0]).sum()
    for t in ([0.0, 1.0], [0.3, 0.7]):
        lab = rojas.label(net, {"x": 1.0}, dict(zip("ab", t)), objective="softmax_cross_entropy")
        assert lab.value == pytest.approx(-np.dot(t, np.log(p)), rel=1e-14)
        assert lab.grad("x->a") == pytest.approx(p[0] - t[0], rel=1e-14)
        assert lab.grad("x->b") == pytest.approx(p[1] - t[1], rel=1e-14)
        assert lab.seed("a") == (pytest.approx(p[0] - t[0], rel=1e-14), 0.0)


def test_stable_at_outputs_of_a_thousand():
    net = _two_logits(1000.0, -1000.0)
    lab = rojas.label(net, {"x": 1.0}, {"a": 0.0, "b": 1.0}, objective="softmax_cross_entropy")
    assert lab.value == 2000.0 and lab.grad("x->a") == 1.0 and lab.grad("x->b") == -1.0
    chain = rojas.Network().add_input("x").add_unit("y", "sigmoid").add_edge("x", "y", weight=1000.0)
    for x, t, E, g in ((1.0, 0.0, 1000.0, 1.0), (-1.0, 1.0, 1000.0, 1.0), (1.0, 1.0, 0.0, 0.0)):
        lab = rojas.label(chain, {"x": x}, {"y": t}, objective="binary_cross_entropy")
        assert lab.fused == {"y"}
        assert lab.value == pytest.approx(E, abs=1e-300) and lab.grad("x->y") == pytest.approx(g, abs=1e-300)
        assert lab.seed("y")[1] == pytest.approx(np.sign(g) * abs(g) * x, abs=1e-300)


def test_binary_cross_entropy_fused_equals_unfused_on_moderate_outputs():
    """A sigmoid output (fused: δ = o − t) and the same function as a file primitive (∂E/∂o·f')."""
    net = rojas.Network().add_input("x").add_unit("y", "sigmoid", bias=0.3).add_edge("x", "y", weight=0.8)
    own = (rojas.Network().add_primitive("logistic", "1/(1+exp(-s))", "logistic(s)*(1-logistic(s))")
           .add_input("x").add_unit("y", "logistic", bias=0.3).add_edge("x", "y", weight=0.8))
    a = rojas.label(net, {"x": [0.5, -2.0]}, {"y": [1.0, 0.2]}, objective="binary_cross_entropy")
    b = rojas.label(own, {"x": [0.5, -2.0]}, {"y": [1.0, 0.2]}, objective="binary_cross_entropy")
    assert a.fused == {"y"} and b.fused == frozenset()
    assert a.value == pytest.approx(b.value, rel=1e-14) and a.grad("x->y") == pytest.approx(b.grad("x->y"), rel=1e-13)
    o = 1 / (1 + np.exp(-(0.8 * np.array([0.5, -2.0]) + 0.3)))
    assert a.grad("y") == pytest.approx(np.sum(o - [1.0, 0.2]), rel=1e-14)


@pytest.mark.parametrize("name, t, culprit", [
    ("softmax_cross_entropy", {"a": [0.5, -0.1], "b": [0.5, 1.1]}, "output 'a' in sample 1 is -0.1"),
    ("softmax_cross_entropy", {"a": [0.5, 0.2], "b": [0.5, 0.7]}, "in sample 1 sum to 0.9, not 1"),
    ("binary_cross_entropy", {"a": 0.5, "b": 1.5}, "output 'b' is 1.5: it exceeds 1"),
    ("cross_entropy", {"a": -0.5, "b": 0.5}, "output 'a' is -0.5: it is negative"),
])
def test_targets_an_objective_cannot_take_are_refused(name, t, culprit):
    with pytest.raises(DataError, match=culprit.replace("(", r"\(").replace(".", r"\.")):
        rojas.label(_two_logits(0.5, 0.25), {"x": 1.0}, t, objective=name)


def test_log_of_zero_names_the_output_and_sample():
    net = rojas.Network().add_input("x").add_unit("y", "identity").add_edge("x", "y", weight=1.0)
    with pytest.raises(NumericalError, match=r"output 'y' in sample 1: .*o = 0, t = 1"):
        rojas.label(net, {"x": [0.5, 0.0]}, {"y": [1.0, 1.0]}, objective="cross_entropy")
    with pytest.raises(NumericalError, match=r"output 'y'.*o = 1\.5"):
        rojas.label(net, {"x": 1.5}, {"y": 0.5}, objective="binary_cross_entropy")


def test_unknown_objective_and_missing_targets():
    net = _two_logits(1.0, 1.0)
    with pytest.raises(NetworkError, match="unknown objective 'hinge' .known: squared_error, softmax_cross_entropy"):
        rojas.label(net, {"x": 1.0}, {"a": 1.0, "b": 0.0}, objective="hinge")
    with pytest.raises(DataError, match="give targets"):
        rojas.label(net, {"x": 1.0}, of="a", objective="cross_entropy")


def test_the_network_file_names_its_objective_and_keeps_it(tmp_path):
    net = _two_logits(2.0, -1.0).set_objective("softmax_cross_entropy")
    path = tmp_path / "net.json"
    net.save(path)
    assert json.loads(path.read_text())["graph"]["objective"] == "softmax_cross_entropy"
    back = rojas.load(path)
    lab = rojas.label(back, {"x": 1.0}, {"a": 1.0, "b": 0.0})
    assert lab.loss.name == "softmax_cross_entropy"
    assert lab.value == pytest.approx(math.log(1 + math.exp(-3.0)), rel=1e-14)
    assert rojas.label(back, {"x": 1.0}, {"a": 1.0, "b": 0.0}, objective="squared_error").value == pytest.approx(
        0.5 * (1 + 1), rel=1e-14)
    data = json.loads(path.read_text())
    data["graph"]["objective"] = "hinge"
    with pytest.raises(NetworkError, match="graph field 'objective': unknown objective 'hinge'"):
        rojas.network.from_dict(data)
    data["graph"]["objective"] = "value"
    with pytest.raises(NetworkError, match="takes no targets"):
        rojas.network.from_dict(data)


def test_mazur_unchanged_under_squared_error():
    net = rojas.load(rojas.example_path("mazur"))
    x, t = rojas.load_data(rojas.example_path("mazur", "data"))
    for lab in (rojas.label(net, x, t), rojas.label(net, x, t, objective="squared_error")):
        assert round(lab.value, 9) == 0.298371109
        assert round(lab.grad("w5"), 9) == 0.082167041 and round(lab.grad("w1"), 9) == 0.000438568
        assert lab.error("o1") == pytest.approx(0.274811083, abs=1e-9)  # Mazur's E_o1


def test_a_registered_objective_runs_through_the_sweeps():
    rojas.register_objective(
        "quartic_error", terms=lambda o, t: 0.25 * (o - t) ** 4, seed=lambda o, t: (o - t) ** 3,
        formula="E = ¼ Σ_k (o_k − t_k)⁴", unit="¼({o} − {t})⁴", stores="({o} − {t})³", replace=True)
    G = nx.DiGraph()
    G.add_node("x", fn="input")
    G.add_node("y", fn="tanh")
    G.add_edge("x", "y", weight=0.7)
    lab = rojas.label(G, {"x": 1.5}, {"y": -0.2}, objective="quartic_error")
    o = math.tanh(1.05)
    assert lab.value == pytest.approx(0.25 * (o + 0.2) ** 4, rel=1e-14)
    assert lab.grad("x->y") == pytest.approx(1.5 * (1 - o * o) * (o + 0.2) ** 3, rel=1e-13)
    with pytest.raises(NetworkError, match="already registered"):
        rojas.register_objective("squared_error", terms=abs, seed=abs, formula="", unit="", stores="",
                                 replace=True)


# ---------------------------------------------------------------- every labeling command takes --objective
TARGET_OBJECTIVES = [n for n in rojas.objective_names() if rojas.get_objective(n).targets]


@pytest.fixture(scope="module")
def classifier_files(tmp_path_factory):
    """softmax_xor with sigmoid outputs (probabilities for every objective) and no objective of its own,
    and a one-unit recurrent network with a sigmoid unit and targets that are a probability vector."""
    where = tmp_path_factory.mktemp("objectives")
    data = json.loads(open(rojas.example_path("softmax_xor")).read())
    del data["graph"]["objective"]
    for node in data["nodes"]:
        if node["id"] in ("y0", "y1"):
            node["fn"] = "sigmoid"
    (where / "net.json").write_text(json.dumps(data))
    (where / "net.data.json").write_text(open(rojas.example_path("softmax_xor", "data")).read())
    recurrent = {"directed": True, "multigraph": False, "graph": {"name": "one sigmoid unit"},
                 "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "sigmoid", "bias": 0.1}],
                 "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "u"},
                           {"source": "h", "target": "h", "weight": 0.5, "name": "w", "delay": 1}]}
    (where / "rnn.json").write_text(json.dumps(recurrent))
    (where / "seq.json").write_text(json.dumps({"inputs": {"x": [1.0, 0.5, -0.5, 0.0]}, "initial": {"h": 0.0},
                                                "targets": {"h": [0.25, 0.25, 0.25, 0.25]}}))
    return where


@pytest.mark.slow
@pytest.mark.parametrize("name", TARGET_OBJECTIVES)
def test_every_labeling_command_takes_every_objective(name, classifier_files, capsys):
    from rojas.cli import main

    d = classifier_files
    net, data = str(d / "net.json"), ["--data", str(d / "net.data.json"), "--objective", name]
    lab = rojas.label(rojas.load(net), *rojas.load_data(d / "net.data.json"), objective=name)
    runs = {
        "grad": ["grad", net, *data], "paths": ["paths", net, *data, "--from", "u1"],
        "claim": ["claim", net, *data, "dE/du1 = dE/dy1 * dy1/du1"],
        "prove": ["prove", net, *data, "--wrt", "u", "-o", str(d / f"{name}.md"), "--quiet"],
        "check": ["check", net, *data], "train": ["train", net, *data, "--lr", "0.1", "--epochs", "2", "--explain",
                                                  "-o", str(d / f"{name}.trained.json"), "--quiet"],
        "draw": ["draw", net, *data, "-o", str(d / f"{name}.png"), "--quiet"],
        "animate": ["animate", net, *data, "-o", str(d / f"{name}.gif"), "--dpi", "40", "--quiet"],
        "explore": ["explore", net, *data, "-o", str(d / f"{name}.html")],
        "matrix": ["matrix", "mazur", "--objective", name, "--target", "o1=0.25", "--target", "o2=0.75"],
        "unfold": ["unfold", str(d / "rnn.json"), "--data", str(d / "seq.json"), "--objective", name,
                   "-o", str(d / f"{name}.unfolded.json")],
    }
    for command, argv in runs.items():
        assert main(argv) == 0, (command, capsys.readouterr().err)
        out = capsys.readouterr().out
        if command == "grad":
            assert f"objective {lab.objective_text()} = {lab.value:.9g}" in out
        elif command == "paths":
            assert f"Backward sweep:  {lab.grad('u1')!r}"[:30] in out
        elif command == "claim":
            assert "Verdict: RIGHT" in out and f"{lab.grad('u1'):.12g}" in out
        elif command == "train":
            assert lab.loss.formula in out  # --explain names the rule
    assert json.loads((d / f"{name}.trained.json").read_text())["graph"]["objective"] == name
    assert json.loads((d / f"{name}.unfolded.json").read_text())["graph"]["objective"] == name
    assert f"Objective ({name})" in (d / f"{name}.md").read_text()


def test_command_line_refusals_are_one_line(classifier_files, capsys):
    from rojas.cli import main

    net = str(classifier_files / "net.json")
    assert main(["grad", net, "--input", "x1=1", "--input", "x2=0", "--target", "y0=0.5", "--target", "y1=0.7",
                 "--objective", "softmax_cross_entropy"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sum to 1.2, not 1" in err and "'y0', 'y1'" in err
    with pytest.raises(SystemExit) as exc:
        main(["grad", net, "--input", "x1=1", "--input", "x2=0", "--objective", "hinge"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and "known: squared_error" in err
