"""The rules a network's fields obey, one item at a time.

Each check raises :class:`~rojas.errors.NetworkError` naming the node, edge or
field at fault.  The file loader (:mod:`rojas.network.nodelink`) first tests
whole columns with NumPy and calls these only to find and name the culprit, so
a file and the builder methods give the same message for the same mistake.
"""

import math
import numbers
import warnings

from ..errors import NetworkError, RojasWarning
from .combine import combine_names
from .primitives import get_primitive

__all__ = ["GRAPH_FIELDS", "NODE_FIELDS", "EDGE_FIELDS", "PASSTHROUGH", "PASSTHROUGH_PREFIX",
           "RESERVED_NAMES", "MAX_NESTING", "finite_number", "edge_label", "check_id", "check_text",
           "check_node", "check_edge", "check_param_name", "check_extra", "unknown_fields",
           "warn_unknown_fields", "check_objective"]

# The fields rojas reads or writes.  Any other field is kept and saved, and a
# load warns about it once, unless it is a documented passthrough.
GRAPH_FIELDS = ("name", "params", "primitives", "outputs", "unfolded", "objective")
NODE_FIELDS = ("id", "fn", "bias", "bias_param", "combine", "unit", "step", "role")
EDGE_FIELDS = ("source", "target", "weight", "param", "name", "delay")
PASSTHROUGH = ("label", "pos")
PASSTHROUGH_PREFIX = "x-"

# The claim grammar (rojas.proof.claims) reads these as the objective, so a node, an
# edge or a param of that name could never be addressed in a claim.
RESERVED_NAMES = ("E", "L", "C")

# How deeply an extra field may nest lists and objects (saving and copying
# recurse over them).
MAX_NESTING = 64


def finite_number(value, what, error=NetworkError):
    """Return `value` as a finite float or raise `error` naming `what`.

    `what` is a string or a callable making one (built only on failure).

    Examples
    --------
    >>> finite_number(3, "weight")
    3.0
    >>> finite_number(10**400, "weight")
    Traceback (most recent call last):
    rojas.errors.NetworkError: weight must be finite, got an integer of 401 digits
    """
    if isinstance(value, float) and value - value == 0.0:  # finite: the common case, checked cheaply
        return value
    if callable(what):
        what = what()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise error(f"{what} must be a number, got {_short(value)}")
    try:
        value = float(value)
    except OverflowError:  # an integer beyond float range
        try:
            digits = f"{len(str(abs(value)))} digits"
        except ValueError:  # beyond Python's limit on converting integers to text
            digits = f"about {int(value.bit_length() * math.log10(2))} digits"
        raise error(f"{what} must be finite, got an integer of {digits}") from None
    if not math.isfinite(value):
        raise error(f"{what} must be finite, got {value!r}")
    return value


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def edge_label(u, v, name=None):
    """``edge 'u'->'v' (name)``: how messages name an edge (an odd name in its escaped form)."""
    if not isinstance(name, str):
        return f"edge {u!r}->{v!r}"
    return f"edge {u!r}->{v!r} ({name if _is_text(name) else ascii(name)})"


def _is_text(name):
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return name.isprintable()


