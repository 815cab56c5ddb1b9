"""`rojas train --explain` and train(explain=True): one step weight by weight.

Expected numbers: Matt Mazur's worked 2-2-2 example (2015) — his published new
weights and gradients — and tests/reference.py's central differences (written
without rojas) for product units and tied params; online steps by hand.
"""

import json
import os
import re

import numpy as np
import pytest

import rojas
import rojas.cli
from rojas.learning.training import train

import reference as R

MAZUR = rojas.example_path("mazur")
MAZUR_DATA = rojas.example_path("mazur", "data")
PUBLISHED = {"w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
             "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121}
OLD = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55}


def number(text):
    return float(text.replace("−", "-"))


def test_mazur_step_in_python():
    _, history = train(rojas.load(MAZUR), MAZUR_DATA, 0.5, 1, freeze="biases", explain=True)
    (step,) = history.steps
    assert step.epoch == 1 and step.pattern is None and step.rate == 0.5
    for name, new in PUBLISHED.items():
        row = step.row(name)
        assert row["old"] == OLD[name] and row["new"] == pytest.approx(new, abs=6e-9), name
        assert row["change"] == pytest.approx(-0.5 * row["grad"], rel=1e-12)
        assert row["grad"] == pytest.approx(row["o"] * row["delta"], rel=1e-12) and row["rule"] == "o_i·δ_j"
    assert round(step.row("w5")["grad"], 9) == 0.082167041   # Mazur: ∂E_total/∂w5
    assert round(step.row("w1")["grad"], 9) == 0.000438568   # Mazur: ∂E_total/∂w1
    assert round(step.row("w5")["o"], 9) == 0.593269992      # out_h1
    for n in ("h1", "h2", "o1", "o2"):
        bias = step.row(f"bias {n}")
        assert bias["frozen"] and bias["new"] == bias["old"] and bias["o"] == "1"
    assert round(step.loss_before, 9) == 0.298371109 and round(step.loss_after, 9) == 0.291027774
    labels = {e["node"]: e for e in step.nodes}
    assert round(labels["h1"]["s"], 9) == 0.3775 and round(labels["o1"]["o"], 9) == 0.75136507


def test_mazur_step_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "trained.json"
    code = rojas.cli.main(["train", MAZUR, "--data", MAZUR_DATA, "--lr", "0.5", "--epochs", "1",
                           "--freeze-biases", "--explain", "-o", str(out)])
    text = capsys.readouterr().out
    assert code == 0 and out.exists()
    rows = {}
    for line in text.splitlines():
        m = re.match(r"(w\d) \(\S+\)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+o_i·δ_j\s+(\S+)\s+(\S+)$", line)
        if m:
            rows[m.group(1)] = [number(v) for v in m.groups()[1:]]
    assert set(rows) == set(PUBLISHED)
    for name, new in PUBLISHED.items():
        old, o, delta, grad, change, shown_new = rows[name]
        assert old == OLD[name] and shown_new == pytest.approx(new, abs=6e-9)
    for published in ("0.358916480", "0.408666186", "0.511301270", "0.561370121", "0.149780716",
                      "0.082167041", "0.000438568"):
        assert published in text
    assert "E before 0.298371109, after 0.291027774" in text
    assert "for 1 epoch (batch" in text and "1 epochs" not in text
    assert "Forward sweep" in text and "Δw = −γ·∂E/∂w" in text


@pytest.mark.parametrize("suffix, marker", [(".md", "| w5 (h1->o1) | 0.400000000 |"),
                                            (".tex", r"\begin{tabular}")])
def test_explain_report_files(tmp_path, capsys, suffix, marker):
    report = tmp_path / f"step{suffix}"
    code = rojas.cli.main(["train", MAZUR, "--data", MAZUR_DATA, "--lr", "0.5", "--epochs", "1",
                           "--freeze-biases", "--explain", str(report), "-o", str(tmp_path / "t.json")])
    out = capsys.readouterr().out
    assert code == 0 and f"wrote the explained steps to {report}" in out
    text = report.read_text(encoding="utf-8")
    assert marker in text and "0.358916480" in text
    if suffix == ".tex":
        assert text.startswith(r"\documentclass") and text.rstrip().endswith(r"\end{document}")
        assert "w5 (h1->o1)" in text


