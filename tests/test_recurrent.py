"""Recurrent networks and backpropagation through time (Rojas §7.4.1).

Expected numbers come from recurrences written out in this file (a forward
loop over time and, for two networks, the backward BPTT loop by hand), from
central finite differences of those recurrences, and from central differences
of the objective computed again from scratch: the recurrent network changed,
unfolded again and evaluated by the forward sweep alone.  Nothing is copied
from the code's output.
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas import DataError, NetworkError

import reference as R

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FD_RTOL, FD_ATOL = 1e-6, 1e-8
EXACT = dict(rel=1e-12, abs=1e-13)


def sig(s):
    return 1.0 / (1.0 + np.exp(-s))


def central(fun, value):
    h = 1e-6 * max(1.0, abs(value))
    return (fun(value + h) - fun(value - h)) / (2 * h)


# --------------------------------------------------------------------------- one unit
def one_unit(u, w, b, fn="tanh"):
    G = nx.DiGraph(name="one unit")
    G.add_node("x", fn="input")
    G.add_node("h", fn=fn, bias=b)
    G.add_edge("x", "h", weight=u, name="u")
    G.add_edge("h", "h", weight=w, name="w", delay=1)
    return G


F = {"tanh": (np.tanh, lambda s: 1 - np.tanh(s) ** 2), "sigmoid": (sig, lambda s: sig(s) * (1 - sig(s)))}


def one_unit_by_hand(u, w, b, h0, xs, ys, fn="tanh"):
    """h_t = f(u·x_t + w·h_{t−1} + b), E = ½ Σ_t (h_t − y_t)² over the steps with a target.

    BPTT by hand: δ_t = f'(s_t)·[(h_t − y_t) + w·δ_{t+1}].
    """
    f, df = F[fn]
    T = len(xs)
    h, s = [h0], []
    for t in range(T):
        s.append(u * xs[t] + w * h[-1] + b)
        h.append(f(s[-1]))
    E = sum(0.5 * (h[t + 1] - ys[t]) ** 2 for t in range(T) if ys[t] is not None)
    delta = [0.0] * (T + 1)
    for t in reversed(range(T)):
        err = h[t + 1] - ys[t] if ys[t] is not None else 0.0
        delta[t] = df(s[t]) * (err + w * delta[t + 1])
    d = delta[:T]
    return {"E": E, "u": sum(d[t] * xs[t] for t in range(T)), "w": sum(d[t] * h[t] for t in range(T)),
            "b": sum(d), "h0": w * d[0], "x": [u * dt for dt in d], "delta": d}


@pytest.mark.parametrize("seed", range(8))
def test_one_unit_against_hand_bptt_and_finite_differences(seed):
    rng = np.random.default_rng(seed)
    T = int(rng.integers(1, 7))
    fn = ("tanh", "sigmoid")[seed % 2]
    u, w, b, h0 = (float(v) for v in rng.uniform(-1, 1, 4))
    xs = [float(v) for v in rng.uniform(-1, 1, T)]
    ys = [float(v) if rng.random() < 0.8 or t == T - 1 else None for t, v in enumerate(rng.uniform(-1, 1, T))]
    seq = {"inputs": {"x": xs}, "initial": {"h": h0}, "targets": {"h": ys}}
    net = rojas.unfold(one_unit(u, w, b, fn), data=seq)
    lab = rojas.label(net, *rojas.unfold_data(net, seq))
    g = rojas.fold_grad(lab)
    hand = one_unit_by_hand(u, w, b, h0, xs, ys, fn)
    assert lab.value == pytest.approx(hand["E"], **EXACT)
    assert lab.param_grad["u"] == pytest.approx(hand["u"], **EXACT)
    assert lab.param_grad["w"] == pytest.approx(hand["w"], **EXACT)
    assert lab.param_grad["b(h)"] == pytest.approx(hand["b"], **EXACT)
    assert g.weights[("x", "h")] == pytest.approx(hand["u"], **EXACT)
    assert g.weights[("h", "h")] == pytest.approx(hand["w"], **EXACT)
    assert g.biases["h"] == pytest.approx(hand["b"], **EXACT)
    assert g.initial["h"] == pytest.approx(hand["h0"], **EXACT)
    np.testing.assert_allclose(g.inputs["x"], hand["x"], rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(g.delta["h"], hand["delta"], rtol=1e-12, atol=1e-13)
    # ... and the hand-written BPTT against finite differences of the recurrence itself.
    E = lambda **kw: one_unit_by_hand(**{"u": u, "w": w, "b": b, "h0": h0, **kw}, xs=xs, ys=ys, fn=fn)["E"]
    for name, value, mine in (("u", u, g.weights[("x", "h")]), ("w", w, g.weights[("h", "h")]),
                              ("b", b, g.biases["h"]), ("h0", h0, g.initial["h"])):
        fd = central(lambda v: E(**{name: v}), value)
        assert abs(mine - fd) <= FD_ATOL + FD_RTOL * abs(fd), (name, mine, fd)


def test_one_unit_structure_ids_and_tied_params():
    net = rojas.unfold(one_unit(0.8, 0.5, 0.1), steps=3)
    assert net.inputs == ["h@0", "x@1", "x@2", "x@3"]  # no constant input: biases are tied params
    assert net.outputs == ["h@1", "h@2", "h@3"]         # h@1 and h@2 are outputs and feed the next step
    assert net.params == {"u": 0.8, "w": 0.5, "b(h)": 0.1}
    tied = {(a, b): net.edge_param(a, b) for a, b in net.edges}
    assert tied[("h@0", "h@1")] == tied[("h@1", "h@2")] == tied[("h@2", "h@3")] == "w"
    assert tied[("x@1", "h@1")] == tied[("x@3", "h@3")] == "u"
    assert len(tied) == 6
    assert [net.bias_param(n) for n in ("h@1", "h@2", "h@3")] == ["b(h)"] * 3
    assert net.edge_name("h@1", "h@2") == "w@2"
    assert not any(":out" in str(n) for n in net.nodes)
    # No output at the steps without a target; copies that reach no output are left out.
    seq = {"inputs": {"x": [1, 2, 3, 4]}, "targets": {"h": [None, 0.5, None, None]}}
    net = rojas.unfold(one_unit(0.8, 0.5, 0.1), data=seq)
    assert net.outputs == ["h@2"]
    assert "x@3" not in net and "h@3" not in net
    assert rojas.unfold_data(net, seq) == ({"h@0": 0.0, "x@1": 1.0, "x@2": 2.0}, {"h@2": 0.5})


def test_a_one_unit_elman_net_over_5_steps_has_11_nodes():
    """Lean unfolding: the inputs per step, one copy of the unit per step and the initial state."""
    net = rojas.unfold(rojas.load_recurrent(EXAMPLES / "recurrent_one_unit.json"), steps=5)
    roles = [net.to_networkx().nodes[n]["role"] for n in net.nodes]
    assert len(net.nodes) == 11
    assert (roles.count("input"), roles.count("unit"), roles.count("initial")) == (5, 5, 1)
    assert len(net.edges) == 10  # u·x_t into h_t, w·h_{t−1} into h_t
    assert net.outputs == [f"h@{t}" for t in range(1, 6)]


def reunfolded_E(G, seq, edge=None, node=None, state=None, value=None):
    """E of the recurrent DiGraph G with one weight, bias or initial state set to `value`.

    Straight from the definition: change the recurrent network (or the data), unfold it
    again and evaluate the unfolded network's objective; nothing of the gradient code.
    """
    G = G.copy()
    if edge is not None:
        G.edges[edge].pop("param", None)
        G.edges[edge]["weight"] = value
    if node is not None:
        G.nodes[node]["bias"] = value
    if state is not None:
        seq = {**seq, "initial": {**seq.get("initial", {}), state: value}}
    net = rojas.unfold(G, data=seq)
    return rojas.evaluate(net, *rojas.unfold_data(net, seq))


def assert_bptt_matches_central_differences(G, seq):
    net = rojas.unfold(G, data=seq)
    g = rojas.fold_grad(rojas.label(net, *rojas.unfold_data(net, seq)))
    rnet = rojas.Recurrent(G)
    checked = 0
    for e in rnet.edges:
        if "param" in G.edges[e]:
            continue
        w = rnet.weight(*e)
        fd = central(lambda v: reunfolded_E(G, seq, edge=e, value=v), w)
        assert abs(g.weights[e] - fd) <= FD_ATOL + FD_RTOL * abs(fd), (e, g.weights[e], fd)
        checked += 1
    for n in rnet.units:
        b = float(G.nodes[n].get("bias", 0.0))
        fd = central(lambda v: reunfolded_E(G, seq, node=n, value=v), b)
        assert abs(g.biases[n] - fd) <= FD_ATOL + FD_RTOL * abs(fd), (n, g.biases[n], fd)
        checked += 1
    for s in rnet.states:
        h0 = float(seq.get("initial", {}).get(s, 0.0))
        fd = central(lambda v: reunfolded_E(G, seq, state=s, value=v), h0)
        assert abs(g.initial[s] - fd) <= FD_ATOL + FD_RTOL * abs(fd), (s, g.initial[s], fd)
        checked += 1
    return checked


def test_bptt_against_central_differences_of_the_recurrent_examples():
    for name in ("recurrent_one_unit", "recurrent_elman"):
        G = rojas.load_recurrent(EXAMPLES / f"{name}.json").to_networkx()
        seq = json.loads((EXAMPLES / f"{name}.data.json").read_text())
        assert assert_bptt_matches_central_differences(G, seq) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_bptt_against_central_differences_on_random_recurrent_networks(seed):
    """Product units with biases included: every copy's bias is tied to one param, sum or product."""
    G = random_recurrent(seed)
    for n in G:
        if G.nodes[n]["fn"] != "input":
            G.nodes[n]["bias"] = 0.1 * (1 + len(str(n)) % 3)
    rnet = rojas.Recurrent(G)
    rng = np.random.default_rng(seed + 7)
    T = 3
    seq = {"inputs": {x: [float(v) for v in rng.uniform(-1, 1, T)] for x in rnet.inputs},
           "initial": {s: float(rng.uniform(-0.5, 0.5)) for s in rnet.states},
           "targets": {y: [float(v) for v in rng.uniform(-1, 1, T)] for y in rnet.outputs}}
    net = rojas.unfold(G, data=seq)
    assert all(net.bias_param(n) is not None for n in net.nodes if net.fn(n) != "input")
    assert assert_bptt_matches_central_differences(G, seq) > 0


