"""ONNX models as Rojas networks: the naming contract, folding, and the onnx package as the oracle.

Forward values are held to ``onnx.reference.ReferenceEvaluator`` (and to the
reference outputs the onnx package ships with its PyTorch-converted test
models); gradients to central differences of the reference evaluator's error,
one per element of every initializer.
"""

import glob
import os

import numpy as np
import pytest

import rojas
from importers_helpers import model, need, reference_gradients

onnx = need("onnx")

from rojas.importers.compare import named_gradients  # noqa: E402
from rojas.importers.crosscheck import forward_outputs  # noqa: E402
from rojas.importers.onnx_import import import_onnx  # noqa: E402

RNG = np.random.default_rng(20)


def _data(imported, batch=3):
    feeds, inputs = {}, {}
    for name, ids in imported.inputs.items():
        x = RNG.standard_normal((batch,) + ids.shape[1:])
        feeds[name] = x
        inputs.update(zip(ids.ravel().tolist(), x.reshape(batch, -1).T))
    return feeds, inputs


def _targets(imported, batch=3):
    ts, goal = [], {}
    for name, ids in imported.outputs.items():
        t = RNG.standard_normal((batch,) + ids.shape[1:])
        ts.append(t)
        goal.update(zip(ids.ravel().tolist(), t.reshape(batch, -1).T))
    return ts, goal


def _agree_with_reference(m, rtol=1e-6, objective=None, loss="squared_error", targets=None):
    """Rojas's ∂E/∂p for every initializer element equals the reference evaluator's central differences."""
    imported = import_onnx(m, objective=objective)
    feeds, inputs = _data(imported)
    ts, goal = _targets(imported) if targets is None else targets(imported)
    ours = named_gradients(rojas.label(imported.network, inputs, goal))
    theirs = reference_gradients(m, feeds, ts, loss=loss)
    assert set(ours) == set(theirs)  # every parameter element, by the model's names
    scale = max(abs(v) for v in theirs.values())
    for key, value in theirs.items():
        assert abs(ours[key] - value) <= rtol * scale, key
    return imported


W1, B1 = RNG.standard_normal((3, 2)), RNG.standard_normal(3)
W2, B2 = RNG.standard_normal((2, 3)), RNG.standard_normal(2)
MLP = [("Gemm", ["x", "fc1.weight", "fc1.bias"], ["z1"], {"transB": 1}), ("Relu", ["z1"], ["h"]),
       ("Gemm", ["h", "fc2.weight", "fc2.bias"], ["z2"], {"transB": 1}), ("Sigmoid", ["z2"], ["y"])]


def test_the_naming_contract_on_a_two_layer_perceptron():
    m = model(MLP, {"x": [2]}, ["y"], {"fc1.weight": W1, "fc1.bias": B1, "fc2.weight": W2, "fc2.bias": B2})
    net = rojas.from_onnx(m)
    assert net.inputs == ["x[0]", "x[1]"] and net.outputs == ["y[0]", "y[1]"]
    # Gemm + bias + activation fold into one unit per element: 2 inputs, 3 hidden, 2 outputs
    assert len(net) == 7 and len(net.edges) == 3 * 2 + 2 * 3
    assert net.edge_name("x[1]", "h[2]") == "fc1.weight[2,1]" and net.weight("x[1]", "h[2]") == W1[2, 1]
    assert net.bias_param("h[2]") == "fc1.bias[2]" and net.params["fc1.bias[2]"] == B1[2]
    assert net.fn("h[0]") == "relu" and net.fn("y[1]") == "sigmoid"
    _agree_with_reference(m)


def test_a_skip_connection_is_one_unit_with_edges_from_both_paths():
    W3 = RNG.standard_normal((2, 2))
    nodes = MLP[:3] + [("MatMul", ["x", "skip.weight"], ["s"]), ("Add", ["z2", "s"], ["y"])]
    m = model(nodes, {"x": [2]}, ["y"], {"fc1.weight": W1, "fc1.bias": B1, "fc2.weight": W2, "fc2.bias": B2,
                                          "skip.weight": W3})
    net = _agree_with_reference(m).network
    assert len(net) == 7  # no unit for the sum: the two linear maps meet in y
    assert set(net.graph.predecessors("y[0]")) == {"h[0]", "h[1]", "h[2]", "x[0]", "x[1]"}
    assert net.edge_name("x[1]", "y[0]") == "skip.weight[1,0]"


