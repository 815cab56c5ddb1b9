"""Graph field "outputs", node field "bias_param", and warnings about unknown fields.

Expected numbers are worked by hand from the definitions (s = Σ w·o + b, o = f(s),
E = ½ Σ_k (o_k − t_k)² over the named outputs).
"""

import json
import math
import warnings

import pytest

import rojas
from rojas.errors import RojasWarning


def chain_doc(**graph):
    """x → h (tanh) → y (identity), h's bias tied to param "c"."""
    return {"directed": True, "multigraph": False,
            "graph": {"name": "tied", "params": {"c": 0.3}, **graph},
            "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "tanh", "bias_param": "c"},
                      {"id": "y", "fn": "identity", "bias_param": "c"}],
            "edges": [{"source": "x", "target": "h", "weight": 0.5, "name": "w1"},
                      {"source": "h", "target": "y", "weight": 2.0, "name": "w2"}]}


def load_doc(tmp_path, doc, name="net.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return rojas.load(path)


# ---------------------------------------------------------------------------- outputs
def test_outputs_default_to_the_sinks_and_can_be_named(tmp_path):
    assert load_doc(tmp_path, chain_doc()).outputs == ["y"]
    net = load_doc(tmp_path, chain_doc(outputs=["h", "y"]))
    assert net.outputs == ["h", "y"]
    assert load_doc(tmp_path, chain_doc(outputs=["h"])).outputs == ["h"]


def test_outputs_round_trip_through_a_file_and_networkx(tmp_path):
    net = load_doc(tmp_path, chain_doc(outputs=["y", "h"]))
    again = rojas.load(net.save(tmp_path / "again.json"))
    assert again.outputs == ["y", "h"]
    assert json.loads((tmp_path / "again.json").read_text())["graph"]["outputs"] == ["y", "h"]
    assert rojas.Network(net.to_networkx()).outputs == ["y", "h"]
    assert net.copy().outputs == ["y", "h"]


def test_set_outputs_builds_and_resets():
    net = (rojas.Network().add_input("x").add_unit("h", "tanh").add_unit("y", "identity")
           .add_edge("x", "h", weight=1.0).add_edge("h", "y", weight=2.0))
    assert net.set_outputs(["h", "y"]).outputs == ["h", "y"]
    assert net.to_dict()["graph"]["outputs"] == ["h", "y"]
    assert net.set_outputs(None).outputs == ["y"] and "outputs" not in net.to_dict()["graph"]


@pytest.mark.parametrize("outputs, message", [
    (["h", "nosuch"], "graph field 'outputs': unknown node 'nosuch'"),
    (["x"], "graph field 'outputs': 'x' is not a unit \\(it is an input node\\)"),
    (["h", "y", "h"], "graph field 'outputs' lists 'h' twice"),
    ([], "graph field 'outputs' must be a non-empty list"),
    ("y", "graph field 'outputs' must be a non-empty list"),
])
def test_bad_outputs_are_refused_naming_them(tmp_path, outputs, message):
    with pytest.raises(rojas.NetworkError, match=message):
        load_doc(tmp_path, chain_doc(outputs=outputs))
    net = load_doc(tmp_path, chain_doc())
    if isinstance(outputs, list) and outputs:
        with pytest.raises(rojas.NetworkError, match=message):
            net.set_outputs(outputs)
        assert net.outputs == ["y"]   # nothing changed


def test_targets_address_the_named_outputs(tmp_path):
    net = load_doc(tmp_path, chain_doc(outputs=["h", "y"]))
    x, t, _, _ = rojas.prepare(net, {"x": 1.0}, {"h": 0.1, "y": 0.2})
    assert t == {"h": 0.1, "y": 0.2}
    with pytest.raises(rojas.DataError, match="no target for output 'h'"):
        rojas.prepare(net, {"x": 1.0}, {"y": 0.2})
    only_h = load_doc(tmp_path, chain_doc(outputs=["h"]))
    with pytest.raises(rojas.DataError, match="node 'y' is not an output"):
        rojas.prepare(only_h, {"x": 1.0}, {"h": 0.1, "y": 0.2})


def test_cli_names_a_bad_output(tmp_path, capsys):
    from rojas.cli import main

    path = tmp_path / "bad.json"
    path.write_text(json.dumps(chain_doc(outputs=["zz"])))
    assert main(["grad", str(path), "--data", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown node 'zz'" in err[0] and err[0].startswith("rojas: error:")


# ---------------------------------------------------------------------------- bias_param
def test_a_tied_bias_holds_its_params_value_in_every_reading(tmp_path):
    net = load_doc(tmp_path, chain_doc())
    assert net.bias_param("h") == "c" and net.bias_param("x") is None
    assert net.bias("h") == 0.3 and net.bias("y") == 0.3
    assert net.parameters()["biases"].tolist() == [0.0, 0.3, 0.3]
    # o_y = 2·tanh(0.5·x + c) + c, by hand
    lab = rojas.label(net, {"x": 1.0}, of="y")
    assert lab.value == pytest.approx(2 * math.tanh(0.5 + 0.3) + 0.3, rel=1e-14)
    net.set_param("c", -0.1)
    assert net.bias("h") == -0.1 and net.bias("y") == -0.1
    assert rojas.label(net, {"x": 1.0}, of="y").value == pytest.approx(2 * math.tanh(0.4) - 0.1, rel=1e-14)
    net.set_parameters(params={"c": 0.7}, biases=[0.0, 5.0, 5.0])   # tied entries are ignored
    assert net.bias("h") == 0.7 and net.bias("y") == 0.7


def test_bias_param_round_trips_and_the_tied_bias_is_not_written(tmp_path):
    net = load_doc(tmp_path, chain_doc())
    net.set_param("c", 1.5)
    saved = json.loads(open(net.save(tmp_path / "again.json")).read())
    assert saved["nodes"] == chain_doc()["nodes"] and saved["graph"]["params"] == {"c": 1.5}
    again = rojas.load(tmp_path / "again.json")
    assert again.bias_param("y") == "c" and again.bias("y") == 1.5
    assert rojas.Network(net.to_networkx()).bias("h") == 1.5


def test_add_unit_with_a_bias_param():
    net = (rojas.Network().add_param("c", 0.25).add_input("x").add_unit("y", "identity", bias_param="c")
           .add_edge("x", "y", weight=2.0))
    assert net.bias("y") == 0.25 and net.to_dict()["nodes"][1] == {"id": "y", "fn": "identity", "bias_param": "c"}
    assert rojas.label(net, {"x": 1.0}, of="y").value == 2.25
    with pytest.raises(rojas.NetworkError, match="node 'y': its bias is tied to param 'c'; set the param"):
        net.set_bias("y", 1.0)


@pytest.mark.parametrize("node, message", [
    ({"id": "h", "fn": "tanh", "bias_param": "nope"}, "node 'h': unknown bias_param 'nope'"),
    ({"id": "h", "fn": "tanh", "bias_param": ["c"]}, "node 'h': unknown bias_param \\['c'\\]"),
    ({"id": "h", "fn": "tanh", "bias_param": "c", "bias": 0.1}, "node 'h' has both 'bias' and 'bias_param'"),
    ({"id": "x", "fn": "input", "bias_param": "c"}, "input node 'x' cannot have a 'bias_param'"),
])
def test_bad_bias_params_are_refused(tmp_path, node, message):
    doc = chain_doc()
    doc["nodes"] = [node if n["id"] == node["id"] else n for n in doc["nodes"]]
    with pytest.raises(rojas.NetworkError, match=message):
        load_doc(tmp_path, doc)
    with pytest.raises(rojas.NetworkError):
        rojas.Network().add_param("c", 1.0).add_unit("h", "tanh", bias_param="nope")
    with pytest.raises(rojas.NetworkError):
        rojas.Network().add_param("c", 1.0).add_unit("h", "tanh", bias=0.5, bias_param="c")


# ---------------------------------------------------------------------------- unknown fields
def test_unknown_fields_warn_once_per_kind_and_are_kept(tmp_path):
    doc = chain_doc(author="me")
    doc["nodes"][1]["colour"] = "red"
    doc["nodes"][2]["colour"] = "blue"
    doc["edges"][0]["bais"] = 1.0
    with pytest.warns(RojasWarning) as record:
        net = load_doc(tmp_path, doc)
    messages = [str(w.message) for w in record]
    assert len(messages) == 3
    assert "unknown graph field 'author'" in messages[0]
    assert "unknown node field 'colour'" in messages[1]
    assert "unknown edge field 'bais'" in messages[2]
    assert net.to_dict()["edges"][0]["bais"] == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.copy()                       # a copy of a loaded network says nothing again


def test_passthrough_fields_do_not_warn(tmp_path):
    doc = chain_doc(**{"x-author": "me", "label": "a net"})
    doc["nodes"][1].update({"label": "$h$", "pos": [1, 2], "x-colour": "red"})
    doc["edges"][0].update({"label": "w", "x-note": {"k": 1}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = load_doc(tmp_path, doc)
    assert net.to_dict()["nodes"][1]["x-colour"] == "red"


def test_cli_prints_an_unknown_field_as_one_warning_line(tmp_path, capsys):
    from rojas.cli import main

    doc = chain_doc()
    doc["nodes"][1]["bais"] = 0.5
    net_path, data_path = tmp_path / "n.json", tmp_path / "d.json"
    net_path.write_text(json.dumps(doc))
    data_path.write_text(json.dumps({"inputs": {"x": 1.0}, "targets": {"y": 0.5}}))
    assert main(["grad", str(net_path), "--data", str(data_path)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"rojas: warning: {net_path}: unknown node field 'bais' kept but not used by rojas "
                   "(prefix with 'x-' to mark it as yours)"]
