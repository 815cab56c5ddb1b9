"""Figures of a fixed width (a book's text block, a slide): exactly that wide, no text under 7 pt, no number lost.

Checked on the files a reader gets, with the tools a reader has: the SVG's own width, font sizes and
text anchors (parsed as XML), the PDF's page size (``pdfinfo``) and text (``pdftotext``).  The numbers
expected are the labeling's, by the one formatter at the figures' digits (tests/test_drawing_text.py).
"""

import json
import subprocess
import sys

import pytest
from drawing_nets import skip_net
from test_drawing_export import NETS, assert_numbers_in, few_paths, pdf_size, pdf_text
from test_drawing_text import svg_texts

import rojas
from rojas.drawing import save_drawing
from rojas.drawing.page import PAGES, parse_width
from rojas.drawing.style import MIN_FONT

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

SVG = "{http://www.w3.org/2000/svg}"
WIDTH = 6.5 * 72  # 468 pt: a 6.5 in text block


def texts_inside(drawing):
    """Every visible text of the drawing lies inside the figure (its whole box, not only its anchor)."""
    fig = drawing.figure
    fig.canvas.draw()  # as saved: a legend places its texts when drawn
    renderer = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    out = []
    for t in fig.findobj(lambda a: type(a).__name__ in ("Text", "Annotation")):
        if not t.get_visible() or not t.get_text().strip():
            continue
        b = t.get_window_extent(renderer)
        if b.x0 < -1 or b.y0 < -1 or b.x1 > W + 1 or b.y1 > H + 1:
            out.append((t.get_text()[:40], tuple(round(v) for v in b.extents)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("paths", [False, True], ids=["plain", "paths"])
@pytest.mark.parametrize("name", sorted(NETS))
def test_six_and_a_half_inches_in_svg_and_pdf(tmp_path, name, paths):
    lab = NETS[name]()
    source = few_paths(lab) if paths else None
    svg = tmp_path / f"{name}.svg"
    d = save_drawing(lab, svg, width=WIDTH, paths=source)
    root, texts = svg_texts(svg)
    w, h = (float(root.get(k).rstrip("pt")) for k in ("width", "height"))
    assert w == pytest.approx(WIDTH, rel=0.01)
    sizes = [s for _, s in texts if s is not None]
    assert sizes and min(sizes) >= MIN_FONT - 1e-6, min(sizes)
    assert_numbers_in(lab, "\n".join(t for t, _ in texts), f"{name}.svg")
    for el in root.iter(f"{SVG}text"):  # every text anchor on the canvas
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        assert 0 <= x <= w and 0 <= y <= h, ("".join(el.itertext()), x, y, w, h)
    assert texts_inside(d) == []
    if source is not None:
        legend = [t.get_text() for t in d.legend.get_texts()]
        assert all(f"path {i + 1}:" in "\n".join(legend) for i in range(rojas.path_sum(lab, source).count))
    pdf = tmp_path / f"{name}.pdf"
    save_drawing(lab, pdf, width=WIDTH, paths=source)
    pw, _, pages = pdf_size(pdf)
    assert pw == pytest.approx(WIDTH, rel=0.01)
    assert_numbers_in(lab, pdf_text(pdf), f"{name}.pdf")


def test_widths_and_pages_read_from_the_command_line():
    assert parse_width("6.5in") == WIDTH and parse_width("468pt") == pytest.approx(468 * 72 / 72.27)
    assert parse_width("16cm") == pytest.approx(16 / 2.54 * 72) and parse_width("160mm") == pytest.approx(parse_width("16cm"))
    for bad in ("6.5 furlongs", "1in", "-3in", "", "100in"):
        with pytest.raises(rojas.RojasError, match="width"):
            parse_width(bad)
    assert PAGES["slide-16:9"][0] == pytest.approx(16 / 2.54 * 72)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "rojas", "draw", *map(str, args)], capture_output=True, text=True,
                          timeout=600)


def test_a_size_that_would_set_text_under_7pt_is_refused_with_one_that_works(tmp_path):
    """The review: ``rojas draw mazur --size 6.5,5 -o m.pdf`` set the text at about 3 pt and exited 0."""
    data = rojas.example_path("mazur", "data")
    proc = _cli("mazur", "--data", data, "--size", "6.5,5", "-o", tmp_path / "m.pdf")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "under the 7 pt minimum" in proc.stderr and not (tmp_path / "m.pdf").exists()
    size = proc.stderr.split("readable is ")[1].split(" in")[0]
    ok = _cli("mazur", "--data", data, "--size", size, "-o", tmp_path / "m.svg")
    assert ok.returncode == 0, ok.stderr
    _, texts = svg_texts(tmp_path / "m.svg")
    assert min(s for _, s in texts if s is not None) >= MIN_FONT - 1e-6


def test_cli_width_and_page(tmp_path):
    net, inputs, targets = skip_net()
    net.save(tmp_path / "skip.json")
    (tmp_path / "skip.data.json").write_text(json.dumps({"inputs": inputs, "targets": targets}))
    proc = _cli(tmp_path / "skip.json", "--data", tmp_path / "skip.data.json", "--width", "6.5in",
                "-o", tmp_path / "w.svg")
    assert proc.returncode == 0, proc.stderr
    assert "468×" in proc.stdout and "note:" in proc.stdout  # the command says where the numbers went
    root, _ = svg_texts(tmp_path / "w.svg")
    assert float(root.get("width").rstrip("pt")) == pytest.approx(WIDTH, rel=0.01)
    proc = _cli(tmp_path / "skip.json", "--data", tmp_path / "skip.data.json", "--page", "slide-16:9",
                "-o", tmp_path / "s.pdf")
    assert proc.returncode == 0, proc.stderr
    assert pdf_size(tmp_path / "s.pdf")[0] == pytest.approx(PAGES["slide-16:9"][0], rel=0.01)
    both = _cli(tmp_path / "skip.json", "--width", "6in", "--size", "6,4", "-o", tmp_path / "x.svg")
    assert both.returncode == 2 and "not both" in both.stderr


def test_slides_one_numbered_file_per_step(tmp_path):
    """``rojas animate … -o frames/``: a step a slide, each with its sentence and numbers as text."""
    out = tmp_path / "frames"
    proc = subprocess.run([sys.executable, "-m", "rojas", "animate", "mazur", "--data",
                           rojas.example_path("mazur", "data"), "-o", f"{out}/", "--frames", "pdf"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [f"step-{k:02d}.pdf" for k in range(1, 14)]
    assert "wrote 13 steps" in proc.stdout
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    from rojas.utils.formatting import fmt

    assert f"E = {fmt(lab.value, 4)}" in pdf_text(files[5]).replace("\n", " ")  # the error units and E: step 6
