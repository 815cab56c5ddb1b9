"""Primitives as SymPy expressions, built once each, with their size known before anything grows.

A file primitive is translated from its whitelisted AST, never from text.
Constant parts are folded numerically: exact rationals stay exact while they
are small, anything larger becomes a float — ``(1/10)**(10**9)`` is the float
0, not a billion-digit rational.  Each primitive's f and stored derivative df
are built once as *templates* in a placeholder symbol and substituted
afterwards, so primitives calling primitives never re-build anything.

The size of an expression tree (what SymPy walks when it differentiates,
substitutes or prints) is affine in the size of its argument: a template
whose tree has ``k`` nodes besides ``m`` occurrences of its argument A has
``k + m·size(A)`` nodes.  :meth:`SympyPrimitives.size` gives ``(k, m)``,
computed from the AST before the template is built.
"""

import ast

from .errors import RojasError
from .expressions import parse_expression

__all__ = ["SympyPrimitives", "tree_size", "SMALL_INTEGER", "SIZE_CAP"]

#: Integers up to this magnitude stay exact; exact rationals are built from them only.
SMALL_INTEGER = 10 ** 6
#: Sizes are clamped here: only comparisons with limits far below it matter.
SIZE_CAP = 10 ** 30

_EXTRAS = ("log", "sqrt", "abs")


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


def _fold(sp, op, a, b):
    """``a op b`` for two SymPy numbers: exact while small, else a float (never a huge exact number)."""
    small = all(isinstance(x, (sp.Integer, sp.Rational)) and abs(x.p) <= SMALL_INTEGER
                and x.q <= SMALL_INTEGER for x in (a, b))
    if small and (op is not ast.Pow or (isinstance(b, sp.Integer) and abs(int(b)) <= 64)):
        if op is ast.Div and b == 0:
            raise RojasError("a primitive divides a constant by 0")
        return {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                ast.Div: lambda: a / b, ast.Pow: lambda: a ** b}[op]()
    x, y = float(a), float(b)
    try:
        value = {ast.Add: lambda: x + y, ast.Sub: lambda: x - y, ast.Mult: lambda: x * y,
                 ast.Div: lambda: x / y, ast.Pow: lambda: x ** y}[op]()
    except (OverflowError, ZeroDivisionError):
        raise RojasError("a constant in a primitive overflows or divides by 0") from None
    if isinstance(value, complex):
        raise RojasError("a constant in a primitive is not a real number")
    return sp.Float(value)


def _constant(sp, value):
    if isinstance(value, int) and abs(value) <= SMALL_INTEGER:
        return sp.Integer(value)
    try:
        return sp.Float(float(value))
    except OverflowError:
        raise RojasError(f"the constant {str(value)[:20]}… in a primitive is too large for a float") from None


class SympyPrimitives:
    """f and the stored f' of every primitive a network uses, as SymPy expressions of an argument."""

    def __init__(self, sp, net):
        self.sp, self.net = sp, net
        self.z = sp.Dummy("s")
        self._templates, self._sizes = {}, {}

    def f(self, fn, arg):
        """``f(arg)`` for primitive `fn` (a built-in, a registered one with ``sympy=``, or the file's)."""
        return self._template(fn, "f").xreplace({self.z: arg})

    def df(self, fn, arg):
        """The *stored* derivative at `arg`: a file primitive's claimed df, a built-in's own."""
        return self._template(fn, "df").xreplace({self.z: arg})

    def size(self, fn, which="f"):
        """``(k, m)``: the tree of ``fn(A)`` has ``k + m·size(A)`` nodes; no template is built for a file primitive."""
        key = (fn, which)
        if key not in self._sizes:
            if fn in _EXTRAS:
                self._sizes[key] = (1, 1) if which == "f" else (5, 1)
            else:
                source = self.net.primitive(fn).source
                self._sizes[key] = self._ast_size(source[0 if which == "f" else 1], fn) if source is not None \
                    else tree_size(self._template(fn, which), self.z)
        return self._sizes[key]

    def _ast_size(self, text, fn):
        sizes, stack = {}, [(parse_expression(text, fn)[0], False)]
        while stack:
            node, ready = stack.pop()
            children = [c for c in ast.iter_child_nodes(node)
                        if isinstance(c, ast.expr) and not (isinstance(node, ast.Call) and c is node.func)]
            if not ready and children:
                stack.append((node, True))
                stack.extend((c, False) for c in children)
                continue
            if isinstance(node, ast.Name):
                sizes[node] = (0, 1)
            elif isinstance(node, ast.Call):
                (k, m), (ka, ma) = self.size(node.func.id), sizes[node.args[0]]
                sizes[node] = (min(k + m * ka, SIZE_CAP), min(m * ma, SIZE_CAP))
            else:
                k, m = 1, 0
                for c in children:
                    k, m = min(k + sizes[c][0], SIZE_CAP), min(m + sizes[c][1], SIZE_CAP)
                sizes[node] = (k, m)
        return sizes[node]

    def _template(self, fn, which):
        key = (fn, which)
        if key in self._templates:
            return self._templates[key]
        sp, z = self.sp, self.z
        if fn in _EXTRAS:
            template = {"log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs}[fn](z)
            if which == "df":
                template = sp.diff(template, z)
        else:
            prim = self.net.primitive(fn)
            if prim.source is not None:
                template = self._from_ast(parse_expression(prim.source[0 if which == "f" else 1], fn)[0])
            elif prim.sympy is None:
                raise RojasError(f"primitive {fn!r} has no SymPy form: register it with sympy=...")
            elif which == "f":
                template = prim.sympy(sp, z)
            else:
                template = sp.diff(self._template(fn, "f"), z)
        self._templates[key] = template
        return template

    def _from_ast(self, tree):
        """A template from a checked file-expression tree (explicit stack, constants folded)."""
        sp = self.sp
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
                done[node] = _constant(sp, node.value)
            elif isinstance(node, ast.Name):
                done[node] = self.z
            elif isinstance(node, ast.BinOp):
                a, b = done[node.left], done[node.right]
                if isinstance(a, sp.Number) and isinstance(b, sp.Number):
                    done[node] = _fold(sp, type(node.op), a, b)
                elif isinstance(node.op, ast.Pow) and isinstance(b, sp.Number) and abs(b) > 64:
                    # a float exponent: SymPy would distribute a huge integer power over exact factors
                    done[node] = a ** sp.Float(float(b))
                else:
                    done[node] = ops[type(node.op)](a, b)
            elif isinstance(node, ast.UnaryOp):
                done[node] = -done[node.operand] if isinstance(node.op, ast.USub) else done[node.operand]
            elif isinstance(node, ast.Call):
                done[node] = self.f(node.func.id, done[node.args[0]])
        return done[tree]
