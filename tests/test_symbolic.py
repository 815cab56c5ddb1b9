"""Independent tests of the symbolic proof (rojas.symbolic_proof, SymPy).

The expected derivatives come from ``tests/reference.py`` (naive reverse sweep,
central differences) and from SymPy expressions of the networks written here by
hand, in symbols of our own, compared with rojas's expressions at random points.
"""

import json
import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

sp = pytest.importorskip("sympy")

import rojas  # noqa: E402

import reference as R  # noqa: E402


def close(a, b, rtol=1e-10, atol=1e-13):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def graph_of(path):
    import networkx as nx

    with open(path) as fh:
        return nx.node_link_graph(json.load(fh), edges="edges")


def example(name):
    net = rojas.load(rojas.example_path(name))
    x, t = rojas.load_data(rojas.example_path(name, "data"))
    return net, x, t, graph_of(rojas.example_path(name))


def reference_grad(G, x, t, ref, of=None):
    _, _, _, _, delta, grads = R.reverse_mode(G, x, t, of)
    if ref.startswith("b:"):
        return grads["bias"][ref[2:]]
    if ref in grads["input"]:
        return grads["input"][ref]
    if ref in grads["param"]:
        return grads["param"][ref]
    for (u, v) in G.edges:
        if G.edges[u, v].get("name") == ref:
            return grads["weight"][(u, v)]
    raise KeyError(ref)


def mazur_by_hand():
    """E of the 2-2-2 network as a SymPy expression in symbols of our own, by name."""
    S = {n: sp.Symbol("my_" + n, real=True) for n in
         "w1 w2 w3 w4 w5 w6 w7 w8 i1 i2 b_h1 b_h2 b_o1 b_o2 t_o1 t_o2".split()}
    sig = lambda z: 1 / (1 + sp.exp(-z))  # noqa: E731
    h1 = sig(S["w1"] * S["i1"] + S["w2"] * S["i2"] + S["b_h1"])
    h2 = sig(S["w3"] * S["i1"] + S["w4"] * S["i2"] + S["b_h2"])
    o1 = sig(S["w5"] * h1 + S["w6"] * h2 + S["b_o1"])
    o2 = sig(S["w7"] * h1 + S["w8"] * h2 + S["b_o2"])
    E = sp.Rational(1, 2) * ((o1 - S["t_o1"]) ** 2 + (o2 - S["t_o2"]) ** 2)
    return S, E


@pytest.mark.slow
@pytest.mark.parametrize("ref", ["w1", "w5", "b:h1", "i1"])
def test_mazur_identity_holds_and_is_the_true_derivative(ref):
    net, x, t, G = example("mazur")
    lab = rojas.label(net, x, t)
    proof = rojas.symbolic_proof(lab, ref)
    assert proof.holds
    assert sp.simplify(proof.difference) == 0
    want = reference_grad(G, x, t, ref)
    assert close(proof.derivative_value, want) and close(proof.path_sum_value, want)
    # the derivative is the derivative of the network function everywhere, not only at one point:
    # compare with our own sympy.diff at random points (symbols matched by name)
    S, E = mazur_by_hand()
    var = {"b:h1": "b_h1"}.get(ref, ref)
    mine = sp.diff(E, S[var])
    rng = np.random.default_rng(3)
    for _ in range(3):
        values = {name: float(rng.uniform(-1, 1)) for name in S}
        theirs = {}
        for sym in proof.derivative.free_symbols | proof.path_sum.free_symbols:
            assert sym.name in values, f"unexpected symbol {sym} in rojas's expression"
            theirs[sym] = values[sym.name]
        got_d = float(proof.derivative.evalf(subs=theirs))
        got_p = float(proof.path_sum.evalf(subs=theirs))
        expected = float(mine.evalf(subs={S[n]: v for n, v in values.items()}))
        assert close(got_d, expected, 1e-9, 1e-12), (ref, got_d, expected)
        assert close(got_p, expected, 1e-9, 1e-12), (ref, got_p, expected)


