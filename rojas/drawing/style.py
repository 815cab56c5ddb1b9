"""Colours, symbols and number formats of the drawings (no Matplotlib here).

The geometry of a drawing is expressed in units of the unit-circle radius R;
a drawing's *scale* is how many points one R is on the page.  Font sizes are
fractions of that scale, so a drawing shrinks as a whole, and the sizes below
which labels stop being drawn are set here too.
"""

__all__ = ["num", "fn_symbol", "COLORS", "PATH_COLORS", "Geometry", "FULL", "COMPACT"]

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
    "muted": "#6b6b6b",
    "note": "#555555",
    "panel": "#fafafa",
}

# Path highlights: distinguishable colours, none of them the backward red.
PATH_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#1f78b4",
               "#a6761d", "#17becf", "#8c564b", "#bcbd22", "#7f7f7f")

_SYMBOLS = {"sigmoid": "σ", "identity": "id", "tanh": "tanh", "relu": "ReLU", "softplus": "s+",
            "sin": "sin", "cos": "cos", "exp": "exp", "square": "x²", "gaussian": "e^−s²"}


def fn_symbol(fn, combine="sum"):
    """How a unit's primitive is written in its right half (``Π`` marks a product unit).

    Examples
    --------
    >>> fn_symbol("sigmoid"), fn_symbol("identity", "product"), fn_symbol("tanh", "product")
    ('σ', 'Π', 'Π tanh')
    """
    sym = _SYMBOLS.get(fn, str(fn))
    if combine == "product":
        return "Π" if fn == "identity" else f"Π {sym}"
    return sym


def num(value, digits=4):
    """A number in at most about seven characters, with a true minus sign.

    Examples
    --------
    >>> [num(v) for v in (0.15, 0.593269992, 0.000438567734, -12.5, 0.0, 8.0, 123456.0)]
    ['0.15', '0.5933', '4.39e−4', '−12.5', '0', '8', '1.23e5']
    """
    value = float(value)
    if value == 0:
        return "0"
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    mag = abs(value)
    if 1e-3 <= mag < 1e4:
        text = f"{value:.{digits}g}"
        if len(text.lstrip("-")) > 7:
            text = f"{value:.{digits - 1}g}"
    else:
        mantissa, exponent = f"{value:.{max(digits - 2, 1)}e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return text.replace("-", "−")


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
        Points per R aimed at; a drawing too large for the page is scaled down.
    min_scale : float
        Below this scale the mode's labels no longer fit.
    """

    gap: float
    slot: float
    dummy_slot: float
    scale: float
    min_scale: float


# "full": numbers in the units and on the edges; "compact": ids only, numbers in a table.
FULL = Geometry(gap=6.0, slot=3.6, dummy_slot=1.6, scale=38.0, min_scale=22.0)
OBJECTIVE_GAP = 3.3  # between the outputs, their error units and E: no labels there
COMPACT = Geometry(gap=4.2, slot=2.7, dummy_slot=0.9, scale=16.0, min_scale=2.0)

# Fonts as fractions of the scale (points per R), with bounds in points.
FONT = {"value": 0.235, "head": 0.19, "tag": 0.225, "edge": 0.225, "title": 0.3}
FONT_MAX = {"value": 10.0, "head": 8.0, "tag": 9.5, "edge": 9.5, "title": 12.0}
MIN_FONT = 4.5         # no text in a drawing is smaller than this
TABLE_FONT = 7.0       # the table beside a compact drawing
MAX_FIGSIZE = (16.0, 12.0)  # inches: a drawing that needs more is scaled down
