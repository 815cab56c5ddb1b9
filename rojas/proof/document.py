"""Just enough of Markdown and LaTeX to write one report in both, with user text escaped.

Node ids and edge names are the user's text: in a LaTeX document they could
run commands (``\\input{/etc/hostname}``, ``\\immediate\\write18{…}``), in
Markdown open links, HTML or break a table.  Everything a :class:`Document`
writes from text goes through :func:`escape_latex` or :func:`escape_markdown`;
math comes from SymPy with symbol names built by :func:`tex_name`.
"""

import re

from ..errors import RojasError
from ..utils.escaping import latex, latex_math, pdflatex_text, terminal

__all__ = ["Document", "escape_latex", "escape_markdown", "tex_name", "FORMATS"]

FORMATS = ("md", "tex")

# The report's own symbols, which pdflatex cannot typeset from UTF-8 text: set as math.
_SYMBOLS = {"δ": "$\\delta$", "∂": "$\\partial$", "→": "$\\to$", "·": "$\\cdot$", "Σ": "$\\Sigma$", "−": "-",
            "′": "'", "½": "1/2", "Π": "$\\Pi$", "≈": "$\\approx$", "×": "$\\times$", "σ": "$\\sigma$"}
_SYMBOL = re.compile("|".join(map(re.escape, _SYMBOLS)))
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|$#])")


def escape_latex(text):
    """`text` typeset literally in LaTeX text mode (:func:`rojas.utils.escaping.latex`), the report's symbols as math.

    Examples
    --------
    >>> print(escape_latex("w_1^\\\\input{/etc/hostname} → δ"))
    w\\_1\\textasciicircum{}\\textbackslash{}input\\{/etc/hostname\\} $\\to$ $\\delta$
    """
    return pdflatex_text(_SYMBOL.sub(lambda m: _SYMBOLS[m.group()], latex(text)))


def escape_markdown(text):
    """`text` shown literally in Markdown: no link, HTML, code, math, heading or table break.

    Only what can change a document's structure is escaped (not ``_`` or
    ``.``), so the report's own prose and numbers read as written.

    Examples
    --------
    >>> print(escape_markdown("h|<b>*x*</b>"))
    h\\|\\<b\\>\\*x\\*\\</b\\>
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", terminal(text)).replace("&", "&amp;")


def tex_name(name):
    """A name as a LaTeX math symbol: ``w1`` → ``w_{1}``, ``b_h1`` → ``b_{h1}``; anything else as text.

    Examples
    --------
    >>> tex_name("w1"), tex_name("b_h1"), tex_name("x}%")
    ('w_{1}', 'b_{h1}', '\\\\text{x\\\\}\\\\%}')
    """
    m = re.fullmatch(r"([A-Za-z]+)_?([A-Za-z0-9]*)('*)", str(name))
    if m is None:
        return latex_math(name)
    base, sub, primes = m.groups()
    return (f"{base}_{{{sub}}}" if sub else base) + primes


class Document:
    """A report written in Markdown (``"md"``) or as a complete LaTeX document (``"tex"``).

    Text passed to :meth:`heading`, :meth:`para` and :meth:`table` is escaped
    for the format; :meth:`math` and :meth:`math_sum` take LaTeX math as is.
    """

    def __init__(self, fmt):
        if fmt not in FORMATS:
            raise RojasError(f"unknown report format {fmt!r} (use md or tex)")
        self.tex, self.lines = fmt == "tex", []

    def esc(self, text):
        """`text` escaped for this document's format."""
        return escape_latex(text) if self.tex else escape_markdown(text)

    def heading(self, text, level=2):
        if self.tex:
            self.lines += [f"\\{'sub' * (level - 1)}section*{{{self.esc(text)}}}", ""]
        else:
            self.lines += ["#" * level + " " + self.esc(text), ""]

    def para(self, text):
        self.lines += [self.esc(text), ""]

    def math(self, latex):
        self.lines += ([f"\\[ {latex} \\]", ""] if self.tex else [f"$$ {latex} $$", ""])

    def math_sum(self, lhs, terms):
        """lhs = t1 + t2 + …, one term a line in LaTeX (long sums would run off the page)."""
        if not self.tex:
            self.math(f"{lhs} = " + " + ".join(terms))
            return
        body = " \\\\\n  &\\quad + ".join(terms)
        self.lines += ["\\begin{align*}", f"  {lhs} &= {body}", "\\end{align*}", ""]

    def table(self, header, rows, wrap=None):
        """A table; in LaTeX the columns in `wrap` ({index: share of the text width}) break their lines."""
        if self.tex:
            wrap = wrap or {}
            spec = "".join(f"p{{{wrap[i]}\\textwidth}}" if i in wrap else "l" for i in range(len(header)))
            self.lines.append("\\begin{center}\\small\\begin{tabular}{" + spec + "}")
            self.lines.append(" & ".join(self.esc(h) for h in header) + " \\\\ \\hline")
            self.lines += [" & ".join(self.esc(c) for c in row) + " \\\\" for row in rows]
            self.lines += ["\\end{tabular}\\end{center}", ""]
        else:
            self.lines.append("| " + " | ".join(self.esc(h) for h in header) + " |")
            self.lines.append("|" + "---|" * len(header))
            self.lines += ["| " + " | ".join(self.esc(c) for c in row) + " |" for row in rows]
            self.lines.append("")

    def text(self, title):
        """The whole document under `title`."""
        body = "\n".join(self.lines)
        if not self.tex:
            return f"# {self.esc(title)}\n\n{body}"
        return ("\\documentclass[10pt]{article}\n\\usepackage[margin=2cm]{geometry}\n"
                "\\usepackage{amsmath}\n\\allowdisplaybreaks\n"
                f"\\title{{{self.esc(title)}}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n"
                f"{body}\n\\end{{document}}\n")
