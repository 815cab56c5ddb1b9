#!/usr/bin/env python
"""rojas end to end: from the file to the last byte of output, against a plain pipeline.

One run prints three tables (issue 10, item 7 and its targets):

1. **End to end** on bench_labeling's random layered DAG (16 inputs, 4
   outputs, sigmoid units; 10k, 100k, 1M edges, written as NET.json and
   DATA.json to a temporary directory): time and peak memory of
   ``rojas.load``, the plan compile (the first ``rojas.label``), a warm
   ``rojas.label``, ``Labeling.write_json`` to a file, ``Labeling.to_dict()``
   (in-process; memory is tracemalloc's peak), then
   ``python -m rojas grad NET.json --data DATA.json --json > out.json`` as a
   process against the **plain pipeline** (``_baselines.plain_pipeline``), also as a process
   (``json.load`` → NumPy arrays → topological levels by Kahn's frontiers →
   forward and backward level sweeps → ``json.dump`` of the same fields:
   value, every node's net/value/derivative/delta, every edge's
   weight/grad, bias and input gradients; written with ``indent=1`` as rojas
   writes it, and once more in one compact ``json.dumps``, json's C encoder,
   the fastest plain writer).  A process's peak memory is its
   maximum RSS (``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper).
2. **The public API sweep** at batch 1 and 256 on the random DAG and on
   bench_labeling's wide "skip" DAG (256 inputs, 10 outputs, 30% skip edges):
   rojas = building the inputs/targets dicts from the arrays, ``rojas.label``,
   ``gradients()`` and ``input_grad``; plain = bench_labeling's ``PlainSweep``.
3. **Every command on a 100,000-node tanh chain** (x → n0 → … → n99999) as a
   process with ``timeout 300``: wall time, peak RSS, exit status and the
   first line of stderr when it refuses or fails.

    python benchmarks/bench_end_to_end.py                 # 10k, 100k, 1M edges (15–25 min)
    python benchmarks/bench_end_to_end.py --quick         # 10k only, chain of 10,000
    python benchmarks/bench_end_to_end.py --sizes 100k --chain 20000
"""

import argparse
import gc
import json
import os
import sys
import tempfile
import time

import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, ROOT)

import rojas  # noqa: E402
from _baselines import PlainSweep, plain_pipeline  # noqa: E402
from _dags import build_network, parse_size, random_dag  # noqa: E402
from _e2e_chain import TARGET_CHAIN_SECONDS, chain_commands, chain_ok, print_chain  # noqa: E402
from _e2e_common import TIMEOUT, load_average, mark, run_process, timed, traced  # noqa: E402
from _timing import fmt_mem, fmt_time  # noqa: E402
from bench_load import write_dag  # noqa: E402

TARGET_GRAD_RATIO = 3.0        # rojas grad --json / plain pipeline at 1M edges
TARGET_GRAD_PEAK = 2 * 2**30   # bytes
TARGET_API_B1 = 1.0
TARGET_API_BATCH = 0.6


# --------------------------------------------------------------------------- 1. end to end
def write_data(path, dag, seed=1):
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-1.0, 1.0, len(dag["inputs"]))
    ts = rng.uniform(0.0, 1.0, len(dag["outputs"]))
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"inputs": {str(int(i)): float(v) for i, v in zip(dag["inputs"], xs)},
                   "targets": {str(int(i)): float(v) for i, v in zip(dag["outputs"], ts)}}, fh)
    return ({int(i): float(v) for i, v in zip(dag["inputs"], xs)},
            {int(i): float(v) for i, v in zip(dag["outputs"], ts)})


def compare_outputs(rojas_out, plain_out):
    """max relative difference of every edge gradient and node delta between the two JSON files."""
    with open(rojas_out, encoding="utf-8") as fh:
        r = json.load(fh)
    with open(plain_out, encoding="utf-8") as fh:
        p = json.load(fh)
    gr = np.array([e["grad"] for e in r["edges"]])
    gp = np.array([e["grad"] for e in p["edges"]])
    dr = np.array([r["nodes"][k]["delta"] for k in p["nodes"]])
    dp = np.array([v["delta"] for v in p["nodes"].values()])
    return max(float(np.max(np.abs(gr - gp))) / (float(np.max(np.abs(gp))) or 1.0),
               float(np.max(np.abs(dr - dp))) / (float(np.max(np.abs(dp))) or 1.0),
               abs(r["value"] - p["value"]) / max(abs(p["value"]), 1e-300))


