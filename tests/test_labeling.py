"""Verification of rojas.label against numbers computed without rojas.

Every expected number comes from ``tests/reference.py`` (a naive per-node
forward pass, central finite differences, a naive per-node reverse sweep), a
hand computation with ``math``, or a published worked example.
"""

import json
import math

import networkx as nx
import numpy as np
import pytest

import rojas
import rojas.engine.sweeps

import reference as R

ALL_FNS = ("identity", "sigmoid", "tanh", "relu", "softplus", "sin", "cos", "exp", "square", "gaussian")

# finite differences: rtol ~1e-6, atol ~1e-8; naive reverse mode: ~1e-12
FD_RTOL, FD_ATOL = 1e-6, 1e-8
RM_RTOL, RM_ATOL = 1e-12, 1e-12


def config(seed):
    """The random DAG of `seed`: sizes and primitives vary with the seed."""
    rng = np.random.default_rng(1000 + seed)
    n_in = int(rng.integers(1, 5))
    n_hidden = int(rng.integers(3, 10))
    n_out = int(rng.integers(1, 4)) if seed % 4 else 3
    fns = ALL_FNS if seed % 2 else ("sigmoid", "tanh", "identity", "sin", "softplus", "gaussian")
    G = R.random_network(seed, n_in, n_hidden, n_out, p_skip=0.3, p_product=0.25 + 0.1 * (seed % 3),
                         p_tied=0.25, fns=fns, n_layers=2 + seed % 3, int_ids=(seed % 5 == 4))
    return G


def close(actual, expected, rtol, atol):
    return abs(actual - expected) <= atol + rtol * abs(expected)


def assert_map_close(actual, expected, rtol, atol, what):
    assert set(actual) == set(expected), (what, set(actual) ^ set(expected))
    bad = {k: (actual[k], expected[k]) for k in expected
           if not close(float(actual[k]), float(expected[k]), rtol, atol)}
    assert not bad, f"{what}: rojas vs reference differ at {bad}"


# ---------------------------------------------------------------------------- random DAGs
# The engine against the textbook sweeps and central differences on random DAGs (skips, product
# units, ties, named outputs, batches): tests/test_properties.py.  Here: batches through both the
# NumPy scatter and the SciPy sparse path, against the naive reference of tests/reference.py.


@pytest.mark.parametrize("sparse_from", [None, 1], ids=["numpy-scatter", "scipy-sparse"])
@pytest.mark.parametrize("seed", [0, 3, 6, 9, 13])
def test_batch_equals_sum_of_single_samples(seed, sparse_from, monkeypatch):
    # Large generations of a batch go through scipy.sparse products; from 1 edge on, every one does.
    if sparse_from is not None:
        monkeypatch.setattr(rojas.engine.sweeps, "SPARSE_FROM", sparse_from)
    G = config(seed)
    net = rojas.Network(G)
    B = 5
    xb = R.random_inputs(seed + 7, G, batch=B)
    tb = R.random_targets(seed + 8, G, batch=B)
    hidden = sorted((n for n in G if G.nodes[n]["fn"] != "input" and G.out_degree(n) > 0), key=str)
    for t, of in ((tb, None), (None, hidden[0])):
        lab = rojas.label(net, xb, t, of=of)
        assert lab.batch_size == B
        singles = []
        for k in range(B):
            xk = {n: v[k] for n, v in xb.items()}
            tk = None if t is None else {n: v[k] for n, v in t.items()}
            singles.append(R.reverse_mode(G, xk, tk, of))
        # value and parameter gradients: sums over the batch
        assert close(lab.value, math.fsum(r[0] for r in singles), RM_RTOL, RM_ATOL)
        for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad), ("param", lab.param_grad)):
            summed = {e: math.fsum(r[5][key][e] for r in singles) for e in singles[0][5][key]}
            assert_map_close(mine, summed, RM_RTOL, RM_ATOL, f"batch {key}")
        # the batch objective's finite differences agree too
        fd = R.finite_differences(G, xb, t, of)
        for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad), ("param", lab.param_grad)):
            assert_map_close(mine, fd[key], FD_RTOL, FD_ATOL, f"batch {key} (finite differences)")
        # per-sample node labels, and input gradients per sample
        for name, idx in (("s", 1), ("o", 2), ("fprime", 3), ("delta", 4)):
            labels = getattr(lab, name)
            for n in singles[0][idx]:
                got = np.asarray(labels[n])
                assert got.shape == (B,), (name, n, got.shape)
                want = np.array([r[idx][n] for r in singles])
                np.testing.assert_allclose(got, want, rtol=RM_RTOL, atol=RM_ATOL, err_msg=f"{name}[{n}]")
        for n in R.inputs(G):
            np.testing.assert_allclose(np.asarray(lab.input_grad[n]),
                                       [r[5]["input"][n] for r in singles], rtol=RM_RTOL, atol=RM_ATOL)
        # and the batch equals labeling each sample alone with rojas
        for k in range(B):
            xk = {n: v[k] for n, v in xb.items()}
            tk = None if t is None else {n: v[k] for n, v in t.items()}
            one = rojas.label(net, xk, tk, of=of)
            assert close(one.value, singles[k][0], RM_RTOL, RM_ATOL)


