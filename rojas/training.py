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
from dataclasses import dataclass, field

import numpy as np

from .data import load_data, prepare
from .errors import DataError, NumericalError, RojasError
from .labeling import evaluate, label

__all__ = ["train", "History", "Snapshot", "TrainingDiverged", "initialize", "xor_start", "XOR_SEED",
           "XOR_LR", "XOR_EPOCHS"]

MODES = ("batch", "online")


class TrainingDiverged(NumericalError):
    """The loss or a parameter became non-finite during training.

    Attributes
    ----------
    epoch : int
        The epoch (1-based) whose updates produced the non-finite value.
    history : History
        The (finite) losses after 0, 1, …, epoch − 1 epochs.
    network : Network
        The network at the last finite parameters (`net` itself when training in place).
    """

    def __init__(self, message, epoch=None, history=None, network=None):
        super().__init__(message)
        self.epoch, self.history, self.network = epoch, history, network


@dataclass
class Snapshot:
    """The labels of the whole data at the start of an epoch.

    Attributes
    ----------
    epoch : int
        Epochs completed before these labels.
    loss : float
    parameters : dict
        :meth:`rojas.Network.parameters` at that moment.
    labels : dict
        :meth:`rojas.Labeling.to_dict` at that moment (every s, o, f'(s), δ and gradient).
    """

    epoch: int
    loss: float
    parameters: dict
    labels: dict


@dataclass
class History:
    """What happened during :func:`train`.

    Attributes
    ----------
    loss : numpy.ndarray
        ``loss[k]`` is the loss on the whole data after ``k`` epochs
        (``loss[0]`` before training, ``loss[-1]`` of the returned network):
        ``E = ½Σ(o−t)²`` summed over the data, or ``E/N`` with ``average=True``.
    lr : float
    mode : {"batch", "online"}
    average : bool
    epochs : int
        Epochs completed.
    batch_size : int
        N, the number of patterns.
    seconds : float
        Wall time.
    snapshots : list of Snapshot
    """

    loss: np.ndarray
    lr: float
    mode: str
    average: bool = False
    epochs: int = 0
    batch_size: int = 1
    seconds: float = 0.0
    snapshots: list = field(default_factory=list)

    @property
    def final_loss(self):
        """The loss of the trained network."""
        return float(self.loss[-1])

    @property
    def loss_name(self):
        return "C = E/N = (1/2N)Σ(o−t)²" if self.average else "E = ½Σ(o−t)²"

    def to_dict(self):
        return {"loss": self.loss.tolist(), "lr": self.lr, "mode": self.mode,
                "average": self.average, "epochs": self.epochs, "batch_size": self.batch_size,
                "seconds": self.seconds}

    def __repr__(self):
        return (f"<History: {self.epochs} epochs ({self.mode}, lr {self.lr:g}), "
                f"loss {self.loss[0]:.6g} → {self.loss[-1]:.6g}>")