# --------------------------------------------------------------------------- Elman
def elman(rng, n_in=2, n_h=3, n_out=2):
    A = rng.uniform(-1, 1, (n_h, n_in))   # A[j, i]: x_i -> h_j
    C = rng.uniform(-0.8, 0.8, (n_h, n_h))  # C[j, i]: h_i(t-1) -> h_j(t)
    V = rng.uniform(-1, 1, (n_out, n_h))  # V[k, j]: h_j -> y_k
    bh, by = rng.uniform(-0.3, 0.3, n_h), rng.uniform(-0.3, 0.3, n_out)
    G = nx.DiGraph(name="elman")
    xs, hs, ys = ([f"{p}{k}" for k in range(n)] for p, n in (("x", n_in), ("h", n_h), ("y", n_out)))
    G.add_nodes_from(xs, fn="input")
    for j, h in enumerate(hs):
        G.add_node(h, fn="tanh", bias=float(bh[j]))
    for k, y in enumerate(ys):
        G.add_node(y, fn="sigmoid", bias=float(by[k]))
    for j, h in enumerate(hs):
        for i, x in enumerate(xs):
            G.add_edge(x, h, weight=float(A[j, i]))
        for i, hi in enumerate(hs):
            G.add_edge(hi, h, weight=float(C[j, i]), delay=1)
    for k, y in enumerate(ys):
        for j, h in enumerate(hs):
            G.add_edge(h, y, weight=float(V[k, j]))
    return G, (A, C, V, bh, by), (xs, hs, ys)


