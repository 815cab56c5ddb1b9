"""Symbolic proof with SymPy (the extra ``rojas[symbolic]``).

The network function is built as one SymPy expression in symbols for the
weights, tied params, biases, inputs and targets; ``sympy.diff`` gives the
derivative by the rules of calculus, and the path sum is built from the same
symbols, each path a product of its weights and *stored* derivatives.  Their
difference simplifies to 0 exactly when Rojas's theorem holds for this network —
and not when a primitive's claimed derivative is wrong.

File primitives are translated from their whitelisted AST, never from text
(:mod:`rojas.proof.symbolic_translate`); every limit is checked before SymPy starts
and the work runs with a time budget (:mod:`rojas.proof.symbolic_limits`).
"""

import functools
import importlib.util

import networkx as nx

from ..network.combine import get_combine
from .document import tex_name
from ..errors import RojasError
from .paths import all_paths, path_counts, path_ends, resolve_source
from .symbolic_compact import compact, compact_net_inputs
from .symbolic_limits import (DEFAULT_EXPRESSION_LIMIT, DEFAULT_PATH_LIMIT, DEFAULT_SIZE_LIMIT, DEFAULT_TIME_BUDGET,
                              expression_size, run_guarded)
from .symbolic_identity import difference as _difference, evaluate as _evaluate, numbers as _numbers
from .symbolic_translate import SympyPrimitives
from ..utils.formatting import count_text

__all__ = ["symbolic_proof", "SymbolicProof", "network_expressions", "DEFAULT_SIZE_LIMIT", "DEFAULT_PATH_LIMIT",
           "DEFAULT_EXPRESSION_LIMIT", "DEFAULT_TIME_BUDGET"]


def _require_sympy():
    """Refuse early when SymPy is not installed, without importing it (the worker process does)."""
    if importlib.util.find_spec("sympy") is None:
        raise RojasError("the symbolic proof needs SymPy: pip install 'rojas[symbolic]'")


def _sympy():
    _require_sympy()
    import sympy
    return sympy


def network_expressions(net, limit=DEFAULT_SIZE_LIMIT, primitives=None):
    """The network's labels as SymPy expressions.

    Returns
    -------
    symbols : dict
        ``{"weights": {(u, v): Symbol}, "biases": {node: Symbol}, "inputs": {node: Symbol},
        "targets": {node: Symbol}, "latex": {Symbol: str}}``; a tied edge has a symbol of its
        own too; ``"latex"`` gives every symbol's LaTeX, the user's names escaped.
    s, o : dict
        ``{node: expression}`` for the net inputs and values.
    primitives : SympyPrimitives

    Raises
    ------
    RojasError
        If the network has more than `limit` units (symbolic work would not end
        in reasonable time), or a primitive has no SymPy form.
    """
    sp = _sympy()
    units = [n for n in net.nodes if net.fn(n) != "input"]
    if len(units) > limit:
        raise RojasError(f"the network has {len(units)} units, more than the symbolic limit of {limit} "
                         "(raise it with --symbolic-limit N / limit=; expressions grow exponentially)")
    tr = primitives or SympyPrimitives(sp, net)
    # Every edge has its own symbol, a tied one too: ∂/∂param is then the sum of
    # the derivatives by its edges, exactly as the backward sweep adds them.
    taken, latex = set(), {}

    def symbol(name, tex):
        # An edge may be called "b_h" or "t_y": primes keep every symbol distinct.
        while name in taken:
            name, tex = name + "'", tex + "'"
        taken.add(name)
        sym = sp.Symbol(name, real=True)
        latex[sym] = tex
        return sym

    def sub(letter, node):
        return f"{letter}_{{{tex_name(node)}}}"

    inputs = {n: symbol(str(n), tex_name(n)) for n in net.inputs}
    weights = {}
    for u, v in net.edges:
        name = net.edge_name(u, v)
        weights[(u, v)] = symbol(name, tex_name(name)) if name else \
            symbol(f"w_{u},{v}", f"w_{{{tex_name(u)},{tex_name(v)}}}")
    biases = {n: symbol(f"b_{n}", sub("b", n)) for n in units}
    targets = {n: symbol(f"t_{n}", sub("t", n)) for n in net.outputs}
    s, o = {}, dict(inputs)
    G = net.graph
    for n in nx.topological_sort(G):
        if n in inputs:
            continue
        terms = [weights[(u, n)] * o[u] for u in G.predecessors(n)]
        s[n] = get_combine(net.combine(n)).symbolic(sp, terms) + biases[n]
        o[n] = tr.f(net.fn(n), s[n])
    return {"weights": weights, "biases": biases, "inputs": inputs, "targets": targets, "latex": latex}, s, o, tr


