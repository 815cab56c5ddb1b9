"""Node-link lists → checked columns (NumPy arrays and lists), the fast way.

Every rule of :mod:`rojas.network.checks` is first tested on whole columns
(types by their set, numbers with NumPy, cycles by generations); only when a
test fails does a loop over the items run the item checks to name the culprit.
A valid 1,000,000-edge file thus costs a few list comprehensions and array
operations beyond ``json.load``.
"""

import contextlib
import copy
import gc
import itertools
import numbers

import numpy as np

from ..errors import NetworkError
from .expressions import file_primitives
from .primitives import get_primitive
from .combine import combine_names
from .checks import (NODE_FIELDS, RESERVED_NAMES, check_edge, check_extra,
                     check_id, check_node, check_objective, check_param_name, check_text, edge_label,
                     finite_number)
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


def is_number_type(t):
    """A type whose values are numbers: int, float and their NumPy kin, not bool."""
    return issubclass(t, numbers.Real) and not issubclass(t, (bool, np.bool_))


def _types(values):
    return set(map(type, values))


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
    """Check the node list; fill ids, index, ndata, has_bias, b, node_param, is_input."""
    n = len(nodes)
    try:
        ids = [d["id"] for d in nodes]
    except (KeyError, TypeError, IndexError):  # not an object, or no id
        _name_node_fault(nodes, col)
    types = _types(ids)
    if types - {str, int}:
        _name_node_fault(nodes, col)
    index = dict(zip(ids, range(n)))
    if len(index) < n or any(r in index for r in RESERVED_NAMES):
        _name_node_fault(nodes, col)
    if str in types:
        try:
            "".join(i for i in ids if type(i) is str).encode("utf-8")
        except UnicodeEncodeError:
            _name_node_fault(nodes, col)
    keys = set(itertools.chain.from_iterable(nodes))
    try:
        fns = [d["fn"] for d in nodes]
        fnset = set(fns)
    except (KeyError, TypeError):
        _name_node_fault(nodes, col)
    is_input = np.array([f == "input" for f in fns], dtype=bool)
    for fn in fnset - {"input"}:
        if not isinstance(fn, str):
            _name_node_fault(nodes, col)
        if fn not in col.prims:
            try:
                get_primitive(fn)
            except NetworkError:
                _name_node_fault(nodes, col)
    has_bias = np.zeros(n, dtype=bool)
    b = np.zeros(n, dtype=float)
    node_param = np.full(n, -1, dtype=np.intp)
    special = [k for k in ("bias", "bias_param", "combine") if k in keys]
    for key in special:
        has = np.array([key in d for d in nodes], dtype=bool)
        if (has & is_input).any():
            _name_node_fault(nodes, col)
        values = [d[key] for d in nodes if key in d]
        try:
            if key == "combine" and not set(values) <= set(combine_names()):
                _name_node_fault(nodes, col)
            if key == "bias_param":
                pidx = {p: i for i, p in enumerate(col.pnames)}
                node_param[has] = [pidx[v] for v in values]
            if key == "bias":
                if not all(map(is_number_type, _types(values))):
                    _name_node_fault(nodes, col)
                b[has] = values
                if not np.isfinite(b).all():
                    _name_node_fault(nodes, col)
                has_bias = has
        except (KeyError, TypeError, OverflowError):
            _name_node_fault(nodes, col)
    if (has_bias & (node_param >= 0)).any():
        _name_node_fault(nodes, col)
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
    if types == {int}:
        try:
            as_array = np.array(ids, dtype=np.int64)
            order = np.argsort(as_array, kind="stable").astype(np.intp)
            col.int_ids = (as_array[order], order)
        except OverflowError:  # ids beyond int64 go through the dict
            pass
    col.has_bias, col.b, col.node_param = has_bias, b, node_param
    col.node_keys = keys


def _name_node_fault(nodes, col):
    """Run the item checks node by node; raises for the first node at fault."""
    seen = {}
    for i, d in enumerate(nodes):
        if not isinstance(d, dict) or "id" not in d:
            raise NetworkError(f"node #{i} has no 'id'")
        node = d["id"]
        if isinstance(node, bool) or not isinstance(node, (str, int)):
            raise NetworkError(f"node #{i} id {node!r:.60} must be a string or integer")
        check_id(node)
        if node in seen:
            raise NetworkError(f"node {node!r} appears twice")
        seen[node] = i
        check_node(node, {k: v for k, v in d.items() if k != "id"}, col.pnames, col.prims)
    raise NetworkError("a node is malformed")  # not reached: the column test and an item check disagree


