"""Networks: file round trips and changing the numbers.

Expected labels come from tests/reference.py run on graphs built here, never
from rojas's own output.
"""

import json

import networkx as nx
import numpy as np
import pytest

import rojas

import reference as R

# RICH below carries fields rojas does not know on purpose (they must be kept and
# saved); the warnings about them are tested in test_network_fields.py.
pytestmark = pytest.mark.filterwarnings("ignore::rojas.RojasWarning")

MYSIG = {"mysig": {"f": "1/(1+exp(-s))", "df": "mysig(s)*(1-mysig(s))"}}


def mysig(s):
    import math
    return 1.0 / (1.0 + math.exp(-s))


PRIMS = {"mysig": (mysig, lambda s: mysig(s) * (1 - mysig(s)))}

# Integer ids, extra attributes everywhere, tied params, a file primitive, and
# an edge order unlike NetworkX's adjacency order (2->11 before 1->10, ...).
RICH = {"directed": True, "multigraph": False,
        "graph": {"name": "round trip", "params": {"t": 0.7, "u": -0.3}, "author": "tester",
                  "tags": ["a", 1, {"nested": [1.5, None]}], "primitives": MYSIG},
        "nodes": [{"id": 1, "fn": "input", "pos": [0, 1]}, {"id": 2, "fn": "input", "label": "x_2"},
                  {"id": 10, "fn": "mysig", "bias": 0.1, "layer": 1},
                  {"id": 11, "fn": "tanh", "combine": "product", "bias": -0.2, "layer": 1},
                  {"id": 12, "fn": "sin", "bias": 0.25},
                  {"id": 20, "fn": "sigmoid", "note": "first output"},
                  {"id": 21, "fn": "identity", "bias": 0.5}],
        "edges": [{"source": 2, "target": 11, "weight": 0.9},
                  {"source": 1, "target": 10, "param": "t", "name": "t1", "color": "red"},
                  {"source": 2, "target": 10, "weight": -0.4},
                  {"source": 1, "target": 11, "param": "u"},
                  {"source": 11, "target": 20, "param": "t", "name": "t2"},
                  {"source": 10, "target": 20, "weight": 1.2, "meta": {"k": [1, 2]}},
                  {"source": 10, "target": 12, "weight": 0.6},
                  {"source": 12, "target": 21, "weight": -1.3},
                  {"source": 1, "target": 21, "param": "u"},
                  {"source": 12, "target": 20, "weight": 0.35}]}
RICH_X = {1: 0.3, 2: -0.5}
RICH_T = {20: 0.1, 21: -0.2}


def rich_graph(doc=RICH):
    """The reference's view of a node-link document (built without rojas)."""
    G = nx.DiGraph(**doc["graph"])
    for node in doc["nodes"]:
        G.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for e in doc["edges"]:
        G.add_edge(e["source"], e["target"], **{k: v for k, v in e.items() if k not in ("source", "target")})
    return G


def write(tmp_path, name, doc):
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=2))
    return path


def assert_labels_equal(a, b):
    assert a.value == b.value
    assert a.weight_grad == b.weight_grad
    assert a.bias_grad == b.bias_grad
    assert a.param_grad == b.param_grad
    assert a.input_grad == b.input_grad
    assert dict(a.o) == dict(b.o) and dict(a.delta) == dict(b.delta)


def assert_labels_match_reference(lab, G, x, t=None, of=None):
    value, s, o, fprime, delta, rm = R.reverse_mode(G, x, t, of, prims=PRIMS)
    assert lab.value == pytest.approx(value, rel=1e-12, abs=1e-14)
    for key, mine in (("weight", lab.weight_grad), ("bias", lab.bias_grad),
                      ("param", lab.param_grad), ("input", lab.input_grad)):
        assert set(mine) == set(rm[key]), key
        for k, g in rm[key].items():
            assert mine[k] == pytest.approx(g, rel=1e-12, abs=1e-14), (key, k)


