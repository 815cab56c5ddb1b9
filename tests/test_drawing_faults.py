"""The faults a review of every figure found (issue 22), each pinned by a test that failed before its fix.

Faults 6 (colours) and 9 (the explorer) are tested in test_drawing_style.py and test_explorer_browser.py,
fault 10 (the GIF's pace) in test_drawing.py.
"""

import xml.etree.ElementTree as ET

import numpy as np
from drawing_nets import labeled, random_dag
from test_drawing_export import few_paths
from test_drawing_page import texts_inside

import rojas
from rojas.drawing import save_drawing
from rojas.drawing.render import make_drawing
from rojas.drawing.scene import build_scene
import pytest

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

SVG = "{http://www.w3.org/2000/svg}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def mazur():
    return rojas.label(rojas.load(rojas.example_path("mazur")), *rojas.load_data(rojas.example_path("mazur", "data")))


def test_fault_1_the_paths_legend_stays_on_the_figure_at_table_detail():
    """The legend was centred under the graph's axes, left of the tables, and ran off the left edge."""
    lab = labeled(*random_dag(20, 3))
    d = make_drawing(lab, None, pyplot=False, paths=few_paths(lab))
    assert d.mode == "table" and d.legend is not None
    assert texts_inside(d) == []


def test_fault_2_svg_text_keeps_its_spaces_and_every_unit_is_a_group(tmp_path):
    """SVG text had no xml:space="preserve": the tables' columns (runs of spaces) collapsed."""
    lab = labeled(*random_dag(20, 3))
    save_drawing(lab, tmp_path / "t.svg", detail="table")
    root = ET.parse(tmp_path / "t.svg").getroot()
    assert root.get(XML_SPACE) == "preserve"
    assert any("   " in "".join(t.itertext()) for t in root.iter(f"{SVG}text"))  # a table's columns
    # editable: every unit and edge of Mazur's network in groups carrying the explorer's data attributes
    lab = mazur()
    save_drawing(lab, tmp_path / "m.svg")
    root = ET.parse(tmp_path / "m.svg").getroot()
    nodes = {(g.get("data-node"), p.get("data-panel")) for g in root.iter(f"{SVG}g") if g.get("data-node")
             for p in g.iter(f"{SVG}g") if p.get("data-panel")}  # each panel's part a group inside the unit's
    edges = {(g.get("data-edge"), p.get("data-panel")) for g in root.iter(f"{SVG}g") if g.get("data-edge")
             for p in g.iter(f"{SVG}g") if p.get("data-panel")}
    objective = {(g.get("data-objective"), p.get("data-panel")) for g in root.iter(f"{SVG}g")
                 if g.get("data-objective") for p in g.iter(f"{SVG}g") if p.get("data-panel")}
    for panel in ("forward", "backward"):
        assert {n for n, p in nodes if p == panel} == set(map(str, lab.network.nodes))
        assert {n for n, p in objective if p == panel} == {"E", "error:o1", "error:o2"}  # the explorer's
        assert {e for e, p in edges if p == panel} >= {f"{u}->{v}" for u, v in lab.network.edges}


def test_fault_3_the_level_of_detail_does_not_depend_on_the_paths():
    """A 13-unit DAG was drawn in full without paths but as tables with the 13 paths from x0->n1
    (the legend's height counted against the size limit)."""
    lab = labeled(*random_dag(13, 1))
    plain = make_drawing(lab, None, pyplot=False)
    with_paths = make_drawing(lab, None, pyplot=False, paths="x0->n1")
    assert rojas.path_sum(lab, "x0->n1").count == 13
    assert plain.mode == with_paths.mode == "full" and with_paths.panels == plain.panels


def test_fault_7_an_unnamed_edge_writes_a_negative_factor_in_brackets():
    """'×−0.249' read as a subtraction."""
    net = rojas.Network(name="two units")
    net.add_input("x")
    net.add_unit("y", "sigmoid")
    net.add_edge("x", "y", weight=-0.249)
    lab = rojas.label(net, {"x": 1.0}, {"y": 0.5})
    edge = build_scene(net, lab).edges[0]
    assert edge.backward.split("\n")[0] == "×(−0.249)"
    assert np.isclose(lab.weight("x", "y"), -0.249)


