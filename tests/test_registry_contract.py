"""The registries are the only source of the rules: every entry through every consumer.

Every registered primitive, combine mode and objective -- and a combine mode and
an objective registered here, which no consumer can know by name -- is run
through ``label``, the textbook sweeps, tangents, ``path_sum``, ``symbolic_proof``,
``check``, ``train(explain=True)``, the explorer's data and ``draw``.  What each
prints is read back and compared with the labeling's own numbers: the
arithmetic a learner sees must be the arithmetic the sweeps did.
"""

import re

import numpy as np
import pytest

import rojas
from rojas.drawing.scene import ObjectiveNode, build_scene
from rojas.utils.formatting import FIGURE_DIGITS, fmt


def num(value):
    # the figures' numbers: the one formatter at the figures' digits
    return fmt(value, FIGURE_DIGITS)
from rojas.engine import textbook
from rojas.explorer.data import page_data
from rojas.learning.explain import explain_text
from rojas.network.combine import combine_names, get_combine, register_combine
from rojas.network.objectives import get_objective, objective_names, register_objective
from rojas.network.primitives import primitive_names

# A combine mode and an objective of this test only: s = Σ t² + b, and E = ¼ Σ (o − t)⁴.
register_combine("squares_contract", value=lambda t: np.sum(t * t, axis=0), partials=lambda t: 2.0 * t,
                 symbol="Σ²", sympy=lambda sp, terms: sp.Add(*[t ** 2 for t in terms]), replace=True)
register_objective("quartic_contract", terms=lambda o, t: 0.25 * (o - t) ** 4, seed=lambda o, t: (o - t) ** 3,
                   formula="E = ¼ Σ_k (o_k − t_k)⁴", unit="¼({o} − {t})⁴", stores="({o} − {t})³", symbol="¼(·)⁴",
                   sympy=lambda sp, o, t: sp.Rational(1, 4) * sp.Add(*[(a - b) ** 4 for a, b in zip(o, t)]),
                   replace=True)

CASES = ([(fn, "sum", "squared_error") for fn in primitive_names()]
         + [("tanh", mode, "squared_error") for mode in combine_names()]
         + [("tanh", "sum", name) for name in objective_names()])
NUMBER = r"(−?[0-9.]+(?:e[-+−]?[0-9]+)?)"


def _value(text):
    return float(text.replace("−", "-"))


def small_net(fn, mode):
    """x1, x2 → h (fn, mode) → y1, y2 (sigmoid, probabilities for every objective), a skip x1 → y2,
    and y1 feeding y2: an output that feeds another unit."""
    net = rojas.Network(name="contract").add_input("x1").add_input("x2")
    net.add_unit("h", fn, bias=0.1, combine=mode).add_unit("y1", "sigmoid", bias=-0.2).add_unit("y2", "sigmoid")
    net.add_edge("x1", "h", weight=0.7, name="a").add_edge("x2", "h", weight=-0.4, name="b")
    net.add_edge("h", "y1", weight=0.9, name="c").add_edge("h", "y2", weight=-0.6, name="d")
    net.add_edge("x1", "y2", weight=0.5, name="e").add_edge("y1", "y2", weight=0.8, name="g")
    return net.set_outputs(["y1", "y2"])


def problem(fn, mode, objective):
    net = small_net(fn, mode)
    x = {"x1": 0.6, "x2": -0.3}
    if not get_objective(objective).targets:
        return net, x, None, "y1"
    return net, x, {"y1": 0.2, "y2": 0.8}, None


