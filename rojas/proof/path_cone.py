"""The cone of a source: the units on its paths to the objective, as arrays for path dynamic programs.

Every path from a source (a weight, a tied param, an input, a unit) to the
objective runs through units that the source reaches *and* that reach an end
of the objective.  :func:`cone_of` finds them with two breadth-first searches
(SciPy's, in compiled code), lays out the edges between them by the
generation of their target (the order of the forward sweep) and gathers the
numbers a path's product multiplies:

* a *start* for each place a path begins: the edge ``u→v`` of a weight, with
  the factor ``o_u·∂s_v/∂(w·o_u)·f'(s_v)`` at length 1; a unit's net input or a
  bias with ``f'(s)`` at length 0; a unit's value or an input with 1;
* a *coefficient* per edge ``u→v``: ``w_uv·∂s_v/∂(w·o_u)``;
* a *gain* per unit, ``f'(s)`` (1 for an input);
* a *seed* per end: ∂objective/∂o, read from the labeling (whatever the
  objective; where it is fused with the output's primitive, (∂E/∂s)/f'(s)), so a path's
  product ends with it and the products sum to the gradient.

Nothing here enumerates a path; everything is linear in the edges.
"""

import numpy as np

from ..engine.reach import reaching
from .paths import Source, path_ends, resolve_source, source_value

__all__ = ["Cone", "cone_of", "reaching"]


def _output_derivative(lab, rows):
    """∂objective/∂o at the sweep rows `rows`, the other outputs held fixed.

    Where the objective is fused with an output's primitive (softmax or sigmoid cross-entropy) the
    labeling holds ∂E/∂s there instead; a path's product multiplies that output's f'(s) on arrival,
    so its end takes (∂E/∂s)/f'(s) (0 where f'(s) is 0: the output has saturated), as
    :meth:`~rojas.engine.labeling.Labeling.output_derivative` says.
    """
    seed = lab.arrays["seed"][rows]
    seed_s = lab.arrays.get("seed_s")
    if seed_s is None:
        return seed
    fp = lab.arrays["fprime"][rows]
    return seed + np.divide(seed_s[rows], fp, out=np.zeros(np.broadcast_shapes(seed.shape, fp.shape)),
                            where=fp != 0)


class Cone:
    """A source's cone, laid out for dynamic programs over path lengths or path products.

    Attributes
    ----------
    lab : Labeling
    source : Source
    rows : ndarray
        Sweep positions of the cone's nodes, ascending (so by generation); node ``i``
        of the cone is ``rows[i]``.
    src, dst : ndarray
        Cone-local ends of the cone's edges, sorted by ``dst`` (the forward sweep's order).
    edges : ndarray
        Their indices in network edge order.
    cuts : list of (int, int, int, int)
        ``(a, z, lo, hi)`` per generation with edges: edges ``a:z`` enter the cone's
        nodes ``lo:hi``.
    starts : list of dict
        ``{"node": local index, "length": 0 or 1, "value": float or (B,) array,
        "before": sweep position of the node the path names before the start or −1,
        "prefix": [nodes named before the start]}``.
    ends : ndarray
        Cone-local indices of the ends; ``seed`` their ∂objective/∂o ((n,) or (n, B)).
    depth : int
        The longest path's length (edges, the weight's own included).
    """

    def __init__(self, lab, source):
        self.lab, self.source = lab, source
        plan = lab.plan
        ends = path_ends(lab)
        end_rows = np.array([plan.pos[e] for e in ends], dtype=np.intp)
        start_rows = [plan.pos[n] for n in source.start_nodes]
        inside = reaching(plan, start_rows) & reaching(plan, end_rows, forward=False) if start_rows else \
            np.zeros(plan.n_nodes, dtype=bool)
        self.rows = np.flatnonzero(inside)
        local = np.full(plan.n_nodes, -1, dtype=np.intp)
        local[self.rows] = np.arange(len(self.rows))
        keep = np.flatnonzero(inside[plan.src] & inside[plan.dst])
        keep = keep[np.argsort(plan.dst[keep], kind="stable")]
        self.edges, self.src, self.dst = keep, local[plan.src[keep]], local[plan.dst[keep]]
        self.n = len(self.rows)
        self.batch = lab.batch_size
        self._local = local
        bounds = [lev.lo for lev in plan.levels] + [plan.n_nodes]
        e_cut = np.searchsorted(plan.dst[keep], bounds).tolist()
        n_cut = np.searchsorted(self.rows, bounds).tolist()
        self.cuts = [(e_cut[k], e_cut[k + 1], n_cut[k], n_cut[k + 1])
                     for k in range(len(plan.levels)) if e_cut[k] < e_cut[k + 1]]
        self.starts = self._starts(inside)
        in_cone = [r for r in end_rows.tolist() if inside[r]]
        self.ends = local[np.array(in_cone, dtype=np.intp)]
        self.seed = _output_derivative(lab, np.array(in_cone, dtype=np.intp))
        self.depth = self._depth()

    # ------------------------------------------------------------------ the numbers
    def coefficients(self, a=0, z=None):
        """``w_uv·∂s_v/∂(w·o_u)`` for the cone's edges ``a:z``: (m,) or (m, B)."""
        lab, plan = self.lab, self.lab.plan
        e = self.edges[a:z]
        w = lab._numbers["weights"][e]
        term = plan.term_of_edge[e]
        if not (term >= 0).any():
            return w if self.batch is None else np.repeat(w[:, None], self.batch, axis=1)
        partials = lab.arrays["partials"]
        ones = np.ones((len(e),) + partials.shape[1:])
        part = np.where((term >= 0).reshape((-1,) + (1,) * (partials.ndim - 1)), partials[np.maximum(term, 0)]
                        if len(partials) else ones, ones)
        return (w if self.batch is None else w[:, None]) * part

    def gain(self, lo, hi):
        """``f'(s)`` of the cone's nodes ``lo:hi`` (1 for inputs)."""
        return self.lab.arrays["fprime"][self.rows[lo:hi]]

    def node(self, i):
        """The node (id) of cone-local index `i`."""
        return self.lab.plan.order[int(self.rows[i])]

    def _starts(self, inside):
        lab, plan, source = self.lab, self.lab.plan, self.source
        o, d = lab.arrays["o"], lab.arrays["fprime"]
        local = lambda node: int(self._local[plan.pos[node]])  # noqa: E731
        starts = []
        if source.kind in ("weight", "param"):
            for u, v in source.edges:
                if not inside[plan.pos[v]]:
                    continue
                e = plan.edge_index[(u, v)]
                term = plan.term_of_edge[e]
                partial = 1.0 if term < 0 else lab.arrays["partials"][term]
                # ∂s_v/∂w_uv = o_u (times v's other terms at a product unit), then f'(s_v)
                value = (o[plan.pos[u]] * partial) * d[plan.pos[v]]
                starts.append({"node": local(v), "length": 1, "value": value, "before": plan.pos[u],
                               "prefix": [u]})
            for n in source.biases:
                if inside[plan.pos[n]]:
                    starts.append({"node": local(n), "length": 0, "value": d[plan.pos[n]], "before": -1,
                                   "prefix": []})
        elif inside[plan.pos[source.node]]:
            row = plan.pos[source.node]
            # δ of a unit (its s, or its bias) carries f'(s); a value o or an input does not
            value = d[row] if source.kind in ("node", "bias") else np.ones_like(d[row])
            starts.append({"node": local(source.node), "length": 0, "value": value, "before": -1, "prefix": []})
        return starts

    def _depth(self):
        """The longest path's length, by a max-plus pass over the generations (no recursion)."""
        if not self.starts:
            return 0
        far = np.full(self.n, -1, dtype=np.int64)
        for s in self.starts:
            far[s["node"]] = max(far[s["node"]], s["length"])
        for a, z, _, _ in self.cuts:
            reach = far[self.src[a:z]]
            ok = reach >= 0
            np.maximum.at(far, self.dst[a:z][ok], reach[ok] + 1)
        return int(far[self.ends].max()) if len(self.ends) else 0


