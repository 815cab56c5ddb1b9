"""A network's node-link data and NetworkX graphs, to and from checked columns.

Nothing here builds a :class:`~rojas.network.Network` (that is :mod:`.nodelink`),
so the model can use these conversions without an import circle.
"""

import networkx as nx

from ..errors import NetworkError
from .checks import warn_unknown_fields
from .columns import Columns, check_structure, parse_edges, parse_graph_attrs, parse_nodes, paused_gc
from .graphview import edge_dicts, graph_attrs, node_dicts

__all__ = ["columns_of_dict", "columns_of_networkx", "node_link_of", "networkx_of", "node_link_dict"]


def _columns(attrs, nodes, edges, source, warn, step=None):
    """Checked columns from node-link lists; warnings about unknown fields when `warn`."""
    step = step or (lambda stage: None)
    col = Columns()
    try:
        parse_graph_attrs(attrs, col)
        if not nodes:
            raise NetworkError("the network is empty")
        with paused_gc():
            parse_nodes(nodes, col)
            step("nodes checked")
            parse_edges(edges, col)
            step("edges checked")
        col.levels = check_structure(col.ids, col.index, col.is_input, col.src, col.dst, col.names,
                                     col.pnames, col.outputs)
        step("structure checked")
    except NetworkError as exc:
        raise NetworkError(f"{source}: {exc}") from None
    if warn:
        warn_unknown_fields(source, "graph", attrs)
        warn_unknown_fields(source, "node", col.node_keys)
        warn_unknown_fields(source, "edge", col.edge_keys)
    return col


def columns_of_dict(data, source="network", *, warn=True, step=None):
    """Checked columns from node-link data (a parsed network file); see :func:`from_dict`.

    `step`, if given, is called with a few words after each of the three
    stages (nodes, edges, structure): what a progress bar shows.
    """
    if not isinstance(data, dict):
        raise NetworkError(f"{source}: expected a JSON object with 'nodes' and 'edges'")
    if data.get("directed") is not True:
        raise NetworkError(f"{source}: the network is not directed (need \"directed\": true)")
    if data.get("multigraph", False):
        raise NetworkError(f"{source}: the network is a multigraph (need \"multigraph\": false)")
    key = "edges" if "edges" in data else "links" if "links" in data else None
    if "edges" in data and "links" in data and data["links"] != data["edges"]:
        raise NetworkError(f"{source}: both 'edges' and 'links' are given and they differ (node-link data "
                           "names its edge list one way or the other); keep one")
    if "nodes" not in data or key is None:
        missing = "nodes" if "nodes" not in data else "edges"
        raise NetworkError(f"{source}: missing field {missing!r}")
    nodes, edges = data["nodes"], data[key]
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise NetworkError(f"{source}: fields 'nodes' and {key!r} must be lists")
    return _columns(data.get("graph", {}), nodes, edges, source, warn, step)


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


def node_link_of(net):
    """`net` as node-link data, ids first in each node, edges in the network's order."""
    ids, pairs = net.nodes, net.edges
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
