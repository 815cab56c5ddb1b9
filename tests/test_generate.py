"""The network generator: deterministic for a seed, every unit reaching an output, the shapes it promises."""

import json

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas.cli import main
from rojas.network.generate import KINDS, generate_dict, sample_data


def reach_output(net):
    """Ids of the units with a path to an output, by NetworkX (independently of rojas's BFS)."""
    G = nx.DiGraph(list(net.edges))
    G.add_nodes_from(net.nodes)
    alive = set(net.outputs)
    for o in net.outputs:
        alive |= nx.ancestors(G, o)
    return alive


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_network_and_every_unit_reaches_an_output(kind):
    a = generate_dict(kind, units=60, fan_in=3, primitives=["tanh", "relu", "sigmoid"], seed=5, depth=5)
    b = generate_dict(kind, units=60, fan_in=3, primitives=["tanh", "relu", "sigmoid"], seed=5, depth=5)
    assert json.dumps(a) == json.dumps(b)
    c = generate_dict(kind, units=60, fan_in=3, primitives=["tanh", "relu", "sigmoid"], seed=6, depth=5)
    assert json.dumps(a) != json.dumps(c)
    net = rojas.generate(kind, units=60, fan_in=3, primitives=["tanh", "relu", "sigmoid"], seed=5, depth=5)
    assert nx.is_directed_acyclic_graph(nx.DiGraph(list(net.edges)))
    assert reach_output(net) == set(net.nodes)  # inputs too: every node reaches an output
    assert {net.fn(n) for n in net.nodes} - {"input", "identity"} <= {"tanh", "relu", "sigmoid"}
    indeg = np.bincount([net.nodes.index(v) for _, v in net.edges], minlength=len(net.nodes))
    hidden = [i for i, n in enumerate(net.nodes) if net.fn(n) != "input"]
    assert indeg[hidden].min() >= 1


def test_allow_dead_leaves_units_that_reach_nothing():
    net = rojas.generate("random", units=80, fan_in=2, seed=1, reach_all=False)
    assert reach_output(net) != set(net.nodes)


def test_shapes():
    chain = rojas.generate("chain", units=30, fan_in=2, primitives=["identity"])
    # each unit reads the two before it: from u0 to the output, the Fibonacci number F(30) paths
    assert rojas.count_paths(chain, "u0", chain.outputs) == 832040
    net = rojas.generate("layered", units=41, fan_in=4, depth=4, outputs=1)
    assert len(net.levels()) == 41 + 4 and max(net.levels()) == 5  # inputs, 4 layers of 10, the output
    res = rojas.generate("resnet", units=91, fan_in=2, depth=4)
    skips = [(u, v) for u, v in res.edges if u[0] == "r" and v[0] == "r"]
    assert len(skips) == 4 * 10 and all(res.weight(u, v) == 1.0 for u, v in skips)
    assert all(res.fn(v) == "identity" for _, v in skips)


def test_sample_data_fits_the_network():
    net = rojas.generate("skip", units=50, fan_in=3, depth=5, outputs=2)
    data = sample_data(net, seed=3, batch=4)
    assert sorted(data["targets"]) == ["y0", "y1"] and all(len(v) == 4 for v in data["inputs"].values())
    lab = rojas.label(net, data["inputs"], data["targets"])
    assert lab.batch_size == 4


def test_cli_writes_a_loadable_network_and_data(tmp_path, capsys):
    out, data = tmp_path / "n.json", tmp_path / "d.json"
    assert main(["generate", "--kind", "resnet", "--units", "50", "--fan-in", "2", "--depth", "3",
                 "--primitives", "tanh,relu", "--seed", "4", "-o", str(out), "--data-out", str(data)]) == 0
    net = rojas.load(out)
    assert json.loads(out.read_text()) == generate_dict("resnet", 50, 2, ["tanh", "relu"], 4, depth=3)
    x, t = rojas.load_data(data)
    assert set(x) == set(net.inputs) and set(t) == set(net.outputs)
    assert "edges" in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["--kind", "tree"], "invalid choice"),
    (["--primitives", "tanh,nope"], "primitive 'nope'"),
    (["--units", "0"], "--units 0"),
    (["--fan-in", "0"], "--fan-in 0"),
    (["--units", "3", "--outputs", "5"], "--outputs 5"),
    (["--scale", "-1"], "--scale"),
])
def test_cli_refusals_are_one_line(tmp_path, capsys, args, words):
    status = None
    try:
        status = main(["generate", *args, "-o", str(tmp_path / "x.json")])
    except SystemExit as exc:  # argparse's own refusals
        status = exc.code
    err = capsys.readouterr().err.strip()
    assert status == 2 and words in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()


def test_size_is_checked_before_the_work(monkeypatch):
    monkeypatch.setenv("ROJAS_MAX_GENERATED_EDGES", "1000")
    with pytest.raises(rojas.NetworkError, match="ROJAS_MAX_GENERATED_EDGES"):
        rojas.generate("random", units=10_000_000, fan_in=10)
