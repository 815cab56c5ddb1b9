"""``from_sklearn``: a fitted scikit-learn multi-layer perceptron as Rojas's network.

``MLPRegressor`` and ``MLPClassifier`` keep their weights in ``coefs_[L]``
(shape inputs × outputs of layer L) and ``intercepts_[L]``; the network names
them so: edges ``coefs_L[i,j]`` (from unit i of layer L to unit j of layer
L+1) and bias params ``intercepts_L[j]``.  Inputs are ``x[i]``, hidden units
``hL[j]``, outputs ``y[k]``.  The objective is the estimator's own loss: the
squared error for a regressor, the binary cross-entropy on sigmoid outputs for
a binary or multi-label classifier, the softmax cross-entropy on the logits
(``y[k]`` then holds them) for a multi-class one.  Rojas sums over samples
where scikit-learn averages, so rojas's gradient is n_samples times its own.
Targets for a classifier are its binarized labels
(``estimator._label_binarizer.transform(labels)``: one column per class, or one
column for two classes).
"""

import numpy as np

from ..errors import NetworkError
from . import algebra as A
from .expand import Graph
from .onnx_graph import require

__all__ = ["from_sklearn", "ACTIVATIONS", "OUTPUTS"]

# scikit-learn's activation names → rojas primitives.
ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
# the output activation → (the output units' primitive, or None for the logits; the objective that is
# the estimator's loss with it): squared error, binary cross-entropy (fused with the sigmoid), and the
# softmax cross-entropy on the logits (the softmax taken into the objective, stable).
OUTPUTS = {"identity": ("identity", "squared_error"), "logistic": ("sigmoid", "binary_cross_entropy"),
           "softmax": (None, "softmax_cross_entropy")}


def from_sklearn(estimator, *, name=None):
    """A fitted ``MLPRegressor`` or ``MLPClassifier`` as Rojas's network.

    Parameters
    ----------
    estimator : sklearn.neural_network.MLPRegressor or MLPClassifier
        Fitted (it has ``coefs_``).
    name : str, optional

    Returns
    -------
    Network

    Raises
    ------
    RojasError
        scikit-learn is missing, the estimator is not a fitted MLP, or its loss
        is one rojas has no objective for.

    Examples
    --------
    >>> import numpy as np, rojas
    >>> from sklearn.neural_network import MLPRegressor
    >>> X, y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([1.0, 1.0, 0.0])
    >>> est = MLPRegressor(hidden_layer_sizes=(3,), max_iter=5000, random_state=0).fit(X, y)
    >>> net = rojas.from_sklearn(est)
    >>> net.inputs, net.outputs, net.edge_name("x[1]", "h1[2]")
    (['x[0]', 'x[1]'], ['y[0]'], 'coefs_0[1,2]')
    """
    require("sklearn")
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    if not isinstance(estimator, (MLPRegressor, MLPClassifier)):
        raise NetworkError(f"from_sklearn takes an MLPRegressor or MLPClassifier, got {type(estimator).__name__}")
    if not hasattr(estimator, "coefs_"):
        raise NetworkError(f"the {type(estimator).__name__} is not fitted yet (call fit first)")
    if estimator.out_activation_ not in OUTPUTS or estimator.activation not in ACTIVATIONS:
        raise NetworkError(f"the {type(estimator).__name__}'s activation {estimator.activation!r} / output activation "
                           f"{estimator.out_activation_!r} is not one rojas knows")
    out_fn, objective = OUTPUTS[estimator.out_activation_]
    g = Graph(drop_batch=False)
    for L, (W, b) in enumerate(zip(estimator.coefs_, estimator.intercepts_)):
        for what, value in ((f"coefs_{L}", W), (f"intercepts_{L}", b)):
            if not np.isfinite(value).all():
                raise NetworkError(f"the estimator's {what} holds a non-finite number")
    x = g.units("x", (estimator.coefs_[0].shape[0],), "input")
    h, last = x, len(estimator.coefs_) - 1
    for L, (W, b) in enumerate(zip(estimator.coefs_, estimator.intercepts_)):
        z = A.add(g, A.matmul(g, h, g.params(f"coefs_{L}", W), f"z{L + 1}"), g.params(f"intercepts_{L}", b),
                  f"z{L + 1}")
        if L < last:
            h = A.activation(g, z, ACTIVATIONS[estimator.activation], f"h{L + 1}")
        else:
            h = z if out_fn in (None, "identity") else A.activation(g, z, out_fn, "y")
    outputs = g.name_outputs([("y", h)], [x.ids])
    return g.network(outputs["y"].ravel(), name or type(estimator).__name__, {"objective": objective})