@pytest.mark.slow
@pytest.mark.parametrize("ref", ["t", "x1", "c", "b:p", "skip"])
def test_skip_product_identity_holds(ref):
    """Skip connections, a product unit and a tied param t."""
    net, x, t, G = example("skip_product")
    lab = rojas.label(net, x, t)
    proof = rojas.symbolic_proof(lab, ref)
    assert proof.holds and proof.difference == 0
    want = reference_grad(G, x, t, ref)
    assert close(proof.derivative_value, want) and close(proof.path_sum_value, want)
    # a central difference of the reference's objective agrees too
    fd = R.finite_differences(G, x, t)
    key = {"t": ("param", "t"), "x1": ("input", "x1"), "b:p": ("bias", "p")}.get(ref)
    if key is not None:
        assert abs(proof.derivative_value - fd[key[0]][key[1]]) < 1e-7


def test_node_objective_and_batch():
    net, x, t, G = example("mazur")
    lab = rojas.label(net, x, of="o1")
    proof = rojas.symbolic_proof(lab, "w1")
    assert proof.holds
    assert close(proof.derivative_value, reference_grad(G, x, None, "w1", of="o1"))
    xb = {"i1": [0.05, -0.3], "i2": [0.1, 0.7]}
    tb = {"o1": [0.01, 0.5], "o2": [0.99, 0.2]}
    labb = rojas.label(net, xb, tb)
    proof = rojas.symbolic_proof(labb, "w6")
    want = sum(reference_grad(G, {k: v[b] for k, v in xb.items()}, {k: v[b] for k, v in tb.items()}, "w6")
               for b in range(2))
    assert proof.holds and close(proof.derivative_value, want) and close(proof.path_sum_value, want)


SIGMA_NET = {
    "directed": True, "multigraph": False,
    "graph": {"name": "the perceptron with a sign slip in σ", "params": {},
              "primitives": {"sigma": {"f": "1/(1+exp(s))", "df": "DF"}}},
    "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "sigma", "bias": 0.1},
              {"id": "y", "fn": "identity"}],
    "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "w1"},
              {"source": "h", "target": "y", "weight": -1.1, "name": "w2"}]}


def sigma_net(tmp_path, df):
    d = json.loads(json.dumps(SIGMA_NET).replace('"DF"', json.dumps(df)))
    path = tmp_path / "sigma.json"
    path.write_text(json.dumps(d))
    return rojas.load(path)


def test_wrong_claimed_derivative_is_caught(tmp_path):
    """The perceptron with a sign slip in σ: σ(z) = 1/(1+exp(z)) with the claimed derivative σ(1−σ) (the true one is −σ(1−σ))."""
    net = sigma_net(tmp_path, "sigma(s)*(1-sigma(s))")
    x, t = {"x": 0.3}, {"y": 0.2}
    lab = rojas.label(net, x, t)
    proof = rojas.symbolic_proof(lab, "w1")
    assert not proof.holds
    assert proof.difference != 0
    # the true derivative, by hand, and the path sum built with the *claimed* f'
    sig = lambda z: 1 / (1 + math.exp(z))  # noqa: E731
    sh = 0.8 * 0.3 + 0.1
    h = sig(sh)
    y = -1.1 * h  # an identity output
    true_dh = -h * (1 - h)
    claimed_dh = h * (1 - h)
    tail = -1.1 * 1.0 * (y - 0.2)
    assert close(proof.derivative_value, 0.3 * true_dh * tail)
    assert close(proof.path_sum_value, 0.3 * claimed_dh * tail)
    # and by the reference's central differences with the true function
    G = graph_of(tmp_path / "sigma.json")
    prims = {"sigma": (sig, lambda z: -sig(z) * (1 - sig(z)))}
    fd = R.finite_differences(G, x, t, prims=prims)
    assert abs(proof.derivative_value - fd["weight"][("x", "h")]) < 1e-8
    # the same network with the right derivative: the identity holds
    good = sigma_net(tmp_path, "-sigma(s)*(1-sigma(s))")
    proof = rojas.symbolic_proof(rojas.label(good, x, t), "w1")
    assert proof.holds and proof.difference == 0
    assert close(proof.path_sum_value, 0.3 * true_dh * tail)


