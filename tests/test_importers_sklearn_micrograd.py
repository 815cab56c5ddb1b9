"""scikit-learn's MLPs and micrograd's expressions as Rojas networks; their own backprop is the oracle."""

import numpy as np
import pytest

import rojas
from importers_helpers import need
from rojas.importers.compare import named_gradients


def backprop(est, X, y, *lists):
    """scikit-learn's own backward pass; its signature gained ``sample_weight`` in version 1.7."""
    import inspect

    if "sample_weight" in inspect.signature(est._backprop).parameters:
        return est._backprop(X, y, None, *lists)
    return est._backprop(X, y, *lists)


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic", "identity"])
def test_an_mlp_regressor_gradient_is_scikit_learns_own_backprop(activation):
    need("sklearn")
    import warnings

    from sklearn.datasets import load_linnerud
    from sklearn.neural_network import MLPRegressor

    X, Y = load_linnerud(return_X_y=True)  # 20 athletes, 3 exercises → 3 body measurements
    X, Y = (X - X.mean(0)) / X.std(0), (Y - Y.mean(0)) / Y.std(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few iterations only: not converged, on purpose
        est = MLPRegressor(hidden_layer_sizes=(5, 4), activation=activation, max_iter=20, random_state=0).fit(X, Y)
    net = rojas.from_sklearn(est)
    assert net.inputs == ["x[0]", "x[1]", "x[2]"] and net.outputs == ["y[0]", "y[1]", "y[2]"]
    assert net.edge_name("x[2]", "h1[4]") == "coefs_0[2,4]" and net.bias_param("h2[1]") == "intercepts_1[1]"
    lab = rojas.label(net, {f"x[{i}]": X[:, i] for i in range(3)}, {f"y[{k}]": Y[:, k] for k in range(3)})
    np.testing.assert_allclose(lab.o_array if hasattr(lab, "o_array") else
                               np.array([lab.o[f"y[{k}]"] for k in range(3)]).T, est.predict(X), rtol=1e-12)
    # scikit-learn's own backward pass, without the L2 term (rojas's E has none)
    est.alpha = 0.0
    n_layers = len(est.coefs_) + 1
    coef_grads = [np.empty_like(c) for c in est.coefs_]
    intercept_grads = [np.empty_like(b) for b in est.intercepts_]
    backprop(est, X, Y, [X] + [None] * (n_layers - 1), [None] * (n_layers - 1), coef_grads, intercept_grads)
    ours = named_gradients(lab)
    for L, (cg, ig) in enumerate(zip(coef_grads, intercept_grads)):
        for (i, j), g in np.ndenumerate(cg):
            assert ours[f"coefs_{L}[{i},{j}]"] == pytest.approx(len(X) * g, rel=1e-9, abs=1e-12)
        for (j,), g in np.ndenumerate(ig):
            assert ours[f"intercepts_{L}[{j}]"] == pytest.approx(len(X) * g, rel=1e-9, abs=1e-12)


def test_an_unfitted_estimator_and_other_objects_are_refused():
    need("sklearn")
    from sklearn.linear_model import LinearRegression
    from sklearn.neural_network import MLPRegressor

    with pytest.raises(rojas.RojasError, match="not fitted"):
        rojas.from_sklearn(MLPRegressor())
    with pytest.raises(rojas.RojasError, match="MLPRegressor or MLPClassifier"):
        rojas.from_sklearn(LinearRegression())


def test_a_micrograd_mlp_gradient_is_micrograds_backward():
    need("micrograd")
    import random

    from micrograd.nn import MLP
    from rojas.importers.micrograd import leaf_values

    random.seed(20)
    model = MLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0]]
    ys = [1.0, -1.0, -1.0]
    loss = sum(((model(x) - y) ** 2 for x, y in zip(xs, ys)), start=0.0) * 0.5
    params = model.parameters()
    net = rojas.from_micrograd(loss, {p: f"p[{k}]" for k, p in enumerate(params)})
    lab = rojas.label(net, leaf_values(net))
    loss.backward()
    assert lab.value == pytest.approx(loss.data, rel=1e-12)
    for k, p in enumerate(params):
        assert lab.input_grad[f"p[{k}]"] == pytest.approx(p.grad, rel=1e-10, abs=1e-12), k


