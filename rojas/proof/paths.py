"""Rojas's theorem on the user's own network: the derivative is a sum over paths.

The backward sweep leaves at every unit ``δ_j = ∂objective/∂s_j``; unrolled,
that number is the sum, over every path from the unit to the objective, of the
product of the weights and stored derivatives met along the path (Rojas 1996,
§7.2; Bauer 1974).  This module lists those paths with their named factors,
counts them exactly without listing them, and shows how the sweep factors the
sum: each δ stands for all the paths below its unit.
"""

from dataclasses import dataclass, field

import numpy as np

from ..network.combine import get_combine
from ..errors import RojasError
from ..utils.formatting import count_text
from .path_walk import all_paths

__all__ = ["Source", "resolve_source", "resolve_ends", "count_paths", "path_counts", "path_ends", "path_sum",
           "PathSum", "all_paths", "source_value", "edge_label", "DEFAULT_LIMIT"]

DEFAULT_LIMIT = 10_000

@dataclass(frozen=True)
class Source:
    """What a derivative is taken with respect to.

    Attributes
    ----------
    kind : {"input", "node", "value", "weight", "bias", "param"}
        ``"node"`` means the unit's net input s (its δ), ``"value"`` its value o.
    node : node or None
        The node for input/node/value/bias.
    edges : tuple of (u, v)
        The edges a weight or param stands for.
    biases : tuple
        The units whose bias a param stands for (``"bias_param"``).
    label : str
        How to print it: ``x1``, ``s_h1``, ``o_h1``, ``w5``, ``b_h1``, ``t``.
    """

    kind: str
    node: object = None
    edges: tuple = ()
    label: str = ""
    biases: tuple = ()

    @property
    def start_nodes(self):
        """The nodes where this source's paths start."""
        if self.kind in ("weight", "param"):  # a param nothing uses has no paths at all
            return [v for _, v in self.edges] + list(self.biases)
        return [self.node]


def edge_label(net, u, v):
    """An edge's name, or ``w[u->v]``."""
    return net.edge_name(u, v) or f"w[{u}->{v}]"


def resolve_source(net, ref):
    """Turn a user's reference into a :class:`Source`.

    Parameters
    ----------
    net : Network
    ref : str, node, (u, v) or Source
        An edge name or ``"u->v"`` (a weight), a tied param's name, ``"b:NODE"``
        (a bias), ``"s:NODE"`` or ``"o:NODE"`` (a unit's net input or value),
        or a node id (an input, or a unit's net input s).

    Raises
    ------
    RojasError
        If `ref` names nothing in the network.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> rojas.proof.paths.resolve_source(net, "w5")
    Source(kind='weight', node=None, edges=(('h1', 'o1'),), label='w5', biases=())
    """
    if isinstance(ref, Source):
        return ref
    try:
        hash(ref)
    except TypeError:
        raise RojasError(f"{ref!r} is no node, edge name, 'u->v', param, 'b:NODE', 's:NODE' "
                         "or 'o:NODE' of the network") from None
    if isinstance(ref, tuple) and len(ref) == 2 and net.graph.has_edge(*ref):
        return Source("weight", edges=(ref,), label=edge_label(net, *ref))
    ids = {str(n): n for n in net.nodes}
    if isinstance(ref, str):
        for prefix, kind, label in (("b:", "bias", "b_"), ("s:", "node", "s_"), ("o:", "value", "o_")):
            if ref.startswith(prefix) and ref[2:] in ids:
                node = ids[ref[2:]]
                if net.fn(node) == "input" and kind != "value":
                    raise RojasError(f"{ref!r}: input node {node!r} has no {kind}")
                return Source(kind, node=node, label=f"{label}{node}")
    if ref in net or (isinstance(ref, str) and ref in ids):
        node = ref if ref in net else ids[ref]
        if net.fn(node) == "input":
            return Source("input", node=node, label=str(node))
        return Source("node", node=node, label=f"s_{node}")
    if ref in net.params:
        edges = tuple(e for e in net.edges if net.edge_param(*e) == ref)
        biases = tuple(n for n in net.nodes if net.fn(n) != "input" and net.bias_param(n) == ref)
        return Source("param", edges=edges, label=str(ref), biases=biases)
    try:
        u, v = net.find_edge(ref)
    except RojasError:
        raise RojasError(f"{ref!r} is no node, edge name, 'u->v', param, 'b:NODE', 's:NODE' "
                         "or 'o:NODE' of the network") from None
    return Source("weight", edges=((u, v),), label=edge_label(net, u, v))


def path_ends(lab, to=None):
    """The nodes where `lab`'s paths end: the outputs with targets, the differentiated node, or `to`."""
    if to is not None:
        return [to]
    return list(lab.ends)


