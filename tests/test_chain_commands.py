"""check, train, explore and animate on a chain of 100,000 tanh units, through the command line.

A deep chain is where a quadratic step or a per-level cost shows (grad,
paths, prove, matrix and draw have their own 100,000-unit tests).  The numbers
come from the chain's recurrence, computed here in a plain loop:
o_0 = x, o_k = tanh(w·o_{k−1}) and, backwards, δ_N = (o_N − t)·(1 − o_N²),
δ_k = δ_{k+1}·w·(1 − o_k²); ∂E/∂w of the edge into unit k is o_{k−1}·δ_k.
With w = 1 the values decay like √(3/2k), so nothing underflows.
"""

import json
import math

import numpy as np
import pytest

from rojas.cli import main

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

N, W, X, T = 100_000, 1.0, 0.5, 0.2


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chain")
    ids = ["x"] + [f"n{k}" for k in range(N)]
    nodes = [{"id": "x", "fn": "input"}] + [{"id": i, "fn": "tanh"} for i in ids[1:]]
    edges = [{"source": a, "target": b, "weight": W} for a, b in zip(ids, ids[1:])]
    net = tmp / "chain.json"
    net.write_text(json.dumps({"directed": True, "multigraph": False, "graph": {"name": "tanh chain"},
                               "nodes": nodes, "edges": edges}))
    data = tmp / "chain.data.json"
    data.write_text(json.dumps({"inputs": {"x": X}, "targets": {f"n{N - 1}": T}}))
    return tmp, str(net), str(data)


def recurrence():
    o = np.empty(N + 1)
    o[0] = X
    for k in range(N):
        o[k + 1] = math.tanh(W * o[k])
    delta = np.empty(N + 1)
    delta[N] = (o[N] - T) * (1 - o[N] ** 2)
    for k in range(N - 1, 0, -1):
        delta[k] = delta[k + 1] * W * (1 - o[k] ** 2)
    return o, delta


def test_check_on_the_chain_agrees(chain, capsys):
    _, net, data = chain
    assert main(["check", net, "--data", data, "--directions", "2", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gradient check of tanh chain") and "of 200001 gradients" in out  # 100,000 weights, 100,000 biases, x and "OK:" in out


def test_one_epoch_of_training_moves_the_last_weight_by_lr_times_its_gradient(chain, capsys):
    tmp, net, data = chain
    out_path = tmp / "trained.json"
    lr = 0.5
    assert main(["train", net, "--data", data, "--lr", str(lr), "--epochs", "1", "-o", str(out_path),
                 "--quiet"]) == 0
    o, delta = recurrence()
    edges = json.loads(out_path.read_text())["edges"]
    # the edge n(N−2) → n(N−1) enters unit N (o and δ are indexed from x = 0)
    assert edges[-1]["weight"] == pytest.approx(W - lr * o[N - 1] * delta[N], rel=1e-12)
    assert edges[0]["weight"] == pytest.approx(W - lr * o[0] * delta[1], rel=1e-9)
    assert abs(o[0] * delta[1]) > 1e-12  # the first edge's gradient, far from the output, is not 0


def test_animate_refuses_in_one_line(chain, capsys):
    tmp, net, data = chain
    assert main(["animate", net, "--data", data, "-o", str(tmp / "out.gif")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "100001 nodes" in err.replace(",", "") and "rojas draw" in err
    assert not (tmp / "out.gif").exists()


def test_explore_over_its_limit_writes_a_focus_page_and_says_so(chain, capsys):
    # Past the explorer's size limit, the page focuses on the largest gradients (their cones), so its
    # size does not grow with the network; one note says so and names the option that raises the limit.
    tmp, net, data = chain
    out = tmp / "out.html"
    assert main(["explore", net, "--data", data, "-o", str(out)]) == 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--max-nodes" in err and "largest |∂E/∂w|" in err
    assert out.stat().st_size < 4 * 2**20


def test_paths_and_claim_list_the_one_path_of_the_chain(chain, capsys):
    # One path from x->n0 to E, of 100,000 edges: listed by a walk linear in its length.
    _, net, data = chain
    assert main(["paths", net, "--data", data, "--from", "x->n0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "the paths from the inputs number 1." in out
    assert main(["claim", net, "--data", data, "dE/dn0 = dn1/dn0 * dE/dn1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "RIGHT" in out and "WRONG" not in out  # n1 is the only way from n0 to E


@pytest.mark.parametrize("detail, words", [("full", "at most 400 nodes"), ("table", "at most 1,500 nodes")])
def test_a_detail_asked_for_by_name_is_refused_at_once_past_ten_times_its_size(chain, capsys, detail, words):
    tmp, net, data = chain
    out = tmp / f"{detail}.png"
    assert main(["draw", net, "--data", data, "--detail", detail, "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "100,001 nodes" in err and not out.exists()
