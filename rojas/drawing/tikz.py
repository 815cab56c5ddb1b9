"""A drawing as TikZ: the picture the Matplotlib renderer laid out, written for LaTeX.

:func:`tikz_picture` walks the artists of a finished :class:`~rojas.drawing.Drawing`
(the same scene, layout and label places as the PNG, SVG and PDF) and writes
each as TikZ: shapes as paths in points, every text as a ``\\node`` set in the
document's own font (so the numbers match the book's), user text escaped by
:func:`rojas.utils.escaping.latex`.  Every unit is also a named node,
``(forward-h1)``, so an author can draw on it.  :func:`tikz_document` wraps the
picture in a document that compiles with ``pdflatex`` using only Debian's
``texlive-latex-base`` and ``texlive-pictures`` (article, fix-cm, TikZ), on a
page exactly the figure's size.
"""

import re
import unicodedata

from ..utils.escaping import latex
from .scene import ObjectiveNode

__all__ = ["tikz_picture", "tikz_document", "latex_text"]

# Characters the drawings use, as LaTeX (math pieces are closed again at once, so they work in any text).
_CHARS = {
    "−": "$-$", "×": "$\\times$", "·": "$\\cdot$", "→": "$\\to$", "≠": "$\\neq$", "≤": "$\\leq$",
    "≥": "$\\geq$", "±": "$\\pm$", "∂": "$\\partial$", "∇": "$\\nabla$", "⟨": "$\\langle$", "⟩": "$\\rangle$",
    "′": "$'$", "½": "$\\frac{1}{2}$", "…": "\\ldots{}", "—": "---", "–": "--", "‖": "$\\|$", "√": "$\\surd$",
    "∑": "$\\Sigma$", "∏": "$\\Pi$", "≈": "$\\approx$", "∞": "$\\infty$", "∈": "$\\in$", "°": "$^\\circ$",
    "ˢ": "$^s$", "ᵀ": "$^T$", "⊙": "$\\odot$", "⁺": "$^+$", "§": "\\S{}", "‘": "`", "’": "'", "“": "``",
    "”": "''", "✓": "$\\surd$", "✗": "$\\times$", "■": "$\\bullet$", "─": "-", "│": "|", "•": "$\\bullet$", "\u00a0": "~",
}
_LATIN_CAPITALS = {"Alpha": "A", "Beta": "B", "Epsilon": "E", "Zeta": "Z", "Eta": "H", "Iota": "I", "Kappa": "K",
                   "Mu": "M", "Nu": "N", "Rho": "P", "Tau": "T", "Chi": "X"}
_GREEK = {}
for _name in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
              "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"):
    _unicode = _name.upper().replace("LAMBDA", "LAMDA")  # Unicode's spelling
    _GREEK[unicodedata.lookup(f"GREEK SMALL LETTER {_unicode}")] = f"$\\{_name}$"
    _cap = _name.capitalize()
    _GREEK[unicodedata.lookup(f"GREEK CAPITAL LETTER {_unicode}")] = _LATIN_CAPITALS.get(_cap, f"$\\{_cap}$")
