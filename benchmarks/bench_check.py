#!/usr/bin/env python
"""How long `rojas check` takes at scale, end to end (a process, reading the file).

Three networks, each written to a temporary directory as a network file and
a data file, then checked with ``python -m rojas check NET --data DATA``:

* the 1M-edge random DAG of ``bench_labeling.py`` (sigmoid units), right;
* the same DAG with 50 of its units switched to a file primitive ``badsig``
  whose claimed derivative is wrong (twice the true one): exit 1 naming it;
* a chain x → n0 → … → n(N−1) of N = 100,000 tanh units.

* ``rojas generate --units 100 --inputs 200000``: 200,000 inputs, each a
  gradient the directions move and the exact checks sample.

Targets (issue 10): the DAG in under 5 minutes, exit 0 right / exit 1 naming
the primitive; the chain well under 60 s; the 200,000 inputs in under 12 s of
CPU (it took 20 s when the directions stepped through the inputs in Python).
Times are one run each: wall clock, and the CPU time of the process.

    python benchmarks/bench_check.py              # all four
    python benchmarks/bench_check.py --quick      # 100k edges, a 10,000 chain, 20,000 inputs
    python benchmarks/bench_check.py --only chain
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from _dags import random_dag  # noqa: E402


def dag_files(tmp, n_edges, bad_units=0):
    dag = random_dag(n_edges)
    n_in = len(dag["inputs"])
    bad = set()
    if bad_units:
        rng = np.random.default_rng(1)
        hidden = np.setdiff1d(np.arange(n_in, dag["n_nodes"]), dag["outputs"])
        bad = set(rng.choice(hidden, size=bad_units, replace=False).tolist())
    nodes = [{"id": i, "fn": "input"} for i in range(n_in)]
    nodes += [{"id": i, "fn": "badsig" if i in bad else "sigmoid", "bias": b}
              for i, b in enumerate(dag["b"][n_in:].tolist(), start=n_in)]
    edges = [{"source": s, "target": d, "weight": w}
             for s, d, w in zip(dag["src"].tolist(), dag["dst"].tolist(), dag["w"].tolist())]
    graph = {"name": f"random DAG, {len(edges):,} edges" + (f", {bad_units} bad units" if bad else "")}
    if bad:
        graph["primitives"] = {"badsig": {"f": "sigmoid(s)", "df": "2*sigmoid(s)*(1-sigmoid(s))"}}
    net = os.path.join(tmp, f"dag{'_bad' if bad else ''}.json")
    with open(net, "w") as fh:
        json.dump({"directed": True, "multigraph": False, "graph": graph, "nodes": nodes, "edges": edges}, fh)
    data = os.path.join(tmp, "dag.data.json")
    with open(data, "w") as fh:
        json.dump({"inputs": {str(i): 0.3 for i in range(n_in)},
                   "targets": {str(o): 0.5 for o in dag["outputs"].tolist()}}, fh)
    return net, data, len(edges)


def chain_files(tmp, n):
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"n{i}", "fn": "tanh", "bias": 0.01} for i in range(n)]
    edges = [{"source": "x" if i == 0 else f"n{i - 1}", "target": f"n{i}", "weight": 1.0} for i in range(n)]
    net = os.path.join(tmp, "chain.json")
    with open(net, "w") as fh:
        json.dump({"directed": True, "multigraph": False, "graph": {"name": f"tanh chain of {n:,}"},
                   "nodes": nodes, "edges": edges}, fh)
    data = os.path.join(tmp, "chain.data.json")
    with open(data, "w") as fh:
        json.dump({"inputs": {"x": 0.5}, "targets": {f"n{n - 1}": 0.2}}, fh)
    return net, data


def inputs_files(tmp, n_inputs):
    """A layered network of 100 units over `n_inputs` inputs, and one sample, by ``rojas generate``."""
    net, data = os.path.join(tmp, "inputs.json"), os.path.join(tmp, "inputs.data.json")
    subprocess.run([sys.executable, "-m", "rojas", "generate", "--units", "100", "--inputs", str(n_inputs),
                    "--seed", "1", "-o", net, "--data-out", data, "--quiet"], check=True, capture_output=True,
                   cwd=os.path.dirname(HERE))
    return net, data


def _cpu():
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run(net, data, timeout):
    start, cpu = time.perf_counter(), _cpu()
    proc = subprocess.run([sys.executable, "-m", "rojas", "check", net, "--data", data, "--quiet"],
                          capture_output=True, text=True, timeout=timeout, cwd=os.path.dirname(HERE))
    run.cpu = _cpu() - cpu  # the child's CPU seconds, beside the wall clock
    return time.perf_counter() - start, proc


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100k edges and a 10,000 chain")
    ap.add_argument("--only", choices=("dag", "bad", "chain", "inputs"), action="append")
    args = ap.parse_args(argv)
    only = set(args.only or ("dag", "bad", "chain", "inputs"))
    n_edges, n_chain, n_inputs = (100_000, 10_000, 20_000) if args.quick else (1_000_000, 100_000, 200_000)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for key, bad in (("dag", 0), ("bad", 50)):
            if key in only:
                net, data, e = dag_files(tmp, n_edges, bad)
                seconds, proc = run(net, data, 900)
                verdict = proc.stdout.strip().splitlines()[-3:] if proc.stdout else proc.stderr.strip().splitlines()
                want = 1 if bad else 0
                named = "'badsig'" in proc.stdout if bad else True
                rows.append((f"DAG {e:,} edges" + (f", {bad} bad units" if bad else ""), seconds, run.cpu,
                             proc.returncode, "PASS" if proc.returncode == want and named and seconds < 300 else "MISS",
                             " | ".join(v[:160] for v in verdict)))
        if "chain" in only:
            net, data = chain_files(tmp, n_chain)
            seconds, proc = run(net, data, 900)
            verdict = proc.stdout.strip().splitlines()[-1:] if proc.stdout else proc.stderr.strip().splitlines()
            rows.append((f"tanh chain of {n_chain:,}", seconds, run.cpu, proc.returncode,
                         "PASS" if proc.returncode == 0 and seconds < 60 else "MISS", " | ".join(verdict)))
        if "inputs" in only:
            net, data = inputs_files(tmp, n_inputs)
            seconds, proc = run(net, data, 900)
            verdict = proc.stdout.strip().splitlines()[-1:] if proc.stdout else proc.stderr.strip().splitlines()
            rows.append((f"{n_inputs:,} inputs, 100 units", seconds, run.cpu, proc.returncode,
                         "PASS" if proc.returncode == 0 and run.cpu < 12 * n_inputs / 200_000 else "MISS",
                         " | ".join(v[:160] for v in verdict)))
    print(f"{'network':<34} {'seconds':>8} {'CPU s':>7}  exit  target  last lines")
    for name, seconds, cpu, code, target, verdict in rows:
        print(f"{name:<34} {seconds:8.1f} {cpu:7.1f}  {code:>4}  {target:<6}  {verdict}")


if __name__ == "__main__":
    main()
