"""What a labeling differentiates: inputs and targets in sweep order, the objective, its checks.

The objective is an entry of :mod:`rojas.network.objectives` (Rojas's
extended network: an error unit per output, and their sum E), or the value
of one node.  Its derivative by each output value, ``∂E/∂o_k``, is the
*seed* the backward sweep starts from; an output whose primitive the
objective is fused with (binary cross-entropy on a sigmoid) receives
``∂E/∂s_k`` instead, added to δ_k past the multiplication by f'(s_k).  A
non-finite number in a sweep is refused, naming the node, edge, output or
sample where it arose.
"""

import numpy as np

from ..errors import DataError, NumericalError, RojasError
from ..network.data import prepare
from ..network.objectives import DEFAULT_OBJECTIVE, VALUE_OBJECTIVE, Objective, get_objective
from .plan import plan_of

__all__ = ["Problem", "ObjectiveLabels", "resolve_objective", "first_bad", "check_sums"]


def resolve_objective(net, targets=None, objective=None):
    """The registry entry a labeling differentiates.

    Parameters
    ----------
    net : Network
    targets : mapping or None
    objective : str, Objective or None
        None: the network's graph field ``objective`` (or squared error) with
        targets, the value of one node without.

    Raises
    ------
    NetworkError
        An unknown name (the message lists the known ones).
    DataError
        Targets for an objective that takes none, or none for one that needs them.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> resolve_objective(net, {"o1": 0.01, "o2": 0.99}).name
    'squared_error'
    >>> resolve_objective(net, None, "cross_entropy")
    Traceback (most recent call last):
    rojas.errors.DataError: objective 'cross_entropy' compares the outputs with targets: give targets
    """
    if isinstance(objective, Objective):
        entry = objective
    elif objective is not None:
        entry = get_objective(objective)
    elif targets is None:
        entry = get_objective(VALUE_OBJECTIVE)
    else:
        entry = get_objective(getattr(net, "objective", None) or DEFAULT_OBJECTIVE)
    if entry.targets and targets is None:
        raise DataError(f"objective {entry.name!r} compares the outputs with targets: give targets")
    if not entry.targets and targets is not None:
        raise DataError(f"objective {entry.name!r} takes no targets (it differentiates the value of one node)")
    return entry


def _sample(b):
    return "" if b is None else f" in sample {b}"


