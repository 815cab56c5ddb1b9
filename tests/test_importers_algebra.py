"""The importers' tensor algebra against NumPy on the same numbers.

Every value (units, numbers, params, pending affine maps) is evaluated here
by a few lines of NumPy written for the test -- ``Σ w·o[src] + b`` per
element -- and compared with NumPy's own broadcasting, transposes, reductions
and concatenations of the evaluated operands.  Then the grown network's
forward sweep must give the same numbers again.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import rojas
from rojas.importers import algebra as A
from rojas.importers.convolution import conv, pool, windows
from rojas.importers.expand import Const, Graph, Param, Units


def evaluate(g, value, o):
    """The value's numbers, given every unit's output `o` (an array over unit ids)."""
    p = np.concatenate(g._pvalues) if g._pvalues else np.zeros(0)
    if isinstance(value, Const):
        return np.asarray(value.value, float)
    if isinstance(value, Param):
        return p[value.idx]
    if isinstance(value, Units):
        return o[value.ids]
    w = np.where(value.pidx >= 0, p[np.maximum(value.pidx, 0)] if len(p) else 0, value.coef)
    out = np.where(value.bpidx >= 0, p[np.maximum(value.bpidx, 0)] if len(p) else 0, value.bconst)
    np.add.at(out, value.dst, w * o[value.src])
    return out.reshape(value.shape)


def _setup(seed):
    rng = np.random.default_rng(seed)
    g = Graph(drop_batch=False)
    x = g.units("x", (2, 3), "input")
    o = rng.standard_normal(6)
    W = g.params("W", rng.standard_normal((3, 3)))
    b = g.params("b", rng.standard_normal(3))
    return g, x, o, W, b, rng


def network_agrees(g, value, o, x):
    """The grown network's forward sweep gives `value`'s numbers (its units made into outputs)."""
    units = g.materialize(value, "result")
    net = g.network(units.ids.ravel(), "algebra")
    names = np.asarray(g.names, dtype=object)
    from rojas.importers.crosscheck import forward_outputs

    got = forward_outputs(net, dict(zip(names[x.ids.ravel()].tolist(), o[x.ids.ravel()].tolist())),
                          {"r": names[units.ids]})["r"]
    return got


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["skip", "residual", "scaled", "bias_on_bias", "product",
                                               "transpose", "concat", "reduce", "broadcast"]))
def test_operations_agree_with_numpy(seed, case):
    g, x, o, W, b, rng = _setup(seed)
    X, Wv, bv = o[x.ids], evaluate(g, W, o), evaluate(g, b, o)
    lin = A.add(g, A.matmul(g, x, W, "lin"), b, "lin")  # (2, 3)
    L = X @ Wv + bv
    if case == "skip":  # two affine maps of shared sources into one unit each
        M = rng.standard_normal((3, 3))
        value, want = A.add(g, lin, A.matmul(g, x, Const(M), "m"), "s"), L + X @ M
    elif case == "residual":  # the same source twice on one element, once through a param
        value, want = A.add(g, x, lin, "r", sign=-1.0), X - L
    elif case == "scaled":
        c = rng.standard_normal(3)
        value, want = A.scale(g, lin, Const(c), "c"), L * c
    elif case == "bias_on_bias":
        value, want = A.add(g, lin, b, "bb"), L + bv
    elif case == "product":
        value, want = A.multiply(g, lin, A.activation(g, lin, "tanh", "t"), "p"), L * np.tanh(L)
    elif case == "transpose":
        value, want = A.transpose(lin, (1, 0)), L.T
    elif case == "concat":
        value, want = A.concat(g, [lin, x], 1, "cat"), np.concatenate([L, X], 1)
    elif case == "reduce":
        value, want = A.reduce(g, lin, [1], (2,), "red", mean=True), L.mean(1)
    else:
        value = A.add(g, A.reshape(lin, (2, 1, 3)), Const(np.zeros((2, 4, 3))), "bc")
        want = np.broadcast_to(L.reshape(2, 1, 3), (2, 4, 3))
    # units made on the way (a product, a param that could not fold) are evaluated in id order
    np.testing.assert_allclose(evaluate(g, value, _unit_values(g, o)), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(network_agrees(g, value, o, x)).reshape(np.shape(want)), want,
                               rtol=1e-12, atol=1e-12)


def _unit_values(g, o):
    """Every unit's output by one pass in id order (ids are made in topological order)."""
    p = np.concatenate(g._pvalues)
    src, dst, coef, pidx = (np.concatenate(c) if c else np.zeros(0, int) for c in (g._src, g._dst, g._coef,
                                                                                  g._pidx))
    w = np.where(pidx >= 0, p[np.maximum(pidx, 0)], coef)
    bconst, bpidx = np.concatenate(g._bconst), np.concatenate(g._bpidx)
    bias = np.where(bpidx >= 0, p[np.maximum(bpidx, 0)], bconst)
    out = np.zeros(g.n_units)
    for start, n, fn, combine in g.fns:
        for u in range(start, start + n):
            if fn == "input":
                out[u] = o[u]
                continue
            terms = w[dst == u] * out[src[dst == u]]
            s = (np.prod(terms) if combine == "product" else np.sum(terms)) + bias[u]
            out[u] = rojas.get_primitive(fn).f(np.asarray(s))
    return out


