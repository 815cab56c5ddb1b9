"""Learning: gradient descent with the labels of Rojas's two sweeps.

Rojas (1996, §7.2.4): once the network is labeled, the correction of every
weight is ``Δw_ij = −γ·o_i·δ_j``, with ``o_i`` the value at the edge's source
(forward sweep) and ``δ_j`` the backpropagated error at its target (backward
sweep).  A bias is the weight of an edge from a unit that always outputs 1, so
``Δb_j = −γ·δ_j``, and a tied param moves by ``−γ`` times the sum of its
edges' ``o_i·δ_j``.

*Batch* learning (Rojas's "off-line" mode) sums the corrections over all
patterns before applying them, one step per epoch; *online* learning applies
the correction after every pattern.  Either way the network is labeled again
and again with the same compiled plan: only the numbers change
(:meth:`rojas.Network.set_parameters`), never the graph.
"""

import math
import os
import time
import numpy as np

from ..network.data import load_data, prepare
from ..errors import DataError, NumericalError, RojasError
from .explain import EXPLAIN_ROWS_LIMIT, explain_step
from .history import History, Snapshot, TrainingDiverged, epochs_text
from .initialization import XOR_EPOCHS, XOR_LR, XOR_SEED, initialize, xor_start
from ..engine.labeling import evaluate, label
from ..engine.objective import resolve_objective
from ..utils.limits import check_work
from ..engine.plan import plan_of
from ..utils.progress import progress_bar

__all__ = ["train", "History", "Snapshot", "TrainingDiverged", "initialize", "xor_start", "XOR_SEED",
           "XOR_LR", "XOR_EPOCHS", "MODES", "DIVERGENCE_GROWTH", "epochs_text"]

MODES = ("batch", "online")

#: Training stops as diverged when the loss exceeds this many times max(1, its starting value).
DIVERGENCE_GROWTH = 1e6


def _as_network(net):
    from ..network import Network

    return net if isinstance(net, Network) else Network(net)




def _read_data(data):
    """(inputs, targets) from a path, a {"inputs", "targets"} mapping or a pair."""
    if isinstance(data, (str, os.PathLike)):
        return load_data(data)
    if isinstance(data, dict) and "inputs" in data:
        unknown = sorted(set(data) - {"inputs", "targets"}, key=str)
        if unknown:
            raise DataError(f"data: unknown field {unknown[0]!r} (fields: inputs, targets)")
        return data["inputs"], data.get("targets")
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return data[0], data[1]
    raise DataError("data must be a data file path, {'inputs': ..., 'targets': ...}, "
                    "or a pair (inputs, targets)")


def _freeze_masks(net, freeze):
    """Which weights, biases and params are updated."""
    edges, nodes, names = net.edges, net.nodes, list(net.params)
    edge_param, node_param = net.param_index()
    w_on = np.asarray(edge_param) < 0  # a tied weight or bias moves with its param
    b_on = np.array([net.fn(n) != "input" for n in nodes], dtype=bool) & (np.asarray(node_param) < 0)
    p_on = np.ones(len(names), dtype=bool)
    if freeze is None:
        return w_on, b_on, p_on
    if isinstance(freeze, str) or not hasattr(freeze, "__iter__"):
        freeze = [freeze]
    e_index = {e: i for i, e in enumerate(edges)}
    n_index = {n: i for i, n in enumerate(nodes)}
    for ref in freeze:
        if ref == "biases":
            b_on[:] = False
        elif ref == "weights":
            w_on[:] = False
            p_on[:] = False
        elif ref == "params":
            p_on[:] = False
        elif isinstance(ref, str) and ref in names:
            p_on[names.index(ref)] = False
        elif isinstance(ref, tuple) and ref in e_index:
            w_on[e_index[ref]] = False
        elif ref in n_index:
            b_on[n_index[ref]] = False
        else:
            try:
                w_on[e_index[net.find_edge(ref)]] = False
            except RojasError:
                raise RojasError(f"freeze: {ref!r} is no edge, node (bias) or param of the network, "
                                 "nor 'weights', 'biases' or 'params'") from None
    return w_on, b_on, p_on


