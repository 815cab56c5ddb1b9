"""The primitives: derivatives, extreme arguments, registration, complex steps."""

import math
import uuid
import warnings

import networkx as nx
import numpy as np
import pytest

import rojas

import reference as R

BUILTINS = ("identity", "sigmoid", "tanh", "relu", "softplus", "sin", "cos", "exp", "square", "gaussian")
POINTS = np.concatenate([np.linspace(-30.0, 30.0, 241), [-30.0, 30.0, -7.3, -1e-3, 1e-3, 0.37, 2.9, 12.5]])


def central(f, s):
    h = 1e-6 * np.maximum(1.0, np.abs(s))
    return (f(s + h) - f(s - h)) / (2.0 * h)


def test_the_builtins_are_registered():
    assert set(BUILTINS) <= set(rojas.primitive_names())


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_df_matches_central_differences(name):
    p = rojas.get_primitive(name)
    s = POINTS[POINTS != 0.0] if name == "relu" else POINTS   # relu has a kink at 0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        df = np.asarray(p.df(s), dtype=float)
        fd = central(p.f, s)
    assert df.shape == s.shape
    scale = np.maximum(1.0, np.abs(np.asarray(p.f(s))))
    np.testing.assert_allclose(df, fd, rtol=1e-6, atol=1e-7 * scale.max() if name == "exp" else 1e-8)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_matches_the_textbook_formula(name):
    """f and df against ``math`` written from the definitions (tests/reference.py)."""
    p = rojas.get_primitive(name)
    f, df = R.PRIMITIVES[name]
    for s in POINTS:
        if name == "relu" and s == 0.0:
            continue
        assert float(p.f(np.array(s))) == pytest.approx(f(float(s)), rel=1e-13, abs=1e-300)
        # 1 - tanh(s)^2 and y(1 - y) cancel in the tails: absolute accuracy there
        assert float(p.df(np.array(s))) == pytest.approx(df(float(s)), rel=1e-12, abs=1e-15)
    # scalars in, arrays of the same shape in: same numbers out
    grid = POINTS.reshape(-1, 1)[:6]
    assert np.asarray(p.f(grid)).shape == grid.shape
    assert np.asarray(p.df(grid)).shape == grid.shape


@pytest.mark.parametrize("s", [1000.0, -1000.0, 745.0, -745.0, 710.0, -710.0, 0.0])
def test_sigmoid_and_softplus_are_exact_at_extreme_arguments(s):
    sig = rojas.get_primitive("sigmoid")
    sp = rojas.get_primitive("softplus")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            values = {
                "sigmoid": float(sig.f(np.array(s))), "sigmoid scalar": float(sig.f(s)),
                "dsigmoid": float(sig.df(np.array(s))),
                "softplus": float(sp.f(np.array(s))), "softplus scalar": float(sp.f(s)),
                "dsoftplus": float(sp.df(np.array(s))),
            }
            vec = np.array([s, -s])
            vsig, vsp = sig.f(vec), sp.f(vec)
    assert all(math.isfinite(v) for v in values.values()), values
    assert np.isfinite(vsig).all() and np.isfinite(vsp).all()
    if s > 0:
        assert values["sigmoid"] == 1.0 and values["sigmoid scalar"] == 1.0
        assert values["softplus"] == s and values["softplus scalar"] == s   # log(1+e^s) = s + log1p(e^-s)
        assert values["dsoftplus"] == 1.0
        # 1 - sigmoid(s) underflows in double precision: the derivative is e^-s or 0
        assert 0.0 <= values["dsigmoid"] <= 2 * math.exp(-s) + 5e-324
    elif s < 0:
        tiny = math.exp(s)  # sigmoid(s) = e^s / (1 + e^s) = e^s here; 0.0 at -1000
        assert values["sigmoid"] == pytest.approx(tiny, rel=1e-12, abs=5e-324)
        assert values["softplus"] == pytest.approx(tiny, rel=1e-12, abs=5e-324)  # log1p(e^s) = e^s
        assert values["dsoftplus"] == pytest.approx(tiny, rel=1e-12, abs=5e-324)
        assert values["dsigmoid"] == pytest.approx(tiny, rel=1e-12, abs=5e-324)
        assert 0.0 <= values["sigmoid"] < 1e-300 and 0.0 <= values["softplus"] < 1e-300
    else:
        assert values["sigmoid"] == 0.5 and values["softplus"] == math.log(2.0)
        assert values["dsigmoid"] == 0.25
    assert np.isfinite(vsig).all()


