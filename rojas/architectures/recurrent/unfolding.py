"""Unfolding a recurrent network over time into a feed-forward network (Rojas 1996, §7.4.1).

Rojas's recipe: unfold the network over T steps into T copies of its units,
a delayed edge u→v becoming an edge from u's copy at step t−1 to v's copy at
step t.  The result is feed-forward, so the labeling engine computes its
gradients, and since every copy of a weight is the same weight, its gradient
is the sum over its copies: each weight is tied across the copies with a
``param`` (an edge that already has a param stays tied to it).

The unfolded network (what :func:`unfold` builds)
-------------------------------------------------
Exactly the inputs per step, one copy of each unit per step and the initial
states; nothing else:

- node ``"h@t"``: the copy of unit or input ``h`` at step t = 1..T;
- input ``"h@0"``: the initial state of ``h``, for every source of a delayed edge;
- params: the file's own, plus one per untied edge, named after the edge
  (its ``name``, else ``"u->v"``), and ``"b(h)"`` per unit ``h`` with a
  ``bias``: every copy's bias is tied to it by the node field
  ``"bias_param"`` (a unit whose bias is already tied keeps its param);
- edge names: the copy at step t of an edge named ``w`` is named ``"w@t"``;
- the outputs (graph field ``"outputs"``): the copies of the recurrent
  network's outputs (by default the units with no delay-0 out-edge; a graph
  field ``"outputs": [...]`` names them otherwise), at every step, or, when
  unfolding with data, at the steps that have a target.  An output's copy
  may also feed the next step (a one-unit net, whose output is its state):
  its δ then gets both contributions, its error and the later steps';
- copies that reach no output are left out (they cannot change the
  objective), e.g. a state's copy at the last step when nothing reads it;
- node attributes ``unit`` (the original id), ``step`` and ``role``
  (``"initial"``, ``"input"``, ``"unit"``), and a graph field ``"unfolded"``
  recording the mapping, so a saved unfolded network still maps back
  (:func:`unfold_data`, :func:`fold_grad`).

So a one-unit Elman net over 5 steps has 11 nodes: 5 inputs, 5 units and
1 initial state.

:func:`unfold_data` turns sequence data (:mod:`rojas.recurrent.sequences`)
into the engine's data for the unfolded network: ``inputs[x@t] = inputs[x][t−1]``,
``inputs[h@0] = initial[h]``, ``targets[y@t] = targets[y][t−1]``.
"""

import os
import warnings

import networkx as nx

from ...errors import DataError, NetworkError, RojasWarning
from .model import as_recurrent, edge_label
from .sequences import Sequences, check_steps

__all__ = ["unfold", "unfold_data", "unfolded_meta", "size_limit", "MAX_SIZE", "MAX_SIZE_ENV"]

#: The largest unfolded network :func:`unfold` builds (nodes + edges) unless told otherwise.
MAX_SIZE = 1_000_000
MAX_SIZE_ENV = "ROJAS_MAX_UNFOLDED"


