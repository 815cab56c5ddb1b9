"""Property tests: on random networks, the fast engine = the textbook sweeps = central differences.

Hypothesis draws feed-forward networks with skip connections, product units,
tied weights, tied biases, named outputs that feed other units, and batches.
For each, three computations of the same gradient must agree:

* :func:`rojas.label` (the compiled, generation-at-a-time engine),
* :func:`rojas.engine.textbook.label` (Rojas's sweeps node by node, the specification),
* central differences of the objective, evaluated by the textbook forward sweep;

and, for one weight, the tangent (forward-mode) sweep and the path sum.  The two generators of
issue 23 load networks whose file order is not NetworkX's adjacency order (a tied edge by itself) and
tie biases on units that are not complex-safe (the complex-step check).
"""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rojas
from rojas.engine import textbook
from rojas.engine.objective import resolve_objective

FNS = ("sigmoid", "tanh", "identity", "sin", "softplus", "gaussian")
PROPERTY = settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SMALL = st.floats(-1.2, 1.2, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@st.composite
def networks(draw, fns=FNS):
    """A random DAG as an nx.DiGraph: inputs x0.., units u0.. in a topological order."""
    n_in, n_units = draw(st.integers(1, 3)), draw(st.integers(1, 7))
    G = nx.DiGraph(params={"p0": draw(SMALL), "p1": draw(SMALL)})
    order = [f"x{k}" for k in range(n_in)]
    for n in order:
        G.add_node(n, fn="input")
    for k in range(n_units):
        j = f"u{k}"
        product = len(order) >= 2 and draw(st.booleans()) and draw(st.booleans())  # about 1 in 4
        data = {"fn": draw(st.sampled_from(fns))}
        if product:
            data["combine"] = "product"
        bias = draw(st.sampled_from(["none", "value", "value", "p0", "p1"]))
        if bias == "value":
            data["bias"] = draw(SMALL)
        elif bias != "none":
            data["bias_param"] = bias
        G.add_node(j, **data)
        # the previous node always feeds j (a chain through everything), earlier ones may skip to it
        sources = [order[-1]] + [i for i in order[:-1] if draw(st.integers(0, 3)) == 0]
        if draw(st.integers(0, 9)) == 0:  # now and then a unit without in-edges: s = c(no terms) + b
            sources = []
        for i in sources[:3] if product else sources:
            tie = draw(st.sampled_from([None, None, None, "p0", "p1"]))
            G.add_edge(i, j, **({"param": tie} if tie else {"weight": draw(SMALL)}))
        order.append(j)
    units = order[n_in:]
    named = draw(st.booleans())
    if named:  # any units, in any order: an output may feed other units
        G.graph["outputs"] = draw(st.lists(st.sampled_from(units), min_size=1, max_size=len(units),
                                           unique=True))
    # Insert nodes and edges in a drawn order: the engine must not take insertion for topological order.
    H = nx.DiGraph(**G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in draw(st.permutations(list(G))))
    H.add_edges_from((u, v, G.edges[u, v]) for u, v in draw(st.permutations(list(G.edges))))
    return H


@st.composite
def problems(draw):
    G = draw(networks())
    if draw(st.booleans()):  # integer ids, as a JSON file may have
        ids = {n: (0 if n[0] == "x" else 100) + int(n[1:]) for n in G}
        G = nx.relabel_nodes(G, ids)
        if "outputs" in G.graph:
            G.graph["outputs"] = [ids[n] for n in G.graph["outputs"]]
    net = rojas.Network(G)
    batch = draw(st.sampled_from([None, None, 3]))
    value = (lambda: draw(st.floats(-1, 1))) if batch is None else \
        (lambda: draw(st.lists(st.floats(-1, 1), min_size=batch, max_size=batch)))
    x = {n: value() for n in net.inputs}
    if draw(st.booleans()) or len(net.outputs) == 1:
        return net, x, {n: value() for n in net.outputs}, None
    return net, x, None, draw(st.sampled_from([n for n in net.nodes]))


def close(a, b, rtol, atol):
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol)


