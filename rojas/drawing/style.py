"""Colours, symbols, font sizes and the one number format of the drawings (no Matplotlib here).

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
    "FULL",
    "MAX_SIDE_PT",
    "MAX_SIDE_PX",
    "MIN_FONT",
    "NOTE_FONT",
    "PATH_COLORS",
    "PATH_DASHES",
    "TABLE_FONT",
    "Geometry",
    "factor",
    "fn_symbol",
    "literal",
    "num",
]

import math
from dataclasses import dataclass

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

# Path highlights: the Okabe–Ito palette (Okabe & Ito 2008), told apart under the common colour-vision
# deficiencies; every path also carries a numbered marker, and beyond eight paths a dash pattern.
PATH_COLORS = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
PATH_DASHES = ("-", "--", ":", "-.")

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


def num(value, digits=4):
    """The drawings' one number format: `digits` significant digits, a true minus sign.

    Plain notation from 0.001 to 10⁴ (never fewer digits for a longer
    number, and a rounded number keeps its trailing zeros, so numbers side
    by side read alike; an exact short number such as a given weight 0.15
    stays short), scientific beyond.

    Examples
    --------
    >>> [num(v) for v in (0.15, 0.593269992, 0.000438567734, -12.5, 0.0, 8.0, 123456.0, -0.002274, -0.0226041)]
    ['0.15', '0.5933', '4.386e−4', '−12.5', '0', '8', '1.235e5', '−0.002274', '−0.02260']
    """
    value = float(value)
    if value == 0:
        return "0"
    if math.isnan(value) or math.isinf(value):
        return str(value)
    mag = abs(value)
    if 1e-3 <= mag < 1e4:
        text = f"{value:.{digits}g}"
        if "e" in text:  # .4g writes 1.235e+03 for 1234.5
            text = f"{value:.0f}"
        elif float(text) != value:  # rounded: show every significant digit, trailing zeros too
            text = f"{value:#.{digits}g}".rstrip(".")
    else:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def factor(value, digits=4):
    """A number written as a factor of a product: negative ones in brackets.

    Examples
    --------
    >>> factor(0.25), factor(-0.2171)
    ('0.25', '(−0.2171)')
    """
    text = num(value, digits)
    return f"({text})" if text.startswith("−") else text


def literal(text):
    """User text (ids, names, titles) as it is: a string, whatever it was (no mathtext: the drawing
    turns Matplotlib's math parsing off for every text it writes).

    Examples
    --------
    >>> literal(5), literal("$x$"), literal(None)
    ('5', '$x$', '')
    """
    return "" if text is None else str(text)


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
TABLE_FONT = 7.5       # the tables beside a compact drawing
NOTE_FONT = 8.0
MAX_SIDE_PT = 2000.0   # a full or table drawing is at most this many points a side (else: less detail)
MAX_SIDE_PX = 4000     # no image is larger than this many pixels a side
