"""Regenerate the gallery in figures/: Rojas's split units, both sweeps, paths, an animation.

The same figures ``rojas demo`` writes (into ./figures by default), drawn by
``rojas.drawing.make_gallery``:

- ``mazur_sweeps.png``: Matt Mazur's worked 2-2-2 example (2015) labeled, forward and backward sweep;
- ``mazur_paths_w1.png``: the two paths of ∂E/∂w1, their products and their sum;
- ``one_epoch_8_-4.png``: the 2-2-1 network on the observation [8, −4];
- ``skip_product.png``: skip connections, a product unit and a tied weight;
- ``skip_net_paths.png``: a 9-unit network that is not layered, every path from its input a, numbered;
- ``skip_net_6.5in.png``: the same 9-unit network at a book's 6.5 in text width (tables below the graph);
- ``xor.png``: XOR on the pattern x = (1, 0);
- ``mazur_sweeps.gif``: the sweeps of Mazur's network, unit by unit;
- ``recurrent_unfolded.png``: one recurrent unit unfolded over 5 steps, in time columns, both sweeps
  (Rojas 7.4.1);
- ``mazur_tikz.tex`` and ``mazur_tikz.pdf``: Mazur's network written as TikZ (``rojas draw mazur -o
  mazur.tex``) and compiled by pdflatex (when it is installed), its numbers set in the document's font.

The script checks each file's signature, and that a number drawn is the
labeling's (tests/test_drawing.py and tests/test_drawing_text.py check the
geometry and the texts: no overlapping labels, arcs clear of the units, every
number of the labeling in the SVG's text, nothing under 7 pt).

Run:  python examples/make_figures.py [OUT_DIR]      (default: figures/ beside examples/)
"""

import os
import sys

import rojas
from rojas.drawing import GALLERY, make_gallery
from rojas.utils.formatting import FIGURE_DIGITS, fmt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else os.path.join(ROOT, "figures")
    print(f"Writing the gallery into {out}")
    written = make_gallery(out)
    assert sorted(written) == sorted(GALLERY)
    for name, path in written.items():
        with open(path, "rb") as fh:
            head = fh.read(8)
        assert head.startswith(b"GIF89a" if name.endswith(".gif") else b"\x89PNG"), name
    # The numbers drawn are the labeling's: Mazur's ∂E/∂w5 on the backward sweep, after the w5 it multiplies by.
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    drawing = rojas.drawing.draw(lab)
    text = drawing.edges["backward"]["h1", "o1"].label.get_text()
    assert text.split("\n")[-1] == f"∂E/∂w5 = {fmt(lab.grad('w5'), FIGURE_DIGITS)}", text
    print(f"{len(written)} figures written; e.g. the backward sweep's edge h1→o1 reads {text!r}")
    tikz_example(lab, out)


def tikz_example(lab, out):
    """Mazur's network as a LaTeX document (TikZ), compiled to PDF by pdflatex."""
    import shutil
    import subprocess
    import tempfile

    tex = os.path.join(out, "mazur_tikz.tex")
    rojas.save_drawing(lab, tex, paths="w1")
    engine = shutil.which("pdflatex")
    if engine is None:
        print(f"   {tex} written; no pdflatex here to compile it")
        return
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(tex, tmp)
        subprocess.run([engine, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "mazur_tikz.tex"],
                       cwd=tmp, check=True, capture_output=True, timeout=300)
        shutil.copy(os.path.join(tmp, "mazur_tikz.pdf"), os.path.join(out, "mazur_tikz.pdf"))
    print(f"   {tex} and mazur_tikz.pdf: Mazur's network as TikZ, compiled by pdflatex")


if __name__ == "__main__":
    main()
