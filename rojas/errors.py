"""Exceptions raised by rojas.

Every error a user can cause (a malformed network file, bad data, a claim that
does not parse, a value that overflows in the sweep) is a :class:`RojasError`;
the command line turns it into one line on stderr and exit status 2.  Any other
exception is a bug in rojas.
"""

__all__ = ["RojasError", "NetworkError", "DataError", "NumericalError", "RojasWarning"]


class RojasError(ValueError):
    """Base class of every error caused by the user's network, data or request."""


class NetworkError(RojasError):
    """The network is malformed: names the node, edge, field or file at fault."""


class DataError(RojasError):
    """The inputs, targets or data file do not fit the network."""


class NumericalError(RojasError, ArithmeticError):
    """A non-finite value arose in a sweep; names the node where it first appeared."""


class RojasWarning(UserWarning):
    """Something rojas keeps but does not use (e.g. an unknown field in a network file).

    The command line prints it as one ``rojas: warning: ...`` line on stderr.
    """