class SymbolicProof:
    """The symbolic derivative beside the symbolic path sum.

    Attributes
    ----------
    derivative, path_sum, difference : sympy.Expr
        ``sympy.diff`` of the network function, the sum over paths of products
        of weights and stored derivatives, and their simplified difference.
    holds : bool
        True when the difference simplifies to 0.
    derivative_value, path_sum_value : float
        Both evaluated at the network's numbers (they agree when `holds`).
    net_inputs : list of (Symbol, Expr)
        ``s_j`` and its expression in the symbols and earlier ``s``: what the
        compact forms of :meth:`latex` are written in.
    """

    def __init__(self, source, derivative, path_sum, s=None, order=(), latex_names=None):
        self.source, self.derivative, self.path_sum = source, derivative, path_sum
        self.latex_names = dict(latex_names or {})
        self.net_inputs = compact_net_inputs(s or {}, order, self.latex_names)
        self.compact_derivative, self.compact_path_sum = self.compact(derivative), self.compact(path_sum)
        self.difference, self.holds = None, None
        self.derivative_value = self.path_sum_value = None

    def __repr__(self):
        state = {True: "holds", False: "does NOT hold", None: "not decided"}[self.holds]
        value = "" if self.derivative_value is None else f", value {self.derivative_value:.12g}"
        return f"<SymbolicProof ∂/∂{self.source.label}: the identity {state}{value}>"

    def __str__(self):
        sp = _sympy()
        verdict = "holds: derivative − path sum simplifies to 0" if self.holds else \
            f"does NOT hold: derivative − path sum = {sp.sstr(self.difference)}"
        lines = [f"Symbolic proof for ∂/∂{self.source.label}: the identity {verdict}"]
        lines += [f"  {sym} = {sp.sstr(short)}" for sym, short, _ in self.net_inputs]
        lines += [f"  sympy.diff:    {sp.sstr(self.compact_derivative)}",
                  f"  sum of paths:  {sp.sstr(self.compact_path_sum)}"]
        if self.derivative_value is not None:
            lines.append(f"  at the labeling's numbers: {self.derivative_value:.15g} and {self.path_sum_value:.15g}")
        return "\n".join(lines)

    def _repr_latex_(self):
        d, p = self.latex()
        return f"$\\displaystyle \\frac{{\\partial}}{{\\partial {self.latex_name(self.source)}}} = {d} = {p}$"

    def _repr_markdown_(self):
        d, p = self.latex()
        state = "holds" if self.holds else "does **not** hold"
        return (f"Symbolic proof for ∂/∂{self.latex_name(self.source)}: the identity {state}.\n\n"
                f"$$ {d} $$\n\n$$ {p} $$")

    def latex_name(self, source):
        """The LaTeX of a :class:`~rojas.proof.paths.Source`'s variable, escaped."""
        return tex_name(source.label)

    def _latex(self, expr):
        return _sympy().latex(expr, symbol_names=self.latex_names)

    def compact(self, expr):
        """`expr` written with the units' net inputs ``s_j`` instead of their expansions."""
        return compact(expr, self.net_inputs)

    def latex(self, compact=True):
        """``(derivative, path sum)`` in LaTeX, by default in terms of the net inputs ``s_j``."""
        if not compact:
            return self._latex(self.derivative), self._latex(self.path_sum)
        return self._latex(self.compact_derivative), self._latex(self.compact_path_sum)

    def latex_terms(self):
        """The compact derivative and path sum as lists of LaTeX terms (their sums' summands)."""
        sp = _sympy()
        return tuple([self._latex(term) for term in sp.Add.make_args(expr)]
                     for expr in (self.compact_derivative, self.compact_path_sum))

    def definitions_latex(self):
        """The net inputs ``s_j = …`` the compact forms use, in LaTeX."""
        return [f"{self._latex(sym)} = {self._latex(short)}" for sym, short, _ in self.net_inputs]


