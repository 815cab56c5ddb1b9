"""A layout pinned by the user: the ``pos`` node field (issue 22)."""

import json
import math
import shutil
import subprocess
import sys

import numpy as np
import pytest

import rojas
from rojas.drawing.render import make_drawing

# Mazur's 2-2-2 network with h2 and o1 pinned *above* h1 and o2 (the layered layout puts h1 and o1 on top),
# and h2 pushed right: a picture no layered layout draws.
PINS = {"i1": [0, 2], "i2": [0, 0], "h1": [1, 0], "h2": [1.5, 2.5], "o1": [3, 2], "o2": [3, 0]}


def pinned_file(tmp_path, pins=PINS):
    d = json.load(open(rojas.example_path("mazur")))
    for n in d["nodes"]:
        if n["id"] in pins:
            n["pos"] = pins[n["id"]]
    path = tmp_path / "pinned.json"
    path.write_text(json.dumps(d))
    return path


def pinned_labeling(tmp_path, pins=PINS):
    return rojas.label(rojas.load(pinned_file(tmp_path, pins)), *rojas.load_data(rojas.example_path("mazur", "data")))


def test_the_drawing_puts_every_unit_where_the_file_pins_it(tmp_path):
    d = make_drawing(pinned_labeling(tmp_path), None, pyplot=False)
    pos = d.layout.pos
    units = list(PINS)
    drawn = np.array([pos[n] for n in units])
    given = np.array([PINS[n] for n in units], dtype=float)
    # the same picture up to a shift and one scale: the differences from i2 are proportional
    rel_d, rel_g = drawn - drawn[1], given - given[1]
    k = rel_d[0, 1] / rel_g[0, 1]
    assert k > 0 and np.allclose(rel_d, k * rel_g)
    # the shortest edge (h1 -> o2... i2 -> h1, length 1) is one column gap long; no two units closer than a slot
    assert math.isclose(math.dist(pos["i2"], pos["h1"]), 6.0)
    # every edge a straight line between its ends
    assert all(len(route) == 2 for route in d.layout.routes.values())
    # the error units sit right of everything, level with their outputs; E further right
    errs = [n for n in pos if getattr(n, "role", None) == "error"]
    assert len(errs) == 2 and all(pos[n][1] == pos[n.output][1] for n in errs)
    right = max(pos[n][0] for n in units)
    assert all(pos[n][0] > right for n in errs)


