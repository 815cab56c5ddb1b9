"""Issue 23 through the API: what the command lines of test_hostile_two cannot reach.

A real ``kill -9`` in the middle of a write, plain Python errors that must be
RojasErrors, the mantissa/exponent product over thousands of factors, the
step search of the numerical checks, path counts past Python's ``str`` limit.
"""

import json
import os
import signal
import sys

import numpy as np
import pytest

import rojas
from rojas.errors import NetworkError, RojasError
from rojas.utils.files import write_atomic, write_text_atomic

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile")


def _corpus(name):
    return os.path.join(CORPUS, name)


def _temporaries(folder):
    return [n for n in os.listdir(folder) if ".tmp" in n]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_kill_9_mid_write_leaves_its_temporary_only_until_the_next_write(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old\n")
    pid = os.fork()
    if pid == 0:  # the child: half a file, then killed as kill -9 kills
        def write(tmp):
            with open(tmp, "w") as fh:
                fh.write('{"half": ')
                fh.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        try:
            write_atomic(target, write)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert target.read_text() == "old\n"  # the old file, whole
    left = _temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".out.json.{pid}-"), left
    write_text_atomic(target, "new\n")
    assert target.read_text() == "new\n" and _temporaries(tmp_path) == []


def test_a_running_writers_temporary_is_left_alone(tmp_path):
    """Only temporaries whose process is gone are removed: a concurrent writer's is not."""
    mine = tmp_path / f".out.json.{os.getpid()}-0123456789ab.tmp.json"
    mine.write_text("being written")
    write_text_atomic(tmp_path / "out.json", "{}\n")
    assert mine.exists()


@pytest.fixture
def lab():
    net = rojas.load(_corpus("base.json"))
    return rojas.label(net, *rojas.load_data(_corpus("base.data.json")))


def test_plain_python_errors_are_rojas_errors(lab, tmp_path):
    from rojas.explorer.page import repr_html

    with pytest.raises(RojasError, match=r"\['w1'\] is no weight"):
        lab.grad(["w1"])
    with pytest.raises(RojasError, match="max_nodes must be a positive number, got '5'"):
        rojas.explore(lab, str(tmp_path / "x.html"), max_nodes="5")
    with pytest.raises(RojasError, match="height must be a number of pixels"):
        repr_html(lab, height="x")
    assert not os.listdir(tmp_path)


def test_a_user_primitive_of_the_wrong_shape_or_raising_is_named():
    rojas.register_primitive("three_values", lambda s: np.zeros(3), lambda s: np.zeros(3), replace=True)
    rojas.register_primitive("text_valued", lambda s: "s", lambda s: s, replace=True)
    rojas.register_primitive("raising", lambda s: 1 / 0, lambda s: s, replace=True)
    for name, message in (("three_values", r"primitive 'three_values': f returned shape \(3,\)"),
                          ("text_valued", r"primitive 'text_valued': f returned str"),
                          ("raising", r"primitive 'raising' raised ZeroDivisionError")):
        net = rojas.Network().add_input("x").add_unit("y", name).add_edge("x", "y", weight=1.0)
        with pytest.raises(NetworkError, match=message):
            rojas.label(net, {"x": 0.5})


def test_a_constant_derivative_is_broadcast():
    net = rojas.Network().add_primitive("lin", "s", "1").add_input("x").add_unit("y", "lin")
    net.add_edge("x", "y", weight=2.0)
    lab = rojas.label(net, {"x": [1.0, 2.0, 3.0]}, {"y": [0.0, 0.0, 0.0]})
    assert lab.weight_grad[("x", "y")] == pytest.approx(2.0 * (1 + 4 + 9))  # Σ (2x)·x


def test_the_carried_product_renormalizes_every_factor():
    """2,200 factors whose mantissas are 0.6 and 0.83: their plain product of mantissas underflows."""
    from rojas.network.combine import carried_product

    factors = [np.float64(0.6), np.float64(1 / 0.6)] * 1100
    assert float(carried_product(*factors)) == pytest.approx(1.0, rel=1e-12)
    assert float(carried_product(np.float64(1e200), np.float64(1e200), np.float64(1e-250))) == pytest.approx(1e150)


