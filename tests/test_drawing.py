"""Figures: geometry, text extents, files and the command line, checked independently.

Every property here is derived without the drawing code: positions are read
back from the artists, text extents from Matplotlib's renderer, image sizes
from the files' own headers, the numbers shown from ``reference.py`` (a naive
forward sweep that does not import rojas).
"""

import itertools
import math
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import numpy as np
import pytest
import reference as R

import rojas
from rojas import RojasError
from rojas.drawing import draw

MAZUR = rojas.example_path("mazur")
MAZUR_DATA = rojas.example_path("mazur", "data")
PNG = b"\x89PNG\r\n\x1a\n"


def labeled(name):
    return rojas.label(rojas.load(rojas.example_path(name)), *rojas.load_data(rojas.example_path(name, "data")))


def png_size(data):
    """(width, height) from a PNG's IHDR chunk."""
    assert data[:8] == PNG
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def rojas_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "rojas", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def figure_ax(w=10, h=8):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h))
    FigureCanvasAgg(fig)
    return fig.add_subplot()


# ---------------------------------------------------------------------------- geometry read back
def renderer(drawing):
    return drawing.figure.canvas.get_renderer()


def text_box(t, r):
    """The text's extent in pixels, including its background box."""
    bb = t.get_window_extent(r)
    box = [bb.x0, bb.y0, bb.x1, bb.y1]
    patch = t.get_bbox_patch()
    if patch is not None:
        t.update_bbox_position_size(r)
        pb = patch.get_window_extent(r)
        box = [min(box[0], pb.x0), min(box[1], pb.y0), max(box[2], pb.x1), max(box[3], pb.y1)]
    return box


def overlap(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0) * max(h, 0)


def text_polygon(t, r):
    """The corners of a text's box (its background included) in pixels, rotated as drawn.

    The unrotated extent comes from the renderer (``get_window_extent`` with the
    rotation set to 0 for the measurement), then is turned about the anchor.
    """
    angle = t.get_rotation()
    if angle % 360 == 0:
        x0, y0, x1, y1 = text_box(t, r)
        return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    t.set_rotation(0)
    try:
        x0, y0, x1, y1 = text_box(t, r)
    finally:
        t.set_rotation(angle)
    ax_, ay_ = t.get_transform().transform(t.get_position())
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    corners = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]) - (ax_, ay_)
    return corners @ rot.T + (ax_, ay_)


def polygons_overlap(p, q, tol=0.5):
    """Do two convex polygons overlap by more than `tol` pixels (separating-axis test)?"""
    for poly in (p, q):
        for i in range(len(poly)):
            edge = poly[(i + 1) % len(poly)] - poly[i]
            axis = np.array([-edge[1], edge[0]]) / (np.hypot(*edge) or 1.0)
            a, b = p @ axis, q @ axis
            if min(a.max(), b.max()) - max(a.min(), b.min()) <= tol:
                return False
    return True


def point_polygon_distance(pt, poly):
    """The distance from a point to a convex polygon (0 inside)."""
    def cross(a, b):
        return a[0] * b[1] - a[1] * b[0]

    inside = all(cross(poly[(i + 1) % 4] - poly[i], pt - poly[i]) >= 0 for i in range(4)) or \
        all(cross(poly[(i + 1) % 4] - poly[i], pt - poly[i]) <= 0 for i in range(4))
    if inside:
        return 0.0
    best = math.inf
    for i in range(4):
        a, b = poly[i], poly[(i + 1) % 4]
        s = np.clip(np.dot(pt - a, b - a) / max(np.dot(b - a, b - a), 1e-12), 0, 1)
        best = min(best, float(np.hypot(*(pt - (a + s * (b - a))))))
    return best


