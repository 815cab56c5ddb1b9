"""One training step explained weight by weight: the table Mazur prints.

For each step of :func:`rojas.train` with ``explain=True`` (batch: one per
epoch; online: one per pattern) an :class:`ExplainedStep` keeps the labels of
the forward sweep (s, f'(s), o), δ of the backward sweep, and a row for every
weight, bias and tied param:

    old value, o_i, δ_j, ∂E/∂w = o_i·δ_j, Δw = −γ·∂E/∂w, new value

then E before and after the step.  A weight into a product unit shows
``δ_j·∂s_j/∂w_ij`` as its rule (the partial of the product is not o_i); a
tied param is one row with the sum of its edges' gradients.  :func:`explain_text`,
:func:`explain_markdown` and :func:`explain_latex` write the steps out.
"""

from dataclasses import dataclass, field

import numpy as np

from ..network.combine import get_combine
from ..utils.formatting import fmt, table

__all__ = ["ExplainedStep", "explain_step", "explain_text", "explain_markdown", "explain_latex",
           "explain_report", "EXPLAIN_ROWS_LIMIT"]

#: Rows (parameters × steps) an explanation may hold; beyond, train() refuses before any work.
EXPLAIN_ROWS_LIMIT = 200_000
#: Mazur prints 9 decimals: 0.400000000 beside 0.000438568, a column lining up at the point.
MAZUR_DECIMALS = 9


def number(value):
    """A cell of Mazur's tables: fixed 9 decimals by the one formatter; a cell already text stays."""
    return value if isinstance(value, str) else fmt(value, decimals=MAZUR_DECIMALS)


@dataclass
class ExplainedStep:
    """One gradient step, weight by weight.

    Attributes
    ----------
    epoch : int
        1-based.
    pattern : int or None
        The pattern (online mode) or None (batch: every pattern summed).
    rate : float
        What multiplies the gradient: γ, or γ/N for the mean loss.
    nodes : list of dict
        ``{"node", "fn", "s", "fprime", "o", "delta"}`` in sweep order (inputs: no s, f').
    rows : list of dict
        ``{"kind", "name", "old", "o", "delta", "grad", "rule", "change", "new", "frozen"}``.
    loss_before, loss_after : float
        The objective on the data of this step, before and after it.
    """

    epoch: int
    pattern: int | None
    rate: float
    nodes: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    loss_before: float = 0.0
    loss_after: float = 0.0
    objective: str = ""
    seeds: list = field(default_factory=list)

    def row(self, name):
        """The row of a weight, bias (``"bias h1"``) or param (``"param t"``) by its shown name."""
        for r in self.rows:
            if r["name"] == name or r["name"].split(" (")[0] == name:
                return r
        raise KeyError(name)


def _plain(value):
    """A float for one number, a copied array for a batch (never a view into the sweep's arrays)."""
    return value if isinstance(value, str) else float(value) if np.ndim(value) == 0 else np.array(value)