def check_text(text, what):
    """Refuse a string that is not Unicode text (a lone surrogate such as ``"\\ud800"``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NetworkError(f"{what} {text!r} contains a lone surrogate, which is not Unicode text") from None


def check_id(node, what="node id"):
    """A node id is a string or an integer (not a bool), Unicode text, not a reserved name."""
    if isinstance(node, bool) or not isinstance(node, (str, int)):
        raise NetworkError(f"{what} {_short(node)} must be a string or an integer")
    if isinstance(node, str):
        check_text(node, what)
        if node in RESERVED_NAMES:
            raise NetworkError(f"{what} {node!r} is reserved: claims read {', '.join(RESERVED_NAMES)} "
                               "as the objective; rename it")


def check_param_name(name, what="param"):
    """A param name is a non-reserved string."""
    if not isinstance(name, str):
        raise NetworkError(f"{what} name {_short(name)} must be a string")
    check_text(name, f"{what} name")
    if name in RESERVED_NAMES:
        raise NetworkError(f"{what} name {name!r} is reserved: claims read {', '.join(RESERVED_NAMES)} "
                           "as the objective; rename it")


def check_objective(name, what="graph field 'objective'"):
    """The graph field ``objective``: the name of a registered objective that takes targets.

    Examples
    --------
    >>> check_objective("softmax_cross_entropy")
    >>> check_objective("hinge")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    rojas.errors.NetworkError: graph field 'objective': unknown objective 'hinge' (known: squared_error, ...
    """
    from .objectives import get_objective

    if not isinstance(name, str):
        raise NetworkError(f"{what} must be the name of an objective, got {_short(name)}")
    try:
        entry = get_objective(name)
    except NetworkError as exc:
        raise NetworkError(f"{what}: {exc}") from None
    if not entry.targets:
        raise NetworkError(f"{what}: {name!r} takes no targets; a network file names the objective "
                           "its targets are compared by")


def check_node(node, data, params, primitives):
    """Check one node's fields (its id is checked by :func:`check_id`).

    Parameters
    ----------
    node : str or int
    data : dict
        The node's fields, ``id`` excluded.
    params : container of str
        The graph's param names.
    primitives : container of str
        The primitives the network itself defines (the registry is asked too).
    """
    if "fn" not in data:
        raise NetworkError(f"node {node!r} has no field 'fn'")
    fn = data["fn"]
    if fn == "input":
        extra = [k for k in ("bias", "bias_param", "combine") if k in data]
        if extra:
            raise NetworkError(f"input node {node!r} cannot have a {extra[0]!r}")
        return
    if not isinstance(fn, str):
        raise NetworkError(f"node {node!r}: field 'fn' must be a string, got {_short(fn)}")
    if fn not in primitives:
        try:
            get_primitive(fn)
        except NetworkError as exc:
            raise NetworkError(f"node {node!r}: {exc}") from None
    combine = data.get("combine", "sum")
    if combine not in combine_names():  # the registry of rojas.network.combine
        known = ", ".join(map(repr, combine_names()))
        raise NetworkError(f"node {node!r}: unknown combine {_short(combine)} (known: {known})")
    if "bias_param" in data:
        if "bias" in data:
            raise NetworkError(f"node {node!r} has both 'bias' and 'bias_param'; give one")
        param = data["bias_param"]
        if not isinstance(param, str) or param not in params:
            raise NetworkError(f"node {node!r}: unknown bias_param {_short(param)} (not in graph 'params')")
    elif "bias" in data:
        finite_number(data["bias"], f"node {node!r}: bias")


def check_edge(u, v, data, params, into_input):
    """Check one edge's fields (its ends are known nodes).

    Parameters
    ----------
    u, v : node ids
    data : dict
        The edge's fields, ``source`` and ``target`` excluded.
    params : container of str
    into_input : bool
        Whether `v` is an input node.
    """
    name = data.get("name")
    label = edge_label(u, v, name)
    if data.get("delay", 0) != 0:
        raise NetworkError(f"{label} has a delay, so this is a recurrent network: unfold it "
                           "over time first (rojas unfold NET.json --steps T)")
    if u == v:
        raise NetworkError(f"{label} is a self-loop")
    if into_input:
        raise NetworkError(f"input node {v!r} has an incoming {label}")
    if name is not None:
        if not isinstance(name, str):
            raise NetworkError(f"{label}: field 'name' must be a string, got {_short(name)}")
        check_text(name, f"{label}: edge name")
        if name in RESERVED_NAMES:
            raise NetworkError(f"{label}: edge name {name!r} is reserved: claims read "
                               f"{', '.join(RESERVED_NAMES)} as the objective; rename it")
    if "param" in data:
        param = data["param"]
        if "weight" in data:
            raise NetworkError(f"{label} has both 'weight' and 'param'; give one")
        if not isinstance(param, str):
            raise NetworkError(f"{label}: field 'param' must be the name of a graph param, got {_short(param)}")
        if param not in params:
            raise NetworkError(f"{label}: unknown param {param!r} (not in graph 'params')")
    elif "weight" in data:
        finite_number(data["weight"], f"{label}: weight")
    else:
        raise NetworkError(f"{label} has neither 'weight' nor 'param'")


def check_extra(value, what):
    """Refuse a non-finite number, a lone surrogate or nesting deeper than MAX_NESTING in `value`.

    Walks lists and objects with an explicit stack (no recursion).

    Examples
    --------
    >>> check_extra({"pos": [1, 2.5], "note": "ok"}, "node 'h': field 'x-meta'")
    >>> check_extra([1, [float("nan")]], "node 'h': field 'x-meta'")
    Traceback (most recent call last):
    rojas.errors.NetworkError: node 'h': field 'x-meta' holds nan; saved files hold finite numbers only
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                raise NetworkError(f"{what} holds {item!r}; saved files hold finite numbers only")
        elif isinstance(item, str):
            check_text(item, f"{what} holds text")
        elif isinstance(item, (list, tuple, dict)):
            if depth >= MAX_NESTING:
                raise NetworkError(f"{what} nests lists or objects more than {MAX_NESTING} deep")
            if isinstance(item, dict):
                for key in item:
                    if isinstance(key, str):
                        check_text(key, f"{what} holds a key")
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)


def unknown_fields(kind, fields):
    """The names among `fields` that rojas neither knows nor passes through, sorted."""
    known = {"graph": GRAPH_FIELDS, "node": NODE_FIELDS, "edge": EDGE_FIELDS}[kind]
    return sorted(str(f) for f in fields if f not in known and f not in PASSTHROUGH
                  and not (isinstance(f, str) and f.startswith(PASSTHROUGH_PREFIX)))


def warn_unknown_fields(source, kind, fields):
    """Warn once (:class:`~rojas.errors.RojasWarning`, one line) about unknown `kind` fields."""
    unknown = unknown_fields(kind, fields)
    if unknown:
        listed = ", ".join(map(repr, unknown))
        warnings.warn(f"{source}: unknown {kind} field{'s' if len(unknown) > 1 else ''} {listed} "
                      f"kept but not used by rojas (prefix with {PASSTHROUGH_PREFIX!r} to mark it as yours)",
                      RojasWarning, stacklevel=4)
