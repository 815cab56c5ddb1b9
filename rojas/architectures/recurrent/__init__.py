"""Recurrent networks and backpropagation through time (Rojas 1996, §7.4.1).

A recurrent network is a network file whose edges may carry ``"delay": 1``;
unfolding it over T steps gives a feed-forward network whose gradients,
summed over the copies, are backpropagation through time.  One idea per module:

- :mod:`rojas.recurrent.model`: the recurrent network and its file
  (:class:`Recurrent`, :func:`load_recurrent`);
- :mod:`rojas.recurrent.sequences`: sequence data (:func:`load_sequence`);
- :mod:`rojas.recurrent.unfolding`: the unfolded network and its data
  (:func:`unfold`, :func:`unfold_data`);
- :mod:`rojas.recurrent.folding`: gradients summed back over the copies
  (:func:`fold_grad`, :class:`RecurrentGrad`).
"""

from .folding import RecurrentGrad, fold_grad
from .model import Recurrent, load_recurrent
from .sequences import SEQUENCE_FIELDS, load_sequence
from .unfolding import unfold, unfold_data

__all__ = ["Recurrent", "load_recurrent", "load_sequence", "unfold", "unfold_data", "fold_grad",
           "RecurrentGrad", "SEQUENCE_FIELDS"]
