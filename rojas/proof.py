"""Rojas's argument written out for one network and one parameter, and the proof commands.

``rojas prove`` assembles everything that makes the gradient *provably* right:
the forward labels, the backward sweep step by step, the table of paths and
their sum, the tangent sweep, a central difference and, with SymPy, the
symbolic identity.  ``rojas paths`` prints the path table; ``rojas claim``
judges a learner's chain-rule formula.
"""


import numpy as np

from .errors import RojasError
from .paths import DEFAULT_LIMIT, edge_label, path_counts, path_sum, resolve_source

__all__ = ["proof_report", "finite_difference"]


def finite_difference(lab, source):
    """∂objective/∂source by a central difference of the forward sweep alone.

    The step is ∛ε·max(1, |value|); for an input node the input value is moved.
    """
    from .labeling import evaluate

    net = lab.network
    source = resolve_source(net, source)
    if source.kind in ("node", "value"):
        raise RojasError(f"{source.label} is a label, not a parameter: no finite difference")
    inputs = {n: lab.o[n] for n in net.inputs}
    targets = lab.targets or None
    of = None if lab.objective == "E" else lab.objective
    params = net.parameters()
    w, b = params["weights"], params["biases"]
    p = np.array(list(params["params"].values()))

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
        return evaluate(net, x2, targets, of, weights=w2, biases=b2, params=p2)

    if source.kind == "weight":
        base = net.weight(*source.edges[0])
    elif source.kind == "param":
        base = net.params[source.label]
    elif source.kind == "bias":
        base = net.bias(source.node)
    else:
        base = float(np.max(np.abs(inputs[source.node])))
    h = np.cbrt(np.finfo(float).eps) * max(1.0, abs(base))
    return (at(h) - at(-h)) / (2 * h)


def _f(value):
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
    return f"{value:.9g}"


def _tex_name(name):
    """A name as a LaTeX math symbol: w1 → w_{1}, b_h1 → b_{h1}."""
    import re

    base, sub = re.fullmatch(r"([A-Za-z]*)(.*)", str(name)).groups()
    sub = sub.lstrip("_").replace("_", "\\_")
    return f"{base}_{{{sub}}}" if base and sub else (base or f"\\text{{{sub}}}")


class _Doc:
    """Just enough of Markdown and LaTeX to write the same report in both."""

    def __init__(self, fmt):
        if fmt not in ("md", "tex"):
            raise RojasError(f"unknown report format {fmt!r} (use md or tex)")
        self.tex, self.lines = fmt == "tex", []

    def esc(self, text):
        text = str(text)
        if not self.tex:
            return text
        for a, b in (("\\", "\\textbackslash{}"), ("_", "\\_"), ("&", "\\&"), ("%", "\\%"),
                     ("#", "\\#"), ("{", "\\{"), ("}", "\\}"), ("$", "\\$"), ("^", "\\^{}"),
                     ("~", "\\~{}"), ("δ", "$\\delta$"), ("∂", "$\\partial$"), ("→", "$\\to$"),
                     ("·", "$\\cdot$"), ("Σ", "$\\Sigma$"), ("−", "-"), ("′", "'"), ("½", "1/2"),
                     ("Π", "$\\Pi$"), ("≈", "$\\approx$"), ("×", "$\\times$"), ("σ", "$\\sigma$")):
            text = text.replace(a, b)
        return text.replace("\\textbackslash\\{\\}", "\\textbackslash{}")

    def heading(self, text, level=2):
        if self.tex:
            self.lines += [f"\\{'sub' * (level - 1)}section*{{{self.esc(text)}}}", ""]
        else:
            self.lines += ["#" * level + " " + text, ""]

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
            self.lines.append("| " + " | ".join(header) + " |")
            self.lines.append("|" + "---|" * len(header))
            self.lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
            self.lines.append("")

    def text(self, title):
        body = "\n".join(self.lines)
        if not self.tex:
            return f"# {title}\n\n{body}"
        return ("\\documentclass[10pt]{article}\n\\usepackage[margin=2cm]{geometry}\n"
                "\\usepackage{amsmath}\n\\allowdisplaybreaks\n"
                f"\\title{{{self.esc(title)}}}\n\\date{{}}\n\\begin{{document}}\n\\maketitle\n"
                f"{body}\n\\end{{document}}\n")


