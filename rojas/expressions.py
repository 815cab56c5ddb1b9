"""Primitives defined in a network file as expressions in ``s``.

A file may carry ``"primitives": {"mysig": {"f": "1/(1+exp(-s))",
"df": "mysig(s)*(1-mysig(s))"}}``.  The text is parsed with :mod:`ast` and
checked against a strict whitelist (numbers, ``s``, ``+ - * / **``, unary
minus, calls of registry primitives, the file's own primitives and
``log``/``sqrt``/``abs``); the tree is then turned into nested NumPy closures.
Nothing from a file ever reaches ``eval``, ``exec`` or ``sympify``.
"""

import ast
import numbers

import networkx as nx
import numpy as np

from .errors import NetworkError
from .primitives import EXTRA_FUNCTIONS, RESERVED_NAMES, Primitive, _REGISTRY

__all__ = ["parse_expression", "file_primitives"]

_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
           ast.Div: np.divide, ast.Pow: np.power}
_UNARY = {ast.USub: np.negative, ast.UAdd: np.positive}
MAX_LENGTH = 10_000  # characters in one expression
MAX_DEPTH = 200  # levels of its syntax tree


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
        If the text is not a string, does not parse, or uses anything off the
        whitelist (the message gives the column).
    """
    if not isinstance(text, str):
        raise NetworkError(f"{where} must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise NetworkError(f"{where} is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.lstrip(), mode="eval").body
    except (RecursionError, MemoryError):
        raise NetworkError(f"{where} is nested too deeply") from None
    except SyntaxError as exc:
        column = (exc.offset or 1) + len(text) - len(text.lstrip())
        raise NetworkError(f"{where} does not parse: {text!r} ({exc.msg}, column {column})") from None
    # Evaluation nests one Python call per level of the tree: keep it shallow.
    depth, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    if depth > MAX_DEPTH:
        raise NetworkError(f"{where} is nested too deeply ({depth} levels, at most {MAX_DEPTH})")
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords or len(node.args) != 1:
                _refuse(node, where, text, "a call must be name(one argument)")
            calls.add(node.func.id)
        elif isinstance(node, ast.Name):
            if node.id != "s" and not _is_callee(node, tree):
                _refuse(node, where, text, f"unknown name {node.id!r} (only s and function calls)")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, numbers.Real):
                _refuse(node, where, text, f"{node.value!r} is not a number")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                _refuse(node, where, text, "operator not allowed (only + - * / **)")
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                _refuse(node, where, text, "operator not allowed (only unary + and -)")
        elif not isinstance(node, (ast.Load, ast.operator, ast.unaryop)):
            _refuse(node, where, text, f"{type(node).__name__} is not allowed")
    return tree, calls


def _is_callee(name_node, tree):
    return any(isinstance(n, ast.Call) and n.func is name_node for n in ast.walk(tree))


def _refuse(node, where, text, why):
    col = getattr(node, "col_offset", 0) + 1 + len(text) - len(text.lstrip())  # parsed without leading blanks
    raise NetworkError(f"{where}: {why} at column {col} of {text!r}")


def _compile(tree, functions):
    """Turn a checked tree into a NumPy closure of ``s`` (explicit stack, no recursion)."""
    compiled = {}
    stack = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in ast.iter_child_nodes(node)
                         if isinstance(child, ast.expr) and not _is_func_name(node, child))
            continue
        if isinstance(node, ast.Constant):
            value = float(node.value)
            compiled[node] = lambda s, v=value: v
        elif isinstance(node, ast.Name):
            compiled[node] = lambda s: s
        elif isinstance(node, ast.BinOp):
            op, a, b = _BINARY[type(node.op)], compiled[node.left], compiled[node.right]
            compiled[node] = lambda s, op=op, a=a, b=b: op(a(s), b(s))
        elif isinstance(node, ast.UnaryOp):
            op, a = _UNARY[type(node.op)], compiled[node.operand]
            compiled[node] = lambda s, op=op, a=a: op(a(s))
        elif isinstance(node, ast.Call):
            fn, a = functions[node.func.id], compiled[node.args[0]]
            compiled[node] = lambda s, fn=fn, a=a: fn(a(s))
    return compiled[tree]


def _is_func_name(parent, child):
    return isinstance(parent, ast.Call) and child is parent.func


def file_primitives(spec):
    """Build the primitives a network file defines.

    Parameters
    ----------
    spec : dict
        The graph attribute ``primitives``: ``{name: {"f": text, "df": text}}``.

    Returns
    -------
    dict of str to Primitive
        Each with ``source = (f_text, df_text)``; ``complex_safe`` when every
        function it calls is.

    Raises
    ------
    NetworkError
        On a malformed entry, a name that shadows a registry primitive, a call
        of an unknown function, or primitives whose ``f`` call each other in a
        cycle.
    """
    if not isinstance(spec, dict):
        raise NetworkError("graph field 'primitives' must be an object {name: {f, df}}")
    parsed, deps = {}, nx.DiGraph()
    for name, entry in spec.items():
        where = f"primitive {name!r}"
        if not isinstance(name, str) or not name.isidentifier():
            raise NetworkError(f"{where}: name is not an identifier")
        if name in _REGISTRY or name in RESERVED_NAMES:
            raise NetworkError(f"{where} in the file shadows a built-in name; choose another name")
        if not isinstance(entry, dict) or set(entry) != {"f", "df"}:
            raise NetworkError(f"{where} must be an object with exactly the fields 'f' and 'df'")
        f_tree, f_calls = parse_expression(entry["f"], f"{where}, field 'f'")
        df_tree, df_calls = parse_expression(entry["df"], f"{where}, field 'df'")
        for field, calls in (("f", f_calls), ("df", df_calls)):
            unknown = sorted(c for c in calls
                             if c not in _REGISTRY and c not in EXTRA_FUNCTIONS and c not in spec)
            if unknown:
                raise NetworkError(
                    f"{where}, field '{field}': unknown function {unknown[0]!r} "
                    f"(allowed: {', '.join(sorted({*_REGISTRY, *EXTRA_FUNCTIONS, *spec}))})")
        parsed[name] = (f_tree, df_tree, f_calls | df_calls)
        deps.add_node(name)
        deps.add_edges_from((name, c) for c in f_calls if c in spec)
    try:
        cycle = nx.find_cycle(deps)
        names = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise NetworkError(f"file primitives call each other in a cycle through 'f': {names}")
    except nx.NetworkXNoCycle:
        pass

    functions = {name: p.f for name, p in _REGISTRY.items()}
    functions.update({name: fn for name, (fn, _) in EXTRA_FUNCTIONS.items()})
    # Callees first, so every f a primitive calls is compiled before it.
    for name in reversed(list(nx.topological_sort(deps))):
        functions[name] = _compile(parsed[name][0], functions)
    safe = {name: p.complex_safe for name, p in _REGISTRY.items()}
    safe.update({name: ok for name, (_, ok) in EXTRA_FUNCTIONS.items()})
    safe.update(dict.fromkeys(spec, True))
    changed = True
    while changed:  # a primitive is complex-safe when everything it calls is
        changed = False
        for name, (_, _, calls) in parsed.items():
            if safe[name] and not all(safe[c] for c in calls):
                safe[name], changed = False, True
    prims = {}
    for name, (_, df_tree, _) in parsed.items():
        prims[name] = Primitive(name, functions[name], _compile(df_tree, functions),
                                complex_safe=safe[name],
                                source=(spec[name]["f"], spec[name]["df"]))
    return {name: prims[name] for name in spec}
