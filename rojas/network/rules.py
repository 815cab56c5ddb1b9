"""The rules a network's node and edge rows obey, written once.

Each rule is a :class:`~rojas.network.rows.Rule`: a name, a mask (which rows
of a table break it; None when none do) and a message built from one
offending row.  A mask is written once against the table's methods: the file
loader (:mod:`rojas.network.columns`) evaluates it on a
:class:`~rojas.network.rows.Rows` table (NumPy over whole columns);
:func:`check_node` and :func:`check_edge` (the builder methods) evaluate the
same rules on a :class:`~rojas.network.rows.OneRow` (plain Python values).
Either way the fault named is the first row breaking a rule (file order) and
the first rule it breaks, so a file and the builder give the same message.

:func:`~rojas.network.rows.first_fault` evaluates the rules in order, each
over the rows before the earliest fault found so far; a rule's mask therefore
only meets rows that obey every earlier rule (a dict with an id, a text
``fn``, ...), and may return anything for a row its rule does not concern.
"""

import numpy as np

from ..errors import NetworkError
from .rows import OneRow, Rule, first_fault, is_number_type
from .checks import RESERVED_NAMES, _short, check_id, check_text, edge_label, finite_number
from .combine import combine_names
from .primitives import get_primitive

__all__ = ["NODE_RULES", "EDGE_RULES", "check_node", "check_edge"]

_SPECIAL = ("bias", "bias_param", "combine")  # the fields an input node may not have, in the order named


def _raised(check, *args):
    """The message `check(*args)` raises."""
    try:
        check(*args)
    except NetworkError as exc:
        return str(exc)
    raise AssertionError(f"{check.__name__}{args!r} did not raise")  # a mask marked a row its rule accepts


def _finite(value):
    try:
        finite_number(value, "")
    except NetworkError:
        return False
    return True


def _is_id(x):
    return not isinstance(x, bool) and isinstance(x, (str, int))


# ---- nodes ---------------------------------------------------------------------------------------------------

def _no_id(t):
    try:
        t.column("id")
    except (KeyError, TypeError, IndexError):
        return t.flags(t.rows, lambda d: not (isinstance(d, dict) and "id" in d))
    return None


def _id_type(t):
    ids = t.column("id")
    return None if set(map(type, ids)) <= {str, int} else t.flags(ids, lambda i: not _is_id(i))


def _id_text(t):
    ids = t.column("id")
    try:
        "".join(i for i in ids if isinstance(i, str)).encode("utf-8")
        if not any(r in t.index_of_ids for r in RESERVED_NAMES):
            return None
    except UnicodeEncodeError:
        pass
    return t.flags(ids, lambda i: isinstance(i, str) and (not _encodes(i) or i in RESERVED_NAMES))


def _encodes(s):
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _duplicate(t):
    if len(t.index_of_ids) == t.n:
        return None
    seen = set()
    return t.flags(t.column("id"), lambda i: i in seen or seen.add(i))


def _no_fn(t):
    try:
        t.column("fn")
    except KeyError:
        return t.flags(t.rows, lambda d: "fn" not in d)
    return None


def _input_extra(t):
    if not t.any(t.is_input_node):
        return None
    present = [k for k in _SPECIAL if k in t.keys]
    if not present:
        return None
    mask = t.has(present[0])
    for k in present[1:]:
        mask = mask | t.has(k)
    return t.is_input_node & mask


def _fn_type(t):
    if set(map(type, t.column("fn"))) == {str}:  # the common case, cheaply (a str subclass takes the long way)
        return None
    return t.flags(t.column("fn"), lambda f: f != "input" and not isinstance(f, str))


def _known_fn(fn, prims):
    if fn == "input" or fn in prims:
        return True
    try:
        get_primitive(fn)
    except NetworkError:
        return False
    return True


def _fn_unknown(t):
    bad = [f for f in set(t.column("fn")) if not _known_fn(f, t.prims)]
    return t.flags(t.column("fn"), set(bad).__contains__) if bad else None


def _combine_unknown(t):
    if "combine" not in t.keys:
        return None
    names = combine_names()
    values = t.values("combine")
    try:
        if set(values) <= set(names):
            return None
    except TypeError:  # an unhashable combine
        pass
    return t.spread("combine", [v not in names for v in values])


def _bias_both(t):
    return t.has("bias") & t.has("bias_param") if "bias_param" in t.keys else None


def _bias_param_unknown(t):
    if "bias_param" not in t.keys:
        return None
    return t.spread("bias_param", [not (isinstance(p, str) and p in t.params) for p in t.values("bias_param")])


def _bias_finite(t):
    if "bias" not in t.keys:
        return None
    return t.spread("bias", _not_finite(t.values("bias")))


