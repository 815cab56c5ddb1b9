"""Recurrent networks and backpropagation through time (Rojas 1996, §7.4.1).

A recurrent network is a network file whose edges may carry ``"delay": 1``:
the edge u→v then carries u's value of the *previous* time step into v.
Cycles are allowed only through delayed edges; the edges without delay must
form a DAG (a cycle among them is the engine's error, naming the cycle).

Rojas's recipe: unfold the network over T steps into T copies of its units,
a delayed edge u→v becoming an edge from u's copy at step t−1 to v's copy at
step t.  The result is feed-forward, so the labeling engine computes its
gradients, and since every copy of a weight is the same weight, its gradient
is the sum over its copies: each weight is tied across the copies with a
``param`` (an edge that already has a param stays tied to it).

The unfolded network (what :func:`unfold` builds)
-------------------------------------------------
- node ``"h@t"``: the copy of unit or input ``h`` at step t = 1..T;
- input ``"h@0"``: the initial state of ``h``, for every source of a delayed edge;
- input ``"1"``: a constant unit, when some unit has a ``bias`` field.  A bias
  becomes the weight of an edge from ``"1"`` (Rojas §7.3.3's extended input),
  so that it too is tied across the copies (the engine ties edges only).
  Not so for a product unit, whose incoming edges are factors of its product:
  its copies keep the bias as their own node bias, equal but not tied
  (:func:`fold_grad` still sums their gradients);
- params: the file's own, plus one per untied edge, named after the edge
  (its ``name``, else ``"u->v"``), and ``"b(h)"`` per biased unit ``h``;
- edge names: the copy at step t of an edge named ``w`` is named ``"w@t"``;
- the outputs: the copies of the recurrent network's outputs (by default the
  units with no delay-0 out-edge; a graph field ``"outputs": [...]`` names them
  otherwise), at every step, or, when unfolding with data, at the steps that
  have a target.  The engine puts targets only on sinks, so where an output's
  copy also feeds later steps (a one-unit net, whose output is its state)
  unfolding adds a twin ``"h@t:out"`` computing the same value through the
  same tied weights, and the error enters there.  The objective and every
  tied gradient are unchanged; the δ of ``h`` at step t is the sum of the two
  copies' δ (:func:`fold_grad` adds them).
- copies that reach no output are left out (they cannot change the
  objective), e.g. a state's copy at the last step when nothing reads it;
- node attributes ``unit`` (the original id), ``step`` and ``role``
  (``"constant"``, ``"initial"``, ``"input"``, ``"unit"``, ``"output"``), and a
  graph field ``"unfolded"`` recording the mapping, so a saved unfolded
  network still maps back (:func:`unfold_data`, :func:`fold_grad`).

The sequence data file
----------------------
::

    {"inputs":  {"x": [x_1, ..., x_T]},
     "initial": {"h": 0.0},
     "targets": {"y": [y_1, ..., y_T]}}

- ``inputs``: every input of the network, a list of T values (one per step)
  or one number for every step;
- ``initial``: the value at step 0 of a source of a delayed edge; 0 when
  not given;
- ``targets`` (optional): outputs only, a list of T values or one number
  for every step; ``null`` marks a step without a target, and an output left
  out has none at any step.  The objective is
  ``E = ½ Σ_t Σ_y (y_t − target)²`` over the steps with a target;
- a step's value may itself be a list of B numbers: a batch of B sequences
  (one B for the whole file, as the engine requires).

:func:`unfold_data` turns it into the engine's data file for the unfolded
network: ``inputs[x@t] = inputs[x][t−1]``, ``inputs[h@0] = initial[h]``,
``inputs["1"] = 1``, ``targets[y@t or y@t:out] = targets[y][t−1]``.
"""

import numbers
import os

import networkx as nx
import numpy as np

from .errors import DataError, NetworkError

__all__ = ["Recurrent", "load_recurrent", "load_sequence", "unfold", "unfold_data", "fold_grad",
           "RecurrentGrad"]

SEQUENCE_FIELDS = ("inputs", "initial", "targets")
CONSTANT = "1"


