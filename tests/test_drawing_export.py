"""Figures for books: TikZ compiled by pdflatex and Graphviz dot rendered by dot keep every number.

The networks are those of the review (tests/drawing_nets.py): a 9-unit network that is not layered,
a 3-4-4-2 net, random DAGs of 12, 20 and 30 units, and Elman's net unfolded over 5 steps; each with
and without highlighted paths.  The numbers expected are the labeling's own, written by the one
formatter at the figures' digits; they are looked for in what ``pdftotext`` reads from the compiled
PDF and in the text of ``dot -Tsvg`` — the tools a reader of the files uses, not rojas.  The tools are
required (the CI installs texlive-latex-base, texlive-pictures, graphviz and poppler-utils): these
tests never skip.
"""

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from drawing_nets import labeled, layered_3442, random_dag, skip_net
from test_drawing_text import expected_numbers

import rojas
from rojas.drawing import save_drawing

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_PLAIN = str.maketrans({"⁻": "−", "-": "−", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                        "⁷": "7", "⁸": "8", "⁹": "9"})


def tool(name):
    path = shutil.which(name)
    assert path is not None, f"{name} is not installed: the CI installs it (texlive, graphviz, poppler-utils)"
    return path


def plain(text):
    """Text compared the way a reader sees it: no spaces or line breaks, one minus sign, exponents inline."""
    return re.sub(r"\s+", "", text).translate(_PLAIN)


def elman():
    from rojas.architectures.recurrent import load_recurrent, load_sequence, unfold, unfold_data

    seq = load_sequence(EXAMPLES / "recurrent_elman.data.json")
    net = unfold(load_recurrent(EXAMPLES / "recurrent_elman.json"), data=seq)
    return rojas.label(net, *unfold_data(net, seq))


NETS = {"skip9": lambda: labeled(*skip_net()), "3-4-4-2": lambda: labeled(*layered_3442()),
        "dag12": lambda: labeled(*random_dag(12, 1)), "dag20": lambda: labeled(*random_dag(20, 3)),
        "dag30": lambda: labeled(*random_dag(30, 5)), "elman5": elman}


def few_paths(lab, most=6):
    """An edge of the network behind two to `most` paths to E (else the one behind the fewest)."""
    best = None
    for u, v in lab.network.edges:
        try:
            count = rojas.path_sum(lab, f"{u}->{v}", limit=most).count
        except rojas.RojasError:
            continue
        if count >= 2:
            return f"{u}->{v}"
        best = best or f"{u}->{v}"
    return best


