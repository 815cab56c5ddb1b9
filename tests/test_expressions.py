"""Primitives defined in a network file as expressions in s, and the whitelist."""

import json
import math

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas.network.expressions import file_primitives

import reference as R

MYSIG = {"mysig": {"f": "1/(1+exp(-s))", "df": "mysig(s)*(1-mysig(s))"}}
S = np.array([-30.0, -7.5, -2.0, -0.3, 0.0, 0.1, 1.0, 3.7, 12.0, 30.0])


def mysig(s):
    return 1.0 / (1.0 + math.exp(-s))


def test_mysig_from_a_file_spec_evaluates_correctly():
    prim = file_primitives(MYSIG)["mysig"]
    assert prim.source == (MYSIG["mysig"]["f"], MYSIG["mysig"]["df"])
    f, df = np.asarray(prim.f(S)), np.asarray(prim.df(S))
    for k, s in enumerate(S):
        assert f[k] == pytest.approx(mysig(s), rel=1e-14)
        assert df[k] == pytest.approx(mysig(s) * (1 - mysig(s)), rel=1e-12, abs=1e-300)
    # df agrees with central differences of f
    h = 1e-6 * np.maximum(1, np.abs(S))
    np.testing.assert_allclose(df, (prim.f(S + h) - prim.f(S - h)) / (2 * h), rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("f, df, ref_f, ref_df", [
    ("log(1+exp(s))", "1/(1+exp(-s))", lambda s: math.log(1 + math.exp(s)), lambda s: 1 / (1 + math.exp(-s))),
    ("sqrt(s*s + 1)", "s/sqrt(s*s+1)", lambda s: math.sqrt(s * s + 1), lambda s: s / math.sqrt(s * s + 1)),
    ("s**3 - 2*s + 0.5", "3*s**2 - 2", lambda s: s ** 3 - 2 * s + 0.5, lambda s: 3 * s ** 2 - 2),
    ("-s/(1+abs(s))", "-1/(1+abs(s))**2", lambda s: -s / (1 + abs(s)), lambda s: -1 / (1 + abs(s)) ** 2),
    ("+tanh(2.5e-1*s)", "0.25*(1-tanh(0.25*s)**2)", lambda s: math.tanh(0.25 * s),
     lambda s: 0.25 * (1 - math.tanh(0.25 * s) ** 2)),
    ("gaussian(s) + sin(s)*cos(s)", "-2*s*gaussian(s) + cos(s)**2 - sin(s)**2",
     lambda s: math.exp(-s * s) + math.sin(s) * math.cos(s),
     lambda s: -2 * s * math.exp(-s * s) + math.cos(s) ** 2 - math.sin(s) ** 2),
    ("2", "0", lambda s: 2.0, lambda s: 0.0),
])
def test_other_whitelisted_expressions(f, df, ref_f, ref_df):
    prim = file_primitives({"mine": {"f": f, "df": df}})["mine"]
    xs = np.linspace(-3, 3, 13)
    got_f = np.broadcast_to(prim.f(xs), xs.shape)
    got_df = np.broadcast_to(prim.df(xs), xs.shape)
    for k, s in enumerate(xs):
        assert got_f[k] == pytest.approx(ref_f(s), rel=1e-13, abs=1e-15)
        assert got_df[k] == pytest.approx(ref_df(s), rel=1e-12, abs=1e-15)


def mysig_graph(fn="mysig"):
    G = nx.DiGraph(params={"t": 0.4}, primitives=dict(MYSIG))
    G.add_node("x1", fn="input")
    G.add_node("x2", fn="input")
    G.add_node("h", fn=fn, bias=0.3)
    G.add_node("p", fn=fn, combine="product")
    G.add_node("y", fn=fn, bias=-0.2)
    G.add_edge("x1", "h", weight=1.5)
    G.add_edge("x2", "h", param="t")
    G.add_edge("x1", "p", weight=-0.7)
    G.add_edge("h", "p", weight=1.1)
    G.add_edge("h", "y", param="t")
    G.add_edge("p", "y", weight=0.8)
    return G


def test_a_network_with_a_file_primitive_labels_correctly(tmp_path):
    G = mysig_graph()
    x, t = {"x1": 0.6, "x2": -1.1}, {"y": 0.25}
    prims = {"mysig": (mysig, lambda s: mysig(s) * (1 - mysig(s)))}
    fd = R.finite_differences(G, x, t, prims=prims)
    doc = nx.node_link_data(G, edges="edges")
    path = tmp_path / "mysig.json"
    path.write_text(json.dumps(doc))
    built = (rojas.Network().add_primitive("mysig", MYSIG["mysig"]["f"], MYSIG["mysig"]["df"])
             .add_param("t", 0.4).add_input("x1").add_input("x2")
             .add_unit("h", "mysig", bias=0.3).add_unit("p", "mysig", combine="product")
             .add_unit("y", "mysig", bias=-0.2))
    for u, v, d in G.edges(data=True):
        built.add_edge(u, v, **d)
    for net in (rojas.Network(G), rojas.load(path), built):
        lab = rojas.label(net, x, t)
        assert lab.value == pytest.approx(R.objective(G, x, t, prims=prims), rel=1e-13)
        for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad),
                          ("param", lab.param_grad), ("input", lab.input_grad)):
            for k, g in fd[key].items():
                assert mine[k] == pytest.approx(g, rel=1e-6, abs=1e-8), (key, k)
    # the same network with the built-in sigmoid gives the same labels
    ref = rojas.label(rojas.Network(mysig_graph("sigmoid")), x, t)
    lab = rojas.label(rojas.Network(G), x, t)
    for k in ref.weight_grad:
        assert lab.weight_grad[k] == pytest.approx(ref.weight_grad[k], rel=1e-12, abs=1e-15)


