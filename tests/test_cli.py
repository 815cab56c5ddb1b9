"""The ``rojas`` command line on good input: JSON output, batches, --of, demo, help."""

import contextlib
import io
import json
import os
import re
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas.cli import main

MAZUR = rojas.example_path("mazur")
MAZUR_DATA = rojas.example_path("mazur", "data")
XOR = rojas.example_path("xor")

TOP_KEYS = {"network", "objective", "rule", "formula", "value", "nodes", "edges", "biases", "params", "inputs"}
INPUT_KEYS = {"value", "delta"}
UNIT_KEYS = {"net", "value", "derivative", "delta"}
EDGE_KEYS = {"source", "target", "name", "weight", "grad"}


def rojas_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "rojas", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


BATCH = ["--input", "x1=0,0,1,1", "--input", "x2=0,1,0,1", "--target", "y=0,1,1,0"]
COMMANDS = {  # every command the tests read, run once and side by side
    "mazur": ["grad", MAZUR, "--data", MAZUR_DATA, "--json"],
    "mazur table": ["grad", MAZUR, "--data", MAZUR_DATA],
    "xor batch": ["grad", XOR, *BATCH, "--json"],
    "xor data file": ["grad", XOR, "--data", rojas.example_path("xor", "data"), "--json"],
    "of o1": ["grad", MAZUR, "--input", "i1=0.05", "--input", "i2=0.1", "--of", "o1", "--json"],
    "reordered": ["grad", "{tmp}/reordered.json", "--input", "x1=1.5", "--input", "x2=0.7", "--of", "y", "--json"],
    "--help": ["--help"],
    "grad --help": ["grad", "--help"],
    "demo --help": ["demo", "--help"],
}

# A network whose file lists its edges in another order than NetworkX's adjacency.
REORDERED = {"directed": True, "multigraph": False, "graph": {"name": "reordered"},
             "nodes": [{"id": "x1", "fn": "input"}, {"id": "x2", "fn": "input"},
                       {"id": "h", "fn": "identity", "bias": 0.25}, {"id": "y", "fn": "identity", "bias": -1.0}],
             "edges": [{"source": "h", "target": "y", "weight": 0.5, "name": "c"},
                       {"source": "x2", "target": "h", "weight": -3.0, "name": "b"},
                       {"source": "x1", "target": "h", "weight": 2.0, "name": "a"}]}