def circles(drawing):
    """Every unit's circle in pixels: (cx, cy, r, panel, node), from the outline artist itself."""
    from matplotlib.patches import Circle

    out = []
    trans = drawing.ax.transData
    for panel, nodes in drawing.nodes.items():
        for node, unit in nodes.items():
            for shape in unit.shapes:
                if isinstance(shape, Circle):
                    cx, cy = shape.center
                    (px, py), (qx, _) = trans.transform([(cx, cy), (cx + shape.radius, cy)])
                    out.append((px, py, qx - px, panel, node))
    return out


def assert_labels_apart(drawing):
    """No two texts outside the units overlap; none covers a unit; all lie inside the figure."""
    r = renderer(drawing)
    texts = [t for t in drawing.label_texts() if t.get_visible() and t.get_text()]
    polys = [text_polygon(t, r) for t in texts]
    for (i, a), (j, b) in itertools.combinations(enumerate(polys), 2):
        assert not polygons_overlap(a, b), (texts[i].get_text(), texts[j].get_text())
    for t, p in zip(texts, polys):
        for cx, cy, rad, panel, node in circles(drawing):
            assert point_polygon_distance(np.array([cx, cy]), p) > rad - 0.5, (t.get_text(), node)
    W, H = drawing.figure.bbox.width, drawing.figure.bbox.height
    extra = [a for a in (drawing.legend, drawing.note, *drawing.tables) if a is not None]
    boxes = [[p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()] for p in polys]
    for b in boxes + [list(a.get_window_extent(r).extents) for a in extra]:
        assert b[0] >= -0.5 and b[1] >= -0.5 and b[2] <= W + 0.5 and b[3] <= H + 0.5, b


def assert_inner_texts_fit(drawing):
    """Each value and heading lies inside its own unit, on its own side of the split."""
    r = renderer(drawing)
    by_node = {(p, n): (cx, cy, rad) for cx, cy, rad, p, n in circles(drawing)}
    for panel, nodes in drawing.nodes.items():
        for node, unit in nodes.items():
            if (panel, node) not in by_node:
                continue
            cx, cy, rad = by_node[(panel, node)]
            for key, t in unit.texts.items():
                if key not in ("left", "right", "left_head", "right_head"):
                    continue
                b = text_box(t, r)
                for x, y in ((b[0], b[1]), (b[0], b[3]), (b[2], b[1]), (b[2], b[3])):
                    assert math.hypot(x - cx, y - cy) <= rad + 0.5, (node, key, t.get_text())
                if key.startswith("left"):
                    assert b[2] <= cx + 0.5, (node, key)
                else:
                    assert b[0] >= cx - 0.5, (node, key)


