"""Networks of a special shape, seen through Rojas's general labeling.

- :mod:`~rojas.architectures.layers` -- a layered network in matrix form (Rojas 1996, §7.3.3);
- :mod:`~rojas.architectures.recurrent` -- a recurrent network unfolded in time, and its gradient
  folded back (backpropagation through time, §7.4.1).

May import: :mod:`rojas.engine`, :mod:`rojas.network`, :mod:`rojas.utils`, :mod:`rojas.errors`.
"""
