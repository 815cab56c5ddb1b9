"""Regenerate the gallery in figures/: Rojas's split units, both sweeps, paths, an animation.

The same figures ``rojas demo`` writes (into ./figures by default), drawn by
``rojas.drawing.make_gallery``:

- ``mazur_sweeps.png``: seed 001's 2-2-2 network labeled, forward and backward sweep;
- ``mazur_paths_w1.png``: the two paths of ∂E/∂w1, their products and their sum;
- ``seed003.png``: seed 003's 2-2-1 network on the observation [8, −4];
- ``skip_product.png``: skip connections, a product unit and a tied weight;
- ``xor.png``: XOR on the pattern x = (1, 0);
- ``mazur_sweeps.gif``: the sweeps of seed 001's network, unit by unit;
- ``recurrent_unfolded.png``: one recurrent unit unfolded over 5 steps, in time columns (Rojas 7.4.1).

The script checks each file's signature, and that a number drawn is the
labeling's (tests/test_drawing.py checks the geometry: no overlapping labels,
arcs clear of the units, every node left of its successors).

Run:  python examples/make_figures.py [OUT_DIR]      (default: figures/ beside examples/)
"""

import os
import sys

import rojas
from rojas.drawing import GALLERY, make_gallery

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
    # The numbers drawn are the labeling's: seed 001's ∂E/∂w5 on the backward sweep.
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    drawing = rojas.drawing.draw(lab, ax=_axes())
    text = drawing.edges["backward"]["h1", "o1"].label.get_text()
    assert text == f"∂E/∂w5 = {lab.grad('w5'):.4g}", text
    print(f"{len(written)} figures written; e.g. the backward sweep's edge h1→o1 reads {text!r}")


def _axes():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 10))
    FigureCanvasAgg(fig)
    return fig.add_subplot()


if __name__ == "__main__":
    main()
