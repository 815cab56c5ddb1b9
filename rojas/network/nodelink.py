"""The node-link file format: reading, writing, and the NetworkX round trip.

A network file is NetworkX's node-link JSON (``nx.node_link_data(G,
edges="edges")``) with rojas's fields; ``"links"`` is accepted for
``"edges"``.  Loading checks everything with :mod:`rojas.network.columns`
and builds no NetworkX graph: that is built the first time
:attr:`Network.graph` is asked for.
"""

import os


from .columns import paused_gc
from ..utils.progress import progress_bar
from .conversion import columns_of_dict, columns_of_networkx, networkx_of, node_link_dict, node_link_of
from .model import Network
from ..utils.reading import read_json

__all__ = ["as_network", "load", "from_dict", "from_networkx", "node_link_dict", "node_link_of", "networkx_of",
           "columns_of_networkx", "columns_of_dict"]


def as_network(net):
    """`net` itself if it is a :class:`Network`, else ``Network(net)`` (a ``networkx.DiGraph``, checked).

    What every function taking "a Network or a DiGraph" calls first.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("x", fn="input"); G.add_node("y", fn="tanh"); G.add_edge("x", "y", weight=0.5)
    >>> net = as_network(G)
    >>> net.weight("x", "y"), as_network(net) is net
    (0.5, True)
    """
    return net if isinstance(net, Network) else Network(net)


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
        Naming the field, node or edge at fault.  Among the refusals: ids that
        are not strings or integers or are equal as text (``1`` and ``"1"``),
        the reserved names E, L, C, params named like a node or an edge, a
        graph ``name`` that is not a string (refused, not converted, so that a
        saved file is the file loaded), non-finite numbers and lone surrogates
        anywhere, even in passthrough fields.
    """
    return Network.from_columns(columns_of_dict(data, source, warn=warn))


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
    # A bar on a terminal when loading takes more than 2 s (a file of millions of edges).
    with progress_bar(total=4, desc=f"loading {os.path.basename(os.fspath(path))}", unit="stage") as bar:
        def step(stage):
            bar.set_postfix_str(stage, refresh=False)
            bar.update()

        with paused_gc():
            data = read_json(path, "network file")
        step("JSON parsed")
        net = Network.from_columns(columns_of_dict(data, os.fspath(path), step=step))
    return net