def end_to_end(size, tmp, seed, compare):
    dag = random_dag(size, n_inputs=16, n_outputs=4, seed=(seed, size))
    net_path, data_path = os.path.join(tmp, "NET.json"), os.path.join(tmp, "DATA.json")
    write_dag(net_path, dag)
    inputs, targets = write_data(data_path, dag)
    row = dict(size=size, nodes=dag["n_nodes"], edges=len(dag["src"]),
               mb=os.path.getsize(net_path) / 2**20, load_before=os.getloadavg()[0])
    del dag
    gc.collect()

    row["load"], row["load_mem"], _ = traced(lambda: rojas.load(net_path))
    row["load_t"], net = timed(lambda: rojas.load(net_path))       # untraced time
    row["compile"], _ = timed(lambda: rojas.label(net, inputs, targets))
    _, row["compile_mem"], _ = traced(lambda: rojas.label(rojas.load(net_path), inputs, targets)) \
        if size <= 100_000 else (None, None, None)
    row["label"] = min(timed(lambda: rojas.label(net, inputs, targets))[0] for _ in range(3))
    _, row["label_mem"], lab = traced(lambda: rojas.label(net, inputs, targets))
    lab_path = os.path.join(tmp, "lab.json")

    def write():
        with open(lab_path, "w", encoding="utf-8") as fh:
            lab.write_json(fh)
    row["write"], _ = timed(write)
    _, row["write_mem"], _ = traced(write)
    row["to_dict"], _ = timed(lab.to_dict)
    _, row["to_dict_mem"], _ = traced(lab.to_dict)
    lab = net = None  # (the closures above read them; release the memory)
    gc.collect()

    rojas_out, plain_out = os.path.join(tmp, "out.json"), os.path.join(tmp, "plain.json")
    row["grad"] = run_process([sys.executable, "-m", "rojas", "grad", net_path, "--data", data_path,
                               "--json"], rojas_out)
    row["plain"] = run_process([sys.executable, os.path.abspath(__file__), "--plain-pipeline",
                                net_path, data_path, plain_out], os.devnull)
    row["plain_c"] = run_process([sys.executable, os.path.abspath(__file__), "--plain-pipeline-compact",
                                  net_path, data_path, os.path.join(tmp, "plain_c.json")], os.devnull)
    row["diff"] = compare_outputs(rojas_out, plain_out) if compare and row["grad"]["rc"] == 0 \
        and row["plain"]["rc"] == 0 else None
    row["out_mb"] = os.path.getsize(rojas_out) / 2**20
    row["plain_mb"] = os.path.getsize(plain_out) / 2**20
    row["load_after"] = os.getloadavg()[0]
    for p in (rojas_out, plain_out, os.path.join(tmp, "plain_c.json"), lab_path, net_path, data_path):
        os.remove(p)
    return row


