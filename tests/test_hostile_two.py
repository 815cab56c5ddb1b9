"""The hostile corpus, round two (issue 23): each family of the independent attack as a command line.

Same rules as :mod:`test_hostile` (whose helpers run every case): exit status,
one error line naming the culprit, no traceback, a time bound, and no file
changed that the command line did not ask for.  Files too large to keep are
written by the cases' setup functions.
"""

import json
import os
import re
import shutil
import subprocess

import pytest

from test_hostile import CORPUS, ERROR, OK, Case, _no_forged_lines, run_case

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

BASE = ["base.json", "--data", "base.data.json"]
DEAD_TEMP = ".out.json.99999999-0123456789ab.tmp.json"  # pid 99,999,999 is above any pid_max: never running


def _wide_cancelling(folder):
    """One sigmoid unit, 2,000 inputs whose terms (|w·x| up to 100) cancel to s ≈ 0."""
    import math
    import random

    rnd = random.Random(4)
    w = [round(rnd.uniform(-1, 1), 3) for _ in range(2000)]
    x = [round(rnd.uniform(50, 100), 2) for _ in range(2000)]
    bias = -math.fsum(a * b for a, b in zip(w, x))
    net = {"directed": True, "multigraph": False, "graph": {"name": "2,000 cancelling inputs"},
           "nodes": [{"id": f"x{i}", "fn": "input"} for i in range(2000)] + [{"id": "y", "fn": "sigmoid",
                                                                               "bias": bias}],
           "edges": [{"source": f"x{i}", "target": "y", "weight": w[i]} for i in range(2000)]}
    data = {"inputs": {f"x{i}": x[i] for i in range(2000)}, "targets": {"y": 0.3}}
    _write(folder, "wide.json", net)
    _write(folder, "wide.data.json", data)


def _ladder(folder, layers=2150):
    """x → (a_k, b_k) → … → y, every pair feeding the next: 2^2151 paths (648 digits)."""
    nodes, edges, prev = [{"id": "x", "fn": "input"}], [], ["x"]
    for k in range(layers):
        cur = [f"a{k}", f"b{k}"]
        nodes += [{"id": c, "fn": "identity"} for c in cur]
        edges += [{"source": p, "target": c, "weight": 0.5} for p in prev for c in cur]
        prev = cur
    nodes.append({"id": "y", "fn": "identity"})
    edges += [{"source": p, "target": "y", "weight": 0.5} for p in prev]
    _write(folder, "ladder.json", {"directed": True, "multigraph": False, "graph": {"name": "a ladder"},
                                   "nodes": nodes, "edges": edges})


def _wide_patterns(folder, n=4000, patterns=20):
    nodes = [{"id": f"x{i}", "fn": "input"} for i in range(n)] + [{"id": "y", "fn": "sigmoid"}]
    edges = [{"source": f"x{i}", "target": "y", "weight": 0.001} for i in range(n)]
    _write(folder, "wide.json", {"directed": True, "multigraph": False, "graph": {"name": "4,000 inputs"},
                                 "nodes": nodes, "edges": edges})
    _write(folder, "wide.data.json", {"inputs": {f"x{i}": [0.5] * patterns for i in range(n)},
                                      "targets": {"y": [0.3] * patterns}})


def _long_names(folder):
    with open(os.path.join(CORPUS, "base.json"), encoding="utf-8") as fh:
        net = json.load(fh)
    net["graph"]["name"] = "N" * 2_000_000
    net["edges"][0]["name"], net["edges"][2]["name"] = "a" * 3_000_000, "b" * 3_000_000
    _write(folder, "long.json", net)


def _write(folder, name, obj):
    with open(os.path.join(folder, name), "w", encoding="utf-8") as fh:
        json.dump(obj, fh)


def _html_network(folder):
    shutil.copy(os.path.join(folder, "base.json"), os.path.join(folder, "net.html"))


def _html_link(folder):
    _html_network(folder)
    os.symlink("net.html", os.path.join(folder, "page.html"))


def _stale_temporary(folder):
    with open(os.path.join(folder, DEAD_TEMP), "w") as fh:
        fh.write('{"directed": true, "nod')  # what a kill -9 in the middle of a write leaves


def _stale_removed(folder, result):
    assert not os.path.exists(os.path.join(folder, DEAD_TEMP)), "the kill -9 leftover is still there"
    assert json.load(open(os.path.join(folder, "out.json"), encoding="utf-8"))["edges"]


