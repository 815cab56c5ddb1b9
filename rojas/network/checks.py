"""The rules a network's fields obey, one item at a time.

Each check raises :class:`~rojas.errors.NetworkError` naming the node, edge or
field at fault.  The rules of a node or edge row are tables in
:mod:`rojas.network.rules` (shared by the file loader and the builder); the
checks here are the item rules those tables and the graph fields call.
"""

import math
import numbers
import warnings

from ..errors import NetworkError, RojasWarning

__all__ = ["GRAPH_FIELDS", "NODE_FIELDS", "EDGE_FIELDS", "PASSTHROUGH", "PASSTHROUGH_PREFIX",
           "RESERVED_NAMES", "MAX_NESTING", "finite_number", "edge_label", "check_id", "check_text",
           "check_param_name", "check_extra", "unknown_fields",
           "warn_unknown_fields", "check_objective", "EDGE_ARROW", "REFERENCE_PREFIXES", "edge_reference",
           "check_reference"]

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

# The reference syntax of the command line and the API (rojas.proof.paths.resolve_source, Labeling.grad,
# Network.find_edge): "u->v" names an edge, "b:NODE", "s:NODE", "o:NODE" a unit's bias, net input, value.
EDGE_ARROW = "->"
REFERENCE_PREFIXES = {"b:": "the bias", "s:": "the net input", "o:": "the value"}

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


def edge_reference(text):
    """``(u, v)`` as text when `text` has the form ``"u->v"`` (split at the first arrow, blanks stripped), else None.

    The one reading of an edge reference: the lookups and :func:`check_reference` both use it.

    >>> edge_reference("h -> y"), edge_reference("w1")
    (('h', 'y'), None)
    """
    if not isinstance(text, str) or EDGE_ARROW not in text:
        return None
    u, v = text.split(EDGE_ARROW, 1)
    return u.strip(), v.strip()


def check_reference(text, what, text_ids):
    """Refuse an id or name that the reference syntax could read as something else.

    A node id may not contain ``->`` (it could not be named inside ``"u->v"``);
    an edge or param name may not read as an edge between two of the network's
    nodes; no id or name may read as ``b:NODE``, ``s:NODE`` or ``o:NODE`` of an
    existing node.  `text_ids` holds the network's ids as text.

    >>> check_reference("b:h", "param", {"h", "y"})
    Traceback (most recent call last):
    ...
    rojas.errors.NetworkError: param 'b:h' reads as the bias of node 'h' in the reference syntax ('u->v', 'b:NODE', 's:NODE', 'o:NODE'); rename it
    """
    if not isinstance(text, str):
        return
    reading = None
    ends = edge_reference(text)
    if ends is not None and (what == "node id" or (ends[0] in text_ids and ends[1] in text_ids)):
        reading = ("an edge 'u->v' (it contains '->')" if what == "node id" else f"the edge {ends[0]!r}->{ends[1]!r}")
    elif text[:2] in REFERENCE_PREFIXES and text[2:] in text_ids:
        reading = f"{REFERENCE_PREFIXES[text[:2]]} of node {text[2:]!r}"
    if reading:
        raise NetworkError(f"{what} {text!r} reads as {reading} in the reference syntax "
                           "('u->v', 'b:NODE', 's:NODE', 'o:NODE'); rename it")


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
