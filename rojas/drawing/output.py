"""Drawings into files and into notebooks, without pyplot and without a display.

:func:`save_drawing` writes PNG, SVG, PDF, TikZ (``.tex``, ``.tikz``) or Graphviz
(``.dot``), the writer looked up by the extension in :mod:`.formats`, through a
temporary file and a rename, so a crash never leaves half an image;
:func:`repr_png` and :func:`repr_svg` give what a notebook shows for a network
or a labeling.
"""

import io
import os

from ..errors import RojasError
from .formats import metadata, text_as_text

__all__ = ["FORMATS", "image_format", "repr_png", "repr_svg", "save_drawing", "text_as_text"]

FORMATS = ("png", "svg", "pdf", "tex", "tikz", "dot")  # the entries of formats.FIGURE_FORMATS


def image_format(path, allowed=FORMATS):
    """The image format named by `path`'s extension.

    Raises
    ------
    RojasError
        For a missing or unknown extension.

    Examples
    --------
    >>> image_format("net.SVG")
    'svg'
    """
    ext = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if ext not in allowed:
        what = f"extension .{ext}" if ext else "no extension"
        raise RojasError(f"cannot write {os.fspath(path)!r}: {what}; use " + ", ".join(f".{a}" for a in allowed))
    return ext


def save_drawing(obj, path, *, dpi=None, figsize=None, **options):
    """Draw a network or a labeling into an image file.

    Parameters
    ----------
    obj : Labeling, Network or networkx.DiGraph
    path : str or os.PathLike
        Ending in ``.png``, ``.svg``, ``.pdf``, ``.tex``, ``.tikz`` or ``.dot``
        (:data:`rojas.drawing.formats.FIGURE_FORMATS`).
    dpi : float, optional
        Pixels per inch of a PNG; by default 110, or less for a figure that would be over
        :data:`~rojas.drawing.style.MAX_SIDE_PX` pixels a side at 110 (a `dpi` asked for is kept, and
        such a figure refused).  The drawing's ``dpi`` is the one used.
    figsize : (float, float), optional
        The image's size in inches (a PNG is then figsize × dpi pixels); by
        default the size the drawing needs.
    **options
        Passed to :func:`rojas.draw` (sweep, paths, to, sample, detail, title, digits, style, width,
        page).  With a `page` too small for every table the tables continue on further pages: more
        pages of a PDF or ``.tex``, else ``fig-2.svg``, ``fig-3.svg`` … beside `path` (the drawing's
        ``files`` lists what was written).

    SVG keeps its text as text and PDF embeds TrueType fonts (see :func:`text_as_text`).

    Returns
    -------
    Drawing

    Raises
    ------
    RojasError
        For an unknown extension, an unwritable place, or bad options.

    Examples
    --------
    >>> import os, tempfile, rojas
    >>> from rojas.drawing import save_drawing
    >>> net = rojas.load(rojas.example_path("xor"))
    >>> path = os.path.join(tempfile.mkdtemp(), "xor.png")
    >>> d = save_drawing(net, path, dpi=50)
    >>> open(path, "rb").read(8) == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    from .formats import figure_format

    fmt = figure_format(path)
    if dpi is not None and not (isinstance(dpi, (int, float)) and 10 <= dpi <= 1200):
        raise RojasError(f"dpi must be a number between 10 and 1200, got {dpi!r}")
    return fmt.write(obj, path, dpi=dpi, figsize=figsize, **options)


def _figure_bytes(obj, fmt, dpi):
    from .render import make_drawing

    try:
        drawing = make_drawing(obj, None, pyplot=False, dpi=dpi)
    except RojasError:
        return None
    buf = io.BytesIO()
    with text_as_text():
        drawing.figure.savefig(buf, format=fmt, dpi=dpi, metadata=metadata(fmt))
    return buf.getvalue()


def repr_png(obj, dpi=80):
    """PNG bytes of the drawing of a Network or a Labeling (what ``_repr_png_`` returns).

    Returns None for something that cannot be drawn, so a notebook falls back
    to the text representation.

    Examples
    --------
    >>> import rojas
    >>> from rojas.drawing import repr_png
    >>> repr_png(rojas.load(rojas.example_path("mazur")))[:4]
    b'\\x89PNG'
    """
    return _figure_bytes(obj, "png", dpi)


def repr_svg(obj):
    """SVG text of the drawing of a Network or a Labeling (what ``_repr_svg_`` returns), or None."""
    data = _figure_bytes(obj, "svg", 72)
    return None if data is None else data.decode("utf-8")