def _edge_label(u, v, name=None, delay=0):
    return f"edge {u!r}->{v!r}" + (f" ({name})" if name is not None else "") + (" (delayed)" if delay else "")


class Recurrent:
    """A network whose edges may carry a one-step delay (``"delay": 1``).

    Parameters
    ----------
    graph : networkx.DiGraph or Network
        Nodes and edges with the attributes of a rojas network; an edge may
        also carry ``delay`` (0 or 1), and may then close a cycle (a delayed
        self-loop included).

    Raises
    ------
    NetworkError
        Naming the node, edge or cycle at fault.

    Examples
    --------
    >>> import networkx as nx, rojas
    >>> G = nx.DiGraph(name="one unit")
    >>> G.add_node("x", fn="input"); G.add_node("h", fn="tanh")
    >>> G.add_edge("x", "h", weight=0.5); G.add_edge("h", "h", weight=0.9, delay=1)
    >>> net = rojas.Recurrent(G)
    >>> net.states, net.outputs, net.delay("h", "h")
    (['h'], ['h'], 1)
    """

    def __init__(self, graph):
        from .network import Network

        if isinstance(graph, Network):
            graph = graph.to_networkx()
        if not isinstance(graph, nx.Graph):
            raise NetworkError(f"expected a networkx.DiGraph, got {type(graph).__name__}")
        if graph.is_multigraph() or not graph.is_directed():
            raise NetworkError("the network must be a networkx.DiGraph (directed, one edge per pair)")
        data = nx.node_link_data(graph, edges="edges")
        self._parse(data, "network")

    @classmethod
    def from_dict(cls, data, source="network"):
        """Build a recurrent network from node-link data (a parsed network file)."""
        net = cls.__new__(cls)
        net._parse(data, source)
        return net

    def _parse(self, data, source):
        from .network import _number, from_dict

        if not isinstance(data, dict):
            raise NetworkError(f"{source}: expected a JSON object with 'nodes' and 'edges'")
        key = "edges" if "edges" in data else "links" if "links" in data else None
        edges = data.get(key) if key else None
        if not isinstance(edges, list):
            from_dict(data, source)  # the engine names what is missing or malformed
        now, delayed = [], []
        for i, edge in enumerate(edges):
            delay = edge.get("delay", 0) if isinstance(edge, dict) else 0
            if isinstance(delay, bool) or not isinstance(delay, numbers.Real) or delay not in (0, 1):
                raise NetworkError(f"{source}: {_edge_label(edge.get('source'), edge.get('target'), edge.get('name'))}"
                                   f": 'delay' must be 0 or 1 (one time step), got {delay!r}")
            (delayed if delay else now).append((i, edge))
        # The engine checks the nodes, the params, the primitives and the delay-0
        # edges, among them that they form a DAG.
        self.core = from_dict({**data, key: [e for _, e in now]}, source)
        core = self.core
        names = {core.edge_name(u, v): (u, v) for u, v in core.edges if core.edge_name(u, v) is not None}
        pairs = set(core.edges)
        self._delayed = {}
        self._attrs = {(e["source"], e["target"]): {k: val for k, val in e.items() if k not in ("source", "target")}
                       for _, e in now}
        for i, edge in delayed:
            if "source" not in edge or "target" not in edge:
                raise NetworkError(f"{source}: edge #{i} needs 'source' and 'target'")
            u, v, name = edge["source"], edge["target"], edge.get("name")
            label = _edge_label(u, v, name, 1)
            for end in (u, v):
                if isinstance(end, bool) or not isinstance(end, (str, int)) or end not in core:
                    raise NetworkError(f"{source}: {label} goes to unknown node {end!r}")
            if (u, v) in pairs:
                raise NetworkError(f"{source}: {label} appears twice (one edge per pair, delayed or not)")
            pairs.add((u, v))
            if core.fn(v) == "input":
                raise NetworkError(f"{source}: input node {v!r} has an incoming {label}")
            if "param" in edge:
                if "weight" in edge:
                    raise NetworkError(f"{source}: {label} has both 'weight' and 'param'; give one")
                if edge["param"] not in core.params:
                    raise NetworkError(f"{source}: {label}: unknown param {edge['param']!r} (not in graph 'params')")
            elif "weight" in edge:
                _number(edge["weight"], f"{source}: {label}: weight")
            else:
                raise NetworkError(f"{source}: {label} has neither 'weight' nor 'param'")
            if name is not None:
                if not isinstance(name, str):
                    raise NetworkError(f"{source}: {label}: field 'name' must be a string")
                if name in names:
                    raise NetworkError(f"{source}: edge name {name!r} is used by "
                                       f"{_edge_label(*names[name])} and {label}")
                if name in core:
                    raise NetworkError(f"{source}: edge name {name!r} of {label} is also a node id")
                names[name] = (u, v)
            self._delayed[(u, v)] = 1
            self._attrs[(u, v)] = {k: val for k, val in edge.items() if k not in ("source", "target")}
        order = sorted([(i, (e["source"], e["target"])) for i, e in now + delayed])
        self._edges = [pair for _, pair in order]
        outputs = core.to_networkx().graph.get("outputs")
        if outputs is None:
            self._outputs = core.outputs
        else:
            if not isinstance(outputs, list) or not outputs:
                raise NetworkError(f"{source}: graph field 'outputs' must be a non-empty list of unit ids")
            for n in outputs:
                if isinstance(n, bool) or not isinstance(n, (str, int)) or n not in core or core.fn(n) == "input":
                    raise NetworkError(f"{source}: graph field 'outputs': {n!r} is not a unit of the network")
            self._outputs = list(dict.fromkeys(outputs))
        ids = {}
        for n in core.nodes:
            if str(n) in ids:
                raise NetworkError(f"{source}: nodes {ids[str(n)]!r} and {n!r} have the same name as text, "
                                   "so their copies would have the same id")
            ids[str(n)] = n

    # ------------------------------------------------------------------ reading
    @property
    def name(self):
        """The network's name."""
        return self.core.name

    @property
    def nodes(self):
        """The node ids, in the file's order."""
        return self.core.nodes

    @property
    def edges(self):
        """All edges ``(u, v)``, delayed or not, in the file's order."""
        return list(self._edges)

    @property
    def inputs(self):
        """The input nodes."""
        return self.core.inputs

    @property
    def units(self):
        """The non-input nodes."""
        return [n for n in self.core.nodes if self.core.fn(n) != "input"]

    @property
    def outputs(self):
        """The outputs: the graph field ``outputs``, else the units without a delay-0 out-edge."""
        return list(self._outputs)

    @property
    def states(self):
        """The sources of delayed edges: they need an initial value (step 0)."""
        sources = {u for u, _ in self._delayed}
        return [n for n in self.core.nodes if n in sources]

    @property
    def params(self):
        """The file's shared parameters ``{name: value}``."""
        return self.core.params

    def delay(self, u, v):
        """The delay of the edge u→v: 0 or 1."""
        if (u, v) not in self._attrs:
            raise NetworkError(f"no edge {u!r}->{v!r}")
        return self._delayed.get((u, v), 0)

    def edge_data(self, u, v):
        """The edge's attributes (a copy), ``delay`` included."""
        self.delay(u, v)
        data = dict(self._attrs[(u, v)])
        if "weight" in data:
            data["weight"] = self.weight(u, v)
        return data

    def weight(self, u, v):
        """The edge's weight (its param's value for a tied edge)."""
        if self.delay(u, v):
            data = self._attrs[(u, v)]
            return float(self.core.params[data["param"]]) if "param" in data else float(data["weight"])
        return self.core.weight(u, v)

    def to_networkx(self):
        """A ``networkx.DiGraph`` of the whole network, delayed edges included, in file order."""
        core = self.core.to_networkx()
        G = nx.DiGraph()
        G.graph.update(core.graph)
        G.add_nodes_from(core.nodes(data=True))
        for u, v in self._edges:
            G.add_edge(u, v, **(self._attrs[(u, v)] if (u, v) in self._delayed else core.edges[u, v]))
        return G

    def to_dict(self):
        """The network as node-link data (the file format), edges in file order."""
        from .network import node_link_dict

        return node_link_dict(self.to_networkx(), self._edges)

    def save(self, path):
        """Write the network as node-link JSON (atomically); returns `path`."""
        from .network import write_json_atomic

        write_json_atomic(path, self.to_dict())
        return path

    def summary(self):
        """A short description."""
        return (f"{self.name or 'recurrent network'}: {len(self.nodes)} nodes ({len(self.inputs)} inputs, "
                f"{len(self.outputs)} outputs), {len(self._edges)} edges ({len(self._delayed)} delayed)")

    def __repr__(self):
        return (f"Recurrent({self.name!r}, {len(self.nodes)} nodes, {len(self._edges)} edges, "
                f"{len(self._delayed)} delayed)")