def unfold(net, steps=None, data=None, *, max_size=None):
    """Unfold a recurrent network over time into a feed-forward network (Rojas §7.4.1).

    Parameters
    ----------
    net : Recurrent, networkx.DiGraph or Network
    steps : int, optional
        T, the number of copies; by default the length of `data`'s sequences.
    data : mapping, optional
        Sequence data (see :mod:`rojas.recurrent.sequences`).  When given,
        the outputs are only the copies at steps with a target.
    max_size : int, optional
        The largest unfolded network built, in nodes + edges (default
        :data:`MAX_SIZE`, or the environment variable ``ROJAS_MAX_UNFOLDED``);
        checked before anything of that size is allocated.

    Returns
    -------
    Network
        The unfolded network, every weight and bias tied across the copies;
        see the module docstring for its ids and params.

    Raises
    ------
    NetworkError
        If the network is malformed (a cycle without delay, …) or a generated
        param name clashes with one of the file's.
    DataError
        If `steps` or `data` do not fit the network, or the unfolded network
        would be larger than `max_size` (saying how to raise it).

    Examples
    --------
    One unit with a feedback loop, h_t = tanh(0.5·x_t + 0.9·h_{t−1} + 0.1), over 3 steps:

    >>> import networkx as nx, rojas
    >>> G = nx.DiGraph(name="loop")
    >>> G.add_node("x", fn="input"); G.add_node("h", fn="tanh", bias=0.1)
    >>> G.add_edge("x", "h", weight=0.5); G.add_edge("h", "h", weight=0.9, delay=1, name="w")
    >>> u = rojas.unfold(G, steps=3)
    >>> u.nodes
    ['h@0', 'x@1', 'h@1', 'x@2', 'h@2', 'x@3', 'h@3']
    >>> u.outputs, u.params
    (['h@1', 'h@2', 'h@3'], {'x->h': 0.5, 'w': 0.9, 'b(h)': 0.1})
    >>> u.edge_param("h@1", "h@2"), u.edge_name("h@1", "h@2"), u.bias_param("h@2")
    ('w', 'w@2', 'b(h)')
    """
    from ...network import from_dict

    rnet = as_recurrent(net)
    limit = size_limit(rnet, max_size)
    if steps is not None:
        limit(check_steps(steps))
    seq = None if data is None else Sequences(data, rnet.inputs, rnet.states, rnet.outputs, steps, limit)
    T = seq.steps if seq is not None else check_steps(steps)
    core = rnet.core
    graph = core.graph  # read-only: attributes are copied out below
    node_attrs = dict(graph.nodes(data=True))
    copy = lambda n, t: f"{n}@{t}"

    # Params: the file's, one per untied edge, one per unit with a bias of its own.
    # Every copy of an edge gets the edge's other attributes and its param.
    params = dict(core.params)
    template, names = {}, {}
    for u, v in rnet.edges:
        attrs = rnet.edge_data(u, v)
        names[(u, v)] = attrs.get("name")
        p = attrs.get("param")
        if p is None:
            p = attrs.get("name") or f"{u}->{v}"
            if p in params:
                raise NetworkError(f"{edge_label(u, v, attrs.get('name'))}: its weight would be the unfolded "
                                   f"network's param {p!r}, which the network already has; rename one of them")
            params[p] = rnet.weight(u, v)
        template[(u, v)] = {**{k: val for k, val in attrs.items() if k not in ("weight", "param", "name", "delay")},
                            "param": p}
    bias_param = {}  # every copy's bias tied to one param ("bias_param"); a tied bias stays tied
    for n in rnet.units:
        if "bias" in node_attrs[n]:
            p = f"b({n})"
            if p in params:
                raise NetworkError(f"node {n!r}: its bias would be the unfolded network's param {p!r}, "
                                   "which the network already has; rename it")
            params[p] = float(node_attrs[n]["bias"])
            bias_param[n] = p

    # The copies and their edges, step by step; then only what reaches an output.
    targets = None if seq is None else seq.targets
    wanted = [copy(y, t) for t in range(1, T + 1) for y in rnet.outputs
              if targets is None or (y in targets and targets[y][t - 1] is not None)]
    if not wanted:
        raise DataError("no step has a target: the unfolded network would have no output")
    pairs = [(copy(u, t - rnet.delay(u, v)), copy(v, t), (u, v)) for t in range(1, T + 1) for u, v in rnet.edges]
    plain = nx.DiGraph((a, b) for a, b, _ in pairs)
    plain.add_nodes_from(wanted)
    sink = object()
    plain.add_edges_from((o, sink) for o in wanted)
    live = nx.ancestors(plain, sink)  # every copy with a path to an output copy

    def node(n, t, role):
        attrs = {k: val for k, val in node_attrs[n].items() if k != "bias"}
        if n in bias_param:
            attrs["bias_param"] = bias_param[n]
        return {"id": copy(n, t), **attrs, "unit": n, "step": t, "role": role}

    nodes = [{"id": copy(s, 0), "fn": "input", "unit": s, "step": 0, "role": "initial"}
             for s in rnet.states if copy(s, 0) in live]
    nodes += [node(n, t, "input" if core.fn(n) == "input" else "unit")
              for t in range(1, T + 1) for n in core.nodes if copy(n, t) in live]

    def edge(a, b, original, t):
        entry = {"source": a, "target": b, **template[original]}
        if names[original] is not None:
            entry["name"] = f"{names[original]}@{t}"
        return entry

    edges = [edge(a, b, original, t) for (a, b, original), t in
             zip(pairs, (t for t in range(1, T + 1) for _ in rnet.edges)) if a in live and b in live]
    meta = {"from": rnet.name, "steps": T,
            "inputs": rnet.inputs, "states": rnet.states, "outputs": rnet.outputs, "units": rnet.units,
            "params": list(core.params),
            "weights": [[u, v, rnet.delay(u, v), template[(u, v)]["param"]] for u, v in rnet.edges]}
    graph_attrs = {"name": f"{rnet.name or 'recurrent network'} unfolded over {T} steps",
                   "params": params, "outputs": wanted, "unfolded": meta}
    if "primitives" in graph.graph:
        graph_attrs["primitives"] = graph.graph["primitives"]
    with warnings.catch_warnings():  # a field of the user's was warned about when the network was read
        warnings.simplefilter("ignore", RojasWarning)
        return from_dict({"directed": True, "multigraph": False, "graph": graph_attrs,
                          "nodes": nodes, "edges": edges}, source=f"{rnet.name or 'network'} unfolded")


