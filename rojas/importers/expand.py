"""Tensors of units and affine maps, grown into a Rojas network with NumPy.

An importer walks a framework's graph once, turning every tensor into one of
four values (no batch dimension of more than one sample is ever expanded):

* :class:`Const` -- numbers known at import time (a reshape's shape, a
  batch norm's running statistics);
* :class:`Param` -- a model parameter: every element is one *slot*, named
  ``PARAM[i,j,…]`` after the parameter, that becomes an edge's ``name`` (used
  once) or a graph param (tied: a conv kernel, a module used twice);
* :class:`Units` -- an array of unit ids, one unit per element;
* :class:`Affine` -- a pending affine map of units, element ``e`` being
  ``Σ w·o_src + b_e`` over its *terms* (source unit, weight or param slot);
  it becomes units only when a non-linear op or the end needs them, so that
  Gemm + bias + activation, or two linear maps added (a skip connection), fold
  into one unit per output element as Rojas draws them.

:class:`Graph` collects units, edges and params as arrays; :meth:`Graph.network`
builds the :class:`~rojas.network.Network` once, through the node-link checks.
Everything is linear in the number of weight elements: no loop over edges.
"""

from dataclasses import dataclass, field

import numpy as np

from ..errors import NetworkError
from ..utils.limits import limit, too_large

__all__ = ["Const", "Param", "Units", "Affine", "Graph", "element_names"]


@dataclass
class Const:
    """Numbers known at import time."""

    value: np.ndarray

    @property
    def shape(self):
        return self.value.shape


@dataclass
class Param:
    """A model parameter: `idx` holds each element's slot in :attr:`Graph.pnames`."""

    idx: np.ndarray
    value: np.ndarray

    @property
    def shape(self):
        return self.idx.shape


@dataclass
class Units:
    """One unit per element: `ids` holds unit indices of the :class:`Graph`."""

    ids: np.ndarray

    @property
    def shape(self):
        return self.ids.shape


@dataclass
class Affine:
    """Element ``e`` is ``Σ_{terms t with dst[t] = e} w_t·o_{src[t]} + b_e``.

    A term's weight is ``coef`` when ``pidx < 0``, else exactly the param slot
    ``pidx`` (``coef`` is then 1).  A bias is ``bconst`` when ``bpidx < 0``,
    else the slot ``bpidx``.  At most one term per (source, element) pair:
    a network has one edge per pair.
    """

    shape: tuple
    src: np.ndarray
    dst: np.ndarray
    coef: np.ndarray
    pidx: np.ndarray
    bconst: np.ndarray
    bpidx: np.ndarray
    made: dict = field(default_factory=dict, repr=False)  # {fn: Units} already materialized
    label: str = None  # the tensor it is, for naming its units when they are made as they are

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def tied(self):
        """Whether a param slot is among the weights or biases (then no factor can fold into it)."""
        return bool((self.pidx >= 0).any() or (self.bpidx >= 0).any())


def _intp(a):
    return np.asarray(a, dtype=np.intp).ravel()


def element_names(name, shape, drop_batch):
    """``NAME[i,j,…]`` for every element of a tensor of `shape`, in C order.

    With `drop_batch` a leading dimension of size 1 is left out of the index.

    >>> element_names("fc1.weight", (2, 2), False)
    ['fc1.weight[0,0]', 'fc1.weight[0,1]', 'fc1.weight[1,0]', 'fc1.weight[1,1]']
    >>> element_names("y", (1, 3), True), element_names("loss", (), False)
    (['y[0]', 'y[1]', 'y[2]'], ['loss'])
    """
    shape = tuple(int(d) for d in shape)
    if drop_batch and shape and shape[0] == 1:
        shape = shape[1:]
    if not shape:
        return [name]
    if len(shape) == 1:
        return [f"{name}[{i}]" for i in range(shape[0])]
    # the leading indices once per row, then the last one: a single f-string per element
    lead = [c.ravel().tolist() for c in np.indices(shape[:-1])]
    prefixes = [f"{name}[{','.join(map(str, t))}," for t in zip(*lead)]
    last = [f"{j}]" for j in range(shape[-1])]
    return [p + j for p in prefixes for j in last]


