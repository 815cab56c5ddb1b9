"""The grammar of a chain-rule claim, parsed by hand: nothing is evaluated.

A claim is a sum of products of factors ``dA/dB`` (or ``∂A/∂B``, or LaTeX
``\\frac{\\partial A}{\\partial B}``), with an optional left side ``dE/dX =``.
Factors are joined by ``*``, ``·``, ``×``, ``⋅``, ``\\cdot`` or ``\\times``
(or nothing, in LaTeX); terms by ``+``.  Names are letters, digits, ``.``,
``'``, ``_`` and ``_{…}``; ``w[u->v]`` names an unnamed edge.  ``E``, ``L`` and
``C`` are reserved for the objective (:data:`OBJECTIVE_NAMES`).

What the names mean is decided by :mod:`rojas.proof.claim_paths`; whether the claim
is right by :func:`rojas.proof.claims.check_claim`.
"""

import re
from dataclasses import dataclass, field

from ..errors import RojasError
from ..network import RESERVED_NAMES

__all__ = ["ClaimSyntaxError", "Factor", "ParsedClaim", "parse_claim", "factor_text", "objective_first",
           "OBJECTIVE_NAMES"]

#: Names a claim reads as the objective; the network refuses them as ids and names (one tuple for both).
OBJECTIVE_NAMES = RESERVED_NAMES


class ClaimSyntaxError(RojasError):
    """The claim does not parse, or names nothing in the network; gives the column."""

    def __init__(self, claim, column, why):
        self.claim, self.column, self.why = claim, column, why
        marked = claim[:column - 1] + "»" + claim[column - 1:]
        super().__init__(f"claim, column {column}: {why}: {marked!r}")


@dataclass
class Factor:
    """One factor ``dA/dB`` as written: its names, where it starts, its text."""

    top: str        # A, as written
    bottom: str     # B, as written
    column: int
    text: str
    columns: tuple = (0, 0)  # where A and B start


@dataclass
class ParsedClaim:
    """A parsed claim: the left side ``dE/dX`` (or None), the terms (lists of factors), the notation used."""

    lhs: Factor | None
    terms: list
    style: dict = field(default_factory=dict)


_NAME = re.compile(r"(?:[A-Za-z0-9.']|_\{[^{}]*\}|_|\[[^\]]*\])+")  # w[u->v]: an unnamed edge
_TIMES = ("*", "·", "×", "⋅", "\\cdot", "\\times")
_PARTIAL = ("∂", "\\partial")


def _name_at(text, i, claim, column_of):
    m = _NAME.match(text, i)
    if not m:
        raise ClaimSyntaxError(claim, column_of(i), "expected a name")
    return m.group(0), m.end()


def _skip(text, i):
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _operator(text, i):
    """The derivative operator at i (``d``, ``∂`` or ``\\partial``) and where the name starts."""
    for op in _PARTIAL:
        if text.startswith(op, i):
            return "∂", _skip(text, i + len(op))
    if text.startswith("d", i):
        return "d", _skip(text, i + 1)
    return None, i


def parse_claim(claim):
    """Parse a claim into an optional left side and a list of terms (lists of factors).

    Raises
    ------
    ClaimSyntaxError
        With the column of the first thing that does not fit the grammar.
    """
    if not isinstance(claim, str) or not claim.strip():
        raise ClaimSyntaxError(str(claim), 1, "the claim is empty")
    text = claim
    column_of = lambda i: i + 1  # noqa: E731
    sides, terms, current = [], [], []
    style = {"op": None, "times": None, "latex": False}
    i = _skip(text, 0)
    expect_factor = True
    while i < len(text):
        start = i
        if text.startswith("\\frac", i):
            style["latex"] = True
            i = _skip(text, i + 5)
            parts = []
            for _ in range(2):
                if not text.startswith("{", i):
                    raise ClaimSyntaxError(claim, column_of(i), "expected '{' after \\frac")
                op, j = _operator(text, _skip(text, i + 1))
                if op is None:
                    raise ClaimSyntaxError(claim, column_of(i + 1), "expected \\partial or d")
                style["op"] = style["op"] or op
                at = j
                name, j = _name_at(text, j, claim, column_of)
                j = _skip(text, j)
                if not text.startswith("}", j):
                    raise ClaimSyntaxError(claim, column_of(j), "expected '}'")
                parts.append((name, column_of(at)))
                i = _skip(text, j + 1)
            current.append(Factor(parts[0][0], parts[1][0], column_of(start), text[start:i].strip(),
                                  (parts[0][1], parts[1][1])))
            expect_factor = False
            continue
        op, j = _operator(text, i)
        if op is not None and j < len(text) and _NAME.match(text, j):
            style["op"] = style["op"] or op
            top_at = j
            top, j = _name_at(text, j, claim, column_of)
            j = _skip(text, j)
            if not text.startswith("/", j):
                raise ClaimSyntaxError(claim, column_of(j), f"expected '/' after {op}{top}")
            op2, j = _operator(text, _skip(text, j + 1))
            if op2 is None:
                raise ClaimSyntaxError(claim, column_of(j), f"expected {op} after '/'")
            bottom_at = j
            bottom, j = _name_at(text, j, claim, column_of)
            current.append(Factor(top, bottom, column_of(start), text[start:j],
                                  (column_of(top_at), column_of(bottom_at))))
            i = _skip(text, j)
            expect_factor = False
            continue
        times = next((t for t in _TIMES if text.startswith(t, i)), None)
        if times is not None and not expect_factor:
            style["times"] = style["times"] or times
            i, expect_factor = _skip(text, i + len(times)), True
            continue
        if text[i] in "+=" and not expect_factor:
            if text[i] == "=":
                if sides or len(terms) or len(current) != 1:
                    raise ClaimSyntaxError(claim, column_of(i), "the left side must be one derivative dE/dX")
                sides.append(current[0])
            else:
                terms.append(current)
            current, expect_factor = [], True
            i = _skip(text, i + 1)
            continue
        if text[i] in "()":
            raise ClaimSyntaxError(claim, column_of(i), "parentheses are not part of the grammar; "
                                   "write a sum of products of factors")
        what = "expected a factor dA/dB" if expect_factor else "expected *, + or the end"
        raise ClaimSyntaxError(claim, column_of(i), what)
    if expect_factor:
        raise ClaimSyntaxError(claim, column_of(len(text)), "the claim ends where a factor should be")
    terms.append(current)
    return ParsedClaim(sides[0] if sides else None, terms, style)


def factor_text(style, top, bottom):
    """∂top/∂bottom written the way the claim writes factors (`style` from :func:`parse_claim`).

    Examples
    --------
    >>> factor_text(parse_claim("∂E/∂w1").style, "o1", "h1")
    '∂o1/∂h1'
    """
    op = style["op"] or "d"
    if style["latex"]:
        p = "\\partial " if op == "∂" else "d"
        return f"\\frac{{{p}{top}}}{{{p}{bottom}}}"
    return f"{op}{top}/{op}{bottom}"


def objective_first(parsed):
    """Whether the claim writes its first term from the objective down (``dE/do1 * do1/dh1 …``)."""
    first = parsed.terms[0][0] if parsed.terms and parsed.terms[0] else None
    return first is not None and first.top in OBJECTIVE_NAMES and len(parsed.terms[0]) > 1
