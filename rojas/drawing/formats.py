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
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import RojasError, RojasWarning
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
        drawing.files = [os.fspath(path)]
        if drawing.pages and suffix == "pdf":  # one file of several pages
            from matplotlib.backends.backend_pdf import PdfPages

            def pages(tmp):
                with PdfPages(tmp, metadata=metadata("pdf")) as pdf:
                    for fig in [drawing.figure, *drawing.pages]:
                        pdf.savefig(fig, dpi=dpi)

            with text_as_text():
                write_atomic(path, pages)
            return drawing
        if suffix == "svg":
            write_atomic(path, lambda tmp: Path(tmp).write_bytes(editable_svg(drawing, dpi)))
        else:
            with text_as_text():
                write_atomic(path, lambda tmp: drawing.figure.savefig(tmp, format=suffix, dpi=dpi,
                                                                      metadata=metadata(suffix)))
        for k, fig in enumerate(drawing.pages, 2):  # a single-page format: fig-2.svg, fig-3.svg …
            more = further_page(path, k)
            if suffix == "svg":
                write_atomic(more, lambda tmp: Path(tmp).write_bytes(svg_text(fig, dpi)))
            else:
                with text_as_text():
                    write_atomic(more, lambda tmp: fig.savefig(tmp, format=suffix, dpi=dpi,
                                                               metadata=metadata(suffix)))
            drawing.files.append(more)
        _warn_stale_pages(path, len(drawing.files))
        return drawing
    return write


def further_page(path, k):
    """The file of page `k` (from 2) of a figure written to `path` in a single-page format.

    Examples
    --------
    >>> further_page("out/fig.svg", 2)
    'out/fig-2.svg'
    """
    stem, ext = os.path.splitext(os.fspath(path))
    return f"{stem}-{k}{ext}"


def _warn_stale_pages(path, pages):
    """Warn when ``path``'s page ``pages + 1`` exists: a longer earlier drawing's page, now stale.

    It is left alone (a ``fig-2.svg`` may be another figure of the author's), but a reader or a build
    taking every ``fig-*.svg`` would take it as a page of this drawing.
    """
    k = pages + 1
    while os.path.exists(further_page(path, k)):
        k += 1
    if k > pages + 1:
        many = k > pages + 2
        last = f" … {os.path.basename(further_page(path, k - 1))}" if many else ""
        warnings.warn(f"{further_page(path, pages + 1)}{last} {'exist' if many else 'exists'} but "
                      f"{'are not pages' if many else 'is not a page'} of this {pages}-page drawing "
                      f"(an earlier drawing's?): left as {'they were' if many else 'it was'}",
                      RojasWarning, stacklevel=3)


def svg_text(fig, dpi=72):
    """The SVG of a figure with its text as text, keeping its spaces (``xml:space="preserve"``)."""
    buf = io.BytesIO()
    with text_as_text():
        fig.savefig(buf, format="svg", dpi=dpi, metadata=metadata("svg"))
    return buf.getvalue().decode("utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1).encode("utf-8")


def _tikz(document):
    def write(obj, path, dpi=None, figsize=None, **options):
        from .artists import Drawing
        from .render import make_drawing
        from .style import DEFAULT_DPI
        from .tikz import tikz_document, tikz_picture

        drawing = make_drawing(obj, None, pyplot=False, figsize=figsize, dpi=dpi or DEFAULT_DPI, **options)
        pages = []
        for fig in drawing.pages:  # the tables continued: more pages of the document, or fig-2.tikz …
            page = Drawing(fig.axes[0])
            pages.append(tikz_picture(page).rstrip("\n"))
        text = (tikz_document if document else tikz_picture)(drawing)
        drawing.files = [os.fspath(path)]
        if document and pages:
            more = "".join(f"\\newpage\n\\noindent%\n{p}%\n" for p in pages)
            text = text.replace("\\end{document}", more + "\\end{document}")
        write_text_atomic(path, text)
        if not document:
            for k, p in enumerate(pages, 2):
                drawing.files.append(further_page(path, k))
                write_text_atomic(drawing.files[-1], p + "\n")
            _warn_stale_pages(path, len(drawing.files))
        return drawing
    return write


def _dot(obj, path, dpi=None, figsize=None, **options):
    from .artists import Drawing
    from .dot import dot_source, layout_program
    from .render import split_object
    from .render import check_digits
    from .scene import build_scene

    for option in ("width", "page"):  # Graphviz sizes the layout: a width or page asked here would be ignored
        if options.get(option) is not None:
            raise RojasError(f"a .dot file takes no {option}: Graphviz lays it out and sizes it when it renders "
                             "(e.g. dot -Gsize=6.5,9 -Tpdf); give the width or page to a .pdf, .svg, .png, .tex or "
                             ".tikz")
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
    drawing.program = layout_program(scene)  # the command that renders it: neato for pinned units
    drawing.panels = ["forward and backward labels on one graph"] if lab is not None else []
    return drawing


def text_as_text():
    """The rc settings under which figures are written: SVG keeps its text as text (searchable,
    editable) and names the fonts rojas chose (:data:`rojas.drawing.style.FONT_FAMILY`, then the
    viewer's sans-serif), PDF embeds TrueType fonts (Type 42), not Type 3.  The SVG's element ids
    (clip paths) are hashed with a fixed salt: left unset, Matplotlib salts them with a fresh UUID, so
    the same figure would be other bytes in every process."""
    import matplotlib

    from .style import FONT_FAMILY

    return matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "font.family": "sans-serif",
                                  "font.sans-serif": list(FONT_FAMILY),
                                  "svg.hashsalt": matplotlib.rcParams["svg.hashsalt"] or "rojas"})


def editable_svg(drawing, dpi=72):
    """The SVG of a drawing, ready to edit: its text keeps its spaces (``xml:space="preserve"``: the
    tables' columns), and every unit and every edge is one ``<g>`` carrying ``data-node="ID"`` or
    ``data-edge="U->V"`` (an error unit ``data-objective="error:Y"``, E ``data-objective="E"``, as in the
    explorer) that holds all its shapes and labels, one ``<g data-panel="forward">`` (or
    backward) inside it per panel (:mod:`.svg_groups`), so an author can select and restyle one unit in
    Inkscape."""
    from .scene import ObjectiveNode
    from .svg_groups import group_by_owner

    def name(n):
        if isinstance(n, ObjectiveNode):
            return "E" if n.role == "sum" else f"error:{n.output}"
        return str(n)

    owner = {}
    for kind, groups in (("node", drawing.nodes), ("edge", drawing.edges)):
        for panel, items in groups.items():
            for key, arts in items.items():
                value = name(key) if kind == "node" else "->".join(name(n) for n in key)
                # error units and E carry the explorer's data-objective: a unit may be named "error:y"
                attr = "data-objective" if isinstance(key, ObjectiveNode) else f"data-{kind}"
                for a in arts.artists():
                    if a is not None:
                        k = f"rojas{len(owner)}"
                        a.set_gid(k)
                        owner[k] = (attr, value, panel)
    text = svg_text(drawing.figure, dpi).decode("utf-8")
    return group_by_owner(text, owner).encode("utf-8")


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
