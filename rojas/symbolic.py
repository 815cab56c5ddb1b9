"""Symbolic proof with SymPy (the extra ``rojas[symbolic]``).

The network function is built as one SymPy expression in symbols for the
weights, tied params, biases, inputs and targets; ``sympy.diff`` gives the
derivative by the rules of calculus, and the path sum is built from the same
symbols, each path a product of its weights and *stored* derivatives.  Their
difference simplifies to 0 exactly when Rojas's theorem holds for this network —
and not when a primitive's claimed derivative is wrong.

File primitives are translated from their whitelisted AST, never from text.
"""

import ast

import networkx as nx

from .errors import RojasError
from .expressions import parse_expression
from .paths import _all_paths, _ends, resolve_source

__all__ = ["symbolic_proof", "SymbolicProof", "network_expressions", "DEFAULT_SIZE_LIMIT"]

DEFAULT_SIZE_LIMIT = 40  # units; beyond this the expressions grow too large to simplify quickly
DEFAULT_PATH_LIMIT = 64  # paths; each adds a product of nested expressions to expand


def _sympy():
    try:
        import sympy
    except ImportError:
        raise RojasError("the symbolic proof needs SymPy: pip install 'rojas[symbolic]'") from None
    return sympy


def _from_ast(sp, tree, arg, functions):
    """A SymPy expression from a checked file-expression tree (explicit stack, no recursion)."""
    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}
    done, stack = {}, [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in ast.iter_child_nodes(node)
                         if isinstance(c, ast.expr) and not (isinstance(node, ast.Call) and c is node.func))
            continue
        if isinstance(node, ast.Constant):
            done[node] = sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        elif isinstance(node, ast.Name):
            done[node] = arg
        elif isinstance(node, ast.BinOp):
            done[node] = ops[type(node.op)](done[node.left], done[node.right])
        elif isinstance(node, ast.UnaryOp):
            done[node] = -done[node.operand] if isinstance(node.op, ast.USub) else done[node.operand]
        elif isinstance(node, ast.Call):
            done[node] = functions(node.func.id, done[node.args[0]])
    return done[tree]


