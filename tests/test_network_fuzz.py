"""Any JSON shape given to the loader: a Network or one NetworkError line, never another exception."""

import json
import math
import warnings

import pytest

import rojas
from rojas.network import from_dict

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

IDS = st.sampled_from(["x", "h", "y", 1, 2, "1", "E", True, None, 1.5, "\ud800", [1], {"a": 1}])
ODD = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.integers(10**300, 10**301),
                st.sampled_from([0.5, -1.0, math.nan, math.inf, "0.5", "t", "sum", "product", "tanh",
                                 "input", "\ud800", [], ["t"], {"t": 1}]))
NODE = st.fixed_dictionaries({"id": IDS}, optional={
    "fn": st.sampled_from(["input", "tanh", "identity", "nosuch", 3, None]), "bias": ODD, "combine": ODD,
    "bias_param": ODD, "x-note": ODD, "colour": ODD})
EDGE = st.fixed_dictionaries({"source": IDS, "target": IDS}, optional={
    "weight": ODD, "param": ODD, "name": ODD, "delay": ODD, "meta": ODD})
GRAPH = st.fixed_dictionaries({}, optional={
    "name": ODD, "params": st.one_of(ODD, st.dictionaries(st.sampled_from(["t", "h", "E", "w"]), ODD)),
    "outputs": st.one_of(ODD, st.lists(IDS, max_size=3)), "x-extra": ODD})
DOC = st.fixed_dictionaries({"directed": st.just(True), "multigraph": st.just(False), "graph": GRAPH,
                             "nodes": st.lists(st.one_of(NODE, ODD), max_size=5),
                             "edges": st.lists(st.one_of(EDGE, ODD), max_size=6)})


@pytest.mark.slow
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=DOC)
def test_the_loader_returns_a_network_or_one_line_of_network_error(doc):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rojas.RojasWarning)
        try:
            net = from_dict(doc)
        except rojas.NetworkError as exc:
            message = str(exc)
            assert "\n" not in message
            message.encode("utf-8")       # printable anywhere: odd text is escaped
            return
    # accepted: it saves and loads back to the same document
    saved = json.loads(json.dumps(net.to_dict(), allow_nan=False))
    assert from_dict(saved, warn=False).to_dict() == saved
