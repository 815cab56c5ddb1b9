"""Progress on long work: a thin wrapper over ``tqdm``, on stderr, only where someone watches.

Anything that may take more than a couple of seconds (a gradient check, a
training run, loading a big file, a proof) wraps its loop in
:func:`progress_bar` or :func:`progress_steps`.  A bar appears

* only when stderr is a terminal (never in a pipe, a log file or a test), unless
  the caller forces it with ``enabled=True``;
* only after ``delay`` seconds (2 by default): short work prints nothing;
* never when switched off for the whole process with :func:`set_default`
  (what the command line's ``--quiet`` does).

When off, the bar is a stand-in with tqdm's ``update``, ``set_postfix``,
``set_postfix_str``, ``close`` and ``with``, which cost nothing (not even
importing tqdm, which loading a textbook network should not pay for).

>>> import io
>>> from rojas.utils.progress import progress_bar
>>> out = io.StringIO()
>>> with progress_bar(total=3, desc="work", enabled=True, stream=out, delay=0, leave=True) as bar:
...     for _ in range(3):
...         bar.update()
>>> "work" in out.getvalue() and "3/3" in out.getvalue()
True
>>> with progress_bar(total=3, stream=io.StringIO()) as quiet:  # not a terminal: off
...     quiet.disable
True
"""

import os
import sys

__all__ = ["progress_bar", "progress_steps", "progress_enabled", "set_default"]

_DEFAULT = {"enabled": None}  # None: decide by the stream (a terminal or not)


def set_default(enabled):
    """Switch progress bars on (True), off (False) or back to "when stderr is a terminal" (None).

    Returns the previous setting, so that a caller can restore it.
    """
    previous = _DEFAULT["enabled"]
    _DEFAULT["enabled"] = None if enabled is None else bool(enabled)
    return previous


def progress_enabled(enabled=None, stream=None):
    """Whether a bar would show: `enabled` if given, else the process default, else "is `stream` a TTY"."""
    if enabled is not None:
        return bool(enabled)
    if _DEFAULT["enabled"] is not None:
        return _DEFAULT["enabled"]
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class _Off:
    """A progress bar that is off: tqdm's methods, doing nothing."""

    disable = True

    def update(self, n=1):
        pass

    def set_postfix(self, *args, **kwargs):
        pass

    def set_postfix_str(self, s="", refresh=True):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def progress_bar(total=None, desc="", unit="it", *, enabled=None, stream=None, delay=2.0, leave=False):
    """A ``tqdm`` bar on `stream` (default stderr); disabled unless :func:`progress_enabled`.

    Parameters
    ----------
    total : int, optional
        How many steps (None: an open count).
    desc, unit : str
    enabled : bool, optional
        Force the bar on or off; by default on when the stream is a terminal.
    stream : file, optional
    delay : float, optional
        Seconds before the bar first shows (short work stays silent).
    leave : bool, optional
        Keep the finished bar on screen.
    """
    stream = sys.stderr if stream is None else stream
    if not progress_enabled(enabled, stream):
        return _Off()
    from tqdm import tqdm

    # A terminal that reports no size (a bare pseudo-terminal) would hide the bar: 0 rows, 0 columns.
    sized = _width(stream) > 0
    return tqdm(total=total, desc=desc, unit=unit, file=stream, delay=delay, leave=leave,
                dynamic_ncols=sized, ncols=None if sized else 80, nrows=None if sized else 24)


def _width(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return 0


def progress_steps(iterable, total=None, desc="", unit="it", **options):
    """Iterate over `iterable` with a bar (see :func:`progress_bar` for the options)."""
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)
    with progress_bar(total=total, desc=desc, unit=unit, **options) as bar:
        for item in iterable:
            yield item
            bar.update()