def test_a_residual_on_the_same_inputs_keeps_one_edge_per_pair():
    # y = x + x·W: the pair x[i] -> y[i] arrives twice, once through a param
    W = RNG.standard_normal((2, 2))
    m = model([("MatMul", ["x", "w"], ["xw"]), ("Add", ["x", "xw"], ["r"]), ("Tanh", ["r"], ["y"])],
              {"x": [2]}, ["y"], {"w": W})
    _agree_with_reference(m)


def test_a_weight_used_twice_is_one_tied_param():
    W = RNG.standard_normal((2, 2))
    m = model([("MatMul", ["x", "shared.weight"], ["a"]), ("Tanh", ["a"], ["h"]),
               ("MatMul", ["h", "shared.weight"], ["y"])], {"x": [2]}, ["y"], {"shared.weight": W})
    net = _agree_with_reference(m).network
    assert set(net.params) == {f"shared.weight[{i},{j}]" for i in range(2) for j in range(2)}
    assert net.edge_param("x[0]", "h[1]") == net.edge_param("h[0]", "y[1]") == "shared.weight[0,1]"


def _constant(name, value):
    from onnx import helper, numpy_helper

    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(value, float), name))


FOLD = [("MatMul", ["x", "w"], ["a"]), ("Add", ["a", "b"], ["c"]), ("Sub", ["c", "half"], ["d"]),
        ("Mul", ["d", "two"], ["e"]), ("Div", ["e", "four"], ["f"]), ("Neg", ["x"], ["nx"]),
        ("Sub", ["f", "nx"], ["g"]), ("Sigmoid", ["g"], ["y"])]


def test_numbers_fold_into_weights():
    # sigmoid(((x·W + b) − 0.5)·2 / 4 + x) with W and b constants: one unit per output, nothing between
    W, b = RNG.standard_normal((2, 2)), RNG.standard_normal(2)
    m = model(FOLD, {"x": [2]}, ["y"], {})
    for name, v in (("w", W), ("b", b), ("half", 0.5), ("two", 2.0), ("four", 4.0)):
        m.graph.node.insert(0, _constant(name, v))
    net = rojas.from_onnx(m)
    assert len(net) == 4 and not net.params
    assert net.weight("x[1]", "y[0]") == pytest.approx(W[1, 0] / 2, rel=1e-15)
    assert net.weight("x[1]", "y[1]") == pytest.approx(W[1, 1] / 2 + 1.0, rel=1e-15)  # + x, on the same edge
    assert net.graph.nodes["y[1]"]["bias"] == pytest.approx((b[1] - 0.5) / 2, rel=1e-15)


def test_a_number_times_a_param_keeps_the_param_whole():
    # with W and b parameters, the factor 2/4 cannot fold into them: x·W + b becomes units first
    m = model(FOLD, {"x": [2]}, ["y"], {"w": RNG.standard_normal((2, 2)), "b": RNG.standard_normal(2)})
    for name, v in (("half", 0.5), ("two", 2.0), ("four", 4.0)):
        m.graph.node.insert(0, _constant(name, v))
    net = _agree_with_reference(m).network
    assert net.weight(*net.find_edge("w[1,0]")) == numpy_w(m)[1, 0]


def numpy_w(m):
    from onnx import numpy_helper

    return numpy_helper.to_array(m.graph.initializer[0])


def test_products_of_computed_tensors_and_softmax():
    nodes = [("Gemm", ["x", "w", "b"], ["z"]), ("Tanh", ["z"], ["t"]), ("Mul", ["t", "z"], ["p"]),
             ("Mul", ["p", "p"], ["q"]), ("Softmax", ["q"], ["y"], {"axis": -1})]
    m = model(nodes, {"x": [2]}, ["y"], {"w": RNG.standard_normal((2, 3)), "b": RNG.standard_normal(3)})
    net = _agree_with_reference(m).network
    assert net.combine("p[0]") == "product" and net.fn("q[0]") == "square"
    assert net.fn("y.reciprocal") == "reciprocal" and net.combine("y[2]") == "product"


def _classes(imported, batch=3):
    (name, ids), = imported.outputs.items()
    t = np.eye(ids.size)[RNG.integers(0, ids.size, batch)]  # one class per sample
    return [t.reshape((batch,) + ids.shape[1:])], dict(zip(ids.ravel().tolist(), t.T))