def _stdout_has(*patterns):
    def check(folder, result):
        for pattern in patterns:
            assert re.search(pattern, result.stdout), (pattern, result.stdout[-3000:])
    return check


def _quiet_terminal(folder, result):
    _no_forged_lines(folder, result)
    assert "\x07" not in result.stdout, "a BEL (the end of an OSC) reached the terminal"


def _stdout_is_data(folder, result):
    data = json.loads(result.stdout)  # nothing but the JSON document on standard output
    assert set(data) == {"inputs", "targets"}, sorted(data)
    assert "wrote" in result.stderr and "--data -" not in result.stderr + result.stdout


def _compiles(folder, result):
    tex = open(os.path.join(folder, "proof.tex"), encoding="utf-8").read()
    assert "[U+4E2D]" in tex, "中 should be written as its code point"
    if shutil.which("pdflatex") is None:
        pytest.skip("no pdflatex")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-output-directory",
                          os.path.join(folder, "tex"), "proof.tex"], cwd=folder, capture_output=True, timeout=60)
    assert run.returncode == 0, run.stdout[-2000:]


def _label_warning(folder, result):
    assert re.search(r"rojas: warning: a name or title of 3,000,000 characters is drawn as its first 99 .*"
                     r"ROJAS_MAX_LABEL_LENGTH", result.stderr), result.stderr[-1000:]


def _page_counts(folder, result):
    page = open(os.path.join(folder, "ladder.html"), encoding="utf-8").read()
    assert "(648 digits)" in page


