"""The scripts in examples/ run, print what examples/README.md says, and their claims hold.

Each script asserts its own numbers against hand computations or published
values; here they are run in-process (fast) and a few printed facts are
checked against values derived independently (reference.py, calculus).
"""

import json
import math
import os
import runpy
import subprocess
import sys

import pytest

import rojas
import rojas.cli

import reference as R

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")


def run(script, *argv, monkeypatch, capsys):
    path = os.path.join(EXAMPLES, script)
    monkeypatch.setattr(sys, "argv", [path, *argv])
    runpy.run_path(path, run_name="__main__")
    return capsys.readouterr().out


SCRIPTS = ("perceptron_sign_slip.py", "chain.py", "mazur_2_2_2.py", "one_epoch_2_2_1.py",
           "xor_train.py", "nonlayered.py", "from_networkx.py")


def test_every_example_has_a_readme_section():
    readme = open(os.path.join(EXAMPLES, "README.md"), encoding="utf-8").read()
    for script in SCRIPTS:
        assert os.path.exists(os.path.join(EXAMPLES, script))
        assert f"## {script}" in readme, script


def test_perceptron_sign_slip(monkeypatch, capsys):
    out = run("perceptron_sign_slip.py", monkeypatch=monkeypatch, capsys=capsys)
    assert "DISAGREE" in out and "primitive 'sigma'" in out and "(it climbs)" in out
    # C = (1/2N)Σ(ŷ − y)² with the right logistic, by hand from the data file
    data = json.load(open(os.path.join(EXAMPLES, "perceptron.data.json")))
    x1, x2, y = data["inputs"]["x1"], data["inputs"]["x2"], data["targets"]["y"]
    cost = sum((1 / (1 + math.exp(-(0.3 * a - 0.2 * b + 0.1))) - t) ** 2
               for a, b, t in zip(x1, x2, y)) / (2 * len(y))
    assert f"C = E/N = {cost:.9f}" in out


def test_perceptron_sign_slip_is_caught_by_the_cli(capsys):
    slip = os.path.join(EXAMPLES, "perceptron_sign_slip.json")
    fixed = os.path.join(EXAMPLES, "perceptron_fixed.json")
    data = os.path.join(EXAMPLES, "perceptron.data.json")
    assert rojas.cli.main(["check", slip, "--data", data]) == 1
    out = capsys.readouterr().out
    # what examples/README.md shows
    assert "DISAGREE: 11 of 11 gradients disagree, 1 primitive(s) claim a wrong derivative." in out
    assert "primitive 'sigma' (from the network file: f = 1/(1+exp(s)), df = sigma(s)*(1-sigma(s)))" in out
    assert "nodes using it: y" in out and "w1 (x1->y)" in out
    # σ(s) = 1/(1+e^s) has σ' = −σ(1−σ): the claim is off by exactly its sign, relative error 2
    report = rojas.check(rojas.load(slip), *rojas.load_data(data))
    for e in report.entries:
        assert e.numerical == pytest.approx(-e.backward, rel=1e-6)
    assert rojas.cli.main(["check", fixed, "--data", data, "--method", "both"]) == 0


def test_chain(monkeypatch, capsys):
    out = run("chain.py", monkeypatch=monkeypatch, capsys=capsys)
    assert "dL/dw1 by the backward sweep" in out


def test_mazur_2_2_2(monkeypatch, capsys):
    out = run("mazur_2_2_2.py", monkeypatch=monkeypatch, capsys=capsys)
    assert "= 0.000438568" in out and "w5: 0.40 → 0.358916480" in out