def test_fault_4_the_summary_says_how_many_zeros_its_log_scale_leaves_out():
    """A 300-unit net with dead ReLUs: 79 δ and 306 ∂E/∂w were 0 and left off the log scale unsaid."""
    rng = np.random.default_rng(5)
    net = rojas.Network(name="dead ReLUs")
    xs = [f"x{i}" for i in range(10)]
    for x in xs:
        net.add_input(x)
    hidden = [f"h{j}" for j in range(200)]
    for j, h in enumerate(hidden):
        net.add_unit(h, "relu", bias=-1.5 if j % 3 == 0 else 0.2)  # every third unit dead
        for x in rng.choice(xs, 3, replace=False):
            net.add_edge(str(x), h, weight=float(rng.normal(0, 0.3)))
    net.add_unit("y", "sigmoid")
    for h in hidden:
        net.add_edge(h, "y", weight=float(rng.normal(0, 0.3)))
    lab = rojas.label(net, {x: float(rng.uniform(0, 1)) for x in xs}, {"y": 0.9})
    zero_delta = sum(1 for n in net.nodes if lab.delta[n] == 0)
    zero_grad = sum(1 for g in lab.weight_grad.values() if g == 0)
    assert zero_delta > 0 and zero_grad > 0
    d = make_drawing(lab, None, pyplot=False)
    assert d.mode == "summary"
    titles = [a.get_title(loc="left") for a in d.summary_axes]
    assert f"{zero_delta:,} of the {len(net):,} δ are 0" in titles[1]
    assert f"{zero_grad:,} of the {len(net.edges):,} ∂E/∂w are 0" in titles[2]


def _polyline_distance(points, line):
    """The distance from each of `points` to the polyline `line` (both arrays of (x, y))."""
    a, b = line[:-1], line[1:]
    d = b - a
    rel = points[:, None, :] - a[None]
    t = np.clip((rel * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-12), 0, 1)
    return np.hypot(*(rel - t[..., None] * d).transpose(2, 0, 1)).min(1)


def test_fault_8_the_error_units_edges_into_E_run_in_lanes_of_their_own():
    """The dashed edges from the error units of an unfolded net to E merged into one line along the top."""
    from rojas.drawing.scene import ObjectiveNode
    from rojas.drawing.units import route_curve
    from test_drawing import unfolded

    d = make_drawing(unfolded("recurrent_elman"), None, pyplot=False, detail="full")
    E = ObjectiveNode("sum")
    into = [route_curve(r, samples=200) for (u, v), r in d.layout.routes.items() if v == E]
    assert len(into) == 3  # the Elman data has targets at 3 of its 4 steps
    centre = np.asarray(d.layout.pos[E])
    for i, a in enumerate(into):
        a = a[np.hypot(*(a - centre).T) > 2.0]  # where they meet E they must come together
        for j, b in enumerate(into):
            if i != j:
                shared = (_polyline_distance(a, b) < 0.3).mean()
                assert shared < 0.05, (i, j, shared)


def test_svg_text_names_the_font_rojas_chose_and_measures_with(tmp_path):
    """The SVG named Matplotlib's default list (DejaVu Sans first by accident, then Lucida Grande, Arial, …)."""
    import re

    from matplotlib import font_manager

    from rojas.drawing.style import FONT_FAMILY

    save_drawing(mazur(), tmp_path / "m.svg")
    families = set(re.findall(r"font-family: ([^;\"]*)", (tmp_path / "m.svg").read_text()))
    assert families == {", ".join(f"'{f}'" for f in FONT_FAMILY) + ", sans-serif"}
    # the first named is the font the texts were measured and placed with, and it has every glyph rojas writes
    path = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY[0]), fallback_to_default=False)
    font = font_manager.get_font(path)
    assert font.family_name == FONT_FAMILY[0]
    assert all(font.get_char_index(ord(c)) for c in "∂Σδ′→×⁻⁰¹²³⁴₁₂")


