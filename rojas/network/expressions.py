"""Primitives defined in a network file as expressions in ``s``, and the one interpreter for them.

A file may carry ``"primitives": {"mysig": {"f": "1/(1+exp(-s))",
"df": "mysig(s)*(1-mysig(s))"}}``.  The text is parsed with :mod:`ast` and
checked against a strict whitelist (numbers, ``s``, ``+ - * / **``, unary
minus, calls of registry primitives, the file's own primitives and
``log``/``sqrt``/``abs``).  Nothing from a file ever reaches ``eval``, ``exec``
or ``sympify``.

Each expression is compiled once into a flat list of operations in which
equal subexpressions are one operation (``p(s) + p(s)`` calls ``p`` once), so
a file whose primitives double each other's work evaluates in linear time.
A call of another file primitive runs that primitive's own list on an
explicit stack of frames: no Python recursion at any depth.  Before anything
runs, the loader checks each expression's length, depth and literals, the
size each primitive expands to (each call counting its callee's size) and how
deeply the primitives call each other (see :mod:`rojas.utils.limits`).

One interpreter serves every kind of number through a
:class:`~rojas.network.backends.Backend` (:mod:`rojas.network.backends`):
:data:`NUMPY` for real and complex arrays (the sweeps and the complex-step
check), :func:`sympy_backend` for the symbolic proof.  Both read the one
function table :func:`rojas.network.primitives.function_table`.
"""

import ast
import math
import numbers
import re
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..errors import NetworkError
from ..utils.limits import limit, too_large
from .backends import NUMPY, Backend, sympy_backend  # noqa: F401 (the interpreter's backends, re-exported)
from .primitives import RESERVED_NAMES, Primitive, function_table

__all__ = ["parse_expression", "file_primitives", "FilePrograms", "Backend", "NUMPY", "sympy_backend"]

MAX_INT_DIGITS = 308  # an integer literal must fit a float64 (about 1.8e308)
_BINARY_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY_OPS = {ast.USub: "neg", ast.UAdd: "pos"}
_S, _CONST, _BIN, _UN, _CALL, _FCALL = range(6)  # operation codes


