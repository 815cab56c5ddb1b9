"""The compact forms of a symbolic proof, against the definition: one ``subs`` per unit.

:func:`rojas.proof.symbolic_compact.compact` rewrites an expression with the
units' net-input symbols in one walk; the reference here replaces each unit's
full expansion by its symbol, latest unit first, as SymPy's ``subs`` defines
it (the earlier implementation, quadratic in a chain's length).  Both must give
the same expression, on every bundled example and on a tanh chain.
"""

import json

import networkx as nx
import pytest

sp = pytest.importorskip("sympy")

import rojas  # noqa: E402
from rojas.proof.symbolic import network_expressions  # noqa: E402
from rojas.proof.symbolic_compact import compact, compact_net_inputs  # noqa: E402


def _reference(expr, net_inputs):
    for sym, _, full in reversed(net_inputs):
        expr = expr.subs(full, sym)
    return expr


def _reference_net_inputs(s, order):
    out = []
    for n in order:
        if n in s:
            short = _reference(s[n], out)
            out.append((sp.Symbol(f"s_{n}", real=True), short, s[n]))
    return out


def _chain(tmp_path, n):
    nodes = [{"id": "x", "fn": "input"}] + [{"id": f"u{k}", "fn": "tanh"} for k in range(1, n + 1)]
    edges = [{"source": a["id"], "target": b["id"], "weight": 0.5, "name": f"w{k}"}
             for k, (a, b) in enumerate(zip(nodes, nodes[1:]))]
    path = tmp_path / "chain.json"
    path.write_text(json.dumps({"directed": True, "multigraph": False, "graph": {}, "nodes": nodes, "edges": edges}))
    return rojas.load(str(path))


def _cases(net):
    """Expressions a proof compacts: every output's derivative by every weight and bias, and E's."""
    syms, s, o, _ = network_expressions(net)
    outputs = [n for n in net.nodes if net.graph.out_degree(n) == 0]
    error = sp.Rational(1, 2) * sp.Add(*[(o[k] - syms["targets"][k]) ** 2 for k in outputs])
    variables = list(syms["weights"].values()) + list(syms["biases"].values())
    exprs = [error] + [sp.diff(f, v) for f in [error, *[o[k] for k in outputs]] for v in variables]
    return s, list(nx.topological_sort(net.graph)), exprs


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mazur", "xor", "skip_product"])
def test_compact_equals_one_subs_per_unit_on_the_examples(name):
    s, order, exprs = _cases(rojas.load(rojas.example_path(name)))
    ours, ref = compact_net_inputs(s, order, {}), _reference_net_inputs(s, order)
    assert [(a, b) for a, b, _ in ours] == [(a, b) for a, b, _ in ref]
    for expr in exprs:
        assert compact(expr, ours) == _reference(expr, ref)


def test_compact_on_an_identity_output_keeps_s_minus_t(tmp_path):
    path = tmp_path / "linear.json"
    path.write_text(json.dumps({"directed": True, "multigraph": False, "graph": {},
                                "nodes": [{"id": "x", "fn": "input"}, {"id": "y", "fn": "identity"}],
                                "edges": [{"source": "x", "target": "y", "weight": 1.0, "name": "w"}]}))
    s, order, exprs = _cases(rojas.load(str(path)))
    ours = compact_net_inputs(s, order, {})
    y, t = sp.Symbol("s_y", real=True), [e for e in exprs[0].free_symbols if e.name.startswith("t")][0]
    assert compact(exprs[0], ours) == sp.Rational(1, 2) * (y - t) ** 2 == _reference(exprs[0], ours)


@pytest.mark.slow
def test_compact_on_a_tanh_chain_matches(tmp_path):
    net = _chain(tmp_path, 12)
    s, order, exprs = _cases(net)
    ours, ref = compact_net_inputs(s, order, {}), _reference_net_inputs(s, order)
    for expr in exprs[:4]:
        assert compact(expr, ours) == _reference(expr, ref)
    # A derivative through the whole chain compacts to one factor 1 - tanh(s_k)**2 per unit.
    short = compact(exprs[1], ours)
    assert len([f for f in sp.Mul.make_args(short) if f.has(sp.tanh)]) >= 12
