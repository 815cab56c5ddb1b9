"""Write examples/skip_mlp.onnx: the small ONNX model the README's "Your own model" imports.

A 2-3-2 perceptron with a skip connection, in float64, named as a PyTorch
export would name it: y = σ(fc2(tanh(fc1(x))) + skip(x)).  Built with
``onnx.helper`` so that the file needs no PyTorch to remake:

    python examples/make_skip_mlp_onnx.py examples/skip_mlp.onnx
"""

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


if __name__ == "__main__":
    import onnx

    onnx.save(skip_mlp(), sys.argv[1])
