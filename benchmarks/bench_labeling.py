#!/usr/bin/env python
"""Benchmark rojas's labeling against a plain NumPy level-by-level sweep.

One run builds random layered DAGs with skip connections (a few hundred
inputs, sigmoid units summing their inputs, several outputs), turns each into a
``rojas.Network`` and, for every size and batch, times

* ``rojas.label(net, inputs, targets)`` -- forward sweep, backward sweep and
  weight gradients -- after one warm-up call, so the compiled plan is cached;
* rojas's forward sweep alone (``rojas.engine.sweeps.forward`` called the way
  ``label`` calls it), its δ sweep alone (``sweeps.backward``) and its weight
  gradients alone (``sweeps.edge_gradients``);
* a plain NumPy sweep written here, independent of rojas: per topological
  level gather ``o[src]·w``, scatter-add into the targets (``np.bincount``),
  sigmoid, store the derivative; backward the same over the out-edges grouped
  by the source's level; weight gradients ``o[src]·δ[dst]``.  For a batch
  every level works on ``(edges, B)`` arrays, in chunks, summed with one
  flattened ``bincount`` (or ``np.add.at`` with ``--plain-scatter add.at``).

It checks that rojas's gradients (every ∂E/∂w and δ) agree with the plain
sweep's, prints a table with the issue's targets marked PASS/MISS, and with
``--profile`` shows where rojas's time goes (cProfile and per-line times of
``rojas/sweeps.py``) at the largest size.

    python benchmarks/bench_labeling.py             # 10k, 100k, 1M edges; batch 1 and 256
    python benchmarks/bench_labeling.py --quick     # 10k, 100k edges, well under 30 s
    python benchmarks/bench_labeling.py --sizes 1M --batch 256 --profile

Times are the best of N calls (``time.perf_counter``).  Peak memory is the
peak of memory allocated through Python's and NumPy's allocators during one
call, as ``tracemalloc`` traces it (measured on a separate, untimed call).
"""

import argparse
import cProfile
import gc
import io
import itertools
import os
import pstats
import sys
import time
import tracemalloc
from collections import defaultdict

import networkx as nx
import numpy as np

import rojas
import rojas.engine.sweeps as rl
from rojas.engine.plan import plan_of
from rojas.engine.snapshot import numbers_of

# The targets (issue 10, "Scale end to end"; the whole public call is timed by bench_end_to_end).
TARGET_EDGES = 1_000_000
TARGET_RATIO_B1 = 1.0      # rojas / plain at 1M edges, batch 1
TARGET_RATIO_BATCH = 0.6   # rojas / plain at 1M edges, batch 256
TARGET_BWD_FWD = 3.0       # backward / forward

CHUNK = 1 << 22            # numbers per temporary in the plain batched sweep

# The source of the labeling code this process runs (for the per-line profile,
# which must not read a file edited after the import).
with open(rl.__file__, encoding="utf-8") as _fh:
    LABELING_SOURCE = _fh.read()
LABELING_MTIME = os.path.getmtime(rl.__file__)


# --------------------------------------------------------------------------- the networks
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


# --------------------------------------------------------------------------- measuring
def best_of(fns, repeat, budget):
    """Best time of each of `fns` ({name: callable}) over interleaved rounds.

    Every round calls each function once, so that a load on the machine from
    elsewhere hits them alike; at least `repeat` rounds, more while the rounds
    have taken less than `budget` seconds (at most 50).  The garbage collector
    is off while timing.  Returns ({name: best seconds}, {name: first result}).
    """
    best = {name: float("inf") for name in fns}
    first = {}
    gc.collect()
    gc.disable()
    try:
        start, rounds = time.perf_counter(), 0
        while rounds < repeat or (time.perf_counter() - start < budget and rounds < 50):
            for name, fn in fns.items():
                t0 = time.perf_counter()
                result = fn()
                best[name] = min(best[name], time.perf_counter() - t0)
                if name not in first:
                    first[name] = result
                del result
            rounds += 1
    finally:
        gc.enable()
    return best, first


