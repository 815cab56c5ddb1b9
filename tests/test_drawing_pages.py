"""Figures of a fixed page (``--page``): every page exactly the page's size, the tables continued on further pages.

Checked on the files a reader gets: the PDF's pages (``pdfinfo``, ``pdftotext``), the SVG files' own sizes, font
sizes and text anchors (parsed as XML).  No number of the labeling is lost across the pages, and a table cut
between blocks or pages repeats its title and header.
"""

import json
import subprocess
import sys

import pytest
from drawing_nets import labeled, random_dag
from test_drawing_export import NETS, assert_numbers_in, few_paths, pdf_size, pdf_text
from test_drawing_text import svg_texts

import rojas
from rojas.drawing import save_drawing
from rojas.drawing.page import PAGES
from rojas.drawing.paging import pack_tables
from rojas.drawing.style import MIN_FONT

SVG = "{http://www.w3.org/2000/svg}"


def _blocks(drawing):
    """Every block of the tables on every page: the monospace texts."""
    figs = [drawing.figure, *drawing.pages]
    return [t.get_text() for f in figs for t in f.findobj(lambda a: type(a).__name__ == "Annotation")
            if "monospace" in t.get_family()]


def _check_blocks(blocks, lines):
    """Each block opens with a table's title (or goes on after a blank line), its header and rule follow;
    and the rows of all blocks, headers left out, are the table's lines in order."""
    rows = []
    for block in blocks:
        first = block.split("\n")
        assert first[0].endswith(":"), first[:3]
        if first[0].endswith("(continued):") or (len(first) > 2 and set(first[2].replace(" ", "")) == {"─"}):
            assert first[1].lstrip().startswith("#"), first[:3]
        skip = 3 if first[0].endswith("(continued):") else 0
        rows += first[skip:]
    assert [r for r in rows if r.strip()] == [r for r in lines if r.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("page", ["letter", "slide-16:9"])
def test_a_30_unit_dag_continues_on_pages_of_the_pages_size_in_pdf_and_svg(tmp_path, page):
    lab = labeled(*random_dag(30, 5))
    W, H = PAGES[page]
    pdf = tmp_path / "d.pdf"
    d = save_drawing(lab, pdf, page=page)
    assert d.pages, "30 units' tables do not fit one page"
    w, h, count = pdf_size(pdf)
    assert count == len(d.pages) + 1
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(count), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = [tuple(map(float, line.split(":")[1].split("pts")[0].split(" x "))) for line in info.splitlines()
             if line.startswith("Page") and "size" in line]
    assert len(sizes) == count
    for pw, ph in sizes:
        assert pw == pytest.approx(W, rel=0.01) and ph == pytest.approx(H, rel=0.01)
    assert_numbers_in(lab, pdf_text(pdf), "d.pdf")
    _check_blocks(_blocks(d), d.table_lines)
    svg = tmp_path / "d.svg"
    d = save_drawing(lab, svg, page=page)
    files = [svg] + [tmp_path / f"d-{k}.svg" for k in range(2, len(d.pages) + 2)]
    assert [str(f) for f in files] == d.files and all(f.exists() for f in files)
    assert not (tmp_path / f"d-{len(files) + 1}.svg").exists()
    every = []
    for f in files:
        root, texts = svg_texts(f)
        w, h = (float(root.get(k).rstrip("pt")) for k in ("width", "height"))
        assert w == pytest.approx(W, rel=0.01) and h == pytest.approx(H, rel=0.01), f
        assert min(s for _, s in texts if s is not None) >= MIN_FONT - 1e-6, f
        for el in root.iter(f"{SVG}text"):
            x, y = float(el.get("x", 0)), float(el.get("y", 0))
            assert 0 <= x <= w and 0 <= y <= h, (f.name, "".join(el.itertext())[:30], x, y)
        every += [t for t, _ in texts]
    assert_numbers_in(lab, "\n".join(every), "d*.svg")


@pytest.mark.slow
def test_paths_on_a_page_and_a_legend_too_tall_for_one(tmp_path):
    lab = NETS["dag12"]()
    pdf = tmp_path / "p.pdf"
    d = save_drawing(lab, pdf, page="letter", paths=few_paths(lab))
    w, h, count = pdf_size(pdf)
    assert (w, h) == pytest.approx(PAGES["letter"], rel=0.01) and count == len(d.pages) + 1
    assert_numbers_in(lab, pdf_text(pdf), "p.pdf")
    fig = d.figure
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    legend = d.legend.get_window_extent(r)
    for t in d.tables + [d.note]:  # nothing under the legend runs into it
        assert t.get_window_extent(r).y1 <= legend.y0 + 1
    with pytest.raises(rojas.RojasError, match="too tall for a page"):
        save_drawing(labeled(*random_dag(30, 3)), tmp_path / "x.pdf", page="letter", paths="w20")


def test_a_table_cut_between_blocks_repeats_its_title_and_header():
    lines = (["Units, column by column:", " # unit", "── ────"] + [f"{k:2d} u{k}" for k in range(1, 12)]
             + ["", "Edges:", " # edge", "── ────"] + [f"{k:2d} e{k}" for k in range(1, 9)] + ["", "δ = ∂E/∂s"])
    for cap in (6, 7, 9, 13, 40):
        blocks = pack_tables(lines, lambda k: cap)
        assert all(len(b) <= cap for b in blocks)
        rows = []
        for b in blocks:
            assert b[0].endswith(":") or b[0].startswith("δ"), b  # a title, never a row without its header
            rows += b[3:] if b[0].endswith("(continued):") else b
        assert [r for r in rows if r.strip()] == [r for r in lines if r.strip()]


@pytest.mark.slow
def test_the_command_says_which_files_and_pages(tmp_path):
    net, inputs, targets = random_dag(30, 5)
    net.save(tmp_path / "d.json")
    (tmp_path / "d.data.json").write_text(json.dumps({"inputs": inputs, "targets": targets}))
    for out in ("f.svg", "f.pdf"):
        proc = subprocess.run([sys.executable, "-m", "rojas", "draw", tmp_path / "d.json", "--data",
                               tmp_path / "d.data.json", "--page", "letter", "-o", tmp_path / out],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
        first = proc.stdout.splitlines()[0]
        pages = int(first.split(" pages of ")[0].rsplit("(", 1)[1])
        if out.endswith(".svg"):
            names = [str(tmp_path / "f.svg")] + [str(tmp_path / f"f-{k}.svg") for k in range(2, pages + 1)]
            assert first.startswith("wrote " + ", ".join(names) + " (")
        else:
            assert first.startswith(f"wrote {tmp_path / 'f.pdf'} (") and pdf_size(tmp_path / out)[2] == pages
        assert pages > 1 and "468×648 pt" in first
    assert f"they continue on pages 2–{pages}" in pdf_text(tmp_path / "f.pdf").replace("\n", " ")


@pytest.mark.slow
def test_animate_to_tex_is_a_document_of_one_page_per_step_with_its_sentence(tmp_path):
    """``rojas animate … -o steps.tex``: pdflatex (texlive-latex-base + pictures only) makes a page per step."""
    import re
    import shutil

    from rojas.drawing.animation import staged

    if not shutil.which("pdflatex"):
        pytest.skip("needs pdflatex")
    data = rojas.example_path("mazur", "data")
    tex = tmp_path / "steps.tex"
    proc = subprocess.run([sys.executable, "-m", "rojas", "animate", "mazur", "--data", data, "-o", tex],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    lab = rojas.label(rojas.load(rojas.example_path("mazur")), *rojas.load_data(data))
    steps = [sentence for sentence, _, _ in staged(lab)[1].steps]
    assert f"{len(steps)} pages" in proc.stdout
    source = tex.read_text()
    used = set(re.findall(r"\\(?:usepackage|documentclass|RequirePackage)(?:\[[^]]*\])?\{([^}]*)\}", source))
    assert used <= {"article", "inputenc", "tikz", "fix-cm"}, used  # in texlive-latex-base / -pictures
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:]
    pdf = tmp_path / "steps.pdf"
    assert pdf_size(pdf)[2] == len(steps)
    for k, sentence in enumerate(steps, 1):
        page = subprocess.run(["pdftotext", "-f", str(k), "-l", str(k), "-raw", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        flat = " ".join(page.split())
        numbers = re.findall(r"−?\d+(?:\.\d+)?", sentence)
        words = [w for w in re.findall(r"[a-zA-Z]{3,}", sentence)]
        assert all(n in flat for n in numbers) and all(w in flat for w in words), (k, sentence, flat[-300:])


@pytest.mark.slow
def test_a_full_drawing_asked_for_on_a_page_too_small_is_refused_not_squeezed(tmp_path):
    """`--detail full --page letter` on Mazur's network shrank the graph under its 7 pt texts (exit 0)."""
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    for fixed in ({"page": "letter"}, {"width": 6.5 * 72}):
        with pytest.raises(rojas.RojasError, match="does not fit"):
            save_drawing(lab, tmp_path / "m.pdf", detail="full", **fixed)
    assert save_drawing(lab, tmp_path / "m.pdf", page="letter").mode == "table"


@pytest.mark.slow
def test_a_summary_takes_the_width_and_the_page_or_refuses_a_slide(tmp_path):
    """A network drawn as the summary kept its 792×576 pt whatever --width or --page asked."""
    lab = labeled(*random_dag(200, 1, p=0.02))
    for fixed, size in (({"width": 468.0}, (468, 480)), ({"page": "letter"}, PAGES["letter"]),
                        ({"page": "a4"}, PAGES["a4"])):
        pdf = tmp_path / "s.pdf"
        d = save_drawing(lab, pdf, **fixed)
        assert d.mode == "summary"
        w, h, pages = pdf_size(pdf)
        assert (w, h) == pytest.approx(size, rel=0.01) and pages == 1, fixed
    with pytest.raises(rojas.RojasError, match="needs a page at least"):
        save_drawing(lab, tmp_path / "s.pdf", page="slide-16:9")


@pytest.mark.slow
@pytest.mark.parametrize("ext", ["svg", "tikz"])
def test_pages_of_an_earlier_longer_drawing_are_named_not_taken_for_this_ones(tmp_path, ext):
    """Review fault: a 1-page drawing written over a 3-page one's ``f.svg`` left ``f-2.svg``, ``f-3.svg`` as
    they were, silently: a build taking every ``f-*.svg`` took them as pages of the new drawing.  They are
    left (``f-2.svg`` may be another figure of the author's) but named in a warning."""
    for k in (2, 3):
        (tmp_path / f"f-{k}.{ext}").write_text("an earlier page\n")
    lab = rojas.label(rojas.load(rojas.example_path("xor")), *rojas.load_data(rojas.example_path("xor", "data")))
    with pytest.warns(rojas.RojasWarning, match=rf"f-2\.{ext} … f-3\.{ext} exist but are not pages of this 1-page"):
        d = save_drawing(lab, tmp_path / f"f.{ext}", detail="table")
    assert d.files == [str(tmp_path / f"f.{ext}")]
    assert (tmp_path / f"f-3.{ext}").read_text() == "an earlier page\n"


def _long_ids(tmp_path, n_units=30):
    """random_dag's network with every id 30 characters long, as a model importer names units."""
    net, inputs, targets = random_dag(n_units, 5)
    long = lambda n: f"encoder.block_{n}.attention.out".ljust(30, "_")
    d = json.loads(json.dumps(net.to_dict()))
    for node in d["nodes"]:
        node["id"] = long(node["id"])
    for e in d["edges"]:
        e["source"], e["target"] = long(e["source"]), long(e["target"])
    d["graph"] = {k: ([long(n) for n in v] if k in ("inputs", "outputs") else v) for k, v in d["graph"].items()}
    (tmp_path / "long.json").write_text(json.dumps(d))
    net = rojas.load(tmp_path / "long.json")
    return rojas.label(net, {long(k): v for k, v in inputs.items()}, {long(k): v for k, v in targets.items()})


@pytest.mark.slow
def test_tables_of_long_ids_keep_their_columns_apart_or_are_refused_on_a_page(tmp_path):
    """Review fault: the tables' columns were spaced for 62-character lines whatever the ids: with ids of 30
    characters the edge table ran over the units' δ column beside the graph and off the page's right edge
    (its ∂E/∂w column lost) on a page.  Columns are spaced by the widest line; a page too narrow for one
    line is refused, naming the width."""
    lab = _long_ids(tmp_path)
    d = save_drawing(lab, tmp_path / "f.svg", detail="table")
    r = d.figure.canvas.get_renderer()
    boxes = sorted((t.get_window_extent(r) for t in d.tables), key=lambda b: b.x0)
    assert len(boxes) > 1 and all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:]))
    with pytest.raises(rojas.RojasError, match=r"lines are \d+ characters wide, too wide for 468 pt"):
        save_drawing(lab, tmp_path / "p.svg", page="letter")
    assert not (tmp_path / "p.svg").exists()


@pytest.mark.parametrize("option", [{"page": "letter"}, {"width": 468.0}])
def test_a_dot_file_refuses_a_page_or_width_it_would_ignore(tmp_path, option):
    """Review fault: ``draw --page letter -o x.dot`` wrote the file as if no page had been asked (Graphviz
    sizes a .dot when it renders it), and said nothing."""
    net = rojas.load(rojas.example_path("xor"))
    with pytest.raises(rojas.RojasError, match=f"a .dot file takes no {next(iter(option))}: Graphviz"):
        save_drawing(net, tmp_path / "x.dot", **option)
    assert not (tmp_path / "x.dot").exists()


@pytest.mark.slow
def test_a_long_title_on_a_slide_keeps_the_page_size():
    """Review fault: a title wrapping to many lines made the graph shrink three times on a slide; the third
    drawing was never settled on the page, so the figure came out 452×895 pt with no further pages (the
    tables beside the graph, the note saying "below")."""
    from rojas.drawing.render import make_drawing

    with pytest.warns(rojas.RojasWarning, match="240 characters"):
        d = make_drawing(labeled(*random_dag(20, 1)), None, False, page="slide-4:3",
                         title="A very long title about backpropagation " * 6)
    for fig in [d.figure, *d.pages]:
        assert tuple(fig.get_size_inches() * 72) == pytest.approx(PAGES["slide-4:3"], abs=0.01)
    assert d.pages