def test_micrograd_operands_that_repeat_and_powers():
    need("micrograd")
    from micrograd.engine import Value
    from rojas.importers.micrograd import leaf_values

    a, b = Value(1.5), Value(-0.7)
    out = (a + a) * (b * b) + a ** 3 + (b + 2.0) ** -1 + (a * b).relu() + a ** 0.5
    net = rojas.from_micrograd(out, {a: "a", b: "b"})
    lab = rojas.label(net, leaf_values(net))
    out.backward()
    assert lab.value == pytest.approx(out.data, rel=1e-12)
    assert lab.input_grad["a"] == pytest.approx(a.grad, rel=1e-12)
    assert lab.input_grad["b"] == pytest.approx(b.grad, rel=1e-12)
    assert rojas.check(net, leaf_values(net)).ok


@pytest.mark.slow
def test_a_deep_micrograd_graph_with_shared_subexpressions():
    need("micrograd")
    from micrograd.engine import Value
    from rojas.importers.micrograd import leaf_values

    x, y = Value(0.9), Value(-0.4)
    z = x
    for _ in range(3000):  # far deeper than Python's recursion limit; z and y reused at every step
        z = (z * y + z).relu() * 0.5 + x * 0.01
    out = z * z + y
    net = rojas.from_micrograd(out, {x: "x", y: "y"})
    lab = rojas.label(net, leaf_values(net))
    assert lab.value == pytest.approx(out.data, rel=1e-12)
    # micrograd's own backward() recurses, so its oracle here is the chain rule written out by hand
    grads = {"x": 0.0, "y": 0.0}
    for name, leaf in (("x", x), ("y", y)):
        h = 1e-7
        old = leaf.data
        for sign in (1, -1):
            leaf.data = old + sign * h
            zz = x.data
            for _ in range(3000):
                zz = max(zz * y.data + zz, 0.0) * 0.5 + x.data * 0.01
            grads[name] += sign * (zz * zz + y.data) / (2 * h)
        leaf.data = old
    assert lab.input_grad["x"] == pytest.approx(grads["x"], rel=1e-5, abs=1e-9)
    assert lab.input_grad["y"] == pytest.approx(grads["y"], rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("dataset, expected", [("iris", "softmax_cross_entropy"),
                                               ("breast_cancer", "binary_cross_entropy")])
def test_an_mlp_classifier_carries_its_loss_and_scikit_learns_gradient(dataset, expected):
    need("sklearn")
    import warnings

    import sklearn.datasets
    from sklearn.neural_network import MLPClassifier

    X, labels = getattr(sklearn.datasets, f"load_{dataset}")(return_X_y=True)
    X = ((X - X.mean(0)) / X.std(0))[::5]  # a few dozen samples of the bundled data set
    labels = labels[::5]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = MLPClassifier(hidden_layer_sizes=(6,), activation="tanh", max_iter=30, random_state=0).fit(X, labels)
    net = rojas.from_sklearn(est)
    assert net.objective == expected
    T = est._label_binarizer.transform(labels).astype(float)
    inputs = {f"x[{i}]": X[:, i] for i in range(X.shape[1])}
    lab = rojas.label(net, inputs, {f"y[{k}]": T[:, k] for k in range(T.shape[1])})
    proba = np.array([lab.o[f"y[{k}]"] for k in range(T.shape[1])]).T
    if expected == "softmax_cross_entropy":  # the outputs hold the logits
        proba = np.exp(proba - proba.max(1, keepdims=True))
        proba /= proba.sum(1, keepdims=True)
        np.testing.assert_allclose(proba, est.predict_proba(X), rtol=1e-10)
    else:
        np.testing.assert_allclose(proba[:, 0], est.predict_proba(X)[:, 1], rtol=1e-10)
    est.alpha = 0.0
    n_layers = len(est.coefs_) + 1
    coef_grads = [np.empty_like(c) for c in est.coefs_]
    intercept_grads = [np.empty_like(b) for b in est.intercepts_]
    loss, _, _ = backprop(est, X, T, [X] + [None] * (n_layers - 1), [None] * (n_layers - 1), coef_grads,
                          intercept_grads)
    assert lab.value == pytest.approx(len(X) * loss, rel=1e-9)  # the estimator's own loss, summed
    ours = named_gradients(lab)
    for L, (cg, ig) in enumerate(zip(coef_grads, intercept_grads)):
        for (i, j), g in np.ndenumerate(cg):
            assert ours[f"coefs_{L}[{i},{j}]"] == pytest.approx(len(X) * g, rel=1e-9, abs=1e-12)
        for (j,), g in np.ndenumerate(ig):
            assert ours[f"intercepts_{L}[{j}]"] == pytest.approx(len(X) * g, rel=1e-9, abs=1e-12)
