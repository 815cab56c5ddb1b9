"""The compiled plan of Rojas's sweeps: a network's structure as index arrays.

:mod:`rojas.engine.textbook` runs the sweeps one node at a time; the fast engine
(:mod:`rojas.engine.sweeps`) runs them a topological *generation* at a time, and this
module lays the structure out for that once per network structure:

* nodes are numbered in sweep order — by generation, within a generation by
  combine mode and primitive — so every primitive applies to a contiguous
  slice (a :class:`Level`'s ``groups``);
* each sweep direction reads its edges in :class:`EdgePart` s sorted by the
  node whose row they add to: ``linear`` edges enter units whose combine mode
  has all partials 1 (the sum: one gather–scatter or sparse product per
  generation), ``scaled`` edges enter the other units (their partials
  ``∂s_j/∂t_i`` scale them; the forward sweep reduces them mode by mode, a
  Level's ``runs``).

A plan's structure never changes: a :class:`~rojas.Labeling` keeps the plan
it was computed with, whatever happens to the network later.  The numbers are
not part of it -- every sweep is handed the weights and biases it runs with --
but a plan does keep the latest weights it was handed, permuted for each
:class:`EdgePart` and copied for labelings' snapshots (:meth:`Plan.ordered`,
:meth:`Plan.weights_copy`), keyed by the network's weight array and
:attr:`~rojas.network.Network.version`: one cache of derived numbers, replaced
as soon as that key changes.
"""

from functools import cached_property

import numpy as np

from ..network.checks import edge_reference
from ..network.combine import Segments, get_combine
from ..network.primitives import get_primitive

__all__ = ["Plan", "EdgePart", "Level", "plan_of", "structure_of"]


class EdgePart:
    """Edges one sweep reads together, sorted by the node whose row they add to.

    Attributes
    ----------
    edges : ndarray
        Edge indices (network edge order), in the order the sweep reads them.
    near, far : ndarray
        Sweep positions of the node that receives (target forward, source
        backward) and of the node read (source forward, target backward).
    local : ndarray
        ``near`` relative to the first node of its generation.
    cuts : list of int
        Generation k's edges are ``cuts[k]:cuts[k + 1]``.
    level_size : list of int
        Generation k's number of nodes.
    """

    __slots__ = ("edges", "near", "far", "local", "cuts", "level_size", "_matrices")

    def __init__(self, edges, near, far, level_lo, bounds):
        self.edges = edges[np.lexsort((far[edges], near[edges]))]
        self.near, self.far = near[self.edges], far[self.edges]
        self.local = self.near - level_lo[self.near]
        self.cuts = np.searchsorted(self.near, bounds).tolist()
        self.level_size = np.diff(bounds).tolist()
        self._matrices = {}

    def __len__(self):
        return len(self.edges)

    def span(self, k):
        """The slice ``(a, z)`` of generation `k`'s edges."""
        return self.cuts[k], self.cuts[k + 1]

    def matrix(self, k, size, n_nodes):
        """Generation `k`'s edges as a sparse matrix (rows: its nodes; columns: the nodes read).

        Built on first use, for generations with many products; each sweep
        multiplies by a shallow copy whose ``.data`` are its coefficients.
        """
        if k not in self._matrices:
            import scipy.sparse as sp

            a, z = self.span(k)
            indptr = np.concatenate([[0], np.cumsum(np.bincount(self.local[a:z], minlength=size))])
            self._matrices[k] = sp.csr_array((np.ones(z - a), self.far[a:z], indptr), shape=(size, n_nodes))
        return self._matrices[k]


class Level:
    """One topological generation: nodes ``lo:hi`` in sweep order.

    Attributes
    ----------
    groups : list of (str, int, int)
        ``(primitive name, a, z)``: the units ``a:z`` computing that primitive.
    runs : list of (Combine, int, int, Segments)
        ``(mode, a, z, layout)``: the ``scaled`` forward edges ``a:z`` enter
        units of `mode`, grouped by unit as `layout` says (rows relative to ``lo``).
    """

    __slots__ = ("index", "lo", "hi", "groups", "runs")

    def __init__(self, index, lo, hi):
        self.index, self.lo, self.hi = index, lo, hi
        self.groups, self.runs = [], []


class Direction:
    """The edges of one sweep direction: ``linear`` and ``scaled`` :class:`EdgePart` s."""

    __slots__ = ("linear", "scaled", "term")

    def __init__(self, linear, scaled, term=None):
        self.linear, self.scaled, self.term = linear, scaled, term


