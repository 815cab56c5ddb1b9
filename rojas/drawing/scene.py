"""What a drawing shows: every unit's two halves and tags, every edge's labels.

A :class:`Scene` is built from a network, or from a labeling and one of its
samples, without Matplotlib: for each node the text of its left half (the
stored derivative f'(s)), its right half (the function and o = f(s)) and the
tags above and below it, on the forward and on the backward sweep; for each
edge its weight (forward) and its gradient o_i·δ_j (backward).  With targets
Rojas's *extended network* is drawn too: one error unit per output computing
its share of the objective (``½(o − t)²`` for squared error, as the
objective's registry entry writes it) and storing its derivative (``o − t``),
and a unit E adding them up, where the backward sweep's 1 enters.
"""

import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import RojasError
from ..network.combine import get_combine
from ..utils.formatting import FIGURE_DIGITS, factor, fmt
from .style import fn_symbol, literal

__all__ = ["EdgeSpec", "NodeSpec", "ObjectiveNode", "Scene", "book_name", "build_scene"]


class ObjectiveNode:
    """A node of the extended network: an error unit of an output, or the sum E."""

    __slots__ = ("output", "role")

    def __init__(self, role, output=None):
        self.role, self.output = role, output

    def __repr__(self):
        return f"ObjectiveNode({self.role!r}, {self.output!r})" if self.output is not None else \
            f"ObjectiveNode({self.role!r})"

    def __eq__(self, other):
        return isinstance(other, ObjectiveNode) and (self.role, self.output) == (other.role, other.output)

    def __hash__(self):
        return hash(("__rojas_objective__", self.role, self.output))


@dataclass
class NodeSpec:
    """One node's texts.

    ``kind`` is ``"input"``, ``"unit"``, ``"error"`` or ``"sum"``; ``forward``
    and ``backward`` map ``left_head``, ``left``, ``right_head``, ``right``,
    ``above``, ``below`` (and for inputs ``value``) to strings or None.
    """

    node: object
    kind: str
    name: str
    output: bool = False
    product: bool = False
    forward: dict = field(default_factory=dict)
    backward: dict = field(default_factory=dict)


@dataclass
class EdgeSpec:
    """One edge's labels; ``objective`` edges (weight 1, to the error units and E) carry none.

    ``forward`` is the weight (``w5 = 0.4``); ``backward`` two lines: the
    factor the backward sweep multiplies by along the edge (its weight; for an
    edge into a product unit, the weight times ∂s/∂(w·o)) and the gradient.
    ``name``, ``weight`` and ``grad`` are the parts, for the tables.
    """

    u: object
    v: object
    forward: str = None
    backward: str = None
    objective: bool = False
    name: str = ""
    weight: str = ""
    grad: str = ""
    product: bool = False


@dataclass
class Scene:
    """Everything a drawing writes, for one network (and one sample of a labeling)."""

    nodes: dict
    edges: list
    order: list
    inputs: list
    title: str
    subtitle: str
    labeled: bool
    objective: str = None       # "E", or the node whose value is differentiated
    seed_node: object = None     # where the backward sweep's 1 enters
    values: dict = field(default_factory=dict)   # numbers for the table and the animation
    sample: int = None
    batch: int = None
    counts: tuple = (0, 0)
    steps: dict = None           # unfolded in time: {node: (step, unit)}, laid out in time columns
    params: list = field(default_factory=list)   # tied params: (name, value text, gradient text, where)
    products: bool = False       # some unit combines its terms otherwise than by a sum
    rules: dict = field(default_factory=dict)    # {symbol: gradient rule} of the combine modes other than sum
    # the objective's registry texts: its heading formula, one error unit's value and what it stores
    error_texts: dict = field(default_factory=dict)  # {"formula": …, "unit": …, "stores": …}
    digits: int = FIGURE_DIGITS  # significant digits of its numbers
    style: str = "default"       # the paths' style, an entry of style.PATH_STYLES
    page_width: float = None     # a fixed width in points (the legend wraps to it)
    pins: dict = None            # the units' ``pos`` fields as the file gives them (checked by the layout)

    def graph(self):
        """The DiGraph to lay out: the network plus the extended network's nodes."""
        import networkx as nx

        G = nx.DiGraph()
        G.add_nodes_from(self.order)
        G.add_edges_from((e.u, e.v) for e in self.edges)
        return G