_SUPER = dict(zip("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
_SUB = dict(zip("₋₀₁₂₃₄₅₆₇₈₉ₜ", "-0123456789t"))


def latex_text(text):
    """Drawing text as LaTeX text: symbols as math, runs of superscript digits as one exponent,
    everything else escaped; a character LaTeX's base fonts lack is written as its code point.

    Examples
    --------
    >>> print(latex_text("∂E/∂w5 = −4.386×10⁻⁵"))
    $\\partial$E/$\\partial$w5 = $-$4.386$\\times$10$^{-5}$
    >>> print(latex_text("δ_h1 = 50%"))
    $\\delta$\\_h1 = 50\\%
    """
    out, i = [], 0
    text = str(text)
    while i < len(text):
        ch = text[i]
        for table, wrap in ((_SUPER, "$^{%s}$"), (_SUB, "$_{%s}$")):
            if ch in table:
                j = i
                while j < len(text) and text[j] in table:
                    j += 1
                out.append(wrap % "".join(table[c] for c in text[i:j]))
                i = j
                break
        else:
            if ch in _CHARS:
                out.append(_CHARS[ch])
            elif ch in _GREEK:
                out.append(_GREEK[ch])
            elif ord(ch) < 128 or unicodedata.category(ch).startswith("L") and ord(ch) < 0x180:
                out.append(latex(ch) if ch not in "\n\t" else " ")
            else:
                out.append(f"[U+{ord(ch):04X}]")
            i += 1
    return "".join(out)


def _colour(colour):
    r, g, b = (round(255 * c) for c in _rgba(colour)[:3])
    return f"{{rgb,255:red,{r};green,{g};blue,{b}}}"


def _opacity(alpha, key):
    return "" if alpha is None or alpha >= 0.999 else f", {key} opacity={alpha:.3g}"


_DASH = {"--": "dashed", "dashed": "dashed", ":": "dotted", "dotted": "dotted", "-.": "dash dot",
         "dashdot": "dash dot"}


class _Writer:
    def __init__(self, fig):
        self.fig = fig
        self.k = 72.0 / fig.dpi   # display pixels to points
        self.renderer = fig.canvas.get_renderer()
        self.lines = []

    def pt(self, xy):
        return f"({xy[0] * self.k:.2f},{xy[1] * self.k:.2f})"

    def path(self, path, transform, fill, stroke, lw, alpha_f, alpha_s, style, comment=""):
        from matplotlib.path import Path

        if fill is None and stroke is None:
            return
        tpath = transform.transform_path(path)
        parts = []
        for verts, code in tpath.iter_segments(simplify=False, curves=True):
            pts = verts.reshape(-1, 2)
            if code == Path.MOVETO:
                parts.append(self.pt(pts[0]))
            elif code == Path.LINETO:
                parts.append("-- " + self.pt(pts[0]))
            elif code == Path.CURVE3:
                parts.append(f".. controls {self.pt(pts[0])} .. {self.pt(pts[1])}")
            elif code == Path.CURVE4:
                parts.append(f".. controls {self.pt(pts[0])} and {self.pt(pts[1])} .. {self.pt(pts[2])}")
            elif code == Path.CLOSEPOLY:
                parts.append("-- cycle")
        if not parts:
            return
        opts = []
        if fill is not None:
            opts.append(f"fill={_colour(fill)}" + _opacity(alpha_f, "fill"))
        if stroke is not None and lw > 0:
            opts.append(f"draw={_colour(stroke)}, line width={lw:.2f}bp" + _opacity(alpha_s, "draw"))
            if isinstance(style, tuple) and style[1]:  # the artist's own dash pattern, in points
                opts.append("dash pattern=" + " ".join(f"{'on' if k % 2 == 0 else 'off'} {v:.2f}bp"
                                                       for k, v in enumerate(style[1])))
            elif style in _DASH:
                opts.append(_DASH[style])
        elif fill is None:
            return
        if comment:
            self.lines.append(f"% {comment}")
        self.lines.append(f"\\path[{', '.join(opts)}] " + " ".join(parts) + ";")

    def patch(self, p, comment):
        import matplotlib.colors as mc
        import numpy as np
        from matplotlib.path import Path

        face = p.get_facecolor() if p.get_fill() and mc.to_rgba(p.get_facecolor())[3] > 0 else None
        edge = p.get_edgecolor() if mc.to_rgba(p.get_edgecolor())[3] > 0 else None
        alpha = p.get_alpha()
        path, n = p.get_path(), len(p.get_path().vertices)
        cuts = [] if path.codes is None else [int(i) for i in np.flatnonzero(path.codes == Path.MOVETO)[1:]]
        for a, b in zip([0] + cuts, cuts + [n]):  # an arrow is its line and its head: only a closed piece is
            piece = Path(path.vertices[a:b], None if path.codes is None else path.codes[a:b])  # filled (a filled
            closed = not cuts or piece.codes[-1] == Path.CLOSEPOLY                             # curve is a blot)
            self.path(piece, p.get_transform(), face if closed else None, edge, p.get_linewidth(),
                      alpha if alpha is not None else (face[3] if face is not None else None),
                      alpha if alpha is not None else (edge[3] if edge is not None else None),
                      getattr(p, "_dash_pattern", None) or p.get_linestyle(), comment)

    def line(self, ln, comment):
        from matplotlib.path import Path

        xy = ln.get_transform().transform(ln.get_xydata())
        if len(xy) >= 2 and ln.get_linestyle() not in ("None", "none", " ", ""):
            from matplotlib.transforms import IdentityTransform

            self.path(Path(xy), IdentityTransform(), None, ln.get_color(), ln.get_linewidth(), None,
                      ln.get_alpha(), getattr(ln, "_dash_pattern", None) or ln.get_linestyle(), comment)
        marker = ln.get_marker()
        every = ln.get_markevery()
        if isinstance(every, (list, tuple)) and all(isinstance(i, int) for i in every):
            xy = xy[[i for i in every if -len(xy) <= i < len(xy)]]
        elif isinstance(every, int) and every > 0:
            xy = xy[::every]
        if isinstance(marker, str) and marker.startswith("$") and marker.endswith("$") and len(marker) > 2:
            for x, y in xy:
                self.lines.append(f"\\node[inner sep=0pt, font=\\fontsize{{{ln.get_markersize():.1f}}}"
                                  f"{{{ln.get_markersize() * 1.2:.1f}}}\\selectfont\\bfseries] at {self.pt((x, y))} "
                                  f"{{{latex_text(marker[1:-1])}}};")
        elif marker in ("o", "."):
            r = ln.get_markersize() / 2 / self.k
            for x, y in xy:
                self.lines.append(f"\\fill[{_colour_opt(ln.get_markerfacecolor())}] {self.pt((x, y))} "
                                  f"circle[radius={r * self.k:.2f}bp];")

    def collection(self, c, comment):
        import numpy as np
        from matplotlib.transforms import Affine2D

        paths = c.get_paths()
        faces, edges = c.get_facecolor(), c.get_edgecolor()
        widths = np.atleast_1d(c.get_linewidth())
        offsets = c.get_offsets()
        transforms = c.get_transforms() if hasattr(c, "get_transforms") else []
        n = max(len(paths), len(offsets) if len(transforms) else 0)
        for i in range(n):
            path = paths[i % len(paths)]
            if len(transforms) and len(offsets):
                off = c.get_offset_transform().transform(offsets[i % len(offsets)])
                tr = Affine2D(transforms[i % len(transforms)]).translate(*off)
            else:
                tr = c.get_transform()
            face = faces[i % len(faces)] if len(faces) else None
            edge = edges[i % len(edges)] if len(edges) else None
            self.path(path, tr, face if face is not None and face[3] > 0 else None,
                      edge if edge is not None and edge[3] > 0 else None, widths[i % len(widths)],
                      None if face is None else face[3], None if edge is None else edge[3], "-",
                      comment if i == 0 else "")

    def text(self, t, comment):
        content = t.get_text()
        if not content.strip():
            return
        box = t.get_bbox_patch()
        if box is not None:
            t.update_bbox_position_size(self.renderer)
            self.patch(box, "")
        bb = t.get_window_extent(self.renderer)
        ha, va, rot = t.get_horizontalalignment(), t.get_verticalalignment(), t.get_rotation()
        if rot % 360:
            x, y, anchor = (bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2, "center"
        else:
            x = {"left": bb.x0, "right": bb.x1}.get(ha, (bb.x0 + bb.x1) / 2)
            y = {"top": bb.y1, "bottom": bb.y0, "baseline": bb.y0}.get(va, (bb.y0 + bb.y1) / 2)
            anchor = ({"top": "north", "bottom": "south", "baseline": "south"}.get(va, "") + " " +
                      {"left": "west", "right": "east"}.get(ha, "")).strip() or "center"
        size = t.get_fontsize()
        family = t.get_fontfamily()
        mono = any("mono" in f.lower() for f in family)
        font = f"\\fontsize{{{size:.1f}}}{{{size * 1.2:.1f}}}\\selectfont" + \
            ("\\ttfamily" if mono else "") + ("\\bfseries" if t.get_fontweight() in ("bold", 700, "heavy") else "")
        lines = content.split("\n")
        math = re.fullmatch(r"\$\\mathdefault\{([0-9.^{}\-−]+)\}\$", content) if t.get_parse_math() else None
        if math:  # Matplotlib's own tick label (10^{-3}), digits and braces only: LaTeX reads it as it is
            lines = ["$" + math.group(1).replace("−", "-") + "$"]
            body = lines[0]
        elif mono:  # a table: its columns are made of spaces, kept in a fixed-width font
            body = "\\\\{}".join(latex_text(line).replace(" ", "\\ ") or "\\strut" for line in lines)
        else:  # "\\{}": a line that starts with "[" is not the line break's optional argument
            body = "\\\\{}".join(latex_text(line) for line in lines)
        align = {"left": "left", "right": "right"}.get(t._multialignment or ha, "center")
        opts = [f"anchor={anchor}", "inner sep=0pt", f"font={font}", f"text={_colour(t.get_color())}"]
        if len(lines) > 1:
            opts.append(f"align={align}")
        if rot % 360:
            opts.append(f"rotate={rot:.1f}")
        if comment:
            self.lines.append(f"% {comment}")
        self.lines.append(f"\\node[{', '.join(opts)}] at {self.pt((x, y))} {{{body}}};")


def _rgba(c):
    import matplotlib.colors as mc

    return mc.to_rgba(c)


def _colour_opt(c):
    return f"fill={_colour(c)}"


def _owners(drawing):
    """``{id(artist): "unit h1 (forward)"}``: what each artist belongs to, for comments in the source."""
    owner = {}
    for panel, nodes in drawing.nodes.items():
        for n, ua in nodes.items():
            for a in ua.artists():
                owner[id(a)] = f"{_kind(n)} {_name(n)} ({panel})"
    for panel, edges in drawing.edges.items():
        for (u, v), ea in edges.items():
            for a in ea.artists():
                owner[id(a)] = f"edge {_name(u)}->{_name(v)} ({panel})"
    return owner


def _kind(n):
    return n.role if isinstance(n, ObjectiveNode) else "unit"


def _name(n):
    if isinstance(n, ObjectiveNode):
        return "E" if n.role == "sum" else f"error of {n.output}"
    return re.sub(r"[\x00-\x1f%\\]", "?", str(n))


def _node_name(panel, n):
    """A TikZ node name: letters, digits and hyphens only (a user id never breaks the source)."""
    text = "E" if isinstance(n, ObjectiveNode) and n.role == "sum" else (
        f"error-{n.output}" if isinstance(n, ObjectiveNode) else str(n))
    return f"{panel}-" + "".join(c if c.isascii() and c.isalnum() else f"x{ord(c):x}" for c in text)


def _artists(fig):
    """Every visible artist in drawing order: axes by axes, children by zorder, a legend's parts within it."""
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    out = [fig.patch]
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        if ax.axison or ax.patch.get_visible():
            out.append(ax.patch)
        children = sorted(ax.get_children(), key=lambda a: a.get_zorder())
        for a in children:
            if isinstance(a, Legend):  # its frame first, then what it holds (findobj lists a parent last)
                parts = [b for b in a.findobj() if b is not a and b is not a.legendPatch]
                out += [a.legendPatch] + [b for b in parts if isinstance(b, (Patch, Text, Line2D))]
            elif isinstance(a, Axes) or a is ax.patch:
                continue
            elif type(a).__name__ in ("XAxis", "YAxis", "Spine") and not ax.axison:
                continue
            elif type(a).__name__ in ("XAxis", "YAxis"):
                out += [b for b in a.findobj() if isinstance(b, Text)]
            else:
                out.append(a)
    out += list(fig.texts)  # texts placed on the figure itself (a summary's heading)
    return [a for a in out if a.get_visible()]


def tikz_picture(drawing):
    """The ``tikzpicture`` of a drawing (for ``\\input`` into a document that loads TikZ).

    Coordinates are points from the figure's lower left corner; the bounding box is the figure.

    Examples
    --------
    >>> import rojas
    >>> from rojas.drawing.render import make_drawing
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> text = tikz_picture(make_drawing(lab, None, pyplot=False))
    >>> text.startswith("\\\\begin{tikzpicture}") and "(forward-h1)" in text and "0.08217" in text
    True
    """
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    fig = drawing.figure
    fig.draw_without_rendering()  # every text and arrow placed as in the saved figure; no glyph rasterized
    w = fig.get_figwidth() * 72
    h = fig.get_figheight() * 72
    out = _Writer(fig)
    owner = _owners(drawing)
    for a in _artists(fig):
        comment = owner.get(id(a), "")
        if isinstance(a, Text):
            out.text(a, comment)
        elif isinstance(a, Patch):
            out.patch(a, comment)
        elif isinstance(a, Line2D):
            out.line(a, comment)
        elif isinstance(a, Collection):
            out.collection(a, comment)
    names = []
    for panel, nodes in drawing.nodes.items():
        for n in nodes:
            x, y = drawing.ax.transData.transform(drawing.place(n, panel))
            r = drawing.scale or 0.0
            names.append(f"\\node[circle, minimum size={2 * r:.2f}bp, inner sep=0pt] ({_node_name(panel, n)}) "
                         f"at {out.pt((x, y))} {{}};")
    return "\n".join([
        "\\begin{tikzpicture}[x=1bp, y=1bp, line cap=butt, line join=round]",
        "% written by rojas: the figure's own layout, in points from its lower left corner",
        f"\\useasboundingbox (0,0) rectangle ({w:.2f},{h:.2f});",
        f"\\clip (0,0) rectangle ({w:.2f},{h:.2f});",
        *out.lines,
        "% every unit as a named node (panel-id), to draw on",
        *names,
        "\\end{tikzpicture}",
    ]) + "\n"


def tikz_document(drawing):
    """A LaTeX document of one page the figure's size holding :func:`tikz_picture`.

    Uses only ``article``, ``fix-cm`` (scalable Computer Modern) and TikZ: ``pdflatex`` with Debian's
    ``texlive-latex-base`` and ``texlive-pictures`` compiles it.
    """
    fig = drawing.figure
    w, h = fig.get_figwidth() * 72, fig.get_figheight() * 72
    return "\n".join([
        "% rojas figure: compile with pdflatex",
        "\\RequirePackage{fix-cm}",
        "\\documentclass{article}",
        "\\usepackage[utf8]{inputenc}",
        "\\usepackage{tikz}",
        f"\\paperwidth={w:.2f}bp \\paperheight={h:.2f}bp \\pdfpagewidth=\\paperwidth \\pdfpageheight=\\paperheight",
        "\\hoffset=-1in \\voffset=-1in \\oddsidemargin=0pt \\evensidemargin=0pt \\topmargin=0pt",
        f"\\headheight=0pt \\headsep=0pt \\footskip=0pt \\textwidth={w:.2f}bp \\textheight=2\\paperheight",
        "\\parindent=0pt \\topskip=0pt \\parskip=0pt \\pagestyle{empty}",
        "\\begin{document}",
        "\\noindent%",
        tikz_picture(drawing).rstrip("\n") + "%",
        "\\end{document}",
    ]) + "\n"