def test_file_primitives_calling_each_other_and_complex_steps():
    spec = {"a2": {"f": "b2(s)*2", "df": "2*db2(s)"},
            "b2": {"f": "s*s+sin(s)", "df": "db2(s)"},
            "db2": {"f": "2*s+cos(s)", "df": "2-sin(s)"}}
    prims = file_primitives(spec)
    xs = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(prims["a2"].f(xs), 2 * (xs ** 2 + np.sin(xs)), rtol=1e-14)
    np.testing.assert_allclose(prims["a2"].df(xs), 2 * (2 * xs + np.cos(xs)), rtol=1e-14)
    h = 1e-20
    for name in spec:
        assert prims[name].complex_safe
        np.testing.assert_allclose(np.imag(prims[name].f(xs + 1j * h)) / h, prims[name].df(xs),
                                   rtol=1e-12, atol=1e-14)
    assert not file_primitives({"r": {"f": "relu(s)", "df": "1"}})["r"].complex_safe
    assert not file_primitives({"r": {"f": "abs(s)", "df": "1"}})["r"].complex_safe


# ---------------------------------------------------------------------------- the whitelist
REFUSED = [
    # (expression, something the message must mention: the column, or the name)
    ("s.real", "column 1"),
    ("exp(s).real", "column 1"),
    ("s.__class__", "column 1"),
    ("s[0]", "column 1"),
    ("1 + s[0]", "column 5"),
    ("(lambda x: x)(s)", "column"),
    ("lambda s: s", "column 1"),
    ("[s for s in s]", "column 1"),
    ("sum(t for t in s)", "column"),
    ("{s: 1 for s in [1]}", "column 1"),
    ("'abc'", "column 1"),
    ("s + 'x'", "column 5"),
    ("b'x'", "column 1"),
    ("f'{s}'", "column 1"),
    ("x", "'x'"),
    ("s + y", "'y'"),
    ("exp", "'exp'"),
    ("sigmoid(s=s)", "column 1"),
    ("exp(s, 2)", "column 1"),
    ("exp(*s)", "column"),
    ("__import__('os')", "column"),
    ("__import__(s)", "__import__"),
    ("eval(s)", "eval"),
    ("exec(s)", "exec"),
    ("open(s)", "open"),
    ("getattr(s)", "getattr"),
    ("globals(s)", "globals"),
    ("s % 2", "column 1"),
    ("s // 2", "column 1"),
    ("s < 1", "column 1"),
    ("s if s else 1", "column 1"),
    ("s and 1", "column 1"),
    ("(s := 1)", "column"),
    ("1j", "column 1"),
    ("True", "column 1"),
    ("None", "column 1"),
    ("[s]", "column 1"),
    ("exp(s)(s)", "column 1"),
    ("s +* 2", "column"),
]


