"""Independent tests of rojas.proof.paths: every path, its factors, its product, and exact counts.

Every expected number here is computed without rojas: the paths by a plain
depth-first enumeration written below, the factors from the naive forward pass
of ``tests/reference.py`` (values o, stored derivatives f'(s), weights, the
product-unit partials), the derivatives from its per-node reverse sweep, and
the counts from closed forms (2^n for a chain of n diamonds, products of layer
widths for a complete layered net) or brute-force enumeration.
"""

import json
import math
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas.proof.paths import count_paths, path_counts, path_sum, resolve_source

import reference as R

RTOL = 1e-12


# ----------------------------------------------------------------------------- helpers
def close(a, b, rtol=RTOL, atol=1e-14):
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def dfs_paths(G, start, ends):
    """Every path (list of nodes) from `start` to a node of `ends`, by an explicit-stack DFS."""
    found, stack = [], [[start]]
    while stack:
        path = stack.pop()
        if path[-1] in ends:
            found.append(path)
        for m in G.successors(path[-1]):
            stack.append(path + [m])
    return found


def dfs_count(G, start, ends):
    return len(dfs_paths(G, start, ends))


class Ref:
    """The labels of one sample computed by tests/reference.py, and the path factors built from them."""

    def __init__(self, G, x, targets=None, of=None):
        self.G, self.targets, self.of = G, targets, of
        self.s, self.o = R.forward(G, x)
        self.fp = {n: R.PRIMITIVES[G.nodes[n]["fn"]][1](self.s[n]) for n in self.s}
        self.w, self.b, self.params, self.ties = R.parameters(G)
        value, _, _, _, self.delta, self.grads = R.reverse_mode(G, x, targets, of)

    def product(self, j):
        return self.G.nodes[j].get("combine", "sum") == "product"

    def partial(self, i, j):
        """d s_j / d (w_ij o_i): the product of j's other terms (product unit), else 1."""
        if not self.product(j):
            return 1.0
        p = 1.0
        for k in self.G.predecessors(j):
            if k != i:
                p *= self.w[(k, j)] * self.o[k]
        return p

    def edge_factors(self, a, b):
        return [self.w[(a, b)]] + ([self.partial(a, b)] if self.product(b) else []) + [self.fp[b]]

    def ends(self):
        return set(R.outputs(self.G)) if self.targets is not None else {self.of}

    def factors(self, kind, path, first_edge=None):
        """The factors of one path (nodes from where the source enters to the end)."""
        f = []
        if kind == "weight":
            u, v = first_edge
            f += [self.o[u]] + ([self.partial(u, v)] if self.product(v) else []) + [self.fp[v]]
        elif kind in ("node", "bias"):
            f.append(self.fp[path[0]])
        for a, b in zip(path, path[1:]):
            f += self.edge_factors(a, b)
        if self.targets is not None:
            k = path[-1]
            f.append(self.o[k] - self.targets[k])
        return f

    def expected(self, kind, node=None, edges=()):
        """[(nodes, factors)] for every path from the source, enumerated here."""
        out = []
        ends = self.ends()
        tail = ["E"] if self.targets is not None else []
        if edges:
            for u, v in edges:
                for p in dfs_paths(self.G, v, ends):
                    out.append(([u] + p + tail, self.factors("weight", p, (u, v))))
        else:
            for p in dfs_paths(self.G, node, ends):
                out.append((p + tail, self.factors(kind, p)))
        return out

    def value_grad(self, j):
        """d objective / d o_j: what arrives at j's right half."""
        arriving = 0.0
        if self.targets is not None and j in self.targets:
            arriving += self.o[j] - self.targets[j]
        if self.of == j:
            arriving += 1.0
        for k in self.G.successors(j):
            arriving += self.w[(j, k)] * self.partial(j, k) * self.delta[k]
        return arriving


