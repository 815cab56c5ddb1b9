"""The ``rojas`` command line: the only place that prints and exits.

The library raises (:class:`rojas.RojasError` and its subclasses); here every
such error becomes one line on stderr naming the file, node, edge or field, and
exit status 2 — never a traceback.  One module per command or family of
commands; no library module imports this package.
"""

import argparse
import importlib
import sys
import warnings

from ..errors import RojasError, RojasWarning

__all__ = ["main", "build_parser"]

# Each module defines add_commands(subparsers): a new command is a new module and a line here.
COMMAND_MODULES = (
    "grad",    # grad
    "proof",   # paths, prove, claim
    "check",   # check
    "train",   # train
    "matrix",  # matrix
    "unfold",  # unfold
    "draw",    # draw, animate
    "demo",    # demo
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error (exit status 2)."""

    def error(self, message):
        self.exit(2, f"rojas: error: {self.prog}: {message} (see {self.prog} --help)\n")


def build_parser():
    from .. import __version__

    parser = _Parser(
        prog="rojas",
        description="Backpropagation as Rojas's graph-labeling problem, on any feed-forward network.")
    parser.add_argument("--version", action="version", version=f"rojas {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMAND_MODULES:
        importlib.import_module(f".{module}", __name__).add_commands(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """A RojasWarning is one ``rojas: warning: ...`` line; others keep Python's format."""
    if issubclass(category, RojasWarning):
        print(f"rojas: warning: {message}", file=sys.stderr)
    else:
        print(warnings.formatwarning(message, category, filename, lineno, line), end="", file=sys.stderr)


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with status 2 on bad usage
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.run(args)
    except RojasError as exc:
        print(f"rojas: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rojas: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
