"""The SymPy section runs in a process of its own: the caller's settings stay, the budget holds.

The blow-up is an exact power of a huge integer, ``Integer(2**(64**4))**64`` =
2**(2**30): SymPy computes it in one long C call that no other thread can
interrupt (about 25 s).  A file primitive's power tower,
``1/((((2**64)**64)**64)**64)**64``, once led there and made
``prove --symbolic-time 2`` run for about 40 s; the SymPy backend now takes
constants past a float64's range as Floats, so that file is proved at once.
"""

import sys
import threading
import time

import pytest

sp = pytest.importorskip("sympy")

import rojas  # noqa: E402
from rojas.network import from_dict  # noqa: E402
from rojas.proof.symbolic_worker import run_guarded  # noqa: E402

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

TOWER = "s + 1/((((2**64)**64)**64)**64)**64"
MYSIG = {"mysig": {"f": "1/(1+exp(-s))", "df": "mysig(s)*(1-mysig(s))"}}  # the README's example


def two_unit_net(primitives, fn):
    """x -> h -> y, both units computing the file primitive `fn`."""
    doc = {"directed": True, "multigraph": False, "graph": {"primitives": primitives},
           "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": fn, "bias": 0.1},
                     {"id": "y", "fn": fn, "bias": -0.2}],
           "edges": [{"source": "x", "target": "h", "weight": 0.5, "name": "w1"},
                     {"source": "h", "target": "y", "weight": -0.7, "name": "w2"}]}
    return from_dict(doc)


@pytest.fixture(scope="module")
def warm():
    """The worker started and ready, so that timings below are of the SymPy work alone."""
    assert run_guarded(lambda: 1 + 1, time_budget=120) == 2


def test_calling_symbolic_proof_leaves_the_callers_settings(warm):
    limit, stack, threads = sys.getrecursionlimit(), threading.stack_size(), threading.active_count()
    lab = rojas.label(rojas.load(rojas.example_path("mazur")), *rojas.load_data(rojas.example_path("mazur", "data")))
    proof = rojas.symbolic_proof(lab, "w1")
    assert proof.holds
    assert (sys.getrecursionlimit(), threading.stack_size()) == (limit, stack)
    assert threading.active_count() == threads  # no worker thread left behind


def _exact_tower():
    return sp.Integer(2 ** 64 ** 4) ** 64


def test_a_long_sympy_call_ends_within_its_budget(warm):
    start = time.monotonic()
    with pytest.raises(rojas.RojasError, match=r"^the symbolic work ran over its time budget of 2 s "
                                               r"\(raise it with --symbolic-time SECONDS / time_budget=\)$"):
        run_guarded(_exact_tower, time_budget=2)
    assert time.monotonic() - start < 2 + 3  # the budget plus killing the child and the parent's own checks
    assert rojas.symbolic_proof(rojas.label(rojas.load(rojas.example_path("mazur")),
                                            *rojas.load_data(rojas.example_path("mazur", "data"))), "w1").holds


def test_a_power_tower_in_a_file_primitive_is_proved_within_its_budget(warm):
    net = two_unit_net({"tower": {"f": TOWER, "df": "1"}}, "tower")
    lab = rojas.label(net, {"x": 1.0}, {"y": 0.3})
    assert lab.o["y"] == pytest.approx((0.5 * 1.0 + 0.1) * -0.7 - 0.2)  # NumPy: the constant is 0.0
    proof = rojas.symbolic_proof(lab, "w1", time_budget=10)
    assert proof.holds
    # f(s) = s + c, c = 2**-(64**5) a Float that vanishes beside the rest; E = (y - t)**2 / 2 with
    # y = (0.5·1 + 0.1)·(-0.7) - 0.2 = -0.62, so ∂E/∂w1 = (y - t)·w2·f'·x·f' = (-0.92)·(-0.7) = 0.644
    assert proof.derivative_value == pytest.approx((-0.62 - 0.3) * -0.7 * 1.0, rel=1e-12)


def test_the_readme_mysig_example_is_proved_well_within_the_budget(warm):
    """mysig's claimed df, mysig(s)·(1 − mysig(s)), is SymPy's exp(−s)/(1+exp(−s))² over a common denominator."""
    net = two_unit_net(MYSIG, "mysig")
    lab = rojas.label(net, {"x": 1.0}, {"y": 0.3})
    start = time.monotonic()
    proof = rojas.symbolic_proof(lab, "w1", time_budget=20)
    assert time.monotonic() - start < 5  # it used the whole 20 s budget and was refused before
    assert proof.holds and proof.difference == 0
    # the value, by hand: dE/dw1 = (y − t)·σ'(s_y)·w2·σ'(s_h)·x with σ' = σ(1 − σ)
    sig = lambda s: 1 / (1 + 2.718281828459045 ** -s)  # noqa: E731
    s_h = 0.5 * 1.0 + 0.1
    s_y = -0.7 * sig(s_h) - 0.2
    want = (sig(s_y) - 0.3) * sig(s_y) * (1 - sig(s_y)) * -0.7 * sig(s_h) * (1 - sig(s_h)) * 1.0
    assert proof.derivative_value == pytest.approx(want, rel=1e-12)


def test_a_wrong_claimed_derivative_still_does_not_hold(warm):
    """The common-denominator step cannot make a false identity true: df = mysig(s) is no derivative."""
    net = two_unit_net({"mysig": {"f": "1/(1+exp(-s))", "df": "mysig(s)"}}, "mysig")
    proof = rojas.symbolic_proof(rojas.label(net, {"x": 1.0}, {"y": 0.3}), "w1", time_budget=20)
    assert proof.holds is False and proof.difference != 0


def test_a_job_that_raises_hands_its_error_over(warm):
    with pytest.raises(rojas.RojasError, match="^from the worker$"):
        run_guarded(lambda: (_ for _ in ()).throw(rojas.RojasError("from the worker")), time_budget=30)


def test_a_combine_mode_registered_from_python_reaches_the_worker(warm):
    """The README's "squares" mode, lambdas and all, travels to the worker; the identity holds."""
    import numpy as np

    rojas.register_combine("squares_worker_test", value=lambda t: np.sum(t * t, axis=0),
                           partials=lambda t: 2.0 * t, symbol="Σ²", replace=True)
    net = rojas.Network().add_input("x").add_unit("y", "tanh", bias=0.1, combine="squares_worker_test")
    net.add_edge("x", "y", weight=0.8, name="w1")
    proof = rojas.symbolic_proof(rojas.label(net, {"x": 0.5}, {"y": 0.2}), "w1")
    y = np.tanh((0.8 * 0.5) ** 2 + 0.1)
    want = (y - 0.2) * (1 - y * y) * 2 * (0.8 * 0.5) * 0.5  # dE/dw by hand: the chain rule through (w·x)²
    assert proof.holds and proof.derivative_value == pytest.approx(want, rel=1e-12)