def structure_of(net):
    """The arrays a plan compiles from, read through the network's public array API.

    Returns
    -------
    dict
        ``nodes``, ``edges`` (network order), ``fn`` and ``combine`` per node,
        ``src``/``dst`` (node positions per edge), ``levels`` (each node's
        topological generation), ``edge_param``/``node_param`` (param positions,
        −1: untied), ``param_names``, ``name``, ``outputs``.
    """
    nodes = net.nodes
    src, dst = net.edge_arrays()
    edge_param, node_param = net.param_index()
    return {"nodes": nodes, "edges": net.edges, "name": net.name, "outputs": net.outputs,
            "param_names": list(net.params), "node_param": np.array(node_param),
            "fn": [net.fn(n) for n in nodes], "combine": [net.combine(n) for n in nodes],
            "src": np.array(src), "dst": np.array(dst), "edge_param": np.array(edge_param),
            "levels": np.array(net.levels())}


class Plan:
    """The compiled schedule of a network's sweeps (structure only, no numbers).

    Attributes
    ----------
    nodes, edges : tuple
        The network's nodes and edges, in the network's order.
    order : list
        The nodes in sweep order; ``pos[node]`` is a node's sweep position.
    node_file : ndarray
        For each sweep position, the node's index in network order.
    rank : ndarray
        For each node in network order, its sweep position (the inverse).
    src, dst : ndarray
        For each edge (network order), the sweep positions of its ends.
    edge_param, node_param : ndarray
        For each edge (network order), the index of its param, or −1; for each
        node (network order), the index of the param that is its bias, or −1.
    param_names : tuple
        The params, in the network's order.
    outputs : tuple
        The units the error sums over (``Network.outputs`` when compiled).
    fn_names, combine_names : list
        Per sweep position, the node's primitive (``"input"``) and combine mode.
    is_input, inputs : ndarray
        Which sweep positions are inputs, and their positions.
    empty : ndarray
        Per sweep position, a unit's ``s − b`` without in-edges (1 for a product unit).
    levels : list of Level
    forward, backward : Direction
        The edges as each sweep reads them.  ``backward.term`` gives, per
        backward scaled edge, its row among the forward scaled edges (where
        the forward sweep stored its partial).
    term_of_edge : ndarray
        For each edge, its row among the forward scaled edges, or −1.
    """

    def __init__(self, net):
        st = structure_of(net)
        self.nodes, self.edges = tuple(st["nodes"]), tuple(st["edges"])
        fn, combine = st["fn"], st["combine"]
        modes = {name: get_combine(name) for name in set(combine)}
        # Within a generation: linear modes first, then by mode, primitive and network order.
        names = sorted(modes, key=lambda name: (not modes[name].linear, name))
        mode_key = np.array([names.index(c) for c in combine], dtype=np.intp)
        fn_key = np.unique(fn, return_inverse=True)[1].reshape(-1)
        gen_of = st["levels"]
        sizes = np.bincount(gen_of).tolist()
        self.node_file = np.lexsort((np.arange(len(fn)), fn_key, mode_key, gen_of))
        self.rank = np.empty_like(self.node_file)
        self.rank[self.node_file] = np.arange(len(fn))
        self.order = [self.nodes[i] for i in self.node_file.tolist()]
        n_nodes = self.n_nodes = len(self.order)
        bounds = np.cumsum([0] + sizes)
        fns = [fn[i] for i in self.node_file.tolist()]
        combines = [combine[i] for i in self.node_file.tolist()]
        self.is_input = np.array([f == "input" for f in fns], dtype=bool)
        self.inputs = np.flatnonzero(self.is_input)
        self.src, self.dst = self.rank[st["src"]], self.rank[st["dst"]]
        self.edge_param, self.node_param = st["edge_param"], st["node_param"]
        self.param_names = tuple(st["param_names"])
        self.name, self.outputs, self._source = st["name"], tuple(st["outputs"]), net
        self.fn_names, self.combine_names = fns, combines
        self.n_edges = len(self.src)

        # Units whose mode is not linear: their in-edges are "scaled" by the mode's partials.
        mode_of = [modes[c] for c in combines]
        scaled_node = np.array([not m.linear for m in mode_of], dtype=bool) & ~self.is_input
        indeg = np.bincount(self.dst, minlength=n_nodes)
        empty_of = {name: float(m.empty) for name, m in modes.items()}
        self.empty = np.array([empty_of[c] for c in combines]) * (indeg == 0) * ~self.is_input
        level_lo = np.repeat(bounds[:-1], np.diff(bounds))
        scaled = scaled_node[self.dst]
        all_edges = np.arange(self.n_edges)
        lin, sca = all_edges[~scaled], all_edges[scaled]
        fwd_scaled = EdgePart(sca, self.dst, self.src, level_lo, bounds)
        self.term_of_edge = np.full(self.n_edges, -1, dtype=np.intp)
        self.term_of_edge[fwd_scaled.edges] = np.arange(len(sca))
        bwd_scaled = EdgePart(sca, self.src, self.dst, level_lo, bounds)
        self.forward = Direction(EdgePart(lin, self.dst, self.src, level_lo, bounds), fwd_scaled)
        self.backward = Direction(EdgePart(lin, self.src, self.dst, level_lo, bounds), bwd_scaled,
                                  term=self.term_of_edge[bwd_scaled.edges])

        # Runs of one primitive start where the primitive, the mode or the generation changes.
        code = np.unique([f"{c}\0{f}" for c, f in zip(combines, fns)], return_inverse=True)[1]
        starts = np.flatnonzero(np.diff(code, prepend=-1) | np.isin(np.arange(n_nodes), bounds))
        ends = np.append(starts[1:], n_nodes)
        self.fns = sorted(set(fns) - {"input"})
        self.levels = list(map(Level, range(len(sizes)), bounds[:-1].tolist(), bounds[1:].tolist()))
        run_level = (np.searchsorted(bounds, starts, side="right") - 1).tolist()
        for k, a, z in zip(run_level, starts.tolist(), ends.tolist()):
            if fns[a] != "input":
                self.levels[k].groups.append((fns[a], a, z))
        cuts = fwd_scaled.cuts
        for k in np.flatnonzero(np.diff(cuts)).tolist():  # the generations with scaled edges
            a, z = cuts[k], cuts[k + 1]
            while a < z:  # the scaled edges of one mode are contiguous (units sorted by mode)
                name = combines[fwd_scaled.near[a]]
                b = a + int(np.searchsorted([combines[i] != name for i in fwd_scaled.near[a:z]], True))
                self.levels[k].runs.append((modes[name], a, b, Segments(fwd_scaled.local[a:b])))
                a = b
        self._file_primitives = {f: prim for f in self.fns
                                 if (prim := net.primitive(f)).source is not None}  # defined by the file
        self._ordered = (None, None, {})

    def primitive(self, fn):
        """The primitive `fn`: the network file's own, else the registry's entry (looked up now,
        so a replaced registry entry counts)."""
        prim = self._file_primitives.get(fn)
        return prim if prim is not None else get_primitive(fn)

    @cached_property
    def pos(self):
        """``{node: sweep position}``."""
        return dict(zip(self.order, range(self.n_nodes)))

    @cached_property
    def edge_index(self):
        """``{(u, v): edge index}`` in network edge order."""
        return dict(zip(self.edges, range(self.n_edges)))

    def fn_of(self, row):
        """The primitive name of the node at sweep position `row`."""
        return self.fn_names[row]

    @cached_property
    def edge_names(self):
        """For each edge (network order), its ``name`` or None (names never change)."""
        return self._source.edge_name_list()[: self.n_edges]  # edges are only ever appended: aligned

    @cached_property
    def _edge_by_name(self):
        return {name: i for i, name in enumerate(self.edge_names) if name is not None}

    def find_edge(self, ref):
        """The index of the edge an edge name or a ``"u->v"`` string names, or None."""
        try:
            if ref in self._edge_by_name:
                return self._edge_by_name[ref]
        except TypeError:  # an unhashable ref names nothing
            return None
        ends = edge_reference(ref)  # the one reading of "u->v" (rojas.network.checks)
        if ends is not None:
            a, b = ends
            ids = {str(n): n for n in self.nodes}
            if a in ids and b in ids:
                return self.edge_index.get((ids[a], ids[b]))
        return None

    def ordered(self, w, part, key=None):
        """The weights `w` (edge order) as `part` (an :class:`EdgePart`) reads them.

        A permutation of every weight costs as much as a generation's scatter,
        so with a `key` (the network's weight array and its version) the result
        is kept until the key changes.
        """
        if key is None:
            return w[part.edges]
        ref, version, cache = self._ordered
        if ref is not key[0] or version != key[1]:
            cache = {}
            self._ordered = (key[0], key[1], cache)
        if id(part) not in cache:
            cache[id(part)] = w[part.edges]
        return cache[id(part)]

    def weights_copy(self, w, key):
        """A copy of the weights `w` for a labeling's snapshot, shared by the labelings of one `key`.

        Labelings treat it as read-only, so while the network's weights stay
        the same (its key unchanged) one copy serves them all.
        """
        ref, version, cache = self._ordered
        if ref is not key[0] or version != key[1]:
            self.ordered(w, self.forward.linear, key)  # starts a new cache for this key
            cache = self._ordered[2]
        if "copy" not in cache:
            cache["copy"] = w.copy()
        return cache["copy"]


def plan_of(net):
    """The network's compiled :class:`Plan`, cached (:meth:`Network.cached`) until its structure changes."""
    return net.cached(PLAN_KEY, _compile)


#: The key under which a network caches its plan (see :meth:`rojas.network.Network.cached`).
PLAN_KEY = "rojas.engine.plan"


def _compile(net):
    net.validate()  # the builder may have made a cycle
    return Plan(net)
