"""The recurrent network: a network file whose edges may carry a one-step delay (Rojas 1996, §7.4.1).

An edge with ``"delay": 1`` carries u's value of the *previous* time step
into v.  Cycles are allowed only through delayed edges; the edges without
delay must form a DAG (a cycle among them is the engine's error, naming the
cycle).  Every edge, delayed or not, is checked by the network's own
validator (:func:`rojas.network.from_dict`): the delay-0 edges as the network
they form, a delayed edge u→v as an edge from a stand-in input ``"u(t-1)"``
(u one step earlier), which is how messages about a delayed edge name it.
"""

import numbers
import os

import warnings

import networkx as nx

from ...errors import NetworkError, RojasWarning

__all__ = ["Recurrent", "load_recurrent", "as_recurrent", "edge_label"]


def edge_label(u, v, name=None, delay=0):
    """``"edge 'u'->'v' (name) (delayed)"``: an edge of a recurrent network as messages name it."""
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
        from ...network import Network

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
        from ...network import from_dict

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
                raise NetworkError(f"{source}: {edge_label(edge.get('source'), edge.get('target'), edge.get('name'))}"
                                   f": 'delay' must be 0 or 1 (one time step), got {delay!r}")
            edge = {k: val for k, val in edge.items() if k != "delay"} if isinstance(edge, dict) else edge
            (delayed if delay else now).append((i, edge))
        # The network's own validator checks every edge, delayed or not: the delay-0
        # part as the network it is (nodes, params, primitives, a DAG) ...
        with warnings.catch_warnings():  # unknown fields: warned once, over the whole file (below)
            if delayed:
                warnings.simplefilter("ignore", RojasWarning)
            self.core = core = from_dict({**data, key: [e for _, e in now]}, source)
        # ... and the whole file with each delayed edge u->v drawn from a stand-in input
        # "u(t-1)" (u's value one step earlier), so that a delayed edge's weight, param,
        # name and target are checked by the same code, and a cycle through it is none.
        _validate_with_stand_ins(data, key, now, delayed, core, source)
        self._delayed = {(e["source"], e["target"]): 1 for _, e in delayed}
        self._attrs = {(e["source"], e["target"]): {k: val for k, val in e.items() if k not in ("source", "target")}
                       for _, e in now + delayed}
        for (u, v) in self._delayed:
            self._attrs[(u, v)]["delay"] = 1
        order = sorted([(i, (e["source"], e["target"])) for i, e in now + delayed])
        self._edges = [pair for _, pair in order]
        self._outputs = core.outputs  # graph field "outputs" (checked by the engine), else the delay-0 sinks
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
        from ...network import node_link_dict

        return node_link_dict(self.to_networkx(), self._edges)

    def save(self, path):
        """Write the network as node-link JSON (atomically); returns `path`."""
        from ...utils.files import write_json_atomic

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
    from ...utils.files import read_json

    return Recurrent.from_dict(read_json(path, "network file"), source=os.fspath(path))


def as_recurrent(net):
    """`net` as a :class:`Recurrent` (a DiGraph or Network is read as one)."""
    return net if isinstance(net, Recurrent) else Recurrent(net)


def _stand_in(u, taken):
    """The id of u's value one step earlier in the validation network: ``"u(t-1)"``, unused."""
    name = f"{u}(t-1)"
    while name in taken:
        name += "'"
    return name


def _validate_with_stand_ins(data, key, now, delayed, core, source):
    from ...network import from_dict

    if not delayed:
        return
    pairs = {(e["source"], e["target"]) for _, e in now}
    taken = {str(n) for n in core.nodes}
    stand = {}
    for i, edge in delayed:
        if isinstance(edge, dict) and "source" in edge and "target" in edge:
            u, v = edge["source"], edge["target"]
            if (u, v) in pairs:
                raise NetworkError(f"{source}: {edge_label(u, v, edge.get('name'), 1)} appears twice "
                                   "(one edge per pair, delayed or not)")
            pairs.add((u, v))
            if not isinstance(u, bool) and isinstance(u, (str, int)) and u in core and u not in stand:
                stand[u] = _stand_in(u, taken)
                taken.add(stand[u])
    edges = sorted(now + [(i, {**e, "source": stand.get(e.get("source"), e.get("source"))}
                           if isinstance(e, dict) else e) for i, e in delayed], key=lambda ie: ie[0])
    nodes = list(data.get("nodes", [])) + [{"id": s, "fn": "input"} for s in stand.values()]
    graph = {k: val for k, val in (data.get("graph") or {}).items() if k != "outputs"}
    from_dict({**data, "graph": graph, "nodes": nodes, key: [e for _, e in edges]}, source)