@PROPERTY
@given(problems())
def test_engine_equals_textbook(problem):
    net, x, t, of = problem
    lab = rojas.label(net, x, t, of=of)
    ref = textbook.label(net, x, t, of=of)
    close(lab.value, ref.value, 1e-12, 1e-14)
    for name in ("s", "fprime", "o", "delta"):
        mine, theirs = getattr(lab, name), getattr(ref, name)
        assert set(mine) == set(theirs), name
        for n in theirs:
            close(mine[n], np.broadcast_to(theirs[n], np.shape(mine[n])), 1e-12, 1e-13)
    for name in ("weight_grad", "bias_grad", "param_grad", "input_grad"):
        mine, theirs = getattr(lab, name), getattr(ref, name)
        assert set(mine) == set(theirs), name
        for k in theirs:
            close(mine[k], np.broadcast_to(theirs[k], np.shape(mine[k])), 1e-11, 1e-13)
            # grad(ref) reaches the same number: an edge, a param, an input or a unit's bias
            close(lab.grad(k), mine[k], 0, 0)


def central_differences(net, x, t, of):
    """Every ∂objective/∂number by central differences of the textbook forward sweep."""
    G = net.to_networkx()
    w0, b0 = textbook.numbers(G)
    params = G.graph["params"]
    xs = {n: np.asarray(v, dtype=float) for n, v in x.items()}

    def E(w=w0, b=b0, xx=xs):
        s, _, o, _ = textbook.forward_sweep(G, net.primitive, xx, w, b)
        loss = resolve_objective(net, t)
        ends = net.outputs if t is not None else [of]
        return textbook.objective(loss, o, s, lambda k: G.nodes[k]["fn"], ends, t)[0]

    def diff(move, value):
        h = 1e-6 * max(1.0, abs(value))
        return (move(value + h) - move(value - h)) / (2 * h)

    out = {"weight": {}, "bias": {}, "param": {}, "input": {}}
    for e in G.edges:
        if "param" not in G.edges[e]:
            out["weight"][e] = diff(lambda v: E(w={**w0, e: v}), w0[e])
    for n in b0:
        if "bias_param" not in G.nodes[n]:
            out["bias"][n] = diff(lambda v: E(b={**b0, n: v}), b0[n])
    for p, value in params.items():
        def moved(v, p=p):
            w = {e: (v if G.edges[e].get("param") == p else wv) for e, wv in w0.items()}
            b = {n: (v if G.nodes[n].get("bias_param") == p else bv) for n, bv in b0.items()}
            return E(w, b)
        out["param"][p] = diff(moved, value)
    if all(np.ndim(v) == 0 for v in x.values()):
        for n in net.inputs:
            out["input"][n] = diff(lambda v: E(xx={**xs, n: np.asarray(v)}), float(x[n]))
    return out


@PROPERTY
@given(problems())
def test_engine_equals_central_differences(problem):
    net, x, t, of = problem
    lab = rojas.label(net, x, t, of=of)
    fd = central_differences(net, x, t, of)
    for kind, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad), ("param", lab.param_grad),
                       ("input", lab.input_grad)):
        for k, g in fd[kind].items():
            assert math.isclose(float(mine[k]), g, rel_tol=1e-5, abs_tol=1e-7), (kind, k, mine[k], g)


@PROPERTY
@given(problems(), st.data())
def test_tangent_and_path_sum_equal_the_backward_sweep(problem, data):
    net, x, t, of = problem
    lab = rojas.label(net, x, t, of=of)
    assume(net.edges)
    edge = data.draw(st.sampled_from(net.edges))
    ref = f"{edge[0]}->{edge[1]}"
    assert math.isclose(rojas.tangent(lab, ref).derivative, lab.weight_grad[edge], rel_tol=1e-11, abs_tol=1e-13)
    for p in net.params:
        assert math.isclose(rojas.tangent(lab, p).derivative, lab.param_grad[p], rel_tol=1e-11, abs_tol=1e-13)
    ps = rojas.path_sum(lab, ref)  # at most 2^7 paths on these networks
    assert math.isclose(ps.total, lab.weight_grad[edge], rel_tol=1e-10, abs_tol=1e-13)


