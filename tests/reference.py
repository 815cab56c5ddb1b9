"""A deliberately naive reference for checking rojas, written without its code.

Everything here walks an ``nx.DiGraph`` one node at a time in plain Python
(``math`` functions, dictionaries, ``nx.topological_sort``), straight from the
definitions:

    s_j = sum_i w_ij * o_i + b_j            (combine "sum", the default)
    s_j = prod_i (w_ij * o_i) + b_j         (combine "product")
    o_j = f_j(s_j)

and the objective ``E = 1/2 sum_k (o_k - t_k)^2`` over the sinks (summed over
samples) or, without targets, the value of the node ``of`` (or of the single
sink).  Gradients come from central finite differences of that objective and
from a per-node reverse sweep written the obvious way.

Nothing in this module imports rojas.
"""

import math

import networkx as nx
import numpy as np

__all__ = [
    "PRIMITIVES", "parameters", "forward", "objective", "finite_differences",
    "reverse_mode", "random_network", "outputs", "inputs",
]


def _sigmoid(s):
    # Written from the definition; split on the sign only so that math.exp
    # never overflows (the value is the same function).
    if s >= 0:
        return 1.0 / (1.0 + math.exp(-s))
    e = math.exp(s)
    return e / (1.0 + e)


def _softplus(s):
    # log(1 + e^s) = max(s, 0) + log(1 + e^-|s|)
    return max(s, 0.0) + math.log1p(math.exp(-abs(s)))


# name: (f, f')
PRIMITIVES = {
    "identity": (lambda s: s, lambda s: 1.0),
    "sigmoid": (_sigmoid, lambda s: _sigmoid(s) * (1.0 - _sigmoid(s))),
    "tanh": (math.tanh, lambda s: 1.0 - math.tanh(s) ** 2),
    "relu": (lambda s: s if s > 0 else 0.0, lambda s: 1.0 if s > 0 else 0.0),
    "softplus": (_softplus, _sigmoid),
    "sin": (math.sin, math.cos),
    "cos": (math.cos, lambda s: -math.sin(s)),
    "exp": (math.exp, math.exp),
    "square": (lambda s: s * s, lambda s: 2.0 * s),
    "gaussian": (lambda s: math.exp(-s * s), lambda s: -2.0 * s * math.exp(-s * s)),
}


def inputs(G):
    return [n for n in G if G.nodes[n]["fn"] == "input"]


def outputs(G):
    return [n for n in G if G.out_degree(n) == 0 and G.nodes[n]["fn"] != "input"]


def parameters(G):
    """The numbers of `G` as plain dicts.

    Returns ``(weights, biases, params, ties)``: ``weights[(u, v)]`` the
    effective weight of every edge (a tied edge: its param's value),
    ``biases[node]`` for every non-input node, ``params`` a copy of the graph's
    params, ``ties[(u, v)]`` the param name or None.
    """
    params = dict(G.graph.get("params", {}))
    weights, ties = {}, {}
    for u, v, d in G.edges(data=True):
        if "param" in d:
            ties[(u, v)] = d["param"]
            weights[(u, v)] = float(params[d["param"]])
        else:
            ties[(u, v)] = None
            weights[(u, v)] = float(d["weight"])
    biases = {n: float(G.nodes[n].get("bias", 0.0)) for n in G if G.nodes[n]["fn"] != "input"}
    return weights, biases, params, ties


def forward(G, x, weights=None, biases=None, prims=None):
    """One sample: ``(s, o)`` dicts, by a loop over ``nx.topological_sort``.

    `x` maps every input node to a float.  `weights`/`biases` default to the
    graph's own numbers; `prims` adds primitives ``{name: (f, df)}``.
    """
    table = dict(PRIMITIVES, **(prims or {}))
    if weights is None or biases is None:
        w0, b0, _, _ = parameters(G)
        weights = w0 if weights is None else weights
        biases = b0 if biases is None else biases
    s, o = {}, {}
    for j in nx.topological_sort(G):
        data = G.nodes[j]
        if data["fn"] == "input":
            o[j] = float(x[j])
            continue
        terms = [weights[(i, j)] * o[i] for i in G.predecessors(j)]
        if data.get("combine", "sum") == "product":
            total = 1.0
            for t in terms:
                total *= t
        else:
            total = 0.0
            for t in terms:
                total += t
        s[j] = total + biases[j]
        o[j] = table[data["fn"]][0](s[j])
    return s, o


def _samples(x, t):
    """Split a (possibly batched) input/target mapping into single samples."""
    sizes = {len(v) for v in list(x.values()) + list((t or {}).values())
             if isinstance(v, (list, tuple, np.ndarray))}
    assert len(sizes) <= 1
    if not sizes:
        return [(x, t)]
    B = sizes.pop()

    def pick(m, k):
        if m is None:
            return None
        return {n: (v[k] if isinstance(v, (list, tuple, np.ndarray)) else v) for n, v in m.items()}

    return [(pick(x, k), pick(t, k)) for k in range(B)]


