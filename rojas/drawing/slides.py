"""The sweeps as a LaTeX document, one page per step: slides whose numbers and sentences are text.

``rojas animate … -o steps.tex`` writes it.  Beamer would give overlays (``\\only<k>``), but Beamer is
in Debian's ``texlive-latex-recommended``, not in ``texlive-latex-base`` or ``texlive-pictures``, the
only packages rojas's LaTeX may need; so the document is a plain ``article`` with one page the figure's
size per step, each page the TikZ picture (:mod:`.tikz`) of the drawing as that step leaves it, its
sentence under it.  ``\\includegraphics[page=k]`` (graphicx) puts step k on a Beamer slide.
"""

from .tikz import tikz_document, tikz_picture

__all__ = ["steps_document"]


def steps_document(drawing, timeline, update):
    """The LaTeX source of one page per step of `timeline` (see :func:`rojas.drawing.animation.staged`).

    Examples
    --------
    >>> import rojas
    >>> from rojas.drawing.animation import staged
    >>> lab = rojas.label(rojas.load(rojas.example_path("xor")),
    ...                   *rojas.load_data(rojas.example_path("xor", "data")))
    >>> text = steps_document(*staged(lab)[:3])
    >>> text.count("\\\\begin{tikzpicture}"), text.count("\\\\newpage")
    (11, 10)
    """
    pages = []
    for k in range(len(timeline.steps)):
        update(k)
        pages.append("\\noindent%\n" + tikz_picture(drawing).rstrip("\n") + "%\n")
    head = tikz_document(drawing).split("\\begin{document}")[0]
    head = head.replace("% rojas figure: compile with pdflatex",
                        f"% rojas: the sweeps in {len(pages)} steps, one a page; compile with pdflatex")
    return head + "\\begin{document}\n" + "\\newpage\n".join(pages) + "\\end{document}\n"
