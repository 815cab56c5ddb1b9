"""The primitive functions a unit can compute, each with its own derivative.

One registry, one entry per primitive (as in HIPS autograd): the sweeps never
know which function a unit computes, they ask the registry for ``f`` and
``df``.  Adding a primitive touches this module only, or nothing at all when a
user calls :func:`register_primitive`.

Every built-in is written for real *and* complex arguments (``complex_safe``)
so that the complex-step derivative check can run through it, and sigmoid and
softplus never exponentiate a large positive number, so they stay exact and
warning-free at ``|s| = 1000``.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import NetworkError, RojasError

__all__ = ["Primitive", "register_primitive", "get_primitive", "primitive_names", "function_table",
           "primitive_symbol", "EXTRA_FUNCTIONS", "RESERVED_NAMES"]


@dataclass(frozen=True)
class Primitive:
    """A unit's primitive function f with its derivative f'.

    Attributes
    ----------
    name : str
    f, df : callable
        NumPy-vectorized: take an array of net inputs ``s`` and return an array
        of the same shape.
    complex_safe : bool
        True when ``f`` is analytic and both callables accept complex arrays
        (needed by the complex-step check).
    sympy : callable or None
        ``sympy(sp, s)`` returns the SymPy form of ``f`` for the symbol ``s``.
    source : tuple of str or None
        ``(f_text, df_text)`` for a primitive defined in a network file.
    f_df : callable or None
        A fused ``s -> (f(s), f'(s))`` for real arrays, where one exists.
    program : rojas.network.expressions.FilePrograms or None
        For a file primitive: its compiled expressions, which any backend
        (NumPy, SymPy) evaluates with ``program.evaluate(name, "f" or "df", arg, backend)``.
    symbol : str
        How figures and pages write it in a unit's right half (``"σ"``); "" for its name.
    """

    name: str
    f: Callable
    df: Callable
    complex_safe: bool = False
    sympy: Callable | None = None
    source: tuple | None = None
    f_df: Callable | None = None
    program: object = None
    symbol: str = ""

    def __call__(self, s):
        return self.f(s)

    def value_and_derivative(self, s):
        """``(f(s), f'(s))``, through a fused real-valued routine where the primitive has one.

        Each result has the shape of `s` (a constant, such as a file's ``df = 1``, is
        broadcast); a result of another shape or not numeric is a NetworkError naming the
        primitive, as is an exception raised by a user's callable.
        """
        try:
            if self.f_df is not None and np.asarray(s).dtype.kind != "c":
                value, slope = self.f_df(s)
            else:
                value, slope = self.f(s), self.df(s)
        except (RojasError, MemoryError, RecursionError):
            raise
        except Exception as exc:
            raise NetworkError(f"primitive {self.name!r} raised {type(exc).__name__}: {str(exc)[:200]}") from None
        return self.shaped(value, s, "f"), self.shaped(slope, s, "df")

    def shaped(self, result, s, which):
        """`result` of ``which(s)`` as an array shaped like `s`, or a NetworkError saying what it was."""
        shape = np.shape(s)
        try:
            out = np.asarray(result)
            if out.dtype.kind not in "biufc":
                raise TypeError
            return out if out.shape == shape else np.broadcast_to(out, shape)
        except (TypeError, ValueError):
            got = f"shape {np.shape(result)}" if isinstance(result, np.ndarray) else type(result).__name__
            raise NetworkError(f"primitive {self.name!r}: {which} returned {got} for net inputs of shape "
                               f"{shape}; {which} must return numbers shaped like s") from None


_REGISTRY: dict = {}


def register_primitive(name, f, df, *, complex_safe=False, sympy=None, symbol="", replace=False):
    """Add a primitive function to the registry.

    Parameters
    ----------
    name : str
        The name nodes use in their ``fn`` attribute.
    f, df : callable
        The function and its derivative, NumPy-vectorized over an array of net
        inputs.  ``df`` is taken as given; ``rojas check`` verifies it.
    complex_safe : bool, optional
        Declare that ``f`` and ``df`` accept complex arrays and ``f`` is analytic.
    sympy : callable, optional
        ``sympy(sp, s)`` returning the SymPy form of ``f``.
    symbol : str, optional
        How figures write it (default: its name).
    replace : bool, optional
        Allow replacing an existing entry (never a built-in).

    Returns
    -------
    Primitive

    Raises
    ------
    NetworkError
        If the name is taken, reserved, or not an identifier, or ``f``/``df``
        are not callable.

    Examples
    --------
    >>> import numpy as np, rojas
    >>> p = rojas.register_primitive("cube", lambda s: s**3, lambda s: 3 * s**2, replace=True)
    >>> float(p.df(np.array(2.0)))
    12.0
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise NetworkError(f"primitive name {name!r} is not an identifier")
    if name in RESERVED_NAMES:
        raise NetworkError(f"primitive name {name!r} is reserved")
    if not callable(f) or not callable(df):
        raise NetworkError(f"primitive {name!r}: f and df must be callable")
    old = _REGISTRY.get(name)
    if old is not None and (not replace or name in BUILTIN_NAMES):
        raise NetworkError(f"primitive {name!r} is already registered")
    prim = Primitive(name, f, df, complex_safe=complex_safe, sympy=sympy, symbol=symbol)
    _REGISTRY[name] = prim
    return prim


def get_primitive(name):
    """Return the registered :class:`Primitive` called `name`.

    Raises
    ------
    NetworkError
        If no primitive has that name; the message lists the known names.
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise NetworkError(
            f"unknown primitive {name!r} (known: input, {', '.join(primitive_names())})"
        ) from None


def primitive_names():
    """Return the names of all registered primitives, sorted."""
    return sorted(_REGISTRY)


def _builtin(name, complex_safe=True, sympy=None, symbol=""):
    def decorate(make):
        f, df, *fused = make()
        _REGISTRY[name] = Primitive(name, f, df, complex_safe=complex_safe, sympy=sympy,
                                    f_df=fused[0] if fused else None, symbol=symbol)
        return make

    return decorate


def _positive(s):
    # Decide branches on the real part so the same code serves complex steps.
    return np.real(s) >= 0


def sigmoid(s):
    """Logistic function 1/(1+e^-s), never overflowing."""
    pos = _positive(s)
    z = np.exp(np.where(pos, -s, s))  # exponent is never a large positive number
    return np.where(pos, 1.0, z) / (1.0 + z)


def softplus(s):
    """log(1+e^s), exact for large |s| and never overflowing."""
    pos = _positive(s)
    return np.where(pos, s, 0.0) + np.log1p(np.exp(np.where(pos, -s, s)))


@_builtin("identity", symbol="id", sympy=lambda sp, s: s)
def _identity():
    return (lambda s: 1.0 * s), (lambda s: np.ones_like(s))


@_builtin("sigmoid", symbol="σ", sympy=lambda sp, s: 1 / (1 + sp.exp(-s)))
def _sigmoid():
    def dsigmoid(s):
        y = sigmoid(s)
        return y * (1.0 - y)

    def sigmoid_and_derivative(s):
        # One exponential for both halves: with z = e^-|s| and r = 1/(1+z),
        # σ = r (s ≥ 0) or z·r (s < 0), and σ(1−σ) = z·r² either way.
        z = np.exp(-np.abs(s))
        r = 1.0 / (1.0 + z)
        zr = z * r
        return np.where(s >= 0, r, zr), zr * r

    return sigmoid, dsigmoid, sigmoid_and_derivative


@_builtin("tanh", sympy=lambda sp, s: sp.tanh(s))
def _tanh():
    def tanh_and_derivative(s):
        y = np.tanh(s)
        return y, 1.0 - y * y

    return np.tanh, (lambda s: 1.0 - np.tanh(s) ** 2), tanh_and_derivative


@_builtin("relu", symbol="ReLU", complex_safe=False, sympy=lambda sp, s: sp.Max(s, 0))
def _relu():
    # f'(0) is taken as 0, the subgradient most libraries use.
    return (lambda s: np.where(np.real(s) > 0, s, 0.0 * s)), (
        lambda s: np.where(np.real(s) > 0, 1.0, 0.0)
    )


@_builtin("softplus", symbol="s+", sympy=lambda sp, s: sp.log(1 + sp.exp(s)))
def _softplus():
    return softplus, sigmoid


@_builtin("sin", sympy=lambda sp, s: sp.sin(s))
def _sin():
    return np.sin, np.cos


@_builtin("cos", sympy=lambda sp, s: sp.cos(s))
def _cos():
    return np.cos, (lambda s: -np.sin(s))


@_builtin("exp", sympy=lambda sp, s: sp.exp(s))
def _exp():
    return np.exp, np.exp


@_builtin("square", symbol="x²", sympy=lambda sp, s: s**2)
def _square():
    return (lambda s: s * s), (lambda s: 2.0 * s)


@_builtin("gaussian", symbol="e^−s²", sympy=lambda sp, s: sp.exp(-(s**2)))
def _gaussian():
    return (lambda s: np.exp(-s * s)), (lambda s: -2.0 * s * np.exp(-s * s))


# The activations framework models use (rojas.importers maps ONNX and PyTorch ops onto them).
@_builtin("leaky_relu", complex_safe=False, sympy=lambda sp, s: sp.Max(s, s / 100))
def _leaky_relu():
    # PyTorch's and ONNX's default slope 0.01 below zero; f'(0) is taken as 0.01, as torch does.
    return (lambda s: np.where(np.real(s) > 0, s, 0.01 * s)), (lambda s: np.where(np.real(s) > 0, 1.0, 0.01))


@_builtin("elu", complex_safe=False, sympy=lambda sp, s: sp.Piecewise((s, s > 0), (sp.exp(s) - 1, True)))
def _elu():
    # α = 1 (the default of PyTorch and ONNX); expm1 keeps small negative arguments exact.
    def f(s):
        return np.where(np.real(s) > 0, s, np.expm1(np.minimum(np.real(s), 0.0)))

    return f, (lambda s: np.where(np.real(s) > 0, 1.0, np.exp(np.minimum(np.real(s), 0.0))))


@_builtin("log", sympy=lambda sp, s: sp.log(s))
def _log():
    return np.log, (lambda s: 1.0 / s)


@_builtin("reciprocal", sympy=lambda sp, s: 1 / s)
def _reciprocal():
    return (lambda s: 1.0 / s), (lambda s: -1.0 / (s * s))


BUILTIN_NAMES = frozenset(_REGISTRY)
# Functions a file expression may call besides the primitives; a primitive may not take their names.
EXTRA_FUNCTIONS = {
    "sqrt": Primitive("sqrt", np.sqrt, lambda s: 0.5 / np.sqrt(s), complex_safe=True,
                      sympy=lambda sp, s: sp.sqrt(s)),
    "abs": Primitive("abs", np.abs, np.sign, complex_safe=False, sympy=lambda sp, s: sp.Abs(s)),
}
RESERVED_NAMES = frozenset({"input", "s", *EXTRA_FUNCTIONS})


def primitive_symbol(fn):
    """How figures and pages write the primitive `fn`: its entry's symbol, else its name.

    >>> primitive_symbol("sigmoid"), primitive_symbol("tanh"), primitive_symbol("my_own")
    ('σ', 'tanh', 'my_own')
    """
    prim = _REGISTRY.get(fn) if isinstance(fn, str) else None
    return (prim.symbol or prim.name) if prim is not None else str(fn)


def function_table():
    """Every function an expression may call by name: the registry's primitives and the extras.

    The one table every evaluator reads (NumPy through ``.f``, SymPy through
    ``.sympy``), so the names an expression may use and what they mean are
    the same for the sweeps and the symbolic proof.

    >>> sorted(set(function_table()) - set(primitive_names()))
    ['abs', 'sqrt']
    """
    return {**_REGISTRY, **EXTRA_FUNCTIONS}