# ---------------------------------------------------------------------------- import and layout
@pytest.mark.slow
def test_import_rojas_does_not_import_matplotlib():
    code = ("import sys, rojas, rojas.drawing, rojas.cli; rojas.cli.build_parser(); "
            "assert 'matplotlib' not in sys.modules, sorted(m for m in sys.modules if 'matplotlib' in m)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def random_dags():
    for seed in range(6):
        yield nx.DiGraph(R.random_network(seed, 2 + seed % 3, 4 + seed, 1 + seed % 2, p_skip=0.4))
    for seed in range(3):
        G = nx.gnp_random_graph(25, 0.15, seed=seed, directed=True)
        yield nx.DiGraph([(u, v) for u, v in G.edges if u < v])


@pytest.mark.parametrize("G", list(random_dags()), ids=lambda G: f"{len(G)}n{G.number_of_edges()}e")
def test_layout_left_of_successors_and_deterministic(G):
    from rojas.drawing import layered_layout

    sources = [n for n in G if G.in_degree(n) == 0]
    a = layered_layout(G, first=sources)
    b = layered_layout(G.copy(), first=sources)
    assert a.pos == b.pos
    assert set(a.pos) == set(G)
    for u, v in G.edges:
        assert a.pos[u][0] < a.pos[v][0], (u, v)
    # Units in one column never overlap: centres at least two radii apart.
    for c in set(a.column.values()):
        ys = sorted(a.pos[n][1] for n in G if a.column[n] == c)
        assert all(y2 - y1 >= 2.0 for y1, y2 in zip(ys, ys[1:]))


def dense(points, step=0.05):
    out = [points[0]]
    for p, q in zip(points, points[1:]):
        k = max(1, int(math.hypot(*(q - p)) / step))
        out.extend(p + (q - p) * t for t in np.linspace(0, 1, k + 1)[1:])
    return np.array(out)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_arcs_never_pass_through_units(seed):
    net = rojas.Network(nx.DiGraph(R.random_network(seed, 2, 6, 1, p_skip=0.6, p_product=0.0, p_tied=0.0)))
    d = draw(net, ax=figure_ax(16, 12), detail="full")
    panel = d.panels[0]
    centres = {n: np.array(p) + (0, d.offsets[panel]) for n, p in d.layout.pos.items()}
    long_edges = 0
    for (u, v), art in d.edges[panel].items():
        long_edges += d.layout.column[v] - d.layout.column[u] > 1
        pts = dense(np.asarray(art.points))
        for n, c in centres.items():
            if n in (u, v):
                continue
            assert np.hypot(*(pts - c).T).min() > 1.16, (u, v, n)  # radius 1 (an output's ring: 1.16)
    assert long_edges > 0


def test_layout_of_every_drawing_is_left_to_right():
    d = draw(labeled("skip_product"))
    assert d.mode == "full"
    G = d.scene.graph()
    for u, v in G.edges:
        assert d.layout.pos[u][0] < d.layout.pos[v][0]


# ---------------------------------------------------------------------------- what is drawn
def test_mazur_numbers_are_the_reference_sweep():
    lab = labeled("mazur")
    G = lab.network.to_networkx()
    x, t = rojas.load_data(MAZUR_DATA)
    s, o = R.forward(G, x)
    d = draw(lab)
    assert d.mode == "full" and d.panels == ["forward", "backward"]
    for n in ("h1", "h2", "o1", "o2"):
        f = d.nodes["forward"][n].texts
        sig = o[n]
        assert float(f["right"].get_text()) == pytest.approx(sig, abs=6e-5)
        assert float(f["left"].get_text()) == pytest.approx(sig * (1 - sig), abs=6e-5)  # σ' = σ(1 − σ)
    # ∂E/∂w5 = o_h1 · σ'(s_o1) · (o_o1 − t_o1), by hand
    w5 = o["h1"] * o["o1"] * (1 - o["o1"]) * (o["o1"] - t["o1"])
    factor, text = d.edges["backward"]["h1", "o1"].label.get_text().split("\n")
    assert factor == "×w5 = 0.4"  # the backward sweep multiplies by w5 along this edge
    assert text.startswith("∂E/∂w5 = ") and float(text.split("= ")[1]) == pytest.approx(w5, rel=1e-3)
    assert d.edges["forward"]["i1", "h1"].label.get_text() == "w1 = 0.15"
    assert d.nodes["forward"]["h1"].texts["below"].get_text() == "bias = 0.35"
    E = 0.5 * sum((o[k] - t[k]) ** 2 for k in ("o1", "o2"))
    shown = next(tt.get_text() for tt in d.titles if tt.get_text().startswith("E = "))
    assert float(shown.split("= ")[-1]) == pytest.approx(E, rel=2e-4)
    assert_labels_apart(d)
    assert_inner_texts_fit(d)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["skip_product", "xor", "one_epoch", "network", "backward", "user_ax", "small_ax"])
