"""Network.graph (a read-only view), one source of truth for the numbers, and the
loader's vectorized checks against NetworkX on random graphs."""

import json

import networkx as nx
import numpy as np
import pytest

import rojas

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def tied_net():
    """x → h → y with h's bias and the edge h→y tied to param "t"."""
    return (rojas.Network(name="tied").add_param("t", 0.5).add_input("x")
            .add_unit("h", "tanh", bias_param="t").add_unit("y", "identity", bias=0.2)
            .add_edge("x", "h", weight=1.5, name="w1").add_edge("h", "y", param="t"))


# ---------------------------------------------------------------------------- read-only
def test_the_graph_refuses_every_change():
    net = tied_net()
    G = net.graph
    with pytest.raises(nx.NetworkXError, match="Frozen graph"):
        G.add_edge("x", "y", weight=1.0)
    with pytest.raises(nx.NetworkXError, match="Frozen graph"):
        G.remove_node("h")
    with pytest.raises(TypeError, match="Network.graph is read-only"):
        G.edges["x", "h"]["weight"] = 3.0
    with pytest.raises(TypeError, match="read-only"):
        G.nodes["y"]["bias"] = 3.0
    with pytest.raises(TypeError, match="read-only"):
        G.graph["params"] = {}
    with pytest.raises(TypeError, match="read-only"):
        G.nodes["y"].update(bias=1.0)
    assert net.weight("x", "h") == 1.5 and net.bias("y") == 0.2


def test_copies_of_the_graph_are_changeable_and_leave_the_network_alone():
    net = tied_net()
    H = nx.DiGraph(net.graph)          # a plain copy
    H.edges["x", "h"]["weight"] = 9.0
    K = net.to_networkx()
    K.edges["x", "h"]["weight"] = 8.0
    K.add_edge("x", "y", weight=1.0)
    import copy
    D = copy.deepcopy(net.graph)
    D.nodes["y"]["bias"] = 7.0
    assert net.weight("x", "h") == 1.5 and net.graph.edges["x", "h"]["weight"] == 1.5
    assert net.bias("y") == 0.2 and not net.graph.has_edge("x", "y")


def test_values_are_read_only_views_of_the_truth():
    net = tied_net()
    w, b, p = net.values()
    with pytest.raises(ValueError):
        w[0] = 2.0
    net.set_weight("x", "h", -1.0)
    assert w[0] == -1.0                # the same array: it shows the change
    assert net.values()[0] is w        # and is handed out again until the structure changes


# ---------------------------------------------------------------------------- one truth
@pytest.mark.parametrize("change", ["set_weight", "set_bias", "set_param", "set_parameters"])
def test_every_change_is_seen_everywhere(change):
    net = tied_net()
    G = net.graph                          # built before the change
    if change == "set_weight":
        net.set_weight("x", "h", -0.75)
        w1, t, by = -0.75, 0.5, 0.2
    elif change == "set_bias":
        net.set_bias("y", 1.25)
        w1, t, by = 1.5, 0.5, 1.25
    elif change == "set_param":
        net.set_param("t", -2.0)
        w1, t, by = 1.5, -2.0, 0.2
    else:
        net.set_parameters(weights=[0.25, 99.0], biases=[0.0, 99.0, -0.5], params={"t": 3.0})
        w1, t, by = 0.25, 3.0, -0.5    # tied entries (99.0) are ignored
    views = [net.graph, G]             # the same object, brought up to date when read
    assert views[0] is views[1]
    assert G.edges["x", "h"]["weight"] == w1 and G.graph["params"] == {"t": t}
    assert G.nodes["y"]["bias"] == by and "bias" not in G.nodes["h"]     # a tied bias is not written
    assert net.weight("x", "h") == w1 and net.weight("h", "y") == t and net.bias("h") == t
    assert net.values()[0].tolist() == [w1, t] and net.values()[1].tolist() == [0.0, t, by]
    d = net.to_dict()
    assert d["edges"][0]["weight"] == w1 and d["graph"]["params"] == {"t": t}
    assert d["nodes"][2]["bias"] == by and d["nodes"][1] == {"id": "h", "fn": "tanh", "bias_param": "t"}
    K = net.to_networkx()
    assert K.edges["x", "h"]["weight"] == w1 and K.nodes["y"]["bias"] == by
    # o_y = t·tanh(w1·x + t) + b_y, by hand
    assert rojas.label(net, {"x": 0.4}, of="y").value == pytest.approx(t * np.tanh(w1 * 0.4 + t) + by,
                                                                       rel=1e-14)