class Graph:
    """The unit-level network being grown: units, edges and param slots as arrays.

    Parameters
    ----------
    drop_batch : bool
        Name units without the leading batch index (size 1).
    """

    def __init__(self, drop_batch=True):
        self.drop_batch = drop_batch
        self.names, self.fns = [], []                    # per unit
        self._bconst, self._bpidx = [], []               # chunks, per unit
        self._src, self._dst, self._coef, self._pidx = [], [], [], []  # chunks, per edge
        self.pnames, self._pvalues = [], []
        self.n_edges, self.prefixes = 0, set()
        self.objective = None

    @property
    def n_units(self):
        return len(self.names)

    # ------------------------------------------------------------------ growing
    def reserve(self, n_edges, what):
        """Refuse an expansion that would pass the ``import_edges`` limit, before allocating it."""
        if self.n_edges + n_edges > limit("import_edges"):
            raise NetworkError(too_large(f"{what}: the imported network", f"would have "
                                         f"{self.n_edges + n_edges:,} edges", "import_edges"))

    def unique(self, name):
        """`name`, or `name#2`, `name#3`, … when units were already named after it."""
        base, k = name, 1
        while name in self.prefixes:
            k += 1
            name = f"{base}#{k}"
        self.prefixes.add(name)
        return name

    def params(self, name, value):
        """A :class:`Param` with one new slot per element of `value`, named ``name[i,j,…]``."""
        value = np.asarray(value, dtype=np.float64)
        start = len(self.pnames)
        self.pnames.extend(element_names(name, value.shape, False))
        self._pvalues.append(value.ravel())
        return Param(np.arange(start, len(self.pnames)).reshape(value.shape), value)

    def units(self, name, shape, fn, bconst=None, bpidx=None, combine="sum"):
        """New units (ids shaped `shape`) named after the tensor `name`."""
        shape = tuple(int(d) for d in shape)
        n = int(np.prod(shape, dtype=np.int64))
        start = self.n_units
        self.names.extend(element_names(self.unique(name), shape, self.drop_batch))
        self.fns.append((start, n, fn, combine))
        self._bconst.append(np.zeros(n) if bconst is None else np.asarray(bconst, float).ravel())
        self._bpidx.append(np.full(n, -1, np.intp) if bpidx is None else _intp(bpidx))
        return Units(np.arange(start, start + n).reshape(shape))

    def edges(self, src, dst, coef, pidx):
        src, dst = _intp(src), _intp(dst)
        self.reserve(len(src), "an edge block")
        self._src.append(src)
        self._dst.append(dst)
        self._coef.append(np.broadcast_to(np.asarray(coef, float), src.shape).ravel())
        self._pidx.append(np.broadcast_to(np.asarray(pidx, np.intp), src.shape).ravel())
        self.n_edges += len(src)

    def materialize(self, value, name, fn="identity"):
        """`value` as :class:`Units` computing `fn` of it; an :class:`Affine` folds into them."""
        if isinstance(value, Units) and fn == "identity":
            return value
        aff = as_affine(value)
        if fn in aff.made:
            return aff.made[fn]
        if fn == "identity" and aff.label:
            name = aff.label
        out = self.units(name, aff.shape, fn, aff.bconst, aff.bpidx)
        self.edges(aff.src, out.ids.ravel()[aff.dst], aff.coef, aff.pidx)
        aff.made[fn] = out
        if isinstance(value, Affine):
            value.made[fn] = out
        return out

    def product(self, a, b, name):
        """Units ``a·b`` elementwise (broadcast): product units, or ``square`` where a and b are one unit."""
        shape = np.broadcast_shapes(a.shape, b.shape)
        ia, ib = np.broadcast_to(a.ids, shape).ravel(), np.broadcast_to(b.ids, shape).ravel()
        out = self.units(name, shape, "identity", combine="product")
        same = ia == ib
        if same.any():  # x·x: one edge into a square unit (a network has one edge per pair)
            self._split_fns(int(out.ids.ravel()[0]), np.where(same, "square", "identity"),
                            np.where(same, "sum", "product"))
        ids = out.ids.ravel()
        self.edges(np.concatenate([ia, ib[~same]]), np.concatenate([ids, ids[~same]]), 1.0, -1)
        return out

    def _split_fns(self, start, fns, combines):
        """Give the units from `start` on their own fn and combine, in runs (after :meth:`units`)."""
        del self.fns[-1]
        fns, combines = np.asarray(fns), np.asarray(combines)
        change = np.flatnonzero((fns[1:] != fns[:-1]) | (combines[1:] != combines[:-1])) + 1
        bounds = np.concatenate([[0], change, [len(fns)]])
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            self.fns.append((start + lo, hi - lo, str(fns[lo]), str(combines[lo])))

    def rename(self, ids, name):
        """Rename the units `ids` after the tensor `name` (a model's output)."""
        shape, ids = np.shape(ids), np.ravel(ids).tolist()
        if [self.names[i] for i in ids] == element_names(name, shape, self.drop_batch):
            return
        for i, text in zip(ids, element_names(self.unique(name), shape, self.drop_batch)):
            self.names[i] = text

    @staticmethod
    def label(value, tensor):
        """Note that `value` is the tensor `tensor` (its units are named so if made as they are)."""
        if isinstance(value, Affine) and value.label is None:
            value.label = tensor
        return value

    def name_outputs(self, named, inputs):
        """Units for every ``(tensor name, value)`` in `named`, named after it: ``{name: ids}``.

        Units that are this output's alone are renamed in place; an input passed
        through, or units another output already shows, get one identity unit each.
        """
        claimed, outputs = set(int(i) for ids in inputs for i in np.ravel(ids)), {}
        for name, value in named:
            units = self.materialize(value, name)
            ids = units.ids.ravel().tolist()
            if claimed.isdisjoint(ids) and len(set(ids)) == len(ids):
                self.rename(units.ids, name)
            else:
                units = self.units(name, units.shape, "identity")
                self.edges(np.asarray(ids), units.ids.ravel(), 1.0, -1)
            claimed.update(units.ids.ravel().tolist())
            outputs[name] = units.ids
        return outputs

    # ------------------------------------------------------------------ the network
    def node_link(self, outputs, graph_name, extra=None):
        """The node-link data of the grown network (see :func:`rojas.load`).

        A param slot used by exactly one edge and no bias becomes that edge's
        ``name`` (its weight the slot's value); every other slot used becomes a
        graph param that its edges (``param``) and biases (``bias_param``) name.
        """
        pvalues = np.concatenate(self._pvalues) if self._pvalues else np.zeros(0)
        src, dst, coef, pidx = (np.concatenate(c) if c else np.zeros(0, t) for c, t in
                                ((self._src, np.intp), (self._dst, np.intp), (self._coef, float),
                                 (self._pidx, np.intp)))
        bconst = np.concatenate(self._bconst) if self._bconst else np.zeros(0)
        bpidx = np.concatenate(self._bpidx) if self._bpidx else np.zeros(0, np.intp)
        uses = np.bincount(pidx[pidx >= 0], minlength=len(self.pnames))
        bias_uses = np.bincount(bpidx[bpidx >= 0], minlength=len(self.pnames))
        shared = (uses + bias_uses > 1) | (bias_uses > 0)
        names, pnames = self.names, self.pnames
        fn = np.empty(self.n_units, dtype=object)
        comb = np.empty(self.n_units, dtype=object)
        for start, n, f, c in self.fns:
            fn[start:start + n], comb[start:start + n] = f, c
        nodes = [{"id": i, "fn": f} for i, f in zip(names, fn.tolist())]
        for k in np.flatnonzero(comb != "sum").tolist():
            nodes[k]["combine"] = comb[k]
        for k in np.flatnonzero((bpidx < 0) & (bconst != 0)).tolist():
            nodes[k]["bias"] = float(bconst[k])
        for k, p in zip(np.flatnonzero(bpidx >= 0).tolist(), bpidx[bpidx >= 0].tolist()):
            nodes[k]["bias_param"] = pnames[p]
        weight = np.where(pidx >= 0, pvalues[np.maximum(pidx, 0)] if len(pvalues) else 0.0, coef)
        us, vs = [names[i] for i in src.tolist()], [names[i] for i in dst.tolist()]
        edges = [{"source": u, "target": v, "weight": w} for u, v, w in zip(us, vs, weight.tolist())]
        tied = pidx >= 0
        for k, p in zip(np.flatnonzero(tied).tolist(), pidx[tied].tolist()):
            if shared[p]:
                del edges[k]["weight"]
                edges[k]["param"] = pnames[p]
            else:
                edges[k]["name"] = pnames[p]
        used = np.flatnonzero(shared & (uses + bias_uses > 0))
        graph = {"name": graph_name, "params": {pnames[p]: float(pvalues[p]) for p in used.tolist()},
                 "outputs": [names[i] for i in np.ravel(outputs).tolist()], **(extra or {})}
        return {"directed": True, "multigraph": False, "graph": graph, "nodes": nodes, "edges": edges}

    def network(self, outputs, graph_name, extra=None):
        """The grown :class:`~rojas.network.Network`, checked as a file would be."""
        from ..network.nodelink import from_dict

        return from_dict(self.node_link(outputs, graph_name, extra), f"the imported {graph_name!r}", warn=False)


def as_affine(value):
    """Any value as an :class:`Affine` (units as terms of weight 1, numbers and params as biases)."""
    if isinstance(value, Affine):
        return value
    empty = np.zeros(0, np.intp)
    if isinstance(value, Units):
        n = value.ids.size
        return Affine(value.shape, value.ids.ravel().astype(np.intp), np.arange(n), np.ones(n),
                      np.full(n, -1, np.intp), np.zeros(n), np.full(n, -1, np.intp))
    if isinstance(value, Param):
        n = value.idx.size
        return Affine(value.shape, empty, empty, np.zeros(0), empty, np.zeros(n), value.idx.ravel().astype(np.intp))
    value = np.asarray(value.value, dtype=np.float64)
    return Affine(value.shape, empty, empty, np.zeros(0), empty, value.ravel().copy(),
                  np.full(value.size, -1, np.intp))