def test_one_epoch_2_2_1(monkeypatch, capsys):
    out = run("one_epoch_2_2_1.py", monkeypatch=monkeypatch, capsys=capsys)
    for step in ("1. Weights", "2. Forward sweep", "3. Backward sweep", "4. Gradient", "5. New weights"):
        assert step in out
    # Independently: rebuild the network from the printed weights and run the reference.
    import networkx as nx
    import numpy as np

    w = {}
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("w_") and " = " in line:
            name, value = line.split(" = ")
            w[name[2:]] = float(value)
    assert len(w) == 6
    G = nx.DiGraph()
    for n in ("X1", "X2"):
        G.add_node(n, fn="input")
    for n in ("H1", "H2"):
        G.add_node(n, fn="identity")
    G.add_node("Y", fn="sigmoid")
    for key, value in w.items():
        u, v = key[:2], key[2:]
        G.add_edge(u, v, weight=value)
    x, t = {"X1": 8.0, "X2": -4.0}, {"Y": 1.0}
    fd = R.finite_differences(G, x, t)
    # the printed new weights are w − 0.5·∂E/∂w (printed values are rounded to 10 decimals)
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("w_") and " → " in line:
            name, rest = line.split(": ")
            old, new = (float(v) for v in rest.split(" → "))
            key = name[2:]
            expected = w[key] - 0.5 * fd["weight"][(key[:2], key[2:])]
            assert new == pytest.approx(expected, abs=1e-9)
    assert "OK: all 11 gradients agree" in out
    assert np.isfinite(R.objective(G, x, t))


def test_xor_train(monkeypatch, capsys, tmp_path):
    out = run("xor_train.py", "--out", str(tmp_path), monkeypatch=monkeypatch, capsys=capsys)
    assert "\nsolved\n" in out
    png = tmp_path / "xor_loss_seed2.png"
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n" and f"wrote the loss curve to {png}" in out
    trained = rojas.load(tmp_path / "xor_trained_seed2.json")
    x, t = rojas.load_data(rojas.example_path("xor", "data"))
    for k in range(4):
        _, o = R.forward(trained.to_networkx(), {"x1": x["x1"][k], "x2": x["x2"][k]})
        assert round(o["y"]) == t["y"][k]


def test_xor_untrained_file_is_the_seed_2_start():
    from rojas.learning.training import initialize

    start = initialize(rojas.load(rojas.example_path("xor")), seed=2, std=1.0, biases=True)
    saved = rojas.load(os.path.join(EXAMPLES, "xor_untrained.json"))
    for u, v in start.edges:
        assert saved.weight(u, v) == start.weight(u, v)
    assert rojas.load_data(os.path.join(EXAMPLES, "xor.data.json")) == \
        rojas.load_data(rojas.example_path("xor", "data"))


def test_nonlayered(monkeypatch, capsys):
    out = run("nonlayered.py", monkeypatch=monkeypatch, capsys=capsys)
    assert "1. backward sweep" in out and "3. complex step" in out and "OK: all 14" in out


def test_from_networkx(monkeypatch, capsys):
    out = run("from_networkx.py", monkeypatch=monkeypatch, capsys=capsys)
    assert "steepest weight" in out


def test_demo_sections(tmp_path, capsys):
    from rojas.cli.demo import check_section as check_demo
    from rojas.cli.demo import training_section as train_demo

    check_demo(str(tmp_path))
    out = capsys.readouterr().out
    for name in ("mazur", "skip_product", "xor"):
        assert f"-- gradient check of {name}: rojas check" in out
    assert out.count("OK: all") >= 3
    assert "the perceptron with a sign slip in σ" in out and out.count("DISAGREE") == 1 and "primitive 'sigma'" in out

    train_demo(str(tmp_path))
    out = capsys.readouterr().out
    png = os.path.join(str(tmp_path), "xor_loss.png")
    assert f"wrote the XOR loss curve to {png}" in out
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    trained = rojas.load(os.path.join(str(tmp_path), "xor_trained.json"))
    x, t = rojas.load_data(rojas.example_path("xor", "data"))
    assert R.objective(trained.to_networkx(), x, t) < 0.01


@pytest.mark.parametrize("script", sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py")))
def test_every_script_runs_on_its_own(script, tmp_path):
    """Every example runs from any directory and exits 0 (each asserts its own numbers)."""
    argv = [str(tmp_path / "figures")] if script == "make_figures.py" else []
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, script), *argv], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    if script == "make_figures.py":
        written = os.listdir(tmp_path / "figures")
        assert {"mazur_sweeps.png", "mazur_paths_w1.png", "mazur_sweeps.gif"} <= set(written)