class Problem:
    """Inputs and targets of one labeling, checked and laid out in sweep order, and its objective."""

    def __init__(self, net, inputs, targets, of, objective=None):
        self.loss = loss = resolve_objective(net, targets, objective)
        x_map, t_map, self.batch, self.of = prepare(net, inputs, targets, of)
        self.given = (x_map, t_map)  # checked, by node: a caller laying out samples need not prepare again
        self.plan = plan = plan_of(net)
        pos = plan.pos
        self.shape = (plan.n_nodes,) if self.batch is None else (plan.n_nodes, self.batch)
        self.x = np.zeros(self.shape)
        self.x[np.fromiter((pos[n] for n in x_map), np.intp, len(x_map))] = _stacked(x_map, self.batch)
        self.outputs = list(t_map) if loss.targets else [self.of]  # the nodes the objective reads
        self.outs = np.fromiter((pos[n] for n in self.outputs), dtype=np.intp, count=len(self.outputs))
        self.t = np.zeros((len(self.outs),) + self.shape[1:])
        if t_map:
            self.t[:] = _stacked(t_map, self.batch)
        self.targets = list(t_map)
        self.name = "E" if loss.targets else self.of
        if loss.check is not None:
            self._check_targets()
        # Outputs whose primitive the objective is fused with: (Fused, their rows among the outputs).
        fns = [plan.fn_of(i) for i in self.outs.tolist()]
        self.fused = [(fused, np.array([k for k, fn in enumerate(fns) if fn == prim], dtype=np.intp))
                      for prim, fused in loss.fused.items() if prim in fns]

    def _check_targets(self):
        found = self.loss.check(self.t)
        if found is None:
            return
        row, b, why = found
        if row is None:
            names = ", ".join(map(repr, self.outputs))
            raise DataError(f"targets of outputs {names}{_sample(b)} {why} ({self.loss.name})")
        value = self.t[row] if b is None else self.t[row, b]
        raise DataError(f"target of output {self.outputs[row]!r}{_sample(b)} is {float(value):.9g}: "
                        f"it {why} ({self.loss.name})")

    def objective(self, o, s=None):
        """The objective's value, its seeds and each output's share of it.

        Parameters
        ----------
        o, s : ndarray of shape (N,) or (N, B)
            Values and net inputs in sweep order (`s` is needed only for fused outputs).

        Returns
        -------
        value : float or complex
        seed : ndarray, the shape of `o`
            ``∂E/∂o`` at the outputs (0 elsewhere, and at fused outputs).
        seed_s : ndarray or None
            ``∂E/∂s`` at fused outputs (0 elsewhere); None when no output is fused.
        terms : ndarray of shape (K,) or (K, B)
            Each output's share of E.
        """
        loss, outs = self.loss, self.outs
        with np.errstate(all="ignore"):
            terms = np.asarray(loss.terms(o[outs], self.t))
            seed_k = np.asarray(loss.seed(o[outs], self.t))
            terms = np.array(np.broadcast_to(terms, self.t.shape), dtype=np.result_type(terms, o))
            seed_k = np.array(np.broadcast_to(seed_k, self.t.shape), dtype=np.result_type(seed_k, o))
            seed_s = None
            if self.fused:
                seed_s = np.zeros(o.shape, np.result_type(o, s))
                for fused, rows in self.fused:
                    s_k, t_k = s[outs[rows]], self.t[rows]
                    terms = terms.astype(np.result_type(terms, s_k))
                    terms[rows] = fused.terms(s_k, t_k)
                    seed_k[rows] = 0.0
                    seed_s[outs[rows]] = fused.seed(s_k, t_k)
        seed = np.zeros(o.shape, seed_k.dtype)
        seed[outs] = seed_k
        value = np.sum(terms)
        return (complex(value) if np.iscomplexobj(value) else float(value)), seed, seed_s, terms

    def check(self, value, terms, seed, seed_s, o):
        """Refuse a non-finite objective or seed, naming the output and sample."""
        bad_seed = ~np.isfinite(seed[self.outs])
        if seed_s is not None:
            bad_seed |= ~np.isfinite(seed_s[self.outs])
        for bad, what in ((~np.isfinite(terms), "its share of E"), (bad_seed, "∂E/∂o")):
            if bad.any():
                k, b = _first(bad)
                at = (k,) if b is None else (k, b)
                o_k, t_k = o[self.outs][at], self.t[at]
                shown = f"o = {float(o_k):.9g}" + (f", t = {float(t_k):.9g}" if self.loss.targets else "")
                domain = f"; {self.loss.domain}" if self.loss.domain else ""
                raise NumericalError(f"the objective {self.loss.name} is not finite at output "
                                     f"{self.outputs[k]!r}{_sample(b)}: {what} ({shown}){domain}")
        if not np.isfinite(value):
            raise NumericalError(f"the objective E overflows: the sum of the outputs' shares "
                                 f"({self.loss.name}) is not finite")


