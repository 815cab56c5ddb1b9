"""Figures: Rojas's split units, both sweeps, highlighted paths, an animation, a gallery.

Raúl Rojas (1996, ch. 7) draws every unit as a circle split vertically in
two: the left half holds the stored derivative f'(s), the right half the
function and its value o = f(s).  :func:`draw` draws any network that way, or
a labeled one with the numbers of the forward sweep, of the backward sweep
(arrows reversed, δ at every unit, o_i·δ_j on every edge) or both, and can
highlight every path behind one derivative.  :func:`animate` shows the sweeps
unit by unit; :func:`save_drawing` writes PNG, SVG or PDF; :func:`repr_png`
and :func:`repr_svg` are what a notebook shows for a network or a labeling.

One module per idea: :mod:`.layout` and :mod:`.timeline` (where the units go),
:mod:`.scene` (what each unit and edge says), :mod:`.sizing` (the level of
detail and the size, decided from the network's size first), :mod:`.units`
(the split circle), :mod:`.panels` (units, tags, headings), :mod:`.edges` and
:mod:`.placement` (edge labels that never overlap), :mod:`.tables` and
:mod:`.summary` (the less detailed levels), :mod:`.fitting`, :mod:`.render`
(the drawing), :mod:`.highlight` (paths), :mod:`.animation`, :mod:`.output`
(files, notebooks), :mod:`.gallery` (the commands ``rojas draw`` and
``rojas animate`` live in :mod:`rojas.cli.draw`).

Matplotlib is imported only inside the functions that draw, never by
``import rojas``.
"""

from .animation import animate
from .gallery import GALLERY, make_gallery, one_epoch_network
from .layout import Layout, layered_layout
from .output import repr_png, repr_svg, save_drawing
from .render import DETAILS, SWEEPS, Drawing, draw

__all__ = [
           "DETAILS",
           "GALLERY",
           "SWEEPS",
           "Drawing",
           "Layout",
           "animate",
           "draw",
           "layered_layout",
           "make_gallery",
           "one_epoch_network",
           "repr_png",
           "repr_svg",
           "save_drawing",
]