# ---------------------------------------------------------------------------- round trips
def test_mazur_round_trip_gives_the_identical_json_object(tmp_path):
    path = rojas.example_path("mazur")
    with open(path) as fh:
        original = json.load(fh)
    net = rojas.load(path)
    saved = net.save(tmp_path / "m.json")
    with open(saved) as fh:
        assert json.load(fh) == original
    net2 = rojas.load(saved)
    assert net2.edges == net.edges and net2.nodes == net.nodes
    x, t = rojas.load_data(rojas.example_path("mazur", "data"))
    assert_labels_equal(rojas.label(net, x, t), rojas.label(net2, x, t))


def test_rich_file_round_trip_keeps_labels(tmp_path):
    net = rojas.load(write(tmp_path, "rich.json", RICH))
    net2 = rojas.load(net.save(tmp_path / "again.json"))
    for args in ((RICH_X, RICH_T), ({"1": 0.3, "2": -0.5}, {"20": 0.1, "21": -0.2})):
        assert_labels_equal(rojas.label(net, *args), rojas.label(net2, *args))
    assert_labels_match_reference(rojas.label(net2, RICH_X, RICH_T), rich_graph(), RICH_X, RICH_T)
    # ints stay ints, attributes stay
    assert set(net2.nodes) == {1, 2, 10, 11, 12, 20, 21}
    G2 = net2.to_networkx()
    assert G2.graph["author"] == "tester" and G2.graph["tags"] == RICH["graph"]["tags"]
    assert G2.graph["primitives"] == MYSIG
    assert G2.nodes[1]["pos"] == [0, 1] and G2.nodes[11]["combine"] == "product"
    assert G2.edges[1, 10]["color"] == "red" and G2.edges[10, 20]["meta"] == {"k": [1, 2]}
    assert net2.primitive("mysig").source == (MYSIG["mysig"]["f"], MYSIG["mysig"]["df"])


def test_rich_file_round_trip_gives_the_identical_json_object(tmp_path):
    """load -> save reproduces the file's JSON object, edge order included."""
    net = rojas.load(write(tmp_path, "rich.json", RICH))
    with open(net.save(tmp_path / "again.json")) as fh:
        saved = json.load(fh)
    assert saved["graph"] == RICH["graph"]
    assert saved["nodes"] == RICH["nodes"]
    assert [(e["source"], e["target"]) for e in saved["edges"]] == \
        [(e["source"], e["target"]) for e in RICH["edges"]]
    assert saved == RICH


def test_edge_order_survives_save_load_and_copy(tmp_path):
    """Network.edges is "the file's order"; parameters() arrays are indexed by it."""
    net = rojas.load(write(tmp_path, "rich.json", RICH))
    order = [(e["source"], e["target"]) for e in RICH["edges"]]
    assert net.edges == order
    assert rojas.load(net.save(tmp_path / "again.json")).edges == order
    assert net.copy().edges == order
    # a weights array taken before saving means the same edges after loading
    net2 = rojas.load(tmp_path / "again.json")
    net2.set_parameters(weights=net.parameters()["weights"])
    for u, v in order:
        assert net2.weight(u, v) == net.weight(u, v), (u, v)


def test_save_load_save_is_a_fixed_point(tmp_path):
    net = rojas.load(write(tmp_path, "rich.json", RICH))
    first = net.save(tmp_path / "1.json")
    second = rojas.load(first).save(tmp_path / "2.json")
    with open(first) as a, open(second) as b:
        assert json.load(a) == json.load(b)


def test_digraph_round_trip_through_a_file(tmp_path):
    G = rich_graph()
    net = rojas.Network(G)
    net2 = rojas.load(net.save(tmp_path / "g.json"))
    assert_labels_equal(rojas.label(net, RICH_X, RICH_T), rojas.label(net2, RICH_X, RICH_T))
    H = net2.to_networkx()
    assert set(H.edges) == set(G.edges)
    for u, v in G.edges:
        assert H.edges[u, v] == G.edges[u, v]
    for n in G:
        assert H.nodes[n] == G.nodes[n]


