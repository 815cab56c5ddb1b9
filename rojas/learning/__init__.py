"""Learning: gradient descent on a labeled network, and one step explained weight by weight.

- :mod:`~rojas.learning.training` -- :func:`train` (batch or online) and its :class:`History`;
- :mod:`~rojas.learning.explain` -- one step, weight by weight (``rojas train --explain``);
- :mod:`~rojas.learning.history` -- the record of a run;
- :mod:`~rojas.learning.initialization` -- initial weights;
- :mod:`~rojas.learning.loss_plot` -- the loss curve.

May import: :mod:`rojas.checking`, :mod:`rojas.engine`, :mod:`rojas.network`, :mod:`rojas.utils`,
:mod:`rojas.errors`.
"""