def test_sigmoid_network_at_extreme_net_inputs_labels_without_warnings():
    net = (rojas.Network().add_input("x").add_unit("h", "sigmoid").add_unit("y", "softplus")
           .add_edge("x", "h", weight=1.0).add_edge("h", "y", weight=1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lab = rojas.label(net, {"x": [1000.0, -1000.0, 745.0, -745.0]})
    np.testing.assert_array_equal(lab.o["h"], [1.0, 0.0, 1.0, math.exp(-745.0)])


# ---------------------------------------------------------------------------- registration
def unique(stem):
    return f"{stem}_{uuid.uuid4().hex[:8]}"


def softsign_pair():
    f = lambda s: s / (1.0 + np.abs(s))                      # noqa: E731
    df = lambda s: 1.0 / (1.0 + np.abs(s)) ** 2              # noqa: E731
    ref = (lambda s: s / (1.0 + abs(s)), lambda s: 1.0 / (1.0 + abs(s)) ** 2)
    return f, df, ref


def test_register_primitive_is_usable_in_a_network():
    name = unique("softsign")
    f, df, ref = softsign_pair()
    prim = rojas.register_primitive(name, f, df)
    assert isinstance(prim, rojas.Primitive) and prim.name == name
    assert name in rojas.primitive_names()
    assert rojas.get_primitive(name) is prim
    G = nx.DiGraph(params={"t": -0.6})
    for n in ("x1", "x2"):
        G.add_node(n, fn="input")
    G.add_node("h1", fn=name, bias=0.2)
    G.add_node("h2", fn=name, combine="product", bias=-0.1)
    G.add_node("y", fn="tanh")
    G.add_edge("x1", "h1", weight=1.3)
    G.add_edge("x2", "h1", param="t")
    G.add_edge("x1", "h2", weight=0.8)
    G.add_edge("h1", "h2", weight=-1.1)
    G.add_edge("h1", "y", param="t")
    G.add_edge("h2", "y", weight=0.9)
    x, t = {"x1": 0.7, "x2": -1.4}, {"y": 0.3}
    lab = rojas.label(rojas.Network(G), x, t)
    fd = R.finite_differences(G, x, t, prims={name: ref})
    for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad),
                      ("param", lab.param_grad), ("input", lab.input_grad)):
        for k, g in fd[key].items():
            assert mine[k] == pytest.approx(g, rel=1e-6, abs=1e-8), (key, k)
    assert lab.value == pytest.approx(R.objective(G, x, t, prims={name: ref}), rel=1e-14)


def test_register_primitive_refuses_duplicates_and_builtins():
    name = unique("dup")
    f, df, _ = softsign_pair()
    rojas.register_primitive(name, f, df)
    with pytest.raises(rojas.NetworkError, match=name):
        rojas.register_primitive(name, f, df)
    for builtin in BUILTINS:
        with pytest.raises(rojas.NetworkError, match=builtin):
            rojas.register_primitive(builtin, f, df)
        with pytest.raises(rojas.NetworkError, match=builtin):
            rojas.register_primitive(builtin, f, df, replace=True)
        assert rojas.get_primitive(builtin).f is not f
    for reserved in ("input", "s", "log", "sqrt", "abs"):
        with pytest.raises(rojas.NetworkError):
            rojas.register_primitive(reserved, f, df)
    for bad in ("two words", "1abc", "", 3, None):
        with pytest.raises(rojas.NetworkError):
            rojas.register_primitive(bad, f, df)
    with pytest.raises(rojas.NetworkError):
        rojas.register_primitive(unique("nf"), 1.0, df)
    with pytest.raises(rojas.NetworkError):
        rojas.register_primitive(unique("nf"), f, "s")
    # the builtins still compute what they did
    assert float(rojas.get_primitive("sigmoid").f(np.array(0.0))) == 0.5


