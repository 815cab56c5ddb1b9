"""bench_labeling's measuring: best of interleaved rounds, tracemalloc peaks, per-line times."""

import gc
import os
import sys
import time
import tracemalloc
from collections import defaultdict

import numpy as np


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

    def __init__(self, filename, source):
        self.filename = os.path.realpath(filename)
        self.source = source  # the text the process imported (the file may be edited during a run)
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
        lines = self.source.splitlines()
        per_line, hits = self.time, self.hits
        total = sum(t for (f, _), t in per_line.items() if f == "label")
        out = [f"    {'time':>9} {'%label':>7} {'hits':>6}  line  function: source"]
        for (func, lineno), t in sorted(per_line.items(), key=lambda kv: -kv[1])[:top]:
            src = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
            pct = f"{100 * t / total:6.1f}%" if total else ""
            out.append(f"    {t * 1e3:8.1f}ms {pct:>7} {hits[(func, lineno)]:6d}  {lineno:4d}  "
                       f"{func}: {src[:90]}")
        return "\n".join(out)


# One way to print a duration and a size in every benchmark's tables.
def fmt_time(t):
    if t is None:
        return "—"
    if t < 1e-3:
        return f"{t * 1e6:.0f} µs"
    if t < 1:
        return f"{t * 1e3:.1f} ms"
    return f"{t:.2f} s"


def fmt_mem(n):
    return "—" if n is None else (f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB")