def train(net, data, lr, epochs, mode="batch", *, average=False, freeze=None, shuffle=False,
          seed=None, in_place=False, snapshot_every=None, callback=None, explain=False, progress=None,
          max_growth=DIVERGENCE_GROWTH, objective=None):
    """Train a network by gradient descent on its objective E, with Rojas's rule Δw = −γ·o_i·δ_j.

    Parameters
    ----------
    net : Network or networkx.DiGraph
    data : str, path, mapping or pair
        A data file, ``{"inputs": ..., "targets": ...}``, or ``(inputs, targets)``;
        targets are required.  Lists of N values are N patterns.
    lr : float
        The learning rate γ > 0.
    epochs : int
        Passes over the data (≥ 0).
    mode : {"batch", "online"}, optional
        ``"batch"``: label all N patterns, then move every parameter by −γ
        times its gradient summed over them (one step per epoch).
        ``"online"``: one step after each pattern, in order (or shuffled).
    objective : str, optional
        The objective E, as for :func:`rojas.label` (default: the network's,
        else ``E = ½Σ(o−t)²``).
    average : bool, optional
        Minimize ``C = E/N`` instead: gradients are divided
        by N, and so are the losses in the history.
    freeze : iterable, optional
        What not to train: edge names, ``"u->v"`` or ``(u, v)``, nodes (their
        bias), param names; ``"weights"`` (every edge weight, tied params
        included), ``"biases"`` or ``"params"`` for all of them.
    shuffle : bool, optional
        Online mode: present the patterns in a new random order each epoch.
    seed : int, optional
        The seed of that order, an integer ≥ 0 (NumPy's rule).
    in_place : bool, optional
        Train `net` itself.  By default `net` is left unchanged and a trained
        copy is returned.
    snapshot_every : int, optional
        Keep the full labels (:class:`Snapshot`) every this many epochs (and
        at the end).
    callback : callable, optional
        ``callback(epoch, loss)`` after every epoch, with the loss after
        `epoch` epochs (also once with epoch 0 before training).
    explain : bool, optional
        Keep every step weight by weight (``history.steps``, a list of
        :class:`rojas.learning.explain.ExplainedStep`): the labels of both sweeps and,
        for every weight, bias and tied param, old value, o_i, δ_j,
        ∂E/∂w = o_i·δ_j, Δw = −γ·∂E/∂w and the new value; E before and after.
        Refused beyond :data:`rojas.learning.explain.EXPLAIN_ROWS_LIMIT` rows in all.
    progress : bool, optional
        A progress bar on stderr (default: when stderr is a terminal; it
        shows after 2 s).
    max_growth : float, optional
        Stop as diverged when the loss exceeds ``max_growth·max(1, loss[0])``
        (default :data:`DIVERGENCE_GROWTH` = 1e6; None: only a non-finite loss).

    Returns
    -------
    network : Network
        The trained network (`net` itself when `in_place`).
    history : History
        ``history.loss[k]``: the loss after k epochs.

    Raises
    ------
    DataError
        If the data have no targets or do not fit the network.
    RojasError
        On a bad learning rate, epoch count, mode, seed or freeze entry, or an
        explanation too long to print.
    TrainingDiverged
        (a NumericalError) When the loss or a parameter becomes non-finite, or
        the loss grows beyond `max_growth` times its start; it names the epoch
        and carries the history and the last network.

    Examples
    --------
    One step on Matt Mazur's worked 2-2-2 example (2015) (γ = 0.5, biases
    kept fixed as he does) gives his published new weights; the error
    falls from 0.298371109 to 0.291027774 (Mazur, rounding his intermediate
    values, prints 0.291027924):

    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> trained, history = rojas.train(net, rojas.example_path("mazur", "data"), lr=0.5, epochs=1,
    ...                                freeze="biases")
    >>> round(trained.weight(*trained.find_edge("w5")), 8), round(trained.weight(*trained.find_edge("w1")), 9)
    (0.35891648, 0.149780716)
    >>> [round(float(e), 9) for e in history.loss]
    [0.298371109, 0.291027774]
    >>> net.weight(*net.find_edge("w5"))     # the input network is unchanged
    0.4

    The same step explained, weight by weight (Mazur's ∂E/∂w5 and w5+):

    >>> _, history = rojas.train(net, rojas.example_path("mazur", "data"), lr=0.5, epochs=1,
    ...                          freeze="biases", explain=True)
    >>> row = history.steps[0].row("w5")
    >>> round(row["o"], 9), round(row["delta"], 9), round(row["grad"], 9), round(row["new"], 8)
    (0.593269992, 0.138498562, 0.082167041, 0.35891648)
    """

    start = time.perf_counter()
    _check_arguments(lr, epochs, mode, snapshot_every, seed, max_growth)
    net = _as_network(net)
    inputs, targets = _read_data(data)
    if not targets:
        raise DataError("training needs targets: give a target for every output "
                        f"({', '.join(map(repr, net.outputs))})")
    x, t, batch, _ = prepare(net, inputs, targets)
    objective = resolve_objective(net, targets, objective)
    n = 1 if batch is None else batch
    work = net if in_place else net.copy()
    steps = epochs * (n if mode == "online" else 1)
    check_work("rojas train", 2 * steps, plan_of(work))  # a labeling per step, before the first
    w_on, b_on, p_on = _freeze_masks(work, freeze)
    if explain:
        rows = steps * (int(w_on.sum()) + int((np.asarray([work.fn(k) != "input" for k in work.nodes])).sum())
                        + len(p_on))
        if rows > EXPLAIN_ROWS_LIMIT:
            raise RojasError(f"explain: {steps} step(s) × every weight and bias is {rows:,} table rows, over the "
                             f"limit of {EXPLAIN_ROWS_LIMIT:,}; explain fewer epochs or patterns, or a smaller network")

    params = work.parameters()
    w, b = params["weights"], params["biases"]
    names = list(params["params"])
    p = np.array([params["params"][k] for k in names], dtype=float)
    scale = lr / n if average else lr
    per = 1.0 / n if average else 1.0
    losses = []  # after 0, 1, 2, ... epochs
    history = History(loss=np.empty(0), lr=float(lr), mode=mode, average=average, batch_size=n,
                      formula=objective.short)
    samples = None
    if mode == "online":
        pick = lambda d, i: {k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in d.items()}
        samples = [(x, t)] if batch is None else [(pick(x, i), pick(t, i)) for i in range(n)]
    rng = np.random.default_rng(seed)
    limit = None  # set from the first loss

    def diverged(why):
        # Losses were recorded after 0 … k−1 epochs: the updates of epoch k made the bad value.
        k = max(1, len(losses))
        history.loss = np.array(losses)
        history.epochs = k - 1
        history.seconds = time.perf_counter() - start
        return TrainingDiverged(f"training diverged in epoch {k} of {epochs} "
                                f"({mode}, lr {lr:g}): {why}; try a smaller learning rate",
                                epoch=k, history=history, network=work)

    def record(loss):
        nonlocal limit
        if not math.isfinite(loss):
            raise diverged(f"the loss is {loss}")
        if not losses and max_growth is not None:
            limit = max_growth * max(1.0, loss)
        elif limit is not None and loss > limit:
            raise diverged(f"the loss rose from {losses[0]:.6g} to {loss:.6g} (more than "
                           f"{max_growth:g} × max(1, its start))")
        losses.append(loss)

    def step(lab, epoch, pattern=None):
        grads = lab.gradients()
        g_w, g_b, g_p = grads["weights"], grads["biases"], grads["params"]
        new_w = w - scale * np.where(w_on, g_w, 0.0)
        new_b = b - scale * np.where(b_on, g_b, 0.0)
        new_p = p - scale * np.where(p_on, g_p, 0.0)
        for what, arr in (("a weight", new_w), ("a bias", new_b), ("a param", new_p)):
            if not np.isfinite(arr).all():
                raise diverged(f"{what} became non-finite")
        old = (w.copy(), b.copy(), p.copy())
        w[:], b[:], p[:] = new_w, new_b, new_p
        work.set_parameters(weights=w, biases=b, params=dict(zip(names, p.tolist())))
        if explain:
            xs, ts = (x, t) if pattern is None else samples[pattern]
            after = evaluate(work, xs, ts, objective=objective)
            history.steps.append(explain_step(work, lab, old, (w.copy(), b.copy(), p.copy()),
                                              (w_on, b_on, p_on), scale, epoch + 1, pattern, after))

    def snapshot(k, loss, lab=None):
        if snapshot_every is None or (k % snapshot_every and k != epochs):
            return
        if lab is None:
            lab = label(work, x, t, objective=objective)
        history.snapshots.append(Snapshot(k, loss, work.parameters(), lab.to_dict()))

    bar = progress_bar(total=epochs, desc="rojas train", unit="epoch", enabled=progress)
    try:
        for epoch in range(epochs):
            if mode == "batch":
                lab = label(work, x, t, objective=objective)
                loss = lab.value * per
                record(loss)
                snapshot(epoch, loss, lab)
                if callback is not None:
                    callback(epoch, loss)
                step(lab, epoch)
            else:
                loss = evaluate(work, x, t, objective=objective) * per
                record(loss)
                snapshot(epoch, loss)
                if callback is not None:
                    callback(epoch, loss)
                order = rng.permutation(n) if shuffle else range(n)
                for i in order:
                    step(label(work, *samples[i], objective=objective), epoch, int(i))
            bar.update()
            bar.set_postfix(loss=f"{loss:.6g}", refresh=False)
        record(evaluate(work, x, t, objective=objective) * per)
    except TrainingDiverged:
        raise
    except NumericalError as exc:
        if not losses:  # the untrained network itself overflows: not a divergence
            raise
        raise diverged(str(exc)) from None
    finally:
        bar.close()
    loss = losses[-1]
    history.loss = np.array(losses)
    snapshot(epochs, loss)
    if callback is not None:
        callback(epochs, loss)
    history.epochs = epochs
    history.seconds = time.perf_counter() - start
    return work, history


def _check_arguments(lr, epochs, mode, snapshot_every, seed, max_growth):
    if mode not in MODES:
        raise RojasError(f"unknown training mode {mode!r} (use batch or online)")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise RojasError(f"the learning rate must be a finite number > 0, got {lr!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise RojasError(f"epochs must be an integer ≥ 0, got {epochs!r}")
    if snapshot_every is not None and (not isinstance(snapshot_every, (int, np.integer))
                                       or snapshot_every < 1):
        raise RojasError(f"snapshot_every must be an integer ≥ 1, got {snapshot_every!r}")
    if seed is not None and not isinstance(seed, np.random.Generator) and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise RojasError(f"the seed must be an integer ≥ 0 (NumPy's rule), got {seed!r}")
    if max_growth is not None and not (isinstance(max_growth, (int, float)) and max_growth > 1):
        raise RojasError(f"max_growth must be a number > 1 or None, got {max_growth!r}")
