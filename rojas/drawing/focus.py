"""The focus of one weight: the part of a network its gradient comes from, small enough to draw.

A weight's *cone* is the set of units on its paths to the objective
(:mod:`rojas.proof.path_cone`).  When the cone is small (at most
``MAX_FOCUS_UNITS`` units and ``MAX_FOCUS_PATHS`` paths) the focus is the whole
cone, every path listed; otherwise it is the top paths by |product|
(:func:`~rojas.proof.top_paths.top_paths`, exact), as many as keep the units
drawn within the limit, and the rest is summarised: how many other paths
there are and what they add up to (the gradient minus the paths shown), with
the exact split by length (:func:`~rojas.proof.by_length.by_length`).
Everything here is linear in the network's size plus the paths shown; the
figure (:mod:`.focus_figure`) and the explorer's focus page read a
:class:`Focus` and nothing else.
"""

from dataclasses import dataclass, field

import numpy as np

from ..errors import RojasError
from ..proof.by_length import by_length
from ..proof.path_cone import cone_of
from ..proof.paths import path_sum
from ..proof.top_paths import top_paths

__all__ = ["Focus", "focus_of", "MAX_FOCUS_UNITS", "MAX_FOCUS_PATHS"]

MAX_FOCUS_UNITS = 100  # units a focus draws one by one
MAX_FOCUS_PATHS = 24  # paths a focus highlights (each in its own colour and dash)


@dataclass
class Focus:
    """What a focus view shows.

    Attributes
    ----------
    source : Source
    target : str
    mode : {"cone", "top"}
        The whole cone, or its top paths with the rest summarised.
    gradient : float
    nodes : list of dict
        ``{"id", "generation", "fn", "o", "delta", "input", "output"}`` of every node shown
        (sample 0 of a batch).
    edges : list of dict
        ``{"source", "target", "weight", "grad"}`` between them (the paths' edges).
    paths : list of dict
        ``{"nodes", "product", "share"}``, largest |product| first.
    cone_units, cone_edges : int
        The size of the whole cone.
    total_paths : int
        The exact number of paths.
    rest_paths : int
        Paths not shown; ``rest_sum`` what they add up to.
    table : ByLength
        The gradient by path length.
    reason : str
        Why the focus shows what it shows, in words.
    """

    source: object
    target: object
    mode: str
    gradient: float
    nodes: list
    edges: list
    paths: list
    cone_units: int
    cone_edges: int
    total_paths: int
    rest_paths: int
    rest_sum: float
    table: object
    reason: str = ""
    notes: list = field(default_factory=list)

    def to_dict(self):
        """The JSON form the explorer embeds."""
        return {"source": self.source.label, "target": str(self.target), "mode": self.mode,
                "gradient": self.gradient, "nodes": self.nodes, "edges": self.edges,
                "paths": [{"nodes": [str(n) for n in p["nodes"]], "product": p["product"], "share": p["share"]}
                          for p in self.paths],
                "cone_units": self.cone_units, "cone_edges": self.cone_edges,
                "total_paths": str(self.total_paths), "rest_paths": str(self.rest_paths),
                "rest_sum": self.rest_sum, "by_length": [{**r, "paths": str(r["paths"])} for r in self.table.rows()],
                "reason": self.reason}


def _value(a):
    """Sample 0 of a label (a float for a single sample)."""
    a = np.asarray(a, dtype=float)
    return float(a.reshape(-1)[0])