def objective(G, x, targets=None, of=None, weights=None, biases=None, prims=None):
    """The objective (summed over the samples of a batch)."""
    total = 0.0
    for xs, ts in _samples(x, targets):
        _, o = forward(G, xs, weights, biases, prims)
        if ts is not None:
            total += 0.5 * sum((o[k] - ts[k]) ** 2 for k in outputs(G))
        else:
            node = of if of is not None else _single_output(G)
            total += o[node]
    return total


def _single_output(G):
    outs = outputs(G)
    assert len(outs) == 1, outs
    return outs[0]


def _central(fun, value):
    h = 1e-6 * max(1.0, abs(value))
    return (fun(value + h) - fun(value - h)) / (2.0 * h)


def finite_differences(G, x, targets=None, of=None, prims=None):
    """Central differences of :func:`objective` w.r.t. every number.

    Returns a dict with ``weight`` {(u, v): g} (a tied edge perturbed alone:
    its own share), ``bias`` {node: g}, ``param`` {name: g} (all its edges
    moved together) and ``input`` {node: g} (single sample only).
    """
    weights, biases, params, ties = parameters(G)

    def E(w=weights, b=biases, xx=x):
        return objective(G, xx, targets, of, w, b, prims)

    out = {"weight": {}, "bias": {}, "param": {}, "input": {}}
    for e, w in weights.items():
        out["weight"][e] = _central(lambda v: E(w={**weights, e: v}), w)
    for n, b in biases.items():
        out["bias"][n] = _central(lambda v: E(b={**biases, n: v}), b)
    for p, val in params.items():
        def moved(v, p=p):
            return E(w={e: (v if ties[e] == p else w) for e, w in weights.items()})
        out["param"][p] = _central(moved, float(val))
    if not any(isinstance(v, (list, tuple, np.ndarray)) for v in x.values()):
        for n in inputs(G):
            out["input"][n] = _central(lambda v: E(xx={**x, n: v}), float(x[n]))
    return out


def reverse_mode(G, x, targets=None, of=None, prims=None):
    """The naive per-node reverse sweep for one sample.

    Returns ``(value, s, o, fprime, delta, grads)`` with ``delta[n]`` =
    d objective / d s_n (inputs: / d x_n) and ``grads`` shaped like
    :func:`finite_differences`.
    """
    table = dict(PRIMITIVES, **(prims or {}))
    weights, biases, params, ties = parameters(G)
    s, o = forward(G, x, weights, biases, prims)
    fprime = {n: table[G.nodes[n]["fn"]][1](s[n]) for n in s}
    seed = {n: 0.0 for n in G}
    if targets is not None:
        for k in outputs(G):
            seed[k] = o[k] - targets[k]
        value = 0.5 * sum((o[k] - targets[k]) ** 2 for k in outputs(G))
    else:
        node = of if of is not None else _single_output(G)
        seed[node] = 1.0
        value = o[node]

    def partial_s_term(i, j):
        """d s_j / d (w_ij o_i): 1 for a sum unit, product of the other terms for a product unit."""
        if G.nodes[j].get("combine", "sum") != "product":
            return 1.0
        p = 1.0
        for k in G.predecessors(j):
            if k != i:
                p *= weights[(k, j)] * o[k]
        return p

    delta = {}
    for n in reversed(list(nx.topological_sort(G))):
        arriving = seed[n]
        for j in G.successors(n):
            arriving += weights[(n, j)] * partial_s_term(n, j) * delta[j]
        delta[n] = arriving * (1.0 if G.nodes[n]["fn"] == "input" else fprime[n])

    grads = {"weight": {}, "bias": {}, "param": {p: 0.0 for p in params}, "input": {}}
    for (i, j) in weights:
        g = o[i] * partial_s_term(i, j) * delta[j]
        grads["weight"][(i, j)] = g
        if ties[(i, j)] is not None:
            grads["param"][ties[(i, j)]] += g
    for n in biases:
        grads["bias"][n] = delta[n]
    for n in inputs(G):
        grads["input"][n] = delta[n]
    return value, s, o, fprime, delta, grads


