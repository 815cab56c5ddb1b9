"""The small ONNX model the README's "Your own model" imports: examples/skip_mlp.onnx.

A 2-3-2 perceptron with a skip connection, in float64, named as a PyTorch
export would name it: y = σ(fc2(tanh(fc1(x))) + skip(x)).  Built with
``onnx.helper`` so that the file needs no PyTorch to remake:

    python examples/make_skip_mlp_onnx.py examples/skip_mlp.onnx   # write it
    python examples/make_skip_mlp_onnx.py                          # check it

Without an argument the script checks the bundled file against the model it
builds, imports it, and holds rojas's ∂E/∂skip.weight[0,1] on the bundled data
to central differences of onnx's reference evaluator.
"""

import os

import sys

import numpy as np


def skip_mlp():
    from onnx import TensorProto, helper, numpy_helper

    params = {"fc1.weight": [[0.5, -0.4], [0.3, 0.8], [-0.6, 0.2]], "fc1.bias": [0.1, -0.2, 0.05],
              "fc2.weight": [[0.7, -0.5, 0.2], [-0.3, 0.4, 0.9]], "fc2.bias": [0.0, 0.1],
              "skip.weight": [[0.25, -0.15], [0.05, 0.35]]}
    nodes = [helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["z1"], name="fc1", transB=1),
             helper.make_node("Tanh", ["z1"], ["h"], name="tanh"),
             helper.make_node("Gemm", ["h", "fc2.weight", "fc2.bias"], ["z2"], name="fc2", transB=1),
             helper.make_node("Gemm", ["x", "skip.weight"], ["s"], name="skip", transB=1),
             helper.make_node("Add", ["z2", "s"], ["a"], name="add"),
             helper.make_node("Sigmoid", ["a"], ["y"], name="sigmoid")]
    graph = helper.make_graph(
        nodes, "skip_mlp", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["batch", 2])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["batch", 2])],
        [numpy_helper.from_array(np.array(v, dtype=np.float64), k) for k, v in params.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="rojas examples")
    model.ir_version = 8
    return model


def check():
    import json

    import onnx
    from onnx import numpy_helper
    from onnx.reference import ReferenceEvaluator

    import rojas

    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "skip_mlp.onnx")
    model = skip_mlp()
    assert onnx.load(path).SerializeToString() == model.SerializeToString(), "skip_mlp.onnx is not this model"
    net = rojas.from_onnx(path)  # cross-checked against the reference evaluator on the way
    data = json.load(open(os.path.join(here, "skip_mlp.data.json")))
    lab = rojas.label(net, data["inputs"], data["targets"])
    x = np.array([data["inputs"]["x[0]"], data["inputs"]["x[1]"]]).T
    t = np.array([data["targets"]["y[0]"], data["targets"]["y[1]"]]).T

    def error(weight):
        init = next(i for i in model.graph.initializer if i.name == "skip.weight")
        init.CopyFrom(numpy_helper.from_array(weight, "skip.weight"))
        (y,) = ReferenceEvaluator(model).run(None, {"x": x})
        return 0.5 * float(np.sum((y - t) ** 2))

    w = np.array([[0.25, -0.15], [0.05, 0.35]])
    h = 1e-6
    up, down = w.copy(), w.copy()
    up[0, 1] += h
    down[0, 1] -= h
    numerical = (error(up) - error(down)) / (2 * h)
    print(f"{net.summary()}; inputs {net.inputs}, outputs {net.outputs}")
    print(f"dE/dskip.weight[0,1] = {lab.grad('skip.weight[0,1]'):.9f} (rojas), {numerical:.9f} (onnx reference, "
          "central difference)")
    assert abs(lab.grad("skip.weight[0,1]") - numerical) < 1e-8


if __name__ == "__main__":
    if len(sys.argv) > 1:
        import onnx

        onnx.save(skip_mlp(), sys.argv[1])
    else:
        check()
