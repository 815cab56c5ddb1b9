#!/usr/bin/env python
"""Benchmark where-a-gradient-comes-from at scale: by length, the top paths, the focus view.

One run draws a layered network with ``rojas.generate`` (100,000 units, fan-in
10, 20 layers: about 1,000,000 edges and ~10^49 paths from a first-layer weight)
and, for the weight from the first input into the first unit, times

* the plain backward sweep it is compared with: ``rojas.engine.sweeps.backward``
  called as ``rojas.label`` calls it (δ at every node, one pass over the edges);
* ``rojas.by_length(lab, w)`` (sums and exact counts per length),
  ``rojas.top_paths(lab, w, k=20)``, the focus (selection and figure) and the
  explorer's focus page, in the library, after one labeling;
* the four commands end to end in a fresh process, as a user runs them (load,
  label, compute, write): ``rojas paths --by-length``, ``rojas paths --top 20``,
  ``rojas draw --focus``, ``rojas explore --focus`` — each must finish within a
  minute, and the page must stay under a few MB.

    python benchmarks/bench_paths.py            # 1M edges
    python benchmarks/bench_paths.py --quick    # 100k edges, well under a minute in all

Times are wall-clock seconds of one call (``time.perf_counter``); ratios are
against the plain backward sweep of the same network.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import rojas
from rojas.drawing.focus import focus_of
from rojas.drawing.focus_figure import save_focus
from rojas.engine import sweeps
from rojas.engine.labeling import _weights
from rojas.engine.snapshot import numbers_of
from rojas.explorer.focus_page import focus_page
from rojas.network.generate import generate_dict, sample_data

LIMIT_S = 60.0        # each command, end to end
PAGE_LIMIT_MB = 4.0   # the explorer's focus page


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def backward_sweep_time(net, lab, repeat=3):
    """The best of `repeat` plain backward sweeps (δ everywhere), as rojas.label runs it."""
    plan = lab.plan
    w, _, _, key = numbers_of(net, plan)
    _, _, w_bl, w_bs = _weights(plan, w, key)
    a = lab.arrays
    best = float("inf")
    for _ in range(repeat):
        t, _ = timed(lambda: sweeps.backward(plan, w_bl, w_bs, a["fprime"], a["seed"], a["partials"]))
        best = min(best, t)
    return best


def run_cli(args, timeout):
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "rojas", *args, "--quiet"], capture_output=True, text=True,
                          timeout=timeout)
    return time.perf_counter() - t, proc


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100k edges instead of 1M")
    ap.add_argument("--units", type=int, default=None, help="units (default 100,000; --quick 10,000)")
    ap.add_argument("--no-cli", action="store_true", help="time the library only")
    opts = ap.parse_args(argv)
    units = opts.units or (10_000 if opts.quick else 100_000)
    tmp = tempfile.mkdtemp(prefix="bench_paths_")
    net_path, data_path = os.path.join(tmp, "net.json"), os.path.join(tmp, "data.json")
    t, data = timed(lambda: generate_dict("layered", units=units, fan_in=10, depth=20, primitives=["tanh", "sigmoid"],
                                          seed=0))
    with open(net_path, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    net = rojas.load(net_path)
    with open(data_path, "w", encoding="utf-8") as fh:
        json.dump(sample_data(net, 0), fh)
    x, tg = rojas.load_data(data_path)
    print(f"network: {len(net.nodes):,} nodes, {len(net.edges):,} edges, {max(net.levels()) + 1} generations "
          f"(drawn in {t:.1f} s); files in {tmp}")
    t_label, lab = timed(lambda: rojas.label(net, x, tg))
    u, v = net.edges[0]
    w = f"{u}->{v}"
    base = backward_sweep_time(net, lab)
    print(f"label {t_label:.2f} s; plain backward sweep {base:.3f} s (the unit of the ratios below)\n")

    rows = []
    t, table = timed(lambda: rojas.by_length(lab, w))
    rows.append(("by_length (library)", t, f"{table.paths:.3e} paths over {len(table.rows())} lengths; "
                                          f"sum − gradient = {table.total - table.gradient:.2g}"))
    t, top = timed(lambda: rojas.top_paths(lab, w, k=20))
    rows.append(("top_paths k=20 (library)", t, f"best share {100 * top.shares()[0]:.3g}%"))
    png = os.path.join(tmp, "focus.png")
    t, focus = timed(lambda: focus_of(lab, w))
    t2, _ = timed(lambda: save_focus(focus, png))
    rows.append(("focus: select + figure (library)", t + t2, f"{focus.mode}: {len(focus.paths)} paths, "
                                                               f"{len(focus.nodes)} units"))
    html = os.path.join(tmp, "focus.html")
    t, _ = timed(lambda: focus_page(lab, w, html))
    rows.append(("focus page (library)", t, f"{os.path.getsize(html) / 1e6:.3f} MB"))

    print(f"{'library call':<34} {'seconds':>8} {'× sweep':>9}  note")
    for name, t, note in rows:
        print(f"{name:<34} {t:>8.2f} {t / base:>9.0f}  {note}")
    ok = True
    if not opts.no_cli:
        print(f"\n{'command, end to end':<34} {'seconds':>8} {'× sweep':>9}  {'≤ 60 s':>7}  note")
        page = os.path.join(tmp, "cli.html")
        cmds = [("paths --by-length", ["paths", net_path, "--data", data_path, "--from", w, "--by-length"]),
                ("paths --top 20", ["paths", net_path, "--data", data_path, "--from", w, "--top", "20"]),
                ("draw --focus", ["draw", net_path, "--data", data_path, "--focus", w, "-o",
                                  os.path.join(tmp, "cli.png")]),
                ("explore --focus", ["explore", net_path, "--data", data_path, "--focus", w, "-o", page])]
        for name, args in cmds:
            t, proc = run_cli(args, timeout=10 * LIMIT_S)
            good = proc.returncode == 0 and t <= LIMIT_S
            note = proc.stderr.strip().splitlines()[-1][:60] if proc.returncode else ""
            if name.startswith("explore") and proc.returncode == 0:
                mb = os.path.getsize(page) / 1e6
                note = f"page {mb:.3f} MB"
                good = good and mb <= PAGE_LIMIT_MB
            ok = ok and good
            print(f"{name:<34} {t:>8.2f} {t / base:>9.0f}  {'PASS' if good else 'MISS':>7}  {note}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
