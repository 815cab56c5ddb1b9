"""``rojas paths --by-length/--top/--plot``, ``prove`` beyond the listing limit, and structural zeros."""

import json
import math

import pytest

import rojas
from rojas.cli import main
from rojas.network.generate import generate_dict, sample_data


@pytest.fixture
def deep(tmp_path):
    net, data = tmp_path / "net.json", tmp_path / "data.json"
    net.write_text(json.dumps(generate_dict("resnet", units=130, fan_in=3, depth=6, primitives=["sigmoid"], seed=2)))
    data.write_text(json.dumps(sample_data(rojas.load(net), seed=2)))
    return str(net), str(data)


def run(capsys, *args):
    try:
        status = main([str(a) for a in args])
    except SystemExit as exc:
        status = exc.code
    out = capsys.readouterr()
    return status, out.out, out.err


def test_json_object_by_length_and_top(deep, capsys):
    net, data = deep
    status, out, err = run(capsys, "paths", net, "--data", data, "--from", "x0->r0_0", "--by-length", "--top", "5",
                           "--json")
    assert status == 0, err
    obj = json.loads(out)
    assert set(obj) == {"from", "gradient", "by_length", "top"} and obj["from"] == "x0->r0_0"
    lab = rojas.label(rojas.load(net), *rojas.load_data(data))
    assert obj["gradient"] == pytest.approx(lab.grad(("x0", "r0_0")), rel=1e-12)
    assert math.fsum(r["sum"] for r in obj["by_length"]) == pytest.approx(obj["gradient"], rel=1e-9)
    assert sum(r["paths"] for r in obj["by_length"]) == rojas.count_paths(rojas.load(net), "x0->r0_0", ["y0"])
    assert len(obj["top"]) == 5 and all(p["nodes"][0] == "x0" and p["nodes"][-1] == "y0" for p in obj["top"])
    mags = [abs(p["product"]) for p in obj["top"]]
    assert mags == sorted(mags, reverse=True)
    # the shortest path (the identity skips all the way) is a path of the table's shortest length
    assert min(len(p["nodes"]) - 1 for p in obj["top"]) >= obj["by_length"][0]["length"]


@pytest.mark.slow
def test_text_and_plot(deep, capsys, tmp_path):
    net, data = deep
    png = tmp_path / "len.png"
    status, out, err = run(capsys, "paths", net, "--data", data, "--from", "x0", "--by-length", "--plot", png)
    assert status == 0, err
    assert "Sum over lengths" in out and f"wrote {png}" in out
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("args, words", [
    (["--from", "nope", "--by-length"], "'nope' is no node"),
    (["--from", "x0", "--top", "0"], "--top 0"),
    (["--from", "x0", "--top", "-3"], "must be ≥ 0"),
    (["--from", "x0", "--top", "99999"], "--top 99999"),
    (["--from", "x0", "--top", "2", "--count"], "not both"),
    (["--from", "x0", "--plot", "out.txt"], "extension"),
])
def test_refusals_are_one_line(deep, capsys, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    net, data = deep
    status, out, err = run(capsys, "paths", net, "--data", data, *args)
    assert status == 2 and words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_top_refuses_a_batch(tmp_path, capsys):
    status, out, err = run(capsys, "paths", "xor", "--from", "w1", "--top", "3")
    assert status == 2 and "batch" in err


def test_prove_beyond_the_limit_sums_by_length(deep, capsys, tmp_path):
    net, data = deep
    md = tmp_path / "p.md"
    status, out, err = run(capsys, "prove", net, "--data", data, "--wrt", "x0->r0_0", "--no-symbolic",
                           "--limit", "50", "-o", md)
    assert status == 0, err
    text = md.read_text()
    assert "more than the limit of 50" in text and "sum over paths (by length)" in text
    assert "paths with the largest" in text and "more than --limit 50" in err


@pytest.mark.slow
def test_every_labeling_command_notes_units_that_reach_no_output(tmp_path, capsys):
    net = rojas.Network().add_input("x").add_unit("h", "tanh").add_unit("y", "tanh").add_unit("z", "tanh")
    net.add_edge("x", "h", weight=0.5).add_edge("h", "y", weight=1.5).add_edge("x", "z", weight=-1.0)
    net.set_outputs(["y"])
    path = tmp_path / "n.json"
    net.save(path)
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"inputs": {"x": 0.3}, "targets": {"y": 0.2}}))
    for cmd in (["grad"], ["paths", "--from", "x", "--by-length"], ["prove", "--wrt", "x", "--no-symbolic"],
                ["draw", "-o", str(tmp_path / "n.png")]):
        status, out, err = run(capsys, cmd[0], path, "--data", data, *cmd[1:])
        assert status == 0, (cmd, err)
        assert err.count("1 of 3 units have no path to an output (z)") == 1, (cmd, err)
    status, out, err = run(capsys, "check", path, "--data", data)
    assert status == 0
    assert "2 are 0 by construction" in out and "1 unit(s) have no path to an output (z)" in out
    report = rojas.check(net, {"x": 0.3}, {"y": 0.2})
    zeros = {e.name for e in report.entries if e.status == "zero"}
    assert zeros == {"x->z", "bias z"}  # 0 by construction, not counted as agreements
    assert report.coverage["structural_zeros"] == 2 and report.coverage["dead_units"] == 1