def _bits(imported, batch=3):
    (name, ids), = imported.outputs.items()
    t = RNG.integers(0, 2, (batch,) + ids.shape[1:]).astype(float)
    return [t], dict(zip(ids.ravel().tolist(), t.reshape(batch, -1).T))


def test_a_softmax_classifier_with_cross_entropy_takes_the_softmax_into_the_objective():
    nodes = MLP[:3] + [("Softmax", ["z2"], ["p"], {"axis": -1})]
    m = model(nodes, {"x": [2]}, ["p"], {"fc1.weight": W1, "fc1.bias": B1, "fc2.weight": W2, "fc2.bias": B2})
    net = rojas.from_onnx(m, objective="softmax_cross_entropy")  # cross-checked: softmax(logits) = the model's
    assert net.objective == "softmax_cross_entropy" and net.outputs == ["p[0]", "p[1]"]
    assert len(net) == 7 and net.fn("p[0]") == "identity"  # the logits: no exp, sum or reciprocal units
    _agree_with_reference(m, objective="softmax_cross_entropy", loss="cross_entropy", targets=_classes)
    # without it, the same softmax as units, and the cross-entropy on their probabilities
    _agree_with_reference(m, objective="cross_entropy", loss="cross_entropy", targets=_classes)


def test_sigmoid_outputs_with_binary_cross_entropy():
    m = model(MLP, {"x": [2]}, ["y"], {"fc1.weight": W1, "fc1.bias": B1, "fc2.weight": W2, "fc2.bias": B2})
    imported = _agree_with_reference(m, objective="binary_cross_entropy", loss="binary_cross_entropy",
                                     targets=_bits)
    assert imported.network.objective == "binary_cross_entropy"


def test_activations_with_other_slopes_are_built_from_relu_and_exp_units():
    nodes = [("Gemm", ["x", "fc.weight", "fc.bias"], ["z"], {"transB": 1}),
             ("LeakyRelu", ["z"], ["a"], {"alpha": 0.2}), ("Elu", ["a"], ["e"], {"alpha": 0.5}),
             ("PRelu", ["e", "act.weight"], ["y"])]
    m = model(nodes, {"x": [2]}, ["y"], {"fc.weight": W1, "fc.bias": B1, "act.weight": np.array([0.25, -0.1, 0.4])})
    net = _agree_with_reference(m).network
    assert net.fn("a.relu[0]") == "relu" and net.fn("e.exp[0]") == "exp"
    assert net.edge_name("y.negative[1]", "y[1]") == "act.weight[1]"  # PRelu's slope: a param, an edge each


def test_selections_pick_elements_and_keep_the_params():
    # Slice, Gather, Split, Pad, Concat of an affine map whose weights are params: no unit for any of them
    from onnx import helper

    nodes = [("MatMul", ["x", "w"], ["a"]), ("Add", ["a", "b"], ["z"]),
             ("Slice", ["z", "starts", "ends", "axes"], ["s"]), ("Gather", ["z", "idx"], ["g"], {"axis": 1}),
             ("Split", ["z"], ["p", "q"], {"axis": 1, "num_outputs": 2}), ("Pad", ["q", "pads", "fill"], ["r"]),
             ("Concat", ["s", "g", "p", "r"], ["c"], {"axis": 1}), ("Tanh", ["c"], ["y"])]
    m = model(nodes, {"x": [3]}, ["y"], {"w": RNG.standard_normal((3, 4)), "b": RNG.standard_normal(4)}, opset=18)
    for name, v in (("starts", [1]), ("ends", [4]), ("axes", [1]), ("idx", [3, 0, 3]), ("pads", [0, 1, 0, 2])):
        m.graph.node.insert(0, helper.make_node("Constant", [], [name], value=helper.make_tensor(
            name, onnx.TensorProto.INT64, [len(v)], v)))
    m.graph.node.insert(0, _constant("fill", 0.5))
    net = _agree_with_reference(m).network
    assert len(net) == 3 + 3 + 3 + 2 + 5  # inputs, then one tanh unit per output element
    assert net.edge_param("x[2]", "y[3]") == "w[2,3]"  # z[3] picked twice (Slice, Gather): a tied param