# --------------------------------------------------------------------------- random DAGs
def random_network(rng, n_inputs, n_hidden, n_outputs, p_skip=0.3, p_product=0.2,
                   p_tied=0.2, fns=("sigmoid", "tanh", "identity", "sin", "softplus"),
                   n_layers=None, int_ids=False):
    """A seeded random feed-forward network as an ``nx.DiGraph``.

    Hidden units sit in layers; a unit takes edges from the previous layer and,
    with probability `p_skip` per earlier node, skip edges from further back.
    A unit is a product unit with probability `p_product` (in-degree 2 or 3,
    moderate weights); an edge is tied to one of a few shared params with
    probability `p_tied`.  Every hidden unit feeds something, so the sinks are
    exactly the `n_outputs` output units.  Nodes and edges are inserted in a
    shuffled order, so insertion order is not a topological order.
    """
    rng = np.random.default_rng(rng)
    if n_layers is None:
        n_layers = max(1, min(3, n_hidden))
    name = (lambda p, k: {"x": 0, "h": 100, "y": 200}[p] + k) if int_ids else (lambda p, k: f"{p}{k}")
    ins = [name("x", k) for k in range(n_inputs)]
    hidden = [name("h", k) for k in range(n_hidden)]
    outs = [name("y", k) for k in range(n_outputs)]
    cuts = np.sort(rng.choice(np.arange(1, n_hidden), size=min(n_layers - 1, max(0, n_hidden - 1)),
                              replace=False)) if n_hidden > 1 else []
    layers = [ins] + [list(part) for part in np.split(np.array(hidden, dtype=object), cuts)
                      if len(part)] + [outs]
    layers = [[n.item() if hasattr(n, "item") else n for n in layer] for layer in layers]
    n_params = 3
    params = {f"p{k}": float(rng.uniform(-1.0, 1.0)) for k in range(n_params)}
    nodes, edges = {}, {}
    for n in ins:
        nodes[n] = {"fn": "input"}
    earlier = list(ins)
    for li in range(1, len(layers)):
        prev = layers[li - 1]
        for j in layers[li]:
            is_out = li == len(layers) - 1
            product = rng.random() < p_product and len(earlier) >= 2 and not (is_out and j == outs[-1])
            data = {"fn": str(rng.choice(fns))}
            if rng.random() < 0.8:
                data["bias"] = float(rng.uniform(-0.5, 0.5))
            if product:
                data["combine"] = "product"
                k = int(rng.integers(2, 4))
                pool = list(prev) + [n for n in earlier if n not in prev and rng.random() < 0.5]
                if len(pool) < k:
                    pool = list(earlier)
                preds = list(rng.choice(np.array(pool, dtype=object), size=min(k, len(pool)), replace=False))
                scale = (0.6, 1.4)
            else:
                m = int(rng.integers(1, min(4, len(prev)) + 1))
                preds = list(rng.choice(np.array(prev, dtype=object), size=m, replace=False))
                preds += [n for n in earlier if n not in prev and rng.random() < p_skip]
                scale = (0.2, 1.2)
            nodes[j] = data
            for i in preds:
                i = i.item() if hasattr(i, "item") else i
                if rng.random() < p_tied:
                    edges[(i, j)] = {"param": f"p{int(rng.integers(n_params))}"}
                else:
                    w = float(rng.uniform(*scale)) * (1 if rng.random() < 0.5 else -1)
                    edges[(i, j)] = {"weight": w}
        earlier += layers[li]
    # Every hidden unit feeds some later sum unit (the last output is one).
    fed = {i for i, _ in edges}
    for h in hidden:
        if h not in fed:
            later = [n for n in earlier if _layer_of(layers, n) > _layer_of(layers, h)
                     and nodes[n].get("combine") != "product"]
            v = later[int(rng.integers(len(later)))]
            edges[(h, v)] = {"weight": float(rng.uniform(-1.0, 1.0))}
    G = nx.DiGraph(params=params)
    for idx in rng.permutation(len(nodes)):
        n = list(nodes)[idx]
        G.add_node(n, **nodes[n])
    keys = list(edges)
    for idx in rng.permutation(len(keys)):
        G.add_edge(*keys[idx], **edges[keys[idx]])
    assert nx.is_directed_acyclic_graph(G)
    assert sorted(map(str, outputs(G))) == sorted(map(str, outs)), (outputs(G), outs)
    return G


def _layer_of(layers, n):
    for k, layer in enumerate(layers):
        if n in layer:
            return k
    raise KeyError(n)


def random_inputs(rng, G, batch=None):
    rng = np.random.default_rng(rng)
    if batch is None:
        return {n: float(rng.uniform(-1.0, 1.0)) for n in inputs(G)}
    return {n: [float(v) for v in rng.uniform(-1.0, 1.0, size=batch)] for n in inputs(G)}


def random_targets(rng, G, batch=None):
    rng = np.random.default_rng(rng)
    if batch is None:
        return {n: float(rng.uniform(-1.0, 1.0)) for n in outputs(G)}
    return {n: [float(v) for v in rng.uniform(-1.0, 1.0, size=batch)] for n in outputs(G)}
