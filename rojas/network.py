"""The network: a NetworkX DiGraph of units, checked and ready to label.

A network is any directed acyclic graph whose nodes carry ``fn`` (``"input"``
or a primitive's name) and optionally ``bias`` and ``combine`` (``"sum"`` or
``"product"``), and whose edges carry a ``weight`` or the name of a shared
``param`` (tied weights), optionally a ``name``.  :class:`Network` keeps such a
graph, refuses a malformed one with an error naming the culprit, and keeps the
numbers in NumPy arrays so that labeling and training never walk the graph.
"""

import copy
import math
import numbers
import os
import warnings

import networkx as nx
import numpy as np

from .errors import NetworkError, RojasWarning
from .expressions import file_primitives
from .files import read_json, write_json_atomic, write_text_atomic  # noqa: F401 (re-exported)
from .primitives import get_primitive

__all__ = ["Network", "load", "from_networkx"]

COMBINES = ("sum", "product")

# The fields rojas reads or writes; any other field is kept and saved but warned
# about once, unless it is a documented passthrough: PASSTHROUGH or an "x-" prefix.
GRAPH_FIELDS = ("name", "params", "primitives", "outputs", "unfolded")
NODE_FIELDS = ("fn", "bias", "bias_param", "combine", "unit", "step", "role")
EDGE_FIELDS = ("weight", "param", "name", "delay")
PASSTHROUGH = ("label", "pos")
PASSTHROUGH_PREFIX = "x-"


def warn_unknown_fields(source, kind, fields):
    """Warn (one line, :class:`~rojas.errors.RojasWarning`) about `fields` rojas does not know.

    Parameters
    ----------
    source : str
        The file or object the fields come from.
    kind : {"graph", "node", "edge"}
    fields : iterable of str
        Every field name seen on such objects; known and passthrough ones are skipped.
    """
    known = {"graph": GRAPH_FIELDS, "node": NODE_FIELDS + ("id",),
             "edge": EDGE_FIELDS + ("source", "target")}[kind]
    unknown = sorted(str(f) for f in fields if f not in known and f not in PASSTHROUGH
                     and not (isinstance(f, str) and f.startswith(PASSTHROUGH_PREFIX)))
    if unknown:
        listed = ", ".join(map(repr, unknown))
        warnings.warn(f"{source}: unknown {kind} field{'s' if len(unknown) > 1 else ''} {listed} "
                      f"kept but not used by rojas (prefix with {PASSTHROUGH_PREFIX!r} to mark it as yours)",
                      RojasWarning, stacklevel=3)


