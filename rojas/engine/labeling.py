"""Label a network: ``label`` runs Rojas's two sweeps, a ``Labeling`` keeps what they leave.

Rojas (1996, §7.2) splits every unit in two: on the forward sweep the right
half computes ``o = f(s)`` and the left half stores ``f'(s)``; on the backward
sweep the graph is run in reverse, a 1 entering at the objective, every edge
multiplying by its weight and every unit multiplying the sum of what arrives
by its stored derivative.  What a unit then holds is ``δ = ∂objective/∂s``
and ``∂objective/∂w_ij = o_i·δ_j``.  :mod:`rojas.engine.textbook` says it node by
node; :mod:`rojas.engine.sweeps` does it a generation at a time on the compiled
:mod:`rojas.engine.plan`.

A :class:`Labeling` is a snapshot: :func:`label` copies the numbers it used
(weights, biases, params, inputs, targets), and everything read from a
labeling — its labels, gradients, JSON, ``lab.network`` — comes from that
copy, whatever happens to the network afterwards.
"""

from functools import cached_property

import numpy as np

from . import sweeps
from ..errors import DataError, NumericalError, RojasError
from ..network import as_network
from .labeling_io import LabelingExport
from .objective import ObjectiveLabels, Problem, check_sums, first_bad
from .snapshot import LabelsView, frozen_network, numbers_of

__all__ = ["label", "evaluate", "Labeling"]


def _weights(plan, w, key=None):
    """The weights as the four edge parts read them (cached for the network's own weights)."""
    return [plan.ordered(w, part, key) for part in (plan.forward.linear, plan.forward.scaled,
                                                      plan.backward.linear, plan.backward.scaled)]


def evaluate(net, inputs, targets=None, of=None, *, objective=None, weights=None, biases=None, params=None, problem=None):
    """The objective's value from the forward sweep alone, optionally at other parameters.

    What numerical checks need: the parameters may be complex (a complex step
    ``w + ih``), and nothing is stored or checked.

    Parameters
    ----------
    net, inputs, targets, of, objective
        As for :func:`label`.
    weights : array_like of shape (E,), optional
        Edge weights in :attr:`Network.edges` order (tied edges take their param).
    biases : array_like of shape (N,), optional
        In :attr:`Network.nodes` order (tied biases take their param).
    params : array_like of shape (P,) or dict, optional
        Shared parameters, in the order of ``net.params`` or by name.
    problem : rojas.engine.objective.Problem, optional
        The inputs and targets already checked and laid out (``Problem(net,
        inputs, targets, of)``, built once for many evaluations): `inputs`,
        `targets` and `of` are then not read again.

    Returns
    -------
    float or complex

    Examples
    --------
    >>> import numpy as np, rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> x, t = rojas.load_data(rojas.example_path("mazur", "data"))
    >>> w = net.parameters()["weights"].astype(complex)
    >>> w[4] += 1e-20j                       # w5, by a complex step
    >>> round(rojas.evaluate(net, x, t, weights=w).imag / 1e-20, 9)
    0.082167041
    """
    net = as_network(net)
    problem = Problem(net, inputs, targets, of, objective) if problem is None else problem
    plan = problem.plan
    w0, b0, p0, _ = numbers_of(net, plan)
    w = np.array(w0 if weights is None else weights)
    b = np.array(b0 if biases is None else biases)
    if isinstance(params, dict):
        params = [params.get(n, v) for n, v in zip(plan.param_names, p0)]
    p = np.array(p0 if params is None else params)
    if w.shape != w0.shape or b.shape != b0.shape or p.shape != p0.shape:
        raise DataError(f"evaluate: expected {w0.shape[0]} weights, {b0.shape[0]} biases and "
                        f"{p0.shape[0]} params")
    w, b = w.astype(np.result_type(w, p)), b.astype(np.result_type(b, p))
    tied = plan.edge_param >= 0
    w[tied] = p[plan.edge_param[tied]]
    tied = plan.node_param >= 0
    b[tied] = p[plan.node_param[tied]]
    w_fl, w_fs, _, _ = _weights(plan, w)
    with np.errstate(all="ignore"):
        s, o, _, _ = sweeps.forward(plan, w_fl, w_fs, b[plan.node_file], problem.x)
        return problem.objective(o, s)[0]