def size_limit(rnet, max_size=None):
    """A check refusing T steps of `rnet` when the unfolded network would exceed `max_size` nodes + edges.

    Returns
    -------
    callable
        ``limit(T)``: returns None or raises DataError with the limit, the size and how to raise it.
    """
    if max_size is None:
        env = os.environ.get(MAX_SIZE_ENV)
        try:
            max_size = MAX_SIZE if env in (None, "") else int(env)
        except ValueError:
            raise DataError(f"environment variable {MAX_SIZE_ENV}={env!r} must be an integer") from None
    per_step = len(rnet.nodes) + len(rnet.edges)

    def limit(T):
        size = T * per_step + len(rnet.states)
        if size > max_size:
            raise DataError(f"unfolding {rnet.name or 'the network'!s} over {T} steps makes {size} nodes and "
                            f"edges ({per_step} a step), over the limit of {max_size}; raise it with "
                            f"--max-size N (Python: max_size=N) or {MAX_SIZE_ENV}=N")

    return limit


def unfolded_meta(unfolded):
    """The unfolded network as a DiGraph and its graph field ``unfolded`` (the map back), or a DataError."""
    from ...network import Network

    G = unfolded.graph if isinstance(unfolded, Network) else unfolded
    meta = G.graph.get("unfolded")
    if not isinstance(meta, dict):
        raise DataError(f"network {G.graph.get('name', '')!r} is not an unfolded recurrent network "
                        "(no graph field 'unfolded'); build one with rojas.unfold / rojas unfold")
    return G, meta


def unfold_data(unfolded, data):
    """The engine's inputs and targets for an unfolded network, from sequence data.

    Parameters
    ----------
    unfolded : Network
        What :func:`unfold` built (or that network saved and loaded again).
    data : mapping
        Sequence data, see the module docstring.

    Returns
    -------
    inputs : dict
        ``{"x@t": x_t, "h@0": initial h}``
    targets : dict or None
        ``{output copy: target}``; None when `data` has no targets.

    Raises
    ------
    DataError
        If the data do not fit the network (naming the node and the step).

    Examples
    --------
    >>> import networkx as nx, rojas
    >>> G = nx.DiGraph(name="loop")
    >>> G.add_node("x", fn="input"); G.add_node("h", fn="tanh", bias=0.1)
    >>> G.add_edge("x", "h", weight=0.5); G.add_edge("h", "h", weight=0.9, delay=1)
    >>> seq = {"inputs": {"x": [1.0, 0.0]}, "initial": {"h": 0.2}, "targets": {"h": [0.5, 0.1]}}
    >>> u = rojas.unfold(G, data=seq)
    >>> rojas.unfold_data(u, seq)
    ({'h@0': 0.2, 'x@1': 1.0, 'x@2': 0.0}, {'h@1': 0.5, 'h@2': 0.1})
    """
    G, meta = unfolded_meta(unfolded)
    T = meta["steps"]
    seq = Sequences(data, meta["inputs"], meta["states"], meta["outputs"], T)
    inputs = {}
    for n, attrs in G.nodes(data=True):
        role, unit, t = attrs.get("role"), attrs.get("unit"), attrs.get("step")
        if role == "initial":
            inputs[n] = seq.initial.get(unit, 0.0)
        elif role == "input":
            inputs[n] = seq.inputs[unit][t - 1]
    outs = {(G.nodes[n].get("unit"), G.nodes[n].get("step")): n for n in G.graph.get("outputs", [])}
    if seq.targets is None:
        return inputs, None
    targets = {}
    for (y, t), n in outs.items():
        value = seq.targets[y][t - 1] if y in seq.targets else None
        if value is None:
            raise DataError(f"targets: no target for output {y!r} at step {t}, but the unfolded network has "
                            f"its output {n!r}; unfold with this data (rojas unfold --data) so that "
                            "steps without a target have no output")
        targets[n] = value
    for y, series in seq.targets.items():
        for t, value in enumerate(series, 1):
            if value is not None and (y, t) not in outs:
                raise DataError(f"targets: output {y!r} has a target at step {t}, but the unfolded network "
                                "has no output there; unfold again with this data")
    return inputs, targets