@pytest.mark.parametrize("seed", [1, 4, 7, 10])
def test_one_sample_through_the_sparse_products_equals_the_naive_reverse_sweep(seed, monkeypatch):
    # At batch 1 only generations of 2,048 edges or more go through scipy.sparse; from 1 edge on,
    # every one does, so that these small networks test that path (real and complex-step sweeps).
    monkeypatch.setattr(rojas.engine.sweeps, "SPARSE_FROM", 1)
    G = config(seed)
    net = rojas.Network(G)
    x, t = R.random_inputs(seed + 7, G), R.random_targets(seed + 8, G)
    lab = rojas.label(net, x, t)
    value, *_, grads = R.reverse_mode(G, x, t, None)
    assert close(lab.value, value, RM_RTOL, RM_ATOL)
    for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad), ("param", lab.param_grad),
                      ("input", lab.input_grad)):
        assert_map_close(mine, grads[key], RM_RTOL, RM_ATOL, f"sparse {key}")
    report = rojas.check(net, x, t, method="complex", directions=2, progress=False)
    assert report.ok, report.summary()


def test_batch_scalar_target_beside_lists_stands_for_every_sample():
    G = config(2)
    net = rojas.Network(G)
    xb = R.random_inputs(3, G, batch=5)
    outs = R.outputs(G)
    t = {n: 0.25 for n in outs}
    lab = rojas.label(net, xb, t)
    tb = {n: [0.25] * 5 for n in outs}
    assert close(lab.value, R.objective(G, xb, tb), RM_RTOL, RM_ATOL)
    fd = R.finite_differences(G, xb, tb)
    assert_map_close(lab.weight_grad, fd["weight"], FD_RTOL, FD_ATOL, "weights")


# ---------------------------------------------------------------------------- hand computations
def test_the_cross_validated_chain_by_hand():
    x, t = 1.5, 0.2
    w1, b1, w2, b2 = 0.7, -0.3, -1.1, 0.4
    net = (rojas.Network().add_input("x").add_unit("h", "sigmoid", bias=b1)
           .add_unit("y", "sigmoid", bias=b2)
           .add_edge("x", "h", weight=w1, name="w1").add_edge("h", "y", weight=w2, name="w2"))
    lab = rojas.label(net, {"x": x}, {"y": t})

    h = 1.0 / (1.0 + math.exp(-(x * w1 + b1)))
    y = 1.0 / (1.0 + math.exp(-(h * w2 + b2)))
    L = 0.5 * (y - t) ** 2
    dL_dw2 = (y - t) * y * (1 - y) * h
    dL_db2 = (y - t) * y * (1 - y)
    dL_dw1 = (y - t) * y * (1 - y) * w2 * h * (1 - h) * x
    dL_db1 = (y - t) * y * (1 - y) * w2 * h * (1 - h)
    dL_dx = (y - t) * y * (1 - y) * w2 * h * (1 - h) * w1

    assert lab.value == pytest.approx(L, rel=1e-14)
    assert lab.o["h"] == pytest.approx(h, rel=1e-14)
    assert lab.o["y"] == pytest.approx(y, rel=1e-14)
    assert lab.fprime["h"] == pytest.approx(h * (1 - h), rel=1e-14)
    assert lab.grad("w1") == pytest.approx(dL_dw1, rel=1e-12)
    assert lab.grad("w2") == pytest.approx(dL_dw2, rel=1e-12)
    assert lab.grad("x->h") == pytest.approx(dL_dw1, rel=1e-12)
    assert lab.weight_grad[("h", "y")] == pytest.approx(dL_dw2, rel=1e-12)
    assert lab.grad("h") == pytest.approx(dL_db1, rel=1e-12)
    assert lab.grad("y") == pytest.approx(dL_db2, rel=1e-12)
    assert lab.bias_grad == pytest.approx({"h": dL_db1, "y": dL_db2}, rel=1e-12)
    assert lab.grad("x") == pytest.approx(dL_dx, rel=1e-12)
    assert lab.delta["y"] == pytest.approx(dL_db2, rel=1e-12)