@pytest.mark.slow
def test_names_that_look_like_other_symbols(tmp_path):
    """An edge named 'b_h' (legal: not a node id) must not be confused with the bias of h."""
    net = rojas.Network(name="names")
    net.add_input("x").add_unit("h", "tanh", bias=0.1).add_unit("y", "sigmoid", bias=-0.2)
    net.add_edge("x", "h", weight=0.7, name="b_h").add_edge("h", "y", weight=-0.5, name="t_y")
    x, t = {"x": 0.3}, {"y": 0.2}
    lab = rojas.label(net, x, t)
    h = math.tanh(0.7 * 0.3 + 0.1)
    y = 1 / (1 + math.exp(-(-0.5 * h - 0.2)))
    delta_y = y * (1 - y) * (y - 0.2)
    delta_h = (1 - h ** 2) * -0.5 * delta_y
    for ref, want in (("b_h", 0.3 * delta_h), ("b:h", delta_h), ("t_y", h * delta_y), ("b:y", delta_y)):
        proof = rojas.symbolic_proof(lab, ref)
        assert proof.holds, ref
        assert close(proof.derivative_value, want), (ref, proof.derivative_value, want)


def big_net(units):
    net = rojas.Network(name=f"{units} units")
    net.add_input("x")
    prev = "x"
    for k in range(units):
        net.add_unit(f"h{k}", "identity")
        net.add_edge(prev, f"h{k}", weight=0.9)
        prev = f"h{k}"
    return net


def test_size_limit_is_a_clear_error():
    net = big_net(41)
    lab = rojas.label(net, {"x": 1.0})
    with pytest.raises(rojas.RojasError) as info:  # refused before any SymPy work
        rojas.symbolic_proof(lab, "x")
    assert "41" in str(info.value)
    mazur, x, t, _ = example("mazur")
    with pytest.raises(rojas.RojasError):
        rojas.symbolic_proof(rojas.label(mazur, x, t), "w5", limit=3)
    assert rojas.symbolic_proof(rojas.label(mazur, x, t), "w5", limit=4).holds


def test_a_unit_net_input_is_not_a_variable():
    net, x, t, _ = example("mazur")
    with pytest.raises(rojas.RojasError):
        rojas.symbolic_proof(rojas.label(net, x, t), "s:h1")


HANG = textwrap.dedent("""
    import random, rojas
    net = rojas.Network(name="2-3-3-3-1")
    net.add_input("x0").add_input("x1")
    prev, r = ["x0", "x1"], random.Random(0)
    for L in range(3):
        cur = [f"h{L}_{k}" for k in range(3)]
        for c in cur:
            net.add_unit(c, "sigmoid", bias=0.1)
            for p in prev:
                net.add_edge(p, c, weight=r.uniform(-1, 1))
        prev = cur
    net.add_unit("y", "sigmoid")
    for p in prev:
        net.add_edge(p, "y", weight=0.3)
    lab = rojas.label(net, {"x0": 0.5, "x1": -0.2}, {"y": 0.3})
    try:
        proof = rojas.symbolic_proof(lab, "x0->h0_0")
        print("holds", proof.holds)
    except rojas.RojasError as exc:
        print("refused", exc)
""")


@pytest.mark.slow
def test_a_small_network_does_not_hang():
    """10 units (a quarter of the size limit), 9 paths: an answer or a RojasError, not minutes of SymPy."""
    try:
        r = subprocess.run([sys.executable, "-c", HANG], capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("symbolic_proof on a 10-unit network ran for more than 15 s (neither a result "
                    "nor the size-limit RojasError)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(("holds True", "refused")), r.stdout


def test_a_python_primitive_registered_with_its_sympy_form():
    """softsign s/(1+|s|), registered with sympy=: the identity holds (d|s|/ds = sign(s) for real s)."""
    rojas.register_primitive("softsign_test", f=lambda s: s / (1 + np.abs(s)),
                             df=lambda s: 1 / (1 + np.abs(s)) ** 2,
                             sympy=lambda sp, s: s / (1 + sp.Abs(s)), replace=True)
    net = rojas.Network(name="softsign")
    net.add_input("x").add_unit("y", "softsign_test", bias=0.1)
    net.add_edge("x", "y", weight=-0.5, name="w1")
    lab = rojas.label(net, {"x": 0.6}, {"y": 0.5})
    proof = rojas.symbolic_proof(lab, "w1")
    s = -0.5 * 0.6 + 0.1
    y = s / (1 + abs(s))
    want = 0.6 * (1 / (1 + abs(s)) ** 2) * (y - 0.5)
    assert proof.holds and close(proof.derivative_value, want) and close(proof.path_sum_value, want)
