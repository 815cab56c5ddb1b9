"""Rojas's backpropagation as written in chapter 7: the specification of rojas's sweeps.

Start reading here.  This module is the algorithm of Raúl Rojas, *Neural
Networks* (1996), ch. 7, in plain Python over a NetworkX graph, one node at a
time.  The fast engine (:mod:`rojas.engine.plan`, :mod:`rojas.engine.sweeps`) computes the
same numbers a topological generation at a time, and the tests hold it to
this module on random networks.

Every unit is split in two (§7.2.1).  On the **forward sweep**, in
topological order, unit j combines its incoming terms ``t_ij = w_ij·o_i``
(a sum, or another mode of :mod:`rojas.network.combine`) into ``s_j = c(t) + b_j``;
its right half stores ``o_j = f(s_j)`` and its left half ``f'(s_j)``.

The objective is an entry of :mod:`rojas.network.objectives` — by default
the error of the named outputs, ``E = ½ Σ_k (o_k − t_k)²`` (Rojas's extended
network: each output feeds an error unit whose derivative is ``o_k − t_k``),
a cross-entropy, or the value of one node.  Its derivative by each output,
``∂E/∂o_k``, is the *seed* of the backward sweep.

On the **backward sweep** (§7.2.2) the graph is run in reverse: a unit
collects what arrives along its out-edges — ``w_jk·(∂s_k/∂t_jk)·δ_k`` from
every successor k — plus its own seed ``∂E/∂o_j`` if it is an output, and
multiplies the sum by its stored ``f'(s_j)``.  (An output whose primitive
the objective is fused with — a sigmoid under binary cross-entropy — gets
its seed ``∂E/∂s_j = o_j − t_j`` added after that multiplication.)  What it holds then is
``δ_j = ∂E/∂s_j``: the sum over every path from j to the error of the
products of the weights and stored derivatives met on the way.  An input
keeps the sum: ``∂E/∂x``.

The **gradients** (§7.2.3) are then local: ``∂E/∂w_ij = o_i·δ_j`` (times
``∂s_j/∂t_ij`` for a product unit), ``∂E/∂b_j = δ_j``, and a shared
parameter collects the gradients of every edge and bias tied to it.  Over a
batch the labels are arrays (one entry per sample) and the gradients sums.

>>> import rojas
>>> from rojas import textbook
>>> net = rojas.load(rojas.example_path("mazur"))      # Matt Mazur's worked 2-2-2 example (2015)
>>> labels = textbook.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
>>> round(labels.value, 9)
0.298371109
>>> round(labels.weight_grad[net.find_edge("w5")], 9), round(labels.weight_grad[net.find_edge("w1")], 9)
(0.082167041, 0.000438568)
"""

from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..network.combine import get_combine

__all__ = ["Labels", "numbers", "forward_sweep", "objective", "backward_sweep", "gradients", "label"]


@dataclass
class Labels:
    """What the two sweeps leave: every label and gradient, as dicts."""

    value: float
    s: dict
    fprime: dict
    o: dict
    delta: dict
    weight_grad: dict
    bias_grad: dict
    param_grad: dict
    input_grad: dict


def numbers(G):
    """Every edge's weight and every unit's bias, a tied one read from its param."""
    p = G.graph.get("params", {})
    w = {(i, j): p[d["param"]] if "param" in d else d["weight"] for i, j, d in G.edges(data=True)}
    b = {j: p[d["bias_param"]] if "bias_param" in d else d.get("bias", 0.0)
         for j, d in G.nodes(data=True) if d["fn"] != "input"}
    return w, b


def forward_sweep(G, primitive, x, w, b):
    """The forward sweep: in topological order, each unit stores (s, f'(s), o).

    Parameters
    ----------
    G : networkx.DiGraph
    primitive : callable
        ``primitive(fn)`` returns the primitive with ``f`` and ``df``.
    x : dict
        ``{input: value}``: numbers, or arrays of one shape (a batch).
    w, b : dict
        As :func:`numbers` returns them.

    Returns
    -------
    s, fprime, o, partial : dict
        ``partial[(i, j)] = ∂s_j/∂t_ij``, the combine mode's partial (1 for a sum).
    """
    s, fprime, o, partial = {}, {}, {}, {}
    batch = np.shape(next(iter(x.values()), 0.0))  # () or (B,): every input has this shape
    for j in nx.topological_sort(G):
        fn = G.nodes[j]["fn"]
        if fn == "input":
            o[j] = x[j]
            continue
        sources = list(G.predecessors(j))
        terms = [w[(i, j)] * o[i] for i in sources]
        terms = np.array(np.broadcast_arrays(*terms)) if terms else np.zeros((0,) + batch)  # a row per edge
        mode = get_combine(G.nodes[j].get("combine", "sum"))
        s[j] = mode.value(terms) + b[j]
        for i, p in zip(sources, mode.partials(terms)):
            partial[(i, j)] = p
        f = primitive(fn)
        o[j], fprime[j] = f.f(s[j]), f.df(s[j])  # right half, left half
    return s, fprime, o, partial