def test_no_label_overlaps(case):
    if case == "skip_product":
        d = draw(labeled("skip_product"))
        assert d.nodes["forward"]["p"].texts["right_head"].get_text() == "Π"   # the product unit
    elif case == "xor":
        d = draw(labeled("xor"), sample=2)
        assert "sample 3 of 4" in " ".join(t.get_text() for t in d.titles)
    elif case == "one_epoch":
        from rojas.drawing import one_epoch_network

        d = draw(rojas.label(one_epoch_network(), {"X1": 8.0, "X2": -4.0}, {"Y": 1.0}))
        assert d.nodes["forward"]["X1"].texts["value"].get_text() == "8"
        assert d.nodes["forward"]["X2"].texts["value"].get_text() == "−4"
    elif case == "network":
        d = draw(rojas.load(rojas.example_path("skip_product")))
        assert d.panels == ["forward"] and "left" not in d.nodes["forward"]["h1"].texts
    elif case == "backward":
        d = draw(labeled("mazur"), sweep="backward")
        assert d.panels == ["backward"]
    elif case == "user_ax":
        ax = figure_ax(12, 10)
        d = draw(labeled("mazur"), ax=ax)
        assert d.ax is ax and all(a.axes is ax for a in d.artists() if hasattr(a, "axes") and a is not d.legend)
        assert d.panels == ["forward", "backward"]  # the sweep asked for, texts sized to the axes
        assert min(t.get_fontsize() for t in d.texts()) >= 3
        assert d.font_factor == 1 or any("to fit the axes" in w for w in d.left_out)
    else:  # too small for the numbers: they go to a table beside the graph, and the drawing says so
        with pytest.warns(UserWarning, match="backward sweep drawn as a table"):
            d = draw(labeled("mazur"), ax=figure_ax(8, 5))
        assert d.mode == "table" and "0.5933" in "\n".join(t.get_text() for t in d.tables)
        assert d.left_out and "tables beside it" in d.note.get_text()
        assert_labels_apart(d)
        return
    assert d.mode == "full"
    assert_labels_apart(d)
    assert_inner_texts_fit(d)


@pytest.mark.slow
def test_paths_of_w1_two_colours_and_their_sum():
    lab = labeled("mazur")
    d = draw(lab, sweep="forward", paths="w1")
    assert len(d.paths) == 2
    colours = {lines[0].get_color() for _, lines in d.paths}
    assert len(colours) == 2
    for k, (p, lines) in enumerate(d.paths, 1):
        # i1 -> h1 -> o -> error unit -> E: four edges drawn in the path's colour, and its numbered marker
        strokes = [a for a in lines if type(a).__name__ == "Line2D"]
        assert len(strokes) == 4 and p["nodes"][:2] == ["i1", "h1"]
        assert [a.get_text() for a in lines if type(a).__name__ == "Text"] == [str(k)]
    legend = [t.get_text() for t in d.legend.get_texts()]
    assert len(legend) == 3
    products = sorted(p["product"] for p, _ in d.paths)
    # the two paths by hand: o_i1 σ'(h1) w σ'(o) (o − t)
    x, t = rojas.load_data(MAZUR_DATA)
    _, o = R.forward(lab.network.to_networkx(), x)
    by_hand = sorted(0.05 * o["h1"] * (1 - o["h1"]) * w * o[k] * (1 - o[k]) * (o[k] - t[k])
                     for w, k in ((0.4, "o1"), (0.5, "o2")))
    assert products == pytest.approx(by_hand, rel=1e-12)
    from rojas.utils.formatting import fmt

    assert fmt(sum(by_hand), 6) in legend[2]
    assert "backward sweep" in legend[2]
    assert_labels_apart(d)
    # the legend sits below the graph, covering none of it
    r = renderer(d)
    lb = d.legend.get_window_extent(r)
    assert lb.y1 <= d.ax.get_window_extent(r).y0 + 1


