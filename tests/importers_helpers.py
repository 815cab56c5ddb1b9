"""Shared by the importer tests: optional frameworks, tiny ONNX models, the frameworks as oracles."""

import os

import numpy as np
import pytest


def need(module):
    """Import `module`, or skip -- unless ROJAS_REQUIRE_TORCH is set (CI), where a missing one fails."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        why = f"needs {module}: pip install torch==2.13.0 onnx onnxscript scikit-learn micrograd"
        if os.environ.get("ROJAS_REQUIRE_TORCH"):
            pytest.fail(why)
        pytest.skip(why, allow_module_level=True)


def model(nodes, inputs, outputs, inits, opset=17, name="test model"):
    """A float64 ONNX model from node specs ``(op, [inputs], [outputs], {attrs})`` and ``{name: array}``."""
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node(op, ins, outs, **(attrs[0] if attrs else {})) for op, ins, outs, *attrs in nodes], name,
        [helper.make_tensor_value_info(n, TensorProto.DOUBLE, ["batch", *s]) for n, s in inputs.items()],
        [helper.make_tensor_value_info(n, TensorProto.DOUBLE, None) for n in outputs],
        [numpy_helper.from_array(np.asarray(v), k) for k, v in inits.items()])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


# the oracle's objectives, written on the reference evaluator's outputs y (probabilities for the entropies)
LOSSES = {"squared_error": lambda y, t: 0.5 * np.sum((y - t) ** 2),
          "cross_entropy": lambda y, t: -np.sum(t * np.log(y)),
          "binary_cross_entropy": lambda y, t: -np.sum(t * np.log(y) + (1 - t) * np.log(1 - y))}


def reference_error(m, feeds, targets, loss="squared_error"):
    """The objective of the ONNX reference evaluator's outputs (the oracle's), summed over everything."""
    from onnx.reference import ReferenceEvaluator

    outs = ReferenceEvaluator(m).run(None, feeds)
    return sum(float(LOSSES[loss](np.asarray(y, float), t)) for y, t in zip(outs, targets))


def reference_gradients(m, feeds, targets, h=1e-6, loss="squared_error"):
    """``{PARAM[i,…]: ∂E/∂p}``: central differences of the reference evaluator, every initializer element."""
    from onnx import numpy_helper

    grads = {}
    for k, init in enumerate(m.graph.initializer):
        value = numpy_helper.to_array(init).astype(np.float64)
        for idx in np.ndindex(*value.shape):
            est = []
            for step in (h, -h):
                v = value.copy()
                v[idx] += step
                m.graph.initializer[k].CopyFrom(numpy_helper.from_array(v, init.name))
                est.append(reference_error(m, feeds, targets, loss))
            m.graph.initializer[k].CopyFrom(numpy_helper.from_array(value, init.name))
            grads[f"{init.name}[{','.join(map(str, idx))}]"] = (est[0] - est[1]) / (2 * h)
    return grads