def elman_by_hand(A, C, V, bh, by, h0, X, Y):
    """h_t = tanh(A x_t + C h_{t−1} + b_h), y_t = σ(V h_t + b_y), E = ½ Σ over given targets.

    X: (T, n_in); Y: (T, n_out) with NaN where there is no target.  BPTT by hand.
    """
    T = len(X)
    h, sh, sy, y = [h0], [], [], []
    for t in range(T):
        sh.append(A @ X[t] + C @ h[-1] + bh)
        h.append(np.tanh(sh[-1]))
        sy.append(V @ h[-1] + by)
        y.append(sig(sy[-1]))
    err = [np.where(np.isnan(Y[t]), 0.0, y[t] - np.nan_to_num(Y[t])) for t in range(T)]
    E = 0.5 * sum(np.sum(e ** 2) for e in err)
    dA, dC, dV = np.zeros_like(A), np.zeros_like(C), np.zeros_like(V)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    later = np.zeros_like(bh)  # C^T δh_{t+1}
    dh = [None] * T
    for t in reversed(range(T)):
        dy = sig(sy[t]) * (1 - sig(sy[t])) * err[t]
        dh[t] = (1 - np.tanh(sh[t]) ** 2) * (V.T @ dy + later)
        later = C.T @ dh[t]
        dA += np.outer(dh[t], X[t])
        dC += np.outer(dh[t], h[t])
        dV += np.outer(dy, h[t + 1])
        dbh += dh[t]
        dby += dy
    return {"E": E, "A": dA, "C": dC, "V": dV, "bh": dbh, "by": dby, "h0": later, "dh": dh}


@pytest.mark.parametrize("seed", range(4))
def test_elman_against_hand_bptt(seed):
    rng = np.random.default_rng(100 + seed)
    G, (A, C, V, bh, by), (xs, hs, ys) = elman(rng)
    T = 5
    X = rng.uniform(-1, 1, (T, len(xs)))
    Y = rng.uniform(0, 1, (T, len(ys)))
    Y[1, 0] = Y[3, :] = np.nan  # steps without a target for y0, for both
    h0 = rng.uniform(-0.5, 0.5, len(hs))
    seq = {"inputs": {x: X[:, i].tolist() for i, x in enumerate(xs)},
           "initial": {h: float(h0[j]) for j, h in enumerate(hs)},
           "targets": {y: [None if np.isnan(v) else float(v) for v in Y[:, k]] for k, y in enumerate(ys)}}
    net = rojas.unfold(G, data=seq)
    lab = rojas.label(net, *rojas.unfold_data(net, seq))
    g = rojas.fold_grad(lab)
    hand = elman_by_hand(A, C, V, bh, by, h0, X, Y)
    assert lab.value == pytest.approx(hand["E"], **EXACT)
    for j, h in enumerate(hs):
        for i, x in enumerate(xs):
            assert g.weights[(x, h)] == pytest.approx(hand["A"][j, i], **EXACT)
            assert lab.param_grad[f"{x}->{h}"] == pytest.approx(hand["A"][j, i], **EXACT)
        for i, hi in enumerate(hs):
            assert g.weights[(hi, h)] == pytest.approx(hand["C"][j, i], **EXACT)
        assert g.biases[h] == pytest.approx(hand["bh"][j], **EXACT)
        assert lab.param_grad[f"b({h})"] == pytest.approx(hand["bh"][j], **EXACT)
        assert g.initial[h] == pytest.approx(hand["h0"][j], **EXACT)
        np.testing.assert_allclose(g.delta[h], [d[j] for d in hand["dh"]], rtol=1e-12, atol=1e-13)
    for k, y in enumerate(ys):
        for j, h in enumerate(hs):
            assert g.weights[(h, y)] == pytest.approx(hand["V"][k, j], **EXACT)
        assert g.biases[y] == pytest.approx(hand["by"][k], **EXACT)
    assert "y0@2" not in net and "y1@4" not in net  # no target there: no output, left out


