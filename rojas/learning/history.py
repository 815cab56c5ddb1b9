"""What a training run leaves behind: its losses, snapshots and steps, or why it diverged."""

from dataclasses import dataclass, field

import numpy as np

from ..errors import NumericalError

__all__ = ["History", "Snapshot", "TrainingDiverged", "epochs_text"]


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
        the objective E (``formula``) summed over the data, or ``E/N`` with ``average=True``.
    lr : float
    mode : {"batch", "online"}
    average : bool
    epochs : int
        Epochs completed.
    batch_size : int
        N, the number of patterns.
    seconds : float
        Wall time.
    formula : str
        The objective trained on, as a heading writes it (``"E = ½Σ(o−t)²"``).
    snapshots : list of Snapshot
    steps : list of ExplainedStep
        With ``explain=True``: every step weight by weight (:mod:`rojas.learning.explain`).
    """

    loss: np.ndarray
    lr: float
    mode: str
    average: bool = False
    epochs: int = 0
    batch_size: int = 1
    seconds: float = 0.0
    formula: str = "E = ½Σ(o−t)²"
    snapshots: list = field(default_factory=list)
    steps: list = field(default_factory=list)

    @property
    def final_loss(self):
        """The loss of the trained network."""
        return float(self.loss[-1])

    @property
    def loss_name(self):
        return f"C = E/N, {self.formula}" if self.average else self.formula

    def to_dict(self):
        return {"loss": self.loss.tolist(), "lr": self.lr, "mode": self.mode,
                "average": self.average, "epochs": self.epochs, "batch_size": self.batch_size,
                "seconds": self.seconds}

    def __repr__(self):
        return (f"<History: {epochs_text(self.epochs)} ({self.mode}, lr {self.lr:g}), "
                f"loss {self.loss[0]:.6g} → {self.loss[-1]:.6g}>")


def epochs_text(k):
    """"1 epoch", "2 epochs"."""
    return f"{k} epoch" + ("" if k == 1 else "s")
