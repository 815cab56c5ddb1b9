"""The network model: units and edges as columns, numbers in NumPy arrays.

A network is a directed acyclic graph whose nodes carry ``fn`` (``"input"`` or
a primitive's name) and optionally ``bias`` (or ``bias_param``) and
``combine``, and whose edges carry a ``weight`` or the name of a shared
``param``, optionally a ``name``.  :class:`Network` keeps it as columns: node
ids and their fields in lists, edge ends as position arrays, and every number
-- weights, biases, params -- in one float64 array each.  Those arrays are the
one source of truth: the sweeps read them, the setters write them, and the
NetworkX view (:attr:`Network.graph`, built on first use) is filled from them.
"""

import numpy as np

from ..errors import NetworkError
from .primitives import get_primitive
from .building import Building, Column
from .numbers import Numbers
from .checks import edge_reference
from .columns import check_structure
from .graphview import build_graph, ordered_dicts, sync_numbers

__all__ = ["Network", "Column"]


class Network(Building, Numbers):
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
    >>> net.set_weight("x", "h", 3.0).graph.edges["x", "h"]["weight"]
    3.0
    """

    def __init__(self, graph=None, *, name=None):
        self._gattrs, self._outputs, self._prims = {}, None, {}
        self._pnames, self._pindex, self._p = [], {}, np.zeros(0)
        self._ids, self._index, self._ndata = [], {}, []
        self._b, self._has_bias, self._node_param = Column([], float), Column([], bool), Column([], np.intp)
        self._src, self._dst = Column([], np.intp), Column([], np.intp)
        self._w, self._edge_param = Column([], float), Column([], np.intp)
        self._names, self._eextra = [], {}
        self._version = 0          # counts changes of any number (the graph view, caches of weights)
        self._eindex = None        # {(u, v): edge position}, built on first use
        self._structure_changes()
        if graph is not None:
            from .conversion import columns_of_networkx

            self._take(columns_of_networkx(graph))
        if name is not None:
            if not isinstance(name, str):
                raise NetworkError(f"the network's name must be a string, got {name!r:.60}")
            self._gattrs["name"] = name

    def _take(self, col):
        """Adopt checked columns (see rojas.network.columns) as this network's content."""
        self._gattrs, self._outputs, self._prims = col.gattrs, col.outputs, col.prims
        self._pnames, self._p = col.pnames, col.p
        self._pindex = {p: i for i, p in enumerate(col.pnames)}
        self._ids, self._index, self._ndata = col.ids, col.index, col.ndata
        self._b, self._has_bias = Column(col.b, float), Column(col.has_bias, bool)
        self._node_param = Column(col.node_param, np.intp)
        self._src, self._dst = Column(col.src, np.intp), Column(col.dst, np.intp)
        self._w, self._edge_param = Column(col.w, float), Column(col.edge_param, np.intp)
        self._names, self._eextra = col.names, col.eextra
        self._eindex = None
        self._structure_changes()
        self._levels, self._valid = col.levels, True

    def _structure_changes(self):
        self._arrays = None        # cached (w, b, p) views
        self._pairs = None         # [(u, v)] in edge order
        self._levels = None
        self._valid = False        # validate() passed since the structure last changed
        self._cache = {}           # what other modules compiled from the structure, see cached()
        self._io_cache = None      # (inputs, outputs)
        self._gview = None         # [graph, (node dicts, edge dicts) or None, version synced]
        self._text_ids = None      # {str(id): id}

    # ------------------------------------------------------------------ checking
    def validate(self):
        """Check the whole network: acyclic, ids unique as text, edge names and params, outputs.

        Returns
        -------
        Network

        Raises
        ------
        NetworkError
            Naming the cycle (``a -> b -> a``), the duplicated name or output.
        """
        if self._valid:
            return self
        if not self._ids:
            raise NetworkError("the network is empty")
        self._levels = check_structure(self._ids, self._index, self._input_mask(), self._src.a, self._dst.a,
                                       self._names, self._pnames, self._outputs)
        self._valid = True
        return self

    def _input_mask(self):
        return np.array([d["fn"] == "input" for d in self._ndata], dtype=bool)

    def cached(self, key, build):
        """``build(self)``, computed once and kept until the network's structure changes.

        Modules that compile something from the structure alone (the sweeps'
        :class:`~rojas.engine.plan.Plan`) keep it here, under a key of their
        own; adding a node, an edge or a param forgets every entry.  A change
        of numbers (weights, biases, params) keeps them: what is cached must
        read the numbers from the network when it runs, or note
        :attr:`weights_version` to know when its copies are stale.

        Examples
        --------
        >>> import rojas
        >>> net = rojas.Network().add_input("x").add_unit("y", "tanh").add_edge("x", "y", weight=0.5)
        >>> net.cached("edge count", lambda n: len(n.edges))
        1
        >>> net.add_input("z").add_edge("z", "y", weight=1.0).cached("edge count", lambda n: len(n.edges))
        2
        """
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = build(self)
            return value

    # ------------------------------------------------------------------ reading
    @property
    def name(self):
        """The network's name (graph field ``name``), or ``""``."""
        return self._gattrs.get("name", "")

    @property
    def objective(self):
        """The objective targets are compared by (graph field ``objective``), or None: squared error."""
        return self._gattrs.get("objective")

    @property
    def nodes(self):
        """The node ids, in the order they were given."""
        return list(self._ids)

    @property
    def _edges(self):
        if self._pairs is None:
            ids = self._ids
            self._pairs = list(zip(map(ids.__getitem__, self._src.a.tolist()),
                                   map(ids.__getitem__, self._dst.a.tolist())))
        return self._pairs

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
            is_input = self._input_mask()
            inputs = [self._ids[i] for i in np.flatnonzero(is_input).tolist()]
            outputs = self._outputs
            if outputs is None:
                sink = np.bincount(self._src.a, minlength=len(self._ids)) == 0
                outputs = [self._ids[i] for i in np.flatnonzero(sink & ~is_input).tolist()]
            self._io_cache = (inputs, list(outputs))
        return self._io_cache

    @property
    def params(self):
        """The shared parameters, ``{name: value}`` (a copy)."""
        return dict(zip(self._pnames, self._p.tolist()))

    def __len__(self):
        return len(self._ids)

    def __contains__(self, node):
        try:
            return node in self._index
        except TypeError:  # an unhashable value is no node
            return False

    def __repr__(self):
        return f"Network({self.name!r}, {len(self)} nodes, {self._src.n} edges)"

    def primitive(self, fn):
        """The :class:`~rojas.network.primitives.Primitive` for the name `fn` (the file's own first)."""
        return self._prims[fn] if fn in self._prims else get_primitive(fn)

    def fn(self, node):
        """The primitive name of `node` (``"input"`` for inputs)."""
        return self._ndata[self.node_index(node)]["fn"]

    def combine(self, node):
        """The combine mode's name: ``"sum"`` or ``"product"``."""
        return self._ndata[self.node_index(node)].get("combine", "sum")

    def bias_param(self, node):
        """The shared parameter `node`'s bias is tied to (node field ``bias_param``), or None."""
        return self._ndata[self.node_index(node)].get("bias_param")

    def edge_name(self, u, v):
        """The edge's ``name``, or None."""
        return self._names[self.edge_index(u, v)]

    def edge_name_list(self):
        """Every edge's ``name`` (None where it has none), in :attr:`edges` order: a new list.

        >>> import rojas
        >>> rojas.load(rojas.example_path("mazur")).edge_name_list()[:2]
        ['w1', 'w2']
        """
        return list(self._names)

    def edge_param(self, u, v):
        """The shared parameter the edge is tied to, or None."""
        p = int(self._edge_param.buf[self.edge_index(u, v)])
        return self._pnames[p] if p >= 0 else None

    def find_edge(self, ref):
        """Return ``(u, v)`` for an edge name or a ``"u->v"`` string.

        Raises
        ------
        NetworkError
            If no edge has that name.
        """
        try:
            i = self._names.index(ref)
            return self._edges[i]
        except ValueError:
            pass
        ends = edge_reference(ref)
        if ends is not None:
            a, b = ends
            ids = {str(n): n for n in self._ids}
            if a in ids and b in ids and (ids[a], ids[b]) in self._edge_positions():
                return ids[a], ids[b]
        raise NetworkError(f"no edge named {ref!r}")

    def find_node(self, key):
        """The node `key` names -- the id itself, or the id whose text it is -- or None.

        Command lines and JSON keys are text; ids are unique as text, so ``"1"``
        finds the node ``1``.

        Examples
        --------
        >>> import rojas
        >>> rojas.Network().add_input(1).find_node("1")
        1
        """
        if key in self:
            return key
        if self._text_ids is None:
            self._text_ids = {str(n): n for n in self._ids}
        return self._text_ids.get(key if isinstance(key, str) else str(key))

    def node_index(self, node):
        """The position of `node` in :attr:`nodes` (and in the bias array)."""
        try:
            return self._index[node]
        except (KeyError, TypeError):
            raise NetworkError(f"unknown node {node!r:.60}") from None

    def edge_index(self, u, v):
        """The position of the edge u→v in :attr:`edges` (and in the weight array)."""
        try:
            return self._edge_positions()[(u, v)]
        except (KeyError, TypeError):
            raise NetworkError(f"no edge {u!r:.60}->{v!r:.60}") from None

    def _edge_positions(self):
        if self._eindex is None:
            self._eindex = {e: i for i, e in enumerate(self._edges)}
        return self._eindex

    # ------------------------------------------------------------------ graph
    @property
    def graph(self):
        """The network as a read-only ``networkx.DiGraph`` (built on first use).

        Nodes and edges cannot be added or removed (``nx.freeze``) and the
        attribute dicts refuse changes; the numbers in them are the network's
        current ones.  For a graph to change, take :meth:`to_networkx`.
        """
        if self._gview is None:
            self._gview = [build_graph(self), None, self._version]
        G, dicts, synced = self._gview
        if synced != self._version:
            if dicts is None:  # found once, on the first change of numbers after the graph was built
                dicts = self._gview[1] = ordered_dicts(self, G)
            sync_numbers(self, *dicts, G.graph)
            self._gview[2] = self._version
        return G

    # ------------------------------------------------------------------ export
    def copy(self):
        """An independent copy of the network (edges in the same order)."""
        from .conversion import columns_of_dict

        return Network.from_columns(columns_of_dict(self.to_dict(), warn=False))

    @classmethod
    def from_columns(cls, col):
        """A network holding columns the loader checked (:func:`rojas.network.conversion.columns_of_dict`).

        The columns are adopted, not copied and not checked again: pass only
        what the loader returned.
        """
        net = cls()
        net._take(col)
        return net

    def to_networkx(self):
        """A new, changeable ``networkx.DiGraph`` with every field, edges in the given order."""
        from .conversion import networkx_of

        return networkx_of(self)

    def to_dict(self):
        """The network as node-link data (the file format), edges in the given order."""
        from .conversion import node_link_of

        return node_link_of(self)

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
        from ..utils.files import write_json_atomic

        write_json_atomic(path, self.to_dict())
        return path

    def summary(self):
        """A short human-readable description."""
        from ..utils.escaping import terminal

        return (f"{terminal(self.name or 'network')}: {len(self)} nodes ({len(self.inputs)} inputs, "
                f"{len(self.outputs)} outputs), {self._src.n} edges")