def _not_finite(values):
    """Per value: not a finite number (all False, cheaply, when every value is one)."""
    if len(values) < 16:  # one row (the builder): no arrays; a finite float is the common case
        return [not (type(v) is float and v - v == 0.0) and not _finite(v) for v in values]
    try:
        if all(map(is_number_type, set(map(type, values)))) and np.isfinite(np.array(values, dtype=float)).all():
            return [False] * len(values) if values else []
    except OverflowError:  # an integer beyond float range
        pass
    return [not _finite(v) for v in values]


def _node(t, i):
    return t.rows[i]["id"]


NODE_RULES = (
    Rule("not an object or no id", _no_id, lambda t, i: f"node #{i} has no 'id'"),
    Rule("id type", _id_type, lambda t, i: f"node #{i} id {_node(t, i)!r:.60} must be a string or integer"),
    Rule("id not text or reserved", _id_text, lambda t, i: _raised(check_id, _node(t, i))),
    Rule("duplicate id", _duplicate, lambda t, i: f"node {_node(t, i)!r} appears twice"),
    Rule("no fn", _no_fn, lambda t, i: f"node {_node(t, i)!r} has no field 'fn'"),
    Rule("input with bias, bias_param or combine", _input_extra,
         lambda t, i: f"input node {_node(t, i)!r} cannot have a "
                      f"{next(k for k in _SPECIAL if k in t.rows[i])!r}"),
    Rule("fn not text", _fn_type,
         lambda t, i: f"node {_node(t, i)!r}: field 'fn' must be a string, got {_short(t.rows[i]['fn'])}"),
    Rule("unknown fn", _fn_unknown,
         lambda t, i: f"node {_node(t, i)!r}: {_raised(get_primitive, t.rows[i]['fn'])}"),
    Rule("unknown combine", _combine_unknown,
         lambda t, i: f"node {_node(t, i)!r}: unknown combine {_short(t.rows[i]['combine'])} "
                      f"(known: {', '.join(map(repr, combine_names()))})"),
    Rule("both bias and bias_param", _bias_both,
         lambda t, i: f"node {_node(t, i)!r} has both 'bias' and 'bias_param'; give one"),
    Rule("unknown bias_param", _bias_param_unknown,
         lambda t, i: f"node {_node(t, i)!r}: unknown bias_param {_short(t.rows[i]['bias_param'])} "
                      "(not in graph 'params')"),
    Rule("bias not a finite number", _bias_finite,
         lambda t, i: _raised(finite_number, t.rows[i]["bias"], f"node {_node(t, i)!r}: bias")),
)
NODE_ID_RULES = 4  # the rules above that read the id; check_node's caller checks it with check_id
_NODE_ROW_RULES = NODE_RULES[NODE_ID_RULES:]


# ---- edges ---------------------------------------------------------------------------------------------------

def _no_ends(t):
    try:
        t.column("source"), t.column("target")
    except (KeyError, TypeError, IndexError):
        return t.flags(t.rows, lambda e: not (isinstance(e, dict) and "source" in e and "target" in e))
    return None


def _unknown_end(key):
    def mask(t):
        if t.ends(key) is not None:
            return None
        return t.flags(t.column(key), lambda end: not _is_id(end) or end not in t.index)
    return mask


def _label(t, i):
    e = t.rows[i]
    return edge_label(e["source"], e["target"], e.get("name"))


def _delay(t):
    return t.flags(t.rows, lambda e: e.get("delay", 0) != 0) if "delay" in t.keys else None


def _name_type(t):
    if "name" not in t.keys:
        return None
    names = t.values("name")
    if set(map(type, names)) <= {str, type(None)}:
        return None
    return t.spread("name", [n is not None and not isinstance(n, str) for n in names])


def _name_text(t):
    if "name" not in t.keys:
        return None
    names = [n for n in t.values("name") if n is not None]
    if _encodes("".join(names)):
        return None
    return t.spread("name", [n is not None and not _encodes(n) for n in t.values("name")])


def _name_reserved(t):
    if "name" not in t.keys or not set(RESERVED_NAMES) & set(t.values("name")):
        return None
    return t.spread("name", [n in RESERVED_NAMES for n in t.values("name")])


def _param_both(t):
    return t.has("param") & t.has("weight") if "param" in t.keys else None


def _param_type(t):
    if "param" not in t.keys:
        return None
    return t.spread("param", [not isinstance(p, str) for p in t.values("param")])


def _param_unknown(t):
    if "param" not in t.keys:
        return None
    return t.spread("param", [p not in t.params for p in t.values("param")])