def _as_network(net):
    from .network import Network

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
    w_on = np.array([net.edge_param(u, v) is None for u, v in edges], dtype=bool)
    b_on = np.array([net.fn(n) != "input" for n in nodes], dtype=bool)
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
          seed=None, in_place=False, snapshot_every=None, callback=None):
    """Train a network by gradient descent on ``E = ½Σ(o−t)²``, with Rojas's rule Δw = −γ·o_i·δ_j.

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
    average : bool, optional
        Minimize ``C = E/N = (1/2N)Σ(o−t)²`` instead: gradients are divided
        by N, and so are the losses in the history.
    freeze : iterable, optional
        What not to train: edge names, ``"u->v"`` or ``(u, v)``, nodes (their
        bias), param names; ``"weights"`` (every edge weight, tied params
        included), ``"biases"`` or ``"params"`` for all of them.
    shuffle : bool, optional
        Online mode: present the patterns in a new random order each epoch.
    seed : int, optional
        The seed of that order.
    in_place : bool, optional
        Train `net` itself.  By default `net` is left unchanged and a trained
        copy is returned.
    snapshot_every : int, optional
        Keep the full labels (:class:`Snapshot`) every this many epochs (and
        at the end).
    callback : callable, optional
        ``callback(epoch, loss)`` after every epoch, with the loss after
        `epoch` epochs (also once with epoch 0 before training).

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
        On a bad learning rate, epoch count, mode or freeze entry.
    TrainingDiverged
        (a NumericalError) When the loss or a parameter becomes non-finite;
        it names the epoch and carries the history and the last finite network.

    Examples
    --------
    One step on seed 001's 2-2-2 network (γ = 0.5, biases kept fixed as in
    Mazur's worked example) gives Mazur's published new weights; the error
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
    """
    start = time.perf_counter()
    if mode not in MODES:
        raise RojasError(f"unknown training mode {mode!r} (use batch or online)")
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise RojasError(f"the learning rate must be a finite number > 0, got {lr!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise RojasError(f"epochs must be an integer ≥ 0, got {epochs!r}")
    if snapshot_every is not None and (not isinstance(snapshot_every, (int, np.integer))
                                       or snapshot_every < 1):
        raise RojasError(f"snapshot_every must be an integer ≥ 1, got {snapshot_every!r}")
    net = _as_network(net)
    inputs, targets = _read_data(data)
    if not targets:
        raise DataError("training needs targets: give a target for every output "
                        f"({', '.join(map(repr, net.outputs))})")
    x, t, batch, _ = prepare(net, inputs, targets)
    n = 1 if batch is None else batch
    work = net if in_place else net.copy()
    w_on, b_on, p_on = _freeze_masks(work, freeze)

    params = work.parameters()
    w, b = params["weights"], params["biases"]
    names = list(params["params"])
    p = np.array([params["params"][k] for k in names], dtype=float)
    scale = lr / n if average else lr
    per = 1.0 / n if average else 1.0
    losses = []  # after 0, 1, 2, ... epochs
    history = History(loss=np.empty(0), lr=float(lr), mode=mode, average=average, batch_size=n)
    samples = None
    if mode == "online":
        pick = lambda d, i: {k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in d.items()}
        samples = [(x, t)] if batch is None else [(pick(x, i), pick(t, i)) for i in range(n)]
    rng = np.random.default_rng(seed)

    def diverged(why):
        # Losses were recorded after 0 … k−1 epochs: the updates of epoch k made the non-finite value.
        k = max(1, len(losses))
        history.loss = np.array(losses)
        history.epochs = k - 1
        history.seconds = time.perf_counter() - start
        return TrainingDiverged(f"training diverged in epoch {k} of {epochs} "
                                f"({mode}, lr {lr:g}): {why}; try a smaller learning rate",
                                epoch=k, history=history, network=work)

    def step(lab):
        grads = lab.gradients()
        g_w, g_b, g_p = grads["weights"], grads["biases"], grads["params"]
        new_w = w - scale * np.where(w_on, g_w, 0.0)
        new_b = b - scale * np.where(b_on, g_b, 0.0)
        new_p = p - scale * np.where(p_on, g_p, 0.0)
        for what, arr in (("a weight", new_w), ("a bias", new_b), ("a param", new_p)):
            if not np.isfinite(arr).all():
                raise diverged(f"{what} became non-finite")
        w[:], b[:], p[:] = new_w, new_b, new_p
        work.set_parameters(weights=w, biases=b, params=dict(zip(names, p.tolist())))

    def snapshot(k, loss, lab=None):
        if snapshot_every is None or (k % snapshot_every and k != epochs):
            return
        if lab is None:
            lab = label(work, x, t)
        history.snapshots.append(Snapshot(k, loss, work.parameters(), lab.to_dict()))

    try:
        for epoch in range(epochs):
            if mode == "batch":
                lab = label(work, x, t)
                loss = lab.value * per
                losses.append(loss)
                snapshot(epoch, loss, lab)
                if callback is not None:
                    callback(epoch, loss)
                step(lab)
            else:
                loss = evaluate(work, x, t) * per
                if not math.isfinite(loss):
                    raise diverged(f"the loss is {loss}")
                losses.append(loss)
                snapshot(epoch, loss)
                if callback is not None:
                    callback(epoch, loss)
                order = rng.permutation(n) if shuffle else range(n)
                for i in order:
                    step(label(work, *samples[i]))
        loss = evaluate(work, x, t) * per
        if not math.isfinite(loss):
            raise diverged(f"the loss is {loss}")
    except TrainingDiverged:
        raise
    except NumericalError as exc:
        if not losses:  # the untrained network itself overflows: not a divergence
            raise
        raise diverged(str(exc)) from None
    losses.append(loss)
    history.loss = np.array(losses)
    snapshot(epochs, loss)
    if callback is not None:
        callback(epochs, loss)
    history.epochs = epochs
    history.seconds = time.perf_counter() - start
    return work, history


def initialize(net, seed=None, std=0.01, mean=0.0, *, biases=False, in_place=False):
    """Draw the weights (and tied params, and optionally the biases) from N(mean, std²).

    Parameters
    ----------
    net : Network
    seed : int or numpy.random.Generator, optional
        The same seed gives the same numbers (drawn in edge order, then params, then biases).
    std, mean : float, optional
        Default N(0, 0.01²): small random weights (Hinton's practical guide, as in seed 003).
    biases : bool, optional
        Also draw the biases of the units; by default they are kept.
    in_place : bool, optional

    Returns
    -------
    Network

    Examples
    --------
    >>> import rojas
    >>> from rojas.training import initialize
    >>> net = initialize(rojas.load(rojas.example_path("xor")), seed=0, std=1.0, biases=True)
    >>> a = initialize(net, seed=3).parameters()["weights"]
    >>> b = initialize(net, seed=3).parameters()["weights"]
    >>> bool((a == b).all()) and float(abs(a).max()) < 0.1
    True
    """
    net = _as_network(net)
    out = net if in_place else net.copy()
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    params = out.parameters()
    w = rng.normal(mean, std, size=len(params["weights"]))
    p = {k: float(v) for k, v in zip(params["params"], rng.normal(mean, std, size=len(params["params"])))}
    b = params["biases"]
    if biases:
        units = np.array([out.fn(k) != "input" for k in out.nodes])
        drawn = rng.normal(mean, std, size=len(b))
        b = np.where(units, drawn, 0.0)
    out.set_parameters(weights=w, biases=b, params=p)
    return out


# The XOR run of `rojas demo` and examples/xor_train.py: the bundled XOR network's structure
# (2-2-1, sigmoid units with biases), weights and biases drawn from N(0, 1) with this seed.
XOR_SEED, XOR_LR, XOR_EPOCHS = 2, 2.0, 1000


def xor_start(seed=XOR_SEED):
    """The untrained XOR network: the bundled structure with N(0, 1) weights and biases."""
    from .examples import example_path
    from .network import load

    from .network import Network

    net = initialize(load(example_path("xor")), seed=seed, std=1.0, biases=True)
    return Network(net.to_networkx(), name=f"XOR 2-2-1, untrained (N(0,1) weights, seed {seed})")
