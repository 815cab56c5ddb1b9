"""The matrix form of layered networks (Rojas §7.3.3) against independent numbers.

Expected numbers come from ``tests/reference.py`` (a naive per-node reverse
sweep and central finite differences over the graph), from a matrix pass
written in this file in the other weight orientation (``V_l = W_lᵀ``, the
PyTorch one), from published numbers (Matt Mazur's worked 2-2-2 example, 2015), or
from the graph labeling ``rojas.label`` for the 1e-12 agreement the issue asks
for.  Nothing is copied from the code's output.
"""

import json
import math
import re
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas import DataError, NetworkError

import reference as R

RM_RTOL, RM_ATOL = 1e-12, 1e-12
FD_RTOL, FD_ATOL = 1e-6, 1e-8
FNS = ("sigmoid", "tanh", "identity", "sin", "softplus", "gaussian")


def layered_graph(seed, sizes=None, p_edge=0.8, p_tied=0.2):
    """A random layered DiGraph: layer sizes, one primitive per layer, some edges missing or tied.

    Nodes and edges are inserted in a shuffled order, so the file's order is
    not the layer order.
    """
    rng = np.random.default_rng(seed)
    if sizes is None:
        depth = int(rng.integers(1, 5))
        sizes = [int(n) for n in rng.integers(1, 5, size=depth + 1)]
    layers = [[f"n{l}_{k}" for k in range(n)] for l, n in enumerate(sizes)]
    fns = ["input"] + [str(rng.choice(FNS)) for _ in sizes[1:]]
    params = {f"p{k}": float(rng.uniform(-1, 1)) for k in range(2)}
    nodes, edges = {}, {}
    for l, layer in enumerate(layers):
        for n in layer:
            nodes[n] = {"fn": fns[l]}
            if l and rng.random() < 0.8:
                nodes[n]["bias"] = float(rng.uniform(-0.5, 0.5))
    for l in range(1, len(layers)):
        for j in layers[l]:
            for i in layers[l - 1]:
                if rng.random() < p_edge:
                    edges[(i, j)] = ({"param": f"p{int(rng.integers(2))}"} if rng.random() < p_tied
                                     else {"weight": float(rng.uniform(-1.2, 1.2))})
        # every unit has an input and every unit before the last layer feeds one
        for j in layers[l]:
            if not any((i, j) in edges for i in layers[l - 1]):
                edges[(layers[l - 1][int(rng.integers(len(layers[l - 1])))], j)] = {"weight": 0.7}
        for i in layers[l - 1] if l > 1 else []:
            if not any((i, j) in edges for j in layers[l]):
                edges[(i, layers[l][int(rng.integers(len(layers[l])))])] = {"weight": -0.6}
    G = nx.DiGraph(name=f"layered {seed}", params=params)
    names = list(nodes)
    for k in rng.permutation(len(names)):
        G.add_node(names[k], **nodes[names[k]])
    keys = list(edges)
    for k in rng.permutation(len(keys)):
        G.add_edge(*keys[k], **edges[keys[k]])
    return G, layers, fns


def close(a, b, rtol, atol):
    return abs(a - b) <= atol + rtol * abs(b)


def reference_sums(G, x, t):
    """Per-sample naive reverse sweeps, gradients summed over a batch (None: one sample)."""
    samples = R._samples(x, t)
    runs = [R.reverse_mode(G, xs, ts) for xs, ts in samples]
    weight = {e: sum(r[5]["weight"][e] for r in runs) for e in G.edges}
    bias = {n: sum(r[5]["bias"][n] for r in runs) for n in runs[0][5]["bias"]}
    value = sum(r[0] for r in runs)
    delta = {n: np.array([r[4][n] for r in runs]) for n in G}
    return value, weight, bias, delta