def _show(text, width=60):
    """`text` quoted, shortened in the middle if long, so an error stays one readable line."""
    return repr(text) if len(text) <= width else repr(text[:width // 2]) + " … " + repr(text[-width // 4:])


def parse_expression(text, where):
    """Parse `text` into a whitelisted AST.

    Parameters
    ----------
    text : str
        An expression in ``s``.
    where : str
        What to call the expression in error messages.

    Returns
    -------
    tree : ast.expr
    calls : set of str
        The function names the expression calls.

    Raises
    ------
    NetworkError
        If the text is not a string, is too long or too deep, does not parse,
        holds a number that is not a finite float64, or uses anything off the
        whitelist (the message gives the column).
    """
    if not isinstance(text, str):
        raise NetworkError(f"{where} must be a string, got {type(text).__name__}")
    if len(text) > limit("expression_length"):
        raise NetworkError(too_large(where, f"has {len(text)} characters", "expression_length"))
    signs = max((sum(c in "+-" for c in r) for r in re.findall(r"[-+][-+\s()]*", text)), default=0)  # all unary
    if signs > limit("expression_depth"):
        raise NetworkError(too_large(where, f"is nested at least {signs} levels deep", "expression_depth"))
    try:
        tree = ast.parse(text.lstrip(), mode="eval").body
    except (RecursionError, MemoryError):
        raise NetworkError(too_large(where, "is nested too deeply to parse", "expression_depth")) from None
    except SyntaxError as exc:
        column = (exc.offset or 1) + len(text) - len(text.lstrip())
        msg = exc.msg.split(";")[0].split(" - ")[0]  # Python's long hints make the line unreadable
        raise NetworkError(f"{where} does not parse: {_show(text)} ({msg}, column {column})") from None
    except ValueError as exc:  # e.g. a NUL character
        raise NetworkError(f"{where} does not parse: {_show(text)} ({exc})") from None
    depth, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    if depth > limit("expression_depth"):
        raise NetworkError(too_large(where, f"is nested {depth} levels deep", "expression_depth"))
    callees = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords or len(node.args) != 1:
                _refuse(node, where, text, "a call must be name(one argument)")
            calls.add(node.func.id)
        elif isinstance(node, ast.Name):
            if node.id != "s" and id(node) not in callees:
                _refuse(node, where, text, f"unknown name {node.id!r} (only s and function calls)")
        elif isinstance(node, ast.Constant):
            _check_number(node, where, text)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY_OPS:
                _refuse(node, where, text, "operator not allowed (only + - * / **)")
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY_OPS:
                _refuse(node, where, text, "operator not allowed (only unary + and -)")
        elif not isinstance(node, (ast.Load, ast.operator, ast.unaryop)):
            _refuse(node, where, text, f"{type(node).__name__} is not allowed")
    return tree, calls


def _check_number(node, where, text):
    value = node.value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        _refuse(node, where, text, f"{_show(repr(value), 30)} is not a number")
    if isinstance(value, int) and value != 0 and math.log10(abs(value)) >= MAX_INT_DIGITS:
        digits = math.floor(math.log10(abs(value))) + 1  # not len(str()): Python refuses str() over 4,300 digits
        _refuse(node, where, text, f"an integer of {digits} digits does not fit a float64 "
                                   f"(at most {MAX_INT_DIGITS} digits)")
    if isinstance(value, float) and not math.isfinite(value):
        _refuse(node, where, text, "a number beyond the float64 range (about 1.8e308)")


def _refuse(node, where, text, why):
    col = getattr(node, "col_offset", 0) + 1 + len(text) - len(text.lstrip())  # parsed without leading blanks
    raise NetworkError(f"{where}: {why} at column {col} of {_show(text)}")


@dataclass(frozen=True)
class _Body:
    """One expression as operations ``(code, payload, a, b)``; operation 0 is ``s``, each after its operands."""

    ops: tuple
    root: int


def _flatten(tree, own):
    """Flatten a checked tree into a :class:`_Body`, one operation per distinct subexpression."""
    index, ops, done = {(_S,): 0}, [(_S, None, None, None)], {}
    stack = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in ast.iter_child_nodes(node)
                         if isinstance(c, ast.expr) and not (isinstance(node, ast.Call) and c is node.func))
            continue
        if isinstance(node, ast.Constant):
            op = (_CONST, node.value, None, None)
            key = (_CONST, type(node.value), node.value)
        elif isinstance(node, ast.Name):
            done[id(node)] = 0
            continue
        elif isinstance(node, ast.BinOp):
            op = (_BIN, _BINARY_OPS[type(node.op)], done[id(node.left)], done[id(node.right)])
            key = op
        elif isinstance(node, ast.UnaryOp):
            op = (_UN, _UNARY_OPS[type(node.op)], done[id(node.operand)], None)
            key = op
        else:  # ast.Call, checked to be name(one argument)
            name = node.func.id
            op = (_FCALL if name in own else _CALL, name, done[id(node.args[0])], None)
            key = op
        if key not in index:
            index[key] = len(ops)
            ops.append(op)
        done[id(node)] = index[key]
    return _Body(tuple(ops), done[id(tree)])


class FilePrograms:
    """The compiled expressions of one file's primitives; evaluates any of them with any backend."""

    def __init__(self, bodies):
        self._bodies = bodies  # {(name, "f" or "df"): _Body}

    def evaluate(self, name, field, arg, backend=NUMPY):
        """Evaluate primitive `name`'s expression `field` (``"f"`` or ``"df"``) at `arg`.

        Calls of other file primitives run on an explicit stack, each distinct
        call once per evaluation of the expression that makes it.
        """
        functions = {}
        frames = [[self._bodies[(name, field)], [arg], 1]]
        while True:
            frame = frames[-1]
            body, values, pc = frame
            ops = body.ops
            while pc < len(ops):
                code, payload, a, b = ops[pc]
                if code == _BIN:
                    values.append(backend.binary[payload](values[a], values[b]))
                elif code == _CONST:
                    values.append(backend.constant(payload))
                elif code == _CALL:
                    fn = functions.get(payload)
                    if fn is None:
                        fn = functions[payload] = backend.function(payload)
                    values.append(fn(values[a]))
                elif code == _UN:
                    values.append(backend.unary[payload](values[a]))
                else:  # a file primitive: run its f in a new frame, resume here with its value
                    frame[2] = pc
                    frames.append([self._bodies[(payload, "f")], [values[a]], 1])
                    break
                pc += 1
            else:
                result = values[body.root]
                frames.pop()
                if not frames:
                    return result
                frames[-1][1].append(result)
                frames[-1][2] += 1


def _parse_entries(spec, table):
    """Check every entry of `spec`; returns ``{name: (f_tree, df_tree, f_calls, df_calls)}``."""
    parsed = {}
    for name, entry in spec.items():
        where = f"primitive {name!r}"
        if not isinstance(name, str) or not name.isidentifier():
            raise NetworkError(f"{where}: name is not an identifier")
        if name in table or name in RESERVED_NAMES:
            raise NetworkError(f"{where} in the file shadows a built-in name; choose another name")
        if not isinstance(entry, dict) or set(entry) != {"f", "df"}:
            raise NetworkError(f"{where} must be an object with exactly the fields 'f' and 'df'")
        f_tree, f_calls = parse_expression(entry["f"], f"{where}, field 'f'")
        df_tree, df_calls = parse_expression(entry["df"], f"{where}, field 'df'")
        for field, calls in (("f", f_calls), ("df", df_calls)):
            unknown = sorted(c for c in calls if c not in table and c not in spec)
            if unknown:
                known = sorted({*table, *spec})
                shown = ", ".join(known[:40]) + (", …" if len(known) > 40 else "")
                raise NetworkError(f"{where}, field '{field}': unknown function {unknown[0]!r} "
                                   f"(allowed: {shown})")
        parsed[name] = (f_tree, df_tree, f_calls, df_calls)
    return parsed


def _callees_first(parsed):
    """The primitives in an order where every primitive comes after those its ``f`` calls."""
    deps = nx.DiGraph()
    deps.add_nodes_from(parsed)
    deps.add_edges_from((name, c) for name, (_, _, f_calls, _) in parsed.items()
                        for c in f_calls if c in parsed)
    try:
        return list(reversed(list(nx.topological_sort(deps))))  # linear; fails on a cycle
    except nx.NetworkXUnfeasible:
        pass
    # Name one cycle: search only inside a strongly connected component that has one
    # (nx.find_cycle over the whole graph restarts its search per node: quadratic).
    for comp in nx.strongly_connected_components(deps):
        start = next(iter(comp))
        if len(comp) > 1 or deps.has_edge(start, start):
            cycle = nx.find_cycle(deps.subgraph(comp), source=start)
            ring = [u for u, _ in cycle] + [cycle[0][0]]
            names = " -> ".join(ring if len(ring) <= 12 else [*ring[:10], "…", ring[-1]])
            if len(ring) > 12:
                names += f" ({len(ring) - 1} primitives)"
            raise NetworkError(f"file primitives call each other in a cycle through 'f': {names}")
    raise AssertionError("topological_sort failed on a graph without a cycle")


def file_primitives(spec):
    """Build the primitives a network file defines.

    Parameters
    ----------
    spec : dict
        The graph attribute ``primitives``: ``{name: {"f": text, "df": text}}``.

    Returns
    -------
    dict of str to Primitive
        Each with ``source = (f_text, df_text)``, ``program`` (the compiled
        :class:`FilePrograms`, shared by the file's primitives) and
        ``complex_safe`` when every function it calls is.

    Raises
    ------
    NetworkError
        On a malformed entry, a name that shadows a registry primitive, a call
        of an unknown function, primitives whose ``f`` call each other in a
        cycle, or an expression beyond the limits of :mod:`rojas.utils.limits` (the
        message names the primitive, its size and the limit).
    """
    if not isinstance(spec, dict):
        raise NetworkError("graph field 'primitives' must be an object {name: {f, df}}")
    table = function_table()
    parsed = _parse_entries(spec, table)
    order = _callees_first(parsed)
    bodies, size, depth, safe_f, safe = {}, {}, {}, {}, {}
    max_size, max_depth = limit("expression_size"), limit("call_depth")
    # Every f first, callees before callers; then every df, which may call any f (its own too).
    for field, names in (("f", order), ("df", order)):
        for name in names:
            f_tree, df_tree, f_calls, df_calls = parsed[name]
            body = _flatten(f_tree if field == "f" else df_tree, parsed)
            called = [payload for code, payload, _, _ in body.ops if code == _FCALL]
            total = len(body.ops) + sum(size[c] for c in called)
            if total > max_size:
                raise NetworkError(too_large(f"primitive {name!r}, field {field!r},",
                                             f"expands to {total} operations", "expression_size"))
            calls_depth = 1 + max((depth[c] for c in called), default=0)
            if calls_depth > max_depth:
                raise NetworkError(too_large(f"primitive {name!r}, field {field!r},",
                                             f"calls file primitives {calls_depth} deep", "call_depth"))
            bodies[(name, field)] = body
            calls = f_calls if field == "f" else df_calls
            ok = all(safe_f[c] if c in parsed else table[c].complex_safe for c in calls)
            if field == "f":
                size[name], depth[name], safe_f[name] = total, calls_depth, ok
            else:
                safe[name] = safe_f[name] and ok
    programs = FilePrograms(bodies)

    def make(name):
        return Primitive(name, lambda s: programs.evaluate(name, "f", s),
                         lambda s: programs.evaluate(name, "df", s), complex_safe=safe[name],
                         source=(spec[name]["f"], spec[name]["df"]), program=programs)

    return {name: make(name) for name in spec}

