"""The interactive explorer without a browser: its data, the page's safety, the command.

The numbers asserted are Matt Mazur's published ones for his worked 2-2-2
example (2015) and the labels of :func:`rojas.label`; the page itself is driven
in a real browser in ``test_explorer_browser.py``.
"""

import json
import os
import subprocess
import sys

import pytest

import rojas
from rojas.explorer import embed_json, page_data
from rojas.explorer.page import repr_html

def _labeled(name):
    return rojas.label(rojas.load(rojas.example_path(name)), *rojas.load_data(rojas.example_path(name, "data")))


# ----------------------------------------------------------------------------- data, without a browser
def test_page_data_holds_the_labels_of_mazurs_example():
    data = page_data(_labeled("mazur"))
    h1 = next(n for n in data["nodes"] if n["id"] == "h1")
    assert f"{h1['s']:.9g}" == "0.3775" and f"{h1['fp']:.9g}" == "0.241300709"
    assert f"{h1['o']:.9g}" == "0.593269992" and f"{h1['delta']:.9g}" == "0.00877135469"
    w1 = next(e for e in data["edges"] if e.get("name") == "w1")
    assert round(w1["grad"], 9) == 0.000438568
    assert data["nodes"][data["E"]]["o"] == pytest.approx(0.298371109, abs=5e-10)
    # 1 (inputs) + 4 units + 2 error units + E; 1 (the seed) + 2 + 4 × (Σ and δ, gradients) + 1 (inputs)
    assert len(data["steps"]) - 1 == 8 + 12
    assert [s["phase"] for s in data["steps"]].count("forward") == 8


def test_sigma_is_what_arrives_and_delta_is_fprime_times_sigma():
    lab = _labeled("skip_product")
    data = page_data(lab)
    for n in data["nodes"]:
        if n["kind"] == "unit":
            assert n["delta"] == pytest.approx(n["fp"] * n["sigma"], rel=1e-12, abs=1e-15)
    assert [p["name"] for p in data["params"]] == ["t"]
    assert data["params"][0]["count"] == str(rojas.path_sum(lab, "t").count)