# ---------------------------------------------------------------------------- scaling down
def layered_network(sizes, seed=0):
    rng = np.random.default_rng(seed)
    net = rojas.Network(name=f"layers {sizes}")
    layers = []
    for li, n in enumerate(sizes):
        names = [f"n{li}_{i}" for i in range(n)]
        for name in names:
            net.add_input(name) if li == 0 else net.add_unit(name, "tanh", bias=float(rng.normal(0, 0.3)))
        layers.append(names)
    for a, b in zip(layers, layers[1:]):
        for v in b:
            for u in rng.choice(a, size=min(3, len(a)), replace=False):
                net.add_edge(str(u), v, weight=float(rng.normal()))
    for _ in range(sizes[1]):  # skip connections
        li = int(rng.integers(0, len(layers) - 2))
        u = layers[li][int(rng.integers(len(layers[li])))]
        v = layers[li + 2][int(rng.integers(len(layers[li + 2])))]
        if (u, v) not in set(net.edges):
            net.add_edge(u, v, weight=float(rng.normal()))
    return net, layers


@pytest.mark.slow
def test_forty_units_numbers_move_to_a_table():
    net, layers = layered_network([4, 10, 10, 10, 6])
    lab = rojas.label(net, {n: 0.5 for n in layers[0]}, {n: 0.1 for n in net.outputs})
    d = draw(lab)
    assert d.mode == "table"
    table = "\n".join(t.get_text() for t in d.tables)
    for n in net.nodes:
        assert f" {n} " in table
    # the table's δ of a unit is the labeling's, to 4 significant digits
    row = next(line for line in table.splitlines() if line.split()[1:2] == ["n2_3"])
    assert float(row.split()[-1].replace("−", "-")) == pytest.approx(lab.delta["n2_3"], rel=1e-3, abs=1e-6)
    ids = [u.texts["id"] for u in d.nodes["forward"].values() if "id" in u.texts]
    assert len(ids) == 40
    r = renderer(d)
    boxes = [text_box(t, r) for t in ids]
    assert all(overlap(a, b) < 0.5 for a, b in itertools.combinations(boxes, 2))
    assert min(t.get_fontsize() for t in ids) >= 7
    assert_labels_apart(d)


@pytest.mark.slow
def test_five_hundred_units_give_the_summary_with_a_note():
    net, layers = layered_network([40, 120, 140, 120, 80], seed=1)
    assert len(net) == 500
    lab = rojas.label(net, {n: 0.1 for n in layers[0]}, {n: 0.0 for n in net.outputs})
    d = draw(lab, ax=None)
    assert d.mode == "summary" and not d.nodes
    notes = " ".join(t.get_text().replace("\n", " ") for t in d.notes)
    assert "500 nodes" in notes and "Summary" in notes
    # the silhouette: one bar per level, as tall as the level is wide
    bars = [p.get_height() for p in d.summary_axes[0].patches]
    assert bars == [40, 120, 140, 120, 80]