def explain_step(net, lab, old, new, on, rate, epoch, pattern, loss_after):
    """An :class:`ExplainedStep` from the labeling a step used and the parameters before and after.

    `old`, `new` and `on` are ``(weights, biases, params)`` arrays as
    :meth:`rojas.Network.parameters` lays them out (`on`: the trained masks).
    """
    plan = lab.plan
    arr = lab.arrays
    grads = lab.gradients()
    nodes = []
    for i, n in enumerate(plan.order):
        entry = {"node": n, "fn": net.fn(n), "o": arr["o"][i], "delta": arr["delta"][i]}
        if entry["fn"] != "input":
            entry.update(s=arr["s"][i], fprime=arr["fprime"][i])
        nodes.append(entry)
    o, delta = arr["o"], arr["delta"]
    sigma = "Σ_p " if lab.batch_size is not None else ""  # a batch step sums over its patterns
    rows = []
    (w0, b0, p0), (w1, b1, p1), (w_on, b_on, p_on) = old, new, on
    for i, (u, v) in enumerate(net.edges):
        if net.edge_param(u, v) is not None:
            continue
        name = net.edge_name(u, v)
        linear = get_combine(net.combine(v)).linear
        g = grads["weights"][i]
        rows.append({"kind": "weight", "name": f"{name} ({u}->{v})" if name else f"{u}->{v}",
                     "old": w0[i], "o": o[plan.pos[u]], "delta": delta[plan.pos[v]], "grad": g,
                     "rule": sigma + ("o_i·δ_j" if linear else "δ_j·∂s_j/∂w_ij"),
                     "change": w1[i] - w0[i], "new": w1[i], "frozen": not w_on[i]})
    for i, n in enumerate(net.nodes):
        if net.fn(n) == "input" or net.bias_param(n) is not None:  # a tied bias: its param's row
            continue
        rows.append({"kind": "bias", "name": f"bias {n}", "old": b0[i], "o": "1", "delta": delta[plan.pos[n]],
                     "grad": grads["biases"][i], "rule": sigma + "δ_j", "change": b1[i] - b0[i], "new": b1[i],
                     "frozen": not b_on[i]})
    for i, p in enumerate(net.params):
        edges = [f"{u}->{v}" for u, v in net.edges if net.edge_param(u, v) == p]
        edges += [f"bias {n}" for n in net.nodes if net.fn(n) != "input" and net.bias_param(n) == p]
        rows.append({"kind": "param", "name": f"param {p}", "old": p0[i], "o": "—", "delta": "—",
                     "grad": grads["params"][i], "rule": f"Σ over {', '.join(edges)}",
                     "change": p1[i] - p0[i], "new": p1[i], "frozen": not p_on[i]})
    nodes = [{k: v if k in ("node", "fn") else _plain(v) for k, v in e.items()} for e in nodes]
    rows = [{k: _plain(v) if k in ("old", "o", "delta", "grad", "change", "new") else v for k, v in r.items()}
            for r in rows]
    # the rule the objective starts the backward sweep with, output by output
    seeds = [dict(zip(("symbol", "text", "value"), lab.seed_rule(k)), node=k) for k in lab.ends]
    seeds = [{**e, "value": _plain(e["value"])} for e in seeds]
    return ExplainedStep(epoch, pattern, rate, nodes, rows, float(lab.value), float(loss_after),
                         f"{lab.objective_text(short=False)} ({lab.loss.name})", seeds)


def _seed_lines(step):
    return [f"  {e['symbol']} = {e['text']} = {number(e['value'])}" for e in step.seeds]


def _title(step, mode_words):
    where = "all patterns" if step.pattern is None else f"pattern {step.pattern + 1}"
    return f"Epoch {step.epoch}, {where}{mode_words}"


def _node_rows(step):
    return [[str(n["node"]), n["fn"], number(n["s"]) if "s" in n else "", number(n["fprime"]) if "s" in n else "",
             number(n["o"]), number(n["delta"])] for n in step.nodes]


def _param_rows(step):
    return [[r["name"], number(r["old"]), number(r["o"]), number(r["delta"]), number(r["grad"]), r["rule"],
             "frozen" if r["frozen"] else number(r["change"]), number(r["new"])] for r in step.rows]


NODE_HEADER = ["node", "fn", "s", "f'(s)", "o", "δ"]
PARAM_HEADER = ["parameter", "old", "o_i", "δ_j", "∂E/∂w", "rule", "Δw = −γ·∂E/∂w", "new"]


def _rate_words(step, lr):
    return f"γ = {lr:g}" + ("" if step.rate == lr else f", divided by N: γ/N = {step.rate:g}")