def path_counts(net, ends):
    """For every node, the exact number of paths from it to any node in `ends`.

    Dynamic programming over the topological generations, last first: a
    node's count is 1 if it is an end, plus its successors' counts.  Python
    integers (an object array, added generation by generation in NumPy), so
    2^300 paths are counted exactly without listing one; linear in the edges.

    Returns
    -------
    dict
        ``{node: int}``
    """
    from ..engine.plan import plan_of

    plan = plan_of(net)
    counts = np.zeros(plan.n_nodes, dtype=object)  # Python ints: exact beyond 2**63
    counts[[plan.pos[e] for e in set(ends)]] = 1
    by_src = np.argsort(plan.src, kind="stable")
    src, dst = plan.src[by_src], plan.dst[by_src]
    cuts = np.searchsorted(src, [lev.lo for lev in plan.levels] + [plan.n_nodes]).tolist()
    for k in range(len(plan.levels) - 1, -1, -1):  # successors sit in later generations
        a, z = cuts[k], cuts[k + 1]
        if a < z:
            np.add.at(counts, src[a:z], counts[dst[a:z]])
    return dict(zip(plan.order, counts.tolist()))


def resolve_ends(net, ends):
    """The nodes `ends` names: one node or a list of them, by id or by the id's string.

    Raises
    ------
    RojasError
        Naming the first reference that is no node of the network.
    """
    from ..network.data import lookup_node

    if isinstance(ends, (str, int)) or not isinstance(ends, (list, tuple, set, frozenset)):
        ends = [ends]
    found = []
    for end in ends:
        try:
            found.append(lookup_node(net, end, "end of the paths"))
        except TypeError:  # an unhashable reference
            raise RojasError(f"end of the paths: unknown node {end!r}") from None
    return found


def count_paths(net, source, ends):
    """The exact number of paths from `source` to `ends`, without listing them.

    Parameters
    ----------
    net : Network
    source : Source or reference
        What ``rojas paths --from`` takes (see :func:`resolve_source`).
    ends : node or list of nodes
        Where the paths end (ids or their strings).

    Raises
    ------
    RojasError
        If `source` or an end names nothing in the network.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> rojas.count_paths(net, "w1", ["o1", "o2"]), rojas.count_paths(net, "i1", "o1")
    (2, 2)
    """
    source = resolve_source(net, source)
    counts = path_counts(net, resolve_ends(net, ends))
    return sum(counts[n] for n in source.start_nodes)


@dataclass
class PathSum:
    """Every path from a source to the objective, with its factors and product.

    Attributes
    ----------
    source : Source
    target : str
        ``"E"`` or the node differentiated.
    paths : list of dict
        ``{"nodes": [...], "factors": [(name, value), ...], "product": float}``;
        values are arrays over a batch, products are summed over it.
    total : float
        The sum of the products.
    backprop : float
        The backward sweep's value of the same derivative.
    count : int
        The exact number of paths.
    """

    source: Source
    target: object
    paths: list
    total: float
    backprop: float
    count: int
    edges: int = 0
    deltas: list = field(default_factory=list)

    @property
    def difference(self):
        """The sum over paths minus the backward sweep's value (0 up to rounding)."""
        return self.total - self.backprop

    def __str__(self):
        from .path_listing import path_listing

        return path_listing(self)

    def __repr__(self):
        return (f"<PathSum ∂{self.target}/∂{self.source.label}: {self.count} path{'s' * (self.count != 1)}, "
                f"sum {self.total:.12g}, backward sweep {self.backprop:.12g}>")

    def _repr_markdown_(self):
        from .path_listing import path_markdown

        return path_markdown(self)

    def to_dict(self):
        """The JSON form printed by ``rojas paths --json``."""
        def num(v):
            return v.tolist() if isinstance(v, np.ndarray) else float(v)

        return {"source": self.source.label, "target": str(self.target), "count": self.count,
                "paths": [{"nodes": [str(n) for n in p["nodes"]],
                           "factors": [{"name": name, "value": num(value)} for name, value in p["factors"]],
                           "product": p["product"]} for p in self.paths],
                "sum": self.total, "backprop": self.backprop}


def source_value(lab, source):
    """The backward sweep's ∂objective/∂source (a :class:`Source`), summed over a batch."""
    if source.kind in ("weight", "param"):  # a param: its edges, and the units whose bias it is
        return (sum(lab.weight_grad[e] for e in source.edges)
                + sum(float(np.sum(lab.delta[n])) for n in source.biases))
    if source.kind == "value":
        # ∂/∂o_j: what arrives at the unit's right half before it multiplies by f'(s_j).
        net, j = lab.network, source.node
        arriving = sum(_weight(lab, j, k) * lab.product_partial(j, k) * lab.delta[k]
                       for k in net.graph.successors(j))
        if j in lab.ends:  # the objective's seed ∂E/∂o_j (∂E/∂s_j / f'(s_j) where it is fused)
            seed_o, seed_s = lab.seed(j)
            arriving = arriving + seed_o + (np.asarray(seed_s) / lab.fprime[j] if j in lab.fused else 0.0)
        return float(np.sum(arriving))
    return float(np.sum(lab.delta[source.node]))


