"""The benchmarks' random networks: layered DAGs with skip connections, and their DiGraph.

bench_labeling, bench_end_to_end, bench_load and bench_check draw the same DAGs from here.
"""

import networkx as nx
import numpy as np


def parse_size(text):
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def random_dag(n_edges, *, n_inputs=256, n_outputs=10, layers=20, fan_skip=0.3, seed=0):
    """A layered DAG with about `n_edges` edges and `n_edges`/10 nodes.

    Layer 0 holds the inputs, layers 1..`layers` hidden sigmoid units, the last
    layer the outputs.  A hidden unit takes most of its edges from the previous
    layer (the first one a permutation, so that every unit feeds the next layer
    and the only sinks are the outputs) and a fraction `fan_skip` from random
    earlier layers.  Every unit of the last hidden layer feeds one output.

    Returns node ids 0..N-1 in topological order, edge arrays sorted by
    (src, dst), weights, biases and the input and output ids.
    """
    rng = np.random.default_rng(seed)
    n_nodes = max(n_inputs + n_outputs + layers, n_edges // 10)
    width = max(1, (n_nodes - n_inputs - n_outputs) // layers)
    sizes = [n_inputs] + [width] * layers + [n_outputs]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    n_nodes = int(starts[-1])
    hidden = width * layers
    fan_in = max(2, round((n_edges - width) / hidden))
    n_skip = int(round(fan_in * fan_skip))
    src_parts, dst_parts = [], []
    for layer in range(1, layers + 1):
        lo, hi = starts[layer], starts[layer + 1]
        plo, phi = starts[layer - 1], starts[layer]
        units = np.arange(lo, hi)
        k_skip = n_skip if layer >= 2 else 0
        k_prev = fan_in - k_skip
        # First in-edge: a permutation of the previous layer (covers every unit).
        first = plo + rng.permutation(np.resize(np.arange(phi - plo), hi - lo))
        src_parts += [first, rng.integers(plo, phi, size=(k_prev - 1) * (hi - lo))]
        dst_parts += [units, np.repeat(units, k_prev - 1)]
        if k_skip:
            # Random earlier layer (0..layer-2), random unit in it.
            which = rng.integers(0, layer - 1, size=k_skip * (hi - lo))
            off = rng.random(which.size)
            src_parts.append(starts[which] + (off * (starts[which + 1] - starts[which])).astype(np.int64))
            dst_parts.append(np.repeat(units, k_skip))
    last_lo, last_hi = starts[layers], starts[layers + 1]
    outs = np.arange(starts[layers + 1], starts[layers + 2])
    src_parts.append(np.arange(last_lo, last_hi))
    dst_parts.append(outs[rng.permutation(np.resize(np.arange(n_outputs), last_hi - last_lo))])
    src = np.concatenate(src_parts).astype(np.int64)
    dst = np.concatenate(dst_parts).astype(np.int64)
    code = np.unique(src * n_nodes + dst)  # no duplicate edges; sorted by (src, dst)
    src, dst = code // n_nodes, code % n_nodes
    indeg = np.bincount(dst, minlength=n_nodes)
    w = rng.standard_normal(len(src)) / np.sqrt(indeg[dst])
    b = np.where(np.arange(n_nodes) < n_inputs, 0.0, 0.1 * rng.standard_normal(n_nodes))
    return dict(n_nodes=n_nodes, src=src, dst=dst, w=w, b=b,
                inputs=np.arange(n_inputs), outputs=outs)


def build_network(dag):
    """nx.DiGraph with add_nodes_from / add_edges_from, then rojas.Network(G)."""
    n_in = len(dag["inputs"])
    G = nx.DiGraph()
    G.add_nodes_from((i, {"fn": "input"}) for i in range(n_in))
    G.add_nodes_from((i, {"fn": "sigmoid", "bias": bias})
                     for i, bias in enumerate(dag["b"][n_in:].tolist(), start=n_in))
    G.add_edges_from(zip(dag["src"].tolist(), dag["dst"].tolist(),
                         ({"weight": w} for w in dag["w"].tolist())))
    return G
