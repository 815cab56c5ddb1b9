"""The textbook sweeps (rojas.engine.textbook) against published and hand-computed numbers.

rojas.engine.textbook is the specification the fast engine is tested against
(tests/test_properties.py); here it is itself held to numbers derived without
it: Matt Mazur's worked 2-2-2 example (2015), hand computations with ``math``,
and the naive reference of tests/reference.py.
"""

import inspect
import math

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas.engine import textbook

import reference as R


def mazur():
    net = rojas.load(rojas.example_path("mazur"))
    return net, *rojas.load_data(rojas.example_path("mazur", "data"))


def test_mazur_published_numbers():
    net, x, t = mazur()
    labels = textbook.label(net, x, t)
    assert labels.value == pytest.approx(0.298371109, abs=5e-10)
    grad = {net.edge_name(u, v): g for (u, v), g in labels.weight_grad.items()}
    assert grad["w5"] == pytest.approx(0.082167041, abs=5e-10)
    assert grad["w1"] == pytest.approx(0.000438568, abs=5e-10)
    # the other weights: Mazur publishes the updated weights w⁺ = w − 0.5·∂E/∂w
    published = {"w2": (0.20, 0.19956143), "w3": (0.25, 0.24975114), "w4": (0.30, 0.29950229),
                 "w6": (0.45, 0.408666186), "w7": (0.50, 0.511301270), "w8": (0.55, 0.561370121)}
    for name, (old, new) in published.items():
        assert grad[name] == pytest.approx((old - new) / 0.5, abs=2e-8), name
    assert labels.o["o1"] == pytest.approx(0.75136507, abs=5e-9)   # out_o1 in the article
    assert labels.o["h1"] == pytest.approx(0.593269992, abs=5e-10)  # out_h1


def test_against_the_naive_reference_on_seeded_networks():
    for seed in range(6):
        G = R.random_network(seed, 2, 5, 2, p_skip=0.4, p_product=0.3, p_tied=0.3)
        x, t = R.random_inputs(seed, G), R.random_targets(seed + 1, G)
        value, s, o, fprime, delta, grads = R.reverse_mode(G, x, t)
        labels = textbook.label(G, x, t)
        assert labels.value == pytest.approx(value, rel=1e-13)
        for mine, theirs in ((labels.s, s), (labels.o, o), (labels.fprime, fprime), (labels.delta, delta),
                             (labels.weight_grad, grads["weight"]), (labels.bias_grad, grads["bias"]),
                             (labels.param_grad, grads["param"]), (labels.input_grad, grads["input"])):
            assert set(mine) == set(theirs)
            for k in theirs:
                assert float(mine[k]) == pytest.approx(theirs[k], rel=1e-12, abs=1e-14), (seed, k)


def test_product_unit_with_a_zero_term_by_hand():
    G = nx.DiGraph(params={})
    G.add_nodes_from(["a", "b", "c"], fn="input")
    G.add_node("p", fn="identity", combine="product", bias=0.5)
    for n, w in (("a", 2.0), ("b", -1.5), ("c", 0.7)):
        G.add_edge(n, "p", weight=w)
    x = {"a": 0.3, "b": 0.0, "c": 1.1}
    labels = textbook.label(G, x, of="p")
    terms = {"a": 0.6, "b": 0.0, "c": 0.77}
    assert labels.s["p"] == pytest.approx(0.5)  # a zero term: the product is 0
    for n, w in (("a", 2.0), ("b", -1.5), ("c", 0.7)):
        others = math.prod(v for k, v in terms.items() if k != n)
        assert labels.weight_grad[(n, "p")] == pytest.approx(x[n] * others, abs=1e-15)
        assert labels.input_grad[n] == pytest.approx(w * others, abs=1e-15)


def test_tied_bias_and_an_output_feeding_another_unit_by_hand():
    net = rojas.Network().add_param("b", -0.2).add_input("x")
    net.add_unit("h", "tanh", bias_param="b").add_unit("y", "sigmoid", bias_param="b")
    net.add_edge("x", "h", weight=0.9).add_edge("h", "y", weight=-1.3).set_outputs(["y", "h"])
    labels = textbook.label(net, {"x": 0.5}, {"h": 0.1, "y": 0.8})
    h = math.tanh(0.45 - 0.2)
    y = 1 / (1 + math.exp(-(-1.3 * h - 0.2)))
    dy = (y - 0.8) * y * (1 - y)
    dh = ((h - 0.1) - 1.3 * dy) * (1 - h * h)
    assert labels.value == pytest.approx(0.5 * (h - 0.1) ** 2 + 0.5 * (y - 0.8) ** 2, rel=1e-14)
    assert labels.delta["h"] == pytest.approx(dh, rel=1e-13)
    assert labels.param_grad["b"] == pytest.approx(dh + dy, rel=1e-13)


def test_a_batch_is_the_sum_of_its_samples():
    net, x, t = mazur()
    xb = {"i1": [0.05, 0.3, -0.2], "i2": [0.10, 0.7, 0.4]}
    tb = {"o1": [0.01, 0.5, 0.2], "o2": [0.99, 0.1, 0.6]}
    batch = textbook.label(net, xb, tb)
    singles = [textbook.label(net, {n: v[k] for n, v in xb.items()}, {n: v[k] for n, v in tb.items()})
               for k in range(3)]
    assert batch.value == pytest.approx(sum(s.value for s in singles), rel=1e-14)
    for e in net.edges:
        assert batch.weight_grad[e] == pytest.approx(sum(s.weight_grad[e] for s in singles), rel=1e-13)
    np.testing.assert_allclose(batch.delta["h1"], [s.delta["h1"] for s in singles], rtol=1e-14)


def test_each_sweep_is_at_most_40_lines():
    for fn in (textbook.forward_sweep, textbook.backward_sweep):
        assert len(inspect.getsource(fn).splitlines()) <= 40, fn.__name__