def load_recurrent(path):
    """Read a recurrent network from a node-link JSON file whose edges may carry ``delay``.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Recurrent

    Raises
    ------
    RojasError
        If the file is missing or not JSON.
    NetworkError
        Naming the file and the node, edge, delay or cycle at fault.

    Examples
    --------
    >>> import json, os, tempfile, rojas
    >>> path = os.path.join(tempfile.mkdtemp(), "loop.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"directed": True, "multigraph": False, "graph": {},
    ...                "nodes": [{"id": "a", "fn": "tanh"}, {"id": "b", "fn": "tanh"}],
    ...                "edges": [{"source": "a", "target": "b", "weight": 1.0},
    ...                          {"source": "b", "target": "a", "weight": 1.0}]}, fh)
    >>> rojas.load_recurrent(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rojas.errors.NetworkError: ...: the network has a cycle: 'a' -> 'b' -> 'a'
    """
    from .network import read_json

    return Recurrent.from_dict(read_json(path, "network file"), source=os.fspath(path))


def _as_recurrent(net):
    return net if isinstance(net, Recurrent) else Recurrent(net)


def _steps(steps):
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise DataError(f"steps must be a positive integer, got {steps!r}")
    return int(steps)


# ---------------------------------------------------------------------- sequence data
def load_sequence(path):
    """Read a sequence data file ``{"inputs": …, "initial": …, "targets": …}``.

    Returns
    -------
    dict
        The parsed object (checked against a network by :func:`unfold` and
        :func:`unfold_data`).

    Raises
    ------
    RojasError
        If the file is missing or not JSON.
    DataError
        If it is not an object of those fields.

    Examples
    --------
    >>> import json, os, tempfile, rojas
    >>> path = os.path.join(tempfile.mkdtemp(), "seq.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"inputs": {"x": [1, 0, 1]}, "initial": {"h": 0.5}, "target": {}}, fh)
    >>> rojas.load_sequence(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rojas.errors.DataError: data file '...seq.json': unknown field 'target' (fields: inputs, initial, targets)
    """
    from .network import read_json

    data = read_json(path, "data file")
    _check_fields(data, f"data file {os.fspath(path)!r}")
    return data