def _pick(value, sample):
    if isinstance(value, np.ndarray) and value.ndim:
        return float(value[sample])
    return float(value)


def book_name(text):
    """An unfolded network's id as a book writes it: the copy at step t of ``h1`` or ``w`` (``h1@2``,
    ``w@2``) is ``h1(2)``, ``w(2)``.

    Examples
    --------
    >>> book_name("h1@2"), book_name("a11@1"), book_name("h@3:out"), book_name("x")
    ('h1(2)', 'a11(1)', 'h(3):out', 'x')
    """
    return re.sub(r"@(\d+)", r"(\1)", literal(text))


def _edge_text(net, u, v, digits, show=literal):
    name, param = show(net.edge_name(u, v)), net.edge_param(u, v)
    value = fmt(net.weight(u, v), digits)
    if param is not None:
        param = show(param)
        return f"{name} = {param} = {value}" if name and name != param else f"{param} = {value}"
    return f"{name} = {value}" if name else value


def _grad_name(net, u, v, show=literal):
    name = show(net.edge_name(u, v) or net.edge_param(u, v))
    return name if name else "w"


def _rules(net):
    """The gradient rule of every combine mode but the sum the network uses, from the combine registry."""
    from ..network.combine import get_combine

    modes = {m for m in {net.combine(n) for n in net.nodes if net.fn(n) != "input"} if not get_combine(m).linear}
    return {get_combine(m).symbol: get_combine(m).rule for m in sorted(modes)}