def proof_report(lab, source, fmt="md", symbolic=None, limit=DEFAULT_LIMIT):
    """Rojas's argument for one derivative of a labeled network, as Markdown or LaTeX.

    Parameters
    ----------
    lab : Labeling
    source : reference
        A weight (edge name or ``u->v``), param, ``b:NODE``, or input.
    fmt : {"md", "tex"}
        The LaTeX is a complete document.
    symbolic : bool or None
        Include the SymPy identity; None: when SymPy is installed and the
        network is small enough.
    limit : int
        Largest number of paths to list.

    Returns
    -------
    str

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> "sum over the 2 paths" in rojas.proof_report(lab, "w1", symbolic=False)
    True
    """
    from .forward_mode import tangent

    net = lab.network
    src = resolve_source(net, source)
    if src.kind in ("node", "value"):
        raise RojasError(f"prove takes a weight, param, bias (b:NODE) or input, not {src.label}")
    obj = "E" if lab.objective == "E" else f"o_{lab.objective}"
    doc = _Doc(fmt)
    title = f"Backpropagation on '{net.name or 'network'}': the derivative of {obj} by {src.label}"

    doc.para(f"Rojas (1996, ch. 7) splits every unit in two: on the forward sweep the right half "
             f"computes o = f(s), the left half stores f′(s). On the backward sweep a 1 enters at the "
             f"objective {obj}, every edge multiplies by its weight, every unit multiplies the sum "
             f"of what arrives by its stored derivative. What a unit then holds is δ = ∂{obj}/∂s, and "
             f"the derivative by a weight w_ij is o_i·δ_j. Unrolled, δ is a sum over paths; "
             f"this report checks that on this network, for {src.label}, in five independent ways.")
    if lab.objective == "E":
        doc.para("Objective: E = ½ Σ_k (o_k − t_k)² over the outputs"
                 + (f", summed over a batch of {lab.batch_size}." if lab.batch_size else "."))

    doc.heading("1. Forward sweep: the two halves of every unit")
    rows = []
    for n in lab.plan.order:
        if net.fn(n) == "input":
            rows.append([n, "input", "", "", _f(lab.o[n])])
        else:
            kind = net.fn(n) + (" (Π)" if net.combine(n) == "product" else "")
            rows.append([n, kind, _f(lab.s[n]), _f(lab.fprime[n]), _f(lab.o[n])])
    doc.table(["unit", "f", "s", "f′(s) (left)", "o = f(s) (right)"], rows)

    doc.heading("2. Backward sweep, step by step (reversed graph)")
    rows = []
    G = net._graph
    for n in reversed(lab.plan.order):
        parts = [f"{edge_label(net, n, k)}·δ_{k}" + (f"·∂s_{k}/∂({n})" if net.combine(k) == "product" else "")
                 for k in G.successors(n)]
        if lab.objective == "E" and n in lab.targets:
            parts.append(f"(o_{n} − t_{n})")
        elif lab.objective == n:
            parts.append("1")
        arriving = " + ".join(parts) if parts else "0"
        if len(parts) > 1:
            arriving = f"({arriving})"
        if net.fn(n) == "input":
            rows.append([n, f"∂{obj}/∂{n} = {arriving}", _f(lab.delta[n])])
        else:
            rows.append([n, f"δ_{n} = f′(s_{n})·{arriving}", _f(lab.delta[n])])
    doc.table(["unit", "what arrives, times the stored derivative", "value"], rows)

    doc.heading("3. The gradient")
    value = path_sum(lab, src, limit=limit)
    if src.kind in ("weight", "param"):
        terms = [f"o_{u}·δ_{v}" + (" (× other terms of a product unit)" if net.combine(v) == "product" else "")
                 for u, v in src.edges]
        doc.para(f"∂{obj}/∂{src.label} = " + " + ".join(terms) + f" = {value.backprop:.12g}")
    elif src.kind == "bias":
        doc.para(f"∂{obj}/∂b_{src.node} = δ_{src.node} = {value.backprop:.12g}")
    else:
        doc.para(f"∂{obj}/∂{src.node} = {value.backprop:.12g} (what the backward sweep leaves at the input)")

    doc.heading("4. The sum over paths")
    rows = []
    for p in value.paths:
        rows.append([" → ".join(map(str, p["nodes"])),
                     " · ".join(f"{name}={_f(v)}" for name, v in p["factors"]), f"{p['product']:.12g}"])
    doc.table(["path", "factors", "product"], rows, wrap={0: 0.22, 1: 0.55})
    doc.para(f"The sum over the {value.count} paths is {value.total:.15g}; the backward sweep gives "
             f"{value.backprop:.15g}; difference {value.difference:.3g}.")
    counts = path_counts(net, [n for n in (lab.targets if lab.objective == "E" else [lab.objective])])
    rows = [[n, _f(lab.delta[n]), counts[n]] for n in lab.plan.order]
    doc.para("How the sweep factors the sum: each δ stands for every path from its unit to the objective, "
             "so the sweep visits each edge once while the paths multiply.")
    doc.table(["unit", "δ", "paths it stands for"], rows)
    total_paths = sum(counts[n] for n in net.inputs)
    doc.para(f"The backward sweep does work proportional to the {len(net.edges)} edges; "
             f"the paths from the inputs to the objective number {total_paths}.")

    doc.heading("5. Independent checks")
    tg = tangent(lab, src).derivative
    fd = finite_difference(lab, src)
    rows = [["backward sweep (reverse mode)", f"{value.backprop:.15g}", ""],
            ["sum over paths", f"{value.total:.15g}", f"{abs(value.difference):.2g}"],
            ["tangent sweep (forward mode)", f"{tg:.15g}", f"{abs(tg - value.backprop):.2g}"],
            ["central difference", f"{fd:.15g}", f"{abs(fd - value.backprop):.2g}"]]
    proof = None
    if symbolic is not False:
        from .symbolic import symbolic_proof

        try:
            proof = symbolic_proof(lab, src)
        except RojasError as exc:
            if symbolic:
                raise
            doc.para(f"(No symbolic proof: {exc}.)")
    if proof is not None:
        rows.append(["SymPy: diff of the network function", f"{proof.derivative_value:.15g}",
                     f"{abs(proof.derivative_value - value.backprop):.2g}"])
    doc.table(["method", "value", "difference (absolute)"], rows)
    if proof is not None:
        d_terms, p_terms = proof.latex_terms()
        doc.para("With symbols for every weight, bias, input and target, and writing s_j for a "
                 "unit's net input,")
        for definition in proof.definitions_latex():
            doc.math(definition)
        doc.para("SymPy differentiates the network function:")
        doc.math_sum(f"\\frac{{\\partial {obj}}}{{\\partial {_tex_name(src.label)}}}", d_terms)
        doc.para("and the sum over paths of products of weights and stored derivatives is")
        doc.math_sum("\\sum_{\\text{paths}} \\prod \\text{factors}", p_terms)
        verdict = "simplifies to 0: the identity holds for every value of the symbols." if proof.holds \
            else "does NOT simplify to 0: a stored derivative is not the derivative of its function."
        doc.para("Their difference " + verdict)
    ok = abs(value.difference) <= 1e-10 * max(1.0, abs(value.backprop)) and \
        abs(tg - value.backprop) <= 1e-10 * max(1.0, abs(value.backprop)) and \
        abs(fd - value.backprop) <= 1e-6 * max(1.0, abs(value.backprop)) and (proof is None or proof.holds)
    doc.heading("Conclusion")
    doc.para(("The backward sweep, the path sum, the tangent sweep and the central difference agree"
              + (", and the symbolic identity holds" if proof is not None else "")
              + f": ∂{obj}/∂{src.label} = {value.backprop:.12g}.") if ok else
             "The methods DISAGREE (see the table above): the backward sweep's value cannot be trusted.")
    return doc.text(title)
