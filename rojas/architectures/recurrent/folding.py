"""Folding the gradients of an unfolded labeling back onto the recurrent network (BPTT's sums)."""

import numpy as np

from .unfolding import unfolded_meta

__all__ = ["fold_grad", "RecurrentGrad"]


class RecurrentGrad:
    """Gradients of a recurrent network, summed over the copies of an unfolded labeling.

    Attributes
    ----------
    value : float
        The objective.
    weights : dict
        ``{(u, v): ∂E/∂w_uv}`` per original edge, in file order: the sum over
        its copies (a tied edge: its own share).
    biases : dict
        ``{unit: ∂E/∂b}``: the sum over the unit's copies.
    params : dict
        ``{param: ∂E/∂param}`` for the file's own params.
    initial : dict
        ``{state: ∂E/∂h_0}``.
    inputs : dict
        ``{input: [∂E/∂x_1, …, ∂E/∂x_T]}``.
    delta : dict
        ``{unit: [δ_1, …, δ_T]}``: ∂E/∂s of the unit at each step (0 where the
        copy was left out).
    """

    def __init__(self, value, weights, biases, params, initial, inputs, delta, edges):
        self.value, self.weights, self.biases, self.params = value, weights, biases, params
        self.initial, self.inputs, self.delta, self._edges = initial, inputs, delta, edges

    def table(self):
        """The gradients as text."""
        from ...utils.formatting import fmt, table

        rows = [[f"{u}->{v}", d, p, fmt(g)] for ((u, v), g), (d, p) in zip(self.weights.items(), self._edges)]
        out = [f"Gradients of the recurrent network (each the sum over its copies), E = {fmt(self.value)}:",
               table(["edge", "delay", "tied as", "∂E/∂w"], rows)]
        if self.biases:
            out += ["", table(["unit", "∂E/∂b"],
                               [[n, fmt(g)] for n, g in self.biases.items()])]
        if self.params:
            out += ["", table(["param", "∂E/∂param"], [[p, fmt(g)] for p, g in self.params.items()])]
        if self.initial:
            out += ["", table(["state", "∂E/∂h_0"], [[n, fmt(g)] for n, g in self.initial.items()])]
        return "\n".join(out)


def fold_grad(lab):
    """Fold a labeling of an unfolded network back onto the recurrent network.

    Parameters
    ----------
    lab : Labeling
        Of a network built by :func:`unfold`.

    Returns
    -------
    RecurrentGrad

    Examples
    --------
    Two steps of h_t = w·h_{t−1} + x_t (identity unit) with h_0 = 1, x = (0, 0),
    and E = h_2: h_2 = w², so ∂E/∂w = 2w and ∂E/∂h_0 = w².

    >>> import networkx as nx, rojas
    >>> G = nx.DiGraph()
    >>> G.add_node("x", fn="input"); G.add_node("h", fn="identity")
    >>> G.add_edge("x", "h", weight=1.0); G.add_edge("h", "h", weight=3.0, delay=1)
    >>> u = rojas.unfold(G, steps=2)
    >>> x, _ = rojas.unfold_data(u, {"inputs": {"x": [0.0, 0.0]}, "initial": {"h": 1.0}})
    >>> g = rojas.fold_grad(rojas.label(u, x, of="h@2"))
    >>> g.weights[("h", "h")], g.initial["h"]
    (6.0, 9.0)
    """
    G, meta = unfolded_meta(lab.network)
    T = meta["steps"]
    net, pos = lab.network, lab.plan.pos
    # Read the label arrays directly: one lookup per copy keeps this linear in T.
    arr = lab.arrays["delta"]
    grads = lab.gradients()
    unit = dict(G.nodes(data="unit"))
    weights = {(u, v): 0.0 for u, v, _, _ in meta["weights"]}
    for (a, b), g in zip(net.edges, grads["weights"].tolist()):
        weights[(unit[a], unit[b])] += g
    bias_of = dict(zip(net.nodes, grads["biases"].tolist()))
    value = (lambda n: float(arr[pos[n]])) if arr.ndim == 1 else (lambda n: arr[pos[n]].copy())
    zero = 0.0 if lab.batch_size is None else np.zeros(lab.batch_size)
    biases = {n: 0.0 for n in meta["units"]}
    delta = {n: [zero] * T for n in meta["units"]}
    inputs = {n: [zero] * T for n in meta["inputs"]}
    initial = {n: zero for n in meta["states"]}
    for n, attrs in G.nodes(data=True):
        r, t = attrs.get("role"), attrs.get("step")
        if r == "unit":
            biases[unit[n]] += bias_of[n]
            delta[unit[n]][t - 1] = value(n)
        elif r == "input":
            inputs[unit[n]][t - 1] = value(n)
        elif r == "initial":
            initial[unit[n]] = value(n)
    params = {p: lab.param_grad[p] for p in meta["params"]}
    return RecurrentGrad(lab.value, weights, biases, params, initial, inputs, delta,
                         [(d, p) for _, _, d, p in meta["weights"]])
