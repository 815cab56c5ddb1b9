"""Net inputs as symbols: the compact forms of a symbolic proof.

Rojas writes a unit's derivative with its net input ``s_j`` rather than the
expansion of ``s_j`` in the weights and inputs; this module names each unit's
net input by a SymPy symbol, writes it in its inputs' symbols, and rewrites
an expression with those symbols, in time linear in the expression's shared
tree.  Used by :mod:`rojas.proof.symbolic` in the SymPy worker process.
"""

from .document import tex_name

__all__ = ["compact", "compact_net_inputs"]


def compact(expr, net_inputs):
    """`expr` with the expansions of the net inputs replaced by their symbols ``s_j``.

    One :meth:`~sympy.core.basic.Basic.xreplace` swaps every exact occurrence
    of an expansion for its symbol in a single walk over the shared tree
    (nested expansions are keys of their own); the expression is then as small
    as its compact form.  Only there, earliest unit first (so a later unit's
    short form meets its inputs' symbols), ``subs`` of each short form catches
    what SymPy matches algebraically rather than as a subtree: a negated net
    input distributed as ``-b - w·o``, or one inside a larger sum, as in
    ``s_y - t_y`` for an identity output unit.  (A ``subs`` of each full
    expansion walked the whole expression once per unit: quadratic in a
    chain's length.)

    Parameters
    ----------
    expr : sympy.Expr
    net_inputs : list of (Symbol, Expr, Expr)
        ``(s_j, s_j in earlier symbols, s_j in full)`` in topological order, as
        :func:`compact_net_inputs` gives them.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> import sympy as sp
    >>> w, v, x, b, t = sp.symbols("w v x b t")
    >>> s = {"h": w * x + b, "y": v * sp.tanh(w * x + b)}
    >>> net_inputs = compact_net_inputs(s, ["x", "h", "y"], {})
    >>> compact(1 - sp.tanh(s["y"]) ** 2, net_inputs)
    1 - tanh(s_y)**2
    >>> compact(w * x + b - t, net_inputs)
    s_h - t
    """
    if not net_inputs:
        return expr
    expr = expr.xreplace({full: sym for sym, _, full in net_inputs})
    present = set(expr.free_symbols)  # a superset as substitutions go on: a match needs all of short's symbols
    for sym, short, _ in net_inputs:
        if not short.is_Atom and short.free_symbols <= present:
            expr = expr.subs(short, sym)
            present.add(sym)
    return expr


def compact_net_inputs(s, order, latex_names):
    """Each unit's net input as a symbol ``s_j``, written with the earlier units' symbols.

    Parameters
    ----------
    s : dict
        Node -> its net input in full (in the weights, biases and inputs).
    order : sequence
        The nodes in topological order.
    latex_names : dict
        Receives each ``s_j`` symbol's LaTeX.

    Returns
    -------
    list of (Symbol, Expr, Expr)
        ``(s_j, s_j written with earlier s symbols, s_j in full)`` in topological order.

    Examples
    --------
    >>> import sympy as sp
    >>> w, v, x, b = sp.symbols("w v x b")
    >>> [(sym, short) for sym, short, _ in compact_net_inputs(
    ...     {"h": w * x + b, "y": v * sp.tanh(w * x + b)}, ["x", "h", "y"], {})]
    [(s_h, b + w*x), (s_y, v*tanh(s_h))]
    """
    if not s:
        return []
    import sympy as sp

    out = []
    for n in order:
        if n not in s:
            continue
        short = compact(s[n], out)
        sym = sp.Symbol(f"s_{n}", real=True)
        latex_names[sym] = f"s_{{{tex_name(n)}}}"
        out.append((sym, short, s[n]))
    return out