@pytest.mark.parametrize("stride, pad, dil, groups", [(1, 0, 1, 1), (2, 1, 1, 1), (1, 2, 2, 2), (3, 1, 2, 2)])
def test_conv_and_pooling_against_a_direct_loop(stride, pad, dil, groups):
    rng = np.random.default_rng(stride * 100 + pad * 10 + dil + groups)
    g = Graph(drop_batch=True)
    x = g.units("x", (1, 2, 7), "input")
    o = rng.standard_normal(14)
    k = rng.standard_normal((4, 2 // groups, 3))
    y = conv(g, x, Const(k), Const(np.full(4, 0.5)), [stride], [pad, pad], [dil], groups, "c")
    X = np.pad(o.reshape(2, 7), ((0, 0), (pad, pad)))
    n_out = (7 + 2 * pad - dil * 2 - 1) // stride + 1
    want = np.full((4, n_out), 0.5)
    for m in range(4):
        grp = m // (4 // groups)
        for c in range(2 // groups):
            for t in range(n_out):
                for j in range(3):
                    want[m, t] += k[m, c, j] * X[grp * (2 // groups) + c, t * stride + j * dil]
    np.testing.assert_allclose(evaluate(g, y, o).reshape(4, n_out), want, rtol=1e-12)
    out, flat = windows((7,), (2,), (2,), (1, 0), (1,))
    assert out == (4,) and flat.tolist() == [[-1, 1, 3, 5], [0, 2, 4, 6]]
    avg = pool(g, x, [2], [2], [1, 0], [1], "a", mode="average")
    Xp = o.reshape(2, 7)
    want = np.array([[Xp[c, 0]] + [(Xp[c, 2 * t - 1] + Xp[c, 2 * t]) / 2 for t in range(1, 4)] for c in range(2)])
    np.testing.assert_allclose(evaluate(g, avg, o).reshape(2, 4), want, rtol=1e-12)


@pytest.mark.parametrize("name, f", [("leaky_relu", lambda s: np.where(s > 0, s, 0.01 * s)),
                                     ("elu", lambda s: np.where(s > 0, s, np.exp(s) - 1)),
                                     ("log", np.log), ("reciprocal", lambda s: 1 / s)])
def test_the_primitives_the_importers_added(name, f):
    p = rojas.get_primitive(name)
    s = np.concatenate([np.linspace(-6, 6, 121), [-1e-3, 1e-3, 0.37]])
    s = s[s > 0.05] if name in ("log", "reciprocal") else s[np.abs(s) > 1e-9]
    np.testing.assert_allclose(p.f(s), f(s), rtol=1e-13)
    h = 1e-6 * np.maximum(1, np.abs(s))
    np.testing.assert_allclose(p.df(s), (p.f(s + h) - p.f(s - h)) / (2 * h), rtol=1e-6, atol=1e-8)


def test_max_pooling_routes_the_derivative_to_the_arg_max():
    net = rojas.Network().add_input("a").add_input("b").add_unit("m", "identity", combine="max")
    net.add_edge("a", "m", weight=1.0).add_edge("b", "m", weight=2.0)
    lab = rojas.label(net, {"a": [3.0, 1.0], "b": [1.0, 5.0]}, of="m")
    assert lab.value == 3.0 + 10.0  # max(3, 2) + max(1, 10)
    assert lab.weight_grad == {("a", "m"): 3.0, ("b", "m"): 5.0}  # a wins the first sample, b the second
    assert rojas.check(net, {"a": 3.0, "b": 1.0}, of="m").ok
