"""The node-link file format: reading, writing, and the NetworkX round trip.

A network file is NetworkX's node-link JSON (``nx.node_link_data(G,
edges="edges")``) with rojas's fields; ``"links"`` is accepted for
``"edges"``.  Loading checks everything with :mod:`rojas.network.columns`
and builds no NetworkX graph: that is built the first time
:attr:`Network.graph` is asked for.
"""

import os

import networkx as nx

from ..errors import NetworkError
from .checks import warn_unknown_fields
from .columns import Columns, check_structure, parse_edges, parse_graph_attrs, parse_nodes, paused_gc
from .graphview import edge_dicts, graph_attrs, node_dicts
from .model import Network
from .reading import read_json

__all__ = ["load", "from_dict", "from_networkx", "node_link_dict", "node_link_of", "networkx_of",
           "columns_of_networkx"]


def _columns(attrs, nodes, edges, source, warn):
    """Checked columns from node-link lists; warnings about unknown fields when `warn`."""
    col = Columns()
    try:
        parse_graph_attrs(attrs, col)
        if not nodes:
            raise NetworkError("the network is empty")
        with paused_gc():
            parse_nodes(nodes, col)
            parse_edges(edges, col)
        col.levels = check_structure(col.ids, col.index, col.is_input, col.src, col.dst, col.names,
                                     col.pnames, col.outputs)
    except NetworkError as exc:
        raise NetworkError(f"{source}: {exc}") from None
    if warn:
        warn_unknown_fields(source, "graph", attrs)
        warn_unknown_fields(source, "node", col.node_keys)
        warn_unknown_fields(source, "edge", col.edge_keys)
    return col


def from_dict(data, source="network", *, warn=True):
    """Build a :class:`Network` from node-link data (a parsed network file).

    Parameters
    ----------
    data : dict
        ``{"directed": true, "multigraph": false, "graph": {...}, "nodes": [...],
        "edges": [...]}``.
    source : str
        How messages name where `data` came from (the file's path).
    warn : bool
        Warn (:class:`~rojas.errors.RojasWarning`) about fields rojas does not
        know; they are kept and saved either way.

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
    net = Network()
    net._take(_columns(data.get("graph", {}), nodes, edges, source, warn))
    return net


def columns_of_networkx(graph, source="network"):
    """Checked columns from a user's ``networkx.DiGraph`` (edges in its order)."""
    if not isinstance(graph, nx.Graph):
        raise NetworkError(f"expected a networkx.DiGraph, got {type(graph).__name__}")
    if graph.is_multigraph():
        raise NetworkError("the network is a multigraph; use a DiGraph (at most one edge per pair)")
    if not graph.is_directed():
        raise NetworkError("the network is not directed; use a DiGraph")
    nodes = [{**d, "id": n} for n, d in graph.nodes(data=True)]
    edges = [{**d, "source": u, "target": v} for u, v, d in graph.edges(data=True)]
    return _columns(dict(graph.graph), nodes, edges, source, warn=True)


def from_networkx(graph):
    """Build a :class:`Network` from a ``networkx.DiGraph`` carrying rojas attributes."""
    return Network(graph)


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
        If the file is missing, not a regular file, over the size limit
        (``ROJAS_MAX_FILE_MB``) or not valid JSON.
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
    with paused_gc():
        data = read_json(path, "network file")
    return from_dict(data, source=os.fspath(path))


def node_link_of(net):
    """`net` as node-link data, ids first in each node, edges in the network's order."""
    ids, pairs = net._ids, net._edges
    nodes = [{"id": n, **d} for n, d in zip(ids, node_dicts(net))]
    edges = [{"source": u, "target": v, **d} for (u, v), d in zip(pairs, edge_dicts(net))]
    return {"directed": True, "multigraph": False, "graph": graph_attrs(net), "nodes": nodes, "edges": edges}


def networkx_of(net):
    """A new, changeable ``nx.DiGraph`` of `net` (edges added in the network's order)."""
    data = node_link_of(net)
    G = nx.DiGraph()
    G.graph.update(data["graph"])
    G.add_nodes_from((d.pop("id"), d) for d in data["nodes"])
    G.add_edges_from((d.pop("source"), d.pop("target"), d) for d in data["edges"])
    return G


def node_link_dict(G, edge_order):
    """``nx.node_link_data(G, edges="edges")``, ids first and edges in `edge_order`.

    node_link_data lists edges by source node; a file's own order is ours to keep.
    """
    data = nx.node_link_data(G, edges="edges")
    data["nodes"] = [{"id": d.pop("id"), **d} for d in data["nodes"]]
    data["edges"] = [{"source": u, "target": v, **G.edges[u, v]} for u, v in edge_order]
    return data
