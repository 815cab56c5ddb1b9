"""Rojas's two sweeps: the forward and backward labeling of a network.

Rojas (1996, §7.2) splits every unit in two: on the forward sweep the right
half computes ``o = f(s)`` and the left half stores ``f'(s)``; on the backward
sweep the graph is run in reverse, a 1 entering at the objective, every edge
multiplying by its weight and every unit multiplying the sum of what arrives
by its stored derivative.  What a unit then holds is ``δ = ∂objective/∂s``
and ``∂objective/∂w_ij = o_i·δ_j``.

The sweeps here do exactly that, a topological generation at a time: a
generation's units depend only on earlier ones, so each is one gather, one
scatter-add (``bincount``, or a sparse product over a batch) and one call of
each primitive.  The schedule (orders and index arrays) is compiled once per
network structure and cached on the network.
"""

from collections.abc import Mapping
from functools import cached_property

import networkx as nx
import numpy as np

from .data import prepare
from .errors import DataError, NumericalError

__all__ = ["label", "evaluate", "Labeling", "Plan"]

_CHUNK = 1 << 19  # numbers per temporary when reducing over a batch (fits in cache)
_SPARSE_FROM = 1024  # edges in a generation from which a batch goes through scipy.sparse


class _Level:
    """One topological generation: node range, primitive groups and edge slices."""

    __slots__ = ("lo", "hi", "groups", "fs", "fp", "bs", "bp", "prod", "fwd_csr", "bwd_csr")


