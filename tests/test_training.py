"""rojas.train, its history, `rojas train`, and the loss plot.

Expected numbers come from tests/reference.py (plain-Python forward passes and
central differences, written without rojas), from Matt Mazur's published worked
example, or from the update rule applied by hand; never from rojas's output.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import rojas
import rojas.cli
from rojas.learning.loss_plot import plot_loss, save_loss_plot
from rojas.learning.training import TrainingDiverged, initialize, train

import reference as R

XOR = rojas.example_path("xor")
XOR_DATA = rojas.example_path("xor", "data")


def weights_of(net):
    """{(u, v): weight} and {node: bias} read one by one (not through arrays)."""
    return ({(u, v): net.weight(u, v) for u, v in net.edges},
            {n: net.bias(n) for n in net.nodes if net.fn(n) != "input"})


# ----------------------------------------------------------------------------- the update rule
def test_one_batch_step_is_w_minus_lr_times_the_gradient_of_the_reference():
    """Δw = −γ·∂E/∂w for every weight, bias and tied param, with ∂E/∂· from reference FD."""
    net = rojas.load(rojas.example_path("skip_product"))
    x, t = rojas.load_data(rojas.example_path("skip_product", "data"))
    G = net.to_networkx()
    fd = R.finite_differences(G, x, t)
    w0, b0, p0, ties = R.parameters(G)
    lr = 0.3
    trained, history = train(net, (x, t), lr, 1)
    for (u, v), w in w0.items():
        if ties[(u, v)] is None:
            assert trained.weight(u, v) == pytest.approx(w - lr * fd["weight"][(u, v)], abs=1e-8)
    for n, b in b0.items():
        assert trained.bias(n) == pytest.approx(b - lr * fd["bias"][n], abs=1e-8)
    assert trained.params["t"] == pytest.approx(p0["t"] - lr * fd["param"]["t"], abs=1e-8)
    # both tied edges carry the new param value
    for u, v in trained.edges:
        if trained.edge_param(u, v) == "t":
            assert trained.weight(u, v) == trained.params["t"]
    assert history.loss[0] == pytest.approx(R.objective(G, x, t), rel=1e-12)
    assert history.loss[1] == pytest.approx(R.objective(trained.to_networkx(), x, t), rel=1e-12)


def test_online_mode_steps_after_every_pattern():
    """Two patterns, one epoch: the second step uses the weights after the first."""
    net = rojas.Network(name="line").add_input("x").add_unit("y", "tanh", bias=0.1)
    net.add_edge("x", "y", weight=0.5, name="w")
    xs, ts, lr = [1.0, -2.0], [0.3, 0.8], 0.2
    w, b = 0.5, 0.1
    for xk, tk in zip(xs, ts):  # by hand: E = ½(tanh(w·x + b) − t)², ∂E/∂s = (o − t)(1 − o²)
        o = np.tanh(w * xk + b)
        delta = (o - tk) * (1 - o * o)
        w, b = w - lr * xk * delta, b - lr * delta
    trained, history = train(net, ({"x": xs}, {"y": ts}), lr, 1, mode="online")
    assert trained.weight("x", "y") == pytest.approx(w, rel=1e-13)
    assert trained.bias("y") == pytest.approx(b, rel=1e-13)
    # the batch step differs: it sums both corrections at the starting weights
    batch, _ = train(net, ({"x": xs}, {"y": ts}), lr, 1)
    assert abs(batch.weight("x", "y") - w) > 1e-3


def test_mazur_one_step_and_published_weights():
    net = rojas.load(rojas.example_path("mazur"))
    trained, history = train(net, rojas.example_path("mazur", "data"), 0.5, 1, freeze="biases")
    published = {"w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
                 "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121}
    for name, value in published.items():
        assert trained.weight(*trained.find_edge(name)) == pytest.approx(value, abs=6e-9), name
    assert [trained.bias(n) for n in ("h1", "h2", "o1", "o2")] == [0.35, 0.35, 0.6, 0.6]
    assert round(history.loss[0], 9) == 0.298371109


def test_average_minimizes_E_over_N():
    x, t = rojas.load_data(XOR_DATA)
    net = initialize(rojas.load(XOR), seed=5, std=1.0, biases=True)
    a, ha = train(net, XOR_DATA, 1.0, 3, average=True)
    b, hb = train(net, XOR_DATA, 0.25, 3)  # N = 4: the gradient of E/N is ∂E/4
    assert np.allclose(a.parameters()["weights"], b.parameters()["weights"], rtol=1e-13)
    assert np.allclose(ha.loss * 4, hb.loss, rtol=1e-13)
    assert ha.loss[0] == pytest.approx(R.objective(net.to_networkx(), x, t) / 4, rel=1e-12)


def test_freeze():
    net = rojas.load(rojas.example_path("skip_product"))
    data = rojas.example_path("skip_product", "data")
    w0, b0 = weights_of(net)
    trained, _ = train(net, data, 0.5, 3, freeze=["skip", "h1", "t", ("h2", "y")])
    w1, b1 = weights_of(trained)
    assert w1[("x1", "y")] == w0[("x1", "y")] and w1[("h2", "y")] == w0[("h2", "y")]
    assert b1["h1"] == b0["h1"] and b1["y"] != b0["y"]
    assert trained.params["t"] == net.params["t"]
    assert w1[("x2", "h1")] != w0[("x2", "h1")]
    trained, _ = train(net, data, 0.5, 3, freeze="weights")  # tied params are weights too
    assert weights_of(trained)[0] == w0 and weights_of(trained)[1] != b0
    trained, _ = train(net, data, 0.5, 3, freeze="params")
    assert trained.params == net.params and weights_of(trained)[0][("x2", "h1")] != w0[("x2", "h1")]
    with pytest.raises(rojas.RojasError, match="freeze: 'nope'"):
        train(net, data, 0.5, 1, freeze=["nope"])


# ----------------------------------------------------------------------------- learning
@pytest.mark.parametrize("mode", ["batch", "online"])
def test_training_reduces_the_loss(mode):
    G = R.random_network(7, 2, 5, 1, p_product=0.0, p_tied=0.3, fns=("sigmoid", "tanh"))
    x = R.random_inputs(1, G, batch=6)
    t = {k: [0.5 * v for v in vs] for k, vs in R.random_targets(2, G, batch=6).items()}
    trained, history = train(G, (x, t), 0.1, 60, mode=mode, shuffle=(mode == "online"), seed=3)
    assert len(history.loss) == 61 and history.epochs == 60
    assert history.loss[0] == pytest.approx(R.objective(G, x, t), rel=1e-12)
    assert history.final_loss == pytest.approx(R.objective(trained.to_networkx(), x, t), rel=1e-12)
    assert history.final_loss < 0.8 * history.loss[0]
    if mode == "batch":  # small steps of gradient descent never go up
        assert np.all(np.diff(history.loss) <= 1e-12)


@pytest.mark.slow
def test_xor_is_solved_from_a_fixed_seed():
    x, t = rojas.load_data(XOR_DATA)
    net = initialize(rojas.load(XOR), seed=2, std=1.0, biases=True)
    trained, history = train(net, XOR_DATA, 2.0, 1000)
    _, o = zip(*(R.forward(trained.to_networkx(), {"x1": a, "x2": b}) for a, b in zip(x["x1"], x["x2"])))
    outputs = [oo["y"] for oo in o]
    assert [round(v) for v in outputs] == t["y"]
    assert history.final_loss < 0.01 and history.loss[0] > 0.5


def test_the_input_network_is_not_changed_unless_asked():
    net = rojas.load(rojas.example_path("mazur"))
    before = json.dumps(net.to_dict(), sort_keys=True)
    trained, _ = train(net, rojas.example_path("mazur", "data"), 0.5, 2)
    assert json.dumps(net.to_dict(), sort_keys=True) == before and trained is not net
    assert trained.edges == net.edges  # the copy keeps the edges' order: arrays line up
    same, _ = train(net, rojas.example_path("mazur", "data"), 0.5, 2, in_place=True)
    assert same is net and json.dumps(net.to_dict(), sort_keys=True) != before
    assert same.parameters()["weights"] == pytest.approx(trained.parameters()["weights"], rel=1e-15)


def test_training_reuses_the_compiled_plan():
    net = rojas.load(rojas.example_path("mazur"))
    x, t = rojas.load_data(rojas.example_path("mazur", "data"))
    plan = rojas.label(net, x, t).plan
    train(net, (x, t), 0.5, 5, in_place=True)
    assert rojas.label(net, x, t).plan is plan  # numbers changed, the structure was never rebuilt


def test_divergence_stops_with_a_clear_error():
    net = rojas.Network(name="linear").add_input("x").add_unit("y", "identity")
    net.add_edge("x", "y", weight=0.5, name="w")
    data = ({"x": [1.0, 2.0, 3.0]}, {"y": [1.0, 2.0, 3.0]})
    with pytest.raises(TrainingDiverged, match=r"training diverged in epoch \d+ of 500 .*smaller learning rate") as info:
        train(net, data, 5.0, 500, freeze="biases")
    err = info.value
    assert isinstance(err, rojas.NumericalError) and 1 < err.epoch < 500
    # the losses after 0 … epoch−1 epochs are kept; the update of epoch `epoch` overflowed
    assert np.isfinite(err.history.loss).all() and len(err.history.loss) == err.epoch
    assert err.history.epochs == err.epoch - 1
    # E = ½(w − 1)²·Σx² = 7(w − 1)², and w − 1 ← (w − 1)(1 − 14γ): E grows by (1 − 14·5)² = 4761 per epoch
    assert err.history.loss[1] == pytest.approx(1.75 * (1 - 14 * 5.0) ** 2, rel=1e-12)
    assert net.weight("x", "y") == 0.5


def test_snapshots_and_callback():
    seen = []
    net = rojas.load(rojas.example_path("mazur"))
    data = rojas.example_path("mazur", "data")
    trained, history = train(net, data, 0.5, 5, snapshot_every=2, callback=lambda k, e: seen.append((k, e)))
    assert [s.epoch for s in history.snapshots] == [0, 2, 4, 5]
    assert [k for k, _ in seen] == list(range(6)) and [e for _, e in seen] == list(history.loss)
    snap = history.snapshots[1]
    G = net.to_networkx()
    for (u, v), w in zip(net.edges, snap.parameters["weights"]):
        G.edges[u, v]["weight"] = float(w)
    for n, b in zip(net.nodes, snap.parameters["biases"]):
        if net.fn(n) != "input":
            G.nodes[n]["bias"] = float(b)
    x, t = rojas.load_data(data)
    assert snap.loss == pytest.approx(R.objective(G, x, t), rel=1e-12)
    s, o = R.forward(G, x)
    assert snap.labels["nodes"]["o1"]["value"] == pytest.approx(o["o1"], rel=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": 0}, "learning rate"), ({"lr": float("nan")}, "learning rate"),
    ({"epochs": -1}, "epochs"), ({"epochs": 2.5}, "epochs"), ({"mode": "stochastic"}, "mode"),
    ({"snapshot_every": 0}, "snapshot_every"),
])
def test_bad_arguments(kwargs, message):
    args = {"lr": 0.1, "epochs": 1, **kwargs}
    with pytest.raises(rojas.RojasError, match=message):
        train(rojas.load(XOR), XOR_DATA, **args)


def test_training_needs_targets():
    with pytest.raises(rojas.DataError, match="training needs targets"):
        train(rojas.load(XOR), ({"x1": 0.0, "x2": 1.0}, None), 0.1, 1)


def test_initialize_is_reproducible_and_has_the_asked_spread():
    net = rojas.Network().add_input("x")
    for k in range(400):
        net.add_unit(f"h{k}", "tanh").add_edge("x", f"h{k}", weight=1.0)
    a = initialize(net, seed=11, std=0.01).parameters()["weights"]
    b = initialize(net, seed=11, std=0.01).parameters()["weights"]
    assert (a == b).all() and abs(a.std() - 0.01) < 0.002 and abs(a.mean()) < 0.002
    assert (net.parameters()["weights"] == 1.0).all()


# ----------------------------------------------------------------------------- command line
def write(path, obj):
    path.write_text(json.dumps(obj))
    return str(path)


@pytest.fixture
def xor_files(tmp_path):
    net = initialize(rojas.load(XOR), seed=2, std=1.0, biases=True)
    path = str(tmp_path / "net.json")
    net.save(path)
    return path, XOR_DATA, tmp_path


def test_cli_train_writes_the_output_and_leaves_the_input(xor_files, capsys):
    path, data, tmp = xor_files
    before = open(path, "rb").read()
    out = str(tmp / "trained.json")
    code = rojas.cli.main(["train", path, "--data", data, "--lr", "2", "--epochs", "300", "-o", out,
                           "--plot", str(tmp / "loss.png")])
    text = capsys.readouterr().out
    assert code == 0 and open(path, "rb").read() == before
    trained = rojas.load(out)
    x, t = rojas.load_data(data)
    assert R.objective(trained.to_networkx(), x, t) < R.objective(rojas.load(path).to_networkx(), x, t)
    assert f"wrote the trained network to {out}" in text and "loss.png" in text
    assert open(tmp / "loss.png", "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert not [f for f in os.listdir(tmp) if ".tmp" in f]


def test_cli_train_refuses_to_overwrite_its_input(xor_files, capsys):
    path, data, _ = xor_files
    before = open(path, "rb").read()
    code = rojas.cli.main(["train", path, "--data", data, "--lr", "1", "--epochs", "3", "-o", path])
    err = capsys.readouterr().err
    assert code == 2 and "--in-place" in err and len(err.strip().splitlines()) == 1
    assert open(path, "rb").read() == before
    assert rojas.cli.main(["train", path, "--data", data, "--lr", "1", "--epochs", "3"]) == 2
    assert "-o TRAINED.json" in capsys.readouterr().err


def test_cli_train_in_place(xor_files, capsys):
    path, data, _ = xor_files
    before = rojas.load(path)
    code = rojas.cli.main(["train", path, "--data", data, "--lr", "1", "--epochs", "2", "--in-place"])
    assert code == 0
    after = rojas.load(path)
    assert after.edges == before.edges and after.weight("x1", "or") != before.weight("x1", "or")


def test_cli_train_divergence_writes_nothing(tmp_path, capsys):
    net = write(tmp_path / "lin.json", {
        "directed": True, "multigraph": False, "graph": {"name": "linear"},
        "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "identity"}],
        "edges": [{"source": "x", "target": "y", "weight": 0.5}]})
    before = open(net, "rb").read()
    out = tmp_path / "out.json"
    code = rojas.cli.main(["train", net, "--input", "x=1,2,3", "--target", "y=1,2,3", "--lr", "5",
                           "--epochs", "1000", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "training diverged in epoch" in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and open(net, "rb").read() == before


@pytest.mark.parametrize("argv, message", [
    (["--lr", "0", "--epochs", "3"], "--lr"),
    (["--lr", "1", "--epochs", "-3"], "--epochs"),
    (["--lr", "1", "--epochs", "3", "--mode", "sgd"], "--mode"),
])
def test_cli_train_bad_options_exit_2(xor_files, argv, message, capsys):
    path, data, tmp = xor_files
    with pytest.raises(SystemExit) as info:
        rojas.cli.main(["train", path, "--data", data, "-o", str(tmp / "o.json"), *argv])
    assert info.value.code == 2 and message in capsys.readouterr().err


def test_an_interrupted_write_leaves_the_input_intact(xor_files, monkeypatch):
    """Simulate a crash in the middle of writing the trained network over the input (--in-place)."""
    path, data, tmp = xor_files
    before = open(path, "rb").read()
    import rojas.utils.files

    def half_then_die(fd):
        # Interrupted while the bytes go to disk: half of them are there, then Ctrl-C.
        os.ftruncate(fd, os.fstat(fd).st_size // 2)
        raise KeyboardInterrupt

    monkeypatch.setattr(rojas.utils.files.os, "fsync", half_then_die)
    code = rojas.cli.main(["train", path, "--data", data, "--lr", "1", "--epochs", "2", "--in-place"])
    assert code == 130
    assert open(path, "rb").read() == before
    assert not [f for f in os.listdir(tmp) if ".tmp" in f]


def test_a_killed_write_leaves_the_input_intact(xor_files):
    """A process killed mid-write (no cleanup at all, like SIGKILL) leaves the input file whole."""
    path, data, tmp = xor_files
    before = open(path, "rb").read()
    script = textwrap.dedent(f"""
        import json, os, sys
        import rojas.utils.files, rojas.cli
        def fsync(fd):
            os.ftruncate(fd, os.fstat(fd).st_size // 2)   # half of the bytes reached the disk …
            os._exit(137)          # … then die: no finally, no cleanup
        rojas.utils.files.os.fsync = fsync
        sys.exit(rojas.cli.main(["train", {path!r}, "--data", {data!r}, "--lr", "1", "--epochs", "2",
                                 "--in-place"]))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 137
    assert open(path, "rb").read() == before
    leftovers = [f for f in os.listdir(tmp) if ".tmp" in f]
    assert leftovers  # the half-written temporary file is what got cut short
    with pytest.raises(json.JSONDecodeError):
        json.loads(open(tmp / leftovers[0]).read())


def test_progress_bar_on_long_runs(capsys):
    """train(progress=True) shows a tqdm bar on stderr (epochs and the loss); off by default off a terminal."""
    net = rojas.load(rojas.example_path("mazur"))
    data = rojas.example_path("mazur", "data")
    from rojas.utils import progress

    previous = progress.set_default(None)
    try:
        train(net, data, 0.5, 3)  # stderr is not a terminal here: nothing
        assert capsys.readouterr().err == ""
        bar = progress.progress_bar(total=3, desc="rojas train", unit="epoch", enabled=True, delay=0, leave=True)
        for _ in range(3):
            bar.update()
        bar.close()
        err = capsys.readouterr().err
        assert "rojas train" in err and "3/3" in err
        progress.set_default(False)  # what --quiet does for the whole process
        assert progress.progress_bar(total=3).disable
    finally:
        progress.set_default(previous)


# ----------------------------------------------------------------------------- loss plot
def test_plot_loss_returns_its_artists():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    _, history = train(rojas.load(XOR), XOR_DATA, 1.0, 20)
    artists = plot_loss(history, ax=ax, label="xor")
    line = artists[0]
    assert list(line.get_xdata()) == list(range(21))
    assert np.array_equal(line.get_ydata(), history.loss)
    assert ax.get_xlabel() == "epoch" and "E" in ax.get_ylabel()
    assert "final" in artists[-1].get_text()
    with pytest.raises(rojas.RojasError):
        plot_loss([], ax=ax)


def test_save_loss_plot_writes_an_image(tmp_path):
    path = save_loss_plot([3.0, 1.0, 0.1, 0.001], tmp_path / "sub" / "loss.png")
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(rojas.RojasError, match="cannot write the loss plot"):
        save_loss_plot([1.0, 0.5], tmp_path / "loss.nosuchformat")


@pytest.mark.slow
def test_importing_these_modules_does_not_import_matplotlib_and_agg_without_display():
    code = textwrap.dedent("""
        import sys
        import rojas.learning.training, rojas.checking.gradient_check, rojas.checking.testing, rojas.learning.loss_plot
        assert "matplotlib" not in sys.modules, "imported matplotlib"
        from rojas.learning.loss_plot import plot_loss
        artists = plot_loss([1.0, 0.5, 0.25])
        import matplotlib
        print(matplotlib.get_backend().lower(), type(artists[0]).__name__)
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["agg", "Line2D"]