def explain_text(steps, lr, loss_name="E"):
    """The steps as plain-text tables (what ``rojas train --explain`` prints)."""
    out = []
    for step in steps:
        out += [f"== {_title(step, '')} ({_rate_words(step, lr)})", "",
                f"Objective {step.objective}; the backward sweep starts at the outputs with:",
                *_seed_lines(step), "",
                "Forward sweep (s, f'(s), o) and backward sweep (δ):",
                table(NODE_HEADER, _node_rows(step)), "",
                "Every weight and bias: Δw = −γ·∂E/∂w",
                table(PARAM_HEADER, _param_rows(step)), "",
                f"{loss_name} before {number(step.loss_before)}, after {number(step.loss_after)}", ""]
    return "\n".join(out)


def _md_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def explain_markdown(steps, lr, title="One training step, weight by weight", loss_name="E"):
    """The steps as a Markdown report."""
    out = [f"# {_md_cell(title)}", ""]
    for step in steps:
        out += [f"## {_title(step, '')}", "", f"Learning rate {_rate_words(step, lr)}.", "",
                f"Objective {_md_cell(step.objective)}; the backward sweep starts at the outputs with:", "",
                *[f"- {_md_cell(line.strip())}" for line in _seed_lines(step)], "",
                "### Forward sweep (s, f'(s), o) and backward sweep (δ)", ""]
        out += _md_table(NODE_HEADER, _node_rows(step))
        out += ["", "### Every weight and bias: Δw = −γ·∂E/∂w", ""]
        out += _md_table(PARAM_HEADER, _param_rows(step))
        out += ["", f"{loss_name} before the step: {number(step.loss_before)}; after: {number(step.loss_after)}.", ""]
    return "\n".join(out)


def _md_table(header, rows):
    return (["| " + " | ".join(map(_md_cell, header)) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(map(_md_cell, r)) + " |" for r in rows])


_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
        "%": r"\%", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_TEX_UNICODE = {"γ": r"$\gamma$", "δ": r"$\delta$", "∂": r"$\partial$", "Δ": r"$\Delta$", "−": "-",
                "·": r"$\cdot$", "Σ": r"$\Sigma$", "—": "---", "…": r"\dots{}", "→": r"$\to$",
               "½": r"$\frac{1}{2}$", "²": r"$^2$"}


def _tex(text):
    return "".join(_TEX.get(c, _TEX_UNICODE.get(c, c)) for c in str(text))


def explain_latex(steps, lr, title="One training step, weight by weight", loss_name="E"):
    """The steps as a standalone LaTeX document (node ids and names escaped)."""
    out = [r"\documentclass{article}", r"\usepackage[margin=1.5cm,landscape]{geometry}",
           r"\usepackage[T1]{fontenc}", r"\begin{document}", rf"\section*{{{_tex(title)}}}"]
    for step in steps:
        out += [rf"\subsection*{{{_tex(_title(step, ''))}}}", _tex(f"Learning rate {_rate_words(step, lr)}.") + r"\par"]
        out += [_tex(f"Objective {step.objective}; the backward sweep starts at the outputs with "
                     + "; ".join(line.strip() for line in _seed_lines(step)) + ".") + r"\par"]
        for header, rows in ((NODE_HEADER, _node_rows(step)), (PARAM_HEADER, _param_rows(step))):
            out += [r"\begin{tabular}{" + "l" * len(header) + "}", " & ".join(map(_tex, header)) + r" \\ \hline"]
            out += [" & ".join(map(_tex, r)) + r" \\" for r in rows]
            out += [r"\end{tabular}\par\medskip"]
        out += [_tex(f"{loss_name} before the step: {number(step.loss_before)}; after: "
                     f"{number(step.loss_after)}.") + r"\par"]
    out += [r"\end{document}", ""]
    return "\n".join(out)


def explain_report(steps, lr, fmt="text", **options):
    """The steps in one format: ``"text"``, ``"md"`` or ``"tex"``."""
    writers = {"text": explain_text, "md": explain_markdown, "tex": explain_latex}
    if fmt not in writers:
        from ..errors import RojasError

        raise RojasError(f"unknown explain format {fmt!r} (use text, md or tex)")
    if fmt == "text":
        options.pop("title", None)
    return writers[fmt](steps, lr, **options)
