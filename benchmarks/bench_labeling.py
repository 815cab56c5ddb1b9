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
* a plain NumPy sweep (``_baselines.PlainSweep``), independent of rojas: per topological
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

import networkx as nx
import numpy as np

import rojas
import rojas.engine.sweeps as rl
from _baselines import PlainSweep
from _dags import build_network, parse_size, random_dag
from _timing import LineTimer, best_of, fmt_mem, fmt_time, peak_memory, rel_diff
from rojas.engine.plan import plan_of
from rojas.engine.snapshot import numbers_of

# The targets (issue 10, "Scale end to end"; the whole public call is timed by bench_end_to_end).
TARGET_EDGES = 1_000_000
TARGET_RATIO_B1 = 1.0      # rojas / plain at 1M edges, batch 1
TARGET_RATIO_BATCH = 0.6   # rojas / plain at 1M edges, batch 256
TARGET_BWD_FWD = 3.0       # backward / forward

# The source of the labeling code this process runs (for the per-line profile,
# which must not read a file edited after the import).
with open(rl.__file__, encoding="utf-8") as _fh:
    LABELING_SOURCE = _fh.read()
LABELING_MTIME = os.path.getmtime(rl.__file__)


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
    timer = LineTimer(rl.__file__, LABELING_SOURCE)
    timer.run(lambda: rojas.label(net, inputs, targets))
    return ("  cProfile (sorted by own time):\n" + "\n".join("  " + l for l in keep.rstrip().splitlines())
            + "\n\n  per line of rojas/sweeps.py (inclusive of calls into other files):\n"
            + timer.report())


# --------------------------------------------------------------------------- report
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
