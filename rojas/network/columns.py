"""Node-link lists → checked columns (NumPy arrays and lists), the fast way.

The rows are checked by the rule tables of :mod:`rojas.network.rules` (the
same rules the builder applies to one item), each rule's mask computed on
whole columns (types by their set, numbers with NumPy); the whole network by
:func:`check_structure` (cycles by generations).  A valid 1,000,000-edge file
thus costs a few list comprehensions and array operations beyond
``json.load``.
"""

import contextlib
import copy
import gc

import numpy as np

from ..errors import NetworkError
from .expressions import file_primitives
from .checks import (EDGE_ARROW, NODE_FIELDS, REFERENCE_PREFIXES, check_extra, check_objective, check_param_name,
                     check_reference, check_text, edge_label, finite_number)
from .rows import Rows, first_fault, is_number_type
from .rules import EDGE_RULES, NODE_RULES
from .topology import check_acyclic

__all__ = ["Columns", "paused_gc", "parse_graph_attrs", "parse_nodes", "parse_edges", "check_structure", "check_outputs",
           "is_number_type"]


class Columns:
    """A network's content as columns; see :class:`rojas.network.Network` for their meaning."""

    __slots__ = ("gattrs", "outputs", "prims", "pnames", "p", "ids", "index", "ndata", "has_bias", "b",
                 "node_param", "is_input", "src", "dst", "w", "edge_param", "names", "eextra", "levels", "node_keys",
                 "edge_keys", "int_ids")


@contextlib.contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector while millions of small dicts are made.

    They hold no cycles, but each 700 new objects start a collection, and the
    older generations' passes over a million fresh objects made loading and
    building the graph several times slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_graph_attrs(attrs, col):
    """Check the graph fields; fill col.gattrs (params and outputs apart), outputs, prims, pnames, p."""
    if not isinstance(attrs, dict):
        raise NetworkError("field 'graph' must be an object")
    attrs = dict(attrs)
    params = attrs.pop("params", {})
    if not isinstance(params, dict):
        raise NetworkError("graph field 'params' must be an object {name: number}")
    for name, value in params.items():
        check_param_name(name)
        finite_number(value, f"param {name!r}")
    col.pnames = list(params)
    col.p = np.array([float(params[k]) for k in col.pnames], dtype=float)
    if "name" in attrs:
        if not isinstance(attrs["name"], str):
            raise NetworkError(f"graph field 'name' must be a string, got {attrs['name']!r:.60}")
        check_text(attrs["name"], "graph field 'name'")
    if "objective" in attrs:
        check_objective(attrs["objective"])
    col.prims = file_primitives(attrs["primitives"]) if "primitives" in attrs else {}
    col.outputs = attrs.pop("outputs", None)
    for key, value in attrs.items():
        if key != "name":
            check_extra(value, f"graph field {key!r}")
    col.gattrs = copy.deepcopy(attrs)
    if col.outputs is not None:
        col.outputs = copy.copy(col.outputs)


def parse_nodes(nodes, col):
    """Check the node list by :data:`~rojas.network.rules.NODE_RULES`; fill ids, index, ndata, has_bias, b,
    node_param, is_input."""
    n = len(nodes)
    rows = Rows(nodes, {p: i for i, p in enumerate(col.pnames)}, col.prims)
    first_fault(NODE_RULES, rows)
    ids, index, keys, is_input = rows.column("id"), rows.index_of_ids, rows.keys, rows.is_input_node
    has_bias, b = rows.has("bias"), np.zeros(n, dtype=float)
    b[has_bias] = rows.values("bias")
    node_param = np.full(n, -1, dtype=np.intp)
    node_param[rows.has("bias_param")] = [rows.params[v] for v in rows.values("bias_param")]
    tied = node_param >= 0
    b[tied] = col.p[node_param[tied]]
    ndata = list(map(dict, nodes))
    for d in ndata:
        del d["id"]
    if "bias" in keys:
        for d in ndata:
            d.pop("bias", None)
    for key in keys - set(NODE_FIELDS[:5]):
        for i, d in enumerate(ndata):
            if key in d:
                check_extra(d[key], f"node {ids[i]!r}: field {key!r}")
                d[key] = copy.deepcopy(d[key])
    col.ids, col.index, col.ndata, col.is_input = ids, index, ndata, is_input
    col.int_ids = None
    if set(map(type, ids)) == {int}:
        try:
            as_array = np.array(ids, dtype=np.int64)
            order = np.argsort(as_array, kind="stable").astype(np.intp)
            col.int_ids = (as_array[order], order)
        except OverflowError:  # ids beyond int64 go through the dict
            pass
    col.has_bias, col.b, col.node_param = has_bias, b, node_param
    col.node_keys = keys