def test_replacing_a_registered_primitive_is_seen_by_a_network_already_labeled():
    """replace=True is allowed for user primitives; later labelings must use the new f."""
    name = unique("scaled")
    rojas.register_primitive(name, lambda s: 2.0 * s, lambda s: 2.0 + 0.0 * s)
    net = rojas.Network().add_input("x").add_unit("y", name).add_edge("x", "y", weight=1.0)
    assert rojas.label(net, {"x": 1.5}).value == pytest.approx(3.0)
    rojas.register_primitive(name, lambda s: 3.0 * s, lambda s: 3.0 + 0.0 * s, replace=True)
    lab = rojas.label(net, {"x": 1.5})
    assert lab.value == pytest.approx(4.5)
    assert lab.grad("x") == pytest.approx(3.0)


def test_unknown_primitive_is_refused_naming_the_node():
    G = nx.DiGraph()
    G.add_node("x", fn="input")
    G.add_node("y", fn="no_such_prim")
    G.add_edge("x", "y", weight=1.0)
    with pytest.raises(rojas.NetworkError, match="no_such_prim"):
        rojas.Network(G)


# ---------------------------------------------------------------------------- complex step
@pytest.mark.parametrize("name", BUILTINS)
def test_complex_step_through_complex_safe_primitives(name):
    p = rojas.get_primitive(name)
    if name == "relu":
        assert not p.complex_safe  # not analytic at 0
        return
    assert p.complex_safe
    h = 1e-20
    s = POINTS
    out = np.asarray(p.f(s + 1j * h))
    assert np.iscomplexobj(out)
    np.testing.assert_allclose(out.imag / h, np.asarray(p.df(s), dtype=float), rtol=1e-12, atol=1e-14)
    # the real part is f(s) up to O(h^2) (and numpy's complex log1p is only absolutely accurate)
    np.testing.assert_allclose(out.real, np.asarray(p.f(s), dtype=float), rtol=1e-14, atol=1e-15)
    # df accepts complex arrays too (complex_safe promises both)
    d = np.asarray(p.df(s + 1j * h))
    np.testing.assert_allclose(d.real, np.asarray(p.df(s), dtype=float), rtol=1e-12, atol=1e-14)


def test_complex_step_through_a_registered_complex_safe_primitive():
    name = unique("cubic")
    p = rojas.register_primitive(name, lambda s: s ** 3 - 2.0 * s, lambda s: 3.0 * s ** 2 - 2.0,
                                 complex_safe=True)
    assert p.complex_safe
    s = np.linspace(-3, 3, 13)
    h = 1e-20
    np.testing.assert_allclose(np.imag(p.f(s + 1j * h)) / h, 3 * s ** 2 - 2, rtol=1e-13, atol=1e-14)
    assert not rojas.register_primitive(unique("plain"), abs, abs).complex_safe


def test_one_function_table_for_numpy_and_sympy():
    """Every name an expression may call has a NumPy f, a derivative and a SymPy form that agree."""
    sp = pytest.importorskip("sympy")
    from rojas.network.primitives import BUILTIN_NAMES, EXTRA_FUNCTIONS, function_table

    table = function_table()
    assert set(table) == set(rojas.primitive_names()) | set(EXTRA_FUNCTIONS)
    z = sp.Symbol("z", positive=True)  # where log, sqrt, abs and relu are all smooth
    for name in sorted(BUILTIN_NAMES | set(EXTRA_FUNCTIONS)):
        prim = table[name]
        expr = prim.sympy(sp, z)
        for x in (0.3, 1.7, 2.9):
            assert float(expr.subs(z, x)) == pytest.approx(float(prim.f(np.array(x))), rel=1e-14), name
            assert float(sp.diff(expr, z).subs(z, x)) == pytest.approx(float(prim.df(np.array(x))),
                                                                       rel=1e-13), name