def objective(loss, o, s, fn, ends, targets=None):
    """The objective's value and the seeds of the backward sweep.

    Parameters
    ----------
    loss : rojas.network.objectives.Objective
    o, s : dict
        The forward sweep's values and net inputs.
    fn : callable
        ``fn(node)``: the node's primitive name.
    ends : list
        The nodes the objective reads (the outputs, or the node differentiated).
    targets : dict, optional

    Returns
    -------
    value : float
        E, summed over a batch.
    seed, seed_s : dict
        ``∂E/∂o_k`` for each end, or ``∂E/∂s_k`` for an end whose primitive the
        objective is fused with.
    """
    O = np.array([o[k] for k in ends])
    T = np.broadcast_to(np.array([np.asarray((targets or {}).get(k, 0.0), dtype=float) for k in ends]),
                        O.shape)
    terms, grads = np.array(loss.terms(O, T), dtype=float), loss.seed(O, T)
    seed, seed_s = {}, {}
    for i, k in enumerate(ends):
        fused = loss.fused.get(fn(k))
        if fused is None:
            seed[k] = grads[i]
        else:
            terms[i], seed_s[k] = fused.terms(s[k], T[i]), fused.seed(s[k], T[i])
    return float(np.sum(terms)), seed, seed_s


_objective = objective  # label's keyword `objective` (a name) shadows it there


def backward_sweep(G, fprime, partial, w, seed, seed_s=None):
    """The backward sweep over the reversed graph: δ_j = f'(s_j)·(what arrives + seed_j) + seed_s_j.

    Returns
    -------
    delta : dict
        ``∂objective/∂s_j`` for every unit, ``∂objective/∂x`` for every input.
    """
    R = G.reverse(copy=False)  # the edges k ← j: successors in G are predecessors in R
    delta = {}
    for j in nx.topological_sort(R):
        arriving = seed.get(j, 0.0)
        for k in R.predecessors(j):
            arriving = arriving + w[(j, k)] * partial[(j, k)] * delta[k]
        delta[j] = arriving if G.nodes[j]["fn"] == "input" else fprime[j] * arriving
        delta[j] = delta[j] + (seed_s or {}).get(j, 0.0)
    return delta


def gradients(G, o, delta, partial):
    """∂objective/∂w_ij = o_i·(∂s_j/∂t_ij)·δ_j, ∂/∂b_j = δ_j, a param's: the sum of its edges' and units'.

    Returns ``(weight_grad, bias_grad, param_grad)``, summed over a batch.
    """
    weight = {(i, j): float(np.sum(o[i] * partial[(i, j)] * delta[j])) for i, j in G.edges}
    bias = {j: float(np.sum(delta[j])) for j, fn in G.nodes(data="fn") if fn != "input"}
    param = {p: 0.0 for p in G.graph.get("params", {})}
    for i, j, p in G.edges(data="param"):
        if p is not None:
            param[p] += weight[(i, j)]
    for j, p in G.nodes(data="bias_param"):
        if p is not None:
            param[p] += bias[j]
    return weight, bias, param


def label(net, inputs, targets=None, of=None, objective=None):
    """Both sweeps and the gradients, node by node: the specification of :func:`rojas.label`.

    Parameters
    ----------
    net : Network or networkx.DiGraph
    inputs : dict
        ``{input: number or sequence of B numbers}``.
    targets : dict, optional
        ``{output: target}`` for every output of ``net.outputs``.
    of : node, optional
        Without targets: the node whose value is differentiated (default: the single output).
    objective : str, optional
        A registered objective's name (default: the network's, else squared error).

    Returns
    -------
    Labels
    """
    from .labeling import as_network
    from .objective import resolve_objective

    net = as_network(net)
    G = net.to_networkx()
    loss = resolve_objective(net, targets, objective)
    if targets is None and of is None:
        (of,) = net.outputs
    values = [*inputs.values(), *(targets or {}).values()]
    batch = max((np.shape(v) for v in values), key=len)  # a number beside lists stands for every sample
    x = {n: np.broadcast_to(np.asarray(v, dtype=float), batch) if batch else float(v) for n, v in inputs.items()}
    w, b = numbers(G)
    s, fprime, o, partial = forward_sweep(G, net.primitive, x, w, b)
    ends = net.outputs if targets is not None else [of]
    value, seed, seed_s = _objective(loss, o, s, lambda k: G.nodes[k]["fn"], ends, targets)
    delta = backward_sweep(G, fprime, partial, w, seed, seed_s)
    weight, bias, param = gradients(G, o, delta, partial)
    input_grad = {n: delta[n] for n in net.inputs}
    return Labels(value, s, fprime, o, delta, weight, bias, param, input_grad)