@pytest.mark.slow
def test_the_strategy_reaches_every_feature():
    """The drawn networks really have product units, ties of both kinds, skips and named outputs."""
    seen = set()

    @settings(max_examples=60, deadline=None, database=None)
    @given(networks())
    def look(G):
        seen.update(k for k, hit in (
            ("product", any(d.get("combine") == "product" for _, d in G.nodes(data=True))),
            ("tied weight", any("param" in d for _, _, d in G.edges(data=True))),
            ("tied bias", any("bias_param" in d for _, d in G.nodes(data=True))),
            ("output feeding", any(G.out_degree(n) for n in G.graph.get("outputs", []))),
            ("skip", any(abs(int(u[1:]) - int(v[1:])) > 1 for u, v in G.edges if u[0] == v[0] == "u")))
            if hit)

    look()
    assert seen == {"product", "tied weight", "tied bias", "output feeding", "skip"}


# ---------------------------------------------------------------------------- the generators of issue 23

@st.composite
def node_link_networks(draw):
    """A random network loaded from node-link data whose edge order is drawn, not NetworkX's adjacency order
    (tied edges included), with data: the file order a user's file has."""
    G = draw(networks())
    ids = list(G)
    data = {"directed": True, "multigraph": False, "graph": dict(G.graph),
            "nodes": [{"id": n, **G.nodes[n]} for n in draw(st.permutations(ids))],
            "edges": [{"source": u, "target": v, **G.edges[u, v]} for u, v in draw(st.permutations(list(G.edges)))]}
    net = rojas.network.from_dict(data)
    x = {n: draw(st.floats(-1, 1)) for n in net.inputs}
    return net, x, {n: draw(st.floats(-1, 1)) for n in net.outputs}


@pytest.mark.slow
@PROPERTY
@given(node_link_networks())
def test_a_tied_edge_by_itself_in_file_order(problem):
    """The proof's central difference of one tied edge (an untied copy) = the backward sweep's ∂E/∂w."""
    from rojas.proof.argument import finite_difference

    net, x, t = problem
    tied = [e for e in net.edges if net.edge_param(*e) is not None]
    assume(tied)
    lab = rojas.label(net, x, t)
    for e in tied:
        assert math.isclose(finite_difference(lab, e), lab.weight_grad[e], rel_tol=1e-5, abs_tol=1e-7), e


@pytest.mark.slow
@PROPERTY
@given(networks(fns=("vabs", "tanh", "relu", "identity")), st.data())
def test_complex_step_check_with_tied_biases_on_non_analytic_units(G, data):
    """Tied biases on units whose primitive is not complex-safe (abs-based, relu): check --method complex
    falls back to central differences for them and finds nothing wrong with a right gradient."""
    G.graph["primitives"] = {"vabs": {"f": "abs(s) + s/2", "df": "s/abs(s) + 1/2"}}
    assume(any(d.get("bias_param") and d["fn"] in ("vabs", "relu") for _, d in G.nodes(data=True)))
    net = rojas.Network(G)
    x = {n: data.draw(st.floats(-1, 1)) for n in net.inputs}
    t = {n: data.draw(st.floats(-1, 1)) for n in net.outputs}
    try:
        lab = rojas.label(net, x, t)
    except rojas.errors.NumericalError:  # s = 0 exactly at abs: df = s/|s| is not a number there
        assume(False)
    assume(all(np.all(np.abs(lab.s[n]) > 1e-3) for n in net.nodes if net.fn(n) in ("vabs", "relu")))  # no kink
    report = rojas.check(net, x, t, method="complex", directions=2)
    assert report.ok, report.failure_message()