class Plan:
    """The compiled schedule of a network's sweeps (structure only, no numbers).

    Nodes are numbered in sweep order: by topological generation, and within a
    generation by primitive, so that every primitive is applied to a
    contiguous slice.  Edges keep the network's order; the sweeps visit them
    through permutations sorted by target (forward) and by source (backward).
    """

    def __init__(self, net):
        G = net._graph
        _, file_pos, _, _, edge_param = net._values_and_index()
        gens = [sorted(gen, key=lambda n: (G.nodes[n]["fn"], G.nodes[n].get("combine", "sum"),
                                           file_pos[n]))
                for gen in nx.topological_generations(G)]
        self.order = [n for gen in gens for n in gen]
        self.pos = {n: i for i, n in enumerate(self.order)}
        self.node_file = np.array([file_pos[n] for n in self.order], dtype=np.intp)
        bounds = np.cumsum([0] + [len(gen) for gen in gens])
        n_nodes = len(self.order)
        fns = [G.nodes[n]["fn"] for n in self.order]
        self.is_input = np.array([fn == "input" for fn in fns])
        self.inputs = np.flatnonzero(self.is_input)
        product = np.array([G.nodes[n].get("combine", "sum") == "product" for n in self.order])
        self.edge_param = edge_param
        src = np.array([self.pos[u] for u, _ in net._edges], dtype=np.intp)
        dst = np.array([self.pos[v] for _, v in net._edges], dtype=np.intp)
        self.src, self.dst = src, dst
        indeg = np.bincount(dst, minlength=n_nodes)
        # An empty sum is 0 but an empty product is 1: s = b + [product unit without inputs].
        self.empty_product = (product & (indeg == 0)).astype(float)

        into_product = product[dst]
        fs = self._sorted(np.flatnonzero(~into_product), dst, src)
        fp = self._sorted(np.flatnonzero(into_product), dst, src)
        bs = self._sorted(np.flatnonzero(~into_product), src, dst)
        bp = self._sorted(np.flatnonzero(into_product), src, dst)
        self.fs, self.fp, self.bs, self.bp = fs, fp, bs, bp
        # Every per-edge array a sweep reads, laid out in the order it reads them.
        self.fs_src, self.fs_dst = src[fs], dst[fs]
        self.fp_src, self.fp_dst = src[fp], dst[fp]
        self.bs_src, self.bs_dst = src[bs], dst[bs]
        self.fp_rank = np.empty(len(dst), dtype=np.intp)  # edge → its row among the product terms
        self.fp_rank[fp] = np.arange(len(fp))
        self.bp_src, self.bp_dst, self.bp_term = src[bp], dst[bp], self.fp_rank[bp]

        cuts = {name: np.searchsorted(keys, bounds)
                for name, keys in (("fs", self.fs_dst), ("fp", self.fp_dst),
                                   ("bs", self.bs_src), ("bp", self.bp_src))}
        level_lo = np.repeat(bounds[:-1], np.diff(bounds))  # first node of each node's generation
        self.fs_dstl = self.fs_dst - level_lo[self.fs_dst]
        self.bs_srcl = self.bs_src - level_lo[self.bs_src]
        self.bp_srcl = self.bp_src - level_lo[self.bp_src]
        self.fp_dstl = self.fp_dst - level_lo[self.fp_dst]
        # Runs of one primitive: they start where the primitive or the generation changes.
        code = np.unique(fns, return_inverse=True)[1]
        starts = np.flatnonzero(np.diff(code, prepend=-1) | np.isin(np.arange(n_nodes), bounds))
        runs = list(zip(starts.tolist(), np.append(starts[1:], n_nodes).tolist()))
        first_run = np.searchsorted(starts, bounds).tolist()
        # Primitives are looked up by name at every sweep, so a replaced registry entry counts.
        self.fns = sorted(set(fns) - {"input"})
        self.primitive = net.primitive
        self.weight_version = net._weight_version
        self.network_values = net._values
        self._ordered, self._ordered_key = {}, None
        cuts = {name: c.tolist() for name, c in cuts.items()}
        self.levels = []
        for k in range(len(gens)):
            lev = _Level()
            lev.lo, lev.hi = int(bounds[k]), int(bounds[k + 1])
            lev.groups = [(fns[a], a, z) for a, z in runs[first_run[k]:first_run[k + 1]]
                          if fns[a] != "input"]
            lev.fs = (cuts["fs"][k], cuts["fs"][k + 1])
            lev.fp = (cuts["fp"][k], cuts["fp"][k + 1])
            lev.bs = (cuts["bs"][k], cuts["bs"][k + 1])
            lev.bp = (cuts["bp"][k], cuts["bp"][k + 1])
            lev.prod = self._product_layout(lev, self.fp_dst[slice(*lev.fp)]) if lev.fp[1] > lev.fp[0] else None
            lev.fwd_csr = lev.bwd_csr = None
            self.levels.append(lev)
        self.n_nodes, self.n_edges = n_nodes, len(src)

    def ordered(self, w, which):
        """The weights `w` (edge order) permuted as sweep `which` reads them.

        A permutation of every weight costs as much as a generation's scatter,
        so it is kept for the network's current weights and redone only when
        they change (their array is replaced or its version moves on).
        """
        if w is not self.network_values()[0]:  # other weights (evaluate, a check): no cache
            return w[getattr(self, which)]
        key = self.weight_version()
        if self._ordered_key != key:
            self._ordered, self._ordered_key = {}, key
        if which not in self._ordered:
            self._ordered[which] = w[getattr(self, which)]
        return self._ordered[which]

    @staticmethod
    def _sorted(edges, major, minor):
        return edges[np.lexsort((minor[edges], major[edges]))]

    @staticmethod
    def _product_layout(lev, dst):
        """Pad a generation's product units into a (units, max in-degree) table."""
        units, row = np.unique(dst, return_inverse=True)
        first = np.searchsorted(dst, units)
        col = np.arange(len(dst)) - first[row]
        return units - lev.lo, row, col, int(col.max()) + 1

    def csr(self, lev, which):
        """The level's sparse matrix for batched sweeps, built on first use.

        ``"fwd"``: rows are the level's units, columns their sources (s = A·o);
        ``"bwd"``: rows are the level's units, columns their targets (the
        reversed graph: what arrives = R·δ).  The sweeps set ``.data`` to the
        weights before each product.
        """
        import scipy.sparse as sp

        attr = f"{which}_csr"
        if getattr(lev, attr) is None:
            a, z = lev.fs if which == "fwd" else lev.bs
            rows = (self.fs_dstl if which == "fwd" else self.bs_srcl)[a:z]
            cols = (self.fs_src if which == "fwd" else self.bs_dst)[a:z]
            size = lev.hi - lev.lo
            indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=size))])
            setattr(lev, attr, sp.csr_array((np.ones(z - a), cols, indptr), shape=(size, self.n_nodes)))
        return getattr(lev, attr)


def plan_of(net):
    """The network's compiled :class:`Plan`, cached until its structure changes."""
    if net._plan is None:
        net.validate()  # the builder may have made a cycle
        net._plan = Plan(net)
    return net._plan


