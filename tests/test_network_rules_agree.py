"""The loader's fast column checks and the item checks name the same fault.

For every rule of :mod:`rojas.network.rules` a valid document gets one row
broken by that rule at row k (and, to test "first in file order", maybe a
later row broken by another rule); :func:`rojas.network.from_dict` must refuse
it with exactly the message the item check (:func:`check_id` then
:func:`check_node`, or :func:`check_edge`) gives for row k, and that message
must be the rule's own.  A rule added to NODE_RULES or EDGE_RULES belongs in these tables
(test_every_rule_of_the_tables_has_a_case_here fails until it is).
"""

import copy
import math

import pytest

import rojas
from rojas.network import from_dict
from rojas.network.checks import check_id
from rojas.network.rules import check_edge, check_node

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PARAMS = {"p": 0.5}


def _set(**fields):
    return lambda d: d.update(fields)


def _drop(field):
    return lambda d: d.pop(field, None)


# (rule, mutation of one unit row, phrase the message must hold)
UNIT_RULES = [
    ("no fn", _drop("fn"), "has no field 'fn'"),
    ("fn not text", _set(fn=3), "field 'fn' must be a string"),
    ("unknown fn", _set(fn="nosuch"), "nosuch"),
    ("unknown combine", _set(combine="median"), "unknown combine 'median'"),  # 'max' is a mode now
    ("bias and bias_param", _set(bias=0.1, bias_param="p"), "has both 'bias' and 'bias_param'"),
    ("unknown bias_param", lambda d: (d.pop("bias"), d.update(bias_param="q")), "unknown bias_param 'q'"),
    ("bias nan", _set(bias=math.nan), "bias must be finite, got nan"),
    ("bias text", _set(bias="0.5"), "bias must be a number"),
    ("bias huge", _set(bias=10 ** 400), "bias must be finite, got an integer of 401 digits"),
    ("id reserved", _set(id="E"), "is reserved"),
    ("id not text", _set(id="h\ud800"), "lone surrogate"),
    ("id a float", _set(id=1.5), "must be a string or integer"),
]
INPUT_RULES = [
    ("input with bias", _set(bias=0.1), "cannot have a 'bias'"),
    ("input with combine", _set(combine="product"), "cannot have a 'combine'"),
    ("input with bias_param", _set(bias_param="p"), "cannot have a 'bias_param'"),
]
EDGE_RULES_CASES = [
    ("delay", _set(delay=1), "has a delay"),
    ("self-loop", lambda e: e.update(source=e["target"]), "is a self-loop"),
    ("into an input", _set(source="u0", target="x0"), "input node 'x0' has an incoming"),
    ("name not text", _set(name=5), "field 'name' must be a string"),
    ("name not Unicode", _set(name="w\ud800"), "edge name 'w\\ud800' contains a lone surrogate"),
    ("name reserved", _set(name="L"), "edge name 'L' is reserved"),
    ("weight and param", _set(param="p"), "has both 'weight' and 'param'"),
    ("param not text", lambda e: (e.pop("weight"), e.update(param=["p"])), "field 'param' must be the name"),
    ("unknown param", lambda e: (e.pop("weight"), e.update(param="q")), "unknown param 'q'"),
    ("weight nan", _set(weight=math.inf), "weight must be finite, got inf"),
    ("weight huge", _set(weight=-(10 ** 400)), "weight must be finite, got an integer of 401 digits"),
    ("weight text", _set(weight="1"), "weight must be a number"),
    ("neither", _drop("weight"), "has neither 'weight' nor 'param'"),
]


def _document(inputs, units):
    nodes = [{"id": f"x{i}", "fn": "input"} for i in range(inputs)]
    nodes += [{"id": f"u{j}", "fn": "tanh", "bias": 0.1 * j} for j in range(units)]
    edges = [{"source": f"x{j % inputs}", "target": f"u{j}", "weight": 0.5 - 0.1 * j} for j in range(units)]
    edges += [{"source": f"u{j - 1}", "target": f"u{j}", "weight": 0.3} for j in range(1, units)]
    return {"directed": True, "multigraph": False, "graph": {"params": dict(PARAMS)}, "nodes": nodes,
            "edges": edges}