def print_end_to_end(rows):
    print("\n### 1. End to end: random DAG (16 inputs, 4 outputs), library steps in-process\n")
    print("| edges | nodes | file | `rojas.load` | compile (1st label) | warm label | `write_json` "
          "| `to_dict()` | load avg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['edges']:,} | {r['nodes']:,} | {r['mb']:.1f} MB "
              f"| {fmt_time(r['load_t'])} / {fmt_mem(r['load_mem'])} "
              f"| {fmt_time(r['compile'])} / {fmt_mem(r['compile_mem'])} "
              f"| {fmt_time(r['label'])} / {fmt_mem(r['label_mem'])} "
              f"| {fmt_time(r['write'])} / {fmt_mem(r['write_mem'])} "
              f"| {fmt_time(r['to_dict'])} / {fmt_mem(r['to_dict_mem'])} "
              f"| {r['load_before']:.1f}→{r['load_after']:.1f} |")
    print("\n(time / tracemalloc peak of one call; compile's peak includes a fresh load, measured "
          "only up to 100k edges)\n")
    print("| edges | `rojas grad --json` | peak RSS | plain pipeline | peak RSS | time ratio | RSS ratio "
          "| plain, C encoder | ratio to it | output MB (rojas / plain) | max rel diff |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        g, p = r["grad"], r["plain"]
        ok = g["rc"] == 0 and p["rc"] == 0
        ratio = g["wall"] / p["wall"] if ok else None
        rss = g["rss"] / p["rss"]
        status = "" if g["rc"] == 0 else f" (exit {g['rc']})"
        diff = "—" if r["diff"] is None else f"{r['diff']:.1e}"
        print(f"| {r['edges']:,} | {fmt_time(g['wall'])}{status} | {fmt_mem(g['rss'])} "
              f"| {fmt_time(p['wall'])} | {fmt_mem(p['rss'])} "
              f"| {'—' if ratio is None else f'{ratio:.2f}×'} | {rss:.2f}× "
              f"| {fmt_time(r['plain_c']['wall'])} / {fmt_mem(r['plain_c']['rss'])} "
              f"| {g['wall'] / r['plain_c']['wall']:.2f}× "
              f"| {r['out_mb']:.1f} / {r['plain_mb']:.1f} | {diff} |")
        r["ratio"] = ratio


# --------------------------------------------------------------------------- 2. the public API
def api_case(net, dag, plain, batch, repeat):
    rng = np.random.default_rng(1)
    shape = () if batch == 1 else (batch,)
    xs = rng.uniform(-1.0, 1.0, (len(dag["inputs"]),) + shape)
    ts = rng.uniform(0.0, 1.0, (len(dag["outputs"]),) + shape)
    in_ids, out_ids = dag["inputs"].tolist(), dag["outputs"].tolist()
    x = np.zeros((dag["n_nodes"],) + shape)
    x[dag["inputs"]] = xs

    def public():
        # data preparation from the arrays, the sweeps, the gradients and the input gradients
        inputs = dict(zip(in_ids, xs.tolist() if batch == 1 else list(xs)))
        targets = dict(zip(out_ids, ts.tolist() if batch == 1 else list(ts)))
        lab = rojas.label(net, inputs, targets)
        return lab.gradients(), lab.input_grad

    rojas.label(net, {i: (0.0 if batch == 1 else np.zeros(batch)) for i in in_ids},
                {i: (0.0 if batch == 1 else np.zeros(batch)) for i in out_ids})   # compile the plan
    best_r = best_p = float("inf")
    for _ in range(repeat):       # interleaved, so that the machine's load hits both alike
        gc.collect()
        t0 = time.perf_counter()
        public()
        best_r = min(best_r, time.perf_counter() - t0)
        gc.collect()
        t0 = time.perf_counter()
        with np.errstate(over="ignore"):
            plain.label(x, ts)
        best_p = min(best_p, time.perf_counter() - t0)
    grads, _ = public()
    _, grad_p, _ = plain.label(x, ts)
    diff = float(np.max(np.abs(grads["weights"] - grad_p))) / (float(np.max(np.abs(grad_p))) or 1.0)
    return dict(batch=batch, rojas=best_r, plain=best_p, ratio=best_r / best_p, diff=diff)


def api_sweeps(sizes, batches, repeat, seed):
    rows = []
    kinds = [("random", dict(n_inputs=16, n_outputs=4)), ("skip", dict(n_inputs=256, n_outputs=10))]
    for size in sizes:
        for kind, shape in kinds:
            dag = random_dag(size, seed=(seed, size), **shape)
            net = rojas.Network(build_network(dag))
            plain = PlainSweep(dag)
            for batch in batches:
                r = api_case(net, dag, plain, batch, repeat)
                r.update(kind=kind, edges=len(dag["src"]), nodes=dag["n_nodes"], load=os.getloadavg()[0])
                rows.append(r)
                print(f"  [api] {kind} {r['edges']:,} edges, batch {batch}: rojas {fmt_time(r['rojas'])}, "
                      f"plain {fmt_time(r['plain'])}", flush=True)
            del net, plain, dag
            gc.collect()
    return rows


def print_api(rows):
    print("\n### 2. Public API sweep against the plain NumPy sweep (best of the rounds)\n")
    print("| DAG | edges | batch | rojas (dicts + label + gradients() + input_grad) | plain sweep "
          "| ratio | target | max rel diff ∂E/∂w | load avg |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        target = TARGET_API_B1 if r["batch"] == 1 else TARGET_API_BATCH
        r["target"] = target
        print(f"| {r['kind']} | {r['edges']:,} | {r['batch']} | {fmt_time(r['rojas'])} "
              f"| {fmt_time(r['plain'])} | {r['ratio']:.2f}× | ≤ {target}× {mark(r['ratio'] <= target)} "
              f"| {r['diff']:.1e} | {r['load']:.1f} |")


# --------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", help="comma-separated edge counts (default 10k,100k,1M)")
    ap.add_argument("--quick", action="store_true", help="10k edges only, a chain of 10,000")
    ap.add_argument("--batch", default="1,256", help="batch sizes of the API sweep (default 1,256)")
    ap.add_argument("--chain", type=parse_size, help="chain length (default 100k; 10k with --quick; 0: none)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the API sweep (best of)")
    ap.add_argument("--no-compare", action="store_true", help="skip comparing the two JSON outputs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=TIMEOUT,
                    help=f"seconds before a chain command is stopped (default {TIMEOUT})")
    ap.add_argument("--plain-pipeline", nargs=3, metavar=("NET", "DATA", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--plain-pipeline-compact", nargs=3, metavar=("NET", "DATA", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.plain_pipeline:
        plain_pipeline(*args.plain_pipeline)
        return
    if args.plain_pipeline_compact:
        plain_pipeline(*args.plain_pipeline_compact, compact=True)
        return
    sizes = ([parse_size(s) for s in args.sizes.split(",")] if args.sizes
             else [10_000] if args.quick else [10_000, 100_000, 1_000_000])
    chain = args.chain if args.chain is not None else (10_000 if args.quick else 100_000)
    batches = [int(b) for b in args.batch.split(",")]

    import networkx as nx
    print(f"rojas {rojas.__version__}, numpy {np.__version__}, networkx {nx.__version__}, "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {load_average()} at the start; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rojas-bench-") as tmp:
        e2e = []
        for size in sizes:
            e2e.append(end_to_end(size, tmp, args.seed, not args.no_compare))
            print(f"  [e2e] {size:,}: grad {fmt_time(e2e[-1]['grad']['wall'])}, "
                  f"plain {fmt_time(e2e[-1]['plain']['wall'])} ({time.perf_counter() - t_start:.0f} s)",
                  flush=True)
        print_end_to_end(e2e)
        sys.stdout.flush()
        chain_rows = chain_commands(chain, tmp, args.timeout) if chain else []
        if chain_rows:
            print_chain(chain, chain_rows, args.timeout)
        sys.stdout.flush()
        api = api_sweeps(sizes, batches, args.repeat, args.seed)
        print_api(api)

    print("\n### Targets\n")
    for r in e2e:
        if r["edges"] >= 900_000:
            g = r["grad"]
            ok_t = r["ratio"] is not None and r["ratio"] <= TARGET_GRAD_RATIO
            ratio = "—" if r["ratio"] is None else f"{r['ratio']:.2f}×"
            print(f"- [{mark(ok_t)}] `rojas grad --json` at {r['edges']:,} edges ≤ {TARGET_GRAD_RATIO:g}× "
                  f"the plain pipeline: {ratio}; {g['wall'] / r['plain_c']['wall']:.2f}× the compact one "
                  f"({fmt_time(g['wall'])} vs {fmt_time(r['plain']['wall'])})")
            print(f"- [{mark(g['rss'] <= TARGET_GRAD_PEAK)}] its peak ≤ 2 GB: {fmt_mem(g['rss'])}")
    if not any(r["edges"] >= 900_000 for r in e2e):
        print("- grad at 1M edges: not measured (run without --quick)")
    for r in api:
        if r["edges"] >= 900_000:
            print(f"- [{mark(r['ratio'] <= r['target'])}] API {r['kind']} batch {r['batch']} ≤ {r['target']}×: "
                  f"{r['ratio']:.2f}×")
    for r in chain_rows:
        ok = chain_ok(r)
        print(f"- [{mark(ok)}] chain {chain:,}: `{r['name']}` < {TARGET_CHAIN_SECONDS:.0f} s: "
              f"{fmt_time(r['wall'])} (exit {r['rc']})")
    for r in chain_rows:
        if "extra" in r and "px" in r["extra"]:
            big = "over 4000" in r["extra"]
            print(f"- [{mark(not big)}] chain {chain:,}: `{r['name']}` at most 4000 px a side (item 5): "
                  f"{r['extra']}")
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s; {load_average()} at the end")


if __name__ == "__main__":
    main()
