"""The gradient by path length and the top paths, against brute-force enumeration.

Every expected number is computed here by listing every path (a depth-first
walk written below) and multiplying its factors read off the labeling (o,
f'(s), the weights, the product units' partials, the objective's seed); the
gradient they must add up to is the backward sweep's, itself checked against
a complex step.  The counts on a chain with skips are the closed forms
(binomials, Fibonacci numbers).
"""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rojas
from rojas.proof.by_length import by_length
from rojas.proof.paths import path_ends, resolve_source
from rojas.proof.top_paths import top_paths

FNS = ("tanh", "sigmoid", "identity", "sin", "softplus")


@st.composite
def small_dags(draw, ties=False):
    """A small network: skips, product units, tied params, several outputs, outputs feeding units."""
    n_in = draw(st.integers(1, 3))
    n_units = draw(st.integers(2, 7))
    net = rojas.Network()
    for i in range(n_in):
        net.add_input(f"x{i}")
    net.add_param("t", draw(st.sampled_from([0.5, -0.5, 0.9])))
    values = st.sampled_from([0.5, -0.5, 1.0, -1.0]) if ties else st.floats(-1.5, 1.5).filter(lambda v: abs(v) > .1)
    nodes = [f"x{i}" for i in range(n_in)]
    for j in range(n_units):
        name = f"h{j}"
        product = draw(st.booleans()) and len(nodes) >= 2 and draw(st.booleans())
        fn = "identity" if ties else draw(st.sampled_from(FNS))
        net.add_unit(name, fn, bias=0.0 if ties else draw(st.floats(-0.5, 0.5)),
                     combine="product" if product else "sum")
        k = draw(st.integers(2 if product else 1, min(3, len(nodes))))
        preds = draw(st.lists(st.sampled_from(nodes), min_size=k, max_size=k, unique=True))
        for u in preds:
            if draw(st.integers(0, 4)) == 0:
                net.add_edge(u, name, param="t")
            else:
                net.add_edge(u, name, weight=draw(values))
        nodes.append(name)
    units = nodes[n_in:]
    sinks = [u for u in units if not any(a == u for a, _ in net.edges)]
    extra = draw(st.lists(st.sampled_from(units), max_size=2, unique=True))  # outputs that feed other units
    outputs = list(dict.fromkeys(sinks[-2:] + extra))  # some sinks may reach no output: structural zeros
    net.set_outputs(outputs)
    x = {f"x{i}": (1.0 if ties else draw(st.floats(-1, 1))) for i in range(n_in)}
    objective = draw(st.sampled_from(["E", "of", "binary_cross_entropy", "softmax_cross_entropy"]))
    if objective == "binary_cross_entropy" and all(net.fn(o) == "sigmoid" for o in outputs):
        # fused with the sigmoid outputs: δ gets ∂E/∂s there
        t = {o: draw(st.floats(0, 1)) for o in outputs}
        return net, rojas.label(net, x, t, objective=objective)
    if objective == "softmax_cross_entropy":
        p = np.array([draw(st.floats(0.05, 1)) for _ in outputs])
        return net, rojas.label(net, x, dict(zip(outputs, (p / p.sum()).tolist())), objective=objective)
    if objective == "of":
        return net, rojas.label(net, x, of=outputs[0])
    return net, rojas.label(net, x, {o: draw(st.floats(-1, 1)) for o in outputs})


def starts(lab, ref):
    """(prefix, start node, length, value, before) of every place a path from `ref` starts."""
    net, plan = lab.network, lab.plan
    source = resolve_source(net, ref)
    o = lambda n: lab.arrays["o"][plan.pos[n]]  # noqa: E731
    fp = lambda n: lab.arrays["fprime"][plan.pos[n]]  # noqa: E731
    out = []
    for u, v in source.edges:
        out.append(([u], v, 1, (o(u) * lab.product_partial(u, v)) * fp(v), plan.pos[u]))
    for n in source.biases:
        out.append(([], n, 0, fp(n), -1))
    if source.kind in ("node", "bias"):
        out.append(([], source.node, 0, fp(source.node), -1))
    elif source.kind in ("input", "value"):
        out.append(([], source.node, 0, 1.0, -1))
    return out