def _scatter(index, values, size):
    """Sum `values` (shape (n,) or (n, B), real or complex) into `size` rows by `index`."""
    if values.ndim == 1 and not np.iscomplexobj(values):
        return np.bincount(index, weights=values, minlength=size)
    out = np.zeros((size,) + values.shape[1:], dtype=values.dtype)
    np.add.at(out, index, values)
    return out


def _sum_in(plan, lev, w_fs, values, sparse_ok):
    """Σ_i w_ij·values_i for the sum units j of one generation."""
    a, z = lev.fs
    size = lev.hi - lev.lo
    if z == a:
        return np.zeros((size,) + values.shape[1:], values.dtype)
    if sparse_ok and z - a >= _SPARSE_FROM:
        A = plan.csr(lev, "fwd")
        A.data = w_fs[a:z]
        return A @ values
    weights = w_fs[a:z, None] if values.ndim == 2 else w_fs[a:z]
    return _scatter(plan.fs_dstl[a:z], weights * values[plan.fs_src[a:z]], size)


def _forward(plan, w, b, x):
    """The forward sweep: net inputs s, values o and stored derivatives f'(s).

    `w` is the edge weights in edge order, or the plan's :meth:`Plan.ordered`
    weights; `b` the biases in sweep order; `x` holds the inputs' rows.
    """
    dtype = np.result_type(x, w, b)  # complex for a complex-step check
    o = np.zeros(x.shape, dtype)
    o[plan.inputs] = x[plan.inputs]
    s, d = np.empty_like(o), np.empty_like(o)  # every generation writes its rows
    d[plan.inputs] = 1.0  # an input passes its value on unchanged
    base = b + plan.empty_product
    batched = x.ndim == 2
    sparse_ok = batched and dtype == np.float64
    if batched:
        base = base[:, None]
    w_fs, w_fp = plan.ordered(w, "fs"), plan.ordered(w, "fp")
    prims = {fn: plan.primitive(fn) for fn in plan.fns}
    terms_ds = np.ones((len(plan.fp),) + x.shape[1:], dtype)  # ∂s_j/∂(w_ij·o_i) of product units
    for lev in plan.levels:
        lo, hi = lev.lo, lev.hi
        s_lev = _sum_in(plan, lev, w_fs, o, sparse_ok)
        if lev.prod is not None:
            units, row, col, width = lev.prod
            a, z = lev.fp
            weights = w_fp[a:z, None] if batched else w_fp[a:z]
            table = np.ones((len(units), width) + x.shape[1:], dtype)
            table[row, col] = weights * o[plan.fp_src[a:z]]
            before = np.cumprod(table, axis=1)
            after = np.cumprod(table[:, ::-1], axis=1)[:, ::-1]
            others = np.ones_like(table)  # product of every other term: zero-safe, no division
            others[:, 1:] *= before[:, :-1]
            others[:, :-1] *= after[:, 1:]
            terms_ds[a:z] = others[row, col]
            s_lev[units] += before[:, -1]
        s_lev += base[lo:hi]
        for fn, ga, gz in lev.groups:
            o[ga:gz], d[ga:gz] = prims[fn].value_and_derivative(s_lev[ga - lo:gz - lo])
        s[lo:hi] = s_lev
    s[plan.inputs] = x[plan.inputs]
    return s, o, d, terms_ds


def _backward(plan, w, d, seed, terms_ds):
    """The backward sweep over the reversed graph: δ = ∂objective/∂s at every node."""
    delta = np.zeros_like(d)
    batched = d.ndim == 2
    w_bs, w_bp = plan.ordered(w, "bs"), plan.ordered(w, "bp")
    for lev in reversed(plan.levels):
        lo, hi = lev.lo, lev.hi
        a, z = lev.bs
        if z == a:
            arriving = seed[lo:hi].copy()
        elif batched and z - a >= _SPARSE_FROM:
            R = plan.csr(lev, "bwd")
            R.data = w_bs[a:z]
            arriving = R @ delta + seed[lo:hi]
        else:
            weights = w_bs[a:z, None] if batched else w_bs[a:z]
            arriving = _scatter(plan.bs_srcl[a:z], weights * delta[plan.bs_dst[a:z]], hi - lo)
            arriving += seed[lo:hi]
        a, z = lev.bp
        if z > a:
            weights = w_bp[a:z, None] if batched else w_bp[a:z]
            through = weights * terms_ds[plan.bp_term[a:z]] * delta[plan.bp_dst[a:z]]
            arriving += _scatter(plan.bp_srcl[a:z], through, hi - lo)
        delta[lo:hi] = d[lo:hi] * arriving
    return delta


