"""Rojas's argument written out for one network and one parameter: what ``rojas prove`` writes.

The proof assembles everything that makes the gradient *provably* right: the
forward labels, the backward sweep step by step, the table of paths and their
sum, the tangent sweep, a central difference and, with SymPy, the symbolic
identity.  This module decides the content; :mod:`rojas.proof.document` writes it
as Markdown or LaTeX.  Every limit is checked before the work it bounds.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from .display import display_id
from ..network.combine import get_combine
from .document import Document, tex_name
from ..errors import RojasError
from .path_listing import path_nodes_text
from .paths import DEFAULT_LIMIT, edge_label, path_counts, path_ends, path_sum, resolve_source, source_value
from ..utils.formatting import count_text, fmt
from .symbolic_limits import DEFAULT_SIZE_LIMIT
from .symbolic_worker import prestart

_num = partial(fmt, ascii=True, samples=None)  # in proofs: ASCII (Markdown, LaTeX source), every sample

__all__ = ["prove", "Proof", "proof_report", "check_proof_size", "finite_difference", "DEFAULT_UNIT_LIMIT"]

#: Largest number of units a proof writes out (each gets a row in three tables).
DEFAULT_UNIT_LIMIT = 2_000


def finite_difference(lab, source):
    """∂objective/∂source by a central difference of the forward sweep alone.

    The step is ∛ε·max(1, |value|) (∛ε·|value| where that overflows and |value| < 1); for an input
    node the input value is moved.
    """
    from ..engine.labeling import evaluate
    from ..network import from_dict

    net = lab.network
    source = resolve_source(net, source)
    if source.kind in ("node", "value"):
        raise RojasError(f"{source.label} is a label, not a parameter: no finite difference")
    inputs = lab.inputs  # the labeling's numbers, whatever the network holds now
    targets = lab.targets or None
    of = None if lab.objective == "E" else lab.objective
    params = lab.parameters()
    w, b = params["weights"], params["biases"]
    p = np.array(list(params["params"].values()))

    if source.kind == "weight" and net.edge_param(*source.edges[0]) is not None:
        # A tied edge: its own ∂E/∂w is one occurrence of the param, which no perturbation of the
        # shared param isolates. Differentiate a copy in which this one edge is untied instead.
        # The copy is built from node-link data, which keeps the edge order (a DiGraph lists edges by
        # adjacency, not by the file): the weights array still fits it position for position.
        data = net.to_dict()
        edge = data["edges"][net.edge_index(*source.edges[0])]
        edge.pop("param")
        edge["weight"] = lab.weight(*source.edges[0])
        net = from_dict(data, warn=False)

    def at(shift):
        w2, b2, p2, x2 = w.copy(), b.copy(), p.copy(), dict(inputs)
        if source.kind == "weight":
            w2[net.edges.index(source.edges[0])] += shift
        elif source.kind == "param":
            p2[list(params["params"]).index(source.label)] += shift
        elif source.kind == "bias":
            b2[net.nodes.index(source.node)] += shift
        else:
            x2[source.node] = np.asarray(x2[source.node]) + shift
        return evaluate(net, x2, targets, of, objective=lab.loss, weights=w2, biases=b2, params=p2)

    if source.kind == "weight":
        base = lab.weight(*source.edges[0])
    elif source.kind == "param":
        base = lab.params[source.label]
    elif source.kind == "bias":
        base = lab.bias(source.node)
    else:
        base = float(np.max(np.abs(inputs[source.node])))
    h = np.cbrt(np.finfo(float).eps) * max(1.0, abs(base))
    with np.errstate(over="ignore", invalid="ignore"):
        diff = (at(h) - at(-h)) / (2 * h)
        if not np.isfinite(diff) and 0.0 < abs(base) < 1.0:
            # A number far below 1 (a weight of 1e-250 before a 1e200) moves E on its own scale:
            # the absolute step overflows where a step relative to |value| does not.
            h = np.cbrt(np.finfo(float).eps) * abs(base)
            diff = (at(h) - at(-h)) / (2 * h)
    return diff


@dataclass
class Proof:
    """A written proof and whether its independent checks agree.

    Attributes
    ----------
    text : str
        The Markdown or LaTeX document.
    agree : bool
        The backward sweep, the path sum, the tangent sweep, the central
        difference (and the symbolic identity, when it ran) agree.
    value : float
        The backward sweep's derivative.
    symbolic : SymbolicProof or None
        The SymPy identity, when it ran.
    symbolic_skipped : str or None
        Why the SymPy section was left out.
    fmt : {"md", "tex"}
    unlisted : int or None
        The number of paths when they were too many to list: section 4 then
        sums them by length and lists the top paths instead.
    """

    text: str
    agree: bool
    value: float
    symbolic: object = None
    symbolic_skipped: str | None = None
    fmt: str = "md"
    unlisted: int | None = None

    def __str__(self):
        return self.text

    def __repr__(self):
        verdict = "the checks agree" if self.agree else "the checks DISAGREE"
        return f"<Proof ({self.fmt}): {verdict}, value {self.value:.12g}, {len(self.text)} characters>"

    def _repr_markdown_(self):
        return self.text if self.fmt == "md" else None


def _symbolic_may_run(net, symbolic_limits):
    """SymPy is installed and the network within the symbolic unit limit (the other limits come later)."""
    import importlib.util

    limit = (symbolic_limits or {}).get("limit", DEFAULT_SIZE_LIMIT)
    return len(net.nodes) - len(net.inputs) <= limit and importlib.util.find_spec("sympy") is not None


def check_proof_size(net, unit_limit=DEFAULT_UNIT_LIMIT):
    """Refuse a network with more than `unit_limit` units (each gets a row in three tables of the proof).

    Raises
    ------
    RojasError
        Saying the limit, the size and how to raise it.
    """
    units = len(net.nodes) - len(net.inputs)
    if units > unit_limit:
        raise RojasError(f"the network has {units} units, more than the proof's limit of {unit_limit} to write "
                         "out (raise it with --max-units N / unit_limit=)")


def proof_report(lab, source, fmt="md", symbolic=None, limit=DEFAULT_LIMIT, **options):
    """Rojas's argument for one derivative of a labeled network, as Markdown or LaTeX (the text of :func:`prove`).

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> "sum over the 2 paths" in rojas.proof_report(lab, "w1", symbolic=False)
    True
    """
    return prove(lab, source, fmt, symbolic, limit, **options).text


def prove(lab, source, fmt="md", symbolic=None, limit=DEFAULT_LIMIT, unit_limit=DEFAULT_UNIT_LIMIT,
          symbolic_limits=None):
    """Rojas's argument for one derivative of a labeled network, and whether its checks agree.

    Parameters
    ----------
    lab : Labeling
    source : reference
        A weight (edge name or ``u->v``), param, ``b:NODE``, or input.
    fmt : {"md", "tex"}
        The LaTeX is a complete document.
    symbolic : bool or None
        Include the SymPy identity; None: when SymPy is installed and the
        network is within the symbolic limits (otherwise the report says why
        the section is missing).  True: refuse when it cannot be included.
    limit : int
        Largest number of paths to list.
    unit_limit : int
        Largest number of units to write out.
    symbolic_limits : dict, optional
        Keyword arguments of :func:`rojas.symbolic_proof` (``limit``,
        ``path_limit``, ``size_limit``, ``time_budget``).

    Returns
    -------
    Proof

    Raises
    ------
    RojasError
        If `source` is not a variable, or the network is over `unit_limit`
        (checked before any work; the message says how to raise the limit).
        Paths over `limit` are not refused: they are summed by length and the
        top ones listed (``Proof.unlisted`` gives their number).

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> p = rojas.prove(lab, "w1", symbolic=False)
    >>> p.agree, round(p.value, 9)
    (True, 0.000438568)
    """
    from .forward_mode import tangent

    net = lab.network
    src = resolve_source(net, source)
    if src.kind in ("node", "value"):
        raise RojasError(f"prove takes a weight, param, bias (b:NODE) or input, not {src.label}")
    check_proof_size(net, unit_limit)
    if symbolic is not False and _symbolic_may_run(net, symbolic_limits):
        prestart()  # SymPy's process starts while the numeric sections are written
    obj = "E" if lab.objective == "E" else f"o_{display_id(lab.objective)}"
    doc = Document(fmt)
    counts = path_counts(net, path_ends(lab))
    n_paths = sum(counts[n] for n in src.start_nodes)
    listed = n_paths <= limit  # else: the sum by length and the top paths, not a listing
    value = path_sum(lab, src, limit=limit) if listed else _Unlisted(n_paths, source_value(lab, src))
    title = f"Backpropagation on '{net.name or 'network'}': the derivative of {obj} by {src.label}"

    doc.para(f"Rojas (1996, ch. 7) splits every unit in two: on the forward sweep the right half "
             f"computes o = f(s), the left half stores f′(s). On the backward sweep a 1 enters at the "
             f"objective {obj}, every edge multiplies by its weight, every unit multiplies the sum "
             f"of what arrives by its stored derivative. What a unit then holds is δ = ∂{obj}/∂s, and "
             f"the derivative by a weight w_ij is o_i·δ_j. Unrolled, δ is a sum over paths; "
             f"this report checks that on this network, for {src.label}, in five independent ways.")
    if lab.loss.targets:
        seeds = "; ".join(f"{symbol} = {text}" for symbol, text, _ in map(lab.seed_rule, lab.ends))
        doc.para(f"Objective ({lab.loss.name}): {lab.loss.formula} over the outputs"
                 + (f", summed over a batch of {lab.batch_size}" if lab.batch_size else "")
                 + f". It sends into the outputs {seeds}"
                 + (" (∂E/∂s: added to δ past the multiplication by f′(s))" if lab.fused else "") + ".")

    doc.heading("1. Forward sweep: the two halves of every unit")
    rows = []
    for n in lab.plan.order:
        if net.fn(n) == "input":
            rows.append([display_id(n), "input", "", "", _num(lab.o[n])])
        else:
            mode = get_combine(net.combine(n))
            kind = net.fn(n) + ("" if mode.linear else f" ({mode.symbol})")
            rows.append([display_id(n), kind, _num(lab.s[n]), _num(lab.fprime[n]), _num(lab.o[n])])
    doc.table(["unit", "f", "s", "f′(s) (left)", "o = f(s) (right)"], rows)

    doc.heading("2. Backward sweep, step by step (reversed graph)")
    rows = []
    G = net.graph
    for n in reversed(lab.plan.order):
        d = display_id(n)
        parts = [f"{display_id(edge_label(net, n, k))}·δ_{display_id(k)}"
                 + ("" if get_combine(net.combine(k)).linear else f"·∂s_{display_id(k)}/∂({d})")
                 for k in G.successors(n)]
        fused = ""
        if n in lab.ends and n in lab.fused:  # the objective's ∂E/∂s_n, past the left half
            fused = f" + ({lab.seed_name(n, name=display_id)})"
        elif n in lab.ends:
            parts.append(f"({lab.seed_name(n, name=display_id)})" if lab.loss.targets else "1")
        arriving = " + ".join(parts) if parts else "0"
        if len(parts) > 1:
            arriving = f"({arriving})"
        if net.fn(n) == "input":
            rows.append([d, f"∂{obj}/∂{d} = {arriving}", _num(lab.delta[n])])
        else:
            rows.append([d, f"δ_{d} = f′(s_{d})·{arriving}{fused}", _num(lab.delta[n])])
    doc.table(["unit", "what arrives, times the stored derivative", "value"], rows)

    doc.heading("3. The gradient")
    if src.kind in ("weight", "param"):
        terms = [f"o_{display_id(u)}·δ_{display_id(v)}"
                 + ("" if get_combine(net.combine(v)).linear else
                    f" (× ∂s_{display_id(v)}/∂(w·o_{display_id(u)}) of a {net.combine(v)} unit)")
                 for u, v in src.edges]
        doc.para(f"∂{obj}/∂{src.label} = " + " + ".join(terms) + f" = {value.backprop:.12g}")
    elif src.kind == "bias":
        doc.para(f"∂{obj}/∂b_{display_id(src.node)} = δ_{display_id(src.node)} = {value.backprop:.12g}")
    else:
        doc.para(f"∂{obj}/∂{display_id(src.node)} = {value.backprop:.12g} "
                 "(what the backward sweep leaves at the input)")

    doc.heading("4. The sum over paths" + ("" if listed else ", by length"))
    if listed:
        rows = []
        for p in value.paths:
            rows.append([path_nodes_text(value, p),
                         " · ".join(f"{name}={_num(v)}" for name, v in p["factors"]), _num(p['product'], 12)])
        doc.table(["path", "factors", "product"], rows, wrap={0: 0.22, 1: 0.55})
        doc.para(f"The sum over the {value.count} paths is {value.total:.15g}; the backward sweep gives "
                 f"{value.backprop:.15g}; difference {value.difference:.3g}.")
    else:
        from .argument_scale import paths_at_scale

        value.total = paths_at_scale(doc, lab, src, obj, n_paths, limit)
    rows = [[display_id(n), _num(lab.delta[n]), count_text(counts[n])] for n in lab.plan.order]
    doc.para("How the sweep factors the sum: each δ stands for every path from its unit to the objective, "
             "so the sweep visits each edge once while the paths multiply.")
    doc.table(["unit", "δ", "paths it stands for"], rows)
    total_paths = sum(counts[n] for n in net.inputs)
    doc.para(f"The backward sweep does work proportional to the {len(net.edges)} edges; "
             f"the paths from the inputs to the objective number {count_text(total_paths)}.")

    doc.heading("5. Independent checks")
    tg = tangent(lab, src).derivative
    fd = finite_difference(lab, src)
    rows = [["backward sweep (reverse mode)", f"{value.backprop:.15g}", ""],
            ["sum over paths" + ("" if listed else " (by length)"), f"{value.total:.15g}",
             f"{abs(value.difference):.2g}"],
            ["tangent sweep (forward mode)", f"{tg:.15g}", f"{abs(tg - value.backprop):.2g}"],
            ["central difference", f"{fd:.15g}", f"{abs(fd - value.backprop):.2g}"]]
    proof, skipped = None, None
    if symbolic is not False:
        from .symbolic import symbolic_proof

        try:
            proof = symbolic_proof(lab, src, **(symbolic_limits or {}))
        except RojasError as exc:
            if symbolic:
                raise
            skipped = str(exc)
    if proof is not None:
        rows.append(["SymPy: diff of the network function", f"{proof.derivative_value:.15g}",
                     f"{abs(proof.derivative_value - value.backprop):.2g}"])
    doc.table(["method", "value", "difference (absolute)"], rows)
    if skipped is not None:
        doc.para(f"The SymPy section is skipped: {skipped}.")
    if proof is not None:
        d_terms, p_terms = proof.latex_terms()
        doc.para("With symbols for every weight, bias, input and target, and writing s_j for a "
                 "unit's net input,")
        for definition in proof.definitions_latex():
            doc.math(definition)
        doc.para("SymPy differentiates the network function:")
        obj_tex = "E" if lab.objective == "E" else f"o_{{{tex_name(lab.objective)}}}"
        doc.math_sum(f"\\frac{{\\partial {obj_tex}}}{{\\partial {proof.latex_name(src)}}}", d_terms)
        doc.para("and the sum over paths of products of weights and stored derivatives is")
        doc.math_sum("\\sum_{\\text{paths}} \\prod \\text{factors}", p_terms)
        verdict = "simplifies to 0: the identity holds for every value of the symbols." if proof.holds \
            else "does NOT simplify to 0: a stored derivative is not the derivative of its function."
        doc.para("Their difference " + verdict)
    scale = max(1.0, abs(value.backprop))
    agree = abs(value.difference) <= 1e-10 * scale and abs(tg - value.backprop) <= 1e-10 * scale and \
        abs(fd - value.backprop) <= 1e-6 * scale and (proof is None or proof.holds)
    doc.heading("Conclusion")
    doc.para(("The backward sweep, the path sum, the tangent sweep and the central difference agree"
              + (", and the symbolic identity holds" if proof is not None else "")
              + f": ∂{obj}/∂{src.label} = {value.backprop:.12g}.") if agree else
             "The methods DISAGREE (see the table above): the backward sweep's value cannot be trusted.")
    return Proof(doc.text(title), agree, float(value.backprop), proof, skipped, fmt,
                 None if listed else n_paths)


class _Unlisted:
    """The path sum's numbers when the paths are too many to list (the total comes by length)."""

    def __init__(self, count, backprop):
        self.count, self.backprop, self.total = count, float(backprop), 0.0

    @property
    def difference(self):
        return self.total - self.backprop
