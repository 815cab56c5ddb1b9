"""What bench_end_to_end's parts share: a command run as a measured process, in-process timing, the
tables' formats."""

import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 300

# A fresh interpreter that runs one command and reports its wall time and peak RSS:
# RUSAGE_CHILDREN of this wrapper covers exactly that one child.
WRAPPER = r"""
import json, resource, subprocess, sys, time
timeout, out, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
t0 = time.perf_counter()
with open(out, "wb") as fh:
    try:
        p = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, timeout=timeout)
        rc, err = p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as exc:
        rc, err = "timeout", (exc.stderr or b"").decode("utf-8", "replace")
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"wall": wall, "rss": rss, "rc": rc, "stderr": err[-4000:]}))
"""


# --------------------------------------------------------------------------- measuring
def run_process(cmd, out_path, timeout=TIMEOUT):
    """Run `cmd` (stdout to out_path) in a fresh wrapper: {wall, rss, rc, stderr}."""
    p = subprocess.run([sys.executable, "-c", WRAPPER, str(timeout), out_path, *cmd],
                       capture_output=True, text=True, cwd=ROOT)
    return json.loads(p.stdout)


def timed(fn):
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def traced(fn):
    """(seconds, peak bytes above the start, result) of one call under tracemalloc."""
    gc.collect()
    tracemalloc.start()
    try:
        t0 = time.perf_counter()
        result = fn()
        t = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return t, peak, result


def mark(ok):
    return "PASS" if ok else "MISS"


def load_average():
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