def sources(G):
    """(reference string, kind, node, edges, grad key) for every source of `G`."""
    out = []
    for u, v in G.edges:
        out.append((f"{u}->{v}", "weight", None, ((u, v),), ("weight", (u, v))))
    for n in R.inputs(G):
        out.append((n, "input", n, (), ("input", n)))
    for n in G:
        if G.nodes[n]["fn"] != "input":
            out.append((f"b:{n}", "bias", n, (), ("bias", n)))
            out.append((f"s:{n}", "node", n, (), ("delta", n)))
            out.append((f"o:{n}", "value", n, (), ("value", n)))
    for p in G.graph.get("params", {}):
        edges = tuple(e for e in G.edges if G.edges[e].get("param") == p)
        if edges:  # an unused param is tested on its own below
            out.append((p, "param", None, edges, ("param", p)))
    return out


def expected_grad(ref, key):
    what, k = key
    if what == "delta":
        return ref.delta[k]
    if what == "value":
        return ref.value_grad(k)
    return ref.grads[what][k]


def config(seed):
    """A seeded random DAG: skip edges, product units, tied params, 1–3 outputs."""
    rng = np.random.default_rng(7000 + seed)
    n_in = int(rng.integers(1, 4))
    n_hidden = int(rng.integers(3, 8))
    n_out = int(rng.integers(1, 4)) if seed % 3 else 2
    return R.random_network(seed, n_in, n_hidden, n_out, p_skip=0.35, p_product=0.3, p_tied=0.3,
                            fns=("sigmoid", "tanh", "identity", "sin", "softplus", "gaussian"),
                            n_layers=2 + seed % 2, int_ids=(seed % 5 == 4))


def key(nodes):
    return tuple(str(n) for n in nodes)


def check_path_sum(ps, expected, grad, what):
    got = {key(p["nodes"]): p for p in ps.paths}
    assert len(got) == len(ps.paths), f"{what}: a path listed twice"
    want = {key(nodes): factors for nodes, factors in expected}
    assert set(got) == set(want), f"{what}: paths differ: {set(got) ^ set(want)}"
    assert ps.count == len(want), what
    for k, factors in want.items():
        p = got[k]
        values = [float(np.sum(v)) for _, v in p["factors"]]
        assert len(values) == len(factors), (what, k, p["factors"], factors)
        for a, b in zip(sorted(values), sorted(factors)):
            assert close(a, b), (what, k, p["factors"], factors)
        assert close(p["product"], math.prod(factors)), (what, k, p["product"], math.prod(factors))
        # the product listed is the product of the factors listed
        assert close(p["product"], math.prod(values)), (what, k)
    mine = math.fsum(math.prod(f) for f in want.values())
    assert close(mine, grad, 1e-10, 1e-13), f"{what}: my own path sum {mine} vs reverse sweep {grad}"
    assert close(ps.total, grad, 1e-10, 1e-13), f"{what}: sum {ps.total} vs reference {grad}"
    assert close(ps.backprop, grad, 1e-10, 1e-13), f"{what}: backprop {ps.backprop} vs reference {grad}"
    assert abs(ps.difference - (ps.total - ps.backprop)) <= 1e-18


SEEDS = range(15)


@pytest.mark.parametrize("seed", SEEDS)
def test_path_sums_on_random_dags_every_source(seed):
    G = config(seed)
    net = rojas.Network(G)
    x, t = R.random_inputs(seed, G), R.random_targets(seed + 100, G)
    lab = rojas.label(net, x, t)
    ref = Ref(G, x, t)
    srcs = sources(G)
    assert any(kind == "param" for _, kind, *_ in srcs) or not any("param" in G.edges[e] for e in G.edges)
    for ref_str, kind, node, edges, gkey in srcs:
        ps = path_sum(lab, ref_str)
        expected = ref.expected(kind, node, edges)
        check_path_sum(ps, expected, expected_grad(ref, gkey), f"seed {seed}, {ref_str}")
        assert str(ps.target) == "E"
        if kind in ("weight", "param"):
            # for a weight the path starts with o_i (∂s_j/∂w_ij)
            for p in ps.paths:
                assert close(float(p["factors"][0][1]), ref.o[p["nodes"][0]])
        for p in ps.paths:  # and ends with the error node's (o − t)
            k = p["nodes"][-2]
            assert close(float(p["factors"][-1][1]), ref.o[k] - t[k])


