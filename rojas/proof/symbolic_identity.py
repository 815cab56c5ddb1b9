"""The verdict of the symbolic proof: the derivative minus the path sum, brought to 0, and their numbers.

Both sides of Rojas's identity are SymPy expressions in the network's symbols
(:mod:`rojas.proof.symbolic`); here they are compared (:func:`difference`) and
evaluated at the labeling's numbers (:func:`numbers`, :func:`evaluate`).
"""

__all__ = ["difference", "numbers", "evaluate"]


def difference(sp, proof, known):
    """The derivative minus the path sum, brought to 0 when it is identically 0.

    Written with a symbol for each unit's net input s_j, both sides are sums of
    products of the same atoms (weights, f(s_j), f'(s_j), …): expanding that
    small difference cancels a true identity at once, and 0 in independent
    s_j is 0 after putting their expressions back.  A claimed derivative in
    other terms than SymPy's (``mysig(s)*(1-mysig(s))`` beside
    ``exp(-s)/(1+exp(-s))**2``) leaves fractions that only a common
    denominator cancels: ``cancel(together(...))`` of the same small
    difference.  Only where both fail and the full difference vanishes at
    random points is it simplified whole (minutes, bounded by the budget).
    """
    import random

    compact = proof.compact_derivative - proof.compact_path_sum
    short = sp.expand(compact)
    if short == 0:
        return sp.Integer(0)
    full = proof.derivative - proof.path_sum
    variables = sorted(full.free_symbols, key=str)
    f = sp.lambdify(variables, full, "numpy")
    rng = random.Random(0)
    for _ in range(3):
        if abs(f(*[rng.uniform(-1, 1) for _ in variables])) > 1e-9:
            return short  # not an identity: no point simplifying
    if sp.cancel(sp.together(compact)) == 0:
        return sp.Integer(0)
    return sp.simplify(sp.expand(full))


def numbers(lab, syms, net_inputs):
    """Every symbol's value in the labeling: weights, biases, inputs, targets, net inputs s_j.

    Inputs, targets and s_j are arrays over a batch.
    """
    import numpy as np

    known = {sym: lab.weight(u, v) for (u, v), sym in syms["weights"].items()}
    known.update({sym: lab.bias(n) for n, sym in syms["biases"].items()})
    known.update({sym: np.asarray(lab.o[n], dtype=float) for n, sym in syms["inputs"].items()})
    known.update({syms["targets"][k]: np.asarray(t, dtype=float) for k, t in lab.targets.items()})
    units = {f"s_{n}": n for n in lab.s}
    known.update({sym: np.asarray(lab.s[units[sym.name]], dtype=float) for sym, _, _ in net_inputs})
    return known


def evaluate(sp, known, expr):
    """`expr` (written with the s_j) at the labeling's numbers, summed over a batch."""
    import numpy as np

    variables = sorted(expr.free_symbols, key=str)
    f = sp.lambdify(variables, expr, "numpy")
    return float(np.sum(f(*[known[v] for v in variables])))