def _check_fields(data, where):
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected an object with 'inputs', 'initial' and 'targets'")
    unknown = sorted(set(data) - set(SEQUENCE_FIELDS), key=str)
    if unknown:
        raise DataError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(SEQUENCE_FIELDS)})")
    for field in SEQUENCE_FIELDS:
        if field in data and not isinstance(data[field], dict):
            raise DataError(f"{where}: field {field!r} must be an object {{node: value}}")


class _Sequences:
    """Sequence data checked against a recurrent network's inputs, states and outputs."""

    def __init__(self, data, inputs, states, outputs, steps=None):
        from .data import _values

        _check_fields(data, "sequence data")
        ids = {str(n): n for n in list(inputs) + list(states) + list(outputs)}

        def lookup(key, field, allowed, kind):
            node = key if key in allowed else ids.get(str(key))
            if node not in allowed:
                raise DataError(f"{field}: {key!r} is not {kind} of the network "
                                f"({', '.join(map(repr, allowed)) or 'none'})")
            return node

        lengths = {}
        raw = {}
        for field, allowed, kind in (("inputs", inputs, "an input"), ("targets", outputs, "an output")):
            raw[field] = {}
            for key, value in (data.get(field) or {}).items():
                node = lookup(key, field, allowed, kind)
                raw[field][node] = value = value.tolist() if isinstance(value, np.ndarray) else value
                if isinstance(value, (list, tuple)):
                    lengths[f"{field[:-1]} {node!r}"] = len(value)
        if len(set(lengths.values())) > 1:
            (a, la), (b, lb) = min(lengths.items(), key=lambda kv: kv[1]), max(lengths.items(), key=lambda kv: kv[1])
            raise DataError(f"sequences of different lengths: {a} has {la} steps, {b} has {lb}")
        T = next(iter(lengths.values()), None)
        if steps is not None:
            steps = _steps(steps)
            if T is not None and T != steps:
                raise DataError(f"the sequences have {T} steps, but {steps} steps were asked for")
            T = steps
        if T is None:
            raise DataError("no sequence gives the number of steps: give steps=T (--steps)")
        if T == 0:
            raise DataError("the sequences are empty")
        self.steps = T

        def series(field, node, value, nulls):
            what = f"{field[:-1]} {node!r}"
            if not isinstance(value, (list, tuple)):
                if value is None and nulls:
                    return [None] * T
                return [_values(value, what)] * T
            return [None if v is None and nulls else _values(v, f"{what} at step {t}")
                    for t, v in enumerate(value, 1)]

        self.inputs = {x: series("inputs", x, raw["inputs"][x], False) for x in raw["inputs"]}
        missing = [x for x in inputs if x not in self.inputs]
        if missing:
            raise DataError(f"inputs: no sequence for input node {missing[0]!r}")
        self.targets = None
        if "targets" in data:
            self.targets = {y: series("targets", y, raw["targets"][y], True) for y in raw["targets"]}
        self.initial = {}
        for key, value in (data.get("initial") or {}).items():
            node = lookup(key, "initial", states, "a source of a delayed edge (a state)")
            self.initial[node] = _values(value, f"initial {node!r}")