def test_a_batch_of_sequences_is_the_sum_of_the_sequences():
    rng = np.random.default_rng(5)
    G, (A, C, V, bh, by), (xs, hs, ys) = elman(rng, 1, 2, 1)
    T, B = 4, 3
    X = rng.uniform(-1, 1, (B, T, 1))
    Y = rng.uniform(0, 1, (B, T, 1))
    seq = {"inputs": {"x0": X[:, :, 0].T.tolist()},              # T lists of B numbers
           "initial": {"h0": [0.1, -0.2, 0.3]},
           "targets": {"y0": Y[:, :, 0].T.tolist()}}
    net = rojas.unfold(G, data=seq)
    lab = rojas.label(net, *rojas.unfold_data(net, seq))
    assert lab.batch_size == B
    g = rojas.fold_grad(lab)
    hands = [elman_by_hand(A, C, V, bh, by, np.array([[0.1, -0.2, 0.3][b], 0.0]), X[b], Y[b]) for b in range(B)]
    assert lab.value == pytest.approx(sum(h["E"] for h in hands), **EXACT)
    assert g.weights[("h1", "h0")] == pytest.approx(sum(h["C"][0, 1] for h in hands), **EXACT)
    assert g.biases["y0"] == pytest.approx(sum(h["by"][0] for h in hands), **EXACT)
    np.testing.assert_allclose(g.initial["h0"], [h["h0"][0] for h in hands], rtol=1e-12, atol=1e-13)


# --------------------------------------------------------------------------- random recurrent networks
def random_recurrent(seed):
    """A random DAG (tests/reference.py) plus random delayed edges, self-loops among them."""
    rng = np.random.default_rng(seed)
    G = R.random_network(seed, int(rng.integers(1, 3)), int(rng.integers(2, 5)), int(rng.integers(1, 3)),
                         p_skip=0.3, p_product=0.2, p_tied=0.2,
                         fns=("sigmoid", "tanh", "identity", "sin", "softplus"))
    units = [n for n in G if G.nodes[n]["fn"] != "input"]
    for _ in range(int(rng.integers(1, 5))):
        u = list(G)[int(rng.integers(len(G)))]
        v = units[int(rng.integers(len(units)))]
        if not G.has_edge(u, v):
            G.add_edge(u, v, weight=float(rng.uniform(-0.6, 0.6)), delay=1)
    if not any(d.get("delay") for _, _, d in G.edges(data=True)):
        G.add_edge(units[0], units[0], weight=0.4, delay=1)
    return G


def recurrence_by_hand(G, xs, initial, targets, T, weights=None, biases=None, h0=None):
    """Run a recurrent DiGraph step by step, straight from the definitions; return E.

    s_j(t) = Σ_{i→j, no delay} w_ij·o_i(t) + Σ_{i→j, delay} w_ij·o_i(t−1) + b_j (or the
    product of the terms for a product unit), o_j(t) = f_j(s_j(t)), o_i(0) the
    initial values (0 unless given), E = ½ Σ_t Σ_y (o_y(t) − target)².
    """
    w0, b0, _, _ = R.parameters(G)
    weights, biases = weights or w0, biases or b0
    h0 = {**{n: 0.0 for n in G}, **initial, **(h0 or {})}
    now = nx.DiGraph((u, v) for u, v, d in G.edges(data=True) if not d.get("delay"))
    now.add_nodes_from(G)
    order = list(nx.topological_sort(now))
    prev, E = dict(h0), 0.0
    for t in range(T):
        o = {}
        for j in order:
            if G.nodes[j]["fn"] == "input":
                o[j] = xs[j][t]
                continue
            terms = [weights[(i, j)] * (prev[i] if G.edges[i, j].get("delay") else o[i]) for i in G.predecessors(j)]
            s = math.prod(terms) if G.nodes[j].get("combine") == "product" else sum(terms)
            o[j] = R.PRIMITIVES[G.nodes[j]["fn"]][0](s + biases[j])
        for y, series in targets.items():
            if series[t] is not None:
                E += 0.5 * (o[y] - series[t]) ** 2
        prev = o
    return E


@pytest.mark.parametrize("seed", range(10))
def test_random_recurrent_networks_against_the_recurrence_and_the_unfolded_graph(seed):
    G = random_recurrent(seed)
    rnet = rojas.Recurrent(G)
    rng = np.random.default_rng(seed + 50)
    T = int(rng.integers(1, 5))
    xs = {x: [float(v) for v in rng.uniform(-1, 1, T)] for x in rnet.inputs}
    initial = {s: float(rng.uniform(-0.5, 0.5)) for s in rnet.states}
    targets = {y: [float(v) if rng.random() < 0.8 else None for v in rng.uniform(-1, 1, T)]
               for y in rnet.outputs}
    targets[rnet.outputs[0]][-1] = 0.25
    seq = {"inputs": xs, "initial": initial, "targets": targets}
    net = rojas.unfold(G, data=seq)
    x, t = rojas.unfold_data(net, seq)
    lab = rojas.label(net, x, t)
    g = rojas.fold_grad(lab)

    E = lambda **kw: recurrence_by_hand(G, xs, initial, targets, T, **kw)
    assert lab.value == pytest.approx(E(), rel=1e-12, abs=1e-13)
    weights, biases, params, ties = R.parameters(G)
    for e, value in weights.items():
        if ties[e] is None:
            fd = central(lambda v: E(weights={**weights, e: v}), value)
            assert abs(g.weights[e] - fd) <= FD_ATOL + FD_RTOL * abs(fd), (e, g.weights[e], fd)
    for p, value in params.items():
        fd = central(lambda v: E(weights={e: (v if ties[e] == p else w) for e, w in weights.items()}), value)
        assert abs(g.params[p] - fd) <= FD_ATOL + FD_RTOL * abs(fd), (p, g.params[p], fd)
    for n, value in biases.items():
        fd = central(lambda v: E(biases={**biases, n: v}), value)
        assert abs(g.biases[n] - fd) <= FD_ATOL + FD_RTOL * abs(fd), (n, g.biases[n], fd)
    for s, value in initial.items():
        fd = central(lambda v: E(h0={s: v}), value)
        assert abs(g.initial[s] - fd) <= FD_ATOL + FD_RTOL * abs(fd), (s, g.initial[s], fd)

    # Central differences through the unfolded network's forward sweep: each tied param
    # (edge weights and biases alike) moved in all its copies at once.
    for p, value in net.params.items():
        fd = central(lambda v: rojas.evaluate(net, x, t, params={p: v}), value)
        assert abs(lab.param_grad[p] - fd) <= FD_ATOL + FD_RTOL * abs(fd), p