@pytest.mark.parametrize("seed", SEEDS)
def test_every_delta_is_the_sum_over_the_paths_below_its_unit(seed):
    G = config(seed)
    net = rojas.Network(G)
    x, t = R.random_inputs(seed, G), R.random_targets(seed + 100, G)
    lab = rojas.label(net, x, t)
    ref = Ref(G, x, t)
    ends = set(R.outputs(G))
    e0 = next(iter(G.edges))
    ps = path_sum(lab, f"{e0[0]}->{e0[1]}")
    stands_for = dict(ps.deltas)
    assert set(map(str, stands_for)) == set(map(str, G.nodes))
    for n in G:
        paths = dfs_paths(G, n, ends)
        assert stands_for[n] == len(paths), (n, stands_for[n], len(paths))
        kind = "input" if G.nodes[n]["fn"] == "input" else "node"
        mine = math.fsum(math.prod(ref.factors(kind, p)) for p in paths)
        assert close(lab.delta[n], mine, 1e-10, 1e-13), (n, lab.delta[n], mine)


@pytest.mark.parametrize("seed", [0, 3, 5, 8, 11])
def test_paths_to_a_chosen_node(seed):
    """--to NODE: paths end at the node (no (o − t) factor), the derivative of its value."""
    G = config(seed)
    net = rojas.Network(G)
    x = R.random_inputs(seed, G)
    units = sorted((n for n in G if G.nodes[n]["fn"] != "input"), key=str)
    for to in (units[seed % len(units)], units[-1]):
        lab = rojas.label(net, x, of=to)
        ref = Ref(G, x, None, to)
        for ref_str, kind, node, edges, gkey in sources(G):
            expected = ref.expected(kind, node, edges)
            grad = expected_grad(ref, gkey)
            for ps in (path_sum(lab, ref_str, to=to), path_sum(lab, ref_str)):
                check_path_sum(ps, expected, grad, f"seed {seed}, {ref_str} to {to}")
                assert str(ps.target) == str(to)
                for p in ps.paths:
                    assert str(p["nodes"][-1]) == str(to)


def test_to_must_match_the_labeling():
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    with pytest.raises(rojas.RojasError):
        path_sum(lab, "w1", to="o1")


@pytest.mark.parametrize("seed", [1, 6, 9])
def test_path_sums_over_a_batch(seed):
    G = config(seed)
    net = rojas.Network(G)
    B = 3
    xb, tb = R.random_inputs(seed, G, batch=B), R.random_targets(seed + 100, G, batch=B)
    lab = rojas.label(net, xb, tb)
    refs = [Ref(G, {n: v[b] for n, v in xb.items()}, {n: v[b] for n, v in tb.items()}) for b in range(B)]
    for ref_str, kind, node, edges, gkey in sources(G):
        if kind in ("input", "value", "node"):
            continue  # per-sample quantities; weights, biases and params are summed over the batch
        ps = path_sum(lab, ref_str)
        per_sample = [r.expected(kind, node, edges) for r in refs]
        want = {}
        for sample in per_sample:
            for nodes, factors in sample:
                want[key(nodes)] = want.get(key(nodes), 0.0) + math.prod(factors)
        got = {key(p["nodes"]): p["product"] for p in ps.paths}
        assert set(got) == set(want)
        for k in want:
            assert close(got[k], want[k], 1e-11, 1e-13), (ref_str, k, got[k], want[k])
        grad = sum(expected_grad(r, gkey) for r in refs)
        assert close(ps.total, grad, 1e-10, 1e-13) and close(ps.backprop, grad, 1e-10, 1e-13)