def test_mazur_published_example():
    net = rojas.load(rojas.example_path("mazur"))
    inputs, targets = rojas.load_data(rojas.example_path("mazur", "data"))
    lab = rojas.label(net, inputs, targets)
    # Matt Mazur, "A Step by Step Backpropagation Example" (2015): published to 9 places
    assert lab.value == pytest.approx(0.298371109, abs=5e-10)
    assert lab.grad("w5") == pytest.approx(0.082167041, abs=5e-10)
    assert lab.grad("w1") == pytest.approx(0.000438568, abs=5e-10)
    # and every other number against finite differences of the naive reference
    G = net.to_networkx()
    fd = R.finite_differences(G, inputs, targets)
    assert_map_close(lab.weight_grad, fd["weight"], FD_RTOL, FD_ATOL, "mazur weights")
    assert_map_close(lab.bias_grad, fd["bias"], FD_RTOL, FD_ATOL, "mazur biases")


def product_net(x, w, bias=0.3, fn="tanh"):
    """x1, x2, x3 -> product unit p -> sum unit y (plus a skip x1 -> y)."""
    G = nx.DiGraph(params={})
    for k in range(3):
        G.add_node(f"x{k}", fn="input")
    G.add_node("p", fn=fn, combine="product", bias=bias)
    G.add_node("y", fn="sigmoid", bias=-0.1)
    for k in range(3):
        G.add_edge(f"x{k}", "p", weight=w[k])
    G.add_edge("p", "y", weight=1.3)
    G.add_edge("x0", "y", weight=-0.6)
    return G, {f"x{k}": x[k] for k in range(3)}


@pytest.mark.parametrize("x, w", [
    ((0.8, 0.0, -1.2), (0.9, -1.1, 0.7)),    # an input is exactly 0
    ((0.8, 0.5, -1.2), (0.9, 0.0, 0.7)),     # a weight is exactly 0
    ((0.0, 0.5, -1.2), (0.9, 0.0, 0.7)),     # two zero terms
    ((0.8, 0.5, -1.2), (0.9, -1.1, 0.7)),    # no zero at all
])
def test_product_unit_with_a_zero_term(x, w):
    G, xs = product_net(x, w)
    t = {"y": 0.9}
    lab = rojas.label(rojas.Network(G), xs, t)
    fd = R.finite_differences(G, xs, t)
    for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad), ("input", lab.input_grad)):
        assert_map_close(mine, fd[key], FD_RTOL, FD_ATOL, key)
    assert all(np.isfinite(v) for v in lab.weight_grad.values())
    # by hand: s_p = prod(w_k x_k) + b; dE/d(w_k) = dE/ds_p * x_k * prod_{j != k} w_j x_j
    terms = [w[k] * x[k] for k in range(3)]
    s_p = terms[0] * terms[1] * terms[2] + 0.3
    p = math.tanh(s_p)
    s_y = 1.3 * p - 0.6 * x[0] - 0.1
    y = 1 / (1 + math.exp(-s_y))
    d_y = (y - 0.9) * y * (1 - y)
    d_p = d_y * 1.3 * (1 - p * p)
    for k in range(3):
        others = math.prod(terms[j] for j in range(3) if j != k)
        assert lab.weight_grad[(f"x{k}", "p")] == pytest.approx(d_p * x[k] * others, rel=1e-12, abs=1e-15)
        expected_x = d_p * w[k] * others + (d_y * -0.6 if k == 0 else 0.0)
        assert lab.input_grad[f"x{k}"] == pytest.approx(expected_x, rel=1e-12, abs=1e-15)