# ---------------------------------------------------------------------------- setters
def test_setters_change_the_labels_as_expected(tmp_path):
    net = rojas.load(write(tmp_path, "rich.json", RICH))
    doc = json.loads(json.dumps(RICH))
    net.set_weight(2, 11, -1.7)
    net.set_bias(12, 0.0)
    net.set_bias(20, 0.45)           # a node that had no bias
    net.set_param("t", 1.25)
    for e in doc["edges"]:
        if (e["source"], e["target"]) == (2, 11):
            e["weight"] = -1.7
    for node in doc["nodes"]:
        if node["id"] == 12:
            node["bias"] = 0.0
        if node["id"] == 20:
            node["bias"] = 0.45
    doc["graph"]["params"]["t"] = 1.25
    G = rich_graph(doc)
    assert net.weight(2, 11) == -1.7 and net.bias(20) == 0.45 and net.params["t"] == 1.25
    assert net.weight(1, 10) == 1.25 and net.weight(11, 20) == 1.25   # tied edges follow t
    lab = rojas.label(net, RICH_X, RICH_T)
    assert_labels_match_reference(lab, G, RICH_X, RICH_T)
    # and they survive save/load
    net2 = rojas.load(net.save(tmp_path / "set.json"))
    assert net2.weight(2, 11) == -1.7 and net2.bias(20) == 0.45 and net2.params == {"t": 1.25, "u": -0.3}
    assert_labels_match_reference(rojas.label(net2, RICH_X, RICH_T), G, RICH_X, RICH_T)
    assert_labels_match_reference(rojas.label(net.copy(), RICH_X, RICH_T), G, RICH_X, RICH_T)


@pytest.mark.parametrize("setter", ["set_weight", "set_bias", "set_param"])
def test_setters_after_labeling_change_the_next_labeling(setter):
    """A network labeled once (numbers cached in arrays) must see a later setter."""
    net = rojas.Network(rich_graph())
    before = rojas.label(net, RICH_X, RICH_T)
    value_before = before.value
    doc = json.loads(json.dumps(RICH))
    if setter == "set_weight":
        net.set_weight(10, 20, -0.25)
        next(e for e in doc["edges"] if (e["source"], e["target"]) == (10, 20))["weight"] = -0.25
        assert net.weight(10, 20) == -0.25
    elif setter == "set_bias":
        net.set_bias(12, -0.9)
        next(n for n in doc["nodes"] if n["id"] == 12)["bias"] = -0.9
        assert net.bias(12) == -0.9
    else:
        net.set_param("u", 0.15)
        doc["graph"]["params"]["u"] = 0.15
        assert net.weight(1, 21) == 0.15
    assert before.value == value_before          # an old labeling keeps its numbers
    assert_labels_match_reference(rojas.label(net, RICH_X, RICH_T), rich_graph(doc), RICH_X, RICH_T)
    assert rojas.Network(net.to_networkx()).parameters()["params"] == net.parameters()["params"]


def test_set_parameters_changes_the_labels_and_survives_save_load(tmp_path):
    net = rojas.load(write(tmp_path, "rich.json", RICH))
    rojas.label(net, RICH_X, RICH_T)  # compile and cache first
    edges, nodes = net.edges, net.nodes
    rng = np.random.default_rng(7)
    weights = rng.uniform(-1, 1, size=len(edges))
    biases = rng.uniform(-0.5, 0.5, size=len(nodes))
    inputs = [k for k, n in enumerate(nodes) if n in (1, 2)]
    biases[inputs] = 0.0
    net.set_parameters(weights=weights, biases=biases, params={"u": 0.55})

    doc = json.loads(json.dumps(RICH))
    new_w = dict(zip(edges, weights.tolist()))
    for e in doc["edges"]:
        if "weight" in e:                    # tied entries of the array are ignored
            e["weight"] = new_w[(e["source"], e["target"])]
    new_b = dict(zip(nodes, biases.tolist()))
    for node in doc["nodes"]:
        if node["fn"] != "input":
            node["bias"] = new_b[node["id"]]
    doc["graph"]["params"]["u"] = 0.55
    G = rich_graph(doc)

    for (u, v), w in new_w.items():
        expected = {"t": 0.7, "u": 0.55}[G.edges[u, v]["param"]] if "param" in G.edges[u, v] else w
        assert net.weight(u, v) == expected
    assert net.params == {"t": 0.7, "u": 0.55}
    assert_labels_match_reference(rojas.label(net, RICH_X, RICH_T), G, RICH_X, RICH_T)
    net2 = rojas.load(net.save(tmp_path / "params.json"))
    for u, v in edges:
        assert net2.weight(u, v) == net.weight(u, v)
    for n in nodes:
        assert net2.bias(n) == net.bias(n)
    assert net2.params == net.params
    assert_labels_match_reference(rojas.label(net2, RICH_X, RICH_T), G, RICH_X, RICH_T)