# ---------------------------------------------------------------------- unfolding
def unfold(net, steps=None, data=None):
    """Unfold a recurrent network over time into a feed-forward network (Rojas §7.4.1).

    Parameters
    ----------
    net : Recurrent, networkx.DiGraph or Network
    steps : int, optional
        T, the number of copies; by default the length of `data`'s sequences.
    data : mapping, optional
        Sequence data (see the module docstring).  When given, the outputs
        are only the copies at steps with a target.

    Returns
    -------
    Network
        The unfolded network, every weight and (but a product unit's) bias
        tied across the copies; see the module docstring for its ids and params.

    Raises
    ------
    NetworkError
        If the network is malformed (a cycle without delay, …) or a generated
        param name clashes with one of the file's.
    DataError
        If `steps` or `data` do not fit the network.

    Examples
    --------
    One unit with a feedback loop, h_t = tanh(0.5·x_t + 0.9·h_{t−1}), over 3 steps:

    >>> import networkx as nx, rojas
    >>> G = nx.DiGraph(name="loop")
    >>> G.add_node("x", fn="input"); G.add_node("h", fn="tanh")
    >>> G.add_edge("x", "h", weight=0.5); G.add_edge("h", "h", weight=0.9, delay=1, name="w")
    >>> u = rojas.unfold(G, steps=3)
    >>> u.nodes
    ['h@0', 'x@1', 'h@1', 'h@1:out', 'x@2', 'h@2', 'h@2:out', 'x@3', 'h@3']
    >>> u.outputs, u.params
    (['h@1:out', 'h@2:out', 'h@3'], {'x->h': 0.5, 'w': 0.9})
    >>> u.edge_param("h@1", "h@2"), u.edge_name("h@1", "h@2")
    ('w', 'w@2')
    """
    rnet = _as_recurrent(net)
    seq = None if data is None else _Sequences(data, rnet.inputs, rnet.states, rnet.outputs, steps)
    T = seq.steps if seq is not None else _steps(steps)
    core = rnet.core
    graph = core.to_networkx()
    node_attrs = dict(graph.nodes(data=True))
    copy = lambda n, t: f"{n}@{t}"

    # Params: the file's, one per untied edge, one per biased unit.  Every copy of an
    # edge gets the edge's other attributes and its param.
    params = dict(core.params)
    template, names = {}, {}
    for u, v in rnet.edges:
        attrs = rnet.edge_data(u, v)
        names[(u, v)] = attrs.get("name")
        p = attrs.get("param")
        if p is None:
            p = attrs.get("name") or f"{u}->{v}"
            if p in params:
                raise NetworkError(f"{_edge_label(u, v, attrs.get('name'))}: its weight would be the unfolded "
                                   f"network's param {p!r}, which the network already has; rename one of them")
            params[p] = rnet.weight(u, v)
        template[(u, v)] = {**{k: val for k, val in attrs.items() if k not in ("weight", "param", "name", "delay")},
                            "param": p}
    # A product unit's incoming edges are factors of its product: its bias stays on each copy.
    biased = [n for n in rnet.units if "bias" in node_attrs[n] and core.combine(n) == "sum"]
    bias_param = {}
    for n in biased:
        p = f"b({n})"
        if p in params:
            raise NetworkError(f"node {n!r}: its bias would be the unfolded network's param {p!r}, "
                               "which the network already has; rename it")
        params[p] = float(node_attrs[n]["bias"])
        bias_param[n] = p

    # The plain copies and their edges, step by step.
    targets = None if seq is None else seq.targets
    wanted = [(y, t) for t in range(1, T + 1) for y in rnet.outputs
              if targets is None or (y in targets and targets[y][t - 1] is not None)]
    if not wanted:
        raise DataError("no step has a target: the unfolded network would have no output")
    pairs = []  # (source copy, target copy, original edge or None for a bias edge)
    for t in range(1, T + 1):
        for u, v in rnet.edges:
            pairs.append((copy(u, t - rnet.delay(u, v)), copy(v, t), (u, v)))
        pairs += [(CONSTANT, copy(n, t), None) for n in biased]
    plain = nx.DiGraph((a, b) for a, b, _ in pairs)
    outputs = {copy(y, t) for y, t in wanted}
    plain.add_nodes_from(outputs)
    sink = object()
    plain.add_edges_from((o, sink) for o in outputs)
    live = nx.ancestors(plain, sink)  # every copy with a path to an output copy
    plain.remove_node(sink)
    # An output copy that also feeds a live copy cannot be a sink: give it a twin.
    twin = {o: f"{o}:out" for o in outputs if any(s in live for s in plain.successors(o))}

    def node(n, t, role, name=None):
        attrs = {k: val for k, val in node_attrs[n].items() if not (k == "bias" and n in bias_param)}
        return {"id": name or copy(n, t), **attrs, "unit": n, "step": t, "role": role}

    nodes = []
    if biased and CONSTANT in live:
        nodes.append({"id": CONSTANT, "fn": "input", "role": "constant"})
    nodes += [{"id": copy(s, 0), "fn": "input", "unit": s, "step": 0, "role": "initial"}
              for s in rnet.states if copy(s, 0) in live]
    for t in range(1, T + 1):
        for n in core.nodes:
            c = copy(n, t)
            if c in live:
                kind = "input" if core.fn(n) == "input" else "output" if c in outputs and c not in twin else "unit"
                nodes.append(node(n, t, kind))
            if c in twin:
                nodes.append(node(n, t, "output", twin[c]))

    unit = {d["id"]: d.get("unit") for d in nodes}  # twins included
    step = {d["id"]: d.get("step") for d in nodes}

    def edge(a, b, original, suffix=""):
        if original is None:  # a bias: from the constant unit
            return {"source": a, "target": b, "param": bias_param[unit[b]]}
        entry = {"source": a, "target": b, **template[original]}
        if names[original] is not None:
            entry["name"] = f"{names[original]}@{step[b]}{suffix}"
        return entry

    edges = [edge(a, b, original) for a, b, original in pairs if a in live and b in live]
    edges += [edge(a, twin[b], original, ":out") for a, b, original in pairs if b in twin]
    edges.sort(key=lambda e: step[e["target"]])  # stable: by step, a step's twins last
    meta = {"from": rnet.name, "steps": T,
            "inputs": rnet.inputs, "states": rnet.states, "outputs": rnet.outputs, "units": rnet.units,
            "params": list(core.params),
            "weights": [[u, v, rnet.delay(u, v), template[(u, v)]["param"]] for u, v in rnet.edges]}
    graph_attrs = {"name": f"{rnet.name or 'recurrent network'} unfolded over {T} steps",
                   "params": params, "unfolded": meta}
    if "primitives" in graph.graph:
        graph_attrs["primitives"] = graph.graph["primitives"]
    from .network import from_dict

    return from_dict({"directed": True, "multigraph": False, "graph": graph_attrs,
                      "nodes": nodes, "edges": edges}, source=f"{rnet.name or 'network'} unfolded")