def _item_message(check):
    with pytest.raises(rojas.NetworkError) as info:
        check()
    return str(info.value)


def _node_check(d):
    data = {k: v for k, v in d.items() if k != "id"}
    return lambda: (check_id(d["id"]), check_node(d["id"], data, PARAMS, {}))


def _load_message(doc):
    with pytest.raises(rojas.NetworkError) as info:
        from_dict(doc, warn=False)
    return str(info.value)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(2, 5), st.data())
def test_a_broken_node_is_named_alike_by_the_loader_and_the_item_check(inputs, units, data):
    doc = _document(inputs, units)
    on_input = data.draw(st.booleans(), "on an input")
    rows = range(inputs) if on_input else range(inputs, inputs + units)
    k = data.draw(st.sampled_from(list(rows)), "row k")
    rule, mutate, phrase = data.draw(st.sampled_from(INPUT_RULES if on_input else UNIT_RULES), "rule")
    mutate(doc["nodes"][k])
    if data.draw(st.booleans(), "a later row broken too") and k + 1 < len(doc["nodes"]) and k + 1 >= inputs:
        data.draw(st.sampled_from(UNIT_RULES), "later rule")[1](doc["nodes"][k + 1])
    if doc["nodes"][k]["id"] != f"{'x' if on_input else 'u'}{k if on_input else k - inputs}":
        for e in doc["edges"]:  # keep the edges pointing at the renamed node: the node is the fault
            for end in ("source", "target"):
                if e[end] == f"u{k - inputs}":
                    e[end] = doc["nodes"][k]["id"]
    loaded = _load_message(doc)
    assert phrase in loaded, (rule, loaded)
    if isinstance(doc["nodes"][k]["id"], float):
        # the loader's own prelude (the builder takes ids as Python values): the row's position
        assert loaded == f"network: node #{k} id {doc['nodes'][k]['id']!r} must be a string or integer"
    else:
        assert loaded == "network: " + _item_message(_node_check(doc["nodes"][k])), rule


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(2, 5), st.data())
def test_a_broken_edge_is_named_alike_by_the_loader_and_the_item_check(inputs, units, data):
    doc = _document(inputs, units)
    k = data.draw(st.integers(0, len(doc["edges"]) - 1), "row k")
    rule, mutate, phrase = data.draw(st.sampled_from(EDGE_RULES_CASES), "rule")
    mutate(doc["edges"][k])
    if data.draw(st.booleans(), "a later row broken too") and k + 1 < len(doc["edges"]):
        data.draw(st.sampled_from(EDGE_RULES_CASES), "later rule")[1](doc["edges"][k + 1])
    loaded = _load_message(doc)
    assert phrase in loaded, (rule, loaded)
    e = copy.deepcopy(doc["edges"][k])
    u, v = e.pop("source"), e.pop("target")
    assert loaded == "network: " + _item_message(lambda: check_edge(u, v, e, PARAMS, v.startswith("x"))), rule


# The rows the item checks never see (the builder takes ids and ends as arguments): the loader's own messages.
LOADER_ONLY = [
    ("not an object or no id", lambda d: d["nodes"].insert(1, {"fn": "input"}), "node #1 has no 'id'"),
    ("not an object or no id", lambda d: d["nodes"].insert(1, ["u9"]), "node #1 has no 'id'"),
    ("id type", lambda d: d["nodes"].insert(1, {"id": None, "fn": "input"}),
     "node #1 id None must be a string or integer"),
    ("duplicate id", lambda d: d["nodes"].append({"id": "u0", "fn": "tanh"}), "node 'u0' appears twice"),
    ("not an object or missing ends", lambda d: d["edges"].insert(1, {"source": "x0", "weight": 1.0}),
     "edge #1 needs 'source' and 'target'"),
    ("not an object or missing ends", lambda d: d["edges"].insert(1, "x0->u1"), "edge #1 needs 'source' and 'target'"),
    ("unknown source", lambda d: d["edges"][1].update(source="zz", target=True),
     "edge 'zz'->True goes to unknown node 'zz'"),
    ("unknown target", lambda d: d["edges"][1].update(target=["u1"]), "edge 'x0'->['u1'] goes to unknown node ['u1']"),
    ("unknown target", lambda d: d["edges"][1].update(target=1), "edge 'x0'->1 goes to unknown node 1"),
]