def focus_of(lab, source, max_units=MAX_FOCUS_UNITS, max_paths=MAX_FOCUS_PATHS):
    """Choose what a focus on `source` shows: its whole cone when small, else its top paths.

    Parameters
    ----------
    lab : Labeling
    source : reference
        A weight, param, input or unit (see :func:`~rojas.proof.paths.resolve_source`).
    max_units, max_paths : int
        The focus's size limit: units drawn and paths highlighted.

    Returns
    -------
    Focus

    Raises
    ------
    RojasError
        If `source` names nothing, reaches no output, or its cone is too large
        for a batch (whose top paths no recursion ranks).

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> f = focus_of(lab, "w1")
    >>> f.mode, [n["id"] for n in f.nodes], len(f.paths)
    ('cone', ['i1', 'h1', 'o1', 'o2'], 2)
    """
    cone = cone_of(lab, source)
    src = cone.source
    table = by_length(lab, src)
    if table.paths == 0:
        raise RojasError(f"{src.label} has no path to the objective: its gradient is 0 by construction")
    g = table.gradient
    small = cone.n <= max_units and table.paths <= max_paths
    if small:
        ps = path_sum(lab, src, limit=max_paths)
        ends_e = ps.target == "E"
        paths = sorted(({"nodes": p["nodes"][:-1] if ends_e else p["nodes"], "product": p["product"]}
                        for p in ps.paths), key=lambda p: -abs(p["product"]))
        mode = "cone"
        reason = f"the whole cone: {cone.n} unit(s), {table.paths} path(s)"
    else:
        if lab.batch_size is not None:
            raise RojasError(f"the cone of {src.label} has {cone.n:,} units and {table.paths:,} paths: too many to "
                             "draw, and its top paths rank one sample's products; label one sample (a data file of "
                             "single numbers) to see them")
        top = top_paths(lab, src, k=max_paths).paths
        paths, seen = [], set()
        for p in top:  # as many of the best paths as keep the units within the limit
            more = seen | set(p["nodes"])
            if len(more) > max_units + 1 and paths:  # + 1: a weight's source node, outside the cone
                break
            paths.append(p)
            seen = more
        mode = "top"
        reason = (f"the cone has {cone.n:,} units and {table.paths:,} paths: shown are the {len(paths)} with the "
                  f"largest |product| (as many as keep the figure within {max_units} units and "
                  f"{max_paths} paths), the rest summarised")
    for p in paths:
        p["share"] = p["product"] / abs(g) if g else 0.0
    shown = float(sum(p["product"] for p in paths))
    nodes, edges = _layout_data(lab, paths, cone if small else None)
    return Focus(src, table.target, mode, g, nodes, edges, paths, cone.n, len(cone.edges), table.paths,
                 table.paths - len(paths), g - shown, table, reason)


def _layout_data(lab, paths, cone=None):
    """The nodes and edges shown: the paths' own (or the whole cone's), with their labels."""
    plan = lab.plan
    ids = []
    for p in paths:
        ids.extend(p["nodes"])
    if cone is not None:
        ids.extend(cone.node(i) for i in range(cone.n))
    ids = sorted(set(ids), key=lambda n: plan.pos[n])
    shown = set(ids)
    pairs = set()
    for p in paths:
        pairs.update(zip(p["nodes"], p["nodes"][1:]))
    if cone is not None:
        pairs.update((cone.node(int(a)), cone.node(int(b))) for a, b in zip(cone.src, cone.dst))
    gen = np.zeros(plan.n_nodes, dtype=np.intp)
    for lev in plan.levels:
        gen[lev.lo:lev.hi] = lev.index
    o, d, delta = lab.arrays["o"], lab.arrays["fprime"], lab.arrays["delta"]
    outputs = set(lab.targets) if lab.targets else {lab.objective}
    nodes = [{"id": str(n), "generation": int(gen[plan.pos[n]]), "fn": plan.fn_names[plan.pos[n]],
              "o": _value(o[plan.pos[n]]), "fprime": _value(d[plan.pos[n]]), "delta": _value(delta[plan.pos[n]]),
              "input": bool(plan.is_input[plan.pos[n]]), "output": n in outputs} for n in ids]
    edges = [{"source": str(u), "target": str(v), "weight": lab.weight(u, v), "grad": lab.grad((u, v))}
             for u, v in sorted(pairs, key=lambda e: (plan.pos[e[0]], plan.pos[e[1]])) if u in shown and v in shown]
    return nodes, edges
