"""Reading a network or data file as JSON, within limits checked before parsing.

A file is refused with one line naming it when it is not a regular file
(``/dev/urandom``, ``/dev/zero``, a FIFO), when it is larger than the size
limit, when it is not UTF-8, not JSON, nested deeper than the parser allows,
or holds an integer longer than Python converts (4,300 digits).

The size limit is :data:`DEFAULT_MAX_FILE_MB` megabytes (2**20 bytes); the
environment variable ``ROJAS_MAX_FILE_MB`` raises or lowers it, e.g.
``ROJAS_MAX_FILE_MB=2000 rojas grad big.json``.
"""

import json
import os
import re
import stat
import sys

from ..errors import RojasError
from .limits import LIMITS

__all__ = ["DEFAULT_MAX_FILE_MB", "MAX_FILE_ENV", "max_file_bytes", "read_json"]

DEFAULT_MAX_FILE_MB = LIMITS["file_mb"][0]   # a 1,000,000-edge network file is about 80 MB
MAX_FILE_ENV = "ROJAS_MAX_FILE_MB"

_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def max_file_bytes():
    """The size limit in bytes: ``$ROJAS_MAX_FILE_MB`` megabytes, else DEFAULT_MAX_FILE_MB.

    Raises
    ------
    RojasError
        If the variable is set but is not a positive number.
    """
    text = os.environ.get(MAX_FILE_ENV)
    if text is None or not text.strip():
        return DEFAULT_MAX_FILE_MB * 2**20
    try:
        mb = float(text)
    except ValueError:
        mb = float("nan")
    if not mb > 0 or mb == float("inf"):
        raise RojasError(f"{MAX_FILE_ENV}={text!r}: give the file size limit as a positive number of megabytes")
    return int(mb * 2**20)


def _megabytes(n):
    return f"{n / 2**20:.1f} MB"


def _check_kind_and_size(name, info, limit):
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise RojasError(f"{name} is {kind}, not a regular file; give a JSON file")
    if info.st_size > limit:
        raise RojasError(f"{name} is {_megabytes(info.st_size)}, over the limit of {_megabytes(limit)} "
                         f"(set {MAX_FILE_ENV} to a larger number of megabytes to read it)")
    return info.st_size


def read_json(path, what="file"):
    """Read JSON from `path`, turning every failure into a one-line RojasError.

    NaN and Infinity parse as floats on purpose: the checks that follow name the
    weight, bias or input that holds them.

    Parameters
    ----------
    path : str or os.PathLike
    what : str
        How messages call the file (``"network file"``, ``"data file"``).

    Raises
    ------
    RojasError
        Naming the file and what is wrong with it; a size beyond the limit
        names the limit, the size and ``ROJAS_MAX_FILE_MB``.
    """
    name = f"{what} {os.fspath(path)!r}"
    limit = max_file_bytes()
    try:
        _check_kind_and_size(name, os.stat(path), limit)  # before open(): opening a FIFO would block
        with open(path, "rb") as fh:
            size = _check_kind_and_size(name, os.fstat(fh.fileno()), limit)  # the file opened is the one checked
            raw = fh.read(size + 1)  # read(n) allocates n bytes: ask for the size, not the limit
            if len(raw) > size:      # the file grew since: read on, but never past the limit
                raw += fh.read(limit + 1 - len(raw))
    except OSError as exc:
        raise RojasError(f"{name}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise RojasError(f"{name} is over the limit of {_megabytes(limit)} "
                         f"(set {MAX_FILE_ENV} to a larger number of megabytes to read it)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RojasError(f"{name} is not UTF-8 text (byte {exc.start})") from None
    del raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RojasError(f"{name} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise RojasError(f"{name} nests lists or objects too deeply to be a network or data file") from None
    except ValueError:  # Python's limit on integer digits (CVE-2020-10735)
        limit_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
        # Found only now, so that parsing pays nothing for it (a parse_int hook costs a call per integer).
        found = re.search(r"\d{%d,}" % (limit_digits + 1), text)
        size = f" ({len(found.group())} digits)" if found else ""
        raise RojasError(f"{name} holds an integer of more than {limit_digits} digits{size}; "
                         "numbers must fit a float64") from None