class ObjectiveLabels:
    """What a :class:`~rojas.engine.labeling.Labeling` says about its objective's error units.

    Reads ``self.arrays`` (``error``, ``seed``, ``seed_s``, ``fprime``), ``self.plan`` and ``self.ends``.
    """

    def _end(self, node):
        try:
            return self.ends.index(node)
        except ValueError:
            raise RojasError(f"{node!r} is not read by the objective (it reads "
                             f"{', '.join(map(repr, self.ends))})") from None

    def error(self, node):
        """The share of the objective of the output `node` (its error unit's value; per sample in a batch).

        >>> import rojas
        >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
        ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> round(lab.error("o1"), 9), round(lab.error("o1") + lab.error("o2"), 9) == round(lab.value, 9)
        (0.274811083, True)
        """
        value = self.arrays["error"][self._end(node)]
        return float(np.real(value)) if np.ndim(value) == 0 else np.real(value).copy()

    def seed(self, node):
        """What the objective sends into the output `node`: ``(∂E/∂o, ∂E/∂s)``.

        ``∂E/∂o`` enters with what arrives from the node's successors and is
        multiplied by f'(s); ``∂E/∂s`` (nonzero only for an output in
        :attr:`fused`) is added to δ past that multiplication.  So
        ``δ = f'(s)·(arriving + ∂E/∂o) + ∂E/∂s``.  Per sample in a batch.
        """
        row = self.plan.pos[self.ends[self._end(node)]]
        seed_s = self.arrays["seed_s"]
        pair = self.arrays["seed"][row], (0.0 * self.arrays["seed"][row] if seed_s is None else seed_s[row])
        return tuple(float(v) if np.ndim(v) == 0 else v.copy() for v in pair)

    def objective_text(self, name=str, short=True):
        """The objective as a report's heading writes it: E's formula, or ``o[node]``.

        >>> import rojas
        >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
        ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> lab.objective_text(), lab.objective_text(short=False)
        ('E = ½Σ(o−t)²', 'E = ½ Σ_k (o_k − t_k)²')
        """
        if not self.loss.targets:
            return f"o[{name(self.objective)}]"
        return self.loss.short if short else self.loss.formula

    def seed_name(self, node, subscript=True, name=str):
        """How reports write the seed of output `node`: its error unit's ``stores`` text.

        The fused entry's text (``∂E/∂s``) for an output in :attr:`fused`, else
        the objective's (``∂E/∂o``); with `subscript`, o and t carry the node's name.

        >>> import rojas
        >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
        ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> lab.seed_name("o1"), lab.seed_name("o1", subscript=False)
        ('o_o1 − t_o1', 'o − t')
        """
        loss = self.loss
        template = loss.fused[self.plan.fn_of(self.plan.pos[node])].stores if node in self.fused else loss.stores
        return loss.text(template, name(node) if subscript else None)

    def seed_rule(self, node):
        """``(symbol, text, value)`` of what output `node` receives: ``("∂E/∂o_y", "o_y − t_y", 0.2)``,
        or ``∂E/∂s_y`` where the objective is fused with the node's primitive."""
        seed_o, seed_s = self.seed(node)
        fused = node in self.fused
        symbol = f"∂{self.objective if not self.loss.targets else 'E'}/∂{'s' if fused else 'o'}_{node}"
        return symbol, self.seed_name(node), (seed_s if fused else seed_o)

    def output_derivative(self, node):
        """``∂E/∂o`` of output `node`, the other outputs held fixed (per sample in a batch).

        Where the objective is fused with the node's primitive this is
        ``(∂E/∂s)/f'(s)`` (0 where f'(s) is 0: the output has saturated and
        nothing reaches E through its value).
        """
        seed_o, seed_s = self.seed(node)
        if node not in self.fused:
            return seed_o
        fp = np.asarray(self.arrays["fprime"][self.plan.pos[node]])
        value = np.divide(seed_s, fp, out=np.zeros(np.broadcast_shapes(np.shape(seed_s), fp.shape)), where=fp != 0)
        return float(value) if np.ndim(value) == 0 else value

    def end_factor(self, node):
        """What the objective contributes to δ of output `node`: ``f'(s)·∂E/∂o + ∂E/∂s``.

        The last factor of every path that ends at `node` (for an input read
        by the objective, f' is 1).
        """
        seed_o, seed_s = self.seed(node)
        row = self.plan.pos[node]
        fp = 1.0 if self.plan.is_input[row] else self.arrays["fprime"][row]
        value = fp * np.asarray(seed_o) + np.asarray(seed_s)
        return float(value) if np.ndim(value) == 0 else value


def _first(bad):
    """``(row, sample)`` of the first True entry, the first sample first."""
    if bad.ndim == 1:
        return int(np.argmax(bad)), None
    b, k = np.unravel_index(int(np.argmax(bad.T)), bad.T.shape)
    return int(k), int(b)


def _stacked(values, batch):
    """The values of ``{node: float or (B,) array}`` as one array: (n,) or (n, B)."""
    if batch is None:
        return np.fromiter(values.values(), np.float64, len(values))
    out = np.empty((len(values), batch))
    for i, value in enumerate(values.values()):
        out[i] = value  # a float is broadcast over the batch
    return out


def first_bad(plan, arrays, stage):
    """Refuse the first non-finite entry of `arrays` (``(name, array)`` pairs), naming its node."""
    for name, arr in arrays:
        bad = ~np.isfinite(arr)
        if bad.ndim == 2:
            bad = bad.any(axis=1)
        if bad.any():
            i = int(np.argmax(bad))
            node = plan.order[i]
            where = f"node {node!r} ({plan.fn_of(i)})"
            raise NumericalError(f"non-finite {name} at {where} in the {stage} sweep; "
                                 "the weights or inputs are too large for this primitive")


def check_sums(plan, delta, edge_grad):
    """Refuse a non-finite gradient, naming where it overflowed."""
    bad = ~np.isfinite(edge_grad)
    if bad.any():
        u, v = plan.edges[int(np.argmax(bad))]
        raise NumericalError(f"the gradient of edge {u!r}->{v!r} overflows (o_{u}·δ_{v} is not finite)")
    if delta.ndim == 2:
        bad = ~np.isfinite(delta.sum(axis=1)) & ~plan.is_input  # inputs' gradients stay per sample
        if bad.any():
            raise NumericalError(f"the gradient of node {plan.order[int(np.argmax(bad))]!r} summed over "
                                 "the batch overflows")