def test_the_proof_sums_and_sweeps_past_overflowing_partial_products():
    net = rojas.load(_corpus("path_overflow.json"))
    lab = rojas.label(net, *rojas.load_data(_corpus("path_overflow.data.json")), of="z")
    assert lab.weight_grad[("x", "a")] == pytest.approx(1e150)  # x·w2·w3, by hand
    assert rojas.path_sum(lab, "w1").total == pytest.approx(1e150, rel=1e-14)
    assert rojas.tangent(lab, "w1").derivative == pytest.approx(1e150, rel=1e-14)


def test_the_explorer_and_the_notebook_carry_the_per_sample_products(lab):
    from rojas.explorer.page import repr_html

    net = rojas.load(_corpus("product_term_overflow.json"))
    big = rojas.label(net, *rojas.load_data(_corpus("product_term_overflow.data.json")), of="z")
    assert big.weight_grad[("a", "p")] == pytest.approx(1e250)  # 1e200·1e150·1e-100 + 1·1·1e-100
    html = repr_html(big)
    assert html is not None and html.startswith("<iframe")


def test_smaller_steps_rescue_a_step_artefact_but_not_a_wrong_derivative():
    from rojas.checking.numerical import smaller_steps

    s = 300_000.0
    central = lambda h: (np.sin(s + h) - np.sin(s - h)) / (2 * h)
    h = 6.055e-6 * s
    right, wrong = np.cos(s), -np.cos(s)
    assert abs(central(h) - right) > 0.1  # the artefact: the step is larger than sin's scale
    value, step = smaller_steps(central, h, central(h), right, 1e-5, 1e-8)
    assert value == pytest.approx(right, rel=1e-5) and step < h / 100
    assert smaller_steps(central, h, central(h), wrong, 1e-5, 1e-8) is None
    assert smaller_steps(central, h, central(h), 1.01 * right, 1e-5, 1e-8) is None


def test_path_counts_past_the_interpreters_str_limit():
    from rojas.utils.formatting import count_text

    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("Python without an integer string limit")
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        assert count_text(2 ** 2200) == "about 1.845e662 (663 digits)"
    finally:
        sys.set_int_max_str_digits(before)


def test_the_matrix_tolerance_is_the_rounding_bound_of_its_sums():
    """One unit of n inputs: the condition is (n + 1)·Σ|w·x| / max(1, |s|), by hand."""
    net = rojas.Network().add_input("a").add_input("b").add_unit("y", "sigmoid")
    net.add_edge("a", "y", weight=3.0).add_edge("b", "y", weight=-3.0)
    mp = rojas.matrix_backprop(net, {"a": 100.0, "b": 100.0}, {"y": 0.2})
    assert mp.condition() == pytest.approx(3 * 600.0)  # s = 0: 3·(|300| + |−300|)/1
    assert mp.check().tol == pytest.approx(np.finfo(float).eps * 1800)


def test_every_terminal_writer_goes_through_one_escaping(capsys, tmp_path):
    """The CLI's standard output: no control sequence from any writer (here a network's name in JSON too)."""
    from rojas.cli import main

    with open(_corpus("osc_id.json"), encoding="utf-8") as fh:
        data = json.load(fh)
    (tmp_path / "n.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", str(tmp_path / "n.json"), "--data", _corpus("base.data.json"), "--json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert json.loads(out)["network"].startswith("small\n")  # JSON's own escapes kept the text whole


@pytest.mark.slow
def test_draw_names_an_output_path_with_a_newline_on_one_line(capsys, tmp_path):
    """Review fault: ``rojas draw -o $'x\\nforged.dot'`` printed the path raw, so the file's name started a
    line of its own ("forged.dot (Graphviz source …"); the command to render it broke at a space too."""
    from rojas.cli import main

    path = tmp_path / "x\nforged fig.dot"
    assert main(["draw", "xor", "-o", str(path)]) == 0 and path.exists()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"wrote {tmp_path}/x\\nforged fig.dot (Graphviz source")
    assert f"`dot -Tpdf '{tmp_path}/x\\nforged fig.dot' -o FILE.pdf`" in lines[0]


@pytest.mark.parametrize("option", [["--page", "letter"], ["--width", "5in"]])
def test_draw_focus_refuses_a_page_or_width_it_would_ignore(capsys, tmp_path, option):
    """Review fault: ``draw --focus w1 --page letter`` drew the focus figure at its own size and said nothing."""
    from rojas.cli import main

    assert main(["draw", "xor", "--focus", "w1", *option, "-o", str(tmp_path / "f.svg")]) == 2
    assert capsys.readouterr().err.strip() == f"rojas: error: give --focus or {option[0]}, not both"
    assert not (tmp_path / "f.svg").exists()