def test_fault_7_an_unnamed_edge_names_its_gradient_with_the_edge_as_subscript():
    """An unnamed edge's gradient read "∂E/∂w", with no subscript: which w?"""
    net = rojas.Network(name="2-1-1")
    net.add_input("x1").add_input("x2").add_unit("h1", "tanh").add_unit("y", "sigmoid")
    net.add_edge("x1", "h1", weight=0.3).add_edge("x2", "h1", weight=-0.5).add_edge("h1", "y", weight=-0.249)
    x, t = {"x1": 1.0, "x2": 0.5}, {"y": 0.9}
    lab = rojas.label(net, x, t)
    lines = {(e.u, e.v): e.backward.split("\n") for e in build_scene(net, lab).edges if not e.objective}
    assert lines["h1", "y"][0] == "×(−0.249)"
    name, value = lines["h1", "y"][1].split(" = ")
    assert name == "∂E/∂w_{h1→y}" and lines["x2", "h1"][1].startswith("∂E/∂w_{x2→h1} = ")
    # and the number is the gradient: a central difference of E in that weight
    h = 1e-6

    def loss(w):
        n = rojas.Network(name="2-1-1")
        n.add_input("x1").add_input("x2").add_unit("h1", "tanh").add_unit("y", "sigmoid")
        n.add_edge("x1", "h1", weight=0.3).add_edge("x2", "h1", weight=-0.5).add_edge("h1", "y", weight=w)
        return rojas.label(n, x, t).value

    assert np.isclose(float(value.replace("−", "-")), (loss(-0.249 + h) - loss(-0.249 - h)) / (2 * h), rtol=1e-3)


def test_fault_7_an_unfolded_nets_target_does_not_read_as_a_time_step():
    """Above the time columns of an unfolded net, "t = 0.2" read as the time step t."""
    from test_drawing import unfolded

    lab = unfolded("recurrent_elman")
    scene = build_scene(lab.network, lab)
    errors = [s for s in scene.nodes.values() if s.kind == "error"]
    assert len(errors) == 3
    for spec in errors:
        out = spec.node.output
        want = f"target = {rojas.utils.formatting.fmt(lab.targets[out], scene.digits)}"
        assert spec.forward["above"] == spec.backward["above"] == want
    assert [float(s.forward["above"].split(" = ")[1]) for s in errors] == [0.2, 0.8, 0.4]  # the data file's
    mazur_errors = [s for s in build_scene(mazur().network, mazur()).nodes.values() if s.kind == "error"]
    assert {s.forward["above"] for s in mazur_errors} == {"t = 0.01", "t = 0.99"}  # no time: Rojas's t


def test_fault_5_no_two_path_badges_overlap():
    """At 20 units the numbered badges of several paths piled up on one spot."""
    import itertools

    from matplotlib.patches import Circle

    lab = labeled(*random_dag(20, 5))
    d = make_drawing(lab, None, pyplot=False, paths=few_paths(lab, most=8))
    assert d.mode == "table" and len(d.paths) == 8
    discs = [a for _, arts in d.paths for a in arts if isinstance(a, Circle)]
    assert len(discs) == 8  # one badge per path on the one graph panel
    renderer = d.figure.canvas.get_renderer()
    boxes = [a.get_window_extent(renderer) for a in discs]  # the badges' bounding boxes as drawn, in pixels
    touching = [(i, j) for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
                if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1]
    assert touching == []