def test_explain_refuses_an_unknown_report_format_before_training(tmp_path, capsys):
    out = tmp_path / "t.json"
    code = rojas.cli.main(["train", MAZUR, "--data", MAZUR_DATA, "--lr", "0.5", "--epochs", "1",
                           "--explain", str(tmp_path / "step.txt"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and ".md or .tex" in err and len(err.strip().splitlines()) == 1 and not out.exists()


def test_online_explain_is_one_step_per_pattern():
    """Two patterns: two steps, the second at the weights after the first (by hand)."""
    net = rojas.Network(name="line").add_input("x").add_unit("y", "tanh", bias=0.1)
    net.add_edge("x", "y", weight=0.5, name="w")
    xs, ts, lr = [1.0, -2.0], [0.3, 0.8], 0.2
    _, history = train(net, ({"x": xs}, {"y": ts}), lr, 1, mode="online", explain=True)
    assert [(s.epoch, s.pattern) for s in history.steps] == [(1, 0), (1, 1)]
    w, b = 0.5, 0.1
    for step, xk, tk in zip(history.steps, xs, ts):
        o = np.tanh(w * xk + b)
        delta = (o - tk) * (1 - o * o)
        row = step.row("w")
        assert row["old"] == pytest.approx(w, rel=1e-13) and row["o"] == xk
        assert row["delta"] == pytest.approx(delta, rel=1e-12) and row["grad"] == pytest.approx(xk * delta, rel=1e-12)
        assert step.loss_before == pytest.approx(0.5 * (o - tk) ** 2, rel=1e-12)
        w, b = w - lr * xk * delta, b - lr * delta
        assert row["new"] == pytest.approx(w, rel=1e-13)
        assert step.loss_after == pytest.approx(0.5 * (np.tanh(w * xk + b) - tk) ** 2, rel=1e-12)


def test_product_units_and_tied_params():
    """skip_product: a product unit's rows say δ_j·∂s_j/∂w_ij; the tied param is one row with the summed gradient."""
    net = rojas.load(rojas.example_path("skip_product"))
    x, t = rojas.load_data(rojas.example_path("skip_product", "data"))
    G = net.to_networkx()
    fd = R.finite_differences(G, x, t)
    _, history = train(net, (x, t), 0.3, 1, explain=True)
    (step,) = history.steps
    tied = {(u, v) for u, v in net.edges if net.edge_param(u, v) is not None}
    weight_rows = [r for r in step.rows if r["kind"] == "weight"]
    assert len(weight_rows) == len(net.edges) - len(tied)
    for r in weight_rows:
        u, v = r["name"].split(" (")[-1].rstrip(")").split("->") if " (" in r["name"] else r["name"].split("->")
        edge = next(e for e in net.edges if (str(e[0]), str(e[1])) == (u, v))
        assert r["grad"] == pytest.approx(fd["weight"][edge], rel=1e-6, abs=1e-9)
        product = net.combine(edge[1]) == "product"
        assert r["rule"] == ("δ_j·∂s_j/∂w_ij" if product else "o_i·δ_j")
        if not product:
            assert r["grad"] == pytest.approx(r["o"] * r["delta"], rel=1e-12)
    assert any(r["rule"] == "δ_j·∂s_j/∂w_ij" for r in weight_rows)
    (param,) = [r for r in step.rows if r["kind"] == "param"]
    assert param["name"] == "param t" and param["grad"] == pytest.approx(fd["param"]["t"], rel=1e-6)
    assert param["new"] == pytest.approx(param["old"] - 0.3 * fd["param"]["t"], abs=1e-8)


def test_explain_refuses_a_huge_table_before_training():
    net = rojas.Network().add_input("x")
    for k in range(300):
        net.add_unit(f"h{k}", "tanh").add_edge("x", f"h{k}", weight=0.1)
    with pytest.raises(rojas.RojasError, match=r"explain: 400 step\(s\).*limit of 200,000"):
        train(net, ({"x": 1.0}, {f"h{k}": 0.0 for k in range(300)}), 0.1, 400, explain=True)


# ----------------------------------------------------------------------------- exit codes of train
def lin_net(tmp_path):
    path = tmp_path / "lin.json"
    path.write_text(json.dumps({
        "directed": True, "multigraph": False, "graph": {"name": "linear"},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "identity"}],
        "edges": [{"source": "x", "target": "y", "weight": 0.5}]}))
    return str(path)


def test_a_loss_that_climbs_without_overflowing_is_a_divergence(tmp_path, capsys):
    """E = 7(w−1)² grows by (1 − 14γ)² per epoch: 1.75 → 1.75·1.44² … finite, but climbing without bound."""
    net = lin_net(tmp_path)
    out = tmp_path / "out.json"
    code = rojas.cli.main(["train", net, "--input", "x=1,2,3", "--target", "y=1,2,3", "--lr", "0.16",
                           "--epochs", "2000", "--freeze-biases", "-o", str(out), "--plot", str(tmp_path / "l.png")])
    err = capsys.readouterr().err
    assert code == 2 and "training diverged" in err and "the loss rose from 1.75" in err
    assert len(err.strip().splitlines()) == 1 and not out.exists() and not (tmp_path / "l.png").exists()
    # epoch k: 1.75·(1 − 14·0.16)^(2k) = 1.75·1.5376^k exceeds 1.75e6 first after k = 33 epochs
    with pytest.raises(rojas.learning.training.TrainingDiverged) as info:
        train(rojas.load(net), ({"x": [1.0, 2.0, 3.0]}, {"y": [1.0, 2.0, 3.0]}), 0.16, 2000, freeze="biases")
    assert info.value.epoch == 33 and info.value.history.loss[-1] == pytest.approx(1.75 * 1.5376 ** 32, rel=1e-9)


@pytest.mark.parametrize("plot, message", [("{net}/x.png", "not a directory"), ("loss.nosuchformat", "unknown image format"),
                                           ("{dir}", "is a directory")])
def test_bad_plot_paths_are_refused_before_training(tmp_path, capsys, plot, message):
    net = lin_net(tmp_path)
    out = tmp_path / "out.json"
    plot = plot.replace("{net}", net).replace("{dir}", str(tmp_path))
    code = rojas.cli.main(["train", net, "--input", "x=1", "--target", "y=1", "--lr", "0.1", "--epochs", "1",
                           "-o", str(out), "--plot", os.path.join(str(tmp_path), plot) if not os.path.isabs(plot) else plot])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and not out.exists()


def test_a_failing_plot_leaves_no_trained_network(tmp_path, capsys, monkeypatch):
    import rojas.learning.loss_plot

    def broken(*args, **kwargs):
        raise rojas.RojasError("cannot write the loss plot: disk full")

    monkeypatch.setattr(rojas.learning.loss_plot, "save_loss_plot", broken)
    net = lin_net(tmp_path)
    out = tmp_path / "out.json"
    code = rojas.cli.main(["train", net, "--input", "x=1", "--target", "y=1", "--lr", "0.1", "--epochs", "1",
                           "-o", str(out), "--plot", str(tmp_path / "l.png")])
    assert code == 2 and "disk full" in capsys.readouterr().err and not out.exists()


def test_a_negative_seed_is_one_line(tmp_path, capsys):
    net = lin_net(tmp_path)
    with pytest.raises(SystemExit) as info:
        rojas.cli.main(["train", net, "--input", "x=1,2", "--target", "y=1,2", "--lr", "0.1", "--epochs", "1",
                        "--mode", "online", "--shuffle", "--seed", "-5", "-o", str(tmp_path / "o.json")])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "--seed" in err and "≥ 0" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(rojas.RojasError, match="seed must be an integer ≥ 0"):
        train(rojas.load(net), ({"x": [1.0, 2.0]}, {"y": [1.0, 2.0]}), 0.1, 1, mode="online", shuffle=True, seed=-5)
