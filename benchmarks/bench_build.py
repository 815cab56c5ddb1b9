#!/usr/bin/env python
"""What one ``Network.add_unit`` / ``Network.add_edge`` call costs, against plain baselines.

A network of 4 inputs and N tanh units, each unit fed by one input, is built
call by call (every call checked by the rules of ``rojas.network.rules``, one
row at a time), and timed per call beside

* a bare ``dict`` insert of the same key (the least a builder can do);
* ``nx.DiGraph.add_node`` / ``add_edge`` with the same attributes (a graph
  library's builder, no checks).

Each time is the best of ``--repeat`` builds, in microseconds per call; the
ratios are rojas / baseline.  The machine's load moves the microseconds, the
ratios much less: compare ratios across runs.

    python benchmarks/bench_build.py             # 20,000 units and edges, best of 5
    python benchmarks/bench_build.py -n 5000 --repeat 3
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import networkx as nx  # noqa: E402

import rojas  # noqa: E402

INPUTS = 4


def _names(n):
    return [f"x{i}" for i in range(INPUTS)], [f"h{j}" for j in range(n)]


def time_rojas(n):
    """Seconds per add_unit and per add_edge call."""
    xs, hs = _names(n)
    net = rojas.Network()
    for x in xs:
        net.add_input(x)
    start = time.perf_counter()
    for h in hs:
        net.add_unit(h, "tanh", bias=0.1)
    mid = time.perf_counter()
    for j, h in enumerate(hs):
        net.add_edge(xs[j % INPUTS], h, weight=0.5)
    end = time.perf_counter()
    return (mid - start) / n, (end - mid) / n


def time_networkx(n):
    xs, hs = _names(n)
    g = nx.DiGraph()
    g.add_nodes_from(xs, fn="input")
    start = time.perf_counter()
    for h in hs:
        g.add_node(h, fn="tanh", bias=0.1)
    mid = time.perf_counter()
    for j, h in enumerate(hs):
        g.add_edge(xs[j % INPUTS], h, weight=0.5)
    end = time.perf_counter()
    return (mid - start) / n, (end - mid) / n


def time_dict(n):
    xs, hs = _names(n)
    nodes, edges = {}, {}
    start = time.perf_counter()
    for h in hs:
        nodes[h] = 0.1
    mid = time.perf_counter()
    for j, h in enumerate(hs):
        edges[xs[j % INPUTS], h] = 0.5
    end = time.perf_counter()
    return (mid - start) / n, (end - mid) / n


def best(timer, n, repeat):
    runs = [timer(n) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=20_000, help="units and edges to add (default 20,000)")
    ap.add_argument("--repeat", type=int, default=5, help="builds; the best counts (default 5)")
    args = ap.parse_args(argv)
    ours = best(time_rojas, args.n, args.repeat)
    base = {"dict insert": best(time_dict, args.n, args.repeat),
            "nx.DiGraph": best(time_networkx, args.n, args.repeat)}
    print(f"{args.n:,} calls each, best of {args.repeat}; µs per call (rojas / baseline)")
    for k, what in enumerate(("add_unit", "add_edge")):
        cells = "  ".join(f"{name} {b[k] * 1e6:5.2f} µs (×{ours[k] / b[k]:.1f})" for name, b in base.items())
        print(f"  {what}: rojas {ours[k] * 1e6:6.2f} µs   {cells}")


if __name__ == "__main__":
    main()