@pytest.mark.parametrize("seed", range(14))
@pytest.mark.parametrize("batch", [None, 3])
def test_matrix_form_equals_reference_and_labeling(seed, batch):
    G, layers, fns = layered_graph(seed)
    x = R.random_inputs(seed, G, batch)
    t = R.random_targets(seed + 100, G, batch)
    lay = rojas.to_layers(G)
    # The layers are the generations, each in the file's order.
    assert [sorted(layer) for layer in lay.nodes] == [sorted(layer) for layer in layers]
    file_order = list(G.nodes)
    assert all(layer == sorted(layer, key=file_order.index) for layer in lay.nodes)
    assert lay.fns == fns
    weights, biases, _, _ = R.parameters(G)
    for l in range(1, lay.L + 1):
        for i, u in enumerate(lay.nodes[l - 1]):
            for j, v in enumerate(lay.nodes[l]):
                assert lay.W[l][i, j] == weights.get((u, v), 0.0)
                assert lay.mask[l][i, j] == G.has_edge(u, v)
        assert lay.b[l].tolist() == [biases[n] for n in lay.nodes[l]]

    mp = rojas.matrix_backprop(lay, x, t)
    value, weight, bias, delta = reference_sums(G, x, t)
    assert close(mp.value, value, RM_RTOL, RM_ATOL)
    for l in range(1, lay.L + 1):
        for i, u in enumerate(lay.nodes[l - 1]):
            for j, v in enumerate(lay.nodes[l]):
                if G.has_edge(u, v):
                    assert close(mp.grad_W[l][i, j], weight[(u, v)], RM_RTOL, RM_ATOL), (l, u, v)
        for j, v in enumerate(lay.nodes[l]):
            assert close(mp.grad_b[l][j], bias[v], RM_RTOL, RM_ATOL)
            mine = mp.delta[l][j] if batch is None else mp.delta[l][j, :]
            assert np.allclose(mine, delta[v].reshape(np.shape(mine)), rtol=RM_RTOL, atol=RM_ATOL)
    for i, u in enumerate(lay.nodes[0]):  # ∂E/∂x = W_1 δ^(1)
        assert np.allclose(mp.delta[0][i], delta[u].reshape(np.shape(mp.delta[0][i])), rtol=RM_RTOL, atol=RM_ATOL)

    check = mp.check()
    assert check.ok and check.tol == 1e-12, check
    assert set(check.diffs) == {"s", "o", "f'", "δ", "∂E/∂x", "∂E/∂W", "∂E/∂b", "E"}


@pytest.mark.parametrize("seed", [3, 8])
def test_matrix_form_against_finite_differences(seed):
    G, _, _ = layered_graph(seed, sizes=[3, 4, 3, 2])
    x, t = R.random_inputs(seed, G), R.random_targets(seed + 1, G)
    fd = R.finite_differences(G, x, t)
    mp = rojas.matrix_backprop(G, x, t)
    lay = mp.layers
    for l in range(1, lay.L + 1):
        for i, j in zip(*np.nonzero(lay.mask[l])):
            e = (lay.nodes[l - 1][i], lay.nodes[l][j])
            assert close(mp.grad_W[l][i, j], fd["weight"][e], FD_RTOL, FD_ATOL), e
        for j, v in enumerate(lay.nodes[l]):
            assert close(mp.grad_b[l][j], fd["bias"][v], FD_RTOL, FD_ATOL)


