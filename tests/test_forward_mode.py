"""Independent tests of the tangent (forward-mode) sweep, rojas.tangent.

Expected numbers: the naive per-node reverse sweep of ``tests/reference.py``
(for the derivative), and a naive per-node tangent sweep written below on top
of the reference's forward pass (for every ȯ_j = ∂o_j/∂source).
"""

import math

import networkx as nx
import numpy as np
import pytest

import rojas

import reference as R


def close(a, b, rtol=1e-12, atol=1e-14):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def config(seed):
    rng = np.random.default_rng(4200 + seed)
    n_in = int(rng.integers(1, 5))
    n_hidden = int(rng.integers(2, 10))
    n_out = int(rng.integers(1, 4))
    fns = ("sigmoid", "tanh", "identity", "sin", "softplus", "gaussian", "cos", "square", "exp")
    return R.random_network(100 + seed, n_in, n_hidden, n_out, p_skip=0.35, p_product=0.3,
                            p_tied=0.3, fns=fns, n_layers=1 + seed % 3, int_ids=(seed % 4 == 3))


def naive_tangent(G, x, source, targets=None, of=None):
    """{node: ∂o/∂source} and ∂objective/∂source, by a plain loop in topological order.

    `source` is (kind, node, edges) with kind in weight/param/input/bias/node/value.
    """
    kind, node, edges = source
    s, o = R.forward(G, x)
    fp = {n: R.PRIMITIVES[G.nodes[n]["fn"]][1](s[n]) for n in s}
    w = R.parameters(G)[0]

    def partial(i, j):
        if G.nodes[j].get("combine", "sum") != "product":
            return 1.0
        return math.prod(w[(k, j)] * o[k] for k in G.predecessors(j) if k != i)

    seed_s = {n: 0.0 for n in G}
    for u, v in edges:
        seed_s[v] += o[u] * partial(u, v)
    if kind in ("node", "bias"):
        seed_s[node] += 1.0
    odot = {}
    for j in nx.topological_sort(G):
        if G.nodes[j]["fn"] == "input":
            odot[j] = 1.0 if (kind == "input" and j == node) else 0.0
            continue
        sdot = seed_s[j] + sum(w[(i, j)] * partial(i, j) * odot[i] for i in G.predecessors(j))
        odot[j] = 1.0 if (kind == "value" and j == node) else fp[j] * sdot
    if targets is not None:
        d = sum((o[k] - targets[k]) * odot[k] for k in R.outputs(G))
    else:
        d = odot[of if of is not None else R.outputs(G)[0]]
    return odot, d


def all_sources(G):
    out = []
    for u, v in G.edges:
        out.append((f"{u}->{v}", ("weight", None, ((u, v),))))
    for n in R.inputs(G):
        out.append((n, ("input", n, ())))
    for n in G:
        if G.nodes[n]["fn"] != "input":
            out.append((f"b:{n}", ("bias", n, ())))
            out.append((f"s:{n}", ("node", n, ())))
            out.append((f"o:{n}", ("value", n, ())))
    for p in G.graph.get("params", {}):
        out.append((p, ("param", None, tuple(e for e in G.edges if G.edges[e].get("param") == p))))
    return out


def backward_value(lab, ref, kind, node, edges, fp_node=None):
    """The backward sweep's value of the same derivative, from rojas's own labeling."""
    if kind in ("weight", "param"):
        return sum(lab.weight_grad[e] for e in edges)
    if kind in ("input", "bias", "node"):
        return float(np.sum(lab.delta[node]))
    return None


@pytest.mark.parametrize("seed", range(15))
def test_tangent_equals_reverse_mode_for_every_source(seed):
    G = config(seed)
    net = rojas.Network(G)
    x, t = R.random_inputs(seed, G), R.random_targets(seed + 1, G)
    lab = rojas.label(net, x, t)
    _, _, _, _, delta, grads = R.reverse_mode(G, x, t)
    for ref, (kind, node, edges) in all_sources(G):
        tg = rojas.tangent(lab, ref)
        mine_odot, mine = naive_tangent(G, x, (kind, node, edges), targets=t)
        # the same derivative as the backward sweep (rojas's own, and the reference's)
        back = backward_value(lab, None, kind, node, edges)
        if back is not None:
            assert close(tg.derivative, back), (seed, ref, tg.derivative, back)
        if kind in ("weight", "input", "bias", "param"):
            key = {"weight": ("weight", edges[0] if edges else None), "input": ("input", node),
                   "bias": ("bias", node), "param": ("param", ref)}[kind]
            expected = grads[key[0]][key[1]]
        elif kind == "node":
            expected = delta[node]
        else:
            expected = mine
        assert close(tg.derivative, expected, 1e-10, 1e-13), (seed, ref, tg.derivative, expected)
        assert close(mine, tg.derivative, 1e-10, 1e-13), (seed, ref, mine, tg.derivative)
        # every label of the tangent sweep
        assert set(map(str, tg)) == set(map(str, G.nodes))
        for n in G:
            assert close(tg[n], mine_odot[n], 1e-11, 1e-13), (seed, ref, n, tg[n], mine_odot[n])