def test_set_bias_after_set_parameters():
    net = rojas.Network(rich_graph())
    biases = net.parameters()["biases"]
    biases[net.nodes.index(10)] = 0.77
    net.set_parameters(biases=biases)
    net.set_bias(21, -0.9)
    assert net.bias(21) == -0.9 and net.bias(10) == 0.77
    doc = json.loads(json.dumps(RICH))
    next(n for n in doc["nodes"] if n["id"] == 21)["bias"] = -0.9
    next(n for n in doc["nodes"] if n["id"] == 10)["bias"] = 0.77
    assert_labels_match_reference(rojas.label(net, RICH_X, RICH_T), rich_graph(doc), RICH_X, RICH_T)


def test_set_bias_with_integer_node_ids_keeps_the_network_usable():
    net = (rojas.Network().add_input(0).add_unit(1, "tanh", bias=0.1).add_unit(2, "identity")
           .add_edge(0, 1, weight=0.5).add_edge(1, 2, weight=2.0))
    rojas.label(net, {0: 1.0})
    net.set_bias(1, -0.4)
    assert net.bias(1) == -0.4
    assert net.bias(2) == 0.0
    import math
    assert rojas.label(net, {0: 1.0}).value == pytest.approx(2.0 * math.tanh(0.5 - 0.4), rel=1e-14)


def test_setters_refuse_what_they_cannot_set():
    net = rojas.Network(rich_graph())
    with pytest.raises(rojas.NetworkError, match="param"):
        net.set_weight(1, 10, 0.5)          # tied: set the param
    with pytest.raises(rojas.NetworkError):
        net.set_weight(1, 2, 0.5)           # no such edge
    with pytest.raises(rojas.NetworkError):
        net.set_bias(1, 0.5)                # an input
    with pytest.raises(rojas.NetworkError):
        net.set_param("nope", 0.5)
    with pytest.raises(rojas.NetworkError):
        net.set_weight(2, 11, float("nan"))
    with pytest.raises(rojas.NetworkError):
        net.set_bias(10, float("inf"))
    with pytest.raises(rojas.NetworkError):
        net.set_parameters(weights=np.zeros(3))
    with pytest.raises(rojas.NetworkError):
        net.set_parameters(weights=np.full(len(net.edges), np.nan))
    with pytest.raises(rojas.NetworkError):
        net.set_parameters(params={"nope": 1.0})
    # nothing above changed the network
    assert_labels_match_reference(rojas.label(net, RICH_X, RICH_T), rich_graph(), RICH_X, RICH_T)


def test_set_parameters_refuses_a_bias_on_an_input():
    """Its docstring: "biases ... entries of inputs must be 0"."""
    net = rojas.Network(rich_graph())
    biases = net.parameters()["biases"]
    biases[net.nodes.index(1)] = 5.0
    with pytest.raises(rojas.NetworkError):
        net.set_parameters(biases=biases)
    assert net.bias(1) == 0.0


# ---------------------------------------------------------------------------- malformed networks
@pytest.mark.parametrize("mutate, mention", [
    (lambda G: G.add_edge(21, 10, weight=1.0), "cycle"),
    (lambda G: G.add_edge(10, 1, weight=1.0), "input"),
    (lambda G: G.edges[2, 11].update(param="t"), "both"),
    (lambda G: G.edges[2, 11].pop("weight"), "neither"),
    (lambda G: G.edges[2, 11].update(weight=float("nan")), "finite"),
    (lambda G: G.edges[1, 21].update(param="zzz"), "zzz"),
    (lambda G: G.nodes[1].update(bias=0.5), "bias"),
    (lambda G: G.nodes[10].update(combine="median"), "median"),
    (lambda G: G.nodes[10].pop("fn"), "fn"),
])
def test_malformed_networks_are_refused(mutate, mention):
    G = rich_graph()
    mutate(G)
    with pytest.raises(rojas.NetworkError) as info:
        rojas.Network(G)
    assert mention in str(info.value), str(info.value)