def test_a_param_of_the_file_stays_tied_across_copies_and_edges():
    G = nx.DiGraph(params={"p": 0.6})
    G.add_node("x", fn="input")
    G.add_node("h", fn="tanh")
    G.add_node("y", fn="sigmoid", bias=0.2)
    G.add_edge("x", "h", param="p", name="a")
    G.add_edge("y", "h", param="p", delay=1)          # Jordan-style: the output fed back
    G.add_edge("x", "y", weight=0.3, delay=1)         # the previous input
    G.add_edge("h", "y", weight=-0.9)
    xs, initial, targets = {"x": [0.5, -1.0, 0.25]}, {"y": 0.4, "x": -0.3}, {"y": [0.1, 0.7, 0.3]}
    seq = {"inputs": xs, "initial": initial, "targets": targets}
    net = rojas.unfold(G, data=seq)
    assert {net.edge_param(a, b) for a, b in net.edges if net.to_networkx().nodes[b].get("unit") == "h"} == {"p"}
    assert net.outputs == ["y@1", "y@2", "y@3"]  # y@1 and y@2 also feed the next step
    assert set(net.params) == {"p", "x->y", "h->y", "b(y)"}
    lab = rojas.label(net, *rojas.unfold_data(net, seq))
    g = rojas.fold_grad(lab)
    E = lambda p: recurrence_by_hand(G, xs, initial, targets, 3, weights={
        ("x", "h"): p, ("y", "h"): p, ("x", "y"): 0.3, ("h", "y"): -0.9})
    fd = central(E, 0.6)
    assert abs(g.params["p"] - fd) <= FD_ATOL + FD_RTOL * abs(fd)
    assert g.params["p"] == pytest.approx(g.weights[("x", "h")] + g.weights[("y", "h")], rel=1e-12)
    fd_x0 = central(lambda v: recurrence_by_hand(G, xs, {**initial, "x": v}, targets, 3), -0.3)
    assert abs(g.initial["x"] - fd_x0) <= FD_ATOL + FD_RTOL * abs(fd_x0)


# --------------------------------------------------------------------------- refusals
def doc(nodes, edges, graph=None):
    return {"directed": True, "multigraph": False, "graph": graph or {},
            "nodes": [{"id": n, "fn": fn} for n, fn in nodes],
            "edges": [{"source": u, "target": v, "weight": 0.5, **extra} for u, v, extra in edges]}