def test_conv_pooling_and_batch_norm_against_the_reference():
    k = RNG.standard_normal((2, 1, 2, 2))
    nodes = [("Conv", ["x", "conv.weight", "conv.bias"], ["c"], {"pads": [1, 1, 1, 1], "strides": [1, 2]}),
             ("BatchNormalization", ["c", "bn.weight", "bn.bias", "bn.mean", "bn.var"], ["n"]),
             ("Relu", ["n"], ["r"]), ("MaxPool", ["r"], ["m"], {"kernel_shape": [2, 1]}),
             ("GlobalAveragePool", ["m"], ["g"]), ("Flatten", ["g"], ["y"])]
    inits = {"conv.weight": k, "conv.bias": RNG.standard_normal(2), "bn.weight": RNG.uniform(0.5, 1.5, 2),
             "bn.bias": RNG.standard_normal(2), "bn.mean": RNG.standard_normal(2), "bn.var": RNG.uniform(0.5, 2, 2)}
    m = model(nodes, {"x": [1, 4, 3]}, ["y"], inits)
    imported = import_onnx(m)
    net = imported.network
    # every kernel entry one tied param, shared by the positions it slides over
    uses = [e for e in net.edges if net.edge_param(*e) == "conv.weight[1,0,1,1]"]
    assert len(uses) > 1 and net.bias_param("c[1,0,0]") == "conv.bias[1]"
    # the running statistics are numbers, the scale and shift params
    assert "bn.weight[0]" in net.params and not any(p.startswith("bn.mean") for p in net.params)
    assert net.combine("m[0,0,0]") == "max"
    from rojas.importers.crosscheck import check_against_reference
    assert check_against_reference(imported) <= 1e-12
    # the gradient of every element, running statistics excepted (they are numbers, not params)
    feeds, inputs = _data(imported)
    ts, goal = _targets(imported)
    ours = named_gradients(rojas.label(net, inputs, goal))
    theirs = {k: v for k, v in reference_gradients(m, feeds, ts).items() if not k.startswith(("bn.mean", "bn.var"))}
    assert set(ours) == set(theirs)
    scale = max(abs(v) for v in theirs.values())
    assert all(abs(ours[k] - v) <= 1e-6 * scale for k, v in theirs.items())


DATA = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "pytorch-converted")
SHIPPED = ["test_Linear", "test_Conv1d_dilated", "test_Conv1d_groups", "test_Conv1d_stride", "test_Conv2d_groups",
           "test_Conv2d_strided", "test_Conv2d_padding", "test_Conv2d_depthwise_with_multiplier",
           "test_AvgPool2d_stride",
           "test_MaxPool2d", "test_BatchNorm2d_eval", "test_Softmax", "test_Sigmoid", "test_Tanh", "test_LeakyReLU",
           "test_Softplus", "test_PixelShuffle", "test_ELU", "test_LeakyReLU_with_negval", "test_PReLU_2d_multiparam",
           "test_SELU", "test_Conv3d_dilated_strided", "test_BatchNorm1d_3d_input_eval", "test_GLU_dim",
           "test_ReflectionPad2d", "test_ConstantPad2d"]


@pytest.mark.parametrize("case", SHIPPED)
def test_the_models_onnx_ships_give_their_reference_outputs(case):
    from onnx import numpy_helper

    folder = os.path.join(DATA, case)
    if not os.path.isdir(folder):
        pytest.skip(f"this onnx package ships no {case}")
    imported = import_onnx(os.path.join(folder, "model.onnx"), batch=False)
    for ds in sorted(glob.glob(os.path.join(folder, "test_data_set_*"))):
        x = numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, "input_0.pb")))
        y = numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, "output_0.pb")))
        (ids,) = imported.inputs.values()
        out = forward_outputs(imported.network, dict(zip(ids.ravel().tolist(), x.astype(float).ravel().tolist())),
                              imported.outputs)
        mine = next(iter(out.values())).reshape(y.shape)
        np.testing.assert_allclose(mine, y, rtol=1e-5, atol=1e-5 * np.abs(y).max())


def test_everything_else_works_on_an_imported_network(tmp_path):
    m = model(MLP, {"x": [2]}, ["y"], {"fc1.weight": W1, "fc1.bias": B1, "fc2.weight": W2, "fc2.bias": B2})
    net = rojas.from_onnx(m)
    path = str(tmp_path / "net.json")
    net.save(path)
    again = rojas.load(path)
    x, t = {"x[0]": 0.3, "x[1]": -1.2}, {"y[0]": 0.1, "y[1]": 0.9}
    lab = rojas.label(again, x, t)
    assert rojas.check(again, x, t).ok
    assert lab.grad("fc1.weight[2,1]") == pytest.approx(rojas.path_sum(lab, "fc1.weight[2,1]").total, rel=1e-12)