def test_mazur_w1_paths_by_hand():
    """Matt Mazur's worked 2-2-2 example (2015): ∂E/∂w1 has exactly two paths, w1→h1→o1→E and w1→h1→o2→E."""
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    i1, i2 = 0.05, 0.10
    h1 = sig(0.15 * i1 + 0.2 * i2 + 0.35)
    h2 = sig(0.25 * i1 + 0.3 * i2 + 0.35)
    o1 = sig(0.4 * h1 + 0.45 * h2 + 0.6)
    o2 = sig(0.5 * h1 + 0.55 * h2 + 0.6)
    p1 = [i1, h1 * (1 - h1), 0.4, o1 * (1 - o1), o1 - 0.01]
    p2 = [i1, h1 * (1 - h1), 0.5, o2 * (1 - o2), o2 - 0.99]
    ps = path_sum(lab, "w1")
    assert ps.count == 2
    got = {tuple(map(str, p["nodes"])): p for p in ps.paths}
    assert set(got) == {("i1", "h1", "o1", "E"), ("i1", "h1", "o2", "E")}
    for nodes, factors in ((("i1", "h1", "o1", "E"), p1), (("i1", "h1", "o2", "E"), p2)):
        p = got[nodes]
        assert [float(v) for _, v in p["factors"]] == pytest.approx(factors, rel=1e-13)
        names = [name for name, _ in p["factors"]]
        assert ("w5" if "o1" in nodes else "w7") in names
        assert close(p["product"], math.prod(factors))
    want = math.prod(p1) + math.prod(p2)
    assert close(ps.total, want, 1e-12) and close(ps.backprop, want, 1e-12)
    assert abs(want - 0.000438568) < 5e-10  # Mazur's published value
    # the same source by 'u->v', by the edge tuple, and the input/bias/node forms
    assert close(path_sum(lab, "i1->h1").total, want)
    assert close(path_sum(lab, ("i1", "h1")).total, want)
    assert path_sum(lab, "i1").count == 4 and path_sum(lab, "b:h1").count == 2
    assert path_sum(lab, "h1").count == 2 and path_sum(lab, "b:o1").count == 1


def test_resolve_source_kinds_and_errors():
    net = rojas.load(rojas.example_path("skip_product"))
    assert resolve_source(net, "skip").kind == "weight"
    assert resolve_source(net, "x1->y").edges == (("x1", "y"),)
    assert resolve_source(net, "x1").kind == "input"
    assert resolve_source(net, "b:h2").kind == "bias"
    t = resolve_source(net, "t")
    assert t.kind == "param" and set(t.edges) == {("x1", "h1"), ("p", "h2")}
    for bad in ("nothing", "b:x1", "q->y", "b:nowhere"):
        with pytest.raises(rojas.RojasError):
            resolve_source(net, bad)


def test_skip_product_tied_param_paths_by_hand():
    """The tied param t (edges x1→h1 and p→h2) through a product unit, enumerated by hand."""
    net = rojas.load(rojas.example_path("skip_product"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("skip_product", "data")))
    th, sig = math.tanh, lambda z: 1 / (1 + math.exp(-z))
    x1, x2, yt, t = 0.6, -1.5, 0.25, 0.7
    sh1 = t * x1 - 0.4 * x2 + 0.1
    h1 = th(sh1)
    sp = (1.0 * h1) * (0.9 * x2)
    p = sp
    sh2 = t * p + 0.3 * h1 - 0.2
    h2 = sig(sh2)
    sy = 1.2 * h2 - 0.8 * x1 + 0.5 * p + 0.05
    y = sig(sy)
    dh1, dh2, dy = 1 - h1 ** 2, h2 * (1 - h2), y * (1 - y)
    err = y - yt
    want = {
        ("x1", "h1", "p", "h2", "y", "E"): [x1, dh1, 1.0, 0.9 * x2, 1.0, t, dh2, 1.2, dy, err],
        ("x1", "h1", "p", "y", "E"): [x1, dh1, 1.0, 0.9 * x2, 1.0, 0.5, dy, err],
        ("x1", "h1", "h2", "y", "E"): [x1, dh1, 0.3, dh2, 1.2, dy, err],
        ("p", "h2", "y", "E"): [p, dh2, 1.2, dy, err],
    }
    ps = path_sum(lab, "t")
    got = {tuple(map(str, q["nodes"])): q for q in ps.paths}
    assert set(got) == set(want) and ps.count == 4
    for k, factors in want.items():
        values = [float(v) for _, v in got[k]["factors"]]
        assert sorted(values) == pytest.approx(sorted(factors), rel=1e-12, abs=1e-15)
        assert close(got[k]["product"], math.prod(factors))
    total = math.fsum(math.prod(f) for f in want.values())
    assert close(ps.total, total, 1e-12) and close(ps.backprop, total, 1e-12)