XAB = [("x", "input"), ("a", "tanh"), ("b", "tanh")]
BAD_NETWORKS = {
    "cycle without delay": (doc(XAB, [("x", "a", {}), ("a", "b", {}), ("b", "a", {})]),
                            r"the network has a cycle: 'a' -> 'b' -> 'a'"),
    "self-loop without delay": (doc(XAB, [("x", "a", {}), ("a", "a", {}), ("a", "b", {})]),
                                r"edge 'a'->'a' is a self-loop"),
    "delay 2": (doc(XAB, [("x", "a", {}), ("a", "b", {}), ("b", "a", {"delay": 2})]),
                r"edge 'b'->'a'.*'delay' must be 0 or 1 .* got 2"),
    "delay into an input": (doc(XAB, [("x", "a", {}), ("a", "b", {}), ("b", "x", {"delay": 1})]),
                            r"input node 'x' has an incoming edge 'b\(t-1\)'->'x'"),
    "delayed edge to an unknown node": (doc(XAB, [("x", "a", {}), ("a", "b", {}), ("b", "z", {"delay": 1})]),
                                        r"edge 'b\(t-1\)'->'z' goes to unknown node 'z'"),
    "pair twice": (doc(XAB, [("x", "a", {}), ("a", "b", {}), ("a", "b", {"delay": 1})]),
                   r"edge 'a'->'b' \(delayed\) appears twice"),
    "delayed weight not finite": (doc(XAB, [("x", "a", {}), ("a", "b", {}), ("b", "a", {"delay": 1, "weight": "0.5"})]),
                                  r"edge 'b\(t-1\)'->'a': weight must be a number"),
    # the network's own edge checks see the delayed edges too (drawn from a stand-in "u(t-1)")
    "delayed edge with weight and param": (doc(XAB, [("x", "a", {}), ("a", "b", {}), ("b", "a", {"delay": 1, "param": "q"})]),
                                           r"edge 'b\(t-1\)'->'a' has both 'weight' and 'param'"),
    "delayed edge name used twice": (doc(XAB, [("x", "a", {"name": "w"}), ("a", "b", {}),
                                               ("b", "a", {"delay": 1, "name": "w"})]),
                                     r"edge name 'w' is used by edge 'x'->'a' and edge 'b\(t-1\)'->'a'"),
    "outputs not units": (doc(XAB, [("x", "a", {}), ("a", "b", {})], {"outputs": ["x"]}),
                          r"graph field 'outputs': 'x' is not a unit"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(BAD_NETWORKS))
def test_bad_recurrent_networks_are_refused(case, tmp_path):
    data, message = BAD_NETWORKS[case]
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    with pytest.raises(NetworkError, match=message):
        rojas.load_recurrent(path)
    proc = subprocess.run([sys.executable, "-m", "rojas", "unfold", str(path), "--steps", "3"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]) and str(path) in lines[0], proc.stderr


def test_a_cycle_through_a_delayed_edge_is_fine_and_the_engine_still_refuses_the_file():
    data = doc(XAB, [("x", "a", {}), ("a", "b", {}), ("b", "a", {"delay": 1})])
    G = rojas.Recurrent.from_dict(data).to_networkx()
    assert G.edges["b", "a"]["delay"] == 1
    with pytest.raises(NetworkError, match="rojas unfold"):
        rojas.Network(G)
    net = rojas.unfold(G, steps=2)
    assert nx.is_directed_acyclic_graph(net.to_networkx())
    assert net.to_networkx().has_edge("b@1", "a@2")


def test_param_names_that_clash_are_refused():
    G = nx.DiGraph(params={"w": 1.0})
    G.add_node("x", fn="input")
    G.add_node("h", fn="tanh")
    G.add_edge("x", "h", weight=0.5, name="w")
    G.add_edge("h", "h", param="w", delay=1)
    # Since params may not share a name with an edge at all (issue 14), the load refuses it first.
    with pytest.raises(NetworkError, match=r"param 'w' is also the name of edge 'x'->'h'"):
        rojas.unfold(G, steps=2)


BAD_DATA = {
    "lengths": ({"inputs": {"x": [1, 2, 3]}, "targets": {"h": [1, 2]}}, r"target 'h' has 2 steps, input 'x' has 3"),
    "unknown input": ({"inputs": {"x": [1, 2], "z": [1, 2]}}, r"inputs: 'z' is not an input"),
    "target on a non-output": ({"inputs": {"x": [1, 2]}, "targets": {"x": [1, 2]}}, r"targets: 'x' is not an output"),
    "initial on a non-state": ({"inputs": {"x": [1, 2]}, "initial": {"x": 1}}, r"initial: 'x' is not a source"),
    "missing input": ({"inputs": {}, "targets": {"h": [1, 2]}}, r"no sequence for input node 'x'"),
    "not a number": ({"inputs": {"x": [1, "a"]}}, r"input 'x' at step 2 must be a number"),
    "unknown field": ({"inputs": {"x": [1, 2]}, "target": {}}, r"unknown field 'target'"),
    "steps disagree": ({"inputs": {"x": [1, 2, 3]}}, r"the sequences have 3 steps, but 2 steps were asked for"),
}


@pytest.mark.parametrize("case", list(BAD_DATA))
def test_bad_sequence_data_is_refused(case):
    data, message = BAD_DATA[case]
    with pytest.raises(DataError, match=message):
        rojas.unfold(one_unit(0.5, 0.5, 0.0), steps=2 if case == "steps disagree" else None, data=data)


def test_data_that_does_not_fit_an_unfolded_network():
    net = rojas.unfold(one_unit(0.5, 0.5, 0.0), steps=3)  # outputs at every step
    with pytest.raises(DataError, match=r"no target for output 'h' at step 2, but the unfolded network has its "
                                        r"output 'h@2'"):
        rojas.unfold_data(net, {"inputs": {"x": [1, 2, 3]}, "targets": {"h": [1, None, 3]}})
    sparse = rojas.unfold(one_unit(0.5, 0.5, 0.0), data={"inputs": {"x": [1, 2, 3]}, "targets": {"h": [None, None, 3]}})
    with pytest.raises(DataError, match=r"output 'h' has a target at step 1, but the unfolded network has no output"):
        rojas.unfold_data(sparse, {"inputs": {"x": [1, 2, 3]}, "targets": {"h": [1, None, 3]}})
    with pytest.raises(DataError, match=r"is not an unfolded recurrent network"):
        rojas.unfold_data(rojas.load(rojas.example_path("mazur")), {"inputs": {}})
    with pytest.raises(DataError, match=r"steps must be a positive integer, got 0"):
        rojas.unfold(one_unit(0.5, 0.5, 0.0), steps=0)


# --------------------------------------------------------------------------- files and the command line
@pytest.mark.slow
def test_cli_unfold_then_grad_on_the_example(tmp_path):
    """The issue's example: one recurrent unit over 5 steps, through the command line."""
    out, data_out = tmp_path / "u.json", tmp_path / "u.data.json"
    proc = subprocess.run([sys.executable, "-m", "rojas", "unfold", str(EXAMPLES / "recurrent_one_unit.json"),
                           "--steps", "5", "-o", str(out), "--data", str(EXAMPLES / "recurrent_one_unit.data.json")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert data_out.exists() and f"wrote {data_out}" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "rojas", "grad", str(out), "--data", str(data_out), "--json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    labels = json.loads(proc.stdout)
    spec = json.loads((EXAMPLES / "recurrent_one_unit.json").read_text())
    seq = json.loads((EXAMPLES / "recurrent_one_unit.data.json").read_text())
    weight = {e["name"]: e["weight"] for e in spec["edges"]}
    hand = one_unit_by_hand(weight["u"], weight["w"], spec["nodes"][1]["bias"], seq["initial"]["h"],
                            seq["inputs"]["x"], seq["targets"]["h"])
    assert len(seq["inputs"]["x"]) == 5
    assert labels["value"] == pytest.approx(hand["E"], **EXACT)
    assert labels["params"]["u"] == pytest.approx(hand["u"], **EXACT)
    assert labels["params"]["w"] == pytest.approx(hand["w"], **EXACT)
    assert labels["params"]["b(h)"] == pytest.approx(hand["b"], **EXACT)
    assert labels["inputs"]["h@0"] == pytest.approx(hand["h0"], **EXACT)
    # The saved unfolded network still folds back.
    net = rojas.load(out)
    inputs, targets = rojas.load_data(data_out)
    g = rojas.fold_grad(rojas.label(net, inputs, targets))
    assert g.weights[("h", "h")] == pytest.approx(hand["w"], **EXACT)


@pytest.mark.slow
def test_cli_unfold_elman_example_and_errors(tmp_path):
    out = tmp_path / "e.json"
    proc = subprocess.run([sys.executable, "-m", "rojas", "unfold", str(EXAMPLES / "recurrent_elman.json"),
                           "-o", str(out), "--data", str(EXAMPLES / "recurrent_elman.data.json"),
                           "--data-out", str(tmp_path / "d.json")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "h1->h2" in proc.stdout and "∂E/∂h_0" in proc.stdout
    spec = json.loads((EXAMPLES / "recurrent_elman.json").read_text())
    seq = json.loads((EXAMPLES / "recurrent_elman.data.json").read_text())
    w = {(e["source"], e["target"]): e["weight"] for e in spec["edges"]}
    b = {n["id"]: n.get("bias", 0.0) for n in spec["nodes"]}
    A = np.array([[w[("x1", "h1")], w[("x2", "h1")]], [w[("x1", "h2")], w[("x2", "h2")]]])
    C = np.array([[w[("h1", "h1")], w[("h2", "h1")]], [w[("h1", "h2")], w[("h2", "h2")]]])
    V = np.array([[w[("h1", "y")], w[("h2", "y")]]])
    X = np.array([seq["inputs"]["x1"], seq["inputs"]["x2"]]).T
    Y = np.array([[np.nan if v is None else v] for v in seq["targets"]["y"]])
    hand = elman_by_hand(A, C, V, np.array([b["h1"], b["h2"]]), np.array([b["y"]]), np.zeros(2), X, Y)
    lab = rojas.label(rojas.load(out), *rojas.load_data(tmp_path / "d.json"))
    assert lab.param_grad["c21"] == pytest.approx(hand["C"][0, 1], **EXACT)
    assert lab.param_grad["b(h2)"] == pytest.approx(hand["bh"][1], **EXACT)
    # usage errors: one line, exit 2
    for args, message in ((["--steps", "3", "--data-out", "d.json"], "--data-out needs --data"),
                          ([], "give --steps T"),
                          (["--data", str(EXAMPLES / "recurrent_elman.data.json")], "give --data-out"),
                          (["--steps", "0"], "steps must be a positive integer")):
        proc = subprocess.run([sys.executable, "-m", "rojas", "unfold", str(EXAMPLES / "recurrent_elman.json"), *args],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, args


def test_recurrent_network_round_trips_through_its_file(tmp_path):
    rnet = rojas.load_recurrent(EXAMPLES / "recurrent_elman.json")
    assert rnet.states == ["h1", "h2"] and rnet.outputs == ["y"] and rnet.inputs == ["x1", "x2"]
    again = rojas.load_recurrent(rnet.save(tmp_path / "r.json"))
    assert again.to_dict() == rnet.to_dict()
    assert [(e["source"], e["target"]) for e in again.to_dict()["edges"]] == \
        [(e["source"], e["target"]) for e in json.loads((EXAMPLES / "recurrent_elman.json").read_text())["edges"]]
    assert again.delay("h2", "h1") == 1 and again.delay("h1", "y") == 0


# --------------------------------------------------------------------------- bounded inputs, safe outputs
def run_unfold(*args, env=None, timeout=120):
    import os

    return subprocess.run([sys.executable, "-m", "rojas", "unfold", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def one_line_exit_2(proc, *needles):
    lines = proc.stderr.strip().splitlines()
    return proc.returncode == 2 and len(lines) == 1 and all(n in lines[0] for n in needles) \
        and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_billion_steps_are_refused_before_anything_is_built():
    net = EXAMPLES / "recurrent_one_unit.json"
    # x, h and the edges x->h, h->h: 4 nodes + edges a step, plus the initial state h@0
    proc = run_unfold(net, "--steps", 1_000_000_000, timeout=60)
    assert one_line_exit_2(proc, "1000000000 steps", str(4 * 1_000_000_000 + 1), "1000000",
                           "--max-size", "ROJAS_MAX_UNFOLDED"), proc.stderr
    proc = run_unfold(net, "--steps", 1000, "--max-size", 3000, timeout=60)
    assert one_line_exit_2(proc, "4001", "limit of 3000"), proc.stderr
    proc = run_unfold(net, "--steps", 1000, env={"ROJAS_MAX_UNFOLDED": "3000"}, timeout=60)
    assert one_line_exit_2(proc, "4001", "limit of 3000"), proc.stderr
    assert run_unfold(net, "--steps", 1000, "--max-size", 4001, timeout=60).returncode == 0
    assert one_line_exit_2(run_unfold(net, "--steps", 3, "--max-size", 0, timeout=60), "--max-size", "positive")
    proc = run_unfold(net, "--steps", 3, env={"ROJAS_MAX_UNFOLDED": "lots"}, timeout=60)
    assert one_line_exit_2(proc, "ROJAS_MAX_UNFOLDED", "'lots'", "integer"), proc.stderr
    with pytest.raises(DataError, match=r"over 5 steps makes 21 nodes and edges .* limit of 20"):
        rojas.unfold(rojas.load_recurrent(net), steps=5, max_size=20)


@pytest.mark.slow
def test_a_long_sequence_file_is_refused_by_its_length(tmp_path):
    seq = tmp_path / "long.json"
    seq.write_text(json.dumps({"inputs": {"x": [0.5] * 300_000}, "targets": {"h": [0.1] * 300_000}}))
    proc = run_unfold(EXAMPLES / "recurrent_one_unit.json", "--data", seq, "-o", tmp_path / "u.json", timeout=120)
    assert one_line_exit_2(proc, "300000 steps", str(4 * 300_000 + 1), "--max-size"), proc.stderr
    assert not (tmp_path / "u.json").exists() and not (tmp_path / "u.data.json").exists()


@pytest.mark.slow
def test_outputs_never_overwrite_what_unfold_reads(tmp_path):
    import shutil

    net, seq = tmp_path / "r.json", tmp_path / "seq.data.json"
    shutil.copy(EXAMPLES / "recurrent_one_unit.json", net)
    shutil.copy(EXAMPLES / "recurrent_one_unit.data.json", seq)
    before = {p: p.read_bytes() for p in (net, seq)}
    link = tmp_path / "link.json"
    link.symlink_to(net)
    cases = [
        (["--steps", 3, "-o", net], ["-o", "NET"]),
        (["--steps", 3, "-o", link], ["-o", "NET"]),                       # a symlink to NET
        (["--data", seq, "-o", tmp_path / "seq.json"], ["derived from -o", "--data", "--data-out"]),
        (["--data", seq, "-o", tmp_path / "u.json", "--data-out", tmp_path / "u.json"], ["--data-out", "-o"]),
        (["--data", seq, "-o", tmp_path / "u.json", "--data-out", net], ["--data-out", "NET"]),
        (["--data", seq, "-o", tmp_path / "u.json", "--data-out", seq], ["--data-out", "--data"]),
        (["--data", seq, "-o", seq], ["-o", "--data"]),
        (["--data", seq, "--data-out", tmp_path / "d.json", "-o", tmp_path / "d.json"], ["--data-out", "-o"]),
    ]
    for args, needles in cases:
        proc = run_unfold(net, *args)
        assert one_line_exit_2(proc, *needles), (args, proc.stderr)
    assert {p: p.read_bytes() for p in (net, seq)} == before
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "r.json", "seq.data.json"]
    # The derived name is fine when it collides with nothing.
    proc = run_unfold(net, "--data", seq, "-o", tmp_path / "u.json")
    assert proc.returncode == 0 and (tmp_path / "u.data.json").exists(), proc.stderr


@pytest.mark.slow
def test_unfolding_a_long_sequence_is_linear(tmp_path):
    """50,000 steps of the one-unit net: a 100,001-node unfolded network, its data and gradients.

    No timing assertion (performance lives in benchmarks/); the timeout only bounds a hang,
    which a quadratic step at this size would be.  The numbers: h_t = tanh(u·x + w·h_{t−1} + b)
    with a constant x converges to the fixed point h* = tanh(u·x + w·h* + b), and the
    gradient of E = ½ (h_T − y)² is checked against the hand-written BPTT of this file.
    """
    T = 50_000
    spec = json.loads((EXAMPLES / "recurrent_one_unit.json").read_text())
    seq = {"inputs": {"x": [0.5] * T}, "initial": {"h": 0.0}, "targets": {"h": [None] * (T - 1) + [0.25]}}
    (tmp_path / "seq.json").write_text(json.dumps(seq))
    proc = run_unfold(EXAMPLES / "recurrent_one_unit.json", "--data", tmp_path / "seq.json",
                      "-o", tmp_path / "u.json", timeout=600)
    assert proc.returncode == 0, proc.stderr
    net = rojas.load(tmp_path / "u.json")
    assert len(net.nodes) == 2 * T + 1  # T inputs, T units and h@0
    lab = rojas.label(net, *rojas.load_data(tmp_path / "u.data.json"))
    g = rojas.fold_grad(lab)
    weight = {e["name"]: e["weight"] for e in spec["edges"]}
    hand = one_unit_by_hand(weight["u"], weight["w"], spec["nodes"][1]["bias"], 0.0, seq["inputs"]["x"],
                            seq["targets"]["h"])
    assert lab.value == pytest.approx(hand["E"], rel=1e-10, abs=1e-14)
    assert g.weights[("h", "h")] == pytest.approx(hand["w"], rel=1e-9, abs=1e-14)
    assert g.biases["h"] == pytest.approx(hand["b"], rel=1e-9, abs=1e-14)


def test_unknown_fields_of_a_recurrent_file_are_warned_about_once(tmp_path):
    """The network's validator reads the whole file once for its warnings (delayed edges included)."""
    import warnings

    data = json.loads((EXAMPLES / "recurrent_one_unit.json").read_text())
    data["nodes"][1]["colour"] = "red"
    data["edges"][1]["foo"] = 1  # on the delayed edge
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rojas.unfold(rojas.load_recurrent(path), steps=2)
    messages = sorted(str(w.message) for w in caught if issubclass(w.category, rojas.RojasWarning))
    assert len(messages) == 2, messages
    assert "unknown edge field 'foo'" in messages[0] and "unknown node field 'colour'" in messages[1]
