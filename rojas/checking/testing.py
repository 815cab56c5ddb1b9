"""Helpers for your own test suites: assert that a network's gradients are right.

>>> import rojas
>>> from rojas.checking.testing import assert_gradients
>>> net = rojas.load(rojas.example_path("skip_product"))
>>> report = assert_gradients(net, *rojas.load_data(rojas.example_path("skip_product", "data")))
>>> report.ok
True
"""

from .gradient_check import DIRECTIONS, EXACT_LIMIT, check

__all__ = ["assert_gradients"]


def assert_gradients(net, inputs, targets=None, of=None, *, method="both", rtol=None, atol=None,
                     check_inputs=True, directions=DIRECTIONS, sample=None, largest=None, seed=0,
                     exact_limit=EXACT_LIMIT):
    """Assert that the backward sweep's gradients agree with numerical derivatives.

    For your own pytest (or unittest) suites: runs :func:`rojas.check` and
    raises ``AssertionError`` naming what disagrees (the primitive whose
    claimed derivative is wrong, the nodes using it, and every weight, bias,
    param or input whose gradient disagrees).

    Parameters
    ----------
    net, inputs, targets, of
        As for :func:`rojas.label`.
    method : {"both", "central", "complex"}, optional
        Default ``"both"``: every entry must agree with central differences
        *and* with the complex step (where the primitives allow it).
    rtol, atol : float, optional
        Tolerances; see :func:`rojas.check` for the defaults.
    check_inputs : bool, optional
        Also check the input gradients.
    directions, sample, largest, seed, exact_limit
        The scalable mode of :func:`rojas.check`: `directions` random
        directional derivatives over every parameter, and beyond `exact_limit`
        numbers only a random `sample` plus the `largest` checked one by one
        (deterministic with `seed`).

    Returns
    -------
    CheckReport
        The report, when everything agrees.

    Raises
    ------
    AssertionError
        When any gradient or primitive derivative disagrees.
    RojasError
        For a malformed network or data (not an assertion: the test is wrong).

    Examples
    --------
    >>> import numpy as np, rojas
    >>> from rojas.checking.testing import assert_gradients

    A derivative with a typo (the derivative of s³ is 3s², not 2s²):

    >>> _ = rojas.register_primitive("cube_typo", lambda s: s**3, lambda s: 2 * s**2, replace=True)
    >>> net = rojas.Network().add_input("x").add_unit("y", "cube_typo").add_edge("x", "y", weight=0.5)
    >>> assert_gradients(net, {"x": 2.0})
    Traceback (most recent call last):
    ...
    AssertionError: gradients of the backward sweep disagree with numerical derivatives
    DISAGREE: 3 of 3 gradients disagree, 1 primitive(s) claim a wrong derivative. Along 4 random directions, 4 disagree.
    ...
    """
    __tracebackhide__ = True  # pytest: show the caller's line, not this one
    report = check(net, inputs, targets, of, method=method, rtol=rtol, atol=atol,
                   check_inputs=check_inputs, directions=directions, sample=sample, largest=largest,
                   seed=seed, exact_limit=exact_limit, progress=False)
    if not report.ok:
        raise AssertionError("gradients of the backward sweep disagree with numerical derivatives\n"
                             + report.failure_message())
    return report
