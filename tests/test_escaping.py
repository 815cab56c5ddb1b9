"""One escape function per output format, and the one number formatter and table writer."""

import subprocess

import numpy as np
import pytest

from rojas.utils.escaping import latex, latex_math, markdown, terminal
from rojas.utils.formatting import MINUS, factor, fmt, table

HOSTILE = ["h\nrojas: error: fake", "\x1b[2J\x1b[31mred", "a\rb", "\ud800", "\u202eevil", "tab\there",
           "w_1^\\input{/etc/hostname}", "h}\\immediate\\write18{touch x}%", "$\\frac{a$", "<b>|*_x_*|",
           "line\u2028sep", "del\x7f", "c1\x85"]


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_text_is_one_printable_line_that_round_trips(text):
    shown = terminal(text)
    assert shown.isprintable() and "\x1b" not in shown
    shown.encode("utf-8")  # no lone surrogate left
    if text.isprintable():
        assert shown == text
    else:  # the escapes are Python's: the original can be read back
        assert shown.encode("utf-8").decode("unicode_escape") == text


@pytest.mark.parametrize("text", HOSTILE)
def test_latex_escapes_compile_to_the_literal_text(text, tmp_path):
    out = latex(text)
    assert "\\input{" not in out and "\\immediate" not in out and "\\write18{" not in out
    assert "$" not in out.replace("\\$", "") and "%" not in out.replace("\\%", "")
    # every brace is escaped: groups cannot be closed or opened by user text
    assert out.count("{") - out.count("\\{") == out.count("}") - out.count("\\}")
    assert "\n" not in out and "\r" not in out


def test_latex_compiles_when_a_tex_engine_is_there(tmp_path):
    from tools import require

    engine = require("pdflatex")
    body = "\n\n".join(latex(t) + " and $" + latex_math(t) + "$" for t in HOSTILE if t.isascii())
    (tmp_path / "t.tex").write_text("\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n"
                                    + body + "\n\\end{document}\n")
    run = subprocess.run([engine, "-no-shell-escape", "-interaction=nonstopmode", "t.tex"], cwd=tmp_path,
                         capture_output=True, timeout=60)
    assert run.returncode == 0, run.stdout[-2000:]


def test_markdown_cells_cannot_break_a_table_or_inject_html():
    out = markdown("<b>|*_x_*|\n")
    # the newline shows as the two characters \n: its backslash escaped so Markdown renders it
    assert out == "&lt;b&gt;\\|\\*\\_x\\_\\*\\|\\\\n"
    assert "|" not in out.replace("\\|", "")


def test_fmt_and_factor():
    assert fmt(-1.5) == MINUS + "1.5"
    assert fmt(-1.5, ascii=True) == "-1.5"
    assert fmt(1 / 3) == "0.333333333" and fmt(1 / 3, 3) == "0.333"
    assert fmt(-0.0) == "0" and fmt(float("-inf")) == MINUS + "inf" and fmt(float("nan")) == "nan"
    assert fmt(1e-300 * 1e-10) == "1×10⁻³¹⁰" and fmt(-4.38e-5, ascii=True) == "-4.38e-5"
    assert fmt(np.float64(2.0)) == "2" and fmt(np.array(2.5)) == "2.5"
    assert fmt(np.arange(6.0) - 1) == f"[{MINUS}1, 0, 1, 2, …]"
    assert factor(-0.25) == f"({MINUS}0.25)" and factor(0.25) == "0.25"
    assert factor(-2, ascii=True) == "(-2)"


def test_table_pads_columns_and_escapes_cells():
    out = table(["a", "bb"], [["x\x1by", 1], ["long cell", fmt(-2.0)]])
    assert out.splitlines() == ["a          bb", "---------  --", "x\\x1by     1", f"long cell  {MINUS}2"]


def test_float_noise_is_not_rounding_so_sums_print_as_short_as_their_terms():
    """Review fault: a batch table printed ``[0.1, −0.300000, −0.4]``: 0.1 − 0.4 is −0.30000000000000004 in
    float64, and the keep-the-trailing-zeros rule took that last-bit noise for a rounding.  The decimal sum
    of short decimals is short, so its text is what :class:`decimal.Decimal` gives; a true rounding still
    keeps its zeros."""
    import random
    from decimal import Decimal

    rng = random.Random(7)
    for _ in range(2000):
        sign = rng.choice([-1, 1])  # no cancellation: the float sum is within 2 ulps of the decimal one
        a, b = (f"{sign * rng.randint(1, 999) / 10 ** rng.randint(0, 3):g}" for _ in range(2))
        total = Decimal(a) + Decimal(b)
        exact = "0" if total == 0 else format(total.normalize(), "f").replace("-", MINUS)
        for digits in (9, 6, 4):
            want = exact if len(exact.lstrip(MINUS).replace(".", "").lstrip("0")) <= digits else None
            if want is not None:
                assert fmt(float(a) + float(b), digits) == want, (a, b, digits)
    assert fmt(np.array([0.1, 0.1 - 0.4, -0.4])) == f"[0.1, {MINUS}0.3, {MINUS}0.4]"
    assert fmt(0.1 + 0.2) == "0.3" and fmt(0.1 + 0.2, 17) == "0.30000000000000004"
    assert fmt(-12.4 + 12.2) == MINUS + "0.2"  # two digits lost to cancellation are still noise
    # a rounding, however small, keeps every digit it was rounded to
    assert fmt(0.3000000001) == "0.300000000" and fmt(-0.0226041, 4) == MINUS + "0.02260"
    assert fmt(1 + 2 ** -40, 12) == "1.00000000000"
