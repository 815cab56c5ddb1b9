"""``from_onnx``: an ONNX model as Rojas's unit-level network, checked against the model.

One walk over the model's nodes in order, each expanded by its entry in
:data:`rojas.importers.onnx_registry.REGISTRY`; then the outputs are named after
the model's outputs and the network is built once.  The naming contract:

* input units ``NAME[i,j,…]`` and output units ``NAME[k,…]`` after the model's
  tensor names, without the leading batch index;
* every element of every parameter (a floating initializer: for a PyTorch
  export, the module's qualified name such as ``fc1.weight``) is an edge
  ``name`` ``fc1.weight[2,1]`` when it is one edge's weight, else a graph param
  of that name (a conv kernel entry, a bias, a module used twice), whose
  gradient sums its uses.

Before it returns, the network's forward sweep is compared with
``onnx.reference.ReferenceEvaluator`` on a seeded random input
(:mod:`rojas.importers.crosscheck`).
"""

import numpy as np

from ..errors import NetworkError, RojasError
from .algebra import is_computed
from .expand import Const, Graph
from .onnx_graph import declared_shape, node_order, read_model, require, tensor_arrays
from . import onnx_ops, onnx_shapes  # noqa: F401  (their entries fill the registry)
from .onnx_registry import ABSORBED, REGISTRY, supported

__all__ = ["from_onnx", "import_onnx", "Imported"]


class Imported:
    """An imported network with the model's tensors behind its units.

    Attributes
    ----------
    network : Network
    inputs, outputs : dict
        ``{tensor name: ndarray of node ids}`` shaped as the tensor (batch of 1 kept).
    model : onnx.ModelProto or None

    finals : dict
        ``{output: "softmax"}`` for outputs whose final softmax the objective took in
        (the units hold the logits).
    """

    def __init__(self, network, inputs, outputs, model=None, finals=None):
        self.network, self.inputs, self.outputs, self.model = network, inputs, outputs, model
        self.finals = finals or {}


class _Context:
    """What an op handler sees: the values of tensors by name, params made on first use."""

    def __init__(self, g, inits, opset):
        self.g, self.inits, self.opset = g, inits, opset
        self.values, self._params = {}, {}

    def get(self, name):
        if name in self.values:
            return self.values[name]
        value = self.inits[name]
        if value.dtype.kind != "f":
            return Const(value)
        if name not in self._params:
            self._params[name] = self.g.params(name, value)
        return self._params[name]

    def const(self, name, why):
        value = self.values.get(name)
        if isinstance(value, Const):
            return value
        if name in self.inits:
            return Const(self.inits[name])
        raise NetworkError(why)

    def computed(self, node, k):
        value = self.get(node.input[k])
        if not is_computed(value):
            raise NetworkError(f"node {node.name or node.op_type!r} ({node.op_type}): input {node.input[k]!r} does "
                               "not depend on the model's inputs; rojas expands it only where it does")
        return value


def _attributes(node):
    from onnx import helper

    attrs = {}
    for a in node.attribute:
        value = helper.get_attribute_value(a)
        attrs[a.name] = value.decode() if isinstance(value, bytes) else value
    return attrs


def _opset(model):
    return max([o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] or [1])


def check_objective(objective):
    """The objective's registry name, refused unless registered (None stays None)."""
    if objective is None:
        return None
    from ..network.objectives import get_objective

    return get_objective(objective).name


def absorb(finals, out, value, axis_size, what):
    """Take `value` (the logits) for the output `out` whose final softmax the objective takes in."""
    size = int(np.prod(value.shape[1:], dtype=np.int64))
    if size != axis_size:
        raise NetworkError(f"{what}: the softmax covers {axis_size} of the output's {size} elements; the softmax "
                           "cross-entropy takes in only a softmax over the whole output")
    finals[out] = "softmax"
    return value