@pytest.mark.parametrize("seed", [0, 2, 4, 7, 9])
def test_tangent_for_a_node_objective(seed):
    G = config(seed)
    net = rojas.Network(G)
    x = R.random_inputs(seed, G)
    units = sorted((n for n in G if G.nodes[n]["fn"] != "input"), key=str)
    of = units[seed % len(units)]
    lab = rojas.label(net, x, of=of)
    _, _, _, _, delta, grads = R.reverse_mode(G, x, None, of)
    for ref, (kind, node, edges) in all_sources(G):
        tg = rojas.tangent(lab, ref)
        odot, mine = naive_tangent(G, x, (kind, node, edges), of=of)
        assert close(tg.derivative, mine, 1e-10, 1e-13), (seed, ref, tg.derivative, mine)
        back = backward_value(lab, None, kind, node, edges)
        if back is not None:
            assert close(tg.derivative, back), (seed, ref, tg.derivative, back)


@pytest.mark.parametrize("seed", [1, 5, 8])
def test_tangent_over_a_batch(seed):
    G = config(seed)
    net = rojas.Network(G)
    B = 4
    xb, tb = R.random_inputs(seed, G, batch=B), R.random_targets(seed + 1, G, batch=B)
    lab = rojas.label(net, xb, tb)
    samples = [({n: v[b] for n, v in xb.items()}, {n: v[b] for n, v in tb.items()}) for b in range(B)]
    for ref, src in all_sources(G):
        tg = rojas.tangent(lab, ref)
        per = [naive_tangent(G, x, src, targets=t) for x, t in samples]
        want = math.fsum(d for _, d in per)
        assert close(tg.derivative, want, 1e-10, 1e-13), (seed, ref, tg.derivative, want)
        for n in G:
            got = np.asarray(tg[n], dtype=float)
            assert got.shape == (B,), (ref, n, got)
            for b in range(B):
                assert close(float(got[b]), per[b][0][n], 1e-11, 1e-13), (seed, ref, n, b)


def test_mazur_w1_by_hand():
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    h1 = sig(0.15 * 0.05 + 0.2 * 0.1 + 0.35)
    h2 = sig(0.25 * 0.05 + 0.3 * 0.1 + 0.35)
    o1 = sig(0.4 * h1 + 0.45 * h2 + 0.6)
    o2 = sig(0.5 * h1 + 0.55 * h2 + 0.6)
    hd = h1 * (1 - h1) * 0.05  # ∂h1/∂w1
    o1d, o2d = o1 * (1 - o1) * 0.4 * hd, o2 * (1 - o2) * 0.5 * hd
    tg = rojas.tangent(lab, "w1")
    assert close(tg["h1"], hd) and tg["h2"] == 0.0 and tg["i1"] == 0.0
    assert close(tg["o1"], o1d) and close(tg["o2"], o2d)
    want = (o1 - 0.01) * o1d + (o2 - 0.99) * o2d
    assert close(tg.derivative, want)
    assert abs(tg.derivative - 0.000438568) < 5e-10


def test_tangent_unknown_source_is_an_error():
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    with pytest.raises(rojas.RojasError):
        rojas.tangent(lab, "w99")


def test_a_tangent_result_reads_well():
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    t = rojas.tangent(lab, "w1")
    assert repr(t) == "<Tangents of w1: derivative 0.000438567734474, 6 nodes>"  # Mazur: 0.000438568
    text = str(t)
    assert "∂objective/∂w1 = 0.000438567734474" in text and "  h1: 0.0120650354" in text  # o_i1·f'(s_h1) = 0.05 · 0.241300709
    assert "| h1 |" in t._repr_markdown_()