def test_product_unit_fed_by_a_unit_whose_value_is_zero():
    """A relu unit switched off (o = 0) feeding a product unit, inside a batch too."""
    G = nx.DiGraph(params={"t": 0.8})
    G.add_node("x", fn="input")
    G.add_node("z", fn="input")
    G.add_node("r", fn="relu", bias=-5.0)        # s = x - 5 < 0: o = 0
    G.add_node("q", fn="tanh", bias=0.2)
    G.add_node("p", fn="identity", combine="product", bias=0.1)
    G.add_node("y", fn="identity")
    G.add_edge("x", "r", weight=1.0)
    G.add_edge("z", "q", param="t")
    G.add_edge("r", "p", weight=0.7)
    G.add_edge("q", "p", param="t")
    G.add_edge("x", "p", weight=-1.2)
    G.add_edge("p", "y", weight=2.0)
    xs = {"x": 0.5, "z": -0.4}
    lab = rojas.label(rojas.Network(G), xs)
    fd = R.finite_differences(G, xs)
    for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad),
                      ("param", lab.param_grad), ("input", lab.input_grad)):
        assert_map_close(mine, fd[key], FD_RTOL, FD_ATOL, key)
    # the partial through the zero term is the product of the others
    q = math.tanh(0.8 * -0.4 + 0.2)
    assert lab.weight_grad[("r", "p")] == pytest.approx(2.0 * 0.0 * (0.8 * q) * (-1.2 * 0.5), abs=1e-15)
    assert lab.delta["r"] == 0.0  # relu'(s < 0) = 0
    # batch: the zero in sample 0 only
    xb = {"x": [0.5, 6.0, 7.0], "z": [-0.4, 0.3, 0.9]}
    labb = rojas.label(rojas.Network(G), xb)
    fdb = R.finite_differences(G, xb)
    for key, mine in (("weight", labb.weight_grad), ("bias", labb.bias_grad), ("param", labb.param_grad)):
        assert_map_close(mine, fdb[key], FD_RTOL, FD_ATOL, "batch " + key)


# ---------------------------------------------------------------------------- a very long chain
N_CHAIN = 100_000


def chain(fn, w, n=N_CHAIN):
    G = nx.DiGraph(params={})
    G.add_node(0, fn="input")
    G.add_nodes_from(range(1, n + 1), fn=fn)
    G.add_edges_from(((k, k + 1) for k in range(n)), weight=w)
    return G


@pytest.mark.slow
@pytest.mark.parametrize("fn, w, x", [("tanh", 1.0, 0.5), ("identity", 0.9999, 1.7)])
def test_chain_of_100000_nodes(fn, w, x):
    G = chain(fn, w)
    lab = rojas.label(rojas.Network(G), {0: x})
    # closed form: delta_x = prod_k w * f'(s_k), s_k = w * o_{k-1}
    if fn == "identity":
        o = x * np.cumprod(np.full(N_CHAIN, w))           # o_k = w^k x
        d_x = np.prod(np.full(N_CHAIN, w))                 # f' = 1
        out = o[-1]
    else:
        o = np.empty(N_CHAIN + 1)
        o[0] = x
        v = x
        for k in range(1, N_CHAIN + 1):
            v = math.tanh(w * v)
            o[k] = v
        s = w * o[:-1]
        factors = w * (1.0 - np.tanh(s) ** 2)
        d_x = np.cumprod(factors)[-1]
        out = o[-1]
    assert lab.value == pytest.approx(out, rel=1e-9)
    assert lab.o[N_CHAIN] == pytest.approx(out, rel=1e-9)
    assert lab.delta[0] == pytest.approx(d_x, rel=1e-8)
    assert lab.input_grad[0] == pytest.approx(d_x, rel=1e-8)
    # the first edge: do/dw_01 = x * prod_{k>=2} w f'(s_k) * f'(s_1)
    assert lab.weight_grad[(0, 1)] == pytest.approx(x * d_x / w, rel=1e-8)