def test_the_other_orientation_written_here_gives_the_same_numbers():
    """A matrix pass written in this test with V_l = W_lᵀ (n_l × n_{l−1}), s = V o + b.

    Denominator layout in that orientation: δ^(l) = D_l V_{l+1}ᵀ δ^(l+1),
    ∂E/∂V_l = δ^(l) o^(l−1)ᵀ.  Rojas's W_l is its transpose.
    """
    rng = np.random.default_rng(7)
    sizes = [3, 5, 4, 2]
    V = [rng.normal(size=(sizes[l], sizes[l - 1])) for l in range(1, 4)]
    b = [rng.normal(size=sizes[l]) for l in range(1, 4)]
    B = 6
    X, T = rng.normal(size=(3, B)), rng.normal(size=(2, B))
    f = [np.tanh, lambda s: 1 / (1 + np.exp(-s)), lambda s: s]
    df = [lambda s: 1 - np.tanh(s) ** 2, lambda s: np.exp(-s) / (1 + np.exp(-s)) ** 2, np.ones_like]
    o, s = [X], []
    for l in range(3):
        s.append(V[l] @ o[-1] + b[l][:, None])
        o.append(f[l](s[-1]))
    delta = [None] * 3
    delta[2] = df[2](s[2]) * (o[3] - T)
    for l in (1, 0):
        delta[l] = df[l](s[l]) * (V[l + 1].T @ delta[l + 1])
    grad_V = [delta[l] @ o[l].T for l in range(3)]

    net = rojas.from_layers([v.T for v in V], b, ["tanh", "sigmoid", "identity"])
    x = {f"x{k + 1}": X[k].tolist() for k in range(3)}
    t = {f"y{k + 1}": T[k].tolist() for k in range(2)}
    mp = rojas.matrix_backprop(net, x, t)
    assert mp.value == pytest.approx(0.5 * np.sum((o[3] - T) ** 2), rel=1e-12)
    for l in range(1, 4):
        np.testing.assert_allclose(mp.delta[l], delta[l - 1], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(mp.grad_W[l], grad_V[l - 1].T, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(mp.grad_b[l], delta[l - 1].sum(axis=1), rtol=1e-12, atol=1e-14)
        # numerator layout: rows δ^(l+1)ᵀ W_{l+1}ᵀ D_l, one per sample, are the δ^(l)ᵀ
        np.testing.assert_allclose(mp.numerator_layout(l), delta[l - 1].T, rtol=1e-12, atol=1e-14)
    D1 = mp.D(1)
    assert D1.shape == (B, 5, 5)
    np.testing.assert_allclose(D1[2], np.diag(df[0](s[0])[:, 2]), rtol=1e-12)
    assert mp.check().ok


def test_mazur_published_numbers():
    """Mazur's worked example: E = 0.298371109, ∂E/∂w5 = 0.082167041, ∂E/∂w1 = 0.000438568."""
    net = rojas.load(rojas.example_path("mazur"))
    mp = rojas.matrix_backprop(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    assert mp.layers.nodes == [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]]
    assert mp.layers.W[1].tolist() == [[0.15, 0.25], [0.2, 0.3]]   # w1..w4 from the published figure
    assert round(mp.value, 9) == 0.298371109
    assert round(float(mp.grad_W[2][0, 0]), 9) == 0.082167041      # w5: h1 -> o1
    assert round(float(mp.grad_W[1][0, 0]), 9) == 0.000438568      # w1: i1 -> h1
    np.testing.assert_allclose(mp.D(2), np.diag(mp.o[2] * (1 - mp.o[2])), rtol=1e-12)


def test_objective_of_an_output_and_refusal_of_a_hidden_node():
    G, layers, _ = layered_graph(5, sizes=[2, 3, 2])
    x = R.random_inputs(5, G)
    out = layers[2][1]
    fd = R.finite_differences(G, x, of=out)
    mp = rojas.matrix_backprop(G, x, of=out)
    assert mp.objective == out
    assert mp.e.tolist() == [float(n == out) for n in mp.layers.nodes[2]]
    lay = mp.layers
    for l in (1, 2):
        for i, j in zip(*np.nonzero(lay.mask[l])):
            e = (lay.nodes[l - 1][i], lay.nodes[l][j])
            assert close(mp.grad_W[l][i, j], fd["weight"][e], FD_RTOL, FD_ATOL)
    assert mp.check().ok
    with pytest.raises(DataError, match=r"of: node 'n1_0' is in layer 1.*last layer \(2\)"):
        rojas.matrix_backprop(G, x, of="n1_0")


def test_from_layers_round_trip_and_write_back():
    rng = np.random.default_rng(1)
    W = [rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 1))]
    b = [rng.normal(size=3), rng.normal(size=3), rng.normal(size=1)]
    mask = [np.ones((2, 3), bool), np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]], bool), np.ones((3, 1), bool)]
    net = rojas.from_layers(W, b, "tanh", mask=mask, name="three")
    assert net.nodes == ["x1", "x2", "h1_1", "h1_2", "h1_3", "h2_1", "h2_2", "h2_3", "y1"]
    assert len(net.edges) == 6 + 6 + 3 and not net.to_networkx().has_edge("h1_1", "h2_2")
    assert net.weight("h1_3", "h2_1") == W[1][2, 0]
    assert net.bias("h2_2") == b[1][1]
    lay = rojas.to_layers(net)
    for l in (1, 2, 3):
        np.testing.assert_array_equal(lay.W[l], np.where(mask[l - 1], W[l - 1], 0.0))
        np.testing.assert_array_equal(lay.b[l], b[l - 1])
        np.testing.assert_array_equal(lay.mask[l], mask[l - 1])
    # One gradient step in matrix form, written back into a network.
    mp = rojas.matrix_backprop(lay, {"x1": 0.3, "x2": -0.7}, {"y1": 0.25})
    for l in (1, 2, 3):
        lay.W[l] = lay.W[l] - 0.1 * np.where(lay.mask[l], mp.grad_W[l], 0.0)
        lay.b[l] = lay.b[l] - 0.1 * mp.grad_b[l]
    stepped = rojas.from_layers(lay)
    lab = rojas.label(net, {"x1": 0.3, "x2": -0.7}, {"y1": 0.25})
    for (u, v), g in lab.weight_grad.items():
        assert stepped.weight(u, v) == pytest.approx(net.weight(u, v) - 0.1 * g, abs=1e-15)
    assert net.weight("x1", "h1_1") == W[0][0, 0]  # the original is untouched
    assert rojas.matrix_backprop(lay, {"x1": 0.3, "x2": -0.7}, {"y1": 0.25}).check().ok

    lay.W[2][0, 1] = 0.5  # no edge h1_1 -> h2_2
    with pytest.raises(NetworkError, match=r"W_2\[0, 1\] = 0.5 but there is no edge 'h1_1'->'h2_2'"):
        lay.to_network()
    with pytest.raises(NetworkError, match=r"W_2 has 2 rows but layer 1 has 3 units"):
        rojas.from_layers([W[0], W[1][:2]])
    with pytest.raises(NetworkError, match=r"b\^\(1\) has shape \(2,\), layer 1 has 3 units"):
        rojas.from_layers(W, [np.zeros(2), b[1], b[2]])
    with pytest.raises(NetworkError, match=r"'x1'->'h1': weight must be finite"):
        rojas.from_layers([np.array([[np.inf]])], nodes=[["x1"], ["h1"]])