def symbolic_proof(lab, source, limit=DEFAULT_SIZE_LIMIT, path_limit=DEFAULT_PATH_LIMIT,
                   size_limit=DEFAULT_EXPRESSION_LIMIT, time_budget=DEFAULT_TIME_BUDGET):
    """Prove Rojas's theorem symbolically for one derivative of a labeled network.

    Every limit is checked before SymPy builds anything; the work then runs
    in a process of its own (:mod:`rojas.proof.symbolic_worker`), killed after
    `time_budget` seconds.  The calling process's recursion limit, thread
    stack size and threads are left as they are.

    Parameters
    ----------
    lab : Labeling
        Supplies the objective (targets or node) and the numbers to evaluate at.
    source : Source or reference
        A weight, param, bias or input (see :func:`rojas.proof.paths.resolve_source`).
    limit : int, optional
        Largest number of units to work on symbolically (40).
    path_limit : int, optional
        Largest number of paths to build symbolically (64).
    size_limit : int, optional
        Largest number of expression-tree nodes (function, derivative and path
        sum together, estimated before building them; 50,000).
    time_budget : float, optional
        Seconds the SymPy work may take (20).

    Returns
    -------
    SymbolicProof

    Raises
    ------
    RojasError
        If SymPy is missing, the network, the paths or the expressions are
        over the limits (the message says the limit, the size and how to raise
        it), the work runs over its time budget, or the source is a unit's net
        input (no symbol stands for it).

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> proof = rojas.symbolic_proof(lab, "w1")
    >>> proof.holds, round(proof.derivative_value, 9)
    (True, 0.000438568)
    """
    _require_sympy()
    net = lab.network
    source = resolve_source(net, source)
    if source.kind in ("node", "value"):
        raise RojasError(f"{source.label} is a label, not a variable of the network function: "
                         "take a weight, bias, param or input")
    units = len(net.nodes) - len(net.inputs)
    if units > limit:
        raise RojasError(f"the network has {units} units, more than the symbolic limit of {limit} "
                         "(raise it with --symbolic-limit N / limit=; expressions grow exponentially)")
    ends = path_ends(lab)
    counts = path_counts(net, ends)
    paths = sum(counts[n] for n in source.start_nodes)
    if paths > path_limit:
        raise RojasError(f"{count_text(paths)} paths from {source.label}: more than the symbolic limit of {path_limit} "
                         "(raise it with --symbolic-paths N / path_limit=)")
    return run_guarded(functools.partial(_bounded_proof, lab, source, limit, paths, size_limit, ends), time_budget)


def _bounded_proof(lab, source, limit, paths, size_limit, ends):
    """In the worker process: the primitives as SymPy templates, the size limit, then the proof.

    The templates are SymPy's first work (a file primitive's constants are
    computed there), so they too run within the time budget.
    """
    sp = _sympy()
    tr = SympyPrimitives(sp, lab.network)
    size = expression_size(lab.network, tr, paths, source.start_nodes, ends)
    if size > size_limit:
        shown = f"{size:,}" if size < 10 ** 15 else f"about {size:.1e}"
        raise RojasError(f"the expressions would have {shown} nodes, more than the symbolic limit of "
                         f"{size_limit:,} (raise it with --symbolic-size N / size_limit=; units that share "
                         "inputs make the network function's tree grow exponentially)")
    return _prove(sp, lab, source, tr, limit, ends)


