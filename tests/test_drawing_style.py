"""Path styles that stay apart for readers with a colour-vision deficiency and on a grey printout.

Review fault 6: in grayscale paths 1/2/7 and 3/5/6 looked alike and yellow vanished; under deuteranopia
orange, vermilion and yellow merged; black was a path colour on black edges.  Colours are simulated
independently of rojas: Machado, Oliveira & Fernandes (2009), full-severity protanopia and deuteranopia
matrices on linear RGB; grayscale is the CIE lightness L*; distances are CIE76 ΔE in L*a*b*.  Every
pair of the paths a figure may show must differ in dash pattern or by ΔE ≥ 20 in every view.
"""

import itertools

import numpy as np
import pytest

from rojas.drawing.highlight import MAX_PATHS, path_style
from rojas.drawing.style import COLORS

MACHADO = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
DISTINCT = 20.0  # ΔE: told apart at a glance


def linear(hex_colour):
    c = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ \
        np.clip(rgb, 0, 1) / np.array([0.9505, 1.0, 1.089])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def views(hex_colour):
    """The colour as seen: normal vision, protanopia, deuteranopia, and printed in grey (L* only)."""
    c = linear(hex_colour)
    seen = {"normal": lab(c), **{k: lab(m @ c) for k, m in MACHADO.items()}}
    seen["grayscale"] = np.array([seen["normal"][0], 0.0, 0.0])
    return seen


def apart(a, b):
    va, vb = views(a), views(b)
    return min(float(np.linalg.norm(va[k] - vb[k])) for k in va)


def test_the_simulation_reproduces_the_review():
    """The old palette, by the same measure: the faults the review saw are there."""
    old = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
    assert apart(old[0], old[1]) < 5 and apart(old[0], old[6]) < DISTINCT   # paths 1, 2, 7 in grey
    assert views(old[6])["grayscale"][0] > 85                                # yellow on white
    assert apart(old[0], old[4]) < DISTINCT                                   # orange and vermilion


@pytest.mark.parametrize("view", ["normal", "protanopia", "deuteranopia", "grayscale"])
def test_every_pair_of_path_styles_stays_apart(view):
    styles = [path_style(i) for i in range(MAX_PATHS)]
    for (i, (ci, di)), (j, (cj, dj)) in itertools.combinations(enumerate(styles), 2):
        assert di != dj or apart(ci, cj) >= DISTINCT, (i + 1, j + 1)
    for colour, _ in styles:
        seen = views(colour)[view]
        assert seen[0] <= 75, colour  # visible on white paper, in every view
        for edge in (COLORS["forward"], COLORS["ink"]):  # never the colour of the edges it runs along
            assert np.linalg.norm(views(edge)[view] - seen) >= DISTINCT, (colour, edge)


@pytest.mark.slow
def test_the_print_style_is_grey_and_tells_paths_apart_by_dashes(tmp_path):
    import rojas
    from rojas.drawing import draw

    styles = [path_style(i, "print") for i in range(MAX_PATHS)]
    for colour, _ in styles:
        lab_colour = views(colour)["normal"]
        assert np.hypot(lab_colour[1], lab_colour[2]) < 1 and lab_colour[0] <= 50  # a dark grey
    assert len({dash for _, dash in styles}) == MAX_PATHS
    lab = rojas.label(rojas.load(rojas.example_path("mazur")),
                      *rojas.load_data(rojas.example_path("mazur", "data")))
    d = draw(lab, paths="w1", style="print")
    drawn = [lines[0] for _, lines in d.paths]
    assert [line.get_color().upper() for line in drawn] == [path_style(i, "print")[0] for i in range(2)]
    assert drawn[0].get_linestyle() != drawn[1].get_linestyle()
    with pytest.raises(rojas.RojasError, match="unknown style"):
        draw(lab, paths="w1", style="sepia")