def label(net, inputs, targets=None, of=None, *, objective=None):
    """Label a network: run Rojas's forward and backward sweeps.

    Parameters
    ----------
    net : Network or networkx.DiGraph
    inputs : mapping
        ``{input node: value}``; a value may be a sequence of B numbers (a batch).
    targets : mapping, optional
        ``{output node: target}`` for every output: the objective is then the
        extended network's error E (summed over a batch), by default
        ``E = ½ Σ_k (o_k − t_k)²``.
    of : node, optional
        Without targets: differentiate this node's value.  By default the
        single output; a network with several outputs needs targets or `of`.
    objective : str or Objective, optional
        How the outputs are compared with the targets: one of
        :func:`rojas.objective_names`.  By default the network's graph field
        ``objective``, else squared error.

    Returns
    -------
    Labeling
        A snapshot: later changes to `net` change nothing in it.

    Raises
    ------
    DataError
        If the inputs or targets do not fit the network or the objective.
    NumericalError
        If a non-finite value arises in a sweep (naming the node), or the
        objective is not finite (naming the output and sample).

    Examples
    --------
    The chain x → h → y with σ units and no biases (Rojas §7.2.2's chain of two units):

    >>> import rojas
    >>> net = rojas.Network()
    >>> net.add_input("x").add_unit("h", "sigmoid").add_unit("y", "sigmoid")
    Network('', 3 nodes, 0 edges)
    >>> net.add_edge("x", "h", weight=0.5, name="w1").add_edge("h", "y", weight=-1.0, name="w2")
    Network('', 3 nodes, 2 edges)
    >>> lab = rojas.label(net, {"x": 2.0}, {"y": 1.0})
    >>> round(lab.grad("w1"), 6)
    0.058228
    >>> round(rojas.label(net, {"x": 2.0}, {"y": 1.0}, objective="binary_cross_entropy").grad("w1"), 6)
    0.265441
    """
    net = as_network(net)
    problem = Problem(net, inputs, targets, of, objective)
    plan = problem.plan
    w, b, p, key = numbers_of(net, plan)
    w_fl, w_fs, w_bl, w_bs = _weights(plan, w, key)
    b_sweep = b[plan.node_file]
    with np.errstate(all="ignore"):
        s, o, d, partials = sweeps.forward(plan, w_fl, w_fs, b_sweep, problem.x)
        first_bad(plan, (("value o", o), ("derivative f'(s)", d), ("net input s", s)), "forward")
        value, seed, seed_s, terms = problem.objective(o, s)
        problem.check(value, terms, seed, seed_s, o)
        delta = sweeps.backward(plan, w_bl, w_bs, d, seed, partials, seed_s)
        first_bad(plan, (("delta", delta),), "backward")
        edge_grad = sweeps.edge_gradients(plan, o, delta, partials)
        check_sums(plan, delta, edge_grad)
    numbers = {"weights": plan.weights_copy(w, key), "biases": b.copy(), "params": p.copy(), "inputs": problem.x,
               "targets": problem.t}
    arrays = {"s": s, "o": o, "fprime": d, "delta": delta, "partials": partials, "seed": seed,
              "seed_s": seed_s, "error": terms}  # seed_s: None when no output is fused
    return Labeling(net, plan, problem, value, numbers, arrays, edge_grad)