def _meta(unfolded):
    from .network import Network

    G = unfolded.to_networkx() if isinstance(unfolded, Network) else unfolded
    meta = G.graph.get("unfolded")
    if not isinstance(meta, dict):
        raise DataError(f"network {G.graph.get('name', '')!r} is not an unfolded recurrent network "
                        "(no graph field 'unfolded'); build one with rojas.unfold / rojas unfold")
    return G, meta


def unfold_data(unfolded, data):
    """The engine's inputs and targets for an unfolded network, from sequence data.

    Parameters
    ----------
    unfolded : Network
        What :func:`unfold` built (or that network saved and loaded again).
    data : mapping
        Sequence data, see the module docstring.

    Returns
    -------
    inputs : dict
        ``{"x@t": x_t, "h@0": initial h, "1": 1.0}``
    targets : dict or None
        ``{output copy: target}``; None when `data` has no targets.

    Raises
    ------
    DataError
        If the data do not fit the network (naming the node and the step).

    Examples
    --------
    >>> import networkx as nx, rojas
    >>> G = nx.DiGraph(name="loop")
    >>> G.add_node("x", fn="input"); G.add_node("h", fn="tanh", bias=0.1)
    >>> G.add_edge("x", "h", weight=0.5); G.add_edge("h", "h", weight=0.9, delay=1)
    >>> seq = {"inputs": {"x": [1.0, 0.0]}, "initial": {"h": 0.2}, "targets": {"h": [0.5, 0.1]}}
    >>> u = rojas.unfold(G, data=seq)
    >>> rojas.unfold_data(u, seq)
    ({'1': 1.0, 'h@0': 0.2, 'x@1': 1.0, 'x@2': 0.0}, {'h@1:out': 0.5, 'h@2': 0.1})
    """
    G, meta = _meta(unfolded)
    T = meta["steps"]
    seq = _Sequences(data, meta["inputs"], meta["states"], meta["outputs"], T)
    inputs, outs = {}, {}
    for n, attrs in G.nodes(data=True):
        role, unit, t = attrs.get("role"), attrs.get("unit"), attrs.get("step")
        if role == "constant":
            inputs[n] = 1.0
        elif role == "initial":
            inputs[n] = seq.initial.get(unit, 0.0)
        elif role == "input":
            inputs[n] = seq.inputs[unit][t - 1]
        elif role == "output":
            outs[(unit, t)] = n
    if seq.targets is None:
        return inputs, None
    targets = {}
    for (y, t), n in outs.items():
        value = seq.targets.get(y, [None] * T)[t - 1]
        if value is None:
            raise DataError(f"targets: no target for output {y!r} at step {t}, but the unfolded network has "
                            f"its output {n!r}; unfold with this data (rojas unfold --data) so that "
                            "steps without a target have no output")
        targets[n] = value
    for y, series in seq.targets.items():
        for t, value in enumerate(series, 1):
            if value is not None and (y, t) not in outs:
                raise DataError(f"targets: output {y!r} has a target at step {t}, but the unfolded network "
                                "has no output there; unfold again with this data")
    return inputs, targets


