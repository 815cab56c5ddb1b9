"""What the names and factors of a chain-rule claim stand for: quantities and the paths between them.

A name in a claim is a *quantity*: the objective, a node's value, a weight, a
tied param.  A factor ``∂A/∂B`` stands for a set of paths: the one edge from B
to A where it runs along one (a partial derivative, everything else held
fixed), else every path from B to A (a total derivative).  Paths are tuples of
*stations*: ``("node", n)``, ``("edge", (u, v))`` (only first, for a path that
starts at a weight) and ``("E",)`` for the objective.
"""

import re
from dataclasses import dataclass

from .claim_grammar import OBJECTIVE_NAMES, ClaimSyntaxError
from ..errors import RojasError
from .display import display_id
from ..utils.formatting import count_text
from .paths import all_paths, edge_label, path_counts

__all__ = ["Quantity", "name_resolver", "station", "paths_between", "along_one_edge", "segment", "normal",
           "concatenate", "path_text"]


@dataclass(frozen=True)
class Quantity:
    """A quantity a name refers to: the objective, a node's value, a weight or a param.

    Attributes
    ----------
    kind : {"E", "node", "input", "edge", "param"}
    ref : node, (u, v), str or None
    """

    kind: str
    ref: object = None


def name_resolver(lab, claim):
    """A function ``resolve(name, column) -> Quantity`` for the names of `claim` on `lab`'s network.

    A name that is both an objective name (E, L, C) and a node, edge or param of
    the network is refused: the claim could mean either.
    """
    net = lab.network
    G = net.graph
    ids = {str(n): n for n in net.nodes}
    edges = {net.edge_name(u, v): (u, v) for u, v in net.edges if net.edge_name(u, v)}
    params = set(net.params)

    def resolve(name, column):
        unnamed = re.fullmatch(r"w\[(.+)->(.+)\]", name)
        if unnamed and unnamed.group(1) in ids and unnamed.group(2) in ids and \
                G.has_edge(ids[unnamed.group(1)], ids[unnamed.group(2)]):
            return Quantity("edge", (ids[unnamed.group(1)], ids[unnamed.group(2)]))
        plain = name.replace("{", "").replace("}", "")
        for candidate in (name, plain, plain.replace("_", "")):
            taken = candidate in ids or candidate in edges or candidate in params
            if candidate in OBJECTIVE_NAMES:
                if taken:
                    raise ClaimSyntaxError(claim, column, f"{candidate!r} names both the objective and a node, "
                                           f"edge or param of the network ({', '.join(OBJECTIVE_NAMES)} are "
                                           "reserved for the objective): rename it in the network file")
                return Quantity("E")
            if candidate in ids:
                node = ids[candidate]
                return Quantity("input" if net.fn(node) == "input" else "node", node)
            if candidate in edges:
                return Quantity("edge", edges[candidate])
            if candidate in params:
                return Quantity("param", candidate)
        raise ClaimSyntaxError(claim, column, f"{name!r} is no node, edge name, param or objective (E, L)")

    return resolve


def station(q):
    """The path station of a quantity."""
    return ("E",) if q.kind == "E" else (q.kind if q.kind != "input" else "node", q.ref)


def _objective_ends(lab):
    return list(lab.ends)


def paths_between(lab, start, end, limit=None):
    """Every path from quantity `start` to quantity `end`, as tuples of stations.

    A path from a weight starts with the edge; one into the objective ends with
    ``("E",)``.  Interior stations are nodes.  With `limit`, the paths are
    counted first and more than `limit` of them are refused.
    """
    net = lab.network
    G = net.graph
    ends = [station(Quantity("node", k)) for k in _objective_ends(lab)] if end.kind == "E" else [station(end)]
    if start.kind in ("edge", "param"):
        edges = [start.ref] if start.kind == "edge" else [e for e in net.edges if net.edge_param(*e) == start.ref]
        begins = [((("edge", e),), e[1]) for e in edges]
        if start.kind == "param":  # ... and the units whose bias the param is: ∂s_n/∂param = 1
            begins += [((), n) for n in net.nodes if net.fn(n) != "input" and net.bias_param(n) == start.ref]
    else:
        begins = [((), start.ref)]
    if limit is not None:
        counts = path_counts(net, [target for _, target in ends])
        n = sum(counts[node] for _, node in begins)
        if n > limit:
            raise RojasError(f"{count_text(n)} paths between two names of the claim: more than the limit of {limit} to "
                             f"compare path by path (raise it with --limit N)")
    found = []
    for prefix, node in begins:
        for _, target in ends:  # every end is a node station
            tails = all_paths(G, node, {target})
            for tail in tails:
                path = prefix + tuple(("node", n) for n in tail)
                found.append(path + ((("E",),) if end.kind == "E" else ()))
    return found


def along_one_edge(lab, b, a):
    """True when ∂a/∂b runs along one edge: b→a, the weight of an edge into a, or an output into E."""
    G = lab.network.graph
    if b.kind in ("node", "input") and a.kind == "node":
        return G.has_edge(b.ref, a.ref)
    if b.kind == "edge" and a.kind == "node":
        return b.ref[1] == a.ref
    return b.kind == "node" and a.kind == "E" and b.ref in lab.targets


def segment(lab, b, a, limit=None):
    """The paths ∂a/∂b stands for: the one edge where it runs along one (a partial
    derivative, everything else held fixed), else every path from b to a (a total one)."""
    if a == b:
        return [(station(a),)]
    if a.kind in ("edge", "param", "input") or b.kind == "E":
        return []
    if along_one_edge(lab, b, a):
        return [(station(b), station(a))] if b.kind != "edge" else [(station(b), ("node", a.ref))]
    return paths_between(lab, b, a, limit)


def normal(path):
    """Drop edge stations between nodes: only a path's first station may be an edge."""
    return tuple(s for i, s in enumerate(path) if i == 0 or s[0] != "edge")


def concatenate(segments):
    """All paths made of one path from each segment, consecutive ones sharing their joint."""
    paths = [()]
    for options in segments:
        joined = []
        for head in paths:
            for seg in options:
                if head and seg and head[-1] != seg[0]:
                    continue
                joined.append(head + (seg[1:] if head else seg))
        paths = joined
    return [p for p in paths if p]


def path_text(path, spelled, lab):
    """A path as ``i1 → h1 → o1 → E``, with the claim's spelling of the objective."""
    names = []
    for st in path:
        if st[0] == "E":
            names.append(spelled.get(Quantity("E"), "E"))
        elif st[0] == "edge":
            names.append(display_id(edge_label(lab.network, *st[1])))
        else:
            names.append(display_id(st[1]))
    return " → ".join(names)
