"""Reading JSON and writing files atomically, with failures as one-line RojasErrors."""

import json
import os

from .errors import RojasError

__all__ = ["read_json", "write_atomic", "write_text_atomic", "write_json_atomic"]


def read_json(path, what="file"):
    """Read JSON from `path`, turning every failure into a one-line RojasError.

    NaN and Infinity parse as floats on purpose: the checks that follow name the
    weight, bias or input that holds them.
    """
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise RojasError(f"{what} {os.fspath(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RojasError(f"{what} {os.fspath(path)!r} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RojasError(f"{what} {os.fspath(path)!r} is not valid JSON: {exc.msg} "
                         f"(line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise RojasError(f"{what} {os.fspath(path)!r} is nested too deeply to be a network or data file") from None


def write_atomic(path, write):
    """Call ``write(tmp)`` on a temporary path beside `path`, then rename it over `path`.

    A crash or kill at any moment leaves either the old file or the new one,
    never half of one.  The temporary path keeps `path`'s extension, so writers
    that choose a format from it (Matplotlib) work unchanged.

    Raises
    ------
    RojasError
        If the directory does not exist or the file cannot be written.
    """
    path = os.fspath(path)
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        raise RojasError(f"cannot write {path!r}: no directory {directory!r}")
    ext = os.path.splitext(path)[1]
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp{os.getpid()}{ext}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise RojasError(f"cannot write {path!r}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def write_text_atomic(path, text):
    """Write `text` to `path` atomically."""
    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)

    return write_atomic(path, write)


def write_json_atomic(path, obj):
    """Write `obj` as JSON to `path` atomically."""
    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=1, allow_nan=False)
            fh.write("\n")

    return write_atomic(path, write)