def import_onnx(source, *, batch=True, name=None, objective=None):
    """Expand the model without the cross-check; an :class:`Imported`.  See :func:`from_onnx`."""
    require("onnx")
    objective = check_objective(objective)
    model = read_model(source)
    graph = model.graph
    inits = tensor_arrays(graph)
    g = Graph(drop_batch=batch)
    ctx = _Context(g, inits, _opset(model))
    inputs, finals, wanted = {}, {}, {o.name for o in graph.output}
    for inp in graph.input:
        if inp.name in inits:
            continue
        units = g.units(inp.name, declared_shape(inp, batch), "input")
        ctx.values[inp.name] = units
        inputs[inp.name] = units.ids
    for node in node_order(graph, set(inits) | set(inputs)):
        handler = REGISTRY.get(node.op_type) if node.domain in ("", "ai.onnx") else None
        if handler is None:
            domain = f" of domain {node.domain!r}" if node.domain not in ("", "ai.onnx") else ""
            raise NetworkError(f"unsupported ONNX op {node.op_type}{domain} (node {node.name!r}); rojas imports: "
                               f"{', '.join(supported())}")
        if ABSORBED.get(objective) == node.op_type and node.output[0] in wanted and len(graph.output) == 1:
            x = ctx.computed(node, 0)
            axis = _attributes(node).get("axis", -1 if ctx.opset >= 13 else 1)
            ctx.values[node.output[0]] = absorb(finals, node.output[0], x, x.shape[axis] if ctx.opset >= 13 else
                                                int(np.prod(x.shape[axis:], dtype=np.int64)), f"node {node.name!r}")
            continue
        try:
            results = handler(ctx, node, _attributes(node))
        except RojasError:
            raise
        except (ValueError, IndexError, KeyError, TypeError) as exc:  # a malformed node: shapes, attributes
            raise NetworkError(f"node {node.name!r} ({node.op_type}) cannot be expanded: {str(exc)[:200]}") from None
        for out, value in zip(node.output, results):
            if out:
                ctx.values[out] = g.label(value, out)
    missing = [o.name for o in graph.output if o.name not in ctx.values]
    if missing:
        raise NetworkError(f"the model's output {missing[0]!r} is not computed by any node")
    outputs = g.name_outputs([(o.name, ctx.values[o.name]) for o in graph.output], inputs.values())
    title = name or graph.name or "imported model"
    net = g.network(np.concatenate([ids.ravel() for ids in outputs.values()]), title,
                    {"objective": objective} if objective else None)
    names = np.asarray(g.names, dtype=object)
    return Imported(net, {k: names[v] for k, v in inputs.items()}, {k: names[v] for k, v in outputs.items()}, model,
                    finals)


def from_onnx(source, *, check=True, batch=True, name=None, seed=0, objective=None):
    """An ONNX model as Rojas's network: one unit per tensor element, one edge per weight.

    Parameters
    ----------
    source : str, os.PathLike or onnx.ModelProto
        A model file (external data is read from its folder only) or a loaded model.
    check : bool, optional
        Compare the network's forward sweep with ``onnx.reference.ReferenceEvaluator``
        on a seeded random input and refuse a mismatch, naming the first output that
        differs (≤ 1e-12 relative for float64 models, 1e-4 for float32 ones).
    batch : bool, optional
        The leading dimension of every input is the batch: expanded for one sample
        and left out of the names.
    name : str, optional
        The network's name (default: the model graph's).
    seed : int, optional
        The seed of the cross-check's random input.
    objective : str, optional
        The network's objective (graph field ``objective``), a name of
        :mod:`rojas.network.objectives`; None: the squared error.  With
        ``"softmax_cross_entropy"`` a final Softmax over the single output is
        taken into the objective: the output units hold the logits (the
        cross-check applies the softmax to them), and the objective is the fused,
        stable one.  ``"binary_cross_entropy"`` on sigmoid outputs is fused by itself.

    Returns
    -------
    Network

    Raises
    ------
    RojasError
        An unsupported op (named with its node and the supported list), a tensor
        over ``ROJAS_MAX_TENSOR_ELEMENTS``, external data outside the model's
        folder, a cycle, a missing initializer, non-finite weights, a mismatch.

    Examples
    --------
    >>> import numpy as np, rojas
    >>> from onnx import helper, numpy_helper, TensorProto as T
    >>> W = numpy_helper.from_array(np.array([[0.5, -1.0], [2.0, 0.25]]), "fc.weight")
    >>> b = numpy_helper.from_array(np.array([0.1, 0.0]), "fc.bias")
    >>> graph = helper.make_graph(
    ...     [helper.make_node("Gemm", ["x", "fc.weight", "fc.bias"], ["z"], transB=1),
    ...      helper.make_node("Sigmoid", ["z"], ["y"])], "tiny",
    ...     [helper.make_tensor_value_info("x", T.DOUBLE, ["batch", 2])],
    ...     [helper.make_tensor_value_info("y", T.DOUBLE, ["batch", 2])], [W, b])
    >>> net = rojas.from_onnx(helper.make_model(graph))
    >>> net.inputs, net.outputs
    (['x[0]', 'x[1]'], ['y[0]', 'y[1]'])
    >>> net.edge_name("x[1]", "y[0]"), net.bias_param("y[0]")
    ('fc.weight[0,1]', 'fc.bias[0]')
    """
    imported = import_onnx(source, batch=batch, name=name, objective=objective)
    if check:
        from .crosscheck import check_against_reference

        check_against_reference(imported, seed=seed)
    return imported.network