@pytest.mark.parametrize("rule, change, message", LOADER_ONLY)
def test_the_loader_names_a_row_the_item_checks_never_see(rule, change, message):
    doc = _document(1, 2)
    change(doc)
    doc["edges"].append({"source": "u1", "target": "u1", "weight": 1.0})  # a later fault: the first row is named
    assert _load_message(doc) == "network: " + message


def test_every_rule_of_the_tables_has_a_case_here():
    from rojas.network.rules import EDGE_RULES, NODE_RULES

    node_cases = {"no fn": "no fn", "fn not text": "fn not text", "unknown fn": "unknown fn",
                  "unknown combine": "unknown combine", "bias and bias_param": "both bias and bias_param",
                  "unknown bias_param": "unknown bias_param", "bias nan": "bias not a finite number",
                  "id reserved": "id not text or reserved", "id a float": "id type",
                  "input with bias": "input with bias, bias_param or combine"}
    edge_cases = {"delay": "delay", "self-loop": "self-loop", "into an input": "into an input",
                  "name not text": "name not text", "name not Unicode": "name not Unicode",
                  "name reserved": "name reserved", "weight and param": "both weight and param",
                  "param not text": "param not text", "unknown param": "unknown param",
                  "weight nan": "weight not a finite number", "neither": "neither weight nor param"}
    assert set(node_cases) <= {c[0] for c in UNIT_RULES + INPUT_RULES}
    assert set(edge_cases) <= {c[0] for c in EDGE_RULES_CASES}
    covered = set(node_cases.values()) | set(edge_cases.values()) | {c[0] for c in LOADER_ONLY}
    assert {r.name for r in NODE_RULES + EDGE_RULES} == covered


class _NoNumpy:
    def __getattr__(self, name):
        raise AssertionError(f"np.{name} on the builder's one-row path")


def test_the_builder_applies_the_rules_to_its_one_row_without_numpy(monkeypatch):
    """Review fault: add_edge/add_unit got 3.7× slower when the builder's one row went through the rules as
    one-element NumPy arrays (about a microsecond per NumPy call).  The same rules read a OneRow table of
    plain Python values: no NumPy call is made, and every rule still names its fault."""
    import rojas.network.rows as rows_module
    import rojas.network.rules as rules_module

    monkeypatch.setattr(rows_module, "np", _NoNumpy())
    monkeypatch.setattr(rules_module, "np", _NoNumpy())
    unit, edge = {"id": "u1", "fn": "tanh", "bias": 0.1}, {"source": "u0", "target": "u1", "weight": 0.5}
    _node_check(unit)()
    check_edge("u0", "u1", {"weight": 0.5}, PARAMS, False)
    for cases, row, check in [(UNIT_RULES, unit, _node_check), (INPUT_RULES, {"id": "x0", "fn": "input"},
                                                                 _node_check)]:
        for rule, mutate, phrase in cases:
            if rule.startswith("id "):  # check_id's, not a rule of the one-row path
                continue
            d = copy.deepcopy(row)
            mutate(d)
            assert phrase in _item_message(check(d)), rule
    for rule, mutate, phrase in EDGE_RULES_CASES:
        e = copy.deepcopy(edge)
        mutate(e)
        u, v = e.pop("source"), e.pop("target")
        assert phrase in _item_message(lambda: check_edge(u, v, e, PARAMS, v.startswith("x"))), rule
