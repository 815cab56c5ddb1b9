"""The figure formats: one table, suffix → writer (HIPS autograd's lesson: formats are entries, not ifs).

Every writer takes the object drawn, the path and the drawing options and
returns the :class:`~rojas.drawing.Drawing` it wrote from.  PNG, SVG and PDF
are Matplotlib's files of the drawing; ``.tex`` (a standalone LaTeX document)
and ``.tikz`` (the ``tikzpicture`` alone, for ``\\input``) write the same
drawing as TikZ (:mod:`.tikz`); ``.dot`` writes the drawing's scene for
Graphviz to lay out (:mod:`.dot`).  :func:`register_format` adds one; the CLI
and :func:`rojas.drawing.save_drawing` only look names up here.
"""

import io
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import RojasError
from ..utils.files import write_atomic, write_text_atomic

__all__ = ["FigureFormat", "FIGURE_FORMATS", "editable_svg", "figure_format", "metadata", "register_format",
           "text_as_text"]


@dataclass(frozen=True)
class FigureFormat:
    """One way of writing a figure.

    Attributes
    ----------
    suffix : str
        The file extension, without the dot.
    description : str
        What the file is, for help texts.
    write : callable
        ``write(obj, path, dpi=, figsize=, **options) -> Drawing``.
    pixels : bool
        The size is counted in pixels (a raster image): ``--dpi`` matters.
    """

    suffix: str
    description: str
    write: Callable
    pixels: bool = False


FIGURE_FORMATS = {}


def register_format(fmt):
    """Add `fmt` (a :class:`FigureFormat`) to :data:`FIGURE_FORMATS`, under its suffix."""
    FIGURE_FORMATS[fmt.suffix] = fmt
    return fmt


def figure_format(path, allowed=None):
    """The :class:`FigureFormat` of `path`'s extension.

    Raises
    ------
    RojasError
        For a missing or unknown extension, naming the ones there are.

    Examples
    --------
    >>> figure_format("net.TeX").description
    'a LaTeX document (TikZ), for pdflatex'
    """
    allowed = list(FIGURE_FORMATS) if allowed is None else allowed
    ext = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if ext not in allowed or ext not in FIGURE_FORMATS:
        what = f"extension .{ext}" if ext else "no extension"
        raise RojasError(f"cannot write {os.fspath(path)!r}: {what}; use " + ", ".join(f".{a}" for a in allowed))
    return FIGURE_FORMATS[ext]


def _matplotlib(suffix):
    def write(obj, path, dpi=None, figsize=None, **options):
        from .style import DEFAULT_DPI, MAX_SIDE_PX
        from .render import make_drawing

        drawing = make_drawing(obj, None, pyplot=False, figsize=figsize, dpi=dpi or DEFAULT_DPI, **options)
        w, h = drawing.figure.get_size_inches()
        if dpi is None:  # the default gives way to the size limit, down to 72 dpi (a 7 pt text 7 px high)
            fitted = math.floor(MAX_SIDE_PX / max(w, h)) if suffix == "png" else DEFAULT_DPI
            dpi = min(DEFAULT_DPI, fitted) if fitted >= 72 else DEFAULT_DPI
        drawing.dpi = dpi
        if suffix == "png" and max(w, h) * dpi > MAX_SIDE_PX:
            raise RojasError(f"the image would be {round(w * dpi)}×{round(h * dpi)} px, over the limit of "
                             f"{MAX_SIDE_PX} px a side: lower --dpi (now {dpi:g}) or choose --detail table or "
                             "summary")
        if suffix == "svg":
            write_atomic(path, lambda tmp: Path(tmp).write_bytes(editable_svg(drawing, dpi)))
            return drawing
        with text_as_text():
            write_atomic(path, lambda tmp: drawing.figure.savefig(tmp, format=suffix, dpi=dpi,
                                                                  metadata=metadata(suffix)))
        return drawing
    return write


def _tikz(document):
    def write(obj, path, dpi=None, figsize=None, **options):
        from .render import make_drawing
        from .style import DEFAULT_DPI
        from .tikz import tikz_document, tikz_picture

        drawing = make_drawing(obj, None, pyplot=False, figsize=figsize, dpi=dpi or DEFAULT_DPI, **options)
        write_text_atomic(path, (tikz_document if document else tikz_picture)(drawing))
        return drawing
    return write