def _prove(sp, lab, source, tr, limit, ends):
    """The symbolic work of :func:`symbolic_proof`, its limits checked."""
    net = lab.network
    syms, s, o, tr = network_expressions(net, limit, tr)
    if source.kind == "input":
        variables = [syms["inputs"][source.node]]
    elif source.kind == "bias":
        variables = [syms["biases"][source.node]]
    else:
        variables = [syms["weights"][e] for e in source.edges] + [syms["biases"][n] for n in source.biases]
    # The objective from its registry entry, in dummy output symbols: E itself, and each output's
    # seed ∂E/∂o_k (the path's last factor) by differentiating it, then the outputs' expressions put in.
    dummies = sp.symbols(f"_o0:{len(lab.ends)}")
    targets = [syms["targets"][k] if lab.loss.targets else sp.Integer(0) for k in lab.ends]
    at_outputs = dict(zip(dummies, [o[k] for k in lab.ends]))
    in_dummies = lab.loss.symbolic(sp, dummies, targets)
    function = in_dummies.subs(at_outputs, simultaneous=True)
    seeds = {k: sp.diff(in_dummies, d).subs(at_outputs, simultaneous=True) for k, d in zip(lab.ends, dummies)}
    # Where the objective is fused with an output's primitive the path ends in ∂E/∂s_k itself (the
    # engine's o_k − t_k), which replaces the path's last f'(s_k): E differentiated through o_k = f(s_k).
    fused = {}
    for k, d in zip(lab.ends, dummies):
        if k in lab.fused:
            z = sp.Dummy("s")
            through = in_dummies.subs(d, tr.f(net.fn(k), z)).subs(at_outputs, simultaneous=True)
            fused[k] = sp.diff(through, z).subs(z, s[k])
    derivative = sp.Add(*[sp.diff(function, var) for var in variables])

    G = net.graph
    starts = [(u, v) for u, v in source.edges] if source.kind in ("weight", "param") else [(None, source.node)]
    starts += [(None, n) for n in source.biases]
    terms = []
    for u, v in starts:
        for path in all_paths(G, v, set(ends)):
            factors = []
            if u is not None:
                factors.append(o[u] * _others(sp, G, syms, o, u, v, net))
            if source.kind != "input":
                factors.append(tr.df(net.fn(v), s[v]))
            for a, b in zip(path, path[1:]):
                factors += [syms["weights"][(a, b)], _others(sp, G, syms, o, a, b, net),
                            tr.df(net.fn(b), s[b])]
            if lab.loss.targets and path[-1] in fused and len(factors) > 0:
                factors[-1] = fused[path[-1]]  # ∂E/∂s_k in place of f'(s_k)·∂E/∂o_k
            elif lab.loss.targets and path[-1] in seeds:
                factors.append(seeds[path[-1]])  # ∂E/∂o_k
            terms.append(sp.Mul(*factors))
    path_sum = sp.Add(*terms)
    proof = SymbolicProof(source, derivative, path_sum, s=s, order=list(nx.topological_sort(G)),
                          latex_names=syms["latex"])
    known = _numbers(lab, syms, proof.net_inputs)
    proof.derivative_value, proof.path_sum_value = (
        _evaluate(sp, known, e) for e in (proof.compact_derivative, proof.compact_path_sum))
    proof.difference = _difference(sp, proof, known)
    proof.holds = proof.difference == 0
    return proof


def _others(sp, G, syms, o, u, v, net):
    """∂s_v/∂(w_uv·o_u), as v's combine mode gives it (1 for a sum, the other terms' product for a product)."""
    mode = get_combine(net.combine(v))
    if mode.linear:
        return sp.Integer(1)
    preds = list(G.predecessors(v))
    return mode.symbolic_partial(sp, [syms["weights"][(a, v)] * o[a] for a in preds], preds.index(u))
