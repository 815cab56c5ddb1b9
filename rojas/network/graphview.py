"""The NetworkX face of a network: a read-only DiGraph built on first use.

The network's numbers live in NumPy arrays (the one source of truth).  The
DiGraph is built from them the first time :attr:`Network.graph` is asked for,
with NetworkX's public API only: ``add_nodes_from`` and ``add_edges_from``, the
graph's attribute-dict factories (``node_attr_dict_factory``,
``edge_attr_dict_factory``: the hooks NetworkX documents for the dicts a graph
keeps, here set on this one instance while it is built, then removed) making a
plain dict subclass that then becomes
:class:`ReadOnlyDict` (the same layout: one class assignment per dict), and
``nx.freeze`` (no node or edge can be added or removed).  The network's arrays
are read through :meth:`Network.columns`.  When the numbers change afterwards,
the next read of :attr:`Network.graph` writes them into those dicts first
(:func:`sync_numbers`), so the graph and the arrays never disagree.
"""

import copy

import networkx as nx

from .columns import paused_gc

__all__ = ["ReadOnlyDict", "ordered_dicts", "build_graph", "sync_numbers", "node_dicts", "edge_dicts", "graph_attrs"]

_SCALARS = (str, int, float, type(None))
_READ_ONLY = ("Network.graph is read-only: change the network with its methods (set_weight, set_bias, "
              "set_param, set_parameters, add_...) or edit the copy net.to_networkx() returns")


class _Filling(dict):
    """The attribute dicts of a graph being built: plain dicts, of :class:`ReadOnlyDict`'s layout."""

    __slots__ = ()


class ReadOnlyDict(dict):
    """A dict that refuses to change; its copies (``copy``, ``deepcopy``, pickle) are plain dicts.

    :func:`sync_numbers` writes new numbers with ``dict``'s own methods.

    Examples
    --------
    >>> d = ReadOnlyDict(weight=0.5)
    >>> d["weight"] = 1.0
    Traceback (most recent call last):
    TypeError: Network.graph is read-only: change the network with its methods (set_weight, set_bias, \
set_param, set_parameters, add_...) or edit the copy net.to_networkx() returns
    >>> type(d.copy()).__name__
    'dict'
    """

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError(_READ_ONLY)

    __setitem__ = __delitem__ = __ior__ = update = pop = popitem = clear = setdefault = _refuse

    def copy(self):
        return dict(self)

    def __reduce_ex__(self, protocol):
        return dict, (dict(self),)


def node_dicts(net):
    """Each node's fields as rojas writes them (``bias`` from the array), in node order.

    The dicts may be the network's own: copy them before changing them.
    """
    c = net.columns()
    out = []
    for data, bias, has, tied in zip(c.node_fields, c.b.tolist(), c.has_bias.tolist(), c.node_param.tolist()):
        if not all(isinstance(v, _SCALARS) for v in data.values()):
            data = copy.deepcopy(data)  # nested passthrough values: a copy cannot reach the network
        if (has or bias != 0.0) and tied < 0 and data["fn"] != "input":
            data = {"fn": data["fn"], "bias": bias, **data}
        out.append(data)
    return out


def edge_dicts(net):
    """Each edge's fields as rojas writes them (``weight`` from the array), in edge order."""
    c = net.columns()
    pnames, names, tied = c.param_names, c.edge_names, c.edge_param
    weights = c.w.tolist()
    if (tied >= 0).any():
        out = [{"weight": w} if p < 0 else {"param": pnames[p]} for w, p in zip(weights, tied.tolist())]
    else:
        out = [{"weight": w} for w in weights]
    if any(name is not None for name in names):
        for data, name in zip(out, names):
            if name is not None:
                data["name"] = name
    for i, extra in c.edge_extra.items():
        out[i].update(copy.deepcopy(extra))
    return out


def graph_attrs(net):
    """The graph fields: name and passthrough fields, params from the array, outputs if named."""
    c = net.columns()
    attrs = copy.deepcopy(c.graph_fields)
    attrs["params"] = dict(zip(c.param_names, c.p.tolist()))
    if c.outputs is not None:
        attrs["outputs"] = list(c.outputs)
    return attrs


def build_graph(net):
    """A frozen ``nx.DiGraph`` of `net` whose attribute dicts are :class:`ReadOnlyDict`."""
    with paused_gc():
        c = net.columns()
        ids = c.ids
        G = nx.DiGraph()
        G.graph = ReadOnlyDict(graph_attrs(net))
        made = []

        def factory():
            d = _Filling()
            made.append(d)
            return d

        G.node_attr_dict_factory = G.edge_attr_dict_factory = factory
        G.add_nodes_from(zip(ids, node_dicts(net)))
        G.add_edges_from(zip(map(ids.__getitem__, c.src.tolist()), map(ids.__getitem__, c.dst.tolist()),
                             edge_dicts(net)))
        del G.node_attr_dict_factory, G.edge_attr_dict_factory  # the class's own again: copies are plain
        for d in made:
            d.__class__ = ReadOnlyDict
        nx.freeze(G)
    return G


def ordered_dicts(net, G):
    """The attribute dicts of `G` (built by :func:`build_graph`) in the network's node and edge order."""
    nodes = list(map(G.nodes.__getitem__, net.nodes))
    edges = list(map(G.edges.__getitem__, net.edges))
    return nodes, edges


def sync_numbers(net, nodes, edges, graph):
    """Write the arrays' current numbers into the read-only dicts of a graph built before.

    `nodes` and `edges` are the graph's dicts as :func:`ordered_dicts` gives them.
    """
    c = net.columns()
    set_item = dict.__setitem__
    for d, w, p in zip(edges, c.w.tolist(), c.edge_param.tolist()):
        if p < 0:
            set_item(d, "weight", w)
    for d, bias, has, tied in zip(nodes, c.b.tolist(), c.has_bias.tolist(), c.node_param.tolist()):
        if (has or bias != 0.0 or "bias" in d) and tied < 0 and d["fn"] != "input":
            set_item(d, "bias", bias)
    set_item(graph, "params", dict(zip(c.param_names, c.p.tolist())))
