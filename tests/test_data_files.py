"""Data files and prepare(): limits, odd keys, targets on the named outputs."""

import json
import os

import pytest

import rojas
from rojas.cli import main
from rojas.network import MAX_FILE_ENV


def net_with_int_ids():
    return (rojas.Network().add_input(1).add_unit(2, "tanh").add_unit(3, "identity")
            .add_edge(1, 2, weight=0.5).add_edge(2, 3, weight=2.0))


def write(tmp_path, content, name="data.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_a_data_file_over_the_limit_is_refused_naming_the_variable(tmp_path, monkeypatch):
    path = write(tmp_path, {"inputs": {"x": [0.0] * 100}})
    monkeypatch.setenv(MAX_FILE_ENV, "0.0001")
    with pytest.raises(rojas.RojasError, match=f"data file '{path}' is .* MB, over the limit .* {MAX_FILE_ENV}"):
        rojas.load_data(path)


def test_a_device_as_data_file_is_refused():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(rojas.RojasError, match="data file '/dev/zero' is a character device"):
        rojas.load_data("/dev/zero")


def test_cli_data_from_a_device_exits_2_with_one_line(capsys):
    if not os.path.exists("/dev/urandom"):
        pytest.skip("no /dev/urandom")
    assert main(["grad", rojas.example_path("mazur"), "--data", "/dev/urandom"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["rojas: error: data file '/dev/urandom' is a character device, not a regular file; "
                   "give a JSON file"]


def test_a_huge_integer_in_a_data_file(tmp_path):
    path = write(tmp_path, '{"inputs": {"x": ' + "1" * 5000 + "}}")
    with pytest.raises(rojas.RojasError, match="holds an integer of more than 4300 digits"):
        rojas.load_data(path)
    path = write(tmp_path, '{"inputs": {"x": ' + "1" * 400 + "}}")
    x, _ = rojas.load_data(path)
    with pytest.raises(rojas.DataError, match="input 'x' must be finite, got an integer of 400 digits"):
        rojas.prepare(rojas.Network().add_input("x").add_unit("y", "tanh").add_edge("x", "y", weight=1.0), x)


def test_a_lone_surrogate_key_is_refused_naming_the_field(tmp_path):
    path = write(tmp_path, json.dumps({"inputs": {"x\ud800": 1.0}}))
    with pytest.raises(rojas.DataError, match=r"field 'inputs': key 'x\\ud800' contains a lone surrogate"):
        rojas.load_data(path)


def test_nested_values_are_refused(tmp_path):
    net = rojas.Network().add_input("x").add_unit("y", "tanh").add_edge("x", "y", weight=1.0)
    with pytest.raises(rojas.DataError, match=r"input .x. must be a list of numbers, found \[1.0, 2.0\]"):
        rojas.prepare(net, {"x": [[1.0, 2.0]]})


def test_keys_find_integer_ids_by_their_text():
    net = net_with_int_ids()
    x, t, batch, of = rojas.prepare(net, {"1": 0.3}, {"3": 0.1})
    assert x == {1: 0.3} and t == {3: 0.1} and batch is None and of is None
    with pytest.raises(rojas.DataError, match="inputs: unknown node '4'"):
        rojas.prepare(net, {"4": 0.3})


def test_targets_may_address_every_named_output_and_only_those():
    net = net_with_int_ids().set_outputs([2, 3])
    _, t, _, _ = rojas.prepare(net, {1: 0.3}, {2: 0.5, 3: 0.1})
    assert t == {2: 0.5, 3: 0.1}
    with pytest.raises(rojas.DataError, match="no target for output 2"):
        rojas.prepare(net, {1: 0.3}, {3: 0.1})
    net.set_outputs([2])
    with pytest.raises(rojas.DataError, match=r"node 3 is not an output \(outputs: 2\)"):
        rojas.prepare(net, {1: 0.3}, {2: 0.5, 3: 0.1})
    # E = ½(o_2 − t_2)² with o_2 = tanh(0.5·0.3), by hand
    import math
    assert rojas.label(net, {1: 0.3}, {2: 0.5}).value == pytest.approx(0.5 * (math.tanh(0.15) - 0.5) ** 2,
                                                                      rel=1e-14)