def _dot(obj, path, dpi=None, figsize=None, **options):
    from .artists import Drawing
    from .dot import dot_source
    from .render import split_object
    from .render import check_digits
    from .scene import build_scene

    net, lab = split_object(obj)
    ps = None
    if options.get("paths") is not None:
        if lab is None:
            raise RojasError("highlighting paths needs a labeled network: give the inputs (and targets)")
        from .highlight import path_table

        ps = path_table(lab, options["paths"], options.get("to"))
    scene = build_scene(net, lab, options.get("sample"), digits=check_digits(options.get("digits")))
    if options.get("title") is not None:
        scene.title = str(options["title"])
    scene.style = options.get("style") or "default"
    from .style import PATH_STYLES

    if scene.style not in PATH_STYLES:
        raise RojasError(f"unknown style {scene.style!r} (use " + " or ".join(PATH_STYLES) + ")")
    write_text_atomic(path, dot_source(scene, ps))
    drawing = Drawing(None)
    drawing.mode, drawing.scene, drawing.path_sum = "graphviz", scene, ps
    drawing.panels = ["forward and backward labels on one graph"] if lab is not None else []
    return drawing


def text_as_text():
    """The rc settings under which figures are written: SVG keeps its text as text (searchable,
    editable) and names the fonts rojas chose (:data:`rojas.drawing.style.FONT_FAMILY`, then the
    viewer's sans-serif), PDF embeds TrueType fonts (Type 42), not Type 3."""
    import matplotlib

    from .style import FONT_FAMILY

    return matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "font.family": "sans-serif",
                                  "font.sans-serif": list(FONT_FAMILY)})


def editable_svg(drawing, dpi=72):
    """The SVG of a drawing, ready to edit: its text keeps its spaces (``xml:space="preserve"``: the
    tables' columns), and every artist of a unit or an edge sits in a ``<g>`` carrying
    ``data-node="ID"`` or ``data-edge="U->V"`` and ``data-panel`` (the explorer's DOM contract), so an
    author can select and restyle one unit in Inkscape."""
    import re
    from xml.sax.saxutils import quoteattr

    from .scene import ObjectiveNode

    owner = {}
    for kind, groups in (("node", drawing.nodes), ("edge", drawing.edges)):
        for panel, items in groups.items():
            for key, arts in items.items():
                if kind == "node":
                    name = ("E" if key.role == "sum" else f"error:{key.output}") if isinstance(key, ObjectiveNode) \
                        else str(key)
                else:
                    name = "->".join("E" if isinstance(n, ObjectiveNode) and n.role == "sum" else
                                     f"error:{n.output}" if isinstance(n, ObjectiveNode) else str(n) for n in key)
                for a in arts.artists():
                    if a is not None:
                        k = f"rojas{len(owner)}"
                        a.set_gid(k)
                        owner[k] = f"data-{kind}={quoteattr(name)} data-panel={quoteattr(panel)}"
    buf = io.BytesIO()
    with text_as_text():
        drawing.figure.savefig(buf, format="svg", dpi=dpi, metadata=metadata("svg"))
    text = buf.getvalue().decode("utf-8")
    text = text.replace("<svg ", '<svg xml:space="preserve" ', 1)
    text = re.sub(r'<g id="(rojas\d+)">', lambda m: f'<g id="{m.group(1)}" {owner[m.group(1)]}>', text)
    return text.encode("utf-8")


def metadata(fmt):
    # Reproducible files: no creation dates in SVG/PDF, no software version churn.
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None}
    return None



for _suffix, _what in (("png", "a PNG image"), ("svg", "an SVG image (text as text)"),
                       ("pdf", "a PDF (TrueType text)")):
    register_format(FigureFormat(_suffix, _what, _matplotlib(_suffix), pixels=_suffix == "png"))
register_format(FigureFormat("tex", "a LaTeX document (TikZ), for pdflatex", _tikz(document=True)))
register_format(FigureFormat("tikz", "a tikzpicture, for \\input", _tikz(document=False)))
register_format(FigureFormat("dot", "Graphviz dot source (record units)", _dot))