class Labeling(LabelingExport, ObjectiveLabels):
    """The labels Rojas's sweeps leave on a network: an immutable snapshot.

    Attributes
    ----------
    network : Network
        A frozen copy of the network with the numbers this labeling used
        (built on first use); its setters raise.
    plan : Plan
        The compiled structure the sweeps ran on.
    objective : str or node
        ``"E"`` (the error against targets) or the node differentiated.
    loss : rojas.network.objectives.Objective
        The objective's registry entry (its formula, error units, seeds).
    ends : list
        The nodes the objective reads: the outputs, or the node differentiated.
    fused : frozenset
        The outputs whose seed is ``∂E/∂s`` (the objective fused with their primitive).
    value : float
        The objective's value, summed over a batch.
    batch_size : int or None
    targets : dict
        ``{output: target}`` (empty without targets).
    s, o, fprime, delta : mapping
        ``{node: label}``: the net input s, the value o = f(s) (right half),
        the stored derivative f'(s) (left half) and δ = ∂objective/∂s (for an
        input: ∂objective/∂x).  Floats, or arrays of B values for a batch.
        ``s`` and ``fprime`` have no entries for inputs.
    weight_grad : dict
        ``{(u, v): ∂objective/∂w_uv}`` in edge order, summed over a batch (a
        tied edge: its own share of its param's gradient).
    bias_grad : dict
        ``{node: ∂objective/∂b}`` for every non-input node, summed over a batch.
    param_grad : dict
        ``{param: ∂objective/∂param}``: the sum over the param's edges and
        over the δ of the units whose bias it is.
    input_grad : dict
        ``{input: ∂objective/∂x}`` (per sample for a batch).
    arrays : dict
        The labels as arrays in sweep order (``plan.order``): ``s, o, fprime,
        delta`` of shape (N,) or (N, B), ``partials`` (∂s_j/∂t_i of the
        edges into non-linear units, see :meth:`product_partial`) and ``seed``
        (∂objective/∂o, what the backward sweep starts from: nonzero only where
        the objective reads a node).
    """

    def __init__(self, net, plan, problem, value, numbers, arrays, edge_grad):
        self.plan, self.value, self.arrays, self.problem = plan, value, arrays, problem  # problem: check reuses it
        self.objective, self.batch_size = problem.name, problem.batch
        self.loss, self.ends = problem.loss, list(problem.outputs)
        self.fused = frozenset(problem.outputs[k] for _, rows in problem.fused for k in rows.tolist())
        self._source, self._numbers, self._edge_grad = net, numbers, edge_grad
        t = numbers["targets"]
        self.targets = {n: (float(t[i]) if t.ndim == 1 else t[i].copy()) for i, n in enumerate(problem.targets)}

    # ---------------------------------------------------------------- the snapshot's numbers
    @cached_property
    def network(self):
        return frozen_network(self._source, self.plan, self._numbers)

    def weight(self, u, v):
        """The weight of u→v this labeling used."""
        return float(self._numbers["weights"][self._edge(u, v)])

    def bias(self, node):
        """The bias of `node` this labeling used (0 for an input or a unit without bias)."""
        return float(self._numbers["biases"][self.plan.node_file[self._row(node)]])

    def parameters(self):
        """The numbers this labeling used, as :meth:`Network.parameters` gives them (copies).

        Returns
        -------
        dict
            ``{"weights": (E,) in edge order, "biases": (N,) in node order (a tied
            bias: its param's value), "params": {name: value}}``.
        """
        return {"weights": self._numbers["weights"].copy(), "biases": self._numbers["biases"].copy(),
                "params": self.params}

    @property
    def params(self):
        """``{param: value}`` this labeling used (a copy)."""
        return dict(zip(self.plan.param_names, self._numbers["params"].tolist()))

    @cached_property
    def inputs(self):
        """``{input: value}`` this labeling used (arrays over a batch)."""
        return self._rows_of_inputs(self._numbers["inputs"])

    def _row(self, node):
        try:
            return self.plan.pos[node]
        except (KeyError, TypeError):
            raise RojasError(f"unknown node {node!r}") from None

    def _edge(self, u, v):
        try:
            return self.plan.edge_index[(u, v)]
        except (KeyError, TypeError):
            raise RojasError(f"no edge {u!r}->{v!r}") from None

    # ---------------------------------------------------------------- the labels
    # Views are built on first use: a labeling in a training loop never pays for them.
    @cached_property
    def s(self):
        return LabelsView(self.plan, self.arrays["s"], units_only=True)

    @cached_property
    def o(self):
        return LabelsView(self.plan, self.arrays["o"])

    @cached_property
    def fprime(self):
        return LabelsView(self.plan, self.arrays["fprime"], units_only=True)

    @cached_property
    def delta(self):
        return LabelsView(self.plan, self.arrays["delta"])

    @cached_property
    def _delta_sum(self):
        delta = self.arrays["delta"]
        return delta.sum(axis=1) if delta.ndim == 2 else delta

    @cached_property
    def weight_grad(self):
        return dict(zip(self.plan.edges, self._edge_grad.tolist()))

    @cached_property
    def bias_grad(self):
        plan = self.plan
        units = np.flatnonzero(~plan.is_input[plan.rank])  # network order
        rows = plan.rank[units]
        return dict(zip([plan.nodes[i] for i in units.tolist()], self._delta_sum[rows].tolist()))

    @cached_property
    def param_grad(self):
        return dict(zip(self.plan.param_names, self.gradients()["params"].tolist()))

    @cached_property
    def input_grad(self):
        return self._rows_of_inputs(self.arrays["delta"])

    def _rows_of_inputs(self, array):
        """``{input: row}``: floats, or copies of the rows over a batch."""
        plan = self.plan
        names = [plan.order[i] for i in plan.inputs.tolist()]
        rows = array[plan.inputs]  # a copy
        return dict(zip(names, rows.tolist() if rows.ndim == 1 else list(rows)))

    def gradients(self):
        """The gradients as arrays, aligned with :meth:`Network.parameters`.

        Returns
        -------
        dict
            ``{"weights": (E,) in edge order, "biases": (N,) in node order (0 for
            inputs), "params": (P,) in the order of ``network.params``}``, summed
            over a batch.  What training uses: no per-edge Python work.  The
            weights' array is a read-only view of the snapshot (no copy).
        """
        plan = self.plan
        biases = np.where(plan.is_input, 0.0, self._delta_sum)[plan.rank]
        params = np.zeros(len(plan.param_names))
        tied = plan.edge_param >= 0
        if tied.any():
            params += np.bincount(plan.edge_param[tied], weights=self._edge_grad[tied],
                                  minlength=len(params))
        tied = plan.node_param >= 0
        if tied.any():
            params += np.bincount(plan.node_param[tied], weights=biases[tied], minlength=len(params))
        if not np.isfinite(params).all():
            name = plan.param_names[int(np.argmax(~np.isfinite(params)))]
            raise NumericalError(f"the gradient of param {name!r}, summed over its edges and units, overflows")
        weights = self._edge_grad.view()
        weights.flags.writeable = False
        return {"weights": weights, "biases": biases, "params": params}

    def product_partial(self, u, v):
        """∂s_v/∂(w_uv·o_u): 1 for a sum unit, the combine mode's partial otherwise
        (for a product unit, the product of v's other terms)."""
        term = self.plan.term_of_edge[self._edge(u, v)]
        if term < 0:
            return 1.0
        value = self.arrays["partials"][term]
        return float(value) if np.ndim(value) == 0 else value.copy()

    def grad(self, ref):
        """∂objective/∂ref for a weight, bias, param or input.

        Parameters
        ----------
        ref : edge name, ``"u->v"``, ``(u, v)``, param name, or node
            A node stands for its bias (an input node: its value).

        Returns
        -------
        float (or array for an input in a batch)

        Raises
        ------
        RojasError
            If `ref` names nothing in the network.
        """
        plan = self.plan
        try:
            hash(ref)
        except TypeError:  # a list or a dict names nothing (and cannot be looked up)
            raise RojasError(f"{ref!r:.60} is no weight, bias, param or input of the network "
                             "(give an edge name, 'u->v', (u, v), a param name or a node)") from None
        if isinstance(ref, tuple) and ref in plan.edge_index:
            return float(self._edge_grad[plan.edge_index[ref]])
        if ref in self.param_grad:
            return self.param_grad[ref]
        if ref in self.input_grad:
            return self.input_grad[ref]
        if ref in self.bias_grad:
            return self.bias_grad[ref]
        e = plan.find_edge(ref)
        if e is None:
            raise RojasError(f"{ref!r} is no weight, bias, param or input of the network")
        return float(self._edge_grad[e])

    def table(self):
        """The labels as a readable text table (sweep order), for the terminal."""
        from .report import labeling_table

        return labeling_table(self)

    def __repr__(self):
        batch = "" if self.batch_size is None else f", batch of {self.batch_size}"
        name = self.plan.name or "network"
        return f"<Labeling of {name}: {self.objective} = {self.value:.6g}{batch}>"
