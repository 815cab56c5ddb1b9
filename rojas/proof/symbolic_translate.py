"""Primitives as SymPy expressions, built once each, with their size known before anything grows.

File primitives run through the one expression interpreter
(:meth:`rojas.network.expressions.FilePrograms.evaluate`) with its SymPy backend,
never from text; numbers raised to integer powers beyond ±64 are taken in
floating point, whatever the base, so ``(1/10)**(10**9)`` and
``(s/10)**(10**9)`` never build a billion-digit rational.  Each primitive's f
and stored derivative df are built once as *templates* in a placeholder
symbol and substituted afterwards, so primitives calling primitives never
re-build anything.

The size of an expression tree (what SymPy walks when it differentiates,
substitutes or prints) is affine in the size of its argument: a template
whose tree has ``k`` nodes besides ``m`` occurrences of its argument A has
``k + m·size(A)`` nodes.  :meth:`SympyPrimitives.size` gives ``(k, m)``.
"""

import dataclasses

from ..errors import RojasError
from ..network.backends import sympy_backend

__all__ = ["SympyPrimitives", "tree_size", "SIZE_CAP"]

#: Sizes are clamped here: only comparisons with limits far below it matter.
SIZE_CAP = 10 ** 30

#: An integer exponent beyond this is taken as a float (an exact power would have that many factors).
_EXACT_POWER = 64


def tree_size(expr, symbol=None):
    """``(nodes, occurrences of symbol)`` of `expr` as a tree, counted over the shared DAG (linear, no recursion)."""
    memo, stack = {}, [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if e in memo:
            continue
        if not ready and e.args:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args if a not in memo)
            continue
        if e == symbol:
            memo[e] = (0, 1)
        else:
            k, m = 1, 0
            for a in e.args:
                k, m = min(k + memo[a][0], SIZE_CAP), min(m + memo[a][1], SIZE_CAP)
            memo[e] = (k, m)
    return memo[expr]


def _backend(sp):
    """The interpreter's SymPy backend, with every large integer power taken in floating point."""
    backend = sympy_backend(sp)
    exact_power = backend.binary["**"]  # numbers past a float64's range as Floats

    def power(a, b):
        if getattr(b, "is_Integer", False) and abs(int(b)) > _EXACT_POWER:
            return a ** sp.Float(int(b))  # (s/10)**(10**9) would distribute an exact 10**(10**9) over its factors
        return exact_power(a, b)

    return dataclasses.replace(backend, binary={**backend.binary, "**": power})


class SympyPrimitives:
    """f and the stored f' of every primitive a network uses, as SymPy expressions of an argument."""

    def __init__(self, sp, net):
        self.sp, self.net = sp, net
        self.z = sp.Dummy("s", real=True)  # net inputs are real: d|s|/ds is sign(s), not a Derivative
        self._templates, self._sizes = {}, {}
        self._backend = _backend(sp)

    def f(self, fn, arg):
        """``f(arg)`` for primitive `fn` (a built-in, a registered one with ``sympy=``, or the file's)."""
        return self._put(self._template(fn, "f"), arg)

    def df(self, fn, arg):
        """The *stored* derivative at `arg`: a file primitive's claimed df, a built-in's own."""
        return self._put(self._template(fn, "df"), arg)

    def _put(self, template, arg):
        if template.has(self.sp.Derivative):  # an unevaluated derivative needs subs (it becomes Subs)
            return template.subs(self.z, arg)
        return template.xreplace({self.z: arg})

    def size(self, fn, which="f"):
        """``(k, m)``: the tree of ``fn(A)`` has ``k + m·size(A)`` nodes."""
        key = (fn, which)
        if key not in self._sizes:
            self._sizes[key] = tree_size(self._template(fn, which), self.z)
        return self._sizes[key]

    def _template(self, fn, which):
        key = (fn, which)
        if key in self._templates:
            return self._templates[key]
        sp, z = self.sp, self.z
        prim = self.net.primitive(fn)  # the file's own first, then the registry
        if prim.program is not None:  # a file primitive: its own f and its *claimed* df
            template = prim.program.evaluate(fn, which, z, self._backend)
        elif prim.sympy is None:
            raise RojasError(f"primitive {fn!r} has no SymPy form: register it with sympy=...")
        elif which == "f":
            template = prim.sympy(sp, z)
        else:
            template = sp.diff(self._template(fn, "f"), z)
        self._templates[key] = template
        return template