def parse_edges(edges, col):
    """Check the edge list against the nodes; fill src, dst, w, edge_param, names, eextra."""
    m = len(edges)
    try:
        us = [e["source"] for e in edges]
        vs = [e["target"] for e in edges]
    except (KeyError, TypeError, IndexError):  # not an object, or no source or target
        _name_edge_fault(edges, col)
    types = _types(us) | _types(vs)
    if types - {str, int}:
        _name_edge_fault(edges, col)
    src, dst = _positions(us, col, types), _positions(vs, col, types)
    if src is None or dst is None:
        _name_edge_fault(edges, col)
    del us, vs
    keys = set(itertools.chain.from_iterable(edges))
    edge_param = np.full(m, -1, dtype=np.intp)
    w = np.zeros(m, dtype=float)
    try:
        has_w = np.array([("weight" in e) for e in edges], dtype=bool) if "param" in keys else np.ones(m, bool)
        if "param" in keys:
            has_p = np.array([("param" in e) for e in edges], dtype=bool)
            if (has_p == has_w).any():        # both, or neither
                _name_edge_fault(edges, col)
            pidx = {p: i for i, p in enumerate(col.pnames)}
            edge_param[has_p] = [pidx[e["param"]] for e in edges if "param" in e]
            weights = [e["weight"] for e in edges if "weight" in e]
        else:
            weights = [e["weight"] for e in edges]
        if not all(map(is_number_type, _types(weights))):
            _name_edge_fault(edges, col)
        w[has_w] = weights
    except (KeyError, TypeError, OverflowError):
        _name_edge_fault(edges, col)
    if not np.isfinite(w).all() or (src == dst).any() or col.is_input[dst].any():
        _name_edge_fault(edges, col)
    if "delay" in keys and any(e.get("delay", 0) != 0 for e in edges):
        _name_edge_fault(edges, col)
    tied = edge_param >= 0
    w[tied] = col.p[edge_param[tied]]
    names = [None] * m
    if "name" in keys:
        names = [e.get("name") for e in edges]
        try:
            if _types(names) - {str, type(None)} or set(RESERVED_NAMES) & set(names):
                _name_edge_fault(edges, col)
            "".join(filter(None, names)).encode("utf-8")
        except UnicodeEncodeError:
            _name_edge_fault(edges, col)
    eextra = {}
    for key in keys - {"source", "target", "weight", "param", "name"}:
        for i, e in enumerate(edges):
            if key in e:
                check_extra(e[key], f"{edge_label(e['source'], e['target'], names[i])}: field {key!r}")
                eextra.setdefault(i, {})[key] = copy.deepcopy(e[key])
    col.src, col.dst, col.w, col.edge_param, col.names, col.eextra = src, dst, w, edge_param, names, eextra
    col.edge_keys = keys


def _positions(ends, col, types):
    """The node positions of edge ends, or None if one is no node.

    Integer ids go through NumPy (sort and search); others through the id dict.
    """
    if types == {int} and col.int_ids is not None:
        sorted_ids, order = col.int_ids
        try:
            ends = np.array(ends, dtype=np.int64)
        except OverflowError:
            return None
        at = np.minimum(np.searchsorted(sorted_ids, ends), len(sorted_ids) - 1)
        return order[at] if (sorted_ids[at] == ends).all() else None
    try:
        return np.fromiter(map(col.index.__getitem__, ends), dtype=np.intp, count=len(ends))
    except KeyError:
        return None


def _name_edge_fault(edges, col):
    """Run the item checks edge by edge; raises for the first edge at fault."""
    for i, e in enumerate(edges):
        if not isinstance(e, dict) or "source" not in e or "target" not in e:
            raise NetworkError(f"edge #{i} needs 'source' and 'target'")
        u, v = e["source"], e["target"]
        for end in (u, v):
            if isinstance(end, bool) or not isinstance(end, (str, int)) or end not in col.index:
                raise NetworkError(f"{edge_label(u, v, e.get('name'))} goes to unknown node {end!r:.60}")
        check_edge(u, v, {k: x for k, x in e.items() if k not in ("source", "target")}, col.pnames,
                   bool(col.is_input[col.index[v]]))
    raise NetworkError("an edge is malformed")  # not reached: the column test and an item check disagree


def check_structure(ids, index, is_input, src, dst, names, pnames, outputs):
    """The rules over the whole network; returns the topological generations.

    Ids unique as text, edges unique, edge names unique and unlike node ids,
    params unlike node ids and edge names, the outputs, and no cycle.
    """
    n = len(ids)
    types = _types(ids)
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
    check_outputs(outputs, index, is_input)
    return check_acyclic(ids, src, dst)


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