def test_fault_5_highlight_bands_keep_clear_of_edge_labels():
    """The bands of ∂E/∂w1's two paths ran under "w1 = 0.15" on Mazur's figure."""
    from matplotlib.lines import Line2D

    d = make_drawing(mazur(), None, pyplot=False, paths="w1")
    renderer = d.figure.canvas.get_renderer()
    labels = [t for t in d.ax.texts if t.get_visible() and ("w" in t.get_text() and "=" in t.get_text())]
    assert any(t.get_text() == "w1 = 0.15" for t in labels)
    boxes = [t.get_window_extent(renderer) for t in labels]
    bands = [a for _, arts in d.paths for a in arts if isinstance(a, Line2D)]
    assert len(bands) >= 8  # two paths, each over its edges on both panels
    for band in bands:
        xy = np.column_stack(band.get_data()).astype(float)
        pieces = np.split(xy, np.flatnonzero(np.isnan(xy[:, 0])))  # Matplotlib lifts the pen at NaN
        for piece in pieces:
            piece = piece[~np.isnan(piece[:, 0])]
            if len(piece) < 2:
                continue
            t = np.linspace(0, 1, 200)[:, None]  # every point along each segment, not only its ends
            dense = np.concatenate([a + t * (b - a) for a, b in zip(piece[:-1], piece[1:])])
            px = d.ax.transData.transform(dense)
            for text, box in zip(labels, boxes):
                inside = (px[:, 0] > box.x0) & (px[:, 0] < box.x1) & (px[:, 1] > box.y0) & (px[:, 1] < box.y1)
                assert not inside.any(), text.get_text()


def labels_on_other_edges(d):
    """Every edge label whose drawn white ground meets the drawn line of another edge: ``(panel, edge, other)``.

    Measured from the artists as Matplotlib draws them, in display pixels: the label's background (its
    rounded box, rotated with the text) against each other edge's arrow (line and head), sampled densely.
    """
    from matplotlib.path import Path

    d.figure.canvas.draw()
    renderer = d.figure.canvas.get_renderer()
    t = np.linspace(0, 1, 40)[:, None]
    out = []
    for panel, edges in d.edges.items():
        lines = {}
        for key, art in edges.items():
            pieces = art.arrow.get_path().to_polygons(closed_only=False)
            pts = [d.ax.transData.transform(p) for p in pieces if len(p) > 1]
            lines[key] = np.concatenate([(a[:-1, None] * (1 - t) + a[1:, None] * t).reshape(-1, 2) for a in pts])
        for key, art in edges.items():
            if art.label is None or not art.label.get_visible():
                continue
            patch = art.label.get_bbox_patch()
            art.label.update_bbox_position_size(renderer)
            ground = Path(np.vstack(patch.get_path().transformed(patch.get_transform()).to_polygons()))
            out += [(panel, key, other) for other, dense in lines.items()
                    if other != key and ground.contains_points(dense).any()]
    return out


@pytest.mark.parametrize("paths", [False, True], ids=["plain", "paths"])
@pytest.mark.parametrize("name", ["skip9", "3-4-4-2", "dag12"])
def test_fault_5_no_edge_label_runs_into_another_edge(name, paths):
    """In full detail ∂E/∂w labels lay across other edges' lines (a crowded drawing was not tried again when
    the detail was asked for, and a label grazing a line along it counted as clear)."""
    from test_drawing_export import NETS

    lab = NETS[name]()
    d = make_drawing(lab, None, pyplot=False, detail="full", paths=few_paths(lab) if paths else None)
    assert d.mode == "full" and len(d.edge_labels()) == 2 * len(lab.network.edges)
    assert labels_on_other_edges(d) == []
    assert d.crowded == 0 and d.left_out == []


def test_fault_8_the_full_elman_figure_keeps_every_label_clear():
    """The full figure of Elman's net unfolded over 5 steps warned that 5 labels could not be kept clear:
    the steep fans of input edges cross in the middle, and --detail full was never tried with wider gaps."""
    from test_drawing import unfolded

    d = make_drawing(unfolded("recurrent_elman"), None, pyplot=False, detail="full")
    assert d.mode == "full" and d.panels == ["forward", "backward"]
    assert labels_on_other_edges(d) == []
    assert d.crowded == 0 and d.left_out == []


def test_fault_8_full_detail_at_a_width_it_does_not_fit_is_refused(tmp_path):
    """`--detail full --width 6.5in` shrank the Elman graph under its labels (set in points) and exited 0."""
    from test_drawing import unfolded

    with pytest.raises(rojas.RojasError, match=r"detail 'full' needs a width of at least \d+ pt"):
        save_drawing(unfolded("recurrent_elman"), tmp_path / "e.pdf", detail="full", width=468.0)
    assert not (tmp_path / "e.pdf").exists()
    with pytest.raises(rojas.RojasError, match=r"give --width 1\d\.\din or more"):  # Mazur's fits 11 in or so
        save_drawing(mazur(), tmp_path / "m.pdf", detail="full", width=468.0)