@pytest.mark.slow
@pytest.mark.parametrize("fn, mode, objective", CASES)
def test_every_entry_through_every_consumer(fn, mode, objective):
    net, x, t, of = problem(fn, mode, objective)
    kw = {"objective": objective} if t is not None else {}
    lab = rojas.label(net, x, t, of=of, **kw)

    # the textbook sweeps: the same numbers node by node
    ref = textbook.label(net, x, t, of=of, objective=objective if t is not None else None)
    assert lab.value == pytest.approx(ref.value, rel=1e-12, abs=1e-15)
    for e, g in ref.weight_grad.items():
        assert lab.weight_grad[e] == pytest.approx(g, rel=1e-11, abs=1e-14)

    # tangents and the sum over paths, and what the path listing prints
    for ref_name in ("a", "c", "e"):
        g = lab.grad(ref_name)
        assert rojas.tangent(lab, ref_name).derivative == pytest.approx(g, rel=1e-11, abs=1e-14)
        ps = rojas.path_sum(lab, ref_name)
        assert ps.total == pytest.approx(g, rel=1e-10, abs=1e-14)
        for name, shown in re.findall(r"(\([^()]*\)|\S+) = " + NUMBER, str(ps)):
            if name.startswith("f'(s_"):
                assert _value(shown) == pytest.approx(lab.fprime[name[5:-1]], rel=1e-8), name
            elif name.startswith("o_") and name[2:] in lab.o:
                assert _value(shown) == pytest.approx(lab.o[name[2:]], rel=1e-8), name
            elif name.startswith("("):  # the objective's factor at the end of a path
                k = next(k for k in lab.ends if name == f"({lab.seed_name(k)})")
                _, _, value = lab.seed_rule(k)
                assert _value(shown) == pytest.approx(value, rel=1e-8), name

    # SymPy: the identity, and its value the labeling's
    proof = rojas.symbolic_proof(lab, "c")
    assert proof.holds and proof.derivative_value == pytest.approx(lab.grad("c"), rel=1e-9)

    # the gradient check
    report = rojas.check(net, x, t, of=of, **kw)
    assert report.ok, str(report)

    # training, explained: the seed rule printed, and the step's numbers the labeling's
    if t is not None:
        _, history = rojas.train(net, (x, t), 0.1, 1, explain=True, objective=objective)
        step = history.steps[0]
        text = explain_text(history.steps, 0.1)
        assert get_objective(objective).formula in text
        for k in lab.ends:
            symbol, rule, value = lab.seed_rule(k)
            line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{symbol} = {rule} = "))
            assert _value(line.rsplit("= ", 1)[1]) == pytest.approx(value, rel=1e-6)
        assert step.row("c")["grad"] == pytest.approx(lab.grad("c"), rel=1e-12)

    # the explorer's step sentences
    data = page_data(lab)
    sentences = [s["text"] for s in data["steps"]]
    assert any(num_text in data["subtitle"] for num_text in (f"{lab.value:.9g}".replace("-", "−"),))
    h_line = next(s for s in sentences if s.startswith("Forward sweep · h: s = "))
    expression, shown = re.match(r"Forward sweep · h: s = (.*) = " + NUMBER + ";", h_line).groups()
    assert _value(shown) == pytest.approx(lab.s["h"], rel=1e-8)
    assert _evaluate_written(expression) == pytest.approx(lab.s["h"], rel=1e-8), h_line
    for k in (lab.ends if t is not None else []):
        line = next(s for s in sentences if s.startswith(f"Forward sweep · the error unit of {k} "))
        share, seed = re.search(r": [^;]* = " + NUMBER + r"; it stores its derivative .* = " + NUMBER + r"\.$",
                                line).groups()
        assert _value(share) == pytest.approx(lab.error(k), rel=1e-8), line
        assert _value(seed) == pytest.approx(lab.seed_rule(k)[2], rel=1e-8), line

    # the figure's scene: every half the drawing fills, and the error units
    scene = build_scene(lab.network, lab)
    for n in ("h", "y1", "y2"):
        spec = scene.nodes[n]
        assert spec.forward["left"] == num(lab.fprime[n]) and spec.forward["right"] == num(lab.o[n])
        assert spec.backward["below"].endswith(f"= {num(lab.delta[n])}")
    errors = [n for n in scene.order if isinstance(n, ObjectiveNode) and n.role == "error"]
    assert [n.output for n in errors] == (lab.ends if t is not None else [])
    for n in errors:
        spec = scene.nodes[n]
        assert spec.forward["right"] == num(lab.error(n.output))
        assert spec.forward["left"] == num(lab.seed_rule(n.output)[2])
    if t is not None:
        assert f"{lab.objective_text()} = {num(lab.value)}" in scene.subtitle
    drawing = rojas.draw(lab)
    assert drawing is not None


def _evaluate_written(expression):
    """The explorer's written net input, evaluated as it reads: "·" multiplies, a mode's symbol
    applied to terms is that mode's value (so writing Σ² terms as a product would not pass)."""
    functions = {}
    for k, name in enumerate(combine_names()):
        mode = get_combine(name)
        if mode.operator is None:
            expression = expression.replace(f"{mode.symbol}(", f"_m{k}(")
            functions[f"_m{k}"] = lambda *terms, mode=mode: float(mode.value(np.array(terms)))
    python = expression.replace("·", "*").replace("−", "-")
    return eval(python, {"__builtins__": {}}, functions)  # noqa: S307 (our own sentence, numbers and * + -)


def test_the_contract_covers_every_registry_entry():
    from rojas.network import combine, objectives, primitives

    covered = {c[0] for c in CASES}, {c[1] for c in CASES}, {c[2] for c in CASES}
    assert primitives.BUILTIN_NAMES <= covered[0]
    assert combine.BUILTIN_NAMES | {"squares_contract"} <= covered[1]
    assert objectives.BUILTIN_NAMES | {"quartic_contract"} <= covered[2]


def test_the_layered_view_refuses_every_non_linear_mode():
    """The matrix form needs s = Wᵀo + b: a unit of any non-linear mode (here the test's own) is refused."""
    from rojas.architectures.layers import to_layers
    from rojas.errors import NetworkError

    with pytest.raises(NetworkError, match="unit 'h' is a squares_contract unit"):
        to_layers(small_net("tanh", "squares_contract"))
    assert to_layers(rojas.load(rojas.example_path("mazur"))).L == 2