def test_a_network_from_a_users_digraph_with_numpy_numbers():
    G = nx.DiGraph(params={"t": np.float64(0.5)})
    G.add_node("x", fn="input")
    G.add_node("y", fn="identity", bias=np.float32(0.25))
    G.add_edge("x", "y", weight=np.float64(2.0))
    net = rojas.Network(G)
    assert net.bias("y") == 0.25 and net.weight("x", "y") == 2.0
    assert json.loads(json.dumps(net.to_dict()))["edges"][0]["weight"] == 2.0     # saveable
    G.edges["x", "y"]["weight"] = 5.0     # the user's graph was copied
    assert net.weight("x", "y") == 2.0


# ---------------------------------------------------------------------------- loader vs NetworkX
def node_link(G):
    return {"directed": True, "multigraph": False, "graph": {},
            "nodes": [{"id": n, "fn": "input" if G.in_degree(n) == 0 and n % 3 == 0 else "tanh"} for n in G],
            "edges": [{"source": u, "target": v, "weight": 0.5} for u, v in G.edges]}


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), p=st.floats(0.0, 0.4), seed=st.integers(0, 10**6), acyclic=st.booleans(),
       as_text=st.booleans())
def test_loader_agrees_with_networkx_on_random_graphs(n, p, seed, acyclic, as_text):
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    if acyclic:
        G = nx.DiGraph((u, v) for u, v in G.edges if u < v)
        G.add_nodes_from(range(n))
    doc = node_link(G)
    if as_text:
        for d in doc["nodes"]:
            d["id"] = f"n{d['id']}"
        for e in doc["edges"]:
            e["source"], e["target"] = f"n{e['source']}", f"n{e['target']}"
    if nx.is_directed_acyclic_graph(G):
        net = rojas.network.from_dict(doc)
        expected = np.empty(n, dtype=int)
        for k, gen in enumerate(nx.topological_generations(G)):
            expected[list(gen)] = k
        order = [int(str(node).lstrip("n")) for node in net.nodes]
        assert net.levels().tolist() == expected[order].tolist()
        assert sorted(net.edges) == sorted(doc_edge for doc_edge in ((e["source"], e["target"])
                                                                      for e in doc["edges"]))
        assert nx.utils.graphs_equal(net.graph, net.to_networkx())
    else:
        with pytest.raises(rojas.NetworkError, match="the network has a cycle: ") as info:
            rojas.network.from_dict(doc)
        # the cycle named is one: consecutive ids are edges, and it closes
        path = str(info.value).split("the network has a cycle: ")[1].split(" -> ")
        ids = [int(x.strip("'n")) for x in path]
        assert ids[0] == ids[-1] and all(G.has_edge(a, b) for a, b in zip(ids, ids[1:]))


def test_the_builder_and_the_loader_agree():
    G = nx.gnp_random_graph(30, 0.2, seed=3, directed=True)
    G = nx.DiGraph((u, v) for u, v in G.edges if u < v)
    G.add_nodes_from(range(30))
    doc = node_link(G)
    built = rojas.Network()
    for d in doc["nodes"]:
        (built.add_input(d["id"]) if d["fn"] == "input" else built.add_unit(d["id"], d["fn"]))
    for e in doc["edges"]:
        built.add_edge(e["source"], e["target"], weight=e["weight"])
    loaded = rojas.network.from_dict(doc)
    assert built.to_dict() == loaded.to_dict()
    assert built.levels().tolist() == loaded.levels().tolist()
    assert built.inputs == loaded.inputs and built.outputs == loaded.outputs
