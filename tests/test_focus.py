"""The focus view: what it selects (the whole cone when small, else the top paths), the figure and the page."""

import json

import pytest

import rojas
from rojas.cli import main
from rojas.drawing.focus import focus_of
from rojas.drawing.focus_figure import draw_focus
from rojas.explorer.focus_page import focus_data, focus_page
from rojas.network.generate import generate_dict, sample_data


def labeled(name):
    return rojas.label(rojas.load(rojas.example_path(name)), *rojas.load_data(rojas.example_path(name, "data")))


def test_a_small_cone_is_shown_whole_with_every_path():
    lab = labeled("skip_product")
    f = focus_of(lab, "t")  # the tied param: both of its edges
    ps = rojas.path_sum(lab, "t")
    assert f.mode == "cone" and f.total_paths == ps.count == len(f.paths) and f.rest_paths == 0
    assert sum(p["product"] for p in f.paths) == pytest.approx(lab.grad("t"), rel=1e-12)
    assert f.rest_sum == pytest.approx(0.0, abs=1e-15)
    assert {n["id"] for n in f.nodes} >= {"x1", "h1", "p", "h2", "y"}
    shares = [abs(p["share"]) for p in f.paths]
    assert shares == sorted(shares, reverse=True)


def test_a_large_cone_shows_its_top_paths_and_sums_up_the_rest():
    net = rojas.generate("resnet", units=200, fan_in=3, depth=5, primitives=["tanh"], seed=4)
    d = sample_data(net, 4)
    lab = rojas.label(net, d["inputs"], d["targets"])
    f = focus_of(lab, "x0", max_units=30, max_paths=10)
    top = rojas.top_paths(lab, "x0", k=10)
    assert f.mode == "top" and 1 <= len(f.paths) <= 10
    assert [p["nodes"] for p in f.paths] == [p["nodes"] for p in top.paths[:len(f.paths)]]
    assert len({n["id"] for n in f.nodes}) <= 31 or len(f.paths) == 1
    assert f.rest_paths == f.total_paths - len(f.paths) == rojas.count_paths(net, "x0", net.outputs) - len(f.paths)
    assert f.rest_sum + sum(p["product"] for p in f.paths) == pytest.approx(lab.grad("x0"), rel=1e-9)
    assert "the rest summarised" in f.reason
    fig = draw_focus(f)
    texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "other" in texts and "By length" in texts
    data = focus_data(f)
    assert len(data["nodes"]) == len(f.nodes) and all("x" in n and "y" in n for n in data["nodes"])


def test_a_source_with_no_path_is_refused():
    net = rojas.Network().add_input("x").add_unit("y", "tanh").add_unit("z", "tanh")
    net.add_edge("x", "y", weight=1.0).add_edge("x", "z", weight=1.0).set_outputs(["y"])
    lab = rojas.label(net, {"x": 1.0}, {"y": 0.0})
    with pytest.raises(rojas.RojasError, match="no path"):
        focus_of(lab, "x->z")


def test_the_page_is_self_contained_and_escapes_ids(tmp_path):
    net = rojas.Network().add_input("</script><b>x").add_unit("h&", "tanh").add_unit("y", "sigmoid")
    net.add_edge("</script><b>x", "h&", weight=0.5).add_edge("h&", "y", weight=-1.0)
    lab = rojas.label(net, {"</script><b>x": 1.0}, {"y": 0.2})
    page = focus_page(lab, "h&")
    assert "</script><b>" not in page and "src=" not in page and "href=" not in page
    assert page.count("<script") == 2


@pytest.mark.slow
def test_cli_draw_and_explore_focus(tmp_path, capsys):
    net_path, data_path = tmp_path / "n.json", tmp_path / "d.json"
    net_path.write_text(json.dumps(generate_dict("skip", units=120, fan_in=3, depth=6, seed=2)))
    data_path.write_text(json.dumps(sample_data(rojas.load(net_path), 2)))
    png, html = tmp_path / "f.png", tmp_path / "f.html"
    assert main(["draw", str(net_path), "--data", str(data_path), "--focus", "x0", "-o", str(png)]) == 0
    assert "focus on x0" in capsys.readouterr().out and png.stat().st_size > 5_000
    assert main(["explore", str(net_path), "--data", str(data_path), "--focus", "x0", "--focus", "x1",
                 "-o", str(html)]) == 0
    assert html.stat().st_size < 200_000 and html.read_text().count('"source":') >= 2


@pytest.mark.parametrize("cmd, words", [
    (["draw", "mazur", "--focus", "nope", "-o", "x.png"], "'nope' is no node"),
    (["draw", "mazur", "--focus", "w1", "--paths", "w1", "-o", "x.png"], "not both"),
    (["draw", "mazur", "--no-targets", "--input", "i1=1", "--input", "i2=1", "--of", "o1", "--focus", "w1",
      "-o", "x.png"], None),
    (["explore", "xor", "--focus", "w1", "--sample", "1", "-o", "x.html"], "--sample"),
])
@pytest.mark.slow
def test_cli_focus_refusals_are_one_line(tmp_path, monkeypatch, capsys, cmd, words):
    monkeypatch.chdir(tmp_path)
    status = main(cmd)
    err = capsys.readouterr().err.strip()
    if words is None:  # a valid focus on a labeling of one node's value
        assert status == 0, err
        return
    assert status == 2 and words in err and len(err.splitlines()) == 1