class RecurrentGrad:
    """Gradients of a recurrent network, summed over the copies of an unfolded labeling.

    Attributes
    ----------
    value : float
        The objective.
    weights : dict
        ``{(u, v): ∂E/∂w_uv}`` per original edge, in file order: the sum over
        its copies (a tied edge: its own share).
    biases : dict
        ``{unit: ∂E/∂b}``: the sum over the unit's copies.
    params : dict
        ``{param: ∂E/∂param}`` for the file's own params.
    initial : dict
        ``{state: ∂E/∂h_0}``.
    inputs : dict
        ``{input: [∂E/∂x_1, …, ∂E/∂x_T]}``.
    delta : dict
        ``{unit: [δ_1, …, δ_T]}``: ∂E/∂s of the unit at each step (a twin's δ
        added to its copy's; 0 where the copy was left out).
    """

    def __init__(self, value, weights, biases, params, initial, inputs, delta, edges):
        self.value, self.weights, self.biases, self.params = value, weights, biases, params
        self.initial, self.inputs, self.delta, self._edges = initial, inputs, delta, edges

    def table(self):
        """The gradients as text."""
        from .report import _table, fmt

        rows = [[f"{u}->{v}", d, p, fmt(g)] for ((u, v), g), (d, p) in zip(self.weights.items(), self._edges)]
        out = [f"Gradients of the recurrent network (each the sum over its copies), E = {fmt(self.value)}:",
               _table(["edge", "delay", "tied as", "∂E/∂w"], rows)]
        if self.biases:
            out += ["", _table(["unit", "∂E/∂b"],
                               [[n, fmt(g)] for n, g in self.biases.items()])]
        if self.params:
            out += ["", _table(["param", "∂E/∂param"], [[p, fmt(g)] for p, g in self.params.items()])]
        if self.initial:
            out += ["", _table(["state", "∂E/∂h_0"], [[n, fmt(g)] for n, g in self.initial.items()])]
        return "\n".join(out)


