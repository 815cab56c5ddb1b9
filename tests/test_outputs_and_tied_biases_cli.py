"""Named outputs that feed other units and tied biases, through every command.

The network: h = tanh(a·x1 + b·x2 + c), g = σ(d·x1 + c), y = σ(e·h + f·g + b_y), with the
outputs h and y (h also feeds y) and one param c tied to the biases of h and g. The expected
numbers come from central differences of E written out below in plain NumPy.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import rojas

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NET = {"directed": True, "multigraph": False,
       "graph": {"name": "an output that feeds another unit, a tied bias", "params": {"c": 0.1},
                 "outputs": ["h", "y"]},
       "nodes": [{"id": "x1", "fn": "input"}, {"id": "x2", "fn": "input"},
                 {"id": "h", "fn": "tanh", "bias_param": "c"}, {"id": "g", "fn": "sigmoid", "bias_param": "c"},
                 {"id": "y", "fn": "sigmoid"}],
       "edges": [{"source": "x1", "target": "h", "weight": 0.5, "name": "a"},
                 {"source": "x2", "target": "h", "weight": -0.3, "name": "b"},
                 {"source": "x1", "target": "g", "weight": 0.8, "name": "d"},
                 {"source": "h", "target": "y", "weight": 1.2, "name": "e"},
                 {"source": "g", "target": "y", "weight": -0.7, "name": "f"}]}
DATA = {"inputs": {"x1": 0.5, "x2": -1.0}, "targets": {"h": 0.2, "y": 0.9}}
THETA = {"a": 0.5, "b": -0.3, "d": 0.8, "e": 1.2, "f": -0.7, "c": 0.1}


def error(t):
    """E = ½(h − 0.2)² + ½(y − 0.9)², by hand."""
    x1, x2 = 0.5, -1.0
    h = np.tanh(t["a"] * x1 + t["b"] * x2 + t["c"])
    g = 1 / (1 + np.exp(-(t["d"] * x1 + t["c"])))
    y = 1 / (1 + np.exp(-(t["e"] * h + t["f"] * g)))
    return 0.5 * (h - 0.2) ** 2 + 0.5 * (y - 0.9) ** 2


def central(name, step=1e-6):
    up, down = dict(THETA), dict(THETA)
    up[name] += step
    down[name] -= step
    return (error(up) - error(down)) / (2 * step)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "net.json").write_text(json.dumps(NET))
    (tmp_path / "data.json").write_text(json.dumps(DATA))
    return tmp_path


def rojas_cli(folder, *args):
    return subprocess.run([sys.executable, "-m", "rojas", *args], cwd=folder, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": ROOT})


@pytest.mark.slow
def test_grad_matches_central_differences(files):
    res = rojas_cli(files, "grad", "net.json", "--data", "data.json", "--json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["value"] == pytest.approx(error(THETA), abs=1e-15)
    for edge in out["edges"]:
        assert edge["grad"] == pytest.approx(central(edge["name"]), abs=1e-9), edge["name"]
    assert out["params"]["c"] == pytest.approx(central("c"), abs=1e-9)
    # Each occurrence of the tied bias has its own δ; the param's gradient is their sum.
    assert out["biases"]["h"] + out["biases"]["g"] == pytest.approx(out["params"]["c"], abs=1e-15)


@pytest.mark.slow
def test_check_prove_paths_claim_agree(files):
    assert rojas_cli(files, "check", "net.json", "--data", "data.json").returncode == 0
    res = rojas_cli(files, "prove", "net.json", "--data", "data.json", "--wrt", "c", "-o", "c.md")
    assert res.returncode == 0, res.stderr
    res = rojas_cli(files, "paths", "net.json", "--data", "data.json", "--from", "c", "--json")
    listing = json.loads(res.stdout)
    assert len(listing["paths"]) == 3  # h → E, h → y → E, g → y → E
    assert listing["sum"] == pytest.approx(central("c"), abs=1e-9)
    # An output's factor dE/dh is the local o_h − t_h; y depends on h too, and the claim must say so.
    right = "dE/da = dh/da * dE/dh + dh/da * dy/dh * dE/dy"
    assert rojas_cli(files, "claim", "net.json", "--data", "data.json", right).returncode == 0
    res = rojas_cli(files, "claim", "net.json", "--data", "data.json", "dE/da = dh/da * dE/dh")
    assert res.returncode == 1 and "missing path: a → h → y → E" in res.stdout
    tied = "dE/dc = dh/dc * dE/dh + dh/dc * dy/dh * dE/dy + dg/dc * dy/dg * dE/dy"
    assert rojas_cli(files, "claim", "net.json", "--data", "data.json", tied).returncode == 0


@pytest.mark.slow
def test_train_moves_the_param_by_its_summed_gradient(files):
    res = rojas_cli(files, "train", "net.json", "--data", "data.json", "--lr", "0.5", "--epochs", "1",
                    "-o", "out.json")
    assert res.returncode == 0, res.stderr
    trained = rojas.load(str(files / "out.json"))
    assert trained.params["c"] == pytest.approx(0.1 - 0.5 * central("c"), abs=1e-9)
    assert trained.weight("h", "y") == pytest.approx(1.2 - 0.5 * central("e"), abs=1e-9)
    assert trained.outputs == ("h", "y") or list(trained.outputs) == ["h", "y"]


@pytest.mark.slow
def test_draw_and_explore(files):
    assert rojas_cli(files, "draw", "net.json", "--data", "data.json", "-o", "x.svg").returncode == 0
    assert "0.1967" in (files / "x.svg").read_text(encoding="utf-8")  # the param's total gradient, once
    assert rojas_cli(files, "explore", "net.json", "--data", "data.json", "-o", "x.html").returncode == 0