def brute_force(lab, ref):
    """Every path from `ref` to the objective: (nodes, length, product, key), enumerated."""
    net, plan = lab.network, lab.plan
    G = net.graph
    ends = set(path_ends(lab))
    fp = lambda n: lab.arrays["fprime"][plan.pos[n]]  # noqa: E731
    # a path ends with ∂objective/∂o_k, the other outputs held fixed (for an output fused with its
    # objective the labeling keeps ∂E/∂s, and the path has already multiplied its f'(s))
    seed = lab.output_derivative
    found = []
    for prefix, v, length, value, before in starts(lab, ref):
        # (path, product so far, tie key so far): the key of the DP's documented order
        stack = [([v], value, (-abs(value), before, (-math.inf,)))]
        while stack:
            path, p, key = stack.pop()
            k = path[-1]
            if k in ends:
                final = p * seed(k)
                found.append((prefix + path, length + len(path) - 1, final, (-abs(final), plan.pos[k], key)))
            for m in G.successors(k):
                q = (p * (lab.weight(k, m) * lab.product_partial(k, m))) * fp(m)
                stack.append((path + [m], q, (-abs(q), plan.pos[k], key)))
    return found


def sources(net):
    refs = [f"{u}->{v}" for u, v in net.edges] + ["t"] + list(net.inputs)
    units = [n for n in net.nodes if net.fn(n) != "input"]
    return refs + [f"b:{units[0]}", f"s:{units[-1]}", f"o:{units[0]}"]


def close(a, b, tol=1e-11):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


@settings(max_examples=40, deadline=None)
@given(small_dags())
def test_by_length_equals_brute_force_and_sums_to_the_gradient(case):
    net, lab = case
    for ref in sources(net):
        table = by_length(lab, ref)
        paths = brute_force(lab, ref)
        for L in range(max([p[1] for p in paths], default=0) + 1):
            of_length = [p[2] for p in paths if p[1] == L]
            assert table.counts[L] == len(of_length), (ref, L)
            assert close(table.sums[L], math.fsum(of_length)), (ref, L, table.sums[L], of_length)
        assert sum(table.counts) == len(paths)
        assert all(c == 0 for c in table.counts[max([p[1] for p in paths], default=0) + 1:])
        assert close(table.total, table.gradient), (ref, table.total, table.gradient)


@settings(max_examples=25, deadline=None)
@given(small_dags())
def test_the_gradient_the_lengths_add_up_to_is_the_derivative(case):
    net, lab = case
    w = net.parameters()["weights"].astype(complex)
    x = {n: lab.inputs[n] for n in net.inputs}
    t = lab.targets or None
    of = None if t else lab.objective
    for i, (u, v) in enumerate(net.edges):
        if net.edge_param(u, v) is not None:
            continue
        w2 = w.copy()
        w2[i] += 1e-20j
        step = rojas.evaluate(net, x, t, of=of, weights=w2, objective=None if of else lab.loss.name).imag / 1e-20
        assert close(by_length(lab, f"{u}->{v}").total, step, 1e-9)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.one_of(small_dags(), small_dags(ties=True)), st.integers(1, 6))
def test_top_paths_equal_brute_force_ties_included(case, k):
    net, lab = case
    for ref in sources(net):
        want = sorted(brute_force(lab, ref), key=lambda p: p[3])[:k]
        got = top_paths(lab, ref, k=k).paths
        assert [[str(n) for n in p["nodes"]] for p in got] == [[str(n) for n in p[0]] for p in want], ref
        assert [p["product"] for p in got] == [p[2] for p in want], ref


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(small_dags(ties=True), st.integers(1, 8))
def test_top_paths_with_many_ties(case, k):
    net, lab = case
    for ref in sources(net):
        want = sorted(brute_force(lab, ref), key=lambda p: p[3])[:k]
        got = top_paths(lab, ref, k=k).paths
        assert [[str(n) for n in p["nodes"]] for p in got] == [[str(n) for n in p[0]] for p in want], ref


def skip_chain(n, span):
    """x → u1 → … → un, each unit fed by the `span` units before it (weights 1, identity)."""
    net = rojas.Network().add_input("u0")
    for j in range(1, n + 1):
        net.add_unit(f"u{j}", "identity")
        for d in range(1, span + 1):
            if j - d >= 0:
                net.add_edge(f"u{j - d}", f"u{j}", weight=1.0)
    return net


@pytest.mark.parametrize("n", [5, 12, 40, 90])
def test_skip_chain_counts_are_binomial_and_fibonacci(n):
    """With steps of 1 or 2, the paths of length L from u0 to un number C(L, n − L) (steps of 2: n − L),
    and all lengths together the Fibonacci number F(n + 1)."""
    net = skip_chain(n, 2)
    lab = rojas.label(net, {"u0": 1.0}, of=f"u{n}")
    table = by_length(lab, "u0")
    want = [math.comb(L, n - L) if 0 <= n - L <= L else 0 for L in range(len(table.counts))]
    assert table.counts == want
    fib = [0, 1]
    while len(fib) < n + 3:
        fib.append(fib[-1] + fib[-2])
    assert table.paths == fib[n + 1]
    # identity units and weights 1: every path's product is 1, so the sums are the counts
    assert all(close(float(s), float(c), 1e-15) for s, c in zip(table.sums, want))
    assert close(table.gradient, float(fib[n + 1]), 1e-15)