def peak_memory(fn):
    """Peak bytes allocated during fn() beyond what was allocated before (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    del result
    return peak


def rel_diff(a, b):
    """max |a − b| / max |b|."""
    scale = float(np.max(np.abs(b))) or 1.0
    return float(np.max(np.abs(a - b))) / scale


class LineTimer:
    """Per-line wall time of the functions of one file (sys.settrace; inclusive of callees elsewhere)."""

    def __init__(self, filename):
        self.filename = os.path.realpath(filename)
        self.time = defaultdict(float)
        self.hits = defaultdict(int)
        self.last = {}
        self.mine = {}

    def _global(self, frame, event, arg):
        name = frame.f_code.co_filename
        if name not in self.mine:
            self.mine[name] = os.path.realpath(name) == self.filename
        return self._local if self.mine[name] else None

    def _local(self, frame, event, arg):
        now = time.perf_counter()
        key = id(frame)
        prev = self.last.pop(key, None)
        if prev is not None:
            func, lineno, start = prev
            self.time[(func, lineno)] += now - start
            self.hits[(func, lineno)] += 1
        if event in ("line", "call"):
            self.last[key] = (frame.f_code.co_name, frame.f_lineno, time.perf_counter())
        return self._local

    def run(self, fn):
        sys.settrace(self._global)
        try:
            return fn()
        finally:
            sys.settrace(None)

    def report(self, top=25):
        lines = LABELING_SOURCE.splitlines()
        per_line, hits = self.time, self.hits
        total = sum(t for (f, _), t in per_line.items() if f == "label")
        out = [f"    {'time':>9} {'%label':>7} {'hits':>6}  line  function: source"]
        for (func, lineno), t in sorted(per_line.items(), key=lambda kv: -kv[1])[:top]:
            src = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
            pct = f"{100 * t / total:6.1f}%" if total else ""
            out.append(f"    {t * 1e3:8.1f}ms {pct:>7} {hits[(func, lineno)]:6d}  {lineno:4d}  "
                       f"{func}: {src[:90]}")
        return "\n".join(out)


# --------------------------------------------------------------------------- one case
def make_data(dag, batch, seed=1):
    rng = np.random.default_rng(seed)
    shape = () if batch is None else (batch,)
    xs = rng.uniform(-1.0, 1.0, (len(dag["inputs"]),) + shape)
    ts = rng.uniform(0.0, 1.0, (len(dag["outputs"]),) + shape)
    inputs = {int(n): (float(v) if batch is None else v) for n, v in zip(dag["inputs"], xs)}
    targets = {int(n): (float(v) if batch is None else v) for n, v in zip(dag["outputs"], ts)}
    x = np.zeros((dag["n_nodes"],) + shape)
    x[dag["inputs"]] = xs
    return inputs, targets, x, ts


def rojas_pieces(net, inputs, targets):
    """The arrays label() hands to sweeps.forward / backward / edge_gradients, built as it builds them."""
    x_map, t_map, batch, _ = rojas.prepare(net, inputs, targets)
    plan = plan_of(net)
    w, b, _, key = numbers_of(net, plan)
    ws = [plan.ordered(w, part, key) for part in (plan.forward.linear, plan.forward.scaled,
                                                   plan.backward.linear, plan.backward.scaled)]
    shape = (plan.n_nodes,) if batch is None else (plan.n_nodes, batch)
    x = np.zeros(shape)
    for node, value in x_map.items():
        x[plan.pos[node]] = value
    b_plan = b[plan.node_file]
    with np.errstate(all="ignore"):
        s, o, d, partials = rl.forward(plan, ws[0], ws[1], b_plan, x)
    outs = np.array([plan.pos[n] for n in t_map], dtype=np.intp)
    seed = np.zeros(shape)
    seed[outs] = o[outs] - np.array([t_map[n] for n in t_map])
    return plan, ws, b_plan, x, o, d, partials, seed


def run_case(net, dag, plain, batch, repeat, budget, profile_out=None):
    B = None if batch == 1 else batch
    inputs, targets, x_plain, targets_plain = make_data(dag, B)

    # Warm-up (compiles and caches the plan on the first call for this network).
    t0 = time.perf_counter()
    lab = rojas.label(net, inputs, targets)
    warm = time.perf_counter() - t0

    # rojas, the pieces, called as label() calls them.
    plan, ws, b_plan, x, o, d, partials, seed = rojas_pieces(net, inputs, targets)
    delta = rl.backward(plan, ws[2], ws[3], d, seed, partials)

    def fwd():
        with np.errstate(all="ignore"):
            return rl.forward(plan, ws[0], ws[1], b_plan, x)

    def plain_fwd():
        with np.errstate(over="ignore"):
            return plain.forward(x_plain)

    def dropped(fn):  # keep no result alive between calls
        return lambda: (fn(), None)[1]

    t, first = best_of({
        "label": lambda: rojas.label(net, inputs, targets),
        "fwd": dropped(fwd),
        "bwd": dropped(lambda: rl.backward(plan, ws[2], ws[3], d, seed, partials)),
        "grad": dropped(lambda: rl.edge_gradients(plan, o, delta, partials)),
        "plain": lambda: plain.label(x_plain, targets_plain),
        "plain_w": dropped(lambda: plain.label(x_plain, targets_plain, dag["w"])),
        "plain_fwd": dropped(plain_fwd),
    }, repeat, budget)
    del o, d, delta, seed, x, partials
    lab = first["label"]
    value_p, grad_p, delta_p = first["plain"]
    del first

    # Agreement: rojas's edge order is net.edges, its δ rows are in plan order.
    grad_r = lab._edge_grad
    node_of_row = np.array(plan.order, dtype=np.int64)
    delta_r = np.empty_like(lab.arrays["delta"])
    delta_r[node_of_row] = lab.arrays["delta"]
    diff = max(rel_diff(grad_r, grad_p), rel_diff(delta_r, delta_p),
               abs(lab.value - value_p) / max(abs(value_p), 1e-300))
    del lab, grad_r, delta_r, grad_p, delta_p

    # Peak memory, on separate untimed calls.
    mem_r = peak_memory(lambda: rojas.label(net, inputs, targets))
    mem_p = peak_memory(lambda: plain.label(x_plain, targets_plain))

    if profile_out is not None:
        profile_out.append((batch, profile_label(net, inputs, targets)))

    return dict(batch=batch, warm=warm, diff=diff, mem_r=mem_r, mem_p=mem_p, **t)


def profile_label(net, inputs, targets):
    """cProfile and per-line times of one rojas.label call."""
    prof = cProfile.Profile()
    prof.runcall(rojas.label, net, inputs, targets)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(14)
    text = buf.getvalue()
    keep = text[text.find("   ncalls"):] if "   ncalls" in text else text
    timer = LineTimer(rl.__file__)
    timer.run(lambda: rojas.label(net, inputs, targets))
    return ("  cProfile (sorted by own time):\n" + "\n".join("  " + l for l in keep.rstrip().splitlines())
            + "\n\n  per line of rojas/sweeps.py (inclusive of calls into other files):\n"
            + timer.report())


# --------------------------------------------------------------------------- report
def fmt_time(t):
    if t < 1e-3:
        return f"{t * 1e6:.0f}µs"
    if t < 1:
        return f"{t * 1e3:.1f}ms"
    return f"{t:.2f}s"


def fmt_mem(n):
    return f"{n / 2**20:.0f}MiB" if n >= 2**20 else f"{n / 2**10:.0f}KiB"


def mark(ok):
    return "PASS" if ok else "MISS"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only (10k, 100k edges)")
    ap.add_argument("--sizes", help="comma-separated edge counts, e.g. 10k,100k,1M")
    ap.add_argument("--batch", default="1,256", help="comma-separated batch sizes (default 1,256)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N calls (default 3)")
    ap.add_argument("--layers", type=int, default=20, help="hidden layers (default 20)")
    ap.add_argument("--inputs", type=int, default=256, help="input nodes (default 256)")
    ap.add_argument("--outputs", type=int, default=10, help="output nodes (default 10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--plain-scatter", choices=("bincount", "add.at"), default="bincount",
                    help="how the plain sweep sums a batch: one flattened bincount per chunk "
                         "(default) or np.add.at")
    ap.add_argument("--profile", action="store_true",
                    help="profile rojas.label at the largest size (cProfile + per-line times)")
    args = ap.parse_args(argv)

    if args.sizes:
        sizes = [parse_size(s) for s in args.sizes.split(",")]
    elif args.quick:
        sizes = [10_000, 100_000]
    else:
        sizes = [10_000, 100_000, 1_000_000]
    batches = [int(b) for b in args.batch.split(",")]

    print(f"rojas {rojas.__version__}, numpy {np.__version__}, networkx {nx.__version__}, "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"DAGs: {args.inputs} inputs, {args.layers} hidden sigmoid layers (~70% of in-edges from the "
          f"previous layer, ~30% skip edges from random earlier layers), {args.outputs} outputs; "
          f"sum combine; E = ½Σ(o−t)².")
    print(f"Times: best of {args.repeat}+ calls.  Plain batched scatter: {args.plain_scatter}.  "
          "Memory: tracemalloc peak during one call.\n")

    rows, setups, profiles = [], [], []
    t_start = time.perf_counter()
    for i, n_edges in enumerate(sizes):
        t0 = time.perf_counter()
        dag = random_dag(n_edges, n_inputs=args.inputs, n_outputs=args.outputs,
                         layers=args.layers, seed=(args.seed, n_edges))
        t1 = time.perf_counter()
        G = build_network(dag)
        t2 = time.perf_counter()
        net = rojas.Network(G)
        del G
        t3 = time.perf_counter()
        # Edge order check: rojas keeps the DiGraph's edge order, which is (src, dst) here.
        flat = np.fromiter(itertools.chain.from_iterable(net._edges), dtype=np.int64,
                           count=2 * len(net._edges))
        assert np.array_equal(flat[0::2], dag["src"]) and np.array_equal(flat[1::2], dag["dst"])
        t4 = time.perf_counter()
        plain = PlainSweep(dag, scatter=args.plain_scatter)
        t_plain_prep = time.perf_counter() - t4
        t5 = time.perf_counter()
        plan_of(net)
        t_plan = time.perf_counter() - t5
        setup = dict(nodes=dag["n_nodes"], edges=len(dag["src"]), levels=plain.n_levels,
                     gen=t1 - t0, graph=t2 - t1, network=t3 - t2, plan=t_plan, plain_prep=t_plain_prep)
        setups.append(setup)
        print(f"[{time.perf_counter() - t_start:6.1f}s] {setup['nodes']:,} nodes, {setup['edges']:,} edges, "
              f"{setup['levels']} levels: DAG {fmt_time(setup['gen'])}, DiGraph {fmt_time(setup['graph'])}, "
              f"rojas.Network {fmt_time(setup['network'])}, rojas plan {fmt_time(t_plan)}, "
              f"plain schedule {fmt_time(t_plain_prep)}", flush=True)
        last = i == len(sizes) - 1
        for batch in batches:
            r = run_case(net, dag, plain, batch, args.repeat, 0.2 if args.quick else 1.0,
                         profiles if (args.profile and last) else None)
            r.update(nodes=setup["nodes"], edges=setup["edges"])
            rows.append(r)
            print(f"[{time.perf_counter() - t_start:6.1f}s]   batch {batch}: rojas {fmt_time(r['label'])}, "
                  f"plain {fmt_time(r['plain'])}", flush=True)
        del net, plain, dag
        gc.collect()

    # The table.
    head = (f"{'edges':>9} {'nodes':>8} {'B':>4} | {'rojas':>8} {'plain':>8} {'r/p':>6} {'r/p(w)':>6} | "
            f"{'fwd':>8} {'δ sweep':>8} {'∂E/∂w':>8} {'bwd/fwd':>7} {'δ/fwd':>6} {'plain b/f':>9} | "
            f"{'max rel diff':>12} | {'peak rojas':>10} {'peak plain':>10}")
    print("\n" + head)
    print("-" * len(head))
    for r in rows:
        r["bwd_fwd"] = (r["label"] - r["fwd"]) / r["fwd"]
        r["ratio"] = r["label"] / r["plain"]
        r["ratio_w"] = r["label"] / r["plain_w"]
        plain_bf = (r["plain"] - r["plain_fwd"]) / r["plain_fwd"]
        print(f"{r['edges']:>9,} {r['nodes']:>8,} {r['batch']:>4} | {fmt_time(r['label']):>8} "
              f"{fmt_time(r['plain']):>8} {r['ratio']:6.2f} {r['ratio_w']:6.2f} | {fmt_time(r['fwd']):>8} "
              f"{fmt_time(r['bwd']):>8} {fmt_time(r['grad']):>8} {r['bwd_fwd']:7.2f} "
              f"{r['bwd'] / r['fwd']:6.2f} {plain_bf:9.2f} | {r['diff']:12.1e} | "
              f"{fmt_mem(r['mem_r']):>10} {fmt_mem(r['mem_p']):>10}")
    print("""
  rojas   = rojas.label(net, inputs, targets) (forward + backward + ∂E/∂w), plan cached
  plain   = the plain NumPy level-by-level sweep written in this benchmark (same outputs), its
            weights stored in the order each sweep reads them (r/p = rojas / plain)
  r/p(w)  = rojas / the plain sweep taking the weights in edge order, permuted on every call as
            rojas does (w[forward order], w[backward order])
  fwd     = rojas.engine.sweeps.forward alone; δ sweep = sweeps.backward alone; ∂E/∂w = sweeps.edge_gradients alone
  bwd/fwd = (rojas − fwd) / fwd: everything label() does after the forward sweep, over the forward sweep
  δ/fwd   = δ sweep / fwd;  plain b/f = the same as bwd/fwd for the plain sweep
  max rel diff = max |rojas − plain| / max |plain| over ∂E/∂w, δ and E
  peak    = tracemalloc peak of one call above what was allocated before it""")

    # The targets.
    print("\nTargets (issue):")
    at_target = [r for r in rows if r["edges"] >= 0.9 * TARGET_EDGES]
    if not at_target:
        print(f"  rojas/plain at 1M edges: not measured (largest size {max(sizes):,} edges; "
              "run without --quick)")
    for r in at_target:
        if r["batch"] == 1:
            print(f"  [{mark(r['ratio'] <= TARGET_RATIO_B1)}] rojas/plain ≤ {TARGET_RATIO_B1} at "
                  f"{r['edges']:,} edges, batch 1: {r['ratio']:.2f} "
                  f"({fmt_time(r['label'])} vs {fmt_time(r['plain'])}; against the plain sweep "
                  f"that permutes its weights per call: {r['ratio_w']:.2f})")
        elif r["batch"] >= 256:
            print(f"  [{mark(r['ratio'] <= TARGET_RATIO_BATCH)}] rojas/plain ≤ {TARGET_RATIO_BATCH} at "
                  f"{r['edges']:,} edges, batch {r['batch']}: {r['ratio']:.2f} "
                  f"({fmt_time(r['label'])} vs {fmt_time(r['plain'])})")
    for r in rows:
        print(f"  [{mark(r['bwd_fwd'] <= TARGET_BWD_FWD)}] backward ≤ {TARGET_BWD_FWD:g}× forward at "
              f"{r['edges']:,} edges, batch {r['batch']}: {r['bwd_fwd']:.2f}× "
              f"(δ sweep alone {r['bwd'] / r['fwd']:.2f}×)")
    worst = max(r["diff"] for r in rows)
    print(f"  [{mark(worst < 1e-9)}] gradients agree with the plain sweep: max rel diff {worst:.1e}")

    if os.path.getmtime(rl.__file__) != LABELING_MTIME:
        print(f"\nnote: {rl.__file__} changed during the run; the numbers are for the version imported "
              "at the start")
    for batch, text in profiles:
        print(f"\nProfile of rojas.label at {rows[-1]['edges']:,} edges, batch {batch}:\n{text}")
    print(f"\ntotal {time.perf_counter() - t_start:.1f}s; process max RSS "
          f"{_maxrss() / 2**20:.0f}MiB")


def _maxrss():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    main()
