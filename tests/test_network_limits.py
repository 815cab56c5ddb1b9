"""Hostile and odd network files: each refused with one line naming the culprit.

Every case goes through ``rojas.load`` (the message) and, where a builder
method takes the same value, through it too; a few go through the command line
(exit 2, one line on stderr, no traceback).
"""

import json
import os
import stat
import warnings

import networkx as nx
import numpy as np
import pytest

import rojas
from rojas.cli import main
from rojas.network import MAX_FILE_ENV, MAX_NESTING, RESERVED_NAMES

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out


def doc(nodes=None, edges=None, **graph):
    """x → h (tanh) → y (identity): a small valid network to spoil."""
    return {"directed": True, "multigraph": False, "graph": {"name": "n", "params": {"t": 0.5}, **graph},
            "nodes": nodes if nodes is not None else
            [{"id": "x", "fn": "input"}, {"id": "h", "fn": "tanh", "bias": 0.1}, {"id": "y", "fn": "identity"}],
            "edges": edges if edges is not None else
            [{"source": "x", "target": "h", "weight": 0.5, "name": "w1"},
             {"source": "h", "target": "y", "param": "t"}]}


def write(tmp_path, content, name="net.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def refused(tmp_path, content, *fragments):
    """Load must raise a RojasError whose one-line message holds every fragment."""
    path = write(tmp_path, content)
    with pytest.raises(rojas.RojasError) as info:
        rojas.load(path)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def cli_refuses(capsys, path, fragment):
    assert main(["grad", str(path), "--of", "y"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rojas: error:") and fragment in err[0], err
    return err[0]


# ---------------------------------------------------------------------------- the file itself
def test_a_character_device_is_refused_before_reading(capsys):
    for device in ("/dev/zero", "/dev/urandom"):
        if not os.path.exists(device):
            pytest.skip(f"no {device}")
        with pytest.raises(rojas.RojasError, match=f"network file '{device}' is a character device, "
                                                   "not a regular file"):
            rojas.load(device)
    cli_refuses(capsys, "/dev/zero", "is a character device")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "fifo.json"
    os.mkfifo(path)
    assert stat.S_ISFIFO(os.stat(path).st_mode)
    with pytest.raises(rojas.RojasError, match="is a FIFO, not a regular file"):
        rojas.load(path)        # opening it for reading would wait for a writer forever


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(rojas.RojasError, match="is a directory, not a regular file"):
        rojas.load(tmp_path)


def test_a_file_over_the_size_limit_names_the_limit_the_size_and_the_variable(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, doc())
    size = os.path.getsize(path)
    monkeypatch.setenv(MAX_FILE_ENV, "0.0001")              # 104 bytes
    assert size > 105
    message = refused(tmp_path, doc(), f"is {size / 2**20:.1f} MB, over the limit of 0.0 MB",
                      f"set {MAX_FILE_ENV}")
    assert str(path) in message
    cli_refuses(capsys, path, MAX_FILE_ENV)
    monkeypatch.setenv(MAX_FILE_ENV, "1")
    assert len(rojas.load(path)) == 3                      # raised: loads


@pytest.mark.parametrize("value", ["abc", "-1", "0", "inf", "nan"])
def test_a_bad_size_limit_is_named(tmp_path, monkeypatch, value):
    path = write(tmp_path, doc())
    monkeypatch.setenv(MAX_FILE_ENV, value)
    with pytest.raises(rojas.RojasError, match=f"{MAX_FILE_ENV}={value!r}: give the file size limit"):
        rojas.load(path)


def test_an_integer_of_5000_digits_is_refused(tmp_path, capsys):
    text = json.dumps(doc()).replace('"weight": 0.5', '"weight": ' + "9" * 5000)
    refused(tmp_path, text, "holds an integer of more than 4300 digits (5000 digits)")
    cli_refuses(capsys, tmp_path / "net.json", "more than 4300 digits")


def test_an_integer_beyond_float_range_is_named(tmp_path):
    text = json.dumps(doc()).replace('"weight": 0.5', '"weight": ' + "9" * 400)
    refused(tmp_path, text, "edge 'x'->'h' (w1): weight must be finite, got an integer of 400 digits")
    with pytest.raises(rojas.NetworkError, match="an integer of 400 digits"):
        rojas.Network().add_input("x").add_unit("h", "tanh").add_edge("x", "h", weight=10**399)


def test_deep_nesting_is_refused(tmp_path):
    refused(tmp_path, "[" * 100_000 + "]" * 100_000, "nests lists or objects too deeply")
    nested = 1.0
    for _ in range(MAX_NESTING + 1):
        nested = [nested]
    refused(tmp_path, doc(**{"x-deep": nested}), f"graph field 'x-deep' nests lists or objects more than "
                                                 f"{MAX_NESTING} deep")


def test_not_utf8_is_named(tmp_path):
    path = tmp_path / "net.json"
    path.write_bytes(b'{"directed": true, "name": "\xff"}')
    with pytest.raises(rojas.RojasError, match=r"is not UTF-8 text \(byte 28\)"):
        rojas.load(path)


# ---------------------------------------------------------------------------- odd values
@pytest.mark.parametrize("param", [["t"], {"t": 1}, 5, None])
def test_an_edge_param_that_is_not_a_name_is_refused(tmp_path, param):
    edges = [{"source": "x", "target": "h", "weight": 0.5}, {"source": "h", "target": "y", "param": param}]
    refused(tmp_path, doc(edges=edges), "edge 'h'->'y': field 'param' must be the name of a graph param")
    net = rojas.Network().add_param("t", 1.0).add_input("x").add_unit("h", "tanh")
    with pytest.raises(rojas.NetworkError, match="field 'param' must be the name of a graph param"):
        net.add_edge("x", "h", param=param if param is not None else 3)
    assert net.edges == []


@pytest.mark.parametrize("bad_id", [[1, 2], {"a": 1}, 1.5, True, None])
def test_ids_must_be_strings_or_integers(tmp_path, bad_id):
    nodes = [{"id": "x", "fn": "input"}, {"id": bad_id, "fn": "tanh"}, {"id": "y", "fn": "identity"}]
    refused(tmp_path, doc(nodes=nodes, edges=[]), "node #1 id", "must be a string or integer")


@pytest.mark.parametrize("bad_id", [("a", 1), frozenset({"a"}), 1.5])
def test_tuple_and_frozenset_ids_are_refused_by_the_builder_and_from_networkx(bad_id):
    with pytest.raises(rojas.NetworkError, match="must be a string or an integer"):
        rojas.Network().add_input(bad_id)
    G = nx.DiGraph()
    G.add_node(bad_id, fn="input")
    with pytest.raises(rojas.NetworkError, match="must be a string or integer"):
        rojas.Network(G)


def test_ids_equal_as_text_are_refused_naming_both(tmp_path):
    nodes = [{"id": 1, "fn": "input"}, {"id": "1", "fn": "tanh"}]
    refused(tmp_path, doc(nodes=nodes, edges=[{"source": 1, "target": "1", "weight": 1.0}]),
            "nodes 1 and '1' have the same id as text")
    net = rojas.Network().add_input(1).add_unit("1", "tanh").add_edge(1, "1", weight=1.0)
    with pytest.raises(rojas.NetworkError, match="nodes 1 and '1' have the same id as text"):
        net.validate()


@pytest.mark.parametrize("reserved", RESERVED_NAMES)
def test_reserved_names_are_refused_everywhere(tmp_path, reserved):
    nodes = doc()["nodes"] + [{"id": reserved, "fn": "identity"}]
    refused(tmp_path, doc(nodes=nodes), f"node id {reserved!r} is reserved: claims read E, L, C")
    edges = doc()["edges"]
    edges[0]["name"] = reserved
    refused(tmp_path, doc(edges=edges), f"edge 'x'->'h' ({reserved}): edge name {reserved!r} is reserved")
    refused(tmp_path, doc(params={reserved: 1.0}), f"param name {reserved!r} is reserved")
    with pytest.raises(rojas.NetworkError, match="is reserved"):
        rojas.Network().add_input(reserved)
    with pytest.raises(rojas.NetworkError, match="is reserved"):
        rojas.Network().add_param(reserved, 1.0)
    with pytest.raises(rojas.NetworkError, match="is reserved"):
        rojas.Network().add_input("x").add_unit("h", "tanh").add_edge("x", "h", weight=1.0, name=reserved)


def test_params_colliding_with_node_ids_or_edge_names_are_refused(tmp_path):
    refused(tmp_path, doc(params={"t": 0.5, "h": 1.0}), "param 'h' is also a node id")
    refused(tmp_path, doc(params={"t": 0.5, "w1": 1.0}), "param 'w1' is also the name of edge 'x'->'h'")
    net = rojas.Network().add_input("x").add_unit("h", "tanh").add_param("h", 1.0)
    with pytest.raises(rojas.NetworkError, match="param 'h' is also a node id"):
        net.validate()


@pytest.mark.parametrize("where", ["graph", "node", "edge"])
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_passthrough_values_are_refused_naming_the_field(tmp_path, where, value):
    d = doc()
    target = {"graph": d["graph"], "node": d["nodes"][1], "edge": d["edges"][0]}[where]
    target["x-note"] = {"list": [1, "__BAD__"]}
    text = json.dumps(d).replace('"__BAD__"', value)
    name = {"graph": "graph field 'x-note'", "node": "node 'h': field 'x-note'",
            "edge": "edge 'x'->'h' (w1): field 'x-note'"}[where]
    refused(tmp_path, text, f"{name} holds", "finite numbers only")


def test_a_non_string_network_name_is_refused(tmp_path):
    for name in (5, {}, None):
        refused(tmp_path, doc(name=name), "graph field 'name' must be a string")
    with pytest.raises(rojas.NetworkError, match="name must be a string"):
        rojas.Network(name=5)


@pytest.mark.parametrize("where", ["id", "edge name", "param", "name", "passthrough"])
def test_lone_surrogates_are_refused_naming_the_field(tmp_path, capsys, where):
    d = doc()
    if where == "id":
        d["nodes"][1]["id"] = "h\ud800"
        for e in d["edges"]:
            e["source"] = "h\ud800" if e["source"] == "h" else e["source"]
            e["target"] = "h\ud800" if e["target"] == "h" else e["target"]
        fragment = "node id 'h\\ud800' contains a lone surrogate"
    elif where == "edge name":
        d["edges"][0]["name"] = "w\ud800"
        fragment = "edge name 'w\\ud800' contains a lone surrogate"
    elif where == "param":
        d["graph"]["params"]["\ud800"] = 1.0
        fragment = "param name '\\ud800' contains a lone surrogate"
    elif where == "name":
        d["graph"]["name"] = "\ud800"
        fragment = "graph field 'name' '\\ud800' contains a lone surrogate"
    else:
        d["nodes"][1]["x-note"] = ["\ud800"]
        fragment = "node 'h': field 'x-note' holds text '\\ud800' contains a lone surrogate"
    path = tmp_path / "net.json"
    path.write_text(json.dumps(d))       # json escapes the surrogate as \ud800: valid JSON
    with pytest.raises(rojas.NetworkError) as info:
        rojas.load(path)
    assert fragment in str(info.value)
    line = cli_refuses(capsys, path, "lone surrogate")
    line.encode("utf-8")                  # the message itself prints anywhere


def test_a_valid_file_warns_nothing(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = rojas.load(write(tmp_path, doc()))
    assert net.edges == [("x", "h"), ("h", "y")]


# ---------------------------------------------------------------------------- a long chain
def test_a_100000_unit_chain_loads_and_labels(tmp_path):
    """The loader's path for deep graphs (pure-Python generations); numbers by hand."""
    n = 100_000
    ids = ["x"] + [f"n{i}" for i in range(n)]
    d = {"directed": True, "multigraph": False, "graph": {},
         "nodes": [{"id": "x", "fn": "input"}] + [{"id": i, "fn": "identity", "bias": 1.0} for i in ids[1:]],
         "edges": [{"source": a, "target": b, "weight": 1.0} for a, b in zip(ids, ids[1:])]}
    net = rojas.load(write(tmp_path, d))
    assert len(net) == n + 1 and net.outputs == [f"n{n - 1}"]
    assert np.array_equal(net.levels(), np.arange(n + 1))
    assert net.bias(f"n{n - 1}") == 1.0 and net.weight("n5", "n6") == 1.0
    G = net.graph
    assert G.number_of_edges() == n and nx.dag_longest_path_length(G) == n
