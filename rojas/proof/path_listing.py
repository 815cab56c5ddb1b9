"""A path sum written out: the terminal listing of ``rojas paths`` and a Markdown table for notebooks."""

from functools import partial

from .display import display_id, escape_terminal
from ..utils.formatting import count_text, fmt

__all__ = ["path_listing", "path_markdown", "path_nodes_text"]

_num = partial(fmt, ascii=True, samples=None)  # in proofs: ASCII (Markdown, LaTeX source), every sample


def path_nodes_text(ps, path):
    """One path's stations as ``i1 → h1 → o1 → E``: ids escaped, one named like the objective quoted."""
    nodes = path["nodes"]
    objective = ps.target == "E"
    shown = [display_id(n) for n in (nodes[:-1] if objective else nodes)]
    return " → ".join(shown + (["E"] if objective else []))


def _objective(ps):
    return "E" if ps.target == "E" else f"o_{display_id(ps.target)}"


def path_listing(ps, lab=None, tangent_value=None):
    """The listing ``rojas paths`` prints for a :class:`~rojas.proof.paths.PathSum`.

    With `lab` it adds how the backward sweep factors the sum (each δ and the
    paths it stands for); with `tangent_value` the tangent sweep's value.
    """
    out = [f"Paths from {escape_terminal(ps.source.label)} to {_objective(ps)}: {ps.count}"]
    for i, p in enumerate(ps.paths, 1):
        out.append(f"  {i:>3}. {path_nodes_text(ps, p)}")
        out.append("       " + " · ".join(f"{escape_terminal(name)} = {_num(v)}" for name, v in p["factors"])
                   + f"  =  {p['product']:.12g}")
    out.append(f"Sum over paths:  {ps.total:.15g}")
    out.append(f"Backward sweep:  {ps.backprop:.15g}   (difference {ps.difference:.3g})")
    if tangent_value is not None:
        out.append(f"Tangent sweep:   {tangent_value:.15g}   (forward mode)")
    if lab is not None:
        out += ["", "How the backward sweep factors the sum: each δ stands for all paths below its unit."]
        for n, count in ps.deltas:
            out.append(f"  δ_{display_id(n)} = {_num(lab.delta[n])}   stands for {count_text(count)} "
                       f"path{'s' * (count != 1)}")
        inputs = set(lab.network.inputs)
        total = sum(c for n, c in ps.deltas if n in inputs)
        out.append(f"The sweep visits {ps.edges} edges once each; the paths from the inputs number {count_text(total)}.")
    return "\n".join(out)


def path_markdown(ps):
    """The paths of a :class:`~rojas.proof.paths.PathSum` as a Markdown table, with the sum and the sweep's value."""
    from .document import escape_markdown as md

    rows = [f"**∂{md(_objective(ps))}/∂{md(ps.source.label)}: {ps.count} path{'s' * (ps.count != 1)}**", "",
            "| path | factors | product |", "|---|---|---|"]
    for p in ps.paths:
        factors = " · ".join(f"{md(name)} = {_num(v)}" for name, v in p["factors"])
        rows.append(f"| {md(path_nodes_text(ps, p))} | {factors} | {p['product']:.12g} |")
    rows += ["", f"Sum over paths {ps.total:.15g}; backward sweep {ps.backprop:.15g} "
                 f"(difference {ps.difference:.3g})."]
    return "\n".join(rows)