def test_the_json_cannot_end_its_script_element():
    text = embed_json({"id": "</script><script>alert(1)</script>", "b": "a&b<!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"id": "</script><script>alert(1)</script>", "b": "a&b<!--"}


def test_the_page_is_self_contained():
    page = rojas.explore(_labeled("mazur"))
    assert "http" not in page and " src=" not in page and " href=" not in page and "url(http" not in page
    assert page.count("<script") == 2  # the data and the script, both inline


def test_the_page_holds_every_script_part_once_in_order():
    # The script is split by idea into files; each must reach the page, in the documented order, and be
    # shipped by a non-editable install (pyproject's package-data globs), and no stray part be left out.
    import fnmatch
    import tomllib

    from rojas.explorer import page as page_module

    here = os.path.dirname(page_module.__file__)
    parts = page_module.SCRIPT_PARTS
    assert sorted(parts) == sorted(f for f in os.listdir(here) if f.endswith(".js"))
    page = rojas.explore(_labeled("mazur"))
    texts = [open(os.path.join(here, f), encoding="utf-8").read() for f in parts]
    where = [page.find(t) for t in texts]
    assert all(w > 0 for w in where) and where == sorted(where) and all(page.count(t) == 1 for t in texts)
    with open(os.path.join(os.path.dirname(os.path.dirname(here)), "pyproject.toml"), "rb") as fh:
        globs = tomllib.load(fh)["tool"]["setuptools"]["package-data"]["rojas.explorer"]
    assert all(any(fnmatch.fnmatch(f, g) for g in globs) for f in (*parts, "page.html", "explorer.css"))


def test_explore_writes_the_page(tmp_path):
    path = rojas.explore(_labeled("mazur"), tmp_path / "page.html")
    assert os.path.exists(path) and open(path, encoding="utf-8").read().startswith("<!DOCTYPE html>")
    assert os.listdir(tmp_path) == ["page.html"]  # no temporary file left behind


def test_notebook_form_is_a_sandboxed_iframe():
    html = repr_html(_labeled("mazur"))
    assert html.startswith("<iframe srcdoc=\"") and 'sandbox="allow-scripts"' in html
    assert "<script" not in html  # all of the page is inside the escaped attribute


def test_bad_size_sample_or_object():
    with pytest.raises(rojas.RojasError, match="over the explorer's limit of 5.*raise it"):
        page_data(_labeled("mazur"), max_nodes=5)
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, {"i1": [0.05, 0.1], "i2": [0.1, 0.2]}, {"o1": 0.01, "o2": 0.99})
    with pytest.raises(rojas.RojasError, match="choose 0 ... 1"):
        page_data(lab, sample=2)
    with pytest.raises(rojas.RojasError, match="not a batch"):
        page_data(_labeled("mazur"), sample=1)
    with pytest.raises(rojas.RojasError, match="labeled network"):
        rojas.explore({"i1": 0.05})
    with pytest.raises(rojas.RojasError, match="without data has no samples"):
        rojas.explore(net, sample=0)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "rojas", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_cli_writes_the_page_and_refuses_bad_input(tmp_path):
    net, data = rojas.example_path("mazur"), rojas.example_path("mazur", "data")
    out = tmp_path / "m.html"
    done = _cli("explore", net, "--data", data, "-o", str(out))
    assert done.returncode == 0 and out.exists() and "wrote" in done.stdout
    for args, culprit in ((("-o", str(tmp_path / "m.png"), "--data", data), "FILE.html"),
                          (("-o", str(out), "--sample", "1"), "--sample needs the inputs"),
                          (("--data", data, "-o", str(tmp_path / "no" / "m.html")), "cannot write"),
                          (("--max-nodes", "3", "-o", str(out)), "--max-nodes")):
        bad = _cli("explore", net, *args)
        assert bad.returncode == 2 and culprit in bad.stderr and "Traceback" not in bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
    # with data, over the limit: a focus page on the largest gradients instead (issue 21), saying so
    over = _cli("explore", net, "--data", data, "--max-nodes", "3", "-o", str(out))
    assert over.returncode == 0 and "--max-nodes" in over.stderr and "focuses on the 5 weights" in over.stderr


def test_the_value_of_a_node_as_objective():
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, {"i1": 0.05, "i2": 0.1}, of="h1")
    data = page_data(lab)
    assert data["E"] is None and data["obj"] == "o_h1" and data["nodes"][data["seed"]]["id"] == "h1"
    assert "a 1 enters at h1" in next(s["text"] for s in data["steps"] if s["phase"] == "backward")
    h1 = data["nodes"][data["seed"]]
    assert h1["sigma"] == 1.0 and h1["delta"] == pytest.approx(0.241300709, abs=5e-10)  # δ = f′(s)·1
    counts = {n["id"]: n["count"] for n in data["nodes"]}
    assert (counts["i1"], counts["i2"], counts["h1"], counts["o1"]) == ("1", "1", "1", "0")  # o1 is past h1


@pytest.mark.slow
def test_a_network_without_data_gives_its_structure(tmp_path):
    net = rojas.load(rojas.example_path("skip_product"))
    data = page_data(net)
    assert data["labeled"] is False and len(data["steps"]) == 1 and data["E"] is None
    assert {n["id"]: n["count"] for n in data["nodes"]}["x1"] == str(rojas.proof.paths.path_counts(net, ["y"])["x1"])
    assert [p["count"] for p in data["params"]] == ["4"]  # t1: x1→h1→{p→h2, p, h2}→y; t2: p→h2→y
    done = _cli("explore", rojas.example_path("skip_product"), "-o", str(tmp_path / "s.html"))
    assert done.returncode == 0 and "structure only" in done.stdout


def test_a_labeling_offers_its_explorer(tmp_path):
    # The Labeling's own hooks: the notebook frame and lab.explore(path), with Mazur's δ of h1 in the page.
    net = rojas.load(rojas.example_path("mazur"))
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    assert lab._repr_html_().startswith("<iframe") and 'sandbox="allow-scripts"' in lab._repr_html_()
    path = lab.explore(str(tmp_path / "page.html"))
    assert "0.00877135469" in open(path, encoding="utf-8").read()


def test_a_bad_pos_is_refused_by_explore_as_by_draw(tmp_path):
    """The explorer reads the ``pos`` field with rojas draw's check: pos on some units only is one line, exit 2."""
    import json

    doc = json.load(open(rojas.example_path("mazur")))
    for n in doc["nodes"]:
        if n["id"] != "h2":
            n["pos"] = [len(n["id"]), ord(n["id"][-1])]
    (tmp_path / "half.json").write_text(json.dumps(doc))
    bad = _cli("explore", str(tmp_path / "half.json"), "-o", str(tmp_path / "half.html"))
    assert bad.returncode == 2
    assert bad.stderr.strip() == "rojas: error: node 'h2' has no pos while 5 of the 6 units have one: pin every " \
                                 "unit or none"