def _edge_products(plan, o, delta, terms_ds):
    """∂objective/∂w_ij = o_i·δ_j (times ∂s_j/∂term for product units), summed over a batch."""
    if o.ndim == 1:
        grad = o[plan.src] * delta[plan.dst]
        grad[plan.fp] *= terms_ds
        return grad
    grad = np.empty(plan.n_edges)
    step = max(1, _CHUNK // o.shape[1])
    for a in range(0, plan.n_edges, step):
        z = min(a + step, plan.n_edges)
        grad[a:z] = np.einsum("eb,eb->e", o[plan.src[a:z]], delta[plan.dst[a:z]])
    if len(plan.fp):
        grad[plan.fp] = np.einsum("eb,eb,eb->e", o[plan.fp_src], delta[plan.fp_dst], terms_ds)
    return grad


def _first_bad(plan, net, arrays, stage):
    for name, arr in arrays:
        bad = ~np.isfinite(arr)
        if bad.ndim == 2:
            bad = bad.any(axis=1)
        if bad.any():
            i = int(np.argmax(bad))
            node = plan.order[i]
            where = f"node {node!r} ({net.fn(node)})"
            raise NumericalError(f"non-finite {name} at {where} in the {stage} sweep; "
                                 "the weights or inputs are too large for this primitive")


def _as_network(net):
    from .network import Network

    return net if isinstance(net, Network) else Network(net)


class _Problem:
    """Inputs and targets of one labeling, checked and laid out in sweep order."""

    def __init__(self, net, inputs, targets, of):
        x_map, self.t_map, self.batch, self.of = prepare(net, inputs, targets, of)
        self.plan = plan = plan_of(net)
        self.shape = (plan.n_nodes,) if self.batch is None else (plan.n_nodes, self.batch)
        self.x = np.zeros(self.shape)
        for node, value in x_map.items():
            self.x[plan.pos[node]] = value
        self.outs = np.array([plan.pos[n] for n in self.t_map], dtype=np.intp)
        self.t = np.zeros((len(self.outs),) + self.shape[1:])
        for i, value in enumerate(self.t_map.values()):
            self.t[i] = value
        self.name = "E" if self.t_map else self.of

    def objective(self, o):
        """The objective's value and the seed the backward sweep starts from."""
        seed = np.zeros(o.shape, o.dtype)
        if self.t_map:
            seed[self.outs] = o[self.outs] - self.t  # ∂E/∂o_k = o_k − t_k: the error node's edges
            value = 0.5 * np.sum(seed[self.outs] ** 2)
        else:
            seed[self.plan.pos[self.of]] = 1.0
            value = np.sum(o[self.plan.pos[self.of]])
        return (complex(value) if np.iscomplexobj(value) else float(value)), seed


def evaluate(net, inputs, targets=None, of=None, *, weights=None, biases=None, params=None):
    """The objective's value from the forward sweep alone, optionally at other parameters.

    What numerical checks need: the parameters may be complex (a complex step
    ``w + ih``), and nothing is stored or checked.

    Parameters
    ----------
    net, inputs, targets, of
        As for :func:`label`.
    weights : array_like of shape (E,), optional
        Edge weights in :attr:`Network.edges` order (tied edges take their param).
    biases : array_like of shape (N,), optional
        In :attr:`Network.nodes` order.
    params : array_like of shape (P,) or dict, optional
        Shared parameters, in the order of ``net.params`` or by name.

    Returns
    -------
    float or complex

    Examples
    --------
    >>> import numpy as np, rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> x, t = rojas.load_data(rojas.example_path("mazur", "data"))
    >>> w = net.parameters()["weights"].astype(complex)
    >>> w[4] += 1e-20j                       # w5, by a complex step
    >>> round(rojas.evaluate(net, x, t, weights=w).imag / 1e-20, 9)
    0.082167041
    """
    net = _as_network(net)
    problem = _Problem(net, inputs, targets, of)
    (w0, b0, p0), _, _, names, edge_param = net._values_and_index()
    w = np.array(w0 if weights is None else weights)
    b = np.array(b0 if biases is None else biases)
    if isinstance(params, dict):
        params = [params.get(n, v) for n, v in zip(names, p0)]
    p = np.array(p0 if params is None else params)
    if w.shape != w0.shape or b.shape != b0.shape or p.shape != p0.shape:
        raise DataError(f"evaluate: expected {w0.shape[0]} weights, {b0.shape[0]} biases and "
                        f"{p0.shape[0]} params")
    w = w.astype(np.result_type(w, p))
    tied = edge_param >= 0
    w[tied] = p[edge_param[tied]]
    plan = problem.plan
    with np.errstate(all="ignore"):
        _, o, _, _ = _forward(plan, w, b[plan.node_file], problem.x)
        return problem.objective(o)[0]


def _check_sums(net, plan, value, problem, o, delta, edge_grad):
    """Refuse a non-finite objective or gradient, naming where it overflowed."""
    if not np.isfinite(value):
        if problem.t_map:
            err = (o[problem.outs] - problem.t) ** 2
            k = int(np.argmax(~np.isfinite(err.reshape(len(problem.outs), -1)).all(axis=1) |
                              ~np.isfinite(err.reshape(len(problem.outs), -1).sum(axis=1))))
            where = f"the error at output {plan.order[problem.outs[k]]!r}"
        else:
            where = f"the value of {problem.name!r}"
        raise NumericalError(f"the objective E overflows: {where} is not finite")
    bad = ~np.isfinite(edge_grad)
    if bad.any():
        u, v = net.edges[int(np.argmax(bad))]
        raise NumericalError(f"the gradient of edge {u!r}->{v!r} overflows (o_{u}·δ_{v} is not finite)")
    if delta.ndim == 2:
        bad = ~np.isfinite(delta.sum(axis=1)) & ~plan.is_input  # inputs' gradients stay per sample
        if bad.any():
            raise NumericalError(f"the gradient of node {plan.order[int(np.argmax(bad))]!r} summed over "
                                 "the batch overflows")
    tied = plan.edge_param >= 0
    if tied.any():
        sums = np.bincount(plan.edge_param[tied], weights=edge_grad[tied])
        if not np.isfinite(sums).all():
            name = net._values_and_index()[3][int(np.argmax(~np.isfinite(sums)))]
            raise NumericalError(f"the gradient of param {name!r}, summed over its edges, overflows")


def label(net, inputs, targets=None, of=None):
    """Label a network: run Rojas's forward and backward sweeps.

    Parameters
    ----------
    net : Network or networkx.DiGraph
    inputs : mapping
        ``{input node: value}``; a value may be a sequence of B numbers (a batch).
    targets : mapping, optional
        ``{output node: target}`` for every output: the objective is then the
        extended network's error ``E = ½ Σ_k (o_k − t_k)²`` (summed over a batch).
    of : node, optional
        Without targets: differentiate this node's value.  By default the
        single output; a network with several outputs needs targets or `of`.

    Returns
    -------
    Labeling

    Raises
    ------
    DataError
        If the inputs or targets do not fit the network.
    NumericalError
        If a non-finite value arises in a sweep (naming the node).

    Examples
    --------
    The chain x → h → y of seed 001, with σ units and no biases:

    >>> import rojas
    >>> net = rojas.Network()
    >>> net.add_input("x").add_unit("h", "sigmoid").add_unit("y", "sigmoid")
    Network('', 3 nodes, 0 edges)
    >>> net.add_edge("x", "h", weight=0.5, name="w1").add_edge("h", "y", weight=-1.0, name="w2")
    Network('', 3 nodes, 2 edges)
    >>> lab = rojas.label(net, {"x": 2.0}, {"y": 1.0})
    >>> round(lab.grad("w1"), 6)
    0.058228
    """
    net = _as_network(net)
    problem = _Problem(net, inputs, targets, of)
    plan = problem.plan
    (w, b, _), _, _, names, _ = net._values_and_index()
    with np.errstate(all="ignore"):
        s, o, d, terms_ds = _forward(plan, w, b[plan.node_file], problem.x)
        _first_bad(plan, net, (("value o", o), ("derivative f'(s)", d), ("net input s", s)), "forward")
        value, seed = problem.objective(o)
        delta = _backward(plan, w, d, seed, terms_ds)
        _first_bad(plan, net, (("delta", delta),), "backward")
        edge_grad = _edge_products(plan, o, delta, terms_ds)
        _check_sums(net, plan, value, problem, o, delta, edge_grad)
    objective, batch, t_map = problem.name, problem.batch, problem.t_map
    lab = Labeling(net, plan, s, o, d, delta, edge_grad, objective, value, batch, names, t_map)
    lab.arrays["terms_ds"] = terms_ds
    return lab


class _NodeLabels(Mapping):
    """A read-only ``{node: label}`` view of one label array, in node order."""

    def __init__(self, plan, nodes, array):
        self._pos, self._nodes, self._array = plan.pos, nodes, array

    def __getitem__(self, node):
        if node not in self._nodes:
            raise KeyError(node)
        value = self._array[self._pos[node]]
        return float(value) if np.ndim(value) == 0 else value.copy()

    def __iter__(self):
        return iter(self._nodes)

    def __len__(self):
        return len(self._nodes)

    def __repr__(self):
        return repr(dict(self))


class Labeling:
    """The labels Rojas's sweeps leave on a network.

    Attributes
    ----------
    network : Network
    objective : str or node
        ``"E"`` (the error against targets) or the node differentiated.
    value : float
        The objective's value, summed over a batch.
    batch_size : int or None
    s, o, fprime, delta : mapping
        ``{node: label}``: the net input s, the value o = f(s) (right half),
        the stored derivative f'(s) (left half) and δ = ∂objective/∂s (for an
        input: ∂objective/∂x).  Floats, or arrays of B values for a batch.
        ``s`` and ``fprime`` have no entries for inputs.
    weight_grad : dict
        ``{(u, v): ∂objective/∂w_uv}`` in edge order, summed over a batch (a
        tied edge: its own share of its param's gradient).
    bias_grad : dict
        ``{node: ∂objective/∂b}`` for every non-input node, summed over a batch.
    param_grad : dict
        ``{param: ∂objective/∂param}``: the sum over the param's edges.
    input_grad : dict
        ``{input: ∂objective/∂x}`` (per sample for a batch).
    """

    def __init__(self, net, plan, s, o, d, delta, edge_grad, objective, value, batch, names, targets):
        self.network, self.plan = net, plan
        self.objective, self.value, self.batch_size = objective, value, batch
        self.targets = dict(targets)
        self.arrays = {"s": s, "o": o, "fprime": d, "delta": delta}
        self._edge_grad, self._param_names = edge_grad, names

    # Views are built on first use: a labeling in a training loop never pays for them.
    @cached_property
    def _units(self):
        return [n for n in self.network.nodes if self.network.fn(n) != "input"]

    @cached_property
    def s(self):
        return _NodeLabels(self.plan, self._units, self.arrays["s"])

    @cached_property
    def o(self):
        return _NodeLabels(self.plan, self.network.nodes, self.arrays["o"])

    @cached_property
    def fprime(self):
        return _NodeLabels(self.plan, self._units, self.arrays["fprime"])

    @cached_property
    def delta(self):
        return _NodeLabels(self.plan, self.network.nodes, self.arrays["delta"])

    @cached_property
    def weight_grad(self):
        return dict(zip(self.network.edges, self._edge_grad.tolist()))

    @cached_property
    def bias_grad(self):
        delta = self.arrays["delta"]
        summed = delta.sum(axis=1) if delta.ndim == 2 else delta
        return {n: float(summed[self.plan.pos[n]]) for n in self._units}

    @cached_property
    def param_grad(self):
        return dict(zip(self._param_names, self.gradients()["params"].tolist()))

    @cached_property
    def input_grad(self):
        return {n: self.delta[n] for n in self.network.inputs}

    def gradients(self):
        """The gradients as arrays, aligned with :meth:`Network.parameters`.

        Returns
        -------
        dict
            ``{"weights": (E,) in edge order, "biases": (N,) in node order (0 for
            inputs), "params": (P,) in the order of ``network.params``}``, summed
            over a batch.  What training uses: no per-edge Python work.
        """
        delta = self.arrays["delta"]
        summed = delta.sum(axis=1) if delta.ndim == 2 else delta
        biases = np.zeros(len(self.plan.order))
        biases[self.plan.node_file] = np.where(self.plan.is_input, 0.0, summed)
        tied = self.plan.edge_param >= 0
        params = np.bincount(self.plan.edge_param[tied], weights=self._edge_grad[tied],
                             minlength=len(self._param_names))
        return {"weights": self._edge_grad.copy(), "biases": biases, "params": params}

    def product_partial(self, u, v):
        """∂s_v/∂(w_uv·o_u): 1 for a sum unit, the product of v's other terms for a product unit."""
        if self.network.combine(v) != "product":
            return 1.0
        i = self.network._edge_index()[(u, v)]
        rank = self.plan.fp_rank[i]
        value = self.arrays["terms_ds"][rank]
        return float(value) if np.ndim(value) == 0 else value.copy()

    def grad(self, ref):
        """∂objective/∂ref for a weight, bias, param or input.

        Parameters
        ----------
        ref : edge name, ``"u->v"``, ``(u, v)``, param name, or node
            A node stands for its bias (an input node: its value).

        Returns
        -------
        float (or array for an input in a batch)

        Raises
        ------
        RojasError
            If `ref` names nothing in the network.
        """
        from .errors import RojasError

        if isinstance(ref, tuple) and ref in self.weight_grad:
            return self.weight_grad[ref]
        if ref in self.param_grad:
            return self.param_grad[ref]
        if ref in self.input_grad:
            return self.input_grad[ref]
        if ref in self.bias_grad:
            return self.bias_grad[ref]
        try:
            return self.weight_grad[self.network.find_edge(ref)]
        except RojasError:
            raise RojasError(f"{ref!r} is no weight, bias, param or input of the network") from None

    def to_dict(self):
        """The labels as the JSON object ``rojas grad --json`` prints."""
        net = self.network

        def num(v):
            return v.tolist() if isinstance(v, np.ndarray) else v

        nodes = {}
        for n in net.nodes:
            if net.fn(n) == "input":
                nodes[str(n)] = {"value": num(self.o[n]), "delta": num(self.delta[n])}
            else:
                nodes[str(n)] = {"net": num(self.s[n]), "value": num(self.o[n]),
                                 "derivative": num(self.fprime[n]), "delta": num(self.delta[n])}
        w = net._values()[0]
        edges = []
        for i, (u, v) in enumerate(net.edges):
            entry = {"source": u, "target": v}
            if net.edge_name(u, v) is not None:
                entry["name"] = net.edge_name(u, v)
            entry["weight"] = float(w[i])
            entry["grad"] = float(self._edge_grad[i])
            edges.append(entry)
        return {"network": net.name, "objective": self.objective if self.objective == "E" else
                str(self.objective), "value": self.value, "nodes": nodes, "edges": edges,
                "biases": {str(n): g for n, g in self.bias_grad.items()},
                "params": dict(self.param_grad),
                "inputs": {str(n): num(g) for n, g in self.input_grad.items()}}

    def to_networkx(self):
        """The network as a DiGraph with the labels as attributes.

        Nodes get ``net``, ``value``, ``derivative`` and ``delta`` (inputs: value
        and delta); edges get ``grad``; every original attribute is kept.

        Examples
        --------
        >>> import networkx as nx, rojas
        >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")), *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> G = lab.to_networkx()
        >>> round(G.edges["h1", "o1"]["grad"], 9)
        0.082167041
        """
        G = self.network.to_networkx()
        for n, node in self.to_dict()["nodes"].items():
            G.nodes[self._node_id(n)].update(node)
        for (u, v), g in self.weight_grad.items():
            G.edges[u, v]["grad"] = g
        return G

    def _node_id(self, key):
        for n in self.network.nodes:
            if str(n) == key:
                return n
        raise KeyError(key)

    def table(self):
        """The labels as a readable text table (sweep order), for the terminal."""
        from .report import labeling_table

        return labeling_table(self)

    def _repr_png_(self):
        # Jupyter shows the labeled network, both sweeps (Matplotlib is imported only now).
        from .drawing import repr_png

        return repr_png(self)

    def __repr__(self):
        batch = "" if self.batch_size is None else f", batch of {self.batch_size}"
        return f"<Labeling of {self.network.name or 'network'}: {self.objective} = {self.value:.6g}{batch}>"