def _weight(lab, u, v):
    """The weight of u→v the labeling used (its snapshot, whatever the network holds now)."""
    return lab.weight(u, v)


def _local_factors(lab, u, v):
    """The factors an edge u→v adds to a path: w_uv, ∂s_v/∂(w·o_u) unless v's mode is linear, f'(s_v)."""
    net = lab.network
    return [(edge_label(net, u, v), _weight(lab, u, v))] + _term_partial(lab, u, v) + [(f"f'(s_{v})", lab.fprime[v])]


def _term_partial(lab, u, v):
    """``[(name, ∂s_v/∂(w_uv·o_u))]``, or nothing where v's combine mode makes it always 1."""
    name = get_combine(lab.network.combine(v)).partial_name(u, v)
    return [] if name is None else [(name, lab.product_partial(u, v))]


def _seed_factors(lab, k, factors):
    """The objective's factor at the end k of a path: ``(∂E/∂o_k)``; where the objective is fused
    with k's primitive, ``(∂E/∂s_k)`` in place of the path's last f'(s_k)."""
    seed_o, seed_s = lab.seed(k)
    if k not in lab.fused:
        return [(f"({lab.seed_name(k)})", seed_o)]
    if factors and factors[-1][0] == f"f'(s_{k})":
        factors.pop()
        return [(f"({lab.seed_name(k)})", seed_s)]
    return [(f"∂E/∂o_{k}", np.asarray(seed_s) / lab.fprime[k])]  # a path that starts at o_k itself


def path_sum(lab, source, to=None, limit=DEFAULT_LIMIT):
    """List every path from `source` to the objective and add up their products.

    Parameters
    ----------
    lab : Labeling
        With targets the paths end in the error node E; without, at the node
        differentiated.
    source : Source or reference
        See :func:`resolve_source`.
    to : node, optional
        End the paths at this node instead (the derivative of its value); `lab`
        must then be a labeling of that node (``label(..., of=to)``).
    limit : int, optional
        Refuse to list more paths than this (default 10,000).

    Returns
    -------
    PathSum

    Raises
    ------
    RojasError
        If there are more paths than `limit`; the message gives the exact count.

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> ps = rojas.path_sum(lab, "w1")
    >>> ps.count, round(ps.total, 12) == round(ps.backprop, 12)
    (2, True)
    """
    net = lab.network
    source = resolve_source(net, source)
    if to is not None and to != lab.objective:
        raise RojasError(f"to label paths ending at {to!r}, label the network with of={to!r}")
    ends = path_ends(lab, to)
    counts = path_counts(net, ends)
    count = sum(counts[n] for n in source.start_nodes)
    if count > limit:
        raise RojasError(f"{count_text(count)} paths from {source.label} to {to or lab.objective}: more than the "
                         f"limit of {limit} to list (count them with --count, or raise it with --limit N)")
    end_set = set(ends)
    G = net.graph
    paths = []
    starts = [((u,), (f"o_{u}", lab.o[u]), u, v) for u, v in source.edges] if source.kind in ("weight", "param") else \
        [((), None, None, source.node)]
    starts += [((), None, None, n) for n in source.biases]  # ∂s_n/∂param = 1 where it is n's bias
    for prefix, first, u, v in starts:
        for tail in all_paths(G, v, end_set):
            nodes = list(prefix) + tail
            factors = []
            if first is not None:
                # ∂s_v/∂w_uv = o_u (times the other terms at a product unit), then f'(s_v)
                factors.append(first)
                factors.extend(_term_partial(lab, u, v))
                factors.append((f"f'(s_{v})", lab.fprime[v]))
            elif source.kind in ("node", "bias", "param"):
                factors.append((f"f'(s_{v})", lab.fprime[v]))
            for a, b in zip(tail, tail[1:]):
                factors.extend(_local_factors(lab, a, b))
            if lab.loss.targets and to is None:
                factors.extend(_seed_factors(lab, tail[-1], factors))
            product = 1.0
            for _, value in factors:
                product = product * np.asarray(value)  # per sample over a batch
            paths.append({"nodes": nodes + (["E"] if lab.objective == "E" and to is None else []),
                          "factors": factors, "product": float(np.sum(product))})
    total = float(sum(p["product"] for p in paths))
    backprop = source_value(lab, source)
    deltas = [(n, counts[n]) for n in lab.plan.order]
    return PathSum(source, "E" if lab.objective == "E" and to is None else (to or lab.objective),
                   paths, total, float(backprop), count, edges=len(net.edges), deltas=deltas)