class _Translator:
    """f and f' of every primitive a network uses, as SymPy functions of an expression."""

    def __init__(self, sp, net):
        self.sp, self.net = sp, net
        self.z = sp.Dummy("s")

    def f(self, fn, arg):
        sp = self.sp
        extras = {"log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs}
        if fn in extras:
            return extras[fn](arg)
        prim = self.net.primitive(fn)
        if prim.source is not None:
            tree = parse_expression(prim.source[0], fn)[0]
            return _from_ast(sp, tree, arg, self.f)
        if prim.sympy is None:
            raise RojasError(f"primitive {fn!r} has no SymPy form: register it with sympy=...")
        return prim.sympy(sp, arg)

    def df(self, fn, arg):
        """The *stored* derivative: a file primitive's claimed df, a built-in's own."""
        prim = self.net.primitive(fn)
        if prim.source is not None:
            tree = parse_expression(prim.source[1], fn)[0]
            return _from_ast(self.sp, tree, arg, self.f)
        return self.sp.diff(self.f(fn, self.z), self.z).subs(self.z, arg)


def network_expressions(net, limit=DEFAULT_SIZE_LIMIT):
    """The network's labels as SymPy expressions.

    Returns
    -------
    symbols : dict
        ``{"weights": {(u, v): Symbol}, "biases": {node: Symbol}, "inputs": {node: Symbol},
        "targets": {node: Symbol}}``; a tied edge has a symbol of its own too.
    s, o : dict
        ``{node: expression}`` for the net inputs and values.

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
                         "(raise it with --symbolic-limit / limit=; expressions grow exponentially)")
    tr = _Translator(sp, net)
    # Every edge has its own symbol, a tied one too: ∂/∂param is then the sum of
    # the derivatives by its edges, exactly as the backward sweep adds them.
    taken = set()

    def symbol(name):
        # An edge may be called "b_h" or "t_y": primes keep every symbol distinct.
        while name in taken:
            name += "'"
        taken.add(name)
        return sp.Symbol(name, real=True)

    inputs = {n: symbol(str(n)) for n in net.inputs}
    weights = {(u, v): symbol(net.edge_name(u, v) or f"w_{u},{v}") for u, v in net.edges}
    biases = {n: symbol(f"b_{n}") for n in units}
    targets = {n: symbol(f"t_{n}") for n in net.outputs}
    s, o = {}, dict(inputs)
    G = net._graph
    for n in nx.topological_sort(G):
        if n in inputs:
            continue
        terms = [weights[(u, n)] * o[u] for u in G.predecessors(n)]
        combined = sp.Mul(*terms) if net.combine(n) == "product" else sp.Add(*terms)
        s[n] = combined + biases[n]
        o[n] = tr.f(net.fn(n), s[n])
    return {"weights": weights, "biases": biases, "inputs": inputs, "targets": targets}, s, o, tr


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

    def __init__(self, source, derivative, path_sum, s=None, order=()):
        self.source, self.derivative, self.path_sum = source, derivative, path_sum
        self.net_inputs = _compact_net_inputs(s or {}, order)
        self.compact_derivative, self.compact_path_sum = self.compact(derivative), self.compact(path_sum)
        self.difference, self.holds = None, None
        self.derivative_value = self.path_sum_value = None

    def compact(self, expr):
        """`expr` written with the units' net inputs ``s_j`` instead of their expansions."""
        for sym, full in reversed(self._full):
            expr = expr.subs(full, sym)
        return expr

    @property
    def _full(self):
        return [(sym, full) for sym, _, full in self.net_inputs]

    def latex(self, compact=True):
        """``(derivative, path sum)`` in LaTeX, by default in terms of the net inputs ``s_j``."""
        sp = _sympy()
        if not compact:
            return sp.latex(self.derivative), sp.latex(self.path_sum)
        return sp.latex(self.compact_derivative), sp.latex(self.compact_path_sum)

    def latex_terms(self):
        """The compact derivative and path sum as lists of LaTeX terms (their sums' summands)."""
        sp = _sympy()
        return tuple([sp.latex(term) for term in sp.Add.make_args(expr)]
                     for expr in (self.compact_derivative, self.compact_path_sum))

    def definitions_latex(self):
        """The net inputs ``s_j = …`` the compact forms use, in LaTeX."""
        sp = _sympy()
        return [f"{sp.latex(sym)} = {sp.latex(short)}" for sym, short, _ in self.net_inputs]


def _compact_net_inputs(s, order):
    """``[(s_j symbol, s_j written with earlier s symbols, s_j in full)]`` in topological order."""
    if not s:
        return []
    sp = _sympy()
    out = []
    for n in order:
        if n not in s:
            continue
        short = s[n]
        for sym, _, full in reversed(out):  # the latest (largest) expansions first
            short = short.subs(full, sym)
        out.append((sp.Symbol(f"s_{n}", real=True), short, s[n]))
    return out


def symbolic_proof(lab, source, limit=DEFAULT_SIZE_LIMIT, path_limit=DEFAULT_PATH_LIMIT):
    """Prove Rojas's theorem symbolically for one derivative of a labeled network.

    Parameters
    ----------
    lab : Labeling
        Supplies the objective (targets or node) and the numbers to evaluate at.
    source : Source or reference
        A weight, param, bias or input (see :func:`rojas.paths.resolve_source`).
    limit : int, optional
        Largest number of units to work on symbolically.
    path_limit : int, optional
        Largest number of paths to build symbolically.

    Returns
    -------
    SymbolicProof

    Raises
    ------
    RojasError
        If SymPy is missing, the network or path count is over the limits, or the
        source is a unit's net input (no symbol stands for it).

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> proof = rojas.symbolic_proof(lab, "w1")
    >>> proof.holds, round(proof.derivative_value, 9)
    (True, 0.000438568)
    """
    sp = _sympy()
    net = lab.network
    source = resolve_source(net, source)
    if source.kind in ("node", "value"):
        raise RojasError(f"{source.label} is a label, not a variable of the network function: "
                         "take a weight, bias, param or input")
    syms, s, o, tr = network_expressions(net, limit)
    if source.kind == "input":
        variables = [syms["inputs"][source.node]]
    elif source.kind == "bias":
        variables = [syms["biases"][source.node]]
    else:
        variables = [syms["weights"][e] for e in source.edges]
    if lab.objective == "E":
        function = sp.Rational(1, 2) * sp.Add(*[(o[k] - syms["targets"][k]) ** 2 for k in lab.targets])
    else:
        function = o[lab.objective]
    derivative = sp.Add(*[sp.diff(function, var) for var in variables])

    ends = set(_ends(lab))
    G = net._graph
    starts = [(u, v) for u, v in source.edges] if source.kind in ("weight", "param") else [(None, source.node)]
    terms = []
    count = 0
    for u, v in starts:
        for path in _all_paths(G, v, ends):
            count += 1
            if count > path_limit:
                raise RojasError(f"more than {path_limit} paths: too many for the symbolic proof")
            factors = []
            if u is not None:
                factors.append(o[u] * _others(sp, G, syms, o, u, v, net))
            if source.kind != "input":
                factors.append(tr.df(net.fn(v), s[v]))
            for a, b in zip(path, path[1:]):
                factors += [syms["weights"][(a, b)], _others(sp, G, syms, o, a, b, net),
                            tr.df(net.fn(b), s[b])]
            if lab.objective == "E":
                factors.append(o[path[-1]] - syms["targets"][path[-1]])
            terms.append(sp.Mul(*factors))
    path_sum = sp.Add(*terms)
    proof = SymbolicProof(source, derivative, path_sum, s=s, order=list(nx.topological_sort(G)))
    known = _numbers(lab, syms, proof.net_inputs)
    proof.derivative_value, proof.path_sum_value = (
        _evaluate(sp, known, e) for e in (proof.compact_derivative, proof.compact_path_sum))
    proof.difference = _difference(sp, proof, known)
    proof.holds = proof.difference == 0
    return proof


def _difference(sp, proof, known):
    """The derivative minus the path sum, brought to 0 when it is identically 0.

    Written with a symbol for each unit's net input s_j, both sides are sums of
    products of the same atoms (weights, f(s_j), f'(s_j), …): expanding that
    small difference cancels a true identity at once, and 0 in independent
    s_j is 0 after putting their expressions back.  Only where that fails and
    the full difference still vanishes at random points is it expanded whole.
    """
    import random

    short = sp.expand(proof.compact_derivative - proof.compact_path_sum)
    if short == 0:
        return sp.Integer(0)
    full = proof.derivative - proof.path_sum
    variables = sorted(full.free_symbols, key=str)
    f = sp.lambdify(variables, full, "numpy")
    rng = random.Random(0)
    for _ in range(3):
        if abs(f(*[rng.uniform(-1, 1) for _ in variables])) > 1e-9:
            return short  # not an identity: no point simplifying
    return sp.simplify(sp.expand(full))


def _others(sp, G, syms, o, u, v, net):
    """∂s_v/∂(w_uv·o_u): 1 for a sum unit, the product of v's other terms for a product unit."""
    if net.combine(v) != "product":
        return sp.Integer(1)
    return sp.Mul(*[syms["weights"][(a, v)] * o[a] for a in G.predecessors(v) if a != u])


def _numbers(lab, syms, net_inputs):
    """Every symbol's value in the labeling: weights, biases, inputs, targets, net inputs s_j.

    Inputs, targets and s_j are arrays over a batch.
    """
    import numpy as np

    net = lab.network
    known = {sym: net.weight(u, v) for (u, v), sym in syms["weights"].items()}
    known.update({sym: net.bias(n) for n, sym in syms["biases"].items()})
    known.update({sym: np.asarray(lab.o[n], dtype=float) for n, sym in syms["inputs"].items()})
    known.update({syms["targets"][k]: np.asarray(t, dtype=float) for k, t in lab.targets.items()})
    units = {f"s_{n}": n for n in lab.s}
    known.update({sym: np.asarray(lab.s[units[sym.name]], dtype=float) for sym, _, _ in net_inputs})
    return known


def _evaluate(sp, known, expr):
    """`expr` (written with the s_j) at the labeling's numbers, summed over a batch."""
    import numpy as np

    variables = sorted(expr.free_symbols, key=str)
    f = sp.lambdify(variables, expr, "numpy")
    return float(np.sum(f(*[known[v] for v in variables])))
