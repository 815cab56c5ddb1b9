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

from ..errors import RojasError
from ..utils.escaping import terminal, terminal_lines

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
    "explore",  # explore
    "demo",    # demo
    "generate",  # generate
    "import_model",  # import
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error (exit status 2)."""

    def error(self, message):
        where = self.prog.removeprefix("rojas").strip()
        self.exit(2, f"rojas: error: {where + ': ' if where else ''}{terminal(message)} (see {self.prog} --help)\n")


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
    for command in set(sub.choices.values()):  # an alias maps to its command's parser
        # Loading a big file, writing a big result, a check, a training run or a proof can
        # take long: a bar shows on a terminal after 2 s, unless the user asks for quiet.
        command.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    return parser


def _tolerant_streams():
    """Let stdout and stderr print any text: on an ASCII or Latin-1 terminal, escape what it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream that cannot be reconfigured: leave it
                pass


def _warning_lines(caught):
    """Each distinct warning once, in words, as ``rojas: warning:`` lines."""
    seen = []
    for w in caught:  # a RojasWarning (rojas.errors) is already in words
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, ImportWarning)):
            continue  # a library's note to developers (say, mpmath's to SymPy), not to the user
        text = terminal(w.message)
        if isinstance(w.message, RuntimeWarning) and ("overflow" in text or "invalid value" in text
                                                      or "divide by zero" in text):
            text = f"NumPy: {text} (a value left the float64 range; results may hold inf or nan)"
        if text not in seen:
            seen.append(text)
    return [f"rojas: warning: {text}" for text in seen]


def _fail(message):
    print(f"rojas: error: {terminal(message)}", file=sys.stderr)
    return 2


class _EscapingStdout:
    """Standard output through :func:`~rojas.utils.escaping.terminal_lines`: one escaping for every writer."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(terminal_lines(text))

    def __getattr__(self, name):  # flush, buffer, encoding, isatty, ...
        return getattr(self._stream, name)


def _run(args):
    from ..utils.progress import set_default
    from .common import resolve_bundled

    quiet = getattr(args, "quiet", False)  # a Namespace built by hand may not have it
    previous = set_default(False) if quiet else None
    stdout, sys.stdout = sys.stdout, _EscapingStdout(sys.stdout)
    try:
        return resolve_bundled(args).run(args)
    finally:
        sys.stdout = stdout
        if quiet:
            set_default(previous)  # main() may be called again in this process (tests, notebooks)


def main(argv=None):
    """Run the command line; returns the exit status.

    Every failure a user can cause ends here as one line on stderr and exit
    status 2: a :class:`~rojas.RojasError`, a file the system refuses (the
    error names it), or an input so large that Python runs out of stack or
    memory.  Warnings raised while a command runs are printed once each, in
    words, after its output; a command that fails prints only its error.
    """
    _tolerant_streams()
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with status 2 on bad usage
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = _run(args)
        except RojasError as exc:
            return _fail(exc)
        except KeyboardInterrupt:
            print("rojas: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
        except OSError as exc:
            where = f"{exc.filename!r}: " if exc.filename is not None else ""
            return _fail(f"{where}{exc.strerror or exc}")
        except RecursionError:
            return _fail("the input is nested too deeply for Python's stack; this is a limit rojas "
                         "should have checked first: please report the command")
        except MemoryError:
            return _fail("out of memory: the input is too large for this machine")
    for line in _warning_lines(caught):
        print(line, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