# ---------------------------------------------------------------------------- files and notebooks
@pytest.mark.slow
@pytest.mark.parametrize("ext, magic", [("png", PNG), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_save_each_format(tmp_path, ext, magic):
    from rojas.drawing import save_drawing

    path = tmp_path / f"mazur.{ext}"
    save_drawing(labeled("mazur"), path, dpi=60, figsize=(14, 11))  # room for every text at 7 pt
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 5000
    if ext == "png":
        assert png_size(data) == (840, 660)
    if ext == "svg":
        assert b"<svg" in data
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_save_refuses_unknown_extension(tmp_path):
    from rojas.drawing import save_drawing

    with pytest.raises(RojasError, match=r"\.jpg.*\.png, \.svg, \.pdf"):
        save_drawing(labeled("mazur"), tmp_path / "x.jpg")
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_repr_png_and_svg():
    from rojas.drawing import repr_png, repr_svg

    net = rojas.load(MAZUR)
    png = repr_png(net)
    w, h = png_size(png)
    assert 300 < w < 1500 and 150 < h < 1200
    assert png_size(repr_png(labeled("mazur")))[1] > h  # both sweeps: taller
    assert "<svg" in repr_svg(labeled("xor"))


def test_bad_requests_raise_rojas_errors():
    net, lab = rojas.load(MAZUR), labeled("mazur")
    from rojas.drawing import animate

    for call, match in [(lambda: draw(net, sweep="backward"), "needs a labeled network"),
                        (lambda: draw(net, paths="w1"), "needs a labeled network"),
                        (lambda: draw(lab, sweep="sideways"), "unknown sweep"),
                        (lambda: draw(lab, detail="huge"), "unknown detail"),
                        (lambda: draw(lab, paths="nope"), "nope"),
                        (lambda: draw(labeled("xor"), sample=4), "sample 4"),
                        (lambda: draw(lab, sample=1), "not a batch"),
                        (lambda: draw("net.json"), "expected a Network"),
                        (lambda: animate(net), "labeled network")]:
        with pytest.raises(RojasError, match=match):
            call()


def test_too_many_paths_are_refused_with_their_count():
    G = nx.DiGraph()
    G.add_node("x", fn="input")
    prev = ["x"]
    for layer in range(4):  # 3^3 · 1 = 27 paths from x to y
        cur = [f"h{layer}_{i}" for i in range(3)] if layer < 3 else ["y"]
        for v in cur:
            G.add_node(v, fn="identity")
            for u in prev:
                G.add_edge(u, v, weight=0.5)
        prev = cur
    lab = rojas.label(rojas.Network(G), {"x": 1.0})
    with pytest.raises(RojasError, match="27 paths from x"):
        draw(lab, paths="x")


# ---------------------------------------------------------------------------- command line and gallery
@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("draw")
    commands = {
        "png": ["draw", MAZUR, "--data", MAZUR_DATA, "--size", "14,10.5", "--dpi", "50", "-o", tmp / "m.png"],
        "svg paths": ["draw", MAZUR, "--data", MAZUR_DATA, "--paths", "w1", "--sweep", "forward",
                      "-o", tmp / "p.svg"],
        "pdf net": ["draw", MAZUR, "-o", tmp / "n.pdf"],
        "jpg": ["draw", MAZUR, "--data", MAZUR_DATA, "-o", tmp / "m.jpg"],
        "no data": ["draw", MAZUR, "--sweep", "backward", "-o", tmp / "b.png"],
        "bad paths": ["draw", MAZUR, "--data", MAZUR_DATA, "--paths", "w99", "-o", tmp / "q.png"],
        "gif to png": ["animate", MAZUR, "--data", MAZUR_DATA, "-o", tmp / "a.png"],
        "animate no data": ["animate", MAZUR, "-o", tmp / "a.gif"],
    }
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {k: pool.submit(rojas_cli, *argv, cwd=tmp) for k, argv in commands.items()}
        return tmp, {k: f.result() for k, f in futures.items()}


@pytest.mark.slow
def test_cli_draw_writes_each_format(cli_runs):
    tmp, runs = cli_runs
    for key in ("png", "svg paths", "pdf net"):
        assert runs[key].returncode == 0, runs[key].stderr
        assert runs[key].stderr == ""
    assert png_size((tmp / "m.png").read_bytes()) == (700, 525)
    assert "wrote" in runs["png"].stdout and "700×525 px" in runs["png"].stdout
    svg = (tmp / "p.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert (tmp / "n.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("key, culprit", [("jpg", r"m\.jpg.*\.jpg"), ("no data", "needs a labeled network"),
                                          ("bad paths", "w99"), ("gif to png", r"a\.png.*\.gif"),
                                          ("animate no data", "--data")])
@pytest.mark.slow
def test_cli_bad_input_is_one_line_and_status_2(cli_runs, key, culprit):
    import re

    tmp, runs = cli_runs
    proc = runs[key]
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("rojas: error: "), proc.stderr
    assert re.search(culprit, proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not [p for p in tmp.iterdir() if p.name.startswith(".")]  # no temporary files left


@pytest.mark.slow
def test_gallery_and_animation(demo_run):
    from PIL import Image

    from rojas.drawing import GALLERY

    proc, tmp_path = demo_run  # the gallery as `rojas demo -o DIR` writes it
    assert proc.returncode == 0, proc.stderr
    for name in GALLERY:
        path = tmp_path / name
        assert f"{path}" in proc.stdout
        assert path.stat().st_size > 10_000
    for name in GALLERY:
        if name.endswith(".png"):
            w, h = png_size((tmp_path / name).read_bytes())
            # at most 2000 pt a side at the gallery's 110 dpi
            assert 700 <= w <= 2000 / 72 * 110 + 2 and 350 <= h <= 2000 / 72 * 110 + 2, (name, w, h)
    gif = tmp_path / "mazur_sweeps.gif"
    assert gif.read_bytes()[:6] == b"GIF89a"
    assert gif.stat().st_size < 1.5e6
    with Image.open(gif) as im:
        frames = im.n_frames
        durations = []
        for k in range(frames):
            im.seek(k)
            durations.append(im.info["duration"])
    # the inputs, 4 units, the error, the 1 entering, 4 units back, the inputs, the gradients
    assert frames == 13
    # Review fault 10: every step stayed 0.5 s, too short to read its sentence.  Now each stays as long as
    # its sentence takes to read at 15 characters a second (and at least 0.5 s).
    from rojas.drawing.animation import sweep_steps
    from rojas.drawing.render import make_drawing

    steps = [s for s, _, _ in sweep_steps(make_drawing(labeled("mazur"), None, pyplot=False)).steps]
    assert len(steps) == frames  # the finished drawing's held frames merge into the last step's
    for sentence, ms in zip(steps, durations):
        assert ms >= 1000 * len(sentence) / 15 - 10 and ms >= 500, (sentence, ms)
    assert max(durations[:-1]) > 2 * min(durations[:-1])  # long sentences stay longer
    assert sum(durations) <= 120_000


def test_animation_steps_follow_the_sweeps():
    from rojas.drawing.animation import sweep_steps
    from rojas.drawing.render import make_drawing

    d = make_drawing(labeled("skip_product"), None, pyplot=False, sweep="both")
    steps = [caption for caption, _, _ in sweep_steps(d).steps]
    order = [n for n in rojas.label(rojas.load(rojas.example_path("skip_product")),
                                    *rojas.load_data(rojas.example_path("skip_product", "data"))).plan.order
             if n not in ("x1", "x2")]
    forward = [c.split(" · ")[1].split(":")[0] for c in steps if c.startswith("forward sweep · ") and ": s =" in c]
    backward = [c.split(" · ")[1].split(":")[0] for c in steps if c.startswith("backward sweep · ") and "δ =" in c]
    assert forward == order
    assert backward == order[::-1]
    assert steps[-1].startswith("the gradients")


def test_exported_from_rojas():
    import rojas.drawing

    assert rojas.draw is rojas.drawing.draw and rojas.animate is rojas.drawing.animate
    assert {"draw", "animate", "save_drawing", "plot_loss"} <= set(rojas.__all__)


def test_plot_loss_is_exported_and_draws_on_ax():
    ax = figure_ax(4, 3)
    artists = rojas.plot_loss([1.0, 0.5, 0.25], ax=ax)
    assert artists[0] in ax.lines


# ---------------------------------------------------------------------------- unfolded in time
EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples"


def unfolded(name):
    from rojas.architectures.recurrent import load_recurrent, load_sequence, unfold, unfold_data

    seq = load_sequence(EXAMPLES / f"{name}.data.json")
    net = unfold(load_recurrent(EXAMPLES / f"{name}.json"), data=seq)
    return rojas.label(net, *unfold_data(net, seq))


def assert_arcs_clear_of_units(d):
    """No drawn edge passes within a unit's radius (an output's ring: 1.16) of a unit it does not join."""
    for panel in d.panels:
        centres = {n: np.array(d.place(n, panel)) for n in d.layout.pos}
        for (u, v), art in d.edges[panel].items():
            pts = dense(np.asarray(art.points))
            for n, c in centres.items():
                if n not in (u, v):
                    assert np.hypot(*(pts - c).T).min() > 1.16, (panel, u, v, n)


@pytest.mark.parametrize("name, sweep, detail", [("recurrent_one_unit", "forward", "auto"),
                                                 ("recurrent_one_unit", "both", "full"),
                                                 ("recurrent_elman", "forward", "full"),
                                                 ("recurrent_elman", "both", "auto")])
@pytest.mark.slow
def test_unfolded_network_is_laid_out_in_time(name, sweep, detail):
    from rojas.drawing.render import make_drawing as _draw

    lab = unfolded(name)
    G = lab.network.to_networkx()
    d = _draw(lab, None, pyplot=False, sweep=sweep, detail=detail)  # a figure of its own size, as when saved
    if (name, detail) == ("recurrent_one_unit", "auto"):
        assert d.mode == "full"  # columns per step leave room for every number
    lay, step = d.layout, dict(G.nodes(data="step"))
    for u, v in d.scene.graph().edges:
        if u in lay.column and v in lay.column:
            assert lay.column[u] < lay.column[v] and lay.pos[u][0] < lay.pos[v][0], (u, v)
    # A group of columns per step, the steps left to right; the constant "1" at the bottom left.
    groups = {}
    for n, t in step.items():
        if t is not None:
            groups.setdefault(t, set()).add(lay.column[n])
    ts = sorted(groups)
    assert ts == list(range(ts[-1] + 1))
    for a, b in zip(ts, ts[1:]):
        assert max(groups[a]) < min(groups[b]), (a, b, groups)
    if "1" in lay.column:  # a constant input, if any (lean unfolding has none)
        assert lay.column["1"] == 0 and lay.pos["1"][1] == min(y for _, y in lay.pos.values())
    # Each original unit on one row; a recurrent edge h@t → h@t+1 horizontal, to the next group.
    rows = {}
    for n, unit in G.nodes(data="unit"):
        if unit is not None and not str(n).endswith(":out"):
            rows.setdefault(unit, set()).add(lay.pos[n][1])
    assert all(len(ys) == 1 for ys in rows.values()), rows
    for u, v in G.edges:
        if step.get(u) is not None and step.get(v) == step[u] + 1 and G.nodes[u]["unit"] == G.nodes[v]["unit"] \
                and not str(v).endswith(":out"):
            assert lay.pos[u][1] == lay.pos[v][1] and len(lay.routes[u, v]) == 2, (u, v)
    # Inputs below their step's units, the twin h@t:out just above h@t.
    for n, role in G.nodes(data="role"):
        if role == "input":
            assert lay.pos[n][1] < min(lay.pos[m][1] for m in G.successors(n)), n
        if str(n).endswith(":out"):
            twin = n[:-4]
            assert lay.column[n] == lay.column[twin] and lay.pos[n][1] > lay.pos[twin][1], n
    assert_arcs_clear_of_units(d)
    assert_labels_apart(d)
    if d.mode == "full":
        assert_inner_texts_fit(d)
    # The same network, the same picture.
    again = _draw(lab, None, pyplot=False, sweep=sweep, detail=detail)
    assert again.layout.pos == lay.pos and again.layout.routes == lay.routes


def test_time_layout_only_for_networks_unfolded_in_time():
    from rojas.drawing.timeline import time_steps

    assert time_steps(rojas.load(MAZUR).to_networkx()) is None
    G = unfolded("recurrent_one_unit").network.to_networkx()
    when = time_steps(G)
    assert when["h@2"] == (2, "h") and "1" not in when
    G.add_edge("h@3", "h@1")  # back in time: not a network unfolded in time
    assert time_steps(G) is None