def build_scene(net, lab=None, sample=None, *, objective_nodes=True, digits=FIGURE_DIGITS):
    """The texts of a drawing of `net`, labeled by `lab` (optional) at `sample`.

    Parameters
    ----------
    net : Network
    lab : Labeling, optional
    sample : int, optional
        For a labeling of a batch: which sample to show (default 0).
    objective_nodes : bool
        With targets, add the error units and E (Rojas's extended network).
    digits : int
        Significant digits of every number (:func:`rojas.utils.formatting.fmt`).

    Returns
    -------
    Scene

    Raises
    ------
    RojasError
        If `sample` is out of range, or given for a labeling of no batch.
    """
    def num(value):
        return fmt(value, digits)

    from .timeline import time_steps

    steps = time_steps(net.graph)
    pins = {n: a["pos"] for n, a in net.graph.nodes(data=True) if "pos" in a}
    show = book_name if steps else literal  # unfolded in time: h1@2 is written h1(2)

    batch = None if lab is None else lab.batch_size
    if batch is None:
        if sample not in (None, 0):
            raise RojasError(f"sample {sample}: the labeling is of a single sample, not a batch")
        k = None
    else:
        k = 0 if sample is None else sample
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < batch:
            raise RojasError(f"sample {sample!r}: choose 0 ... {batch - 1} (the batch has {batch} samples)")
        k = int(k)
    G = net.graph
    nodes, edges, values = {}, [], {"o": {}, "fprime": {}, "delta": {}, "arriving": {}, "s": {},
                                      "grad": {}, "weight": {}}
    has_targets = lab is not None and lab.loss.targets
    obj = None if lab is None else ("E" if has_targets else f"o({literal(lab.objective)})")

    def val(mapping, n):
        return _pick(mapping[n], k) if k is not None else float(mapping[n])

    def partial(u, v):
        p = lab.product_partial(u, v)
        return _pick(p, k) if k is not None else float(p)

    outputs = set(net.outputs)
    for n in net.nodes:
        fn, combine = net.fn(n), net.combine(n)
        name = show(n)
        if fn == "input":
            spec = NodeSpec(n, "input", name)
            spec.forward = {"value": None}
            spec.backward = {"value": None}
            if lab is not None:
                o, d = val(lab.o, n), val(lab.delta, n)
                values["o"][n], values["delta"][n] = o, d
                spec.forward["value"] = num(o)
                spec.backward["value"] = num(o)
                spec.backward["below"] = f"∂{obj}/∂{name} = {num(d)}"
            nodes[n] = spec
            continue
        spec = NodeSpec(n, "unit", name, output=n in outputs, product=not get_combine(combine).linear)
        sym = fn_symbol(fn, combine)
        bias = net.bias(n)
        # "bias", not "b": an edge may be named b; a tied bias says its param (its total gradient is in the heading)
        tied_bias = net.bias_param(n)
        bias_text = f"bias {show(tied_bias)} = {num(bias)}" if tied_bias is not None else \
            f"bias = {num(bias)}" if (bias != 0 or "bias" in G.nodes[n]) else None
        spec.forward = {"left_head": "f′", "left": None, "right_head": sym, "right": None,
                        "above": name, "below": bias_text}
        spec.backward = {"left_head": "f′", "left": None, "right_head": "Σ", "right": None,
                         "above": name, "below": None}
        if lab is not None:
            o, d, s, delta = val(lab.o, n), val(lab.fprime, n), val(lab.s, n), val(lab.delta, n)
            arriving = 0.0
            for m in G.successors(n):
                arriving += net.weight(n, m) * partial(n, m) * val(lab.delta, m)
            if n in lab.ends:  # the objective's ∂E/∂o_n (an output it is fused with gets ∂E/∂s_n past f')
                arriving += val({n: lab.seed(n)[0]}, n)
            values["o"][n], values["fprime"][n], values["s"][n] = o, d, s
            values["delta"][n], values["arriving"][n] = delta, arriving
            spec.forward.update(left=num(d), right=num(o))
            below = f"δ = {num(delta)}"
            if n in lab.fused:  # the objective's ∂E/∂s_n joins past the left half: δ = f′·Σ + ∂E/∂s
                below = f"δ = f′·Σ + ({lab.seed_name(n, subscript=False)}) = {num(delta)}"
            spec.backward.update(left=num(d), right=num(arriving), below=below)
        nodes[n] = spec

    for u, v in net.edges:
        w = net.weight(u, v)
        gname = _grad_name(net, u, v, show)
        unnamed = gname == "w"
        if unnamed:  # the weight written with its edge as subscript, as in ∂E/∂w_ij: ∂E/∂w_{h1→y}
            gname = f"w_{{{show(u)}→{show(v)}}}"
        e = EdgeSpec(u, v, forward=_edge_text(net, u, v, digits, show), name="" if unnamed else gname,
                     weight=num(w), product=not get_combine(net.combine(v)).linear)
        values["weight"][(u, v)] = w
        if lab is not None:
            if k is None:
                g = lab.weight_grad[(u, v)]
            else:
                g = val(lab.o, u) * val(lab.delta, v) * partial(u, v)
            values["grad"][(u, v)] = g
            e.grad = num(g)
            if e.product:  # the backward sweep multiplies by w·∂s/∂(w·o): the product of the other terms
                p = partial(u, v)
                values.setdefault("partial", {})[(u, v)] = p
                factor_text = f"×{gname}·{fn_symbol('identity', net.combine(v))}′ = {num(w * p)}"
            else:
                # an unnamed edge's factor in brackets when negative: "×(−0.249)" never reads as a subtraction
                factor_text = f"×{factor(w, digits)}" if unnamed else f"×{gname} = {num(w)}"
            e.backward = f"{factor_text}\n∂{obj}/∂{gname} = {num(g)}"
        edges.append(e)

    order = list(net.nodes)
    seed_node = None
    if lab is not None and has_targets and objective_nodes:
        total = 0.0
        E = ObjectiveNode("sum")
        loss = lab.loss
        for out in lab.ends:  # the objective's error units, as its registry entry writes them
            t = val(lab.targets, out)
            # unfolded in time, "t = 0.2" above a time column reads as a time step: the target is named in full
            target = f"target = {num(t)}" if steps else f"t = {num(t)}"
            share, (_, _, seed) = val({out: lab.error(out)}, out), lab.seed_rule(out)
            seed = val({out: seed}, out)
            stored = lab.seed_rule(out)[0].split("_")[0]  # "∂E/∂o", or "∂E/∂s" where fused: short enough for a half
            err = ObjectiveNode("error", out)
            total += share
            spec = NodeSpec(err, "error", f"{loss.text(loss.unit)} of {show(out)}")
            spec.forward = {"left_head": stored, "left": num(seed), "right_head": loss.symbol,
                            "right": num(share), "above": target, "below": None}
            spec.backward = {"left_head": stored, "left": num(seed), "right_head": "Σ", "right": "1",
                             "above": target, "below": f"δ = {num(seed)}"}
            values["o"][err], values["fprime"][err] = share, seed
            values["delta"][err], values["arriving"][err] = seed, 1.0
            values.setdefault("stores", {})[err] = f"{stored} = {lab.seed_name(out, subscript=False)}"
            nodes[err] = spec
            order.append(err)
            # a joint objective (a softmax) reads every output in each error unit
            edges.extend(EdgeSpec(src, err, objective=True) for src in (lab.ends if loss.joint else [out]))
            edges.append(EdgeSpec(err, E, objective=True))
        spec = NodeSpec(E, "sum", "E")
        spec.forward = {"left_head": "f′", "left": "1", "right_head": "+", "right": num(total),
                        "above": "E", "below": None}
        spec.backward = {"left_head": "f′", "left": "1", "right_head": "Σ", "right": "1",
                         "above": "E", "below": "δ = 1"}
        values["o"][E], values["fprime"][E], values["delta"][E], values["arriving"][E] = total, 1.0, 1.0, 1.0
        nodes[E] = spec
        order.append(E)
        seed_node = E
    elif lab is not None and not has_targets:
        seed_node = lab.objective

    name = literal(net.name) or "network"
    params = []
    tied, tied_bias = {}, {}
    for u, v in net.edges:
        p = net.edge_param(u, v)
        if p is not None:
            tied.setdefault(p, []).append((u, v))
    for n in net.nodes:
        p = net.bias_param(n) if net.fn(n) != "input" else None
        if p is not None:
            tied_bias.setdefault(p, []).append(n)
    given = net.params if tied or tied_bias else {}
    for p in list(tied) + [p for p in tied_bias if p not in tied]:
        edges_of, units_of = tied.get(p, []), tied_bias.get(p, [])
        value = given[p] if p in given else net.weight(*edges_of[0])
        grad = None
        if lab is not None:
            grad = num(sum(values["grad"][e] for e in edges_of) + sum(values["delta"][n] for n in units_of)) \
                if k is not None else num(lab.param_grad[p])
        where = [f"{len(edges_of)} edge{'s' * (len(edges_of) != 1)}"] * bool(edges_of) + \
            [f"{len(units_of)} unit{'s' * (len(units_of) != 1)}' bias{'es' * (len(units_of) != 1)}"] * bool(units_of)
        params.append((show(p), num(value), grad, " and ".join(where)))
    if lab is None:
        n_in, n_out = len(net.inputs), len(net.outputs)
        subtitle = (f"{len(net)} nodes ({n_in} input{'s' * (n_in != 1)}, {n_out} output{'s' * (n_out != 1)}), "
                    f"{len(net.edges)} edges")
    else:
        if has_targets:
            value = sum(val({o: lab.error(o)}, o) for o in lab.ends)
            subtitle = f"{lab.objective_text()} = {num(value)}"
        else:
            subtitle = f"objective: the value of {literal(lab.objective)} = {num(values['o'][lab.objective])}"
        if k is not None:
            xs = ", ".join(f"{show(n)} = {num(values['o'][n])}" for n in net.inputs)
            subtitle += f"   (sample {k + 1} of {batch}: {xs}; batch total {lab.objective} = {num(lab.value)})" \
                if has_targets else f"   (sample {k + 1} of {batch}: {xs})"
    return Scene(nodes=nodes, edges=edges, order=order, inputs=list(net.inputs), title=name,
                 subtitle=subtitle, labeled=lab is not None,
                 objective=None if lab is None else lab.objective, seed_node=seed_node,
                 values=values, sample=k, batch=batch, counts=(len(net), len(net.edges)), steps=steps, pins=pins or None,
                 params=params, products=any(e.product for e in edges), rules=_rules(net), digits=digits,
                 error_texts={} if lab is None or not has_targets else
                 {"formula": lab.objective_text(), "unit": lab.loss.text(lab.loss.unit),
                  "stores": lab.loss.text(lab.loss.stores)})