def _weight_finite(t):
    return t.spread("weight", _not_finite(t.values("weight"))) if "weight" in t.keys else None


def _neither(t):
    if "param" not in t.keys and "weight" in t.keys and len(t.values("weight")) == t.n:
        return None
    return t.lacks("weight") & t.lacks("param")


def _edge_message(text):
    return lambda t, i: text.format(label=_label(t, i), e=t.rows[i])


EDGE_RULES = (
    Rule("not an object or missing ends", _no_ends, lambda t, i: f"edge #{i} needs 'source' and 'target'"),
    Rule("unknown source", _unknown_end("source"),
         lambda t, i: f"{_label(t, i)} goes to unknown node {t.rows[i]['source']!r:.60}"),
    Rule("unknown target", _unknown_end("target"),
         lambda t, i: f"{_label(t, i)} goes to unknown node {t.rows[i]['target']!r:.60}"),
    Rule("delay", _delay, _edge_message("{label} has a delay, so this is a recurrent network: unfold it "
                                        "over time first (rojas unfold NET.json --steps T)")),
    Rule("self-loop", lambda t: t.ends("source") == t.ends("target"), _edge_message("{label} is a self-loop")),
    Rule("into an input", lambda t: t.is_input[t.ends("target")],
         _edge_message("input node {e[target]!r} has an incoming {label}")),
    Rule("name not text", _name_type,
         lambda t, i: f"{_label(t, i)}: field 'name' must be a string, got {_short(t.rows[i]['name'])}"),
    Rule("name not Unicode", _name_text,
         lambda t, i: _raised(check_text, t.rows[i]["name"], f"{_label(t, i)}: edge name")),
    Rule("name reserved", _name_reserved,
         lambda t, i: f"{_label(t, i)}: edge name {t.rows[i]['name']!r} is reserved: claims read "
                      f"{', '.join(RESERVED_NAMES)} as the objective; rename it"),
    Rule("both weight and param", _param_both, _edge_message("{label} has both 'weight' and 'param'; give one")),
    Rule("param not text", _param_type,
         lambda t, i: f"{_label(t, i)}: field 'param' must be the name of a graph param, "
                      f"got {_short(t.rows[i]['param'])}"),
    Rule("unknown param", _param_unknown,
         lambda t, i: f"{_label(t, i)}: unknown param {t.rows[i]['param']!r} (not in graph 'params')"),
    Rule("weight not a finite number", _weight_finite,
         lambda t, i: _raised(finite_number, t.rows[i]["weight"], f"{_label(t, i)}: weight")),
    Rule("neither weight nor param", _neither, _edge_message("{label} has neither 'weight' nor 'param'")),
)
EDGE_END_RULES = 3  # the rules above that look the ends up; check_edge's caller knows them
_EDGE_ROW_RULES = EDGE_RULES[EDGE_END_RULES:]
_TWO_ENDS, _SAME_ENDS = {"source": 0, "target": 1}, {"source": 0, "target": 0}  # the ends' positions in is_input


def check_node(node, data, params, primitives):
    """Check one node's fields by the rules of :data:`NODE_RULES` (its id is checked by :func:`check_id`).

    Parameters
    ----------
    node : str or int
    data : dict
        The node's fields, ``id`` excluded.
    params : container of str
        The graph's param names.
    primitives : container of str
        The primitives the network itself defines (the registry is asked too).

    Examples
    --------
    >>> check_node("h", {"fn": "tanh", "bias": 0.5}, {}, {})
    >>> check_node("h", {"fn": "tanh", "bias": 0.5, "bias_param": "p"}, {"p": 1.0}, {})
    Traceback (most recent call last):
    rojas.errors.NetworkError: node 'h' has both 'bias' and 'bias_param'; give one
    """
    first_fault(_NODE_ROW_RULES, OneRow({**data, "id": node}, params, primitives))


def check_edge(u, v, data, params, into_input):
    """Check one edge's fields (its ends are known nodes) by the rules of :data:`EDGE_RULES`.

    Parameters
    ----------
    u, v : node ids
    data : dict
        The edge's fields, ``source`` and ``target`` excluded.
    params : container of str
    into_input : bool
        Whether `v` is an input node.

    Examples
    --------
    >>> check_edge("x", "h", {"weight": 0.5}, {}, False)
    >>> check_edge("h", "h", {"weight": 0.5}, {}, False)
    Traceback (most recent call last):
    rojas.errors.NetworkError: edge 'h'->'h' is a self-loop
    """
    row = OneRow({**data, "source": u, "target": v}, params, (), (False, into_input),
                 _SAME_ENDS if u == v else _TWO_ENDS)
    first_fault(_EDGE_ROW_RULES, row)