def fold_grad(lab):
    """Fold a labeling of an unfolded network back onto the recurrent network.

    Parameters
    ----------
    lab : Labeling
        Of a network built by :func:`unfold`.

    Returns
    -------
    RecurrentGrad

    Examples
    --------
    Two steps of h_t = w·h_{t−1} + x_t (identity unit) with h_0 = 1, x = (0, 0),
    and E = h_2: h_2 = w², so ∂E/∂w = 2w and ∂E/∂h_0 = w².

    >>> import networkx as nx, rojas
    >>> G = nx.DiGraph()
    >>> G.add_node("x", fn="input"); G.add_node("h", fn="identity")
    >>> G.add_edge("x", "h", weight=1.0); G.add_edge("h", "h", weight=3.0, delay=1)
    >>> u = rojas.unfold(G, steps=2)
    >>> x, _ = rojas.unfold_data(u, {"inputs": {"x": [0.0, 0.0]}, "initial": {"h": 1.0}})
    >>> g = rojas.fold_grad(rojas.label(u, x, of="h@2"))
    >>> g.weights[("h", "h")], g.initial["h"]
    (6.0, 9.0)
    """
    G, meta = _meta(lab.network)
    T = meta["steps"]
    weights = {(u, v): 0.0 for u, v, _, _ in meta["weights"]}
    unit = dict(G.nodes(data="unit"))
    role = dict(G.nodes(data="role"))
    for (a, b), g in lab.weight_grad.items():
        if role.get(a) != "constant":
            weights[(unit[a], unit[b])] += g
    batch = lab.batch_size
    zero = 0.0 if batch is None else np.zeros(batch)
    biases = {n: 0.0 for n in meta["units"]}
    delta = {n: [zero] * T for n in meta["units"]}
    inputs = {n: [zero] * T for n in meta["inputs"]}
    initial = {n: zero for n in meta["states"]}
    for n, r in role.items():
        if r in ("unit", "output"):
            biases[unit[n]] += lab.bias_grad[n]
            t = G.nodes[n]["step"]
            delta[unit[n]][t - 1] = delta[unit[n]][t - 1] + lab.delta[n]
        elif r == "input":
            inputs[unit[n]][G.nodes[n]["step"] - 1] = lab.delta[n]
        elif r == "initial":
            initial[unit[n]] = lab.delta[n]
    params = {p: lab.param_grad[p] for p in meta["params"]}
    return RecurrentGrad(lab.value, weights, biases, params, initial, inputs, delta,
                         [(d, p) for _, _, d, p in meta["weights"]])
