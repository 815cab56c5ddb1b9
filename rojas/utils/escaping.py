"""One escape function per output format: the terminal, Markdown and LaTeX.

User text (node ids, edge and param names, network names, titles) reaches
reports and terminals through these functions only, so an id cannot forge a
line ("h\\nrojas: error: ..."), colour a terminal with ANSI escapes, break a
Markdown table or run TeX code (``\\input``, ``\\write18``) in a document a
user compiles.

* :func:`terminal` makes control characters, lone surrogates, line separators
  and bidirectional overrides visible as Python escapes (``\\n``, ``\\x1b``,
  ``\\u202e``); everything else is left as it is.
* :func:`markdown` does that, then backslash-escapes Markdown's punctuation and
  writes ``<``, ``>`` and ``&`` as HTML entities.
* :func:`latex` does that, then turns every TeX special character into the
  command that prints it; :func:`latex_math` wraps the result in ``\\text{}``
  for use inside math mode (amsmath).
"""

import unicodedata

__all__ = ["terminal", "terminal_lines", "markdown", "latex", "latex_math", "pdflatex_text"]

# Bidirectional controls reorder what follows them on screen: show them, never apply them.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%",
          "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
          "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _visible(ch):
    if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
        escaped = ch.encode("unicode_escape", "backslashreplace").decode("ascii")
        # lone surrogates cannot be encoded at all: spell their code point
        return escaped if escaped != ch else f"\\u{ord(ch):04x}"
    return ch


def terminal(text):
    """`text` (any object, through ``str``) with every invisible or line-breaking character escaped.

    >>> print(terminal("h\\nrojas: error: fake"))
    h\\nrojas: error: fake
    >>> terminal("\\x1b[31mred\\x1b[0m")
    '\\\\x1b[31mred\\\\x1b[0m'
    >>> terminal("\\ud800"), terminal("σ′ → δ")
    ('\\\\ud800', 'σ′ → δ')
    """
    text = str(text)
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(map(_visible, text))


def terminal_lines(text):
    r"""`text` as :func:`terminal` escapes it, but keeping its line breaks and tabs: a whole output's text.

    What the command line passes everything it writes to standard output
    through, so that no writer, present or future, sends a raw control
    sequence (an ANSI colour, an OSC that sets the terminal's title) to the
    terminal.  Names inside lines are escaped by :func:`terminal` (a newline
    in an id cannot start a line).

    >>> terminal_lines("a\tb\n\x1b]0;pwned\x07c\n")
    'a\tb\n\\x1b]0;pwned\\x07c\n'
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch in "\n\t" else _visible(ch) for ch in text)


def markdown(text):
    """`text` safe inside Markdown prose and table cells: no markup, no HTML, no line breaks.

    >>> print(markdown("w_1*|<b>"))
    w\\_1\\*\\|&lt;b&gt;
    """
    out = []
    for ch in terminal(text):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MARKDOWN_PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def latex(text):
    """`text` as LaTeX that prints it literally (text mode): no command, group or math from user text.

    >>> print(latex(r"w_1^\\input{/etc/hostname}"))
    w\\_1\\textasciicircum{}\\textbackslash{}input\\{/etc/hostname\\}
    >>> print(latex("h}\\\\immediate\\\\write18{x}%"))
    h\\}\\textbackslash{}immediate\\textbackslash{}write18\\{x\\}\\%
    """
    return "".join(_LATEX.get(ch, ch) for ch in terminal(text))


def pdflatex_text(tex):
    """LaTeX text with every character pdflatex cannot typeset written as its code point, ``[U+4E2D]``.

    pdflatex (UTF-8 input, the default fonts) prints ASCII, the accented Latin
    letters it composes and a few symbols; any other character stops the run
    (``Unicode character 中 (U+4E2D) not set up for use with LaTeX``).

    >>> print(pdflatex_text("Größe σ"))
    Größe [U+03C3]
    """
    if tex.isascii():
        return tex
    return "".join(ch if _pdflatex_prints(ch) else f"[U+{ord(ch):04X}]" for ch in tex)


# Besides ASCII and the accented Latin letters it composes, pdflatex (utf8, OT1 fonts) prints these.
_PDFLATEX_EXTRA = frozenset("\u00a0¡¢£¤¥¦§¨©ª¬\u00ad®¯°±²³´µ¶·¸¹º¼½¾¿Æ×Øßæ÷øıĲĳŁłŒœ")  # tried one by one
_ACCENTS = frozenset(map(chr, (0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x307, 0x308, 0x30A, 0x30B, 0x30C, 0x327)))


def _pdflatex_prints(ch):
    if ch.isascii() or ch in _PDFLATEX_EXTRA:
        return True
    parts = unicodedata.normalize("NFD", ch)
    return (ord(ch) <= 0x17F and len(parts) == 2 and parts[0].isascii() and parts[0].isalpha()
            and parts[1] in _ACCENTS)


def latex_math(text):
    r"""`text` printed literally inside LaTeX math mode: ``\text{…}`` around :func:`latex` (needs amsmath).

    >>> print(latex_math("h_1"))
    \text{h\_1}
    """
    return r"\text{" + pdflatex_text(latex(text)) + "}"
