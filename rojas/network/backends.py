"""How the file-primitive interpreter computes with each kind of number: its backends.

:mod:`rojas.network.expressions` compiles a file's primitives once and runs
them with any :class:`Backend`: :data:`NUMPY` for real and complex arrays (the
sweeps and the complex-step check), :func:`sympy_backend` for the symbolic
proof.  Both read the one function table
:func:`rojas.network.primitives.function_table`.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import RojasError
from .primitives import function_table

__all__ = ["Backend", "NUMPY", "sympy_backend", "MAX_EXACT_BITS"]

MAX_EXACT_BITS = 1024  # SymPy keeps a constant exact while it fits a float64's range (2**1024)


@dataclass(frozen=True)
class Backend:
    """How the interpreter computes with one kind of value.

    Attributes
    ----------
    name : str
    constant : callable
        A Python int or float from the expression to the backend's number.
    binary : dict
        ``{"+", "-", "*", "/", "**"}`` to two-argument callables.
    unary : dict
        ``{"neg", "pos"}`` to one-argument callables.
    function : callable
        ``function(name)`` returns the callable for a function of
        :func:`~rojas.network.primitives.function_table` (not a file primitive: the
        interpreter runs those itself).
    """

    name: str
    constant: Callable
    binary: dict
    unary: dict
    function: Callable


# NUMPY serves real and complex arrays alike: the sweeps and the complex-step check.
NUMPY = Backend("numpy", float,
                {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power},
                {"neg": np.negative, "pos": np.positive}, lambda name: function_table()[name].f)


def sympy_backend(sp):
    """A :class:`Backend` building SymPy expressions with module `sp` (``import sympy as sp``).

    Numbers stay exact while they fit a float64's range (:data:`MAX_EXACT_BITS`)
    and are Floats past it, as is a number to an integer power beyond ±64: so
    ``(1/10)**(10**9)`` or ``1/((3**64)**64)**64`` is a Float, not a rational
    with more digits than any printer writes.

    >>> import sympy as sp
    >>> from rojas.network.expressions import file_primitives
    >>> from rojas.network.backends import sympy_backend
    >>> prims = file_primitives({"m": {"f": "2*sigmoid(s) - 1", "df": "2*m(s)"},
    ...                          "t": {"f": "s + 1/((3**64)**64)**64", "df": "1"}})
    >>> s = sp.Symbol("s")
    >>> prims["m"].program.evaluate("m", "f", s, sympy_backend(sp))
    -1 + 2/(1 + exp(-s))
    >>> sp.Float(prims["t"].program.evaluate("t", "f", s, sympy_backend(sp)) - s, 6)
    3.35585e-125075
    """
    def bits(x):
        return max(x.p.bit_length(), x.q.bit_length()) if getattr(x, "is_Rational", False) else 0

    def small(x):
        return sp.Float(x, 15) if bits(x) > MAX_EXACT_BITS else x

    def power(a, b):
        if getattr(b, "is_Integer", False) and getattr(a, "is_Number", False) and (
                abs(int(b)) > 64 or bits(a) * abs(int(b)) > MAX_EXACT_BITS):
            a = sp.Float(a, 15)
        return small(a ** b)

    def function(name):
        prim = function_table()[name]
        if prim.sympy is None:
            raise RojasError(f"primitive {name!r} has no SymPy form: register it with sympy=...")
        return lambda arg: prim.sympy(sp, arg)

    def constant(value):
        return sp.Integer(value) if isinstance(value, int) else sp.Float(value)

    return Backend("sympy", constant,
                   {"+": lambda a, b: small(a + b), "-": lambda a, b: small(a - b),
                    "*": lambda a, b: small(a * b), "/": lambda a, b: small(a / b), "**": power},
                   {"neg": lambda a: -a, "pos": lambda a: a}, function)
