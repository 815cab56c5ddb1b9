"""The registry of combine modes (rojas.network.combine), against hand-computed numbers."""

import math

import numpy as np
import pytest

import rojas
from rojas.network.combine import Segments, combine_names, get_combine, register_combine


def test_builtins_value_and_partials_by_hand():
    t = np.array([2.0, -0.5, 3.0])
    s, p = get_combine("sum"), get_combine("product")
    assert s.value(t) == pytest.approx(4.5)
    assert p.value(t) == pytest.approx(-3.0)
    np.testing.assert_array_equal(s.partials(t), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(p.partials(t), [-0.5 * 3.0, 2.0 * 3.0, 2.0 * -0.5])
    # an empty sum is 0, an empty product 1
    assert s.empty == 0.0 and p.empty == 1.0
    assert p.partials(np.zeros(0)).shape == (0,) and s.partials(np.zeros(0)).shape == (0,)
    assert s.linear and not p.linear
    assert (s.symbol, p.symbol) == ("Σ", "Π")
    assert s.rule == "∂E/∂w_ij = o_i·δ_j" and p.rule.startswith("∂E/∂w_ij = δ_j·∂s_j/∂w_ij")
    assert combine_names()[:2] == ["sum", "product"]


def test_product_partials_with_zero_terms_need_no_division():
    t = np.array([0.0, 4.0, 0.0, 2.0])
    np.testing.assert_array_equal(get_combine("product").partials(t), [0.0, 0.0, 0.0, 0.0])
    t = np.array([0.0, 4.0, 2.0])
    np.testing.assert_array_equal(get_combine("product").partials(t), [8.0, 0.0, 0.0])


@pytest.mark.parametrize("name", ["sum", "product"])
def test_segments_equal_unit_by_unit(name):
    mode = get_combine(name)
    rows = np.array([0, 0, 2, 2, 2, 5, 7, 7])
    layout = Segments(rows)
    assert layout.units.tolist() == [0, 2, 5, 7] and layout.width == 3
    rng = np.random.default_rng(3)
    for terms in (rng.normal(size=8), rng.normal(size=(8, 4))):
        values, partials = mode.reduce(terms, layout)
        for k, (a, z) in enumerate([(0, 2), (2, 5), (5, 6), (6, 8)]):
            np.testing.assert_allclose(values[k], mode.value(terms[a:z]), rtol=1e-15)
            np.testing.assert_allclose(partials[a:z], mode.partials(terms[a:z]), rtol=1e-15)


def test_partials_are_the_derivatives_of_value():
    """Central differences of value() by each term, for both built-ins."""
    t = np.array([0.7, -1.3, 0.4])
    for name in ("sum", "product"):
        mode = get_combine(name)
        for i in range(len(t)):
            h = 1e-6
            up, down = t.copy(), t.copy()
            up[i] += h
            down[i] -= h
            fd = (mode.value(up) - mode.value(down)) / (2 * h)
            assert mode.partials(t)[i] == pytest.approx(fd, rel=1e-8)


def test_symbolic_forms():
    sp = pytest.importorskip("sympy")
    a, b, c = sp.symbols("a b c")
    assert get_combine("sum").symbolic(sp, [a, b, c]) == a + b + c
    assert get_combine("product").symbolic(sp, [a, b, c]) == a * b * c
    assert get_combine("product").symbolic_partial(sp, [a, b, c], 1) == a * c
    assert get_combine("sum").symbolic_partial(sp, [a, b, c], 2) == 1
    assert get_combine("sum").partial_name("u", "v") is None
    assert get_combine("product").partial_name("u", "v") == "∂s_v/∂(w·o_u)"


def test_a_third_mode_without_a_vectorized_routine():
    sp = pytest.importorskip("sympy")
    mode = register_combine("test_squares", value=lambda t: np.sum(t * t, axis=0),
                            partials=lambda t: 2.0 * t, symbol="Σ²", replace=True)
    layout = Segments([1, 1, 4])
    values, partials = mode.reduce(np.array([1.0, 2.0, -3.0]), layout)
    np.testing.assert_array_equal(values, [5.0, 9.0])
    np.testing.assert_array_equal(partials, [2.0, 4.0, -6.0])
    a, b = sp.symbols("a b")
    assert mode.symbolic(sp, [a, b]) == a**2 + b**2
    assert mode.symbolic_partial(sp, [a, b], 0) == 2 * a
    assert mode.empty == 0.0 and mode.partial_name("x", "y") == "∂s_y/∂(w·o_x)"
    assert math.isclose(mode.value(np.array([3.0, 4.0])), 25.0)


def test_registry_errors_name_the_culprit():
    with pytest.raises(rojas.NetworkError, match="unknown combine 'median'.*'sum', 'product'"):
        get_combine("median")
    with pytest.raises(rojas.NetworkError, match="'product' is already registered"):
        register_combine("product", np.sum, np.ones_like, symbol="P", replace=True)
    with pytest.raises(rojas.NetworkError, match="not an identifier"):
        register_combine("no way", np.sum, np.ones_like, symbol="?")
    with pytest.raises(rojas.NetworkError, match="must be callable"):
        register_combine("bad", 1.0, np.ones_like, symbol="?")


def test_a_registered_mode_runs_through_every_sweep():
    """A unit summing the squares of its terms, in a network with skips and a batch:
    the engine against the textbook sweeps and central differences."""
    from rojas.engine import textbook

    register_combine("test_sumsq", value=lambda t: np.sum(t * t, axis=0), partials=lambda t: 2.0 * t,
                     symbol="Σ²", replace=True)
    net = rojas.Network().add_input("x1").add_input("x2")
    net.add_unit("h", "tanh", bias=0.1).add_unit("q", "sigmoid", combine="test_sumsq", bias=-0.3)
    net.add_unit("e", "identity", combine="test_sumsq", bias=0.2)  # no in-edges: s = 0 + b
    net.add_unit("y", "identity")
    for u, v, w in (("x1", "h", 0.7), ("x2", "h", -0.4), ("h", "q", 1.2), ("x2", "q", 0.5),
                    ("q", "y", 1.5), ("x1", "y", -0.6), ("e", "y", 0.9)):
        net.add_edge(u, v, weight=w)
    for x in ({"x1": 0.3, "x2": -0.8}, {"x1": [0.3, 1.0], "x2": [-0.8, 0.2]}):
        lab = rojas.label(net, x, {"y": 0.25})
        ref = textbook.label(net, x, {"y": 0.25})
        assert lab.value == pytest.approx(ref.value, rel=1e-13)
        for e in net.edges:
            assert lab.weight_grad[e] == pytest.approx(ref.weight_grad[e], rel=1e-12, abs=1e-15)
        assert lab.s["e"] == pytest.approx(0.2)
    # by hand, one sample: s_q = (1.2·h)² + (0.5·x2)² − 0.3
    h = math.tanh(0.7 * 0.3 - 0.4 * -0.8 + 0.1)
    q = 1 / (1 + math.exp(-((1.2 * h) ** 2 + (0.5 * -0.8) ** 2 - 0.3)))
    y = 1.5 * q - 0.6 * 0.3 + 0.9 * math.tanh(0) + 0.9 * 0.2
    lab = rojas.label(net, {"x1": 0.3, "x2": -0.8}, {"y": 0.25})
    assert lab.o["y"] == pytest.approx(y, rel=1e-13)
    d_q = (y - 0.25) * 1.5 * q * (1 - q)
    assert lab.grad("h->q") == pytest.approx(d_q * 2 * (1.2 * h) * h, rel=1e-12)
    assert lab.product_partial("x2", "q") == pytest.approx(2 * 0.5 * -0.8)
    assert rojas.tangent(lab, "h->q").derivative == pytest.approx(lab.grad("h->q"), rel=1e-12)
    w = net.parameters()["weights"]
    for k in range(len(w)):
        step = np.zeros_like(w)
        step[k] = 1e-6
        fd = (rojas.evaluate(net, {"x1": 0.3, "x2": -0.8}, {"y": 0.25}, weights=w + step)
              - rojas.evaluate(net, {"x1": 0.3, "x2": -0.8}, {"y": 0.25}, weights=w - step)) / 2e-6
        assert lab.gradients()["weights"][k] == pytest.approx(fd, rel=1e-7, abs=1e-10)


def test_a_product_whose_value_is_finite_is_finite():
    # Running products in mantissa and exponent: no inf on the way to a finite value, no inf·0 = NaN.
    import numpy as np
    from rojas.network.combine import get_combine

    product = get_combine("product")
    assert product.value(np.array([1e200, 1e200, 1e-300])) == 1e100
    assert product.value(np.array([1e300, 1e300, 0.0])) == 0.0
    assert list(product.partials(np.array([1e300, 1e300, 0.0]))) == [0.0, 0.0, np.inf]
    assert list(product.partials(np.array([2.0, 3.0, -4.0]))) == [-12.0, -8.0, 6.0]


def test_products_in_and_out_of_the_safe_range_agree_with_exact_rationals():
    # Factors within [2^-k, 2^k] (k·width ≤ 1000) take plain running products; others the mantissa
    # route.  Both against Python's exact fractions, rounded once.
    from fractions import Fraction

    import numpy as np
    from rojas.network.combine import _in_safe_range, get_combine

    product = get_combine("product")
    rng = np.random.default_rng(5)
    for terms in (rng.uniform(-3, 3, 7), np.array([1e-250, 1e-250, 1e300, 4.0]), np.array([0.5, 0.0, 8.0])):
        exact_value = np.prod([Fraction(t) for t in terms.tolist()])
        assert product.value(terms) == pytest.approx(float(exact_value), rel=4e-16 * len(terms), abs=0)
        others = [float(np.prod([Fraction(u) for j, u in enumerate(terms.tolist()) if j != i]))
                  for i in range(len(terms))]
        np.testing.assert_allclose(product.partials(terms), others, rtol=4e-16 * len(terms), atol=0)
    assert _in_safe_range(np.array([2.0 ** 300, 2.0 ** -300, 0.0]), width=3)
    assert not _in_safe_range(np.array([2.0 ** 400, 1.0]), width=3)  # 3·400 > 1000: the mantissa route
    assert not _in_safe_range(np.array([np.nan, 1.0]), width=2)


def _product_net(factors, out_fn=None):
    import networkx as nx

    G = nx.DiGraph()
    for i in range(len(factors)):
        G.add_node(f"x{i}", fn="input")
        G.add_edge(f"x{i}", "p", weight=1.0)
    G.nodes["p"].update(fn="identity", combine="product")
    if out_fn:
        G.add_node("y", fn=out_fn, bias=0.1)
        G.add_edge("p", "y", weight=0.5)
    return rojas.Network(G), {f"x{i}": v for i, v in enumerate(factors)}


def test_a_finite_edge_gradient_into_a_product_unit_is_finite():
    # p = x0·x1·x2 = 1e308·1e-300·1e-7 = 10, y = 0.5·p + 0.1 = 5.1, t = 0.3: δ_y = 4.8, δ_p = 2.4.
    # ∂E/∂w(xi→p) = o_xi·(product of the others)·δ_p = p·δ_p = 24 for each i, though o_x0·δ_p
    # alone (2.4e308) overflows.  Input gradients: δ_p·p/x_i = 2.4e-307, 2.4e301, 2.4e8.
    net, x = _product_net([1e308, 1e-300, 1e-7], out_fn="identity")
    lab = rojas.label(net, x, {"y": 0.3})
    assert lab.value == pytest.approx(0.5 * 4.8 ** 2, rel=1e-14)
    for i in range(3):
        assert lab.weight_grad[(f"x{i}", "p")] == pytest.approx(24.0, rel=1e-14)
    for name, want in (("x0", 2.4e-307), ("x1", 2.4e301), ("x2", 2.4e8)):
        assert lab.input_grad[name] == pytest.approx(want, rel=1e-14)
    assert rojas.check(net, x, {"y": 0.3}, progress=False).ok


def test_the_complex_step_through_extreme_products_keeps_its_imaginary_part():
    # 1e-160·1e-160·1e160·1e160 = 1 and every weight's gradient is 1: running products of the
    # complex step would pass through 1e-320 (subnormal), losing the step's imaginary part.
    net, x = _product_net([1e-160, 1e-160, 1e160, 1e160])
    report = rojas.check(net, x, of="p", method="both", check_inputs=False, progress=False)
    assert report.ok, report.summary()
    assert all(e.complex == pytest.approx(1.0, rel=1e-12) for e in report.entries if e.kind == "weight")


def test_a_tiny_number_is_checked_with_a_step_relative_to_it():
    # E = ½(tanh(w·x) − t)² with w = 1e-200, x = 1e200: s = 1, ∂E/∂w = (tanh 1 − t)·(1 − tanh² 1)·x.
    # An absolute step of 6e-6 moves w by 6e194 times itself; the step relative to |w| agrees.
    import math

    import networkx as nx

    G = nx.DiGraph()
    G.add_node("x", fn="input")
    G.add_node("q", fn="tanh")
    G.add_edge("x", "q", weight=1e-200)
    net = rojas.Network(G)
    want = (math.tanh(1.0) - 0.3) * (1 - math.tanh(1.0) ** 2) * 1e200
    report = rojas.check(net, {"x": 1e200}, {"q": 0.3}, method="both", directions=0, check_inputs=False,
                         progress=False)
    (w,) = [e for e in report.entries if e.kind == "weight"]
    assert report.ok and w.backward == pytest.approx(want, rel=1e-14)
    assert w.central == pytest.approx(want, rel=1e-6) and w.complex == pytest.approx(want, rel=1e-12)
    assert "relative to |x| = 1e-200" in w.note