CASES = [
    # ---- 1-5: a right gradient is never reported wrong
    Case("prove a tied edge listed out of adjacency order",
         ["prove", "tied_out_of_order.json", "--data", "tied_out_of_order.data.json", "--wrt", "a"], OK),
    Case("check --method complex, a tied bias on abs",
         ["check", "tied_bias_abs.json", "--data", "tied_bias_abs.data.json", "--method", "complex"], OK),
    Case("check sin at s = 300,000", ["check", "sin_far.json", "--data", "sin_far.data.json"], OK),
    Case("check --method complex, sin at s = 300,000",
         ["check", "sin_far.json", "--data", "sin_far.data.json", "--method", "complex"], OK),
    Case("check --method both, sin at s = 300,000",
         ["check", "sin_far.json", "--data", "sin_far.data.json", "--method", "both"], OK),
    Case("matrix on 2,000 cancelling inputs", ["matrix", "wide.json", "--data", "wide.data.json", "--quiet"], OK,
         setup=_wide_cancelling, check=_stdout_has(r"they agree to")),
    Case("prove with a path product overflowing on the way",
         ["prove", "path_overflow.json", "--data", "path_overflow.data.json", "--wrt", "w1", "--of", "z"], OK,
         check=_stdout_has(r"\| sum over paths \| 1e\+150 \|", r"\| tangent sweep \(forward mode\) \| 1e\+150 \|")),
    # ---- 6-7: explore never overwrites an input; a kill -9 leaves nothing for long
    Case("explore -o onto its network", ["explore", "net.html", "-o", "net.html"], ERROR,
         r"-o 'net\.html' would overwrite NET\.json", setup=_html_network),
    Case("explore -o onto its data (an .html)", ["explore", "base.json", "--data", "net.html", "-o", "net.html"],
         ERROR, r"would overwrite --data 'net\.html'", setup=_html_network),
    Case("explore -o through a link to its network", ["explore", "net.html", "-o", "page.html"], ERROR,
         r"-o 'page\.html' would overwrite NET\.json", setup=_html_link),
    Case("train -o after a kill -9 left a temporary", ["train", *BASE, "--lr", "0.5", "--epochs", "2", "-o",
                                                      "out.json"], OK,
         writes=("out.json", DEAD_TEMP), setup=_stale_temporary, check=_stale_removed),
    # ---- 8-12: no traceback
    Case("check, a plain number beside a batch", ["check", "base.json", "--data", "mixed_batch.data.json"], OK),
    Case("explore, o·∂s/∂t·δ overflowing left to right",
         ["explore", "product_term_overflow.json", "--data", "product_term_overflow.data.json", "--of", "z",
          "-o", "p.html"], OK, writes=("p.html",)),
    Case("a hexadecimal literal of 4,817 digits", ["grad", "prim_hex_bigint.json", "--data", "base.data.json"],
         ERROR, r"primitive 'm'.*an integer of 4817 digits"),
    Case("matrix, a constant df", ["matrix", "prim_constant_df.json", "--data", "base.data.json"], OK,
         check=_stdout_has(r"they agree")),
    Case("explore, more paths than Python prints",
         ["explore", "ladder.json", "-o", "ladder.html", "--max-nodes", "6000"], OK, writes=("ladder.html",),
         setup=_ladder, env={"PYTHONINTMAXSTRDIGITS": "640"}, check=_page_counts),
    # ---- 14-15: budgets hold
    Case("train online on 4,000 inputs × 20 patterns × 5,000 epochs",
         ["train", "wide.json", "--data", "wide.data.json", "--mode", "online", "--epochs", "5000", "--lr", "0.1",
          "-o", "t.json"], ERROR, r"reading its 4,000 inputs 100,000 times.*ROJAS_MAX_WORK", setup=_wide_patterns,
         timeout=30),
    Case("draw with 2 MB and 3 MB names", ["draw", "long.json", "--data", "base.data.json", "-o", "out.png"], OK,
         writes=("out.png",), setup=_long_names, timeout=60, memory_mb=3000, check=_label_warning),
    # ---- 16: names the reference syntax reads one way only
    Case("a node id with '->'", ["grad", "id_arrow.json", "--data", "base.data.json"], ERROR,
         r"node id 'a->b' reads as an edge 'u->v'"),
    Case("a node id 'b:h' beside a node h", ["grad", "id_prefix.json", "--data", "base.data.json"], ERROR,
         r"node id 'b:h' reads as the bias of node 'h'"),
    Case("an edge named 'h->y'", ["grad", "edge_name_arrow.json", "--data", "base.data.json"], ERROR,
         r"edge name 'h->y' reads as the edge 'h'->'y'"),
    Case("a param named 'b:h'", ["paths", "param_prefix.json", "--data", "base.data.json", "--from", "b:h"], ERROR,
         r"param 'b:h' reads as the bias of node 'h'"),
    # ---- 17: one escaping for every terminal writer
    Case("check, an OSC in an id and the name", ["check", "osc_id.json", "--data", "base.data.json"], OK,
         check=_quiet_terminal),
    Case("matrix, an OSC in an id and the name", ["matrix", "osc_id.json", "--data", "base.data.json"], OK,
         check=_quiet_terminal),
    Case("train --explain, an OSC in an id", ["train", "osc_id.json", "--data", "base.data.json", "--lr", "0.5",
                                             "--epochs", "1", "--explain", "-o", "t.json"], OK,
         writes=("t.json",), check=_quiet_terminal),
    Case("unfold's summary, an OSC in an id", ["unfold", "osc_rnn.json", "--data", "osc_seq.data.json",
                                              "-o", "u.json"], OK,
         writes=("u.json", "u.data.json"), check=_quiet_terminal),
    # ---- 18: streams and the rest
    Case("unfold --data-out -", ["unfold", "rnn.json", "--data", "seq.data.json", "-o", "u.json", "--data-out", "-"],
         OK, writes=("u.json",), check=_stdout_is_data),
    Case("unfold -o - --data-out -", ["unfold", "rnn.json", "--data", "seq.data.json", "-o", "-", "--data-out",
                                      "-"], ERROR, r"--data-out - and the network"),
    Case("prove --format tex, a non-ASCII id, through pdflatex",
         ["prove", "unicode_id.json", "--data", "base.data.json", "--wrt", "w2", "--format", "tex", "-o",
          "proof.tex"], OK, writes=("proof.tex",), setup=lambda folder: os.mkdir(os.path.join(folder, "tex")),
         check=_compiles),
    Case("'links' beside a different 'edges'", ["grad", "links_and_edges.json", "--data", "base.data.json"], ERROR,
         r"both 'edges' and 'links'"),
    Case("5,000 nested unary minuses", ["grad", "prim_unary_5000.json", "--data", "base.data.json"], ERROR,
         r"primitive 'm'.*5000 levels deep.*ROJAS_MAX_EXPRESSION_DEPTH"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_hostile_case(case, tmp_path):
    run_case(case, tmp_path)