# ---------------------------------------------------------------------------- export
def test_labels_exported_as_networkx():
    G = config(5)
    x = R.random_inputs(5, G)
    t = R.random_targets(6, G)
    G.graph["author"] = "tester"
    first = next(iter(G.nodes))
    G.nodes[first]["colour"] = "red"
    lab = rojas.label(rojas.Network(G), x, t)
    H = lab.to_networkx()
    assert isinstance(H, nx.DiGraph)
    value, s, o, fprime, delta, rm = R.reverse_mode(G, x, t)
    assert set(H.nodes) == set(G.nodes) and set(H.edges) == set(G.edges)
    assert H.graph["author"] == "tester" and H.nodes[first]["colour"] == "red"
    for n in G:
        d = H.nodes[n]
        for key in G.nodes[n]:
            assert d[key] == G.nodes[n][key]
        assert d["value"] == pytest.approx(o[n], rel=1e-12, abs=1e-12)
        assert d["delta"] == pytest.approx(delta[n], rel=1e-12, abs=1e-12)
        if G.nodes[n]["fn"] != "input":
            assert d["net"] == pytest.approx(s[n], rel=1e-12, abs=1e-12)
            assert d["derivative"] == pytest.approx(fprime[n], rel=1e-12, abs=1e-12)
    for u, v in G.edges:
        for key, val in G.edges[u, v].items():
            assert H.edges[u, v][key] == val
        assert H.edges[u, v]["grad"] == pytest.approx(rm["weight"][(u, v)], rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------- three ways to build
SPEC_NODES = [("x1", {"fn": "input"}), ("x2", {"fn": "input"}),
              ("h1", {"fn": "tanh", "bias": 0.1}),
              ("p", {"fn": "identity", "combine": "product"}),
              ("h2", {"fn": "sigmoid", "bias": -0.2}),
              ("y1", {"fn": "sigmoid", "bias": 0.05}),
              ("y2", {"fn": "softplus"})]
SPEC_EDGES = [("x1", "h1", {"param": "t", "name": "t1"}), ("x2", "h1", {"weight": -0.4, "name": "a"}),
              ("h1", "p", {"weight": 1.0}), ("x2", "p", {"weight": 0.9}),
              ("p", "h2", {"param": "t", "name": "t2"}), ("h1", "h2", {"weight": 0.3}),
              ("h2", "y1", {"weight": 1.2}), ("x1", "y1", {"weight": -0.8, "name": "skip"}),
              ("p", "y1", {"weight": 0.5}), ("h2", "y2", {"param": "t"}), ("x1", "y2", {"weight": 0.25})]
SPEC_PARAMS = {"t": 0.7}


def test_builder_digraph_and_file_agree(tmp_path):
    built = rojas.Network(name="three ways").add_param("t", SPEC_PARAMS["t"])
    for n, d in SPEC_NODES:
        if d["fn"] == "input":
            built.add_input(n)
        else:
            built.add_unit(n, d["fn"], bias=d.get("bias", 0.0), combine=d.get("combine", "sum"))
    for u, v, d in SPEC_EDGES:
        built.add_edge(u, v, **d)

    G = nx.DiGraph(name="three ways", params=dict(SPEC_PARAMS))
    G.add_nodes_from(SPEC_NODES)
    G.add_edges_from(SPEC_EDGES)
    from_graph = rojas.Network(G)

    doc = {"directed": True, "multigraph": False,
           "graph": {"name": "three ways", "params": dict(SPEC_PARAMS)},
           "nodes": [{"id": n, **d} for n, d in SPEC_NODES],
           "edges": [{"source": u, "target": v, **d} for u, v, d in SPEC_EDGES]}
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc))
    from_file = rojas.load(path)

    x = {"x1": 0.3, "x2": -0.9}
    t = {"y1": 0.2, "y2": 0.6}
    labs = [rojas.label(net, x, t) for net in (built, from_graph, from_file)]
    for lab in labs[1:]:
        assert lab.value == labs[0].value
        assert lab.weight_grad == labs[0].weight_grad
        assert lab.bias_grad == labs[0].bias_grad
        assert lab.param_grad == labs[0].param_grad
        assert lab.input_grad == labs[0].input_grad
    # and they are right
    fd = R.finite_differences(G, x, t)
    for key, mine in (("weight", labs[0].weight_grad), ("bias", labs[0].bias_grad),
                      ("param", labs[0].param_grad), ("input", labs[0].input_grad)):
        assert_map_close(mine, fd[key], FD_RTOL, FD_ATOL, key)
    # a plain nx.DiGraph can be labeled directly
    direct = rojas.label(G, x, t)
    assert direct.weight_grad == labs[0].weight_grad


def test_of_an_input_node_and_unknown_refs():
    G = config(1)
    x = R.random_inputs(1, G)
    n = R.inputs(G)[0]
    lab = rojas.label(rojas.Network(G), x, of=n)
    assert lab.value == pytest.approx(x[n], rel=1e-15)
    assert lab.input_grad[n] == pytest.approx(1.0)
    for m in R.inputs(G):
        if m != n:
            assert lab.input_grad[m] == 0.0
    assert all(g == 0.0 for g in lab.weight_grad.values())
    with pytest.raises(rojas.RojasError):
        lab.grad("no such thing")


def test_units_without_incoming_edges():
    """An empty sum is 0 and an empty product is 1: s = b (+ 1 for a product unit)."""
    G = nx.DiGraph(params={})
    G.add_node("x", fn="input")
    G.add_node("c", fn="tanh", bias=0.4)                             # s = 0.4
    G.add_node("e", fn="sigmoid", combine="product", bias=-0.3)     # s = 1 - 0.3
    G.add_node("y", fn="identity")
    G.add_edge("x", "y", weight=0.5)
    G.add_edge("c", "y", weight=2.0)
    G.add_edge("e", "y", weight=-1.5)
    lab = rojas.label(rojas.Network(G), {"x": 1.2})
    c, e = math.tanh(0.4), 1 / (1 + math.exp(-0.7))
    assert lab.s["c"] == pytest.approx(0.4) and lab.s["e"] == pytest.approx(0.7)
    assert lab.value == pytest.approx(0.6 + 2.0 * c - 1.5 * e, rel=1e-14)
    assert lab.grad("c") == pytest.approx(2.0 * (1 - c * c), rel=1e-13)
    assert lab.grad("e") == pytest.approx(-1.5 * e * (1 - e), rel=1e-13)
    fd = R.finite_differences(G, {"x": 1.2})
    assert_map_close(lab.bias_grad, fd["bias"], FD_RTOL, FD_ATOL, "biases")
    assert_map_close(lab.weight_grad, fd["weight"], FD_RTOL, FD_ATOL, "weights")


