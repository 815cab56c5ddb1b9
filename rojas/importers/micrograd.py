"""``from_micrograd``: Karpathy's micrograd expression graph as Rojas's network.

Every ``Value`` is a unit: a leaf an input (its gradient, ``∂out/∂leaf``, is
what ``out.backward()`` leaves in ``leaf.grad``), ``+`` a sum unit, ``*`` a
product unit, ``**k``, ``ReLU``, ``tanh`` and ``exp`` units of those
primitives.  micrograd keeps a node's operands as a set, so ``a + a`` has one
child: rojas reads it as the edge of weight 2 it is, and ``a * a`` as a square
unit.  The objective is the value of the root.  The walk is iterative, so a
deep expression never exhausts Python's stack.
"""

from ..errors import NetworkError
from .onnx_graph import require

__all__ = ["from_micrograd", "leaf_values", "OPS"]

# micrograd's op → (rojas primitive, combine mode, weight of each edge when the node has a single child)
OPS = {"+": ("identity", "sum", 2.0), "*": ("identity", "product", None), "ReLU": ("relu", "sum", 1.0),
       "tanh": ("tanh", "sum", 1.0), "exp": ("exp", "sum", 1.0)}
_POWERS = {2.0: "square", -1.0: "reciprocal", 1.0: "identity"}


def _order(root):
    """Every node below `root`, children before parents (an explicit stack: no recursion).

    A node is expanded once; its children are pushed above it, so they are all
    finished before it is (in a DAG a child is never on the current path).
    """
    order, state, stack = [], {}, [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            state[id(node)] = 2
            order.append(node)
        elif id(node) not in state:
            state[id(node)] = 1
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev if id(child) not in state)
    return order


def _power(primitives, op):
    k = float(op[2:])
    if k in _POWERS:
        return _POWERS[k]
    name = "pow_" + f"{k:g}".replace("-", "m").replace(".", "_")
    primitives[name] = {"f": f"s**({k!r})", "df": f"{k!r}*s**({k - 1!r})"}
    return name


def from_micrograd(value, names=None, *, name="micrograd"):
    """A micrograd expression as Rojas's network, its root the output.

    Parameters
    ----------
    value : micrograd.engine.Value
        The root (a loss, say).
    names : dict, optional
        ``{Value: name}`` for leaves and inner nodes; other leaves are ``x[k]``,
        other inner nodes ``v[k]``, the root ``out`` (k in the order of a walk).
    name : str, optional

    Returns
    -------
    Network
        Every input keeps its leaf's value in the node field ``x-value``
        (:func:`leaf_values` reads them); label the network with them and its
        ``input_grad`` is micrograd's ``leaf.grad``.

    Examples
    --------
    >>> import rojas
    >>> from micrograd.engine import Value
    >>> from rojas.importers.micrograd import leaf_values
    >>> a, b = Value(2.0), Value(-3.0)
    >>> out = (a * b + a).relu() + a ** 2
    >>> net = rojas.from_micrograd(out, {a: "a", b: "b"})
    >>> lab = rojas.label(net, leaf_values(net))
    >>> out.backward()
    >>> lab.value == out.data, lab.input_grad["a"] == a.grad, lab.input_grad["b"] == b.grad
    (True, True, True)
    """
    require("micrograd")
    from ..network.nodelink import from_dict

    if not hasattr(value, "_prev") or not hasattr(value, "_op"):
        raise NetworkError(f"from_micrograd takes a micrograd Value, got {type(value).__name__}")
    names = dict(names or {})
    nodes, edges, primitives, ids, counts = [], [], {}, {}, {"x": 0, "v": 0}
    for node in _order(value):
        if node is value and node not in names and node._prev:
            label = "out"
        elif node in names:
            label = names[node]
        else:
            kind = "v" if node._prev else "x"
            label, counts[kind] = f"{kind}[{counts[kind]}]", counts[kind] + 1
        ids[id(node)] = label
        if not node._prev:
            nodes.append({"id": label, "fn": "input", "x-value": float(node.data)})
            continue
        op = node._op
        if op.startswith("**"):
            fn, combine, single = _power(primitives, op), "sum", 1.0
        elif op in OPS:
            fn, combine, single = OPS[op]
        else:
            raise NetworkError(f"micrograd op {op!r} is not supported (rojas imports: {', '.join(OPS)}, **k)")
        children = list(node._prev)
        if len(children) == 1 and combine == "product":  # a * a
            fn, combine, single = "square", "sum", 1.0
        nodes.append({"id": label, "fn": fn, **({"combine": combine} if combine != "sum" else {})})
        for child in children:
            weight = single if len(children) == 1 and op in ("+", "*") else 1.0
            edges.append({"source": ids[id(child)], "target": label, "weight": weight})
    if not value._prev:
        raise NetworkError("the micrograd value is a leaf: there is nothing to differentiate")
    graph = {"name": name, "outputs": [ids[id(value)]], **({"primitives": primitives} if primitives else {})}
    return from_dict({"directed": True, "multigraph": False, "graph": graph, "nodes": nodes, "edges": edges},
                     "the micrograd expression")


def leaf_values(net):
    """``{input: value}``: the micrograd leaves' values a :func:`from_micrograd` network keeps."""
    return {n: net.graph.nodes[n]["x-value"] for n in net.inputs}
