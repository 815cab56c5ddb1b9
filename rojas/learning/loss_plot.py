"""The loss curve of a training run.

Matplotlib is imported inside the functions only, so ``import rojas`` never
loads it.  :func:`plot_loss` draws on the axes you give it (or on a new
pyplot figure, with the Agg backend when there is no display);
:func:`save_loss_plot` writes an image without touching pyplot's global state.
"""

import os
import sys

import numpy as np

__all__ = ["plot_loss", "save_loss_plot", "check_plot_path", "headless_pyplot"]


def _losses(history):
    """(losses, y-label) from a History or a sequence of numbers."""
    loss = getattr(history, "loss", history)
    losses = np.asarray(loss, dtype=float).reshape(-1)
    if losses.size == 0:
        from ..errors import RojasError

        raise RojasError("plot_loss: the history has no losses")
    name = getattr(history, "loss_name", "loss")
    return losses, name


def _has_display():
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def headless_pyplot():
    """pyplot, switched to the Agg backend first when nothing chose one and there is no display."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND") and not _has_display():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_loss(history, ax=None, *, label=None, log=None, title=None, mark_final=True):
    """Draw the loss per epoch.

    Parameters
    ----------
    history : History or sequence of float
        What :func:`rojas.train` returned (``history.loss[k]`` after k epochs),
        or the losses themselves.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new pyplot figure (Agg backend without a display).
    label : str, optional
        The curve's legend label.
    log : bool, optional
        Logarithmic loss axis; by default when all losses are positive and
        span more than two decades.
    title : str, optional
    mark_final : bool, optional
        Mark and annotate the last loss.

    Returns
    -------
    list of matplotlib.artist.Artist
        The curve, then (with `mark_final`) the final point and its annotation.

    Raises
    ------
    RojasError
        If there are no losses.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from rojas.learning.loss_plot import plot_loss
    >>> ax = Figure().subplots()
    >>> artists = plot_loss([1.0, 0.5, 0.1, 0.001], ax=ax)
    >>> [type(a).__name__ for a in artists]
    ['Line2D', 'Line2D', 'Annotation']
    >>> ax.get_yscale()
    'log'
    """
    losses, name = _losses(history)
    if ax is None:
        ax = headless_pyplot().figure().add_subplot()
    epochs = np.arange(losses.size)
    finite = np.isfinite(losses)
    if log is None:
        pos = losses[finite]
        log = bool(pos.size and (pos > 0).all() and pos.max() / pos.min() > 100)
    (line,) = ax.plot(epochs, losses, lw=1.6, color="C0", label=label)
    artists = [line]
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(name)
    ax.grid(True, which="major", alpha=0.3)
    if title is not None:
        ax.set_title(title)
    if mark_final and finite.any():
        last = int(np.flatnonzero(finite)[-1])
        (dot,) = ax.plot([last], [losses[last]], "o", color="C3", ms=5)
        falling = bool(losses[last] <= losses[finite][0])  # a falling curve leaves the top right free
        note = ax.annotate(f"final: {losses[last]:.4g} after {last} epochs", (1, 1),
                           xycoords="axes fraction", xytext=(-8, -8 if falling else 8),
                           textcoords="offset points", ha="right", va="top" if falling else "bottom",
                           fontsize=9, color="C3")
        artists += [dot, note]
    if label is not None:
        ax.legend()
    return artists


def check_plot_path(path):
    """Refuse an image path that cannot be written, before any work is done.

    Checks the extension (an image format Matplotlib writes; none means PNG),
    that the path is not a directory, and that its nearest existing parent is
    a writable directory (so ``NET.json/x.png`` is refused).

    Raises
    ------
    RojasError
        Naming the path and what is wrong with it.

    Examples
    --------
    >>> from rojas.learning.loss_plot import check_plot_path
    >>> check_plot_path("loss.png")
    >>> check_plot_path("loss.nosuchformat")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rojas.errors.RojasError: cannot write the loss plot 'loss.nosuchformat': unknown image format 'nosuchformat' (use one of ...)
    """
    from matplotlib.backend_bases import FigureCanvasBase

    from ..errors import RojasError

    path = os.fspath(path)
    where = f"cannot write the loss plot {path!r}"
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    if ext and ext not in formats:
        raise RojasError(f"{where}: unknown image format {ext!r} (use one of {', '.join(formats)})")
    if os.path.isdir(path):
        raise RojasError(f"{where}: it is a directory")
    if os.path.exists(path) and not os.path.isfile(path):
        raise RojasError(f"{where}: it is not a regular file")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise RojasError(f"{where}: {parent!r} is a file, not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RojasError(f"{where}: the directory {parent!r} is not writable")


def save_loss_plot(history, path, *, title=None, log=None, dpi=120):
    """Draw the loss per epoch into an image file (PNG, SVG, PDF by its extension).

    Uses a standalone Agg figure (no pyplot, no display needed) and writes
    through a temporary file and a rename, so a crash never leaves half an image.

    Returns
    -------
    str
        `path`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    check_plot_path(path)
    fig = Figure(figsize=(6.4, 4.0), layout="constrained")
    FigureCanvasAgg(fig)
    plot_loss(history, fig.add_subplot(), title=title, log=log)
    from ..errors import RojasError
    from ..utils.files import write_atomic

    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    try:
        write_atomic(path, lambda tmp: fig.savefig(tmp, format=ext, dpi=dpi))
    except ValueError as exc:  # an image format Matplotlib does not know
        raise RojasError(f"cannot write the loss plot {path!r}: {exc}") from None
    return path