def cone_of(lab, source):
    """The :class:`Cone` of `source` (a reference :func:`~rojas.proof.paths.resolve_source` takes).

    Raises
    ------
    RojasError
        If `source` names nothing in the network.

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> cone = cone_of(lab, "w1")
    >>> [cone.node(i) for i in range(cone.n)], cone.depth
    (['h1', 'o1', 'o2'], 2)
    """
    return Cone(lab, resolve_on_plan(lab, source))


def resolve_on_plan(lab, ref):
    """:func:`~rojas.proof.paths.resolve_source` read off the labeling's plan: no copy of a big network.

    Weights, params, inputs, ``b:``/``s:`` references and units are found in the plan's arrays
    (what :func:`resolve_source` finds in the network); anything else goes to it.
    """
    if isinstance(ref, Source):
        return ref
    plan = lab.plan
    try:
        hash(ref)
    except TypeError:
        return resolve_source(lab.network, ref)  # names the culprit
    if isinstance(ref, tuple) and ref in plan.edge_index:
        return _weight_source(plan, plan.edge_index[ref])
    ids = {str(n): n for n in plan.order}
    if isinstance(ref, str):
        for prefix, kind, label in (("b:", "bias", "b_"), ("s:", "node", "s_")):
            node = ids.get(ref[2:]) if ref.startswith(prefix) else None
            if node is not None and not plan.is_input[plan.pos[node]]:
                return Source(kind, node=node, label=f"{label}{node}")
    node = ref if ref in plan.pos else ids.get(ref) if isinstance(ref, str) else None
    if node is not None:
        if plan.is_input[plan.pos[node]]:
            return Source("input", node=node, label=str(node))
        return Source("node", node=node, label=f"s_{node}")
    if ref in plan.param_names:
        p = plan.param_names.index(ref)
        edges = tuple(plan.edges[i] for i in np.flatnonzero(plan.edge_param == p).tolist())
        biases = tuple(plan.nodes[i] for i in np.flatnonzero(plan.node_param == p).tolist()
                       if not plan.is_input[plan.rank[i]])
        return Source("param", edges=edges, label=str(ref), biases=biases)
    if not (isinstance(ref, str) and ref.startswith(("b:", "s:", "o:"))):
        e = plan.find_edge(ref)
        if e is not None:
            return _weight_source(plan, e)
    return resolve_source(lab.network, ref)


def _weight_source(plan, e):
    u, v = plan.edges[e]
    return Source("weight", edges=((u, v),), label=plan.edge_names[e] or f"w[{u}->{v}]")


def gradient_of(lab, source):
    """The backward sweep's ∂objective/∂source from the labeling's arrays (summed over a batch)."""
    plan = lab.plan
    if source.kind in ("weight", "param"):
        w = lab.gradients()["weights"]
        delta = lab.arrays["delta"]
        total = sum(float(w[plan.edge_index[e]]) for e in source.edges)
        return total + sum(float(np.sum(delta[plan.pos[n]])) for n in source.biases)
    if source.kind in ("input", "node", "bias"):
        return float(np.sum(lab.arrays["delta"][plan.pos[source.node]]))
    return float(source_value(lab, source))
