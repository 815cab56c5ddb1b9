"""Reading JSON and writing files safely, with failures as one-line RojasErrors.

Reading refuses devices and directories and anything over a size limit before
parsing (``ROJAS_MAX_FILE_MB``, default 512; :mod:`rojas.utils.reading`), so ``/dev/urandom`` or
``/dev/zero`` never hang or exhaust memory.

Writing is atomic: a temporary file beside the target, flushed and fsynced,
renamed over it, and the directory fsynced, so a crash leaves the old file or
the new one, never half of one; the temporary a ``kill -9`` leaves behind
(``.NAME.PID-HEX.tmp.EXT``) is removed by the next write of that file.  The target keeps its permission bits, a
symbolic link is written through to the file it points at (the link stays a
link), and a target that is not a regular file (a device, a FIFO, a
directory) is refused.  :func:`check_outputs` refuses, before any work,
outputs that would overwrite an input or each other.
"""

import io
import json
import os
import re
import stat
import sys
import uuid

from ..errors import RojasError
from .reading import read_json

__all__ = ["read_json", "write_atomic", "write_text_atomic", "write_json_atomic", "check_outputs",
           "output_directory", "same_file", "STDOUT"]

STDOUT = "-"  # as an output path: standard output


def _describe(mode):
    for test, what in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "not a regular file"


def same_file(a, b):
    """Whether paths `a` and `b` name the same file, existing or not (links and ``..`` resolved)."""
    if a is None or b is None or STDOUT in (a, b):
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def _labelled(items):
    for item in items:
        label, path = item if isinstance(item, tuple) else (None, item)
        if path is not None and os.fspath(path) != STDOUT:
            path = os.fspath(path)
            yield (label or repr(path)), path


def check_outputs(reads=(), writes=(), makes_directories=()):
    """Refuse, before any work, outputs that would clobber an input or each other, or cannot be written.

    Parameters
    ----------
    reads, writes : iterable
        Paths, or ``(label, path)`` pairs whose label names the option in the
        message (``("-o", "out.json")``); ``None`` and ``"-"`` are skipped.
    makes_directories : iterable of str
        Labels of outputs whose writer creates missing directories: for them
        the nearest existing ancestor must be a directory (not a file).

    Raises
    ------
    RojasError
        If an output resolves to a file read or to another output (through
        links, ``..`` or hard links), its directory does not exist, or it
        exists and is not a regular file.

    Examples
    --------
    >>> check_outputs(reads=[("NET.json", "a.json")], writes=[("-o", "./a.json")])
    Traceback (most recent call last):
    ...
    rojas.errors.RojasError: -o './a.json' would overwrite NET.json 'a.json'; choose another output file
    """
    reads, writes = list(_labelled(reads)), list(_labelled(writes))
    for i, (label, path) in enumerate(writes):
        for other_label, other in reads:
            if same_file(path, other):
                raise RojasError(f"{label} {path!r} would overwrite {other_label} {other!r}; "
                                 "choose another output file")
        for other_label, other in writes[:i]:
            if same_file(path, other):
                raise RojasError(f"{label} {path!r} and {other_label} {other!r} are the same file; "
                                 "give them different names")
        _writable(path, label, creates=label in makes_directories)


def _writable(path, label=None, creates=False):
    """The real path to write for `path` (links followed); refuses what cannot take a regular file."""
    name = f"{label} {path!r}" if label and label != repr(path) else repr(path)
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    while creates and not os.path.lexists(directory) and os.path.dirname(directory) != directory:
        directory = os.path.dirname(directory)  # the writer makes the missing ones
    if not os.path.isdir(directory):
        shown = os.path.dirname(path) or directory
        raise RojasError(f"cannot write {name}: {shown!r} is not a directory")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target, None
    except OSError as exc:
        raise RojasError(f"cannot write {name}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise RojasError(f"cannot write {name}: it is {_describe(mode)}, not a regular file")
    return target, mode


def _fsync_directory(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not possible everywhere (Windows); the rename itself is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path, write):
    """Call ``write(tmp)`` on a temporary path beside `path`'s target, then rename it over the target.

    A crash or kill at any moment leaves either the old file or the new one,
    never half of one: the temporary file is fsynced before the rename and
    the directory after it.  A symbolic link is followed (the link stays, its
    target gets the new content); an existing file keeps its permission bits.
    The temporary path keeps the extension, so writers that choose a format
    from it (Matplotlib) work unchanged.

    Raises
    ------
    RojasError
        If the directory does not exist, the target is not a regular file, or
        the file cannot be written.
    """
    path = os.fspath(path)
    if path == STDOUT:
        raise RojasError("this output cannot go to standard output ('-'); give a file name")
    target, mode = _writable(path)
    directory = os.path.dirname(target)
    ext = os.path.splitext(target)[1]
    _remove_stale_temporaries(directory, os.path.basename(target), ext)
    tmp = os.path.join(directory, f".{os.path.basename(target)}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp{ext}")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # ours alone, umask applied
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))
        os.replace(tmp, target)
        _fsync_directory(directory)
    except OSError as exc:
        raise RojasError(f"cannot write {path!r}: {exc.strerror or exc}") from None
    finally:
        if os.path.lexists(tmp):
            os.remove(tmp)
    return path


def _remove_stale_temporaries(directory, base, ext):
    """Remove temporaries of earlier writes of `base` whose writing process is gone (killed mid-write).

    Ours are named ``.BASE.PID-HEX.tmpEXT``: one whose process no longer runs
    can only be the leftover of a ``kill -9``; one of a running process (a
    concurrent writer) is left alone.
    """
    pattern = re.compile(re.escape(f".{base}.") + r"(\d+)-[0-9a-f]{12}" + re.escape(f".tmp{ext}") + r"\Z")
    try:
        names = [entry.name for entry in os.scandir(directory) if entry.name.startswith(f".{base}.")]
    except OSError:
        return
    for name in names:
        found = pattern.match(name)
        if found and not _running(int(found.group(1))):
            try:
                os.remove(os.path.join(directory, name))
            except OSError:
                pass


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process (or no such number): not ours to judge
        return True
    return True


def write_text_atomic(path, text):
    """Write `text` to `path` atomically (``"-"``: to standard output)."""
    if os.fspath(path) == STDOUT:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return path

    def write(tmp):
        # A lone surrogate (from a JSON "\\ud800") has no UTF-8 form: written as its escape, visibly.
        with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(text)

    return write_atomic(path, write)


def write_json_atomic(path, obj):
    """Write `obj` as JSON to `path` atomically (``"-"``: to standard output)."""
    path = os.fspath(path)

    def dump(fh):
        try:
            json.dump(obj, fh, indent=1, allow_nan=False)
        except ValueError:
            raise RojasError(f"cannot write {path!r}: a value is NaN or infinite, "
                             "which JSON cannot hold") from None
        fh.write("\n")

    if path == STDOUT:
        buffer = io.StringIO()  # all or nothing on stdout too
        dump(buffer)
        sys.stdout.write(buffer.getvalue())
        return path

    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as fh:
            dump(fh)

    return write_atomic(path, write)


def output_directory(path, label="-o"):
    """Create the directory `path` for a command's outputs (if needed); returns it.

    Raises
    ------
    RojasError
        If `path` exists and is not a directory, or cannot be created (a
        parent is a file, no permission).
    """
    path = os.fspath(path)
    if os.path.exists(path) and not os.path.isdir(path):
        raise RojasError(f"{label} {path!r} is a file, not a directory; give a directory for the outputs")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise RojasError(f"cannot create the directory {label} {path!r}: {exc.strerror or exc}") from None
    return path