def test_tied_entries_must_agree():
    G = nx.DiGraph(params={"p": 0.4})
    G.add_nodes_from(["a", "b"], fn="input")
    G.add_nodes_from(["h", "k"], fn="tanh")
    G.add_edge("a", "h", param="p", name="t1")
    G.add_edge("b", "k", param="p", name="t2")
    G.add_edge("a", "k", weight=0.1)
    lay = rojas.to_layers(G)
    assert lay.W[1].tolist() == [[0.4, 0.1], [0.0, 0.4]]
    lay.W[1][0, 0] = 0.9
    with pytest.raises(NetworkError, match=r"param 'p'.*'a'->'h' \(t1\).*'b'->'k' \(t2\)"):
        lay.to_network()
    lay.W[1][1, 1] = 0.9
    assert lay.to_network().params == {"p": 0.9}


def chain(nodes, edges):
    G = nx.DiGraph()
    for n, fn, *combine in nodes:
        G.add_node(n, fn=fn, **({"combine": combine[0]} if combine else {}))
    for u, v, *name in edges:
        G.add_edge(u, v, weight=0.5, **({"name": name[0]} if name else {}))
    return G


NOT_LAYERED = {
    "skip": (chain([("x", "input"), ("h", "tanh"), ("y", "sigmoid")],
                   [("x", "h"), ("h", "y"), ("x", "y", "skip")]),
             r"edge 'x'->'y' \(skip\) joins layer 0 to layer 2; every edge must join consecutive layers"),
    "product": (chain([("x1", "input"), ("x2", "input"), ("p", "identity", "product"), ("y", "sigmoid")],
                      [("x1", "p"), ("x2", "p"), ("p", "y")]),
                r"unit 'p' is a product unit \(combine 'product'\)"),
    "mixed": (chain([("x", "input"), ("h1", "sigmoid"), ("h2", "tanh"), ("y", "sigmoid")],
                    [("x", "h1"), ("x", "h2"), ("h1", "y"), ("h2", "y")]),
              r"layer 1 mixes primitives: 'h1' is sigmoid, 'h2' is tanh"),
    "early output": (chain([("x", "input"), ("h1", "tanh"), ("h2", "tanh"), ("y", "sigmoid")],
                           [("x", "h1"), ("x", "h2"), ("h1", "y")]),
                     r"output 'h2' is in layer 1, not in the last layer 2"),
    "constant unit": (chain([("x", "input"), ("c", "sigmoid"), ("h", "sigmoid"), ("y", "sigmoid")],
                            [("x", "h"), ("h", "y"), ("c", "h")]),
                      r"unit 'c' has no incoming edges; layer 0 holds only inputs"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(NOT_LAYERED))
def test_non_layered_networks_are_refused_with_the_reason(case, tmp_path):
    G, reason = NOT_LAYERED[case]
    with pytest.raises(NetworkError, match="not a layered network: " + reason):
        rojas.to_layers(G)
    net = rojas.Network(G)
    path = net.save(tmp_path / "net.json")
    inputs = [f"--input={n}=0.5" for n in net.inputs]
    proc = subprocess.run([sys.executable, "-m", "rojas", "matrix", str(path), *inputs],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert re.search("not a layered network: " + reason, lines[0]), lines[0]


@pytest.mark.slow
def test_cli_matrix_prints_matrices_layouts_and_check(tmp_path):
    net, data = rojas.example_path("mazur"), rojas.example_path("mazur", "data")
    proc = subprocess.run([sys.executable, "-m", "rojas", "matrix", net, "--data", data],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for text in ("W_1 (rows: layer 0, columns: layer 1", "D_2 = diag(f'(s^(2)))", "δ^(2) = D_2 e",
                 "δ^(1) = D_1 W_2 δ^(2)", "∂E/∂W_2 = o^(1) δ^(2)ᵀ",
                 "Denominator layout", "Numerator layout", "δ^(l+1)ᵀ W_{l+1}ᵀ D_l",
                 "0.0821670", "they agree to 1e-12"):
        assert text in out, text
    proc = subprocess.run([sys.executable, "-m", "rojas", "matrix", net, "--data", data, "--json",
                           "--input", "i1=0.05,0.5", "--input", "i2=0.1,-0.3"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["batch_size"] == 2 and doc["check"]["ok"] is True
    assert doc["layers"][2]["W"] == [[0.4, 0.5], [0.45, 0.55]]
    x = {"i1": [0.05, 0.5], "i2": [0.1, -0.3]}
    t = {"o1": 0.01, "o2": 0.99}
    _, weight, _, _ = reference_sums(rojas.load(net).to_networkx(), x, t)
    assert close(doc["layers"][2]["grad_W"][1][0], weight[("h2", "o1")], RM_RTOL, RM_ATOL)


def test_overflow_in_the_matrix_pass_names_the_node():
    net = rojas.from_layers([[[800.0]], [[1.0]]], fns=["exp", "sigmoid"], nodes=[["x"], ["g"], ["y"]])
    with pytest.raises(rojas.NumericalError, match=r"non-finite value o in layer 1 at node 'g'"):
        rojas.matrix_backprop(net, {"x": 1.0}, {"y": 0.0})


@pytest.mark.slow
def test_cli_matrix_has_no_seed_wording_and_names_the_layouts():
    proc = subprocess.run([sys.executable, "-m", "rojas", "matrix", rojas.example_path("mazur"),
                           "--data", rojas.example_path("mazur", "data")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    convention = proc.stdout[proc.stdout.index("Convention"):proc.stdout.index("Layer 0")]
    assert "seed 00" not in convention.lower()
    assert "Numerator vs denominator layout" in convention and "row-vector I × W convention" in convention


_PLAIN = str.maketrans("−⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "--0123456789")


def _number(text):
    """A number as rojas prints it (true minus sign, ×10⁻⁶) read back."""
    return float(text.translate(_PLAIN).replace("×10", "e"))


@pytest.mark.slow
def test_cli_matrix_on_a_100000_layer_chain_is_linear(tmp_path):
    """x → n0 → … → n99999, tanh units: a layered network of 100,000 one-unit layers.

    No timing assertion (performance lives in benchmarks/); the timeout bounds a hang, which a
    quadratic step at this depth would be.  Expected numbers by hand: the forward recurrence
    o_k = tanh(w·o_{k−1} + b), E = ½(o_N − t)², δ_N = f'(s_N)·(o_N − t)
    and backwards δ_k = f'(s_k)·w·δ_{k+1}.
    """
    N, w, b, x, t = 100_000, 0.9, 0.01, 0.5, 0.1
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"n{k}", "fn": "tanh", "bias": b} for k in range(N)]
    edges = [{"source": "x", "target": "n0", "weight": w}] + \
            [{"source": f"n{k}", "target": f"n{k + 1}", "weight": w} for k in range(N - 1)]
    (tmp_path / "chain.json").write_text(json.dumps({"directed": True, "multigraph": False, "graph": {},
                                                     "nodes": nodes, "edges": edges}))
    (tmp_path / "chain.data.json").write_text(json.dumps({"inputs": {"x": x}, "targets": {f"n{N - 1}": t}}))
    proc = subprocess.run([sys.executable, "-m", "rojas", "matrix", str(tmp_path / "chain.json"),
                           "--data", str(tmp_path / "chain.data.json")],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    o, fp = [x], []
    for _ in range(N):
        o.append(math.tanh(w * o[-1] + b))
        fp.append(1 - o[-1] ** 2)
    E = 0.5 * (o[-1] - t) ** 2
    delta = fp[-1] * (o[-1] - t)
    deltas = [delta]  # δ of the layers N, N − 1, …
    for k in range(N - 2, -1, -1):
        delta = fp[k] * w * delta
        deltas.append(delta)
    out = proc.stdout
    value = _number(re.search(r"objective E = ½Σ\(o−t\)² = (\S+)", out).group(1))
    assert value == pytest.approx(E, rel=1e-8)
    assert "they agree to 1e-12" in out and "layers 4–99997 not shown" in out
    # δ of node n99997 (layer N − 2), in the backward pass's table of that layer (δ_1 underflows to 0)
    row = re.search(rf"δ\^\({N - 2}\) = D_{N - 2} W_{N - 1} δ\^\({N - 1}\):\n.*\n.*\n\s+n{N - 3}\s+(\S+)", out)
    assert deltas[2] != 0 and _number(row.group(1)) == pytest.approx(deltas[2], rel=1e-8)
