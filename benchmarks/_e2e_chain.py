"""bench_end_to_end's third table: every command on a long tanh chain, a process each."""

import json
import os
import sys

from _e2e_common import mark, run_process
from _timing import fmt_mem, fmt_time
from bench_load import write_chain

TARGET_CHAIN_SECONDS = 60.0


def chain_ok(r):
    """Under the target, and either done (exit 0/1) or refused in one line (exit 2)."""
    refused = r["rc"] == 2 and len(r["stderr"].strip().splitlines()) == 1
    return r["wall"] < TARGET_CHAIN_SECONDS and (r["rc"] in (0, 1) or refused)


def chain_commands(n, tmp, timeout):
    net_path, data_path = os.path.join(tmp, "chain.json"), os.path.join(tmp, "chain.data.json")
    write_chain(net_path, n)
    with open(data_path, "w", encoding="utf-8") as fh:
        json.dump({"inputs": {"x": 0.5}, "targets": {f"n{n - 1}": 0.2}}, fh)
    first = "x->n0"
    py = [sys.executable, "-m", "rojas"]
    d = ["--data", data_path]
    cmds = [
        ("grad --json", py + ["grad", net_path, *d, "--json"]),
        (f"paths --from {first} --count", py + ["paths", net_path, *d, "--from", first, "--count"]),
        ("check", py + ["check", net_path, *d]),
        ("draw -o x.png", py + ["draw", net_path, *d, "-o", os.path.join(tmp, "x.png")]),
        (f"prove --wrt {first}", py + ["prove", net_path, *d, "--wrt", first]),
        ("train --epochs 1 -o t.json", py + ["train", net_path, *d, "--lr", "0.1", "--epochs", "1",
                                             "-o", os.path.join(tmp, "t.json")]),
        ("explore -o x.html", py + ["explore", net_path, *d, "-o", os.path.join(tmp, "x.html")]),
    ]
    rows = []
    for name, cmd in cmds:
        r = run_process(cmd, os.path.join(tmp, "stdout.txt"), timeout)
        with open(os.path.join(tmp, "stdout.txt"), encoding="utf-8", errors="replace") as fh:
            out = fh.read(20000)
        r.update(name=name, load=os.getloadavg()[0], stdout=out, out_bytes=os.path.getsize(
            os.path.join(tmp, "stdout.txt")))
        if name.startswith("draw") and os.path.exists(os.path.join(tmp, "x.png")):
            try:
                from PIL import Image
                with Image.open(os.path.join(tmp, "x.png")) as im:
                    r["extra"] = f"{im.size[0]}×{im.size[1]} px" + (
                        " (over 4000 px a side)" if max(im.size) > 4000 else "")
            except Exception as exc:  # noqa: BLE001 (the size is a detail of the report)
                r["extra"] = f"png ({exc.__class__.__name__})"
        rows.append(r)
        print(f"  [chain] {name}: {fmt_time(r['wall'])}, exit {r['rc']}", flush=True)
    return rows


def first_line(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return lines[-1][:160] if lines else ""


def print_chain(n, rows, timeout):
    print(f"\n### 3. Every command on a {n:,}-node tanh chain (a process each, timeout {timeout:g} s)\n")
    print(f"| command | wall | peak RSS | exit | < {TARGET_CHAIN_SECONDS:.0f} s | load avg | note |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ok = chain_ok(r)
        note = r.get("extra", "")
        if r["rc"] != 0:
            note = (note + " " if note else "") + f"stderr: {first_line(r['stderr'])}"
        elif r["name"].startswith("paths"):
            note = f"stdout: {first_line(r['stdout'])}"
        elif r["name"].startswith("check"):
            note = f"stdout: {first_line(r['stdout'])}"
        note = note.replace("|", "\\|")
        refused = " (refused)" if ok and r["rc"] == 2 else ""
        print(f"| `{r['name']}` | {fmt_time(r['wall'])} | {fmt_mem(r['rss'])} | {r['rc']} "
              f"| {mark(ok)}{refused} | {r['load']:.1f} | {note} |")