def test_unused_param_has_no_paths():
    """A param that ties no edge: zero paths, sum 0, backward sweep 0 (not a KeyError)."""
    net = rojas.Network(name="unused param")
    net.add_input("x").add_unit("y", "sigmoid")
    net.add_param("p", 0.5).add_param("q", 0.3)
    net.add_edge("x", "y", param="p")
    lab = rojas.label(net, {"x": 0.4}, {"y": 0.1})
    assert lab.grad("q") == 0.0
    ps = path_sum(lab, "q")
    assert ps.count == 0 and ps.paths == [] and ps.total == 0.0 and ps.backprop == 0.0


def test_source_that_does_not_reach_the_objective():
    """Labeling of o_h with a source below h: no path, sum 0 = backward sweep 0."""
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, {"i1": 0.05, "i2": 0.1}, of="h1")
    for src in ("w5", "b:o1", "w3", "h2"):
        ps = path_sum(lab, src)
        assert ps.count == 0 and ps.paths == [] and ps.total == 0.0 and ps.backprop == 0.0


# ----------------------------------------------------------------------------- exact counts
def diamond_chain(n, *, weight=0.5):
    """c0 = x; diamond i: c_{i-1} → a_i, b_i → c_i.  2^n paths from x to c_n."""
    net = rojas.Network(name=f"{n} diamonds")
    net.add_input("c0")
    for i in range(1, n + 1):
        net.add_unit(f"a{i}", "identity").add_unit(f"b{i}", "identity").add_unit(f"c{i}", "identity")
        net.add_edge(f"c{i-1}", f"a{i}", weight=weight, name=f"wa{i}")
        net.add_edge(f"c{i-1}", f"b{i}", weight=weight)
        net.add_edge(f"a{i}", f"c{i}", weight=weight).add_edge(f"b{i}", f"c{i}", weight=weight)
    return net


def diamond_chain_json(n):
    """The node-link file of a chain of n diamonds, written here without rojas."""
    nodes = [{"id": "c0", "fn": "input"}]
    edges = []
    for i in range(1, n + 1):
        nodes += [{"id": f"{k}{i}", "fn": "identity"} for k in "abc"]
        edges += [{"source": f"c{i-1}", "target": f"a{i}", "weight": 0.5, "name": f"wa{i}"},
                  {"source": f"c{i-1}", "target": f"b{i}", "weight": 0.5},
                  {"source": f"a{i}", "target": f"c{i}", "weight": 0.5},
                  {"source": f"b{i}", "target": f"c{i}", "weight": 0.5}]
    return {"directed": True, "multigraph": False, "graph": {"name": f"{n} diamonds", "params": {}},
            "nodes": nodes, "edges": edges}


@pytest.mark.parametrize("n", [1, 2, 5, 12])
def test_diamond_chain_counts_closed_form(n):
    net = diamond_chain(n)
    counts = path_counts(net, [f"c{n}"])
    assert counts["c0"] == 2 ** n
    for k in range(n + 1):
        assert counts[f"c{k}"] == 2 ** (n - k)
    for k in range(1, n + 1):
        assert counts[f"a{k}"] == counts[f"b{k}"] == 2 ** (n - k)
    assert count_paths(net, resolve_source(net, "c0"), [f"c{n}"]) == 2 ** n
    assert count_paths(net, resolve_source(net, "wa1"), [f"c{n}"]) == 2 ** (n - 1)
    if n <= 12:
        G = nx.DiGraph(list(net.edges))
        assert dfs_count(G, "c0", {f"c{n}"}) == 2 ** n