def compile_tex(path):
    run = subprocess.run([tool("pdflatex"), "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                          path.name], cwd=path.parent, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    return path.with_suffix(".pdf")


def pdf_text(pdf):
    return subprocess.run([tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def pdf_size(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
    return float(w), float(h), int(re.search(r"Pages:\s+(\d+)", info).group(1))


def assert_numbers_in(lab, text, where):
    seen = plain(text)
    missing = {k: v for k, v in expected_numbers(lab).items() if plain(v) not in seen}
    assert not missing, (where, missing)


@pytest.mark.slow
@pytest.mark.parametrize("paths", [False, True], ids=["plain", "paths"])
@pytest.mark.parametrize("name", sorted(NETS))
def test_tikz_compiles_and_keeps_every_number(tmp_path, name, paths):
    lab = NETS[name]()
    tex = tmp_path / f"{name}.tex"
    d = save_drawing(lab, tex, paths=few_paths(lab) if paths else None)
    source = tex.read_text()
    assert "\\usepackage{tikz}" in source and "\\begin{tikzpicture}" in source
    used = set(re.findall(r"\\(?:usepackage|RequirePackage)(?:\[[^]]*\])?\{([^}]*)\}", source))
    assert used <= {"fix-cm", "inputenc", "tikz"}, used  # texlive-latex-base + texlive-pictures only
    pdf = compile_tex(tex)
    w, h, pages = pdf_size(pdf)
    fw, fh = (v * 72 for v in d.figure.get_size_inches())
    assert pages == 1 and w == pytest.approx(fw, rel=0.01) and h == pytest.approx(fh, rel=0.01)
    assert_numbers_in(lab, pdf_text(pdf), f"{name}.pdf")
    tikz = tmp_path / f"{name}.tikz"  # the picture alone, for \input into a book
    save_drawing(lab, tikz, paths=few_paths(lab) if paths else None)
    assert tikz.read_text().startswith("\\begin{tikzpicture}") and "\\documentclass" not in tikz.read_text()


@pytest.mark.parametrize("paths", [False, True], ids=["plain", "paths"])
@pytest.mark.parametrize("name", sorted(NETS))
def test_dot_renders_reads_back_and_keeps_every_number(tmp_path, name, paths):
    lab = NETS[name]()
    dot = tmp_path / f"{name}.dot"
    source = few_paths(lab) if paths else None
    save_drawing(lab, dot, paths=source)
    svg = subprocess.run([tool("dot"), "-Tsvg", str(dot)], capture_output=True, text=True, timeout=120)
    assert svg.returncode == 0 and "Warning" not in svg.stderr, svg.stderr
    root = ET.fromstring(svg.stdout)
    text = "\n".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert_numbers_in(lab, text, f"{name}.dot")
    # read back with NetworkX (through Graphviz's own dot → GML converter): the graph is the network's
    gml = subprocess.run([tool("gv2gml"), str(dot)], capture_output=True, text=True, timeout=60, check=True)
    # NetworkX's GML reader takes ASCII only (the labels' symbols are checked in the SVG above)
    ascii_gml = "".join(c if ord(c) < 128 else "_" for c in gml.stdout.replace("\\", " "))
    # (gv2gml copies an HTML-like label, the paths' legend, with its quotes unescaped: left out here)
    G = nx.parse_gml([line for line in ascii_gml.splitlines() if '"<' not in line], label="id")
    net = lab.network
    extended = len(lab.targets) + 1 if lab.objective == "E" else 0
    assert G.number_of_nodes() == len(net) + extended + (source is not None)  # + the legend of the paths
    assert G.number_of_edges() == len(net.edges) + 2 * len(lab.targets)
    assert dot.read_text().count("shape=record") == len(net) - len(net.inputs)  # Rojas's split units
    if source is not None:  # every edge of every path coloured, in the path's colour
        from rojas.drawing.highlight import path_style

        ps = rojas.path_sum(lab, source)
        coloured = [e for e in dot.read_text().splitlines() if "-> " in e and "penwidth" in e]
        real = {e for p in ps.paths for e in zip(p["nodes"][:-1], p["nodes"][1:]) if e[1] != "E"}
        assert len(coloured) >= len(real)
        assert all(any(path_style(i)[0] in e for e in coloured) for i in range(ps.count))

def test_cli_writes_tex_tikz_and_dot(tmp_path):
    net, inputs, targets = skip_net()
    net.save(tmp_path / "skip.json")
    (tmp_path / "skip.data.json").write_text(json.dumps({"inputs": inputs, "targets": targets}))
    for suffix in ("tex", "tikz", "dot"):
        out = tmp_path / f"skip.{suffix}"
        proc = subprocess.run([sys.executable, "-m", "rojas", "draw", tmp_path / "skip.json", "--data",
                               tmp_path / "skip.data.json", "--digits", "6", "-o", out],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(f"wrote {out}")
        lab = labeled(net, inputs, targets)
        assert rojas.utils.formatting.fmt(lab.weight_grad[next(iter(lab.weight_grad))], 6).replace("−", "") \
            in out.read_text().replace("$-$", "").replace("−", "")
    bad = subprocess.run([sys.executable, "-m", "rojas", "draw", tmp_path / "skip.json", "--digits", "0",
                          "-o", tmp_path / "x.tex"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "digits" in bad.stderr