# ---------------------------------------------------------------------------- outputs anywhere, tied biases
def sig(s):
    return 1.0 / (1.0 + math.exp(-s))


def test_an_output_that_feeds_another_unit_gets_both_contributions():
    """x → h → y with outputs [h, y]: E = ½(h − t_h)² + ½(y − t_y)², by hand and by central differences."""
    x, w1, w2, b1, b2, th, ty = 0.8, 0.6, -1.4, 0.1, 0.3, 0.2, 0.9
    net = (rojas.Network().add_input("x").add_unit("h", "tanh", bias=b1).add_unit("y", "sigmoid", bias=b2)
           .add_edge("x", "h", weight=w1, name="w1").add_edge("h", "y", weight=w2, name="w2"))
    net.set_outputs(["h", "y"])
    lab = rojas.label(net, {"x": x}, {"h": th, "y": ty})

    def E(w1=w1, w2=w2, b1=b1, b2=b2, x=x):
        h = math.tanh(w1 * x + b1)
        y = sig(w2 * h + b2)
        return 0.5 * (h - th) ** 2 + 0.5 * (y - ty) ** 2

    h = math.tanh(w1 * x + b1)
    y = sig(w2 * h + b2)
    delta_y = (y - ty) * y * (1 - y)
    delta_h = ((h - th) + w2 * delta_y) * (1 - h * h)   # its own error and what comes back from y
    assert lab.value == pytest.approx(E(), rel=1e-14)
    assert lab.delta["h"] == pytest.approx(delta_h, rel=1e-13)
    assert lab.grad("w1") == pytest.approx(x * delta_h, rel=1e-13)
    assert lab.grad("w2") == pytest.approx(h * delta_y, rel=1e-13)
    for name, value in (("w1", w1), ("w2", w2), ("b1", b1), ("b2", b2), ("x", x)):
        eps = 1e-6
        fd = (E(**{name: value + eps}) - E(**{name: value - eps})) / (2 * eps)
        ref = {"w1": "w1", "w2": "w2", "b1": "h", "b2": "y", "x": "x"}[name]
        assert lab.grad(ref) == pytest.approx(fd, rel=1e-7, abs=1e-10)
    assert rojas.tangent(lab, "w1").derivative == pytest.approx(x * delta_h, rel=1e-13)


def test_a_tied_bias_gets_the_sum_of_its_units_deltas():
    """Two units share the bias param b (and an edge param t): ∂E/∂b = δ_h1 + δ_h2."""
    net = rojas.Network().add_param("b", 0.25).add_param("t", -0.7).add_input("x")
    net.add_unit("h1", "tanh", bias_param="b").add_unit("h2", "sigmoid", bias_param="b")
    net.add_unit("y", "identity", bias=0.05)
    net.add_edge("x", "h1", weight=0.9).add_edge("x", "h2", param="t")
    net.add_edge("h1", "y", weight=1.5).add_edge("h2", "y", param="t")
    x, t = 0.4, 0.3

    def E(b=0.25, tp=-0.7):
        h1 = math.tanh(0.9 * x + b)
        h2 = sig(tp * x + b)
        return 0.5 * (1.5 * h1 + tp * h2 + 0.05 - t) ** 2

    lab = rojas.label(net, {"x": x}, {"y": t})
    h1, h2 = math.tanh(0.9 * x + 0.25), sig(-0.7 * x + 0.25)
    dy = 1.5 * h1 - 0.7 * h2 + 0.05 - t
    d1, d2 = dy * 1.5 * (1 - h1 * h1), dy * -0.7 * h2 * (1 - h2)
    assert lab.value == pytest.approx(E(), rel=1e-14)
    assert lab.bias_grad == pytest.approx({"h1": d1, "h2": d2, "y": dy}, rel=1e-13)
    assert lab.param_grad["b"] == pytest.approx(d1 + d2, rel=1e-13)
    assert lab.param_grad["t"] == pytest.approx(x * d2 + h2 * dy, rel=1e-13)
    eps = 1e-6
    assert lab.grad("b") == pytest.approx((E(b=0.25 + eps) - E(b=0.25 - eps)) / (2 * eps), rel=1e-8)
    assert lab.grad("t") == pytest.approx((E(tp=-0.7 + eps) - E(tp=-0.7 - eps)) / (2 * eps), rel=1e-8)
    assert lab.bias("h2") == 0.25 and lab.params == {"b": 0.25, "t": -0.7}
    assert lab.gradients()["params"].tolist() == pytest.approx([d1 + d2, x * d2 + h2 * dy], rel=1e-13)
    # the tangent sweep along the param moves both biases (and both tied edges)
    assert rojas.tangent(lab, "b").derivative == pytest.approx(d1 + d2, rel=1e-12)
    # evaluate at another value of the param moves both biases
    assert rojas.evaluate(net, {"x": x}, {"y": t}, params={"b": 0.5}) == pytest.approx(E(b=0.5), rel=1e-14)