def test_two_to_the_300_paths_counted_fast_and_enumeration_refused():
    n = 300
    net = diamond_chain(n)
    counts = path_counts(net, [f"c{n}"])  # by dynamic programming (benchmarks/ times it)
    total = count_paths(net, resolve_source(net, "c0"), [f"c{n}"])
    assert counts["c0"] == 2 ** 300 and total == 2 ** 300
    assert isinstance(total, int)
    lab = rojas.label(net, {"c0": 1.0})
    with pytest.raises(rojas.RojasError) as info:  # counted first, never enumerated
        path_sum(lab, "c0")
    assert str(2 ** 300) in str(info.value)
    assert "10000" in str(info.value).replace(",", "").replace("_", "")


def test_limit_is_settable_and_exact():
    n = 14  # 16,384 paths: over the default limit of 10,000
    net = diamond_chain(n)
    lab = rojas.label(net, {"c0": 1.3})
    with pytest.raises(rojas.RojasError) as info:
        path_sum(lab, "c0")
    assert str(2 ** n) in str(info.value)
    n = 6
    lab = rojas.label(diamond_chain(n), {"c0": 1.3})
    with pytest.raises(rojas.RojasError) as info:
        path_sum(lab, "c0", limit=2 ** n - 1)
    assert str(2 ** n) in str(info.value)
    ps = path_sum(lab, "c0", limit=2 ** n)
    assert ps.count == len(ps.paths) == 2 ** n
    # each path: 2n edges of weight 0.5 through identity units: 0.25^n; the sum 2^n · 0.25^n = 0.5^n
    assert all(close(p["product"], 0.25 ** n) for p in ps.paths)
    assert close(ps.total, 0.5 ** n) and close(ps.backprop, 0.5 ** n)


@pytest.mark.slow
def test_default_limit_is_ten_thousand():
    """1-100-100-1 has exactly 10,000 paths from its input: listed; 1-100-101-1 (10,100): refused."""
    net, layers = complete_layered((1, 100, 100, 1), fn="identity")
    x = layers[0][0]
    lab = rojas.label(net, {x: 0.5})
    ps = path_sum(lab, x)
    assert ps.count == len(ps.paths) == 10_000
    # identity units: dy/dx = w1ᵀ W2 w3, computed here with numpy from the weights
    w1 = np.array([net.weight(x, h) for h in layers[1]])
    W2 = np.array([[net.weight(h, g) for g in layers[2]] for h in layers[1]])
    w3 = np.array([net.weight(g, layers[3][0]) for g in layers[2]])
    want = float(w1 @ W2 @ w3)
    assert close(ps.total, want, 1e-9, 1e-12) and close(ps.backprop, want, 1e-9, 1e-12)
    net2, layers2 = complete_layered((1, 100, 101, 1), fn="identity")
    lab2 = rojas.label(net2, {layers2[0][0]: 0.5})
    with pytest.raises(rojas.RojasError) as info:
        path_sum(lab2, layers2[0][0])
    assert "10100" in str(info.value).replace(",", "").replace("_", "")


def complete_layered(widths, fn="tanh", seed=0):
    rng = np.random.default_rng(seed)
    net = rojas.Network(name="-".join(map(str, widths)))
    layers = [[f"L{k}_{i}" for i in range(w)] for k, w in enumerate(widths)]
    for n in layers[0]:
        net.add_input(n)
    for k in range(1, len(layers)):
        for n in layers[k]:
            net.add_unit(n, fn, bias=float(rng.uniform(-0.3, 0.3)))
            for m in layers[k - 1]:
                net.add_edge(m, n, weight=float(rng.uniform(-1, 1)))
    return net, layers


