#!/usr/bin/env python
"""Benchmark ``rojas.load`` against ``json.load`` plus building the NumPy arrays by hand.

For each size the benchmark writes the random layered DAG of
``bench_labeling.random_dag`` (16 inputs, 4 outputs, sigmoid units, integer ids)
as a node-link JSON file, then times

* the baseline: ``json.load`` of the file, a dict from id to position, the
  source/target positions of every edge, the weights and the biases as NumPy
  arrays -- the least any loader must do;
* ``rojas.load`` of the same file (every check included);
* ``Network.graph`` the first time it is asked for (NetworkX built lazily),

and prints their times (best of ``--repeat``), the ratio rojas / baseline (the
issue's target: about 2 or less) and the peak memory of one untimed call as
``tracemalloc`` traces it.  A chain of ``--chain`` tanh units is loaded too.

    python benchmarks/bench_load.py                 # 10k, 100k, 1M edges
    python benchmarks/bench_load.py --sizes 10k,100k --repeat 1
"""

import argparse
import gc
import json
import os
import sys
import tempfile
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import rojas  # noqa: E402
from _dags import parse_size, random_dag  # noqa: E402

TARGET_RATIO = 2.0


def write_dag(path, dag):
    """The DAG as a node-link file (ids 0..N-1, plain weights and biases)."""
    n_in = len(dag["inputs"])
    nodes = [{"id": i, "fn": "input"} for i in range(n_in)]
    nodes += [{"id": i, "fn": "sigmoid", "bias": b} for i, b in enumerate(dag["b"][n_in:].tolist(), start=n_in)]
    edges = [{"source": u, "target": v, "weight": w}
             for u, v, w in zip(dag["src"].tolist(), dag["dst"].tolist(), dag["w"].tolist())]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"directed": True, "multigraph": False, "graph": {"name": "random DAG"},
                   "nodes": nodes, "edges": edges}, fh)


def write_chain(path, n):
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"n{i}", "fn": "tanh", "bias": 0.01} for i in range(n)]
    ids = ["x"] + [f"n{i}" for i in range(n)]
    edges = [{"source": a, "target": b, "weight": 0.9} for a, b in zip(ids, ids[1:])]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}, fh)


def baseline(path):
    """json.load and the arrays a sweep needs, with no checks at all."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    nodes, edges = data["nodes"], data["edges"]
    index = {d["id"]: i for i, d in enumerate(nodes)}
    src = np.fromiter(map(index.__getitem__, [e["source"] for e in edges]), dtype=np.intp, count=len(edges))
    dst = np.fromiter(map(index.__getitem__, [e["target"] for e in edges]), dtype=np.intp, count=len(edges))
    w = np.array([e["weight"] for e in edges], dtype=float)
    b = np.array([d.get("bias", 0.0) for d in nodes], dtype=float)
    return src, dst, w, b


def best_time(fn, repeat):
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peak_mb(fn):
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(label, path, repeat, memory=True):
    mb = os.path.getsize(path) / 2**20
    t_base = best_time(lambda: baseline(path), repeat)
    t_load = best_time(lambda: rojas.load(path), repeat)
    net = rojas.load(path)
    t0 = time.perf_counter()
    net.graph  # noqa: B018 (the lazy NetworkX graph, built now)
    t_graph = time.perf_counter() - t0
    m_base = peak_mb(lambda: baseline(path)) if memory else float("nan")
    m_load = peak_mb(lambda: rojas.load(path)) if memory else float("nan")
    ratio = t_load / t_base
    mark = "PASS" if ratio <= TARGET_RATIO else "MISS"
    print(f"| {label} | {len(net)} | {len(net.edges)} | {mb:.1f} | {t_base:.3f} | {t_load:.3f} | "
          f"{ratio:.2f} {mark} | {t_graph:.3f} | {m_base:.0f} | {m_load:.0f} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="edge counts (default 10k,100k,1M)")
    parser.add_argument("--chain", type=parse_size, default=100_000, help="chain length (0: none)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"| network | nodes | edges | file MB | json.load+arrays s | rojas.load s | ratio (target ≤ "
          f"{TARGET_RATIO}) | .graph s | peak MB base | peak MB rojas |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in [parse_size(s) for s in args.sizes.split(",")]:
            dag = random_dag(size, n_inputs=16, n_outputs=4, seed=(args.seed, size))
            path = os.path.join(tmp, f"dag{size}.json")
            write_dag(path, dag)
            del dag
            measure(f"random DAG {size:,}", path, args.repeat, not args.no_memory)
            os.remove(path)
        if args.chain:
            path = os.path.join(tmp, "chain.json")
            write_chain(path, args.chain)
            measure(f"chain {args.chain:,}", path, args.repeat, not args.no_memory)


if __name__ == "__main__":
    main()
