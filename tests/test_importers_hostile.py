"""Hostile and broken models: each refused in one line, exit status 2, and no file written."""

import os
import sys

import numpy as np
import pytest

from importers_helpers import model, need

onnx = need("onnx")

from onnx import TensorProto  # noqa: E402

from rojas.cli import main  # noqa: E402

GEMM = [("Gemm", ["x", "fc.weight", "fc.bias"], ["y"], {"transB": 1})]
W, B = np.array([[0.5, -1.0], [2.0, 0.25]]), np.array([0.1, -0.2])


def _refused(tmp_path, capsys, m, *words, save=True):
    path = str(tmp_path / "model.onnx")
    if save:
        onnx.save(m, path)
    out = str(tmp_path / "net.json")
    assert main(["import", path, "-o", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rojas: error: "), err
    for w in words:
        assert w in err, err
    assert not os.path.exists(out)
    return err


def test_a_good_model_is_written(tmp_path, capsys):
    path, out = str(tmp_path / "model.onnx"), str(tmp_path / "net.json")
    onnx.save(model(GEMM, {"x": [2]}, ["y"], {"fc.weight": W, "fc.bias": B}), path)
    assert main(["import", path, "-o", out]) == 0
    assert "reference evaluator" in capsys.readouterr().out
    assert main(["grad", out, "--input", "x[0]=1", "--input", "x[1]=2", "--of", "y[0]", "--json"]) == 0
    assert '"fc.weight[0,1]"' in capsys.readouterr().out


def test_an_unsupported_op_is_named_with_its_node_and_the_supported_list(tmp_path, capsys):
    m = model([("Gemm", ["x", "fc.weight", "fc.bias"], ["z"], {"transB": 1}), ("Erf", ["z"], ["y"])],
              {"x": [2]}, ["y"], {"fc.weight": W, "fc.bias": B})
    m.graph.node[1].name = "the_erf"
    _refused(tmp_path, capsys, m, "unsupported ONNX op Erf", "'the_erf'", "Gemm", "MatMul", "Relu")


def _external(location, dims=(2, 2)):
    t = TensorProto(name="fc.weight", data_type=TensorProto.DOUBLE, dims=list(dims))
    entry = t.external_data.add()
    entry.key, entry.value = "location", location
    t.data_location = TensorProto.EXTERNAL
    m = model(GEMM, {"x": [2]}, ["y"], {"fc.bias": B})
    m.graph.initializer.append(t)
    return m


@pytest.mark.parametrize("location", ["../secret.bin", "/etc/passwd", "sub/../../secret.bin"])
def test_external_data_outside_the_folder_is_refused_before_reading(tmp_path, capsys, location):
    folder = tmp_path / "models"
    folder.mkdir()
    (tmp_path / "secret.bin").write_bytes(np.zeros(4).tobytes())
    m = _external(location)
    onnx.save(m, str(folder / "model.onnx"))
    out = str(tmp_path / "net.json")
    assert main(["import", str(folder / "model.onnx"), "-o", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outside the model's folder" in err and not os.path.exists(out)


def test_a_symlink_out_of_the_folder_is_refused(tmp_path, capsys):
    if not hasattr(os, "symlink"):
        pytest.skip("no symbolic links here")
    (tmp_path / "secret.bin").write_bytes(W.tobytes())
    folder = tmp_path / "models"
    folder.mkdir()
    os.symlink(tmp_path / "secret.bin", folder / "weights.bin")
    m = _external("weights.bin")
    onnx.save(m, str(folder / "model.onnx"))
    out = str(tmp_path / "net.json")
    assert main(["import", str(folder / "model.onnx"), "-o", out]) == 2
    err = capsys.readouterr().err
    assert "symbolic link" in err and err.count("\n") == 1 and not os.path.exists(out)


def test_external_data_beside_the_model_loads(tmp_path, capsys):
    # what torch.onnx.export writes for large models: MODEL.onnx and MODEL.onnx.data
    m = model(GEMM, {"x": [2]}, ["y"], {"fc.weight": W, "fc.bias": B})
    path = str(tmp_path / "model.onnx")
    onnx.save(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location="model.onnx.data",
              size_threshold=0)
    assert os.path.exists(path + ".data")
    import rojas

    net = rojas.from_onnx(path)
    assert net.weight(*net.find_edge("fc.weight[0,1]")) == W[0, 1]


def test_a_declared_trillion_elements_are_refused_before_allocation(tmp_path, capsys):
    m = _external("huge.bin", dims=(10**6, 10**6))  # no such file: it must never be opened
    _refused(tmp_path, capsys, m, "1,000,000,000,000 elements", "ROJAS_MAX_TENSOR_ELEMENTS", "'fc.weight'")


def test_an_inline_tensor_over_the_limit_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROJAS_MAX_TENSOR_ELEMENTS", "3")
    _refused(tmp_path, capsys, model(GEMM, {"x": [2]}, ["y"], {"fc.weight": W, "fc.bias": B}), "over the limit of 3")


def test_a_graph_cycle_is_refused(tmp_path, capsys):
    m = model([("Add", ["x", "b"], ["a"]), ("Relu", ["a"], ["b"])], {"x": [2]}, ["b"], {})
    _refused(tmp_path, capsys, m, "cycle")


def test_a_missing_initializer_is_named(tmp_path, capsys):
    m = model(GEMM, {"x": [2]}, ["y"], {"fc.bias": B})
    _refused(tmp_path, capsys, m, "'fc.weight'", "no node, initializer or graph input")


def test_non_finite_weights_are_refused(tmp_path, capsys):
    bad = W.copy()
    bad[1, 0] = np.nan
    _refused(tmp_path, capsys, model(GEMM, {"x": [2]}, ["y"], {"fc.weight": bad, "fc.bias": B}),
             "'fc.weight'", "non-finite", "[1, 0]")


def test_not_a_model_and_a_missing_file(tmp_path, capsys):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"\xff\x00 not protobuf at all \x12")
    _refused(tmp_path, capsys, None, "not an ONNX model", save=False)
    path.unlink()
    _refused(tmp_path, capsys, None, "no such model file", save=False)


def test_a_mismatch_with_the_reference_refuses_to_write(tmp_path, capsys, monkeypatch):
    # a primitive that lies about its function: the cross-check catches it and names the output
    import rojas.network.primitives as P

    real = P._REGISTRY["sigmoid"]
    monkeypatch.setitem(P._REGISTRY, "sigmoid", P.Primitive("sigmoid", lambda s: real.f(s) + 1e-6, real.df))
    m = model(GEMM + [("Sigmoid", ["y"], ["p"])], {"x": [2]}, ["p"], {"fc.weight": W, "fc.bias": B})
    _refused(tmp_path, capsys, m, "differs from the model at output 'p'", "nothing is written")


def test_a_missing_framework_is_one_line_saying_what_to_install(tmp_path, capsys, monkeypatch):
    onnx.save(model(GEMM, {"x": [2]}, ["y"], {"fc.weight": W, "fc.bias": B}), str(tmp_path / "model.onnx"))
    monkeypatch.setitem(sys.modules, "onnx", None)
    _refused(tmp_path, capsys, None, 'pip install "rojas[onnx]"', save=False)


def test_import_with_an_objective_and_an_unknown_one(tmp_path, capsys):
    import json

    m = model(GEMM + [("Softmax", ["y"], ["p"], {"axis": -1})], {"x": [2]}, ["p"], {"fc.weight": W, "fc.bias": B})
    path, out = str(tmp_path / "model.onnx"), str(tmp_path / "net.json")
    onnx.save(m, path)
    assert main(["import", path, "-o", out, "--objective", "softmax_cross_entropy"]) == 0
    saved = json.load(open(out))
    assert saved["graph"]["objective"] == "softmax_cross_entropy" and len(saved["nodes"]) == 4
    capsys.readouterr()
    os.remove(out)
    assert main(["import", path, "-o", out, "--objective", "hinge"]) == 2
    err = capsys.readouterr().err
    assert "hinge" in err and "softmax_cross_entropy" in err and not os.path.exists(out)


def test_a_malformed_node_is_one_line(tmp_path, capsys):
    m = model(GEMM + [("Transpose", ["y"], ["t"], {"perm": [0, 1, 2]})], {"x": [2]}, ["t"],
              {"fc.weight": W, "fc.bias": B})
    _refused(tmp_path, capsys, m, "(Transpose) cannot be expanded")
