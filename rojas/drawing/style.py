"""Colours, symbols and font sizes of the drawings (no Matplotlib here; numbers are written by
:func:`rojas.utils.formatting.fmt`, the one formatter).

The geometry of a drawing is expressed in units of the unit-circle radius R;
a drawing's *scale* is how many points one R is on the page.  Font sizes are
fixed in points and never below :data:`MIN_FONT`: a drawing that needs more
room grows (or changes its level of detail and says so); it never shrinks its
text or leaves a number out.
"""

__all__ = [
    "COLORS",
    "COMPACT",
    "FONT",
    "FONT_FAMILY",
    "FULL",
    "MAX_SIDE_PT",
    "MAX_SIDE_SLACK",
    "MAX_SIDE_PX",
    "DEFAULT_DPI",
    "MIN_FONT",
    "NOTE_FONT",
    "PATH_COLORS",
    "PATH_DASHES",
    "PATH_STYLES",
    "TABLE_FONT",
    "Geometry",
    "fn_symbol",
    "literal",
]

import warnings
from dataclasses import dataclass

from ..errors import RojasWarning
from ..utils.limits import limit

COLORS = {
    "ink": "#222222",
    "forward": "#3a3a3a",           # forward edges and their weights
    "backward": "#b2182b",          # backward edges, δ and gradients
    "fprime": "#dcebf7",            # left half: the stored derivative f'(s)
    "value": "#fde4c4",             # right half: the function and o = f(s)
    "arriving": "#f7dede",          # right half on the backward sweep: what arrives
    "empty": "#ffffff",             # a half not yet filled (animation)
    "input": "#e4f1dc",
    "input_edge": "#3b7a2a",
    "output_ring": "#2f5597",
    "error": "#efefef",
    "muted": "#5f5f5f",
    "note": "#444444",
    "panel": "#fafafa",
}

# Path highlights: six colours of the Okabe–Ito palette (Okabe & Ito 2008) — not its yellow, which vanishes
# on white and in grey, nor its black, the colour of the edges — and a dash pattern of its own for every
# path: under deuteranopia, protanopia or in grayscale several of the colours have the same lightness, so
# the dashes (and each path's numbered badge) tell the paths apart, not colour alone.
# tests/test_drawing_style.py measures it by simulation.
PATH_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
_BASE_DASHES = ((), (6, 2), (1.2, 1.6), (6, 2, 1.2, 2), (10, 3), (6, 2, 1.2, 2, 1.2, 2), (3, 3), (12, 2, 3, 2),
                (1.2, 4), (3, 1.5, 3, 5), (12, 5), (6, 2, 6, 2, 1.2, 2))
# Matplotlib dash tuples (offset, on/off lengths in line widths): twelve patterns, then the same twice as long
PATH_DASHES = tuple((0, d) if d else "-" for d in _BASE_DASHES) + \
    tuple((0, tuple(2 * v for v in d)) for d in _BASE_DASHES if d) + ((0, (24, 6)),)
# The styles of the paths, by name (``--style``): "default" on screen, "print" for a grey page — the paths in
# black and dark greys, told apart by their dash patterns and numbered badges only.
PATH_STYLES = {"default": PATH_COLORS, "print": ("#000000", "#404040", "#6b6b6b")}

SYMBOL_MEANING = {"σ": "σ = logistic sigmoid", "s+": "s+ = softplus log(1 + eˢ)", "id": "id = identity",
                  "Π": "Π = product unit"}


def fn_symbol(fn, combine="sum"):
    """How a unit's primitive is written in its right half: the registries' symbols (``Π`` marks a product unit).

    Examples
    --------
    >>> fn_symbol("sigmoid"), fn_symbol("identity", "product"), fn_symbol("tanh", "product")
    ('σ', 'Π', 'Π tanh')
    """
    from ..network.combine import unit_symbol

    return unit_symbol(fn, combine)


def literal(text):
    """User text (ids, names, titles) as it is: a string, whatever it was (no mathtext: the drawing
    turns Matplotlib's math parsing off for every text it writes).

    Examples
    --------
    Text longer than the ``label_length`` limit (``ROJAS_MAX_LABEL_LENGTH``) is drawn as its
    beginning and an ellipsis, with a warning saying so: laying out megabytes of text
    takes Matplotlib minutes and gigabytes.

    >>> literal(5), literal("$x$"), literal(None)
    ('5', '$x$', '')
    """
    text = "" if text is None else str(text)
    most = limit("label_length")
    if len(text) > most:
        warnings.warn(f"a name or title of {len(text):,} characters is drawn as its first {most - 1} and '…' "
                      f"(raise it with ROJAS_MAX_LABEL_LENGTH=N)", RojasWarning, stacklevel=2)
        text = text[:most - 1] + "…"
    return text


@dataclass(frozen=True)
class Geometry:
    """Sizes of one drawing mode, in units of the circle radius R.

    Attributes
    ----------
    gap : float
        Horizontal distance between the centres of neighbouring columns.
    slot, dummy_slot : float
        Vertical room of a unit, and of a long edge passing through a column.
    scale : float
        Points per R aimed at (a full drawing grows it until its numbers fit).
    min_scale : float
        Below this scale the mode's texts no longer fit.
    """

    gap: float
    slot: float
    dummy_slot: float
    scale: float
    min_scale: float


# "full": numbers in the units and on the edges; "compact": ids only, numbers in a table.
FULL = Geometry(gap=6.0, slot=3.6, dummy_slot=1.6, scale=38.0, min_scale=30.0)
OBJECTIVE_GAP = 3.3  # between the outputs, their error units and E: no labels there
COMPACT = Geometry(gap=4.2, slot=2.7, dummy_slot=0.9, scale=16.0, min_scale=2.0)

# Font sizes in points: fixed, never below MIN_FONT at the saved size.
FONT = {"value": 7.0, "head": 7.0, "tag": 8.0, "edge": 7.5, "title": 12.0, "subtitle": 8.5, "explain": 7.5}
MIN_FONT = 7.0         # no text in a drawing is smaller than this
# The font of every figure's text, first choice first.  DejaVu Sans ships with Matplotlib, so every PNG and PDF
# is set in it and every text is measured in it (labels are placed by those widths); it holds every glyph rojas
# writes (∂ Σ δ ′ → ×10⁻⁴, subscripts).  An SVG names its text's font rather than drawing it, so it lists what
# a viewer should use: DejaVu Sans, then Bitstream Vera Sans (the design DejaVu extends: the same widths), then
# Verdana (a close width), then the viewer's sans-serif.
FONT_FAMILY = ("DejaVu Sans", "Bitstream Vera Sans", "Verdana")
TABLE_FONT = 7.5       # the tables beside a compact drawing
NOTE_FONT = 8.0
MAX_SIDE_PT = 2000.0   # a full or table drawing is at most this many points a side (else: less detail)
MAX_SIDE_SLACK = 1.05  # … give or take this factor: a drawing measures itself only once drawn
MAX_SIDE_PX = 4000     # no image is larger than this many pixels a side
DEFAULT_DPI = 110      # a PNG's pixels per inch, unless asked (or, for a larger figure, what fits MAX_SIDE_PX)