@pytest.mark.parametrize("text, mention", REFUSED)
@pytest.mark.parametrize("field", ["f", "df"])
def test_whitelist_refusals(text, mention, field):
    entry = {"f": "s", "df": "1"}
    entry[field] = text
    with pytest.raises(rojas.NetworkError) as info:
        file_primitives({"bad": entry})
    msg = str(info.value)
    assert mention in msg, msg
    assert "bad" in msg and f"'{field}'" in msg, msg


@pytest.mark.parametrize("text, mention", [("s.real", "column"), ("__import__(s)", "__import__"),
                                           ("open(s)", "open"), ("s[0]", "column")])
def test_whitelist_refusals_through_a_network_file(tmp_path, text, mention):
    doc = {"directed": True, "multigraph": False,
           "graph": {"params": {}, "primitives": {"bad": {"f": text, "df": "1"}}},
           "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "bad"}],
           "edges": [{"source": "x", "target": "y", "weight": 1.0}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(rojas.NetworkError) as info:
        rojas.load(path)
    assert mention in str(info.value) and "bad.json" in str(info.value)
    G = nx.node_link_graph(doc, edges="edges")
    with pytest.raises(rojas.NetworkError, match="bad"):
        rojas.Network(G)
    with pytest.raises(rojas.NetworkError):
        rojas.Network().add_primitive("bad", text, "1")


def test_nothing_from_a_file_is_executed(tmp_path, monkeypatch):
    """A refused expression must not run: a side-effecting builtin is never called."""
    import builtins

    calls = []
    monkeypatch.setattr(builtins, "print", lambda *a, **k: calls.append(a))
    for text in ("print(s)", "__import__('os').system('echo hi')", "open('/etc/passwd')"):
        with pytest.raises(rojas.NetworkError):
            file_primitives({"bad": {"f": text, "df": "1"}})
    assert calls == []


def test_the_column_points_into_the_text_quoted_in_the_message():
    """With leading blanks the reported column must still index the quoted text."""
    text = "   s.real"
    with pytest.raises(rojas.NetworkError) as info:
        file_primitives({"bad": {"f": text, "df": "1"}})
    msg = str(info.value)
    assert repr(text) in msg
    assert "column 4" in msg, msg   # 's' of 's.real' is the 4th character of '   s.real'


@pytest.mark.parametrize("spec, mention", [
    ({"sigmoid": {"f": "s", "df": "1"}}, "sigmoid"),           # shadows a built-in
    ({"log": {"f": "s", "df": "1"}}, "log"),                   # reserved
    ({"s": {"f": "s", "df": "1"}}, "'s'"),                     # reserved
    ({"input": {"f": "s", "df": "1"}}, "input"),
    ({"two words": {"f": "s", "df": "1"}}, "two words"),
    ({"m": {"f": "s"}}, "'m'"),                                # df missing
    ({"m": {"f": "s", "df": "1", "extra": "2"}}, "'m'"),
    ({"m": {"f": 1, "df": "1"}}, "'m'"),                       # not a string
    ({"m": "s"}, "'m'"),
    ({"a": {"f": "b(s)", "df": "1"}, "b": {"f": "a(s)", "df": "1"}}, "cycle"),
    ({"a": {"f": "a(s)", "df": "1"}}, "cycle"),
])
def test_malformed_file_primitive_specs(spec, mention):
    with pytest.raises(rojas.NetworkError) as info:
        file_primitives(spec)
    assert mention in str(info.value), str(info.value)


# ---------------------------------------------------------------------------- bounded evaluation
def _chain(n, f="p{k}(s)", first=("tanh(s)", "1-tanh(s)**2"), df="1"):
    spec = {"p0": {"f": first[0], "df": first[1]}}
    for k in range(1, n):
        spec[f"p{k}"] = {"f": f.format(k=k - 1), "df": df.format(k=k - 1)}
    return spec


def test_primitives_doubling_each_other_evaluate_each_call_once():
    """p_k = p_{k-1}(s) + p_{k-1}(s), k = 1..39, is 2^39·sin(s): each distinct call runs once."""
    prims = file_primitives(_chain(40, "p{k}(s)+p{k}(s)", ("sin(s)", "cos(s)"), "2*p{k}(s)"))
    calls = []
    counting = rojas.network.expressions.Backend(
        "counting", float, rojas.network.expressions.NUMPY.binary, rojas.network.expressions.NUMPY.unary,
        lambda name: (lambda a: calls.append(name) or np.sin(a)))
    xs = np.array([0.3, -1.2])
    got = prims["p39"].program.evaluate("p39", "f", xs, counting)
    np.testing.assert_allclose(got, 2.0 ** 39 * np.sin(xs), rtol=1e-15)
    assert calls == ["sin"]  # sin(s) once, not 2^39 times
    np.testing.assert_allclose(prims["p39"].f(xs), 2.0 ** 39 * np.sin(xs), rtol=1e-15)


@pytest.mark.slow
@pytest.mark.parametrize("n", [1100, 3000])
def test_long_chains_of_primitives_load_and_evaluate_without_recursion(n):
    """p0 = tanh, p_k = tanh(p_{k-1}(s)): p_{n-1} is tanh applied n times; its df is 1 − p_{n-2}(s)²."""
    prims = file_primitives(_chain(n, "tanh(p{k}(s))", df="1-p{k}(s)**2"))
    x = np.array([0.9, -0.4])
    inner = x.copy()
    for _ in range(n - 1):
        inner = np.tanh(inner)
    np.testing.assert_allclose(prims[f"p{n - 1}"].f(x), np.tanh(inner), rtol=1e-14)
    np.testing.assert_allclose(prims[f"p{n - 1}"].df(x), 1 - inner ** 2, rtol=1e-14)


def test_thirty_primitives_each_nesting_sin_sixty_deep():
    spec = {"p0": {"f": "s", "df": "1"}}
    for k in range(1, 31):
        spec[f"p{k}"] = {"f": "sin(" * 60 + f"p{k - 1}(s)" + ")" * 60, "df": "1"}
    x = np.array([1.3])
    expected = x.copy()
    for _ in range(30 * 60):
        expected = np.sin(expected)
    np.testing.assert_allclose(file_primitives(spec)["p30"].f(x), expected, rtol=1e-14)


def test_genuinely_exponential_expansion_is_refused_at_load_naming_the_primitive():
    with pytest.raises(rojas.NetworkError) as info:
        file_primitives(_chain(40, "p{k}(s)+p{k}(2*s)"))
    msg = str(info.value)
    # p0 = sin(s) is 2 operations (s, sin); p_k is 6 of its own (s, 2, 2*s, two calls, +) plus its two
    # callees: 6 + 2·size(p_{k-1}) = 8·2^k − 6, first over 100,000 at k = 14
    assert "primitive 'p14', field 'f', expands to 131066 operations" in msg, msg
    assert "ROJAS_MAX_EXPRESSION_SIZE" in msg


@pytest.mark.slow
def test_limits_are_raised_and_lowered_through_the_environment(monkeypatch):
    spec = _chain(40, "p{k}(s)+p{k}(2*s)")
    monkeypatch.setenv("ROJAS_MAX_EXPRESSION_SIZE", str(8 * 2 ** 16))  # p16 is 8·2^16 − 6
    assert file_primitives({k: spec[k] for k in list(spec)[:17]})["p16"].f(0.0) == pytest.approx(0.0)
    monkeypatch.setenv("ROJAS_MAX_CALL_DEPTH", "10")
    with pytest.raises(rojas.NetworkError, match=r"'p10', field 'f', calls file primitives 11 deep"):
        file_primitives(_chain(12))
    monkeypatch.setenv("ROJAS_MAX_CALL_DEPTH", "ten")
    with pytest.raises(rojas.RojasError, match="ROJAS_MAX_CALL_DEPTH='ten' is not a positive integer"):
        file_primitives(_chain(12))


@pytest.mark.parametrize("text, mention", [
    ("s + " + "7" * 400, "an integer of 400 digits does not fit a float64"),
    ("s + 1e400", "beyond the float64 range"),
    ("s + " + "1" * 5000, "Exceeds the limit (4300 digits)"),
    ("-" * 300 + "s", "levels deep, over the limit of 200"),
    ("s+" * 6000 + "s", "over the limit of 10000"),
])
def test_literal_size_and_depth_limits(text, mention):
    with pytest.raises(rojas.NetworkError) as info:
        file_primitives({"big": {"f": text, "df": "1"}})
    msg = str(info.value)
    assert mention in msg and "'big'" in msg, msg
    assert len(msg) < 300, msg  # one readable line: long texts are shortened


@pytest.mark.slow
def test_a_long_cycle_is_found_in_linear_time_and_named_briefly():
    spec = _chain(5000)
    spec["p0"] = {"f": "p4999(s)", "df": "1"}
    with pytest.raises(rojas.NetworkError, match=r"cycle through 'f': .* \(5000 primitives\)") as info:
        file_primitives(spec)
    assert len(str(info.value)) < 300


def test_the_sympy_backend_gives_the_same_function():
    sp = pytest.importorskip("sympy")
    spec = {"a2": {"f": "b2(s)*2", "df": "2*db2(s)"},
            "b2": {"f": "s*s+sin(s)", "df": "db2(s)"},
            "db2": {"f": "2*s+cos(s)", "df": "2-sin(s)"},
            "m": {"f": "log(1+exp(s)) + sqrt(s*s+1) - abs(s) + sigmoid(s)", "df": "1"}}
    prims = file_primitives(spec)
    s = sp.Symbol("s")
    backend = rojas.network.expressions.sympy_backend(sp)
    f = prims["a2"].program.evaluate("a2", "f", s, backend)
    assert sp.simplify(f - 2 * (s ** 2 + sp.sin(s))) == 0
    assert sp.simplify(sp.diff(f, s) - prims["a2"].program.evaluate("a2", "df", s, backend)) == 0
    m = prims["m"].program.evaluate("m", "f", s, backend)
    for x in (-1.5, 0.25, 2.0):
        assert float(m.subs(s, x)) == pytest.approx(float(prims["m"].f(np.array(x))), rel=1e-14)


def test_the_sympy_backend_takes_huge_powers_of_numbers_in_floating_point():
    sp = pytest.importorskip("sympy")
    prim = file_primitives({"m": {"f": "s + (1/10)**(10**9)", "df": "1"}})["m"]
    s = sp.Symbol("s")
    expr = prim.program.evaluate("m", "f", s, rojas.network.expressions.sympy_backend(sp))
    small = expr - s
    assert small.is_Float and small.is_positive and str(small).endswith("e-1000000000"), small


def test_the_sympy_backend_keeps_constants_exact_only_within_a_float64s_range():
    sp = pytest.importorskip("sympy")
    from rojas.network.backends import MAX_EXACT_BITS
    spec = {"exact": {"f": "s + 1/(2**64 * 2**60) + 3**64", "df": "1"},
            "tower": {"f": "s + 1/((((3**64)**64)**64)**64)", "df": "1"},
            "product": {"f": "s + 1/((3**64)**64 * (3**64)**64 * (3**64)**64)", "df": "1"}}
    prims = file_primitives(spec)
    s = sp.Symbol("s")
    backend = rojas.network.expressions.sympy_backend(sp)
    const = {name: prims[name].program.evaluate(name, "f", s, backend) - s for name in spec}
    assert MAX_EXACT_BITS == 1024  # 2**1024: just past the largest float64
    assert const["exact"] == sp.Rational(1, 2 ** 124) + sp.Integer(3) ** 64  # small: exact, as written
    # 3**(64**4) and 3**(3*64**2) have 125,075 and 5,864 digits: Floats (no printer meets them), of the
    # right size: log10 of the reciprocal is the exponent times log10(3)
    for name, power in (("tower", 64 ** 4), ("product", 3 * 64 ** 2)):
        assert const[name].is_Float and const[name].is_positive, const[name]
        assert float(-sp.log(const[name], 10)) == pytest.approx(power * math.log10(3), rel=1e-9)