def parse_edges(edges, col):
    """Check the edge list by :data:`~rojas.network.rules.EDGE_RULES`; fill src, dst, w, edge_param, names, eextra."""
    m = len(edges)
    rows = Rows(edges, {p: i for i, p in enumerate(col.pnames)}, (), col.index, col.is_input, col.int_ids)
    first_fault(EDGE_RULES, rows)
    src, dst, keys = rows.ends("source"), rows.ends("target"), rows.keys
    edge_param = np.full(m, -1, dtype=np.intp)
    has_p = rows.has("param")
    edge_param[has_p] = [rows.params[p] for p in rows.values("param")]
    w = np.zeros(m, dtype=float)
    w[~has_p] = rows.values("weight")
    w[has_p] = col.p[edge_param[has_p]]
    names = [e.get("name") for e in edges] if "name" in keys else [None] * m
    eextra = {}
    for key in keys - {"source", "target", "weight", "param", "name"}:
        for i, e in enumerate(edges):
            if key in e:
                check_extra(e[key], f"{edge_label(e['source'], e['target'], names[i])}: field {key!r}")
                eextra.setdefault(i, {})[key] = copy.deepcopy(e[key])
    col.src, col.dst, col.w, col.edge_param, col.names, col.eextra = src, dst, w, edge_param, names, eextra
    col.edge_keys = keys


def check_structure(ids, index, is_input, src, dst, names, pnames, outputs):
    """The rules over the whole network; returns the topological generations.

    Ids unique as text, edges unique, edge names unique and unlike node ids,
    params unlike node ids and edge names, the outputs, and no cycle.
    """
    n = len(ids)
    types = set(map(type, ids))
    text_ids = index
    if int in types and str in types:
        text_ids = {}
        for node in ids:
            if str(node) in text_ids:
                raise NetworkError(f"nodes {text_ids[str(node)]!r} and {node!r} have the same id as text "
                                   "(ids must be unique as strings)")
            text_ids[str(node)] = node
    elif int in types:
        text_ids = set(map(str, ids))
    if len(src):
        code = np.sort(src.astype(np.int64) * n + dst)
        dup = np.flatnonzero(code[1:] == code[:-1])
        if len(dup):
            u, v = ids[int(code[dup[0]] // n)], ids[int(code[dup[0]] % n)]
            raise NetworkError(f"{edge_label(u, v)} appears twice")
    given = [name for name in names if name is not None]
    nameset = set(given)
    if len(nameset) < len(given) or nameset & set(text_ids) or nameset & set(pnames):
        named = {}
        for i, name in enumerate(names):
            if name is None:
                continue
            label = edge_label(ids[src[i]], ids[dst[i]])
            if name in named:
                raise NetworkError(f"edge name {name!r} is used by {named[name]} and {label}")
            if name in text_ids:
                raise NetworkError(f"edge name {name!r} of {label} is also a node id")
            if name in pnames:
                raise NetworkError(f"param {name!r} is also the name of {label}; rename one")
            named[name] = label
    for p in pnames:
        if p in text_ids:
            raise NetworkError(f"param {p!r} is also a node id; rename one (claims and paths name both)")
    _check_references(ids, text_ids, names, pnames)
    check_outputs(outputs, index, is_input)
    return check_acyclic(ids, src, dst)


def _check_references(ids, text_ids, names, pnames):
    """Every id, edge name and param readable one way only by the reference syntax (checks.check_reference)."""
    suspicious = lambda text: isinstance(text, str) and (EDGE_ARROW in text or text[:2] in REFERENCE_PREFIXES)
    for what, items in (("node id", ids), ("edge name", names), ("param", pnames)):
        for text in filter(suspicious, items):
            check_reference(text, what, text_ids)


def check_outputs(outputs, index, is_input):
    """The graph field ``outputs``: None, or a non-empty list of distinct units."""
    if outputs is None:
        return
    if not isinstance(outputs, list) or not outputs:
        raise NetworkError("graph field 'outputs' must be a non-empty list of unit ids")
    seen = set()
    for node in outputs:
        if isinstance(node, bool) or not isinstance(node, (str, int)) or node not in index:
            raise NetworkError(f"graph field 'outputs': unknown node {node!r:.60}")
        if is_input[index[node]]:
            raise NetworkError(f"graph field 'outputs': {node!r} is not a unit (it is an input node)")
        if node in seen:
            raise NetworkError(f"graph field 'outputs' lists {node!r} twice")
        seen.add(node)