@pytest.mark.parametrize("widths", [(3, 4, 5, 2), (2, 3, 1), (1, 6, 6, 3, 2)])
def test_complete_layered_counts_are_products_of_widths(widths):
    net, layers = complete_layered(widths)
    outs = layers[-1]
    counts = path_counts(net, outs)
    for k, layer in enumerate(layers):
        want = math.prod(widths[k + 1:])
        for n in layer:
            assert counts[n] == want, (n, counts[n], want)
    if widths == (3, 4, 5, 2):
        assert counts["L0_0"] == 40
    # from a weight into layer k+1: the product of the widths after k+1
    u, v = layers[0][0], layers[1][0]
    assert count_paths(net, resolve_source(net, f"{u}->{v}"), outs) == math.prod(widths[2:])
    # to one output only
    assert path_counts(net, [outs[0]])[layers[0][0]] == math.prod(widths[1:-1])
    # and the path sum lists exactly that many, matching my enumeration
    x = {n: 0.1 * (i + 1) for i, n in enumerate(layers[0])}
    t = {n: 0.2 for n in outs}
    lab = rojas.label(net, x, t)
    ps = path_sum(lab, layers[0][0])
    assert ps.count == len(ps.paths) == math.prod(widths[1:])
    G = nx.DiGraph(list(net.edges))
    assert len({key(p["nodes"]) for p in ps.paths}) == ps.count
    assert {key(p["nodes"][:-1]) for p in ps.paths} == \
        {key(p) for p in dfs_paths(G, layers[0][0], set(outs))}


@pytest.mark.parametrize("seed", range(12))
def test_counts_against_brute_force_on_random_graphs(seed):
    """Random DAGs (not layered): the DP count from every node equals a DFS enumeration."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 14))
    p = float(rng.uniform(0.25, 0.6))
    order = [f"n{i}" for i in rng.permutation(n)]
    G = nx.DiGraph()
    G.add_nodes_from(order)
    for i in range(n):
        for j in range(i + 1, n):
            if rng.random() < p:
                G.add_edge(order[i], order[j])
    net = rojas.Network(name="random")
    for v in order:
        if G.in_degree(v) == 0:
            net.add_input(v)
        else:
            net.add_unit(v, "identity")
    for u, v in G.edges:
        net.add_edge(u, v, weight=1.0)
    sinks = [v for v in G if G.out_degree(v) == 0 and G.in_degree(v) > 0]
    some = [v for v in order if G.in_degree(v) > 0][: 2]
    for ends in ([*sinks], some[:1], some):
        if not ends:
            continue
        counts = path_counts(net, ends)
        for v in G:
            assert counts[v] == dfs_count(G, v, set(ends)), (seed, v, ends)
        for u, v in G.edges:
            assert count_paths(net, resolve_source(net, f"{u}->{v}"), ends) == dfs_count(G, v, set(ends))


def _rojas(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "rojas", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_cli_count_of_a_huge_graph(tmp_path):
    """1000 diamonds: `rojas paths --count` prints 2^1000 exactly, quickly."""
    f = tmp_path / "diamonds.json"
    f.write_text(json.dumps(diamond_chain_json(1000)))
    r = _rojas("paths", f, "--from", "c0", "--count")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(2 ** 1000)
    r = _rojas("paths", f, "--from", "c0", "--count", "--to", "c500")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(2 ** 500)
    r = _rojas("paths", f, "--from", "wa2", "--count")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(2 ** 998)  # wa2 = c1→a2: a2→c2, then 998 diamonds


@pytest.mark.slow
def test_cli_refuses_to_list_too_many_paths(tmp_path):
    f = tmp_path / "diamonds.json"
    f.write_text(json.dumps(diamond_chain_json(300)))
    r = _rojas("paths", f, "--from", "c0", "--input", "c0=1.0")
    assert r.returncode == 2
    assert str(2 ** 300) in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1, r.stderr
    g = tmp_path / "d7.json"
    g.write_text(json.dumps(diamond_chain_json(7)))
    r = _rojas("paths", g, "--from", "c0", "--input", "c0=1.0", "--limit", str(2 ** 7 - 1))
    assert r.returncode == 2 and str(2 ** 7) in r.stderr
    r = _rojas("paths", g, "--from", "c0", "--input", "c0=1.0", "--limit", str(2 ** 7), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["count"] == 2 ** 7 and len(out["paths"]) == 2 ** 7
    assert close(out["sum"], 0.5 ** 7) and close(out["backprop"], 0.5 ** 7)