# ---------------------------------------------------------------------------- a labeling is a snapshot
def test_changing_the_network_after_labeling_changes_nothing_in_the_labeling():
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    before = json.dumps(lab.to_dict())
    net.set_weight("h1", "o1", 3.0)
    net.set_bias("h1", 9.0)
    assert json.dumps(lab.to_dict()) == before
    assert lab.to_dict()["edges"][4]["weight"] == 0.4
    assert lab.grad("w1") == pytest.approx(0.000438568, abs=5e-10)
    assert lab.weight("h1", "o1") == 0.4 and lab.bias("h1") == 0.35
    assert lab.network.weight("h1", "o1") == 0.4 and lab.network.bias("h1") == 0.35
    ps = rojas.path_sum(lab, "w1")
    assert ps.total == pytest.approx(0.000438568, abs=5e-10)
    assert rojas.tangent(lab, "w1").derivative == pytest.approx(0.000438568, abs=5e-10)
    assert lab.to_networkx().edges["h1", "o1"]["weight"] == 0.4
    # the next labeling sees the new numbers
    assert rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data"))).weight("h1", "o1") == 3.0
    # a structural change afterwards changes nothing either
    net.add_unit("extra", "tanh").add_edge("h1", "extra", weight=1.0)
    assert len(lab.network) == 6 and len(lab.to_dict()["nodes"]) == 6
    assert lab.network.outputs == ["o1", "o2"]
    # the frozen copy refuses to change
    with pytest.raises(rojas.RojasError, match="frozen copy"):
        lab.network.set_weight("h1", "o1", 1.0)


def test_the_snapshot_does_not_share_the_callers_arrays():
    net = rojas.load(rojas.example_path("mazur"))
    x = {"i1": np.array([0.05, 0.1]), "i2": np.array([0.1, 0.2])}
    t = {"o1": np.array([0.01, 0.02]), "o2": np.array([0.99, 0.98])}
    lab = rojas.label(net, x, t)
    value = lab.value
    x["i1"][0], t["o1"][0] = 7.0, 7.0
    assert lab.inputs["i1"].tolist() == [0.05, 0.1] and lab.targets["o1"].tolist() == [0.01, 0.02]
    assert rojas.tangent(lab, "w5").derivative == pytest.approx(lab.grad("w5"), rel=1e-13)
    assert lab.value == value


# ---------------------------------------------------------------------------- JSON, streamed; summaries
def json_cases():
    mazur = rojas.load(rojas.example_path("mazur"))
    xm, tm = rojas.load_data(rojas.example_path("mazur", "data"))
    xor = rojas.load(rojas.example_path("xor"))
    xx, tx = rojas.load_data(rojas.example_path("xor", "data"))
    G = R.random_network(4, 2, 5, 2, p_skip=0.4, p_product=0.3, p_tied=0.4, int_ids=True)
    lonely = rojas.Network(name="no edges").add_input("x").add_unit("c", "tanh", bias=0.2)
    odd = rojas.Network(name="odd ñ").add_input('x"1').add_unit("hü", "tanh").add_unit("k", "identity")
    odd.add_edge('x"1', "hü", weight=0.5, name="w₁").add_edge("hü", "k", weight=-2.0)
    return [("mazur", mazur, xm, tm, None), ("xor batch", xor, xx, tx, None),
            ("int ids, ties, products", rojas.Network(G), R.random_inputs(4, G), R.random_targets(5, G), None),
            ("of", mazur, xm, None, "h1"), ("no edges", lonely, {"x": [1.0, 2.0]}, None, "c"),
            ("quotes and non-ASCII", odd, {'x"1': 0.3}, None, "hü")]


