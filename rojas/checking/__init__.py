"""The gradient check: numerical evidence that a labeling's gradient is right, at any size.

- :mod:`~rojas.checking.gradient_check` -- :func:`check` and its :class:`CheckReport`;
- :mod:`~rojas.checking.numerical` -- central and complex-step derivatives, tolerances;
- :mod:`~rojas.checking.derivatives` -- each primitive's f′ against a numerical derivative;
- :mod:`~rojas.checking.directions` -- random directions through the whole network;
- :mod:`~rojas.checking.exact` -- one parameter at a time;
- :mod:`~rojas.checking.report` -- the report's text;
- :mod:`~rojas.checking.testing` -- :func:`assert_gradients` for your own tests (also ``rojas.testing``).

May import: :mod:`rojas.engine`, :mod:`rojas.network`, :mod:`rojas.utils`, :mod:`rojas.errors`.
"""

from .gradient_check import CheckReport, check, perceptron_sign_slip
from .testing import assert_gradients

__all__ = ["check", "CheckReport", "perceptron_sign_slip", "assert_gradients"]