@pytest.mark.parametrize("pos, says", [
    ([1, "a"], "node 'h2': pos [1, 'a'] must be [x, y], two finite numbers"),
    ([1, 2, 3], "node 'h2': pos [1, 2, 3] must be [x, y], two finite numbers"),
    ([0, 2], "nodes 'i1' and 'h2' are pinned to the same pos [0.0, 2.0]"),
    (None, "node 'h2' has no pos while 5 of the 6 units have one: pin every unit or none"),
])
@pytest.mark.slow
def test_a_bad_pos_is_refused_in_one_line_naming_the_unit(tmp_path, pos, says):
    pins = dict(PINS)
    if pos is None:
        del pins["h2"]
    else:
        pins["h2"] = pos
    path = pinned_file(tmp_path, pins)
    run = subprocess.run([sys.executable, "-m", "rojas", "draw", str(path), "-o", str(tmp_path / "x.png")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip() == f"rojas: error: {says}"


def test_pins_load_without_a_warning_and_survive_a_save(tmp_path, recwarn):
    net = rojas.load(pinned_file(tmp_path))
    assert not [w for w in recwarn if "pos" in str(w.message)]
    net.save(tmp_path / "again.json")
    again = json.loads((tmp_path / "again.json").read_text())
    assert {n["id"]: n["pos"] for n in again["nodes"]} == PINS


def test_the_dot_source_pins_the_units_for_neato(tmp_path):
    lab = pinned_labeling(tmp_path)
    from rojas.drawing.dot import dot_source
    from rojas.drawing.scene import build_scene

    text = dot_source(build_scene(lab.network, lab))
    at = {}
    for line in text.splitlines():
        if 'pos="' in line and "label=" in line:
            name = line.split("label=")[1].split("\\n")[0].strip('"').split("|")[0]
            x, y = line.split('pos="')[1].split('!"')[0].split(",")
            at[name] = (float(x), float(y))
    for n in PINS:  # proportional to the pins, measured from i2
        for c in (0, 1):
            assert math.isclose(at[n][c] - at["i2"][c], (PINS[n][c] - PINS["i2"][c]) * (at["i1"][1] - at["i2"][1]) / 2,
                                abs_tol=1e-3)
    if shutil.which("neato"):
        out = subprocess.run(["neato", "-Tplain"], input=text, capture_output=True, text=True, check=True).stdout
        placed = {}
        for line in out.splitlines():
            parts = line.split()
            if parts[0] == "node":
                placed[parts[1]] = (float(parts[2]), float(parts[3]))
        ys = {n: placed[f"n{i}"][1] for i, n in enumerate(["i1", "i2", "h1", "h2", "o1", "o2"])}
        assert ys["h2"] > ys["i1"] > ys["h1"] and ys["o1"] > ys["o2"]


def _named_program(printed, source):
    """The Graphviz program the command's line and the file's first comment tell the user to run."""
    said = printed.split("render with `")[1].split(" ")[0]
    comment = source.splitlines()[0]
    assert comment.startswith("//") and "render with `" in comment
    assert comment.split("render with `")[1].split(" ")[0] == said
    return said


@pytest.mark.skipif(not (shutil.which("neato") and shutil.which("dot")), reason="needs Graphviz")
@pytest.mark.parametrize("pinned", [True, False], ids=["pinned", "ranked"])
def test_draw_dot_names_the_program_that_keeps_the_layout(tmp_path, pinned):
    """The review: `rojas draw pinned.json -o x.dot` said `dot`, which ignores pos; neato keeps it."""
    path = pinned_file(tmp_path) if pinned else rojas.example_path("mazur")
    out = tmp_path / "x.dot"
    run = subprocess.run([sys.executable, "-m", "rojas", "draw", str(path), "--data",
                          rojas.example_path("mazur", "data"), "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    program = _named_program(run.stdout, out.read_text())
    assert program == ("neato" if pinned else "dot")
    plain = subprocess.run([program, "-Tplain", str(out)], capture_output=True, text=True, check=True).stdout
    placed = {}
    for line in plain.splitlines():
        parts = line.split()
        if parts[0] == "node":
            placed[parts[6].strip('"').split("\\n")[0].split("|")[0]] = (float(parts[2]), float(parts[3]))
    if pinned:  # every unit where its pin puts it, up to the one scale and shift (pins in R, pos in inches)
        k = (placed["i1"][1] - placed["i2"][1]) / (PINS["i1"][1] - PINS["i2"][1])
        for n, (x, y) in PINS.items():
            assert placed[n][0] - placed["i2"][0] == pytest.approx(k * (x - PINS["i2"][0]), abs=0.02), n
            assert placed[n][1] - placed["i2"][1] == pytest.approx(k * (y - PINS["i2"][1]), abs=0.02), n
    else:  # dot ranks left to right: inputs, hidden, outputs in increasing x
        assert placed["i1"][0] < placed["h1"][0] < placed["o1"][0]


@pytest.mark.slow
def test_pos_at_float64s_ends_is_refused_in_one_line_or_laid_out():
    """Review faults: a pos of 400 digits raised OverflowError (math.isfinite of a huge int); units pinned
    5e-324 apart divided by zero (the k-d tree squares distances: they underflowed to 0); units 1e-15 apart
    among units 1 apart drew a 3-unit network as a summary and an explorer page 2×10¹⁷ px wide."""
    import networkx as nx

    from rojas.drawing.pinned import check_pins, pinned_layout

    with pytest.raises(rojas.NetworkError, match=r"node 'y': pos \[1000.* must be \[x, y\], two finite numbers"):
        check_pins({"x": [0, 0], "y": [10 ** 400, 0]}, ["x", "y"])
    with pytest.raises(rojas.NetworkError, match=r"nodes 'h' and 'y' are pinned 1.11×10⁻¹⁵ of the pos fields"):
        check_pins({"x": [0, 0], "h": [1, 0], "y": [1 + 1e-15, 0]}, ["x", "h", "y"])
    G = nx.DiGraph([("x", "h"), ("h", "y")])
    for pins in ({"x": (0.0, 0.0), "h": (5e-324, 0.0), "y": (1e-323, 0.0)},
                 {"x": (-1e308, 0.0), "h": (0.0, 0.0), "y": (1e308, 1e308)}):
        pos = pinned_layout(G, check_pins(pins, list(pins)), first=["x"], gap=6.0, slot=3.7).pos
        assert pos["x"][0] < pos["h"][0] < pos["y"][0] and all(math.isfinite(c) for p in pos.values() for c in p)
        assert min(math.dist(pos["x"], pos["h"]), math.dist(pos["h"], pos["y"])) == pytest.approx(6.0)