def test_counts_past_two_to_the_sixty_three_are_exact():
    """A chain of 150 steps of 1, 2 or 3 (tribonacci): 2**63 is passed; compared with exact integers."""
    n = 150
    net = skip_chain(n, 3)
    lab = rojas.label(net, {"u0": 0.5}, of=f"u{n}")
    table = by_length(lab, "u0")
    trib = [1, 1, 2]
    while len(trib) <= n:
        trib.append(trib[-1] + trib[-2] + trib[-3])
    assert table.paths == trib[n] > 2 ** 63
    G = nx.DiGraph(list(net.edges))
    ways = {0: {0: 1}}  # ways[node][length]: written with dicts, independently of the limbs
    for j in nx.topological_sort(G):
        for m in G.successors(j):
            row = ways.setdefault(int(m[1:]), {})
            for L, c in ways[int(j[1:])].items():
                row[L + 1] = row.get(L + 1, 0) + c
    assert table.counts == [ways[n].get(L, 0) for L in range(len(table.counts))]


def test_a_batch_sums_over_samples_and_top_refuses_it():
    net = rojas.load(rojas.example_path("xor"))
    x, t = rojas.load_data(rojas.example_path("xor", "data"))
    lab = rojas.label(net, x, t)
    assert lab.batch_size
    for e in net.edges:
        table = by_length(lab, e)
        assert close(table.total, lab.grad(e))
    with pytest.raises(rojas.RojasError, match="batch"):
        top_paths(lab, net.edges[0], k=3)


def test_mazur_by_hand():
    """w5 (h1→o1) reaches E on one path of length 1: o_h1·f'(s_o1)·(o_o1 − t_o1) = 0.082167041."""
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    t = by_length(lab, "w5")
    assert t.rows() == [{"length": 1, "paths": 1, "sum": pytest.approx(0.082167041, abs=1e-9)}]
    top = top_paths(lab, "w5", k=5)
    assert [p["nodes"] for p in top.paths] == [["h1", "o1"]]
    assert top.shares() == [pytest.approx(1.0)]


@pytest.mark.parametrize("k", [0, -1, 10_001, 2.5, True])
def test_top_refuses_a_bad_k(k):
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    with pytest.raises(rojas.RojasError, match="--top"):
        top_paths(lab, "w1", k=k)


def test_work_limit_is_checked_first(monkeypatch):
    monkeypatch.setenv("ROJAS_MAX_PATH_WORK", "10")
    net = skip_chain(30, 2)
    lab = rojas.label(net, {"u0": 1.0}, of="u30")
    with pytest.raises(rojas.RojasError, match="ROJAS_MAX_PATH_WORK"):
        by_length(lab, "u0")


def test_a_source_that_reaches_no_output_has_no_paths():
    net = rojas.Network().add_input("x").add_unit("h", "tanh").add_unit("y", "tanh").add_unit("z", "tanh")
    net.add_edge("x", "h", weight=1.0).add_edge("h", "y", weight=1.0).add_edge("x", "z", weight=1.0)
    net.set_outputs(["y"])
    lab = rojas.label(net, {"x": 0.3}, {"y": 0.1})
    t = by_length(lab, "x->z")
    assert t.paths == 0 and t.total == 0.0 == t.gradient
    assert top_paths(lab, "x->z", k=3).paths == []
    assert np.isclose(by_length(lab, "x").total, lab.grad("x"))


@pytest.mark.parametrize("objective", ["squared_error", "binary_cross_entropy", "softmax_cross_entropy",
                                       "cross_entropy"])
def test_every_objective_on_mazur_sums_to_the_gradient(objective):
    # Mazur's outputs are sigmoid units: binary cross-entropy is fused with them (the labeling keeps
    # ∂E/∂s there), and a path still ends with ∂E/∂o = (o − t)/(o(1 − o)) after multiplying f'(s).
    net = rojas.load(rojas.example_path("mazur"))
    x, t = rojas.load_data(rojas.example_path("mazur", "data"))
    lab = rojas.label(net, x, t, objective=objective)
    backward = {"w1": lab.grad("w1"), "w5": lab.grad("w5"), "b:h1": lab.grad("h1"), "i1": lab.input_grad["i1"]}
    for ref, gradient in backward.items():
        found = sum(p for _, _, p, _ in brute_force(lab, ref))
        assert close(found, gradient)
        assert close(by_length(lab, ref).total, gradient)
        assert close(sum(p["product"] for p in top_paths(lab, ref, 10).paths), gradient)