def test_fault_8_tikz_fills_only_closed_shapes(tmp_path):
    """In the full Elman figure's .tex each curved dashed edge into an error unit was filled as a polygon (its
    line and head written as one filled path): big red blots across the backward panel."""
    import re

    from test_drawing import unfolded

    from rojas.drawing.scene import ObjectiveNode

    d = save_drawing(unfolded("recurrent_elman"), tmp_path / "e.tikz", detail="full")
    curved = sum(len(r) > 2 for (u, v), r in d.layout.routes.items() if v == ObjectiveNode("sum"))
    paths = re.findall(r"\\path\[([^\]]*)\] (.*?);$", (tmp_path / "e.tikz").read_text(), flags=re.M)
    filled = [body for opts, body in paths if re.search(r"(^|, )fill=", opts)]
    assert len(filled) > 100  # units' halves, boxes, arrowheads
    # one closed piece each: a second piece starts with a bare point after the last ("… (x,y) (x,y) -- …")
    assert [body[:80] for body in filled if ") (" in body or not body.endswith("-- cycle")] == []
    dashed = [body for opts, body in paths if "dash pattern" in opts and "fill=" not in opts]
    assert curved >= 2 and sum(body.count("--") > 20 for body in dashed) == curved * len(d.panels)  # lines


def test_fault_5_a_label_with_no_free_place_is_listed_under_the_graph():
    """Where no gap could be widened enough (here the full detail in a user's 8 × 7 in axes), a ∂E/∂w label
    lay across other edges; now its edge carries a number and the label is listed under the graph."""
    from test_drawing import figure_ax
    from test_drawing_export import NETS

    lab = NETS["3-4-4-2"]()
    ax = figure_ax(8, 7)
    ax.set_position([0, 0, 1, 1])
    d = rojas.draw(lab, ax=ax, detail="full")
    assert d.mode == "full" and d.crowded > 0
    assert labels_on_other_edges(d) == []
    marks = {art.label.get_text(): (panel, key) for panel, edges in d.edges.items() for key, art in edges.items()
             if art.label is not None and art.label.get_text().startswith("[")}
    assert sorted(marks) == [f"[{k}]" for k in range(1, d.crowded + 1)]
    texts = [t.get_text() for t in d.ax.texts]
    scene = build_scene(lab.network, lab)
    for mark, (panel, (u, v)) in marks.items():  # the label's own text, in full, after its number
        edge = next(e for e in scene.edges if (e.u, e.v) == (u, v))
        label = (edge.backward if panel == "backward" else edge.forward).replace("\n", ", ")
        assert any(t.startswith(f"{mark} {u} → {v} ({panel} sweep): ") and t.endswith(label) for t in texts), mark
    assert f"{d.crowded} edge labels listed under the graph, numbered on their edges: no free place beside " \
        "them" in d.left_out  # (with "texts set at 29% of their size": the user's axes are small)


def test_full_detail_widened_past_the_width_falls_back_to_the_attempt_that_fitted(tmp_path):
    """After merging the retry with wider gaps into the pages' width check: the full skip net at 1700 pt is
    1680 pt wide with one crowded label, and its widened retry (about 1730 pt) was refused as not fitting,
    though a drawing that fits, its one label numbered and listed, had been made."""
    from test_drawing_export import NETS

    d = save_drawing(NETS["skip9"](), tmp_path / "s.pdf", detail="full", width=1700.0)
    assert d.mode == "full" and d.figure.get_size_inches()[0] * 72 == pytest.approx(1700.0)
    assert d.natural_width <= 1700.0 * 1.001 and d.crowded == 1
    assert labels_on_other_edges(d) == []
    assert "1 edge label listed under the graph, numbered on their edges: no free place beside them" in d.left_out