def in_process(*args):
    """``rojas ARGS`` run by ``rojas.cli.main`` in this process: what a subprocess would print, a second sooner."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # --help
            status = exc.code
    return subprocess.CompletedProcess(args, status, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "reordered.json").write_text(json.dumps(REORDERED))
    ran = {key: in_process(*[str(a).replace("{tmp}", str(tmp)) for a in argv]) for key, argv in COMMANDS.items()}
    # ... and one of them as the real process, to hold main() to what `python -m rojas` prints
    assert rojas_cli(*COMMANDS["mazur table"]).stdout == ran["mazur table"].stdout
    return ran


@pytest.fixture(scope="module")
def as_json(runs):
    def parse(key):
        proc = runs[key]
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        return json.loads(proc.stdout)  # the whole of stdout is one JSON object
    return parse


def close(actual, published):
    """`actual` agrees with a published decimal to its last printed digit."""
    decimals = len(published.split(".")[1])
    return abs(actual - float(published)) <= 10.0 ** -decimals


def file_edges(path):
    with open(path) as fh:
        return [(e["source"], e["target"]) for e in json.load(fh)["edges"]]


@pytest.fixture(scope="module")
def mazur(as_json):
    return as_json("mazur")


# ---- the JSON object

@pytest.mark.slow
def test_json_layout(mazur):
    assert set(mazur) == TOP_KEYS
    assert mazur["objective"] == "E"
    assert (mazur["rule"], mazur["formula"]) == ("squared_error", "E = ½ Σ_k (o_k − t_k)²")
    assert mazur["network"] == rojas.load(MAZUR).name
    for name, labels in mazur["nodes"].items():
        assert set(labels) == (INPUT_KEYS if name in ("i1", "i2") else UNIT_KEYS), name
    assert list(mazur["nodes"]) == ["i1", "i2", "h1", "h2", "o1", "o2"]
    assert [(e["source"], e["target"]) for e in mazur["edges"]] == file_edges(MAZUR)
    for edge in mazur["edges"]:
        assert set(edge) == EDGE_KEYS
    assert set(mazur["biases"]) == {"h1", "h2", "o1", "o2"}
    assert mazur["params"] == {}
    assert set(mazur["inputs"]) == {"i1", "i2"}


@pytest.mark.slow
def test_json_is_consistent(mazur):
    nodes = mazur["nodes"]
    for e in mazur["edges"]:  # Rojas: ∂E/∂w_ij = o_i·δ_j
        assert e["grad"] == pytest.approx(nodes[e["source"]]["value"] * nodes[e["target"]]["delta"], rel=1e-12)
    for n, g in mazur["biases"].items():
        assert g == nodes[n]["delta"]
    for n, g in mazur["inputs"].items():
        assert g == nodes[n]["delta"]


# Matt Mazur, "A Step by Step Backpropagation Example" (2015): the published numbers.
FORWARD = [("h1", "net", "0.3775"), ("h1", "value", "0.593269992"), ("h2", "value", "0.596884378"),
           ("o1", "net", "1.105905967"), ("o1", "value", "0.75136507"), ("o2", "value", "0.772928465"),
           ("o1", "derivative", "0.186815602")]
GRADS = [("w5", "0.082167041"), ("w1", "0.000438568")]
UPDATED = [("w1", "0.149780716"), ("w2", "0.19956143"), ("w3", "0.24975114"), ("w4", "0.29950229"),
           ("w5", "0.35891648"), ("w6", "0.408666186"), ("w7", "0.511301270"), ("w8", "0.561370121")]


def test_mazur_error(mazur):
    assert close(mazur["value"], "0.298371109")


@pytest.mark.parametrize("node, label, published", FORWARD)
def test_mazur_forward(mazur, node, label, published):
    assert close(mazur["nodes"][node][label], published)


@pytest.mark.parametrize("name, published", GRADS)
def test_mazur_gradient(mazur, name, published):
    (edge,) = [e for e in mazur["edges"] if e["name"] == name]
    assert close(edge["grad"], published)


@pytest.mark.parametrize("name, published", UPDATED)
def test_mazur_update(mazur, name, published):
    (edge,) = [e for e in mazur["edges"] if e["name"] == name]
    assert close(edge["weight"] - 0.5 * edge["grad"], published)


def test_mazur_table(runs):
    proc = runs["mazur table"]
    assert proc.returncode == 0 and proc.stderr == ""
    assert "0.298371109" in proc.stdout
    assert not re.search(r"\b(inf|nan)\b", proc.stdout, re.I)


# ---- a batch is the sum of its samples

XOR_SAMPLES = [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]


def test_batch_is_sum_of_samples(as_json):
    out = as_json("xor batch")
    net = rojas.load(XOR)
    singles = [rojas.label(net, {"x1": a, "x2": b}, {"y": t}).to_dict() for a, b, t in XOR_SAMPLES]

    assert out["value"] == pytest.approx(sum(s["value"] for s in singles), rel=1e-12)
    for i, edge in enumerate(out["edges"]):
        assert edge["grad"] == pytest.approx(sum(s["edges"][i]["grad"] for s in singles), rel=1e-12, abs=1e-15)
    for n, g in out["biases"].items():
        assert g == pytest.approx(sum(s["biases"][n] for s in singles), rel=1e-12, abs=1e-15)
    for n, labels in out["nodes"].items():
        for key, values in labels.items():
            assert isinstance(values, list) and len(values) == 4, (n, key)
            assert values == pytest.approx([s["nodes"][n][key] for s in singles], rel=1e-12, abs=1e-15)
    for n, g in out["inputs"].items():
        assert isinstance(g, list) and len(g) == 4
        assert g == pytest.approx([s["inputs"][n] for s in singles], rel=1e-12, abs=1e-15)


def test_batch_from_data_file_matches_command_line(as_json):
    assert as_json("xor data file") == as_json("xor batch")


# ---- --of

def test_of_node(as_json):
    out = as_json("of o1")
    assert out["objective"] == "o1"
    assert close(out["value"], "0.75136507")
    h = 1e-6
    for edge in out["edges"]:  # against central differences of o1, each on a freshly loaded network
        values = []
        for step in (h, -h):
            net = rojas.load(MAZUR).set_weight(edge["source"], edge["target"], edge["weight"] + step)
            values.append(rojas.label(net, {"i1": 0.05, "i2": 0.1}, of="o1").value)
        assert edge["grad"] == pytest.approx((values[0] - values[1]) / (2 * h), abs=1e-9)
    assert {e["name"]: e["grad"] for e in out["edges"]}["w7"] == 0.0
    assert out["biases"]["o2"] == 0.0 and out["biases"]["o1"] == out["nodes"]["o1"]["derivative"]


# ---- edges keep the file's order

def test_edge_order_is_file_order(as_json):
    order = [(e["source"], e["target"]) for e in REORDERED["edges"]]
    assert list(nx.node_link_graph(REORDERED, edges="edges").edges) != order  # the point of the test
    out = as_json("reordered")
    assert [(e["source"], e["target"]) for e in out["edges"]] == order
    # y = c·(a·x1 + b·x2 + 0.25) - 1
    expected = {"c": (0.5, 1.15), "b": (-3.0, 0.5 * 0.7), "a": (2.0, 0.5 * 1.5)}
    for edge in out["edges"]:
        weight, grad = expected[edge["name"]]
        assert edge["weight"] == weight
        assert edge["grad"] == pytest.approx(grad, rel=1e-12)
    assert out["value"] == pytest.approx(0.5 * 1.15 - 1.0, rel=1e-12)
    assert out["inputs"] == pytest.approx({"x1": 1.0, "x2": -1.5}, rel=1e-12)
    assert out["biases"] == pytest.approx({"h": 0.5, "y": 1.0}, rel=1e-12)


# ---- demo and help

NUMBER = re.compile(r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:(?:[eE][-+]?|×10)[-⁻]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+)?")
_PLAIN = str.maketrans("−⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "--0123456789")


def number(text):
    """A number as rojas prints it (true minus, ×10⁻⁵) read back."""
    return float(text.translate(_PLAIN).replace("×10", "e"))


@pytest.mark.slow  # the demo draws, animates and proves every example: a minute on a quiet machine
def test_demo_prints_every_example(demo_run):
    proc, _ = demo_run
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    sections = re.split(r"^== ", proc.stdout, flags=re.M)[1:]
    names = [s.split(":", 1)[0] for s in sections]
    assert names == rojas.examples()
    for name, text in zip(names, sections):
        printed = [number(t) for t in NUMBER.findall(text)]
        lab = rojas.label(rojas.load(rojas.example_path(name)), *rojas.load_data(rojas.example_path(name, "data")))
        # totals with 9 significant digits, the samples of a batch with 4
        expected = [(x, 1e-8) for x in (lab.value, *lab.weight_grad.values(), *lab.bias_grad.values(),
                                        *lab.param_grad.values())]
        expected += [(float(g), 1e-3) for grads in lab.input_grad.values() for g in np.ravel(grads)]
        for x, rel in expected:
            assert any(abs(p - x) <= rel * max(1e-3, abs(x)) for p in printed), (name, x)
    assert "0.298371109" in sections[names.index("mazur")]


@pytest.mark.parametrize("key", ["--help", "grad --help", "demo --help"])
def test_help(runs, key):
    proc = runs[key]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: rojas")
    assert proc.stderr == ""


@pytest.mark.slow
def test_a_bundled_example_is_named_directly_with_its_data(tmp_path):
    # `rojas grad mazur` resolves the bundled example and its data file: Mazur's published gradients.
    res = rojas_cli("grad", "mazur", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    edges = {e["name"]: e["grad"] for e in json.loads(res.stdout)["edges"]}
    assert round(edges["w1"], 9) == 0.000438568 and round(edges["w5"], 9) == 0.082167041
    # A file of that name in the working directory wins over the bundled example.
    (tmp_path / "mazur").write_text("{}")
    res = rojas_cli("grad", "mazur", cwd=tmp_path)
    assert res.returncode == 2 and "mazur" in res.stderr


@pytest.mark.slow
def test_no_command_is_one_line_without_a_doubled_prefix():
    res = rojas_cli()
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("rojas: error: ")
    assert "rojas: error: rojas" not in res.stderr


@pytest.mark.slow
def test_demo_never_replaces_the_complete_proof_with_one_without_sympy(tmp_path, monkeypatch, capsys):
    from rojas.cli import demo

    monkeypatch.setattr(demo, "_have_sympy", lambda: False)
    demo.proof_section(str(tmp_path))
    out = capsys.readouterr().out
    assert sorted(os.listdir(tmp_path)) == ["proof_mazur_w1_without_sympy.md", "proof_mazur_w1_without_sympy.tex"]
    assert "symbolic section was skipped" in out


def test_demo_rounds_what_it_writes_to_the_digits_shown():
    from rojas.cli.demo import _rounded

    assert _rounded({"w": [0.1 + 0.2, -2.9004629508235715], "n": 3, "s": "x"}) == \
        {"w": [0.3, -2.90046295082], "n": 3, "s": "x"}


@pytest.mark.slow
def test_every_command_takes_a_bundled_example_and_never_rewrites_it(tmp_path):
    res = rojas_cli("explore", "mazur", "-o", tmp_path / "m.html")
    assert res.returncode == 0, res.stderr
    assert "0.00877135469" in (tmp_path / "m.html").read_text(encoding="utf-8")  # Mazur's δ of h1
    before = open(MAZUR, "rb").read()
    res = rojas_cli("train", "mazur", "--lr", "0.5", "--epochs", "1", "--in-place")
    assert res.returncode == 2 and "bundled example" in res.stderr and res.stderr.count("\n") == 1
    assert open(MAZUR, "rb").read() == before
