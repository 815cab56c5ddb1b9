"""``-o -``: the result is standard output, so nothing else may be printed there."""

import json

import pytest

import rojas
import rojas.cli

def test_train_to_standard_output_keeps_stdout_pure_json(capsys):
    # One batch step on Mazur's network at lr 0.5: E falls from his 0.298371109 to 0.280471 (printed
    # on stderr), and stdout holds nothing but the trained network, w5 = 0.4 − 0.5·0.082167041.
    assert rojas.cli.main(["train", "mazur", "--lr", "0.5", "--epochs", "1", "-o", "-"]) == 0
    out, err = capsys.readouterr()
    from rojas.network import from_dict

    trained = from_dict(json.loads(out))
    assert trained.weight(*trained.find_edge("w5")) == pytest.approx(0.4 - 0.5 * 0.082167041, abs=1e-9)
    assert "0.298371 → 0.280471" in err and "wrote" not in out + err


def test_prove_to_standard_output_says_no_wrote(capsys):
    assert rojas.cli.main(["prove", "mazur", "--wrt", "w1", "--no-symbolic", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Backpropagation on") and "0.000438567734" in out and "wrote -" not in out


def test_unfold_to_standard_output_is_pure_json(capsys):
    from pathlib import Path

    elman = str(Path(__file__).resolve().parent.parent / "examples" / "recurrent_one_unit.json")
    assert rojas.cli.main(["unfold", elman, "--steps", "5", "-o", "-"]) == 0
    out, err = capsys.readouterr()
    assert len(json.loads(out)["nodes"]) == 11 and "tied params" in err  # Rojas 7.4.1: 5 steps, 11 nodes
    assert rojas.cli.main(["unfold", elman, "--steps", "5", "-o", "-", "--data", elman]) == 2
    assert "give --data-out (or -o FILE)" in capsys.readouterr().err


def test_unfold_with_its_data_to_standard_output_keeps_stdout_pure_json(tmp_path, capsys):
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    data_out = tmp_path / "u.data.json"
    assert rojas.cli.main(["unfold", str(examples / "recurrent_elman.json"), "--data",
                           str(examples / "recurrent_elman.data.json"), "--data-out", str(data_out),
                           "-o", "-"]) == 0
    out, err = capsys.readouterr()
    unfolded = json.loads(out)  # nothing but the network
    assert f"wrote {data_out}" in err and "summed over the copies" in err
    assert set(json.loads(data_out.read_text())["inputs"]) <= {str(n["id"]) for n in unfolded["nodes"]}


def test_train_refuses_two_results_on_standard_output(capsys):
    assert rojas.cli.main(["train", "mazur", "--lr", "0.5", "--epochs", "1", "--explain", "-o", "-"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "--explain STEPS.md" in err