@pytest.mark.parametrize("chunk", [1, 2, 4096])
def test_streamed_json_is_the_json_of_to_dict(chunk):
    import io

    for what, net, x, t, of in json_cases():
        lab = rojas.label(net, x, t, of=of)
        buf = io.StringIO()
        lab.write_json(buf, chunk=chunk)
        assert buf.getvalue() == json.dumps(lab.to_dict(), indent=1, allow_nan=False), what
        assert json.loads(buf.getvalue())["value"] == lab.value


def test_to_dict_reads_labels_by_node():
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    d = lab.to_dict()
    assert list(d["nodes"]) == [str(n) for n in net.nodes]
    assert d["nodes"]["h1"] == {"net": lab.s["h1"], "value": lab.o["h1"], "derivative": lab.fprime["h1"],
                                "delta": lab.delta["h1"]}
    assert d["nodes"]["i1"] == {"value": 0.05, "delta": lab.delta["i1"]}
    assert [(e["source"], e["target"], e["name"], e["weight"]) for e in d["edges"]] == \
        [(u, v, net.edge_name(u, v), net.weight(u, v)) for u, v in net.edges]
    assert "i1" not in lab.s and "h1" in lab.s and len(lab.s) == 4 and list(lab.s) == ["h1", "h2", "o1", "o2"]


def test_grad_json_on_the_command_line_is_streamed_to_dict(capsys):
    from rojas.cli import main

    path, data = rojas.example_path("mazur"), rojas.example_path("mazur", "data")
    assert main(["grad", path, "--data", data, "--json"]) == 0
    lab = rojas.label(rojas.load(path), *rojas.load_data(data))
    assert capsys.readouterr().out == json.dumps(lab.to_dict(), indent=1) + "\n"


def chain_file(path, n, w=1.1, fn="tanh"):
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"n{k}", "fn": fn} for k in range(n)]
    edges = [{"source": "x", "target": "n0", "weight": w}]
    edges += [{"source": f"n{k}", "target": f"n{k + 1}", "weight": w} for k in range(n - 1)]
    path.write_text(json.dumps({"directed": True, "multigraph": False, "graph": {"name": "chain"},
                                "nodes": nodes, "edges": edges}))
    return str(path)


def test_a_large_table_is_summarized_unless_all(tmp_path, capsys):
    from rojas.cli import main

    path = chain_file(tmp_path / "chain.json", 150, w=0.9)
    assert main(["grad", path, "--input", "x=0.5"]) == 0
    out = capsys.readouterr().out
    lab = rojas.label(rojas.load(path), {"x": 0.5})
    g = lab._edge_grad  # the chain's last edges carry the largest gradients
    assert "151 nodes (1 inputs, 150 units), 150 edges" in out and "--all" in out and "--json" in out
    assert "The 10 largest |∂o[n149]/∂w| of 150:" in out
    assert f"n148->n149  {rojas.utils.formatting.fmt(float(g[-1]))}" in out
    assert len(out.splitlines()) < 20
    assert main(["grad", path, "--input", "x=0.5", "--all"]) == 0
    full = capsys.readouterr().out
    assert all(f"n{k}->n{k + 1}" in full for k in range(149)) and len(full.splitlines()) > 300


@pytest.mark.slow
def test_grad_json_on_a_chain_of_100000_tanh_units(tmp_path):
    """End to end through the command line; the first edge's gradient by the product formula."""
    import subprocess
    import sys

    n, w, x = N_CHAIN, 1.0, 0.5  # o_k ~ √(3/2k): the gradient decays like a power, no underflow
    path = chain_file(tmp_path / "chain.json", n, w=w)
    proc = subprocess.run([sys.executable, "-m", "rojas", "grad", path, "--input", f"x={x}", "--json"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # o_k = tanh(w·o_{k−1}); ∂o_last/∂w_{x,n0} = x · f'(s_0) · Π_{k≥1} w·f'(s_k)
    o = np.empty(n + 1)
    o[0] = x
    for k in range(n):
        o[k + 1] = math.tanh(w * o[k])
    fprime = 1.0 - np.tanh(w * o[:-1]) ** 2
    expected = x * fprime[0] * np.prod(w * fprime[1:])
    assert 1e-12 < expected < 1e-3
    assert out["edges"][0]["grad"] == pytest.approx(expected, rel=1e-9)
    assert out["value"] == pytest.approx(o[-1], rel=1e-12)
    assert len(out["nodes"]) == n + 1 and len(out["edges"]) == n