def _number(value, what, error=NetworkError):
    """Return `value` as a finite float or raise `error` naming `what` (a string, or a callable making one)."""
    if isinstance(value, float) and value - value == 0.0:  # finite: the common case, checked cheaply
        return value
    if callable(what):
        what = what()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise error(f"{what} must be a number, got {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an integer literal beyond float range
        raise error(f"{what} must be finite, got an integer of {len(str(value))} digits") from None
    if not math.isfinite(value):
        raise error(f"{what} must be finite, got {value!r}")
    return value


def _edge_label(u, v, name=None):
    return f"edge {u!r}->{v!r}" + (f" ({name})" if name is not None else "")


class Network:
    """A feed-forward network of units, built from Python, a DiGraph or a file.

    Parameters
    ----------
    graph : networkx.DiGraph, optional
        A graph carrying the attributes described in the module docstring; it is
        copied and checked.  Without it the network starts empty and is built
        with :meth:`add_input`, :meth:`add_unit` and :meth:`add_edge`.
    name : str, optional
        The network's name (graph attribute ``name``).

    Raises
    ------
    NetworkError
        If `graph` is not a valid network; the message names the node, edge or
        field at fault.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.Network(name="chain")
    >>> net.add_input("x").add_unit("h", "sigmoid", bias=0.5).add_edge("x", "h", weight=2.0, name="w1")
    Network('chain', 2 nodes, 1 edges)
    >>> net.inputs, net.outputs
    (['x'], ['h'])
    """

    def __init__(self, graph=None, *, name=None):
        self._graph = nx.DiGraph()
        self._edges = []          # (u, v) in the order they were given: the file's order
        self._prims = {}          # primitives the file defines
        self._arrays = None       # numbers as arrays, see _values()
        self._dicts_stale = False  # arrays hold newer numbers than the graph's dicts
        self._plan = None         # compiled sweeps, see rojas.labeling
        self._io_cache = None     # (inputs, outputs)
        self._valid = False       # validate() passed since the structure last changed
        self._weights_changed = 0  # counts changes of the weight array, for caches of it
        if graph is not None:
            self._adopt(graph)
        if name is not None:
            self._graph.graph["name"] = name
        self._graph.graph.setdefault("params", {})

    # ------------------------------------------------------------------ building
    def add_input(self, node):
        """Add an input node (``fn: "input"``).  Returns the network."""
        self._new_node(node, {"fn": "input"})
        return self

    def add_unit(self, node, fn, *, bias=0.0, combine="sum", bias_param=None, **attrs):
        """Add a unit computing ``fn(s)`` with ``s = Σ w·o + bias`` (or ``Π w·o + bias``).

        Parameters
        ----------
        node : hashable
        fn : str
            A registered primitive or one defined with :meth:`add_primitive`.
        bias : float, optional
        combine : {"sum", "product"}, optional
        bias_param : str, optional
            Tie the bias to this shared parameter (see :meth:`add_param`)
            instead of giving it a value; then `bias` must stay 0.
        **attrs
            Other node attributes, kept and saved as they are.

        Returns
        -------
        Network
            The network itself, so calls can be chained.
        """
        data = {"fn": fn, **attrs}
        if bias != 0.0:
            data["bias"] = bias
        if combine != "sum":
            data["combine"] = combine
        if bias_param is not None:
            data["bias_param"] = bias_param
        self._check_node(node, data)
        self._new_node(node, data)
        return self

    def add_edge(self, u, v, *, weight=None, param=None, name=None, **attrs):
        """Add the edge u→v with a `weight`, or tied to the shared `param`.

        Returns
        -------
        Network

        Raises
        ------
        NetworkError
            If a node is unknown, `v` is an input, the edge exists, or the weight
            is missing or not finite.
        """
        data = dict(attrs)
        for key, value in (("weight", weight), ("param", param), ("name", name)):
            if value is not None:
                data[key] = value
        for node in (u, v):
            if node not in self._graph:
                raise NetworkError(f"{_edge_label(u, v, name)}: unknown node {node!r}")
        if self._graph.has_edge(u, v):
            raise NetworkError(f"{_edge_label(u, v, name)} appears twice")
        self._check_edge(u, v, data)
        self._structure_changes()
        self._graph.add_edge(u, v, **data)
        self._edges.append((u, v))
        return self

    def add_param(self, name, value):
        """Add (or set) the shared parameter `name` that tied edges refer to.  Returns the network."""
        value = _number(value, f"param {name!r}")
        self._sync_dicts()
        params = self._graph.graph.setdefault("params", {})
        if name in params and self._arrays is not None:
            (w, b, p), _, _, names, edge_param = self._arrays
            i = names.index(name)
            p[i] = value
            w[edge_param == i] = value
            b[self._node_param == i] = value
            self._weights_changed += 1
        else:
            self._structure_changes()
        params[name] = value
        return self

    def add_primitive(self, name, f, df):
        """Define a primitive for this network from expressions in ``s`` (saved with it).

        Examples
        --------
        >>> import rojas
        >>> net = rojas.Network().add_primitive("mysig", "1/(1+exp(-s))", "mysig(s)*(1-mysig(s))")
        >>> net.primitive("mysig").source
        ('1/(1+exp(-s))', 'mysig(s)*(1-mysig(s))')
        """
        spec = dict(self._graph.graph.get("primitives", {}))
        spec[name] = {"f": f, "df": df}
        self._prims = file_primitives(spec)
        self._graph.graph["primitives"] = spec
        self._structure_changes()
        return self

    def _new_node(self, node, data):
        if node in self._graph:
            raise NetworkError(f"node {node!r} appears twice")
        self._structure_changes()
        self._graph.add_node(node, **data)

    def _structure_changes(self):
        self._sync_dicts()
        self._arrays = None
        self._plan = None
        self._io_cache = None
        self._valid = False

    # ------------------------------------------------------------------ checking
    def _adopt(self, graph, edge_order=None, source="network"):
        if not isinstance(graph, nx.Graph):
            raise NetworkError(f"expected a networkx.DiGraph, got {type(graph).__name__}")
        if graph.is_multigraph():
            raise NetworkError("the network is a multigraph; use a DiGraph (at most one edge per pair)")
        if not graph.is_directed():
            raise NetworkError("the network is not directed; use a DiGraph")
        if graph.number_of_nodes() == 0:
            raise NetworkError("the network is empty")
        attrs = copy.deepcopy(dict(graph.graph))
        params = attrs.get("params", {})
        if not isinstance(params, dict):
            raise NetworkError("graph field 'params' must be an object {name: number}")
        for p, value in params.items():
            _number(value, f"param {p!r}")
        self._prims = file_primitives(attrs["primitives"]) if "primitives" in attrs else {}
        self._graph.graph.update(attrs)
        for node, data in graph.nodes(data=True):
            self._check_node(node, data)
        self._graph.add_nodes_from((node, dict(data)) for node, data in graph.nodes(data=True))
        triples = list(graph.edges(data=True))
        if edge_order is not None:
            data_of = {(u, v): d for u, v, d in triples}
            triples = [(u, v, data_of[(u, v)]) for u, v in edge_order]
        inputs = {n for n, fn in graph.nodes(data="fn") if fn == "input"}
        for u, v, data in triples:
            self._check_edge(u, v, data, inputs)
        self._graph.add_edges_from((u, v, dict(data)) for u, v, data in triples)
        self._edges = [(u, v) for u, v, _ in triples]
        self.validate()
        if source is None:
            return
        warn_unknown_fields(source, "graph", attrs)
        warn_unknown_fields(source, "node", set().union(*(d.keys() for _, d in graph.nodes(data=True))))
        warn_unknown_fields(source, "edge", set().union(*(d.keys() for _, _, d in triples)))

    def _check_node(self, node, data):
        if "fn" not in data:
            raise NetworkError(f"node {node!r} has no field 'fn'")
        fn = data["fn"]
        if fn == "input":
            extra = sorted({"bias", "bias_param", "combine"} & set(data))
            if extra:
                raise NetworkError(f"input node {node!r} cannot have a {extra[0]!r}")
            return
        if not isinstance(fn, str):
            raise NetworkError(f"node {node!r}: field 'fn' must be a string, got {fn!r}")
        if fn not in self._prims:
            try:
                get_primitive(fn)
            except NetworkError as exc:
                raise NetworkError(f"node {node!r}: {exc}") from None
        combine = data.get("combine", "sum")
        if combine not in COMBINES:
            raise NetworkError(f"node {node!r}: unknown combine {combine!r} (use 'sum' or 'product')")
        if "bias_param" in data:
            if "bias" in data:
                raise NetworkError(f"node {node!r} has both 'bias' and 'bias_param'; give one")
            param = data["bias_param"]
            if not isinstance(param, str) or param not in self._graph.graph.get("params", {}):
                raise NetworkError(f"node {node!r}: unknown bias_param {param!r} (not in graph 'params')")
        elif "bias" in data:
            _number(data["bias"], f"node {node!r}: bias")

    def _check_edge(self, u, v, data, inputs=None):
        name = data.get("name")
        weight = data.get("weight")
        into_input = (v in inputs) if inputs is not None else self._graph.nodes[v].get("fn") == "input"
        if isinstance(weight, float) and weight - weight == 0.0 and len(data) <= 2 and \
                (len(data) == 1 or isinstance(name, str)) and u != v and not into_input:
            return  # the common case: a finite weight and perhaps a name, nothing else to check
        label = _edge_label(u, v, name)
        if data.get("delay", 0) != 0:
            raise NetworkError(f"{label} has a delay, so this is a recurrent network: unfold it "
                               "over time first (rojas unfold NET.json --steps T)")
        if u == v:
            raise NetworkError(f"{label} is a self-loop")
        if into_input:
            raise NetworkError(f"input node {v!r} has an incoming {label}")
        if name is not None and not isinstance(name, str):
            raise NetworkError(f"{label}: field 'name' must be a string")
        if "param" in data:
            if "weight" in data:
                raise NetworkError(f"{label} has both 'weight' and 'param'; give one")
            params = self._graph.graph.get("params", {})
            if data["param"] not in params:
                raise NetworkError(f"{label}: unknown param {data['param']!r} (not in graph 'params')")
        elif "weight" in data:
            _number(data["weight"], f"{label}: weight")
        else:
            raise NetworkError(f"{label} has neither 'weight' nor 'param'")

    def validate(self):
        """Check the whole network: acyclic, unique edge names, known params.

        Raises
        ------
        NetworkError
            Naming the cycle (``a -> b -> a``) or the duplicated name.
        """
        G = self._graph
        if self._valid:
            return self
        if G.number_of_nodes() == 0:
            raise NetworkError("the network is empty")
        if not nx.is_directed_acyclic_graph(G):
            cycle = nx.find_cycle(G)  # slow, so only asked once a cycle is known to exist
            path = " -> ".join(repr(u) for u, _ in cycle) + f" -> {cycle[0][0]!r}"
            raise NetworkError(f"the network has a cycle: {path}")
        names = {}
        for u, v in self._edges:
            name = G.edges[u, v].get("name")
            if name is None:
                continue
            if name in names:
                raise NetworkError(f"edge name {name!r} is used by {names[name]} and {_edge_label(u, v)}")
            if name in G:
                raise NetworkError(f"edge name {name!r} of {_edge_label(u, v)} is also a node id")
            names[name] = _edge_label(u, v)
        self._check_outputs(G.graph.get("outputs"))
        self._valid = True
        return self

    def _check_outputs(self, outputs):
        if outputs is None:
            return
        if not isinstance(outputs, list) or not outputs:
            raise NetworkError("graph field 'outputs' must be a non-empty list of unit ids")
        seen = set()
        for n in outputs:
            if isinstance(n, bool) or not isinstance(n, (str, int)) or n not in self._graph:
                raise NetworkError(f"graph field 'outputs': unknown node {n!r}")
            if self._graph.nodes[n]["fn"] == "input":
                raise NetworkError(f"graph field 'outputs': {n!r} is not a unit (it is an input node)")
            if n in seen:
                raise NetworkError(f"graph field 'outputs' lists {n!r} twice")
            seen.add(n)

    def set_outputs(self, nodes):
        """Name the units the objective sums over (graph field ``outputs``).

        Parameters
        ----------
        nodes : sequence of node ids, or None
            Units (not inputs), each once.  None goes back to the default:
            the sinks.

        Returns
        -------
        Network

        Examples
        --------
        >>> import rojas
        >>> net = rojas.Network().add_input("x").add_unit("h", "tanh").add_unit("y", "identity")
        >>> net = net.add_edge("x", "h", weight=1.0).add_edge("h", "y", weight=2.0)
        >>> net.set_outputs(["h", "y"]).outputs
        ['h', 'y']
        >>> net.set_outputs(None).outputs
        ['y']
        """
        if nodes is None:
            self._graph.graph.pop("outputs", None)
        else:
            nodes = list(nodes)
            self._check_outputs(nodes)
            self._graph.graph["outputs"] = nodes
        self._structure_changes()
        return self

    # ------------------------------------------------------------------ reading
    @property
    def name(self):
        """The network's name (graph attribute ``name``), or ``""``."""
        return self._graph.graph.get("name", "")

    @property
    def nodes(self):
        """The node ids, in the order they were given."""
        return list(self._graph.nodes)

    @property
    def edges(self):
        """The edges ``(u, v)``, in the order they were given (the file's order)."""
        return list(self._edges)

    @property
    def inputs(self):
        """The input nodes, in order."""
        return list(self._io()[0])

    @property
    def outputs(self):
        """The output units: graph field ``outputs`` if given, else the sinks that are not inputs."""
        return list(self._io()[1])

    def _io(self):
        if self._io_cache is None:
            G = self._graph
            outputs = G.graph.get("outputs")
            if outputs is None:
                outputs = [n for n in G if G.out_degree(n) == 0 and G.nodes[n]["fn"] != "input"]
            self._io_cache = ([n for n, fn in G.nodes(data="fn") if fn == "input"], list(outputs))
        return self._io_cache

    @property
    def params(self):
        """The shared parameters, ``{name: value}`` (a copy)."""
        self._sync_dicts()
        return dict(self._graph.graph.get("params", {}))

    def __len__(self):
        return self._graph.number_of_nodes()

    def __contains__(self, node):
        return node in self._graph

    def __repr__(self):
        return f"Network({self.name!r}, {len(self)} nodes, {len(self._edges)} edges)"

    def primitive(self, fn):
        """The :class:`~rojas.primitives.Primitive` for the name `fn` (the file's own first)."""
        return self._prims[fn] if fn in self._prims else get_primitive(fn)

    def fn(self, node):
        """The primitive name of `node` (``"input"`` for inputs)."""
        return self._node(node)["fn"]

    def combine(self, node):
        """``"sum"`` or ``"product"``."""
        return self._node(node).get("combine", "sum")

    def bias_param(self, node):
        """The shared parameter `node`'s bias is tied to (node field ``bias_param``), or None."""
        return self._node(node).get("bias_param")

    def edge_name(self, u, v):
        """The edge's ``name``, or None."""
        return self._edge(u, v).get("name")

    def edge_param(self, u, v):
        """The shared parameter the edge is tied to, or None."""
        return self._edge(u, v).get("param")

    def find_edge(self, ref):
        """Return ``(u, v)`` for an edge name or a ``"u->v"`` string.

        Raises
        ------
        NetworkError
            If no edge has that name.
        """
        for u, v in self._edges:
            if self._graph.edges[u, v].get("name") == ref:
                return u, v
        if isinstance(ref, str) and "->" in ref:
            a, b = (part.strip() for part in ref.split("->", 1))
            ids = {str(n): n for n in self._graph}
            if a in ids and b in ids and self._graph.has_edge(ids[a], ids[b]):
                return ids[a], ids[b]
        raise NetworkError(f"no edge named {ref!r}")

    def weight(self, u, v):
        """The current weight of u→v (a tied edge's param value)."""
        self._edge(u, v)
        w, _, _ = self._values()
        return float(w[self._edge_index()[(u, v)]])

    def bias(self, node):
        """The current bias of `node` (0 when it has none)."""
        self._node(node)
        _, b, _ = self._values()
        return float(b[self._node_index()[node]])

    def set_weight(self, u, v, value):
        """Set the weight of u→v (for a tied edge, set its param instead)."""
        param = self._edge(u, v).get("param")
        if param is not None:
            raise NetworkError(f"{_edge_label(u, v)} is tied to param {param!r}; set the param")
        value = _number(value, f"{_edge_label(u, v)}: weight")
        self._sync_dicts()
        self._graph.edges[u, v]["weight"] = value
        if self._arrays is not None:
            self._values()[0][self._edge_index()[(u, v)]] = value
            self._weights_changed += 1
        return self

    def set_bias(self, node, value):
        """Set the bias of a (non-input) unit (for a tied bias, set its param instead)."""
        if self._node(node)["fn"] == "input":
            raise NetworkError(f"input node {node!r} cannot have a bias")
        param = self._graph.nodes[node].get("bias_param")
        if param is not None:
            raise NetworkError(f"node {node!r}: its bias is tied to param {param!r}; set the param")
        value = _number(value, f"node {node!r}: bias")
        self._sync_dicts()
        self._graph.nodes[node]["bias"] = value
        if self._arrays is not None:
            self._values()[1][self._node_index()[node]] = value
        return self

    def set_param(self, name, value):
        """Set the value of the shared parameter `name`."""
        if name not in self._graph.graph.get("params", {}):
            raise NetworkError(f"unknown param {name!r}")
        return self.add_param(name, value)

    def _node(self, node):
        try:
            return self._graph.nodes[node]
        except KeyError:
            raise NetworkError(f"unknown node {node!r}") from None

    def _edge(self, u, v):
        try:
            return self._graph.edges[u, v]
        except KeyError:
            raise NetworkError(f"no edge {u!r}->{v!r}") from None

    # ------------------------------------------------------------------ arrays
    def _node_index(self):
        return self._values_and_index()[1]

    def _edge_index(self):
        return self._values_and_index()[2]

    def _values(self):
        """``(weights, biases, params)``: float64 arrays in node/edge order.

        Tied edges hold their param's value in ``weights``; the arrays are the
        numbers the sweeps use, kept up to date by every setter.
        """
        return self._values_and_index()[0]

    def _weight_version(self):
        return self._weights_changed

    def _values_and_index(self):
        if self._arrays is None:
            G = self._graph
            params = G.graph.get("params", {})
            names = list(params)
            pidx = {p: i for i, p in enumerate(names)}
            p = np.array([params[n] for n in names], dtype=float)
            edge_param = np.array([pidx.get(G.edges[e].get("param"), -1) for e in self._edges],
                                  dtype=np.intp)
            w = np.array([G.edges[e].get("weight", 0.0) for e in self._edges], dtype=float)
            tied = edge_param >= 0
            w[tied] = p[edge_param[tied]]
            b = np.array([G.nodes[n].get("bias", 0.0) for n in G], dtype=float)
            self._node_param = np.array([pidx.get(bp, -1) for bp in
                                         (G.nodes[n].get("bias_param") for n in G)], dtype=np.intp)
            tied_b = self._node_param >= 0
            b[tied_b] = p[self._node_param[tied_b]]
            node_index = {n: i for i, n in enumerate(G)}
            edge_index = {e: i for i, e in enumerate(self._edges)}
            self._arrays = (w, b, p), node_index, edge_index, names, edge_param
        return self._arrays

    def parameters(self):
        """The trainable numbers as arrays.

        Returns
        -------
        dict
            ``{"weights": (E,) untied edge weights in edge order (tied edges hold
            their param's value), "biases": (N,) in node order (0 for inputs),
            "params": {name: value}}``, all copies.
        """
        (w, b, p), _, _, names, _ = self._values_and_index()
        return {"weights": w.copy(), "biases": b.copy(), "params": dict(zip(names, p.tolist()))}

    def set_parameters(self, weights=None, biases=None, params=None):
        """Replace many numbers at once from arrays (what training uses).

        Parameters
        ----------
        weights : array_like of shape (E,), optional
            In :attr:`edges` order; entries of tied edges are ignored.
        biases : array_like of shape (N,), optional
            In :attr:`nodes` order; entries of inputs must be 0; entries of
            units with a ``bias_param`` are ignored.
        params : dict, optional
            ``{name: value}``.

        Returns
        -------
        Network
        """
        (w, b, p), _, _, names, edge_param = self._values_and_index()
        tied = edge_param >= 0
        if weights is not None:
            weights = self._finite_array(weights, w.shape, "weights")
            w[~tied] = weights[~tied]
        if biases is not None:
            biases = self._finite_array(biases, b.shape, "biases")
            inputs = np.array([self._graph.nodes[n]["fn"] == "input" for n in self._graph])
            if biases[inputs].any():
                node = self.nodes[int(np.flatnonzero(inputs & (biases != 0))[0])]
                raise NetworkError(f"biases: input node {node!r} cannot have a bias")
            free = self._node_param < 0
            b[free] = biases[free]
        if params is not None:
            for key, value in params.items():
                if key not in names:
                    raise NetworkError(f"unknown param {key!r}")
                p[names.index(key)] = _number(value, f"param {key!r}")
            w[tied] = p[edge_param[tied]]
            tied_b = self._node_param >= 0
            b[tied_b] = p[self._node_param[tied_b]]
        self._weights_changed += 1
        self._dicts_stale = True
        return self

    @staticmethod
    def _finite_array(values, shape, what):
        values = np.asarray(values, dtype=float)
        if values.shape != shape:
            raise NetworkError(f"{what}: expected shape {shape}, got {values.shape}")
        if not np.isfinite(values).all():
            raise NetworkError(f"{what}: entry {int(np.argmin(np.isfinite(values)))} is not finite")
        return values

    def _sync_dicts(self):
        """Write numbers changed through arrays back into the graph's attribute dicts."""
        if not self._dicts_stale:
            return
        (w, b, p), _, _, names, edge_param = self._arrays
        G = self._graph
        for (u, v), value, tied in zip(self._edges, w.tolist(), (edge_param >= 0).tolist()):
            if not tied:
                G.edges[u, v]["weight"] = value
        for node, value in zip(G, b.tolist()):
            data = G.nodes[node]
            if data["fn"] != "input" and "bias_param" not in data and (value != 0.0 or "bias" in data):
                G.nodes[node]["bias"] = value
        G.graph["params"] = dict(zip(names, p.tolist()))
        self._dicts_stale = False

    # ------------------------------------------------------------------ export
    def copy(self):
        """An independent copy of the network (edges in the same order)."""
        return from_dict(self.to_dict(), warn=False)

    def to_networkx(self):
        """A new ``networkx.DiGraph`` with every attribute, edges in the given order."""
        self._sync_dicts()
        G = nx.DiGraph()
        G.graph.update(copy.deepcopy(self._graph.graph))
        G.add_nodes_from(self._graph.nodes(data=True))
        G.add_edges_from((u, v, dict(self._graph.edges[u, v])) for u, v in self._edges)
        return G

    def to_dict(self):
        """The network as node-link data (the file format), edges in the given order."""
        return node_link_dict(self.to_networkx(), self._edges)

    def save(self, path):
        """Write the network as node-link JSON to `path` (atomically).

        Examples
        --------
        >>> import os, tempfile, rojas
        >>> net = rojas.Network().add_input("x").add_unit("y", "tanh").add_edge("x", "y", weight=0.5)
        >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
        >>> rojas.load(net.save(path)).weight("x", "y")
        0.5
        """
        write_json_atomic(path, self.to_dict())
        return path

    # ------------------------------------------------------------------ display
    def _repr_png_(self):
        # Jupyter shows the network drawn (Matplotlib is imported only now).
        from .drawing import repr_png

        return repr_png(self)

    def summary(self):
        """A short human-readable description."""
        return (f"{self.name or 'network'}: {len(self)} nodes ({len(self.inputs)} inputs, "
                f"{len(self.outputs)} outputs), {len(self._edges)} edges")


def node_link_dict(G, edge_order):
    """``nx.node_link_data(G, edges="edges")``, ids first and edges in `edge_order`.

    node_link_data lists edges by source node; a file's own order is ours to keep.
    """
    data = nx.node_link_data(G, edges="edges")
    data["nodes"] = [{"id": d.pop("id"), **d} for d in data["nodes"]]
    data["edges"] = [{"source": u, "target": v, **G.edges[u, v]} for u, v in edge_order]
    return data


def from_networkx(graph):
    """Build a :class:`Network` from a ``networkx.DiGraph`` carrying rojas attributes."""
    return Network(graph)


def from_dict(data, source="network", *, warn=True):
    """Build a :class:`Network` from node-link data (a parsed network file).

    With `warn` (the default), fields rojas does not know are warned about
    (:class:`~rojas.errors.RojasWarning`); they are kept and saved either way.

    Raises
    ------
    NetworkError
        Naming the field, node or edge at fault.
    """
    if not isinstance(data, dict):
        raise NetworkError(f"{source}: expected a JSON object with 'nodes' and 'edges'")
    if data.get("directed") is not True:
        raise NetworkError(f"{source}: the network is not directed (need \"directed\": true)")
    if data.get("multigraph", False):
        raise NetworkError(f"{source}: the network is a multigraph (need \"multigraph\": false)")
    key = "edges" if "edges" in data else "links" if "links" in data else None
    if "nodes" not in data or key is None:
        missing = "nodes" if "nodes" not in data else "edges"
        raise NetworkError(f"{source}: missing field {missing!r}")
    nodes, edges = data["nodes"], data[key]
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise NetworkError(f"{source}: fields 'nodes' and {key!r} must be lists")
    if not isinstance(data.get("graph", {}), dict):
        raise NetworkError(f"{source}: field 'graph' must be an object")
    ids = set()
    for i, node in enumerate(nodes):
        if not isinstance(node, dict) or "id" not in node:
            raise NetworkError(f"{source}: node #{i} has no 'id'")
        if not isinstance(node["id"], (str, int)) or isinstance(node["id"], bool):
            raise NetworkError(f"{source}: node #{i} id {node['id']!r} must be a string or integer")
        if node["id"] in ids:
            raise NetworkError(f"{source}: node {node['id']!r} appears twice")
        ids.add(node["id"])
    pairs = set()
    for i, edge in enumerate(edges):
        if not isinstance(edge, dict) or "source" not in edge or "target" not in edge:
            raise NetworkError(f"{source}: edge #{i} needs 'source' and 'target'")
        u, v = edge["source"], edge["target"]
        for end in (u, v):
            if not isinstance(end, (str, int)) or isinstance(end, bool) or end not in ids:
                raise NetworkError(f"{source}: {_edge_label(u, v, edge.get('name'))} "
                                   f"goes to unknown node {end!r}")
        if (u, v) in pairs:
            raise NetworkError(f"{source}: {_edge_label(u, v)} appears twice")
        pairs.add((u, v))
    graph = nx.node_link_graph({**data, key: edges, "directed": True, "multigraph": False},
                               directed=True, multigraph=False, edges=key)
    net = Network()
    try:
        # G.edges iterates by node, not in the file's order: pass that order along.
        net._adopt(graph, edge_order=[(e["source"], e["target"]) for e in edges], source=source if warn else None)
    except NetworkError as exc:
        raise NetworkError(f"{source}: {exc}") from None
    return net


def load(path):
    """Read a network from a node-link JSON file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Network

    Raises
    ------
    RojasError
        If the file is missing or not valid JSON.
    NetworkError
        If the network in it is malformed; the message names the file and the
        node, edge or field.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> net.weight(*net.find_edge("w5"))
    0.4
    """
    return from_dict(read_json(path, "network file"), source=os.fspath(path))
