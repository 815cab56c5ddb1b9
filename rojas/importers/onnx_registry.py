"""The registry of ONNX operators rojas expands: one entry per op type, and what entries share.

``REGISTRY[op_type]`` is a function ``(ctx, node, attrs) -> [values]`` over the
values of :mod:`rojas.importers.expand` (``ctx`` gives the node's inputs with
``ctx.get(name)`` and numbers with ``ctx.const(name)``).  The importer never
tests an op's name: adding an op is one entry, in :mod:`~rojas.importers.onnx_ops`
(arithmetic, activations, convolutions) or :mod:`~rojas.importers.onnx_shapes`
(renames and selections).  An op without an entry is refused, naming it, the node
and the supported list.
"""

import numpy as np

__all__ = ["REGISTRY", "ACTIVATIONS", "ABSORBED", "supported", "op", "out_name", "shape_of", "axes_of"]

REGISTRY = {}

# objective → the final op it takes in (the model's Softmax before a softmax cross-entropy: the
# outputs are then the logits, and the objective is the fused, stable one).
ABSORBED = {"softmax_cross_entropy": "Softmax"}

# ONNX activation → rojas primitive (and the attributes it takes as given: name → value).
ACTIVATIONS = {"Relu": ("relu", {}), "Sigmoid": ("sigmoid", {}), "Tanh": ("tanh", {}), "Softplus": ("softplus", {}),
               "Exp": ("exp", {}), "Log": ("log", {}), "Sin": ("sin", {}), "Cos": ("cos", {}),
               "Reciprocal": ("reciprocal", {}), "LeakyRelu": ("leaky_relu", {"alpha": 0.01}),
               "Elu": ("elu", {"alpha": 1.0})}


def supported():
    """The op types rojas imports, sorted."""
    return sorted(REGISTRY)


def op(*names):
    """Register the decorated function as the expansion of the ONNX ops `names`."""
    def register(fn):
        for name in names:
            REGISTRY[name] = fn
        return fn
    return register


def out_name(node):
    """The tensor a node's (first) output is."""
    return node.output[0]


def shape_of(ctx, node, k, what):
    """Input `k` of `node` as a list of ints; it must be a constant (a shape, axes, pads)."""
    return [int(d) for d in np.asarray(ctx.const(node.input[k], f"node {node.name!r} ({node.op_type}): its {what} "
                                                                 "must be a constant").value).ravel()]


def axes_of(ctx, node, attrs):
    """The node's ``axes``: an attribute (older opsets) or its second input; None when absent."""
    if "axes" in attrs:
        return list(attrs["axes"])
    if len(node.input) > 1 and node.input[1]:
        return shape_of(ctx, node, 1, "axes")
    return None


