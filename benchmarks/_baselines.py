"""The plain NumPy baselines rojas is measured against, written without rojas.

* :class:`PlainSweep` (bench_labeling, bench_end_to_end's API table): the
  forward and backward sweeps level by level over arrays already in memory;
* :func:`plain_pipeline` (bench_end_to_end's first table, run as a process):
  ``json.load`` → arrays → topological levels by Kahn's frontiers → the same
  sweeps → ``json.dump`` of the fields ``rojas grad --json`` writes.
"""

import json

import numpy as np

CHUNK = 1 << 22            # numbers per temporary in the plain batched sweep


# --------------------------------------------------------------------------- the plain sweep
def sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


class PlainSweep:
    """Forward and backward sweeps over the topological levels, plain NumPy, no rojas."""

    def __init__(self, dag, scatter="bincount"):
        n, src, dst = dag["n_nodes"], dag["src"], dag["dst"]
        self.scatter = scatter
        # Topological level of every node: the longest path from a source.
        level = np.zeros(n, dtype=np.int64)
        while True:
            new = np.zeros(n, dtype=np.int64)
            np.maximum.at(new, dst, level[src] + 1)
            if np.array_equal(new, level):
                break
            level = new
        # Renumber the nodes by level so that a level is a contiguous range.
        perm = np.argsort(level, kind="stable")          # new -> old
        rank = np.empty(n, dtype=np.int64)
        rank[perm] = np.arange(n)                        # old -> new
        self.n, self.perm, self.rank = n, perm, rank
        lev_sorted = level[perm]
        n_levels = int(level.max()) + 1
        self.bounds = np.searchsorted(lev_sorted, np.arange(n_levels + 1))
        s_new, d_new = rank[src], rank[dst]
        self.src, self.dst = s_new, d_new                # the original edge order
        self.b = dag["b"][perm]
        # Forward: edges grouped by target; backward: by source.
        f = np.lexsort((s_new, d_new))
        g = np.lexsort((d_new, s_new))
        # The weights are kept in each sweep's order, as a hand-written sweep would keep
        # them; label(w=...) takes them in edge order instead and permutes them per call.
        self.f, self.g = f, g
        self.f_src, self.f_dst, self.f_w = s_new[f], d_new[f], dag["w"][f]
        self.g_src, self.g_dst, self.g_w = s_new[g], d_new[g], dag["w"][g]
        self.f_cut = np.searchsorted(self.f_dst, self.bounds)
        self.g_cut = np.searchsorted(self.g_src, self.bounds)
        self.w = dag["w"]
        self.inputs, self.outputs = rank[dag["inputs"]], rank[dag["outputs"]]
        self.n_levels = n_levels

    def _sum(self, rows, vals_of, index, a, z, size, batch):
        """Σ over edges a..z of vals_of(a', z') into `size` rows by `index` (local)."""
        if z == a:  # (an empty bincount is int64)
            return np.zeros((size,) if batch is None else (size, batch))
        if batch is None:
            return np.bincount(index[a:z] - rows, weights=vals_of(a, z), minlength=size)
        out = np.zeros(size * batch)
        step = max(1, CHUNK // batch)
        cols = np.arange(batch)
        for c in range(a, z, step):
            e = min(c + step, z)
            vals = vals_of(c, e)                                     # (edges, B)
            if self.scatter == "add.at":
                np.add.at(out.reshape(size, batch), index[c:e] - rows, vals)
            else:
                flat = ((index[c:e] - rows)[:, None] * batch + cols).ravel()
                out += np.bincount(flat, weights=vals.ravel(), minlength=size * batch)
        return out.reshape(size, batch)

    def forward(self, x, f_w=None):
        """x: (n,) or (n, B) values of the inputs (rows in the original numbering)."""
        batch = None if x.ndim == 1 else x.shape[1]
        o = np.zeros((self.n,) + x.shape[1:])
        d = np.zeros_like(o)
        o[self.inputs] = x[self.perm[self.inputs]]
        d[self.inputs] = 1.0
        f_src = self.f_src
        f_w = self.f_w if f_w is None else f_w

        if batch is None:
            def vals_of(a, z):
                return f_w[a:z] * o[f_src[a:z]]
        else:
            def vals_of(a, z):
                v = o[f_src[a:z]]
                v *= f_w[a:z, None]
                return v
        for k in range(1, self.n_levels):
            lo, hi = self.bounds[k], self.bounds[k + 1]
            s = self._sum(lo, vals_of, self.f_dst, self.f_cut[k], self.f_cut[k + 1], hi - lo, batch)
            s += self.b[lo:hi] if batch is None else self.b[lo:hi, None]
            ol = sigmoid(s)
            o[lo:hi] = ol
            ol *= 1.0 - ol
            d[lo:hi] = ol
        return o, d

    def backward(self, d, seed, g_w=None):
        batch = None if d.ndim == 1 else d.shape[1]
        delta = np.zeros_like(d)
        g_dst = self.g_dst
        g_w = self.g_w if g_w is None else g_w
        if batch is None:
            def vals_of(a, z):
                return g_w[a:z] * delta[g_dst[a:z]]
        else:
            def vals_of(a, z):
                v = delta[g_dst[a:z]]
                v *= g_w[a:z, None]
                return v
        for k in range(self.n_levels - 1, -1, -1):
            lo, hi = self.bounds[k], self.bounds[k + 1]
            arriving = self._sum(lo, vals_of, self.g_src, self.g_cut[k], self.g_cut[k + 1],
                                 hi - lo, batch)
            arriving += seed[lo:hi]
            arriving *= d[lo:hi]
            delta[lo:hi] = arriving
        return delta

    def weight_grads(self, o, delta):
        if o.ndim == 1:
            return o[self.src] * delta[self.dst]
        grad = np.empty(len(self.src))
        step = max(1, CHUNK // o.shape[1])
        for a in range(0, len(grad), step):
            z = min(a + step, len(grad))
            grad[a:z] = np.einsum("eb,eb->e", o[self.src[a:z]], delta[self.dst[a:z]])
        return grad

    def label(self, x, t, w=None):
        """Everything rojas.label computes: returns (E, ∂E/∂w in edge order, δ by node id).

        With `w` (weights in edge order) the sweeps use it, permuted on every call.
        """
        f_w, g_w = (None, None) if w is None else (w[self.f], w[self.g])
        with np.errstate(over="ignore"):
            o, d = self.forward(x, f_w)
        seed = np.zeros_like(o)
        seed[self.outputs] = o[self.outputs] - t
        value = 0.5 * float(np.sum(seed[self.outputs] ** 2))
        delta = self.backward(d, seed, g_w)
        grad = self.weight_grads(o, delta)
        return value, grad, delta[self.rank]


# --------------------------------------------------------------------------- the plain pipeline
def kahn_levels(n, src, dst):
    """Topological generations with NumPy: the frontier of in-degree-0 nodes, level by level."""
    order = np.argsort(src, kind="stable")
    out_dst = dst[order]
    start = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    indeg = np.bincount(dst, minlength=n)
    level = np.zeros(n, dtype=np.int64)
    frontier = np.flatnonzero(indeg == 0)
    k = 0
    while frontier.size:
        level[frontier] = k
        counts = start[frontier + 1] - start[frontier]
        # The out-edges of the frontier: one arange per frontier node, built in bulk.
        first = np.repeat(start[frontier] - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        heads = out_dst[first + np.arange(counts.sum())]
        indeg -= np.bincount(heads, minlength=n)
        frontier = np.unique(heads[indeg[heads] == 0])
        k += 1
    return level


def plain_pipeline(net_path, data_path, out_path, compact=False):
    """json.load → arrays → level sweeps (sigmoid units, sum) → json.dump of rojas grad's fields.

    As ``rojas grad --json`` writes it (``indent=1``: json's pure-Python encoder), or with
    `compact` in one ``json.dumps`` without indent (json's C encoder): the fastest plain writer.
    """
    with open(net_path, encoding="utf-8") as fh:
        graph = json.load(fh)
    with open(data_path, encoding="utf-8") as fh:
        data = json.load(fh)
    nodes, edges = graph["nodes"], graph["edges"]
    ids = [d["id"] for d in nodes]
    index = {i: k for k, i in enumerate(ids)}
    n, m = len(nodes), len(edges)
    src = np.fromiter((index[e["source"]] for e in edges), dtype=np.int64, count=m)
    dst = np.fromiter((index[e["target"]] for e in edges), dtype=np.int64, count=m)
    w = np.fromiter((e["weight"] for e in edges), dtype=float, count=m)
    b = np.fromiter((d.get("bias", 0.0) for d in nodes), dtype=float, count=n)
    is_input = np.fromiter((d.get("fn") == "input" for d in nodes), dtype=bool, count=n)
    by_str = {str(i): k for k, i in enumerate(ids)}
    x = np.zeros(n)
    for key, value in data["inputs"].items():
        x[by_str[key]] = value
    outs = np.array([by_str[k] for k in data["targets"]], dtype=np.int64)
    t = np.array(list(data["targets"].values()), dtype=float)

    level = kahn_levels(n, src, dst)
    n_levels = int(level.max()) + 1
    by_level = np.argsort(level, kind="stable")
    bounds = np.searchsorted(level[by_level], np.arange(n_levels + 1))
    f = np.argsort(level[dst], kind="stable")                  # edges by their target's level
    g = np.argsort(level[src], kind="stable")                  # edges by their source's level
    f_cut = np.searchsorted(level[dst][f], np.arange(n_levels + 1))
    g_cut = np.searchsorted(level[src][g], np.arange(n_levels + 1))

    s, o, d = np.zeros(n), np.zeros(n), np.zeros(n)
    o[is_input], d[is_input] = x[is_input], 1.0
    for k in range(1, n_levels):
        e = f[f_cut[k]:f_cut[k + 1]]
        units = by_level[bounds[k]:bounds[k + 1]]
        s[units] = np.bincount(dst[e], weights=w[e] * o[src[e]], minlength=n)[units] + b[units]
        ou = 1.0 / (1.0 + np.exp(-s[units]))
        o[units], d[units] = ou, ou * (1.0 - ou)
    seed = np.zeros(n)
    seed[outs] = o[outs] - t
    value = 0.5 * float(np.sum(seed[outs] ** 2))
    delta = np.zeros(n)
    for k in range(n_levels - 1, -1, -1):
        e = g[g_cut[k]:g_cut[k + 1]]
        units = by_level[bounds[k]:bounds[k + 1]]
        arriving = np.bincount(src[e], weights=w[e] * delta[dst[e]], minlength=n)[units]
        delta[units] = (arriving + seed[units]) * d[units]
    grad = o[src] * delta[dst]

    s_, o_, d_, dl_, inp = s.tolist(), o.tolist(), d.tolist(), delta.tolist(), is_input.tolist()
    out_nodes = {str(i): ({"value": o_[k], "delta": dl_[k]} if inp[k] else
                          {"net": s_[k], "value": o_[k], "derivative": d_[k], "delta": dl_[k]})
                 for k, i in enumerate(ids)}
    out_edges = [{"source": e["source"], "target": e["target"], "weight": wv, "grad": gv}
                 for e, wv, gv in zip(edges, w.tolist(), grad.tolist())]
    result = {"network": graph.get("graph", {}).get("name"), "objective": "E", "value": value,
              "nodes": out_nodes, "edges": out_edges,
              "biases": {str(i): dl_[k] for k, i in enumerate(ids) if not inp[k]},
              "params": {}, "inputs": {str(i): dl_[k] for k, i in enumerate(ids) if inp[k]}}
    with open(out_path, "w", encoding="utf-8") as fh:
        if compact:
            fh.write(json.dumps(result))
        else:
            json.dump(result, fh, indent=1)
