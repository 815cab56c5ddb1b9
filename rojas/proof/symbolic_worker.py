"""The SymPy work in a process of its own, killed at its time budget.

SymPy can hold the interpreter for as long as it likes: one C call (an exact
power of a power of an integer) never lets another thread in, and nested
expressions recurse deeper than Python's default limit.  So the symbolic
section runs in a child process, never in the caller's: the caller's recursion
limit, thread stack size and threads stay as they were, and a run over its
budget ends by killing the child (``Popen.kill``), which no C call can delay.

The child is a plain ``python -m rojas.proof.symbolic_worker`` started with
:mod:`subprocess` (not :mod:`multiprocessing`, whose "spawn" and "forkserver"
start methods re-run the caller's ``__main__`` script in the child).  It
imports SymPy once, says it is ready, and then serves jobs one at a time:
each is a callable, pickled with ``cloudpickle`` where installed (so that
primitives and combine modes registered from Python, lambdas included, travel
with it), together with the caller's ``sys.path`` and registered entries.  In
the child each job runs in a thread with a deep stack under a raised
recursion limit -- settings of the child alone.  Between calls the child
waits, warm: starting Python and importing SymPy costs about a second on a
quiet machine, paid once per session rather than once per proof; the budget
counts from the moment the job is sent, as it counted the SymPy work alone
before.  A killed child is replaced by a fresh one on the next call.

Frames on the pipes are an 8-byte big-endian length followed by a pickle.
"""

import atexit
import importlib
import math
import os
import pickle
import struct
import subprocess
import sys
import threading
import time

from ..errors import RojasError
from ..utils.progress import progress_bar

__all__ = ["run_guarded", "prestart", "StartupError"]

_STACK_BYTES = 512 * 2 ** 20  # reserved, not committed: pages are touched only as deep as SymPy goes
_RECURSION_LIMIT = 60_000
_START_TIMEOUT = 120.0  # seconds for the child to start Python and import SymPy
_HEADER = struct.Struct(">Q")
# What a job's unpickling and work import: loaded when the child starts, not within a budget
# (names, like multiprocessing's forkserver preload list, so the caller's modules never import back).
_PRELOAD = ("sympy", "rojas.engine.labeling", "rojas.proof.symbolic")


class StartupError(RojasError):
    """The worker process could not be started or ended without an answer."""


def _over_budget(time_budget):
    return RojasError(f"the symbolic work ran over its time budget of {time_budget:g} s "
                      "(raise it with --symbolic-time SECONDS / time_budget=)")


# --------------------------------------------------------------------------- frames
def _dumps(obj):
    try:
        import cloudpickle
    except ImportError:  # plain pickle carries everything but lambdas and functions of __main__
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _write_frame(stream, data):
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exactly(stream, n):
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream):
    """The next frame's bytes, or None at the end of the stream."""
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    return _read_exactly(stream, _HEADER.unpack(header)[0])


# --------------------------------------------------------------------------- the caller's side
def _registered():
    """The primitives and combine modes registered from Python (the child has the built-ins)."""
    from ..network import combine, primitives

    prims = [primitives.get_primitive(n) for n in primitives.primitive_names() if n not in primitives.BUILTIN_NAMES]
    modes = [combine.get_combine(n) for n in combine.combine_names() if n not in combine.BUILTIN_NAMES]
    return prims, modes


class _Worker:
    """One child process and the pipes to it."""

    def __init__(self):
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in [env.get("PYTHONPATH")] if p])
        self.pid_of_owner = os.getpid()
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "rojas.proof.symbolic_worker"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        except OSError as exc:
            raise StartupError(f"the SymPy worker process could not start ({exc})") from None
        self.ready = False

    def alive(self):
        return self.proc.poll() is None and self.pid_of_owner == os.getpid()

    def wait_ready(self):
        if not self.ready:
            answer = self._answer(_START_TIMEOUT, None)
            if answer is None:
                self.kill()
                raise StartupError(f"the SymPy worker process did not start within {_START_TIMEOUT:g} s")
            self.ready = True

    def _answer(self, timeout, bar):
        """The next frame from the child, waiting at most `timeout` s (None if none came)."""
        box = {}
        reader = threading.Thread(target=lambda: box.setdefault("frame", _read_frame(self.proc.stdout)),
                                  name="rojas-symbolic-reader", daemon=True)
        reader.start()
        start, shown = time.monotonic(), 0
        while reader.is_alive() and (elapsed := time.monotonic() - start) < timeout:
            reader.join(min(0.25, timeout - elapsed))
            if bar is not None:
                now = int(min(time.monotonic() - start, timeout))
                bar.update(now - shown)
                shown = now
        if reader.is_alive():
            return None
        frame = box.get("frame")
        if frame is None:
            code = self.proc.wait()
            raise StartupError(f"the SymPy worker process ended without an answer (exit status {code})")
        return frame

    def run(self, work, time_budget):
        self.wait_ready()
        job = pickle.dumps((list(sys.path), _dumps((_registered(), work))), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _write_frame(self.proc.stdin, job)
        except OSError:
            code = self.proc.wait()
            raise StartupError(f"the SymPy worker process ended without an answer (exit status {code})") from None
        # SymPy's work is one long call: its elapsed time is the only progress there is.
        try:
            with progress_bar(total=math.ceil(time_budget), desc="SymPy, within its time budget", unit="s") as bar:
                frame = self._answer(time_budget, bar)
        except BaseException:  # interrupted (Ctrl-C): the job's answer must not become the next job's
            self.kill()
            raise
        if frame is None:
            self.kill()
            raise _over_budget(time_budget)
        kind, value = pickle.loads(frame)
        if kind == "error":
            raise value
        return value

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def close(self):
        """Let the child end on its own (its input ends), or kill it after a second."""
        try:
            self.proc.stdin.close()
            self.proc.wait(1.0)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


_WARM = {"worker": None}
_LOCK = threading.Lock()


def _close_warm():
    worker = _WARM.pop("worker", None)
    if worker is not None and worker.pid_of_owner == os.getpid():
        worker.close()


atexit.register(_close_warm)


def prestart():
    """Start the warm worker now, without waiting for it, so that its start-up overlaps other work.

    :func:`rojas.prove` calls this before its numeric sections when a SymPy
    section is to follow.  Does nothing when a worker is already there or
    another thread is using it.
    """
    if _LOCK.acquire(blocking=False):
        try:
            worker = _WARM.get("worker")
            if worker is None or not worker.alive():
                _WARM["worker"] = _Worker()
        finally:
            _LOCK.release()


def run_guarded(work, time_budget):
    """``work()`` in the SymPy worker process, killed after `time_budget` seconds.

    `work` is a picklable callable (with ``cloudpickle``, any callable); its
    value must be picklable too.

    Raises
    ------
    RojasError
        When the work runs over its budget, recurses too deeply even for the
        child's raised limit, runs out of memory, or the child cannot start or
        dies; exceptions `work` raises are raised here.

    Examples
    --------
    >>> import math
    >>> run_guarded(lambda: math.factorial(20), time_budget=60)
    2432902008176640000
    """
    if not _LOCK.acquire(blocking=False):  # another thread's proof holds the warm worker
        worker = _Worker()
        try:
            return worker.run(work, time_budget)
        finally:
            worker.close()
    try:
        worker = _WARM.get("worker")
        if worker is None or not worker.alive():
            worker = _WARM["worker"] = _Worker()
        try:
            return worker.run(work, time_budget)
        except StartupError:
            _WARM["worker"] = None
            raise
        finally:
            if not worker.alive():
                _WARM["worker"] = None
    finally:
        _LOCK.release()


# --------------------------------------------------------------------------- the child's side
def _install(prims, modes):
    """Make the caller's registered primitives and combine modes the child's own."""
    from ..network.combine import register_combine
    from ..network.primitives import register_primitive

    for p in prims:
        register_primitive(p.name, p.f, p.df, complex_safe=p.complex_safe, sympy=p.sympy, replace=True)
    for m in modes:
        register_combine(m.name, m.value, m.partials, symbol=m.symbol, rule=m.rule, linear=m.linear,
                         sympy=m.sympy, segments=m.segments, replace=True)


def _outcome(frame):
    """Run one job; ``("value", result)`` or ``("error", exception)``."""
    try:
        path, job = pickle.loads(frame)
        sys.path[:] = path + [p for p in sys.path if p not in path]  # before unpickling: modules the job names
        (prims, modes), work = pickle.loads(job)
        _install(prims, modes)
        return "value", work()
    except RecursionError:
        return "error", RojasError("the expressions nest too deeply for SymPy, even with a raised recursion "
                                   "limit (prove a smaller network)")
    except MemoryError:
        return "error", RojasError("the symbolic work ran out of memory (lower --symbolic-size)")
    except Exception as exc:  # handed to the caller, who raises it
        return "error", exc


def _serve(inp, out):
    while (frame := _read_frame(inp)) is not None:
        box = {}
        # The job runs in a thread with a deep stack: SymPy recurses along nested expressions.
        thread = threading.Thread(target=lambda: box.setdefault("outcome", _outcome(frame)), name="rojas-symbolic")
        thread.start()
        thread.join()
        outcome = box.get("outcome", ("error", RojasError("the symbolic work failed without an answer")))
        try:
            data = _dumps(outcome)
        except Exception as exc:  # an exception or a value that does not pickle
            data = _dumps(("error", RojasError(f"the symbolic work's answer could not be sent back "
                                               f"({type(exc).__name__}: {exc})")))
        _write_frame(out, data)


def main():
    """The child's loop: import SymPy, say ready, then serve jobs until the input ends."""
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # whatever a job prints goes to stderr, not the frames
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    for name in _PRELOAD:  # imported once, before the first budget starts
        importlib.import_module(name)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), _RECURSION_LIMIT))  # this process's own settings
    try:
        threading.stack_size(_STACK_BYTES)
    except (RuntimeError, ValueError):  # a system that refuses such a stack: the default limit again
        sys.setrecursionlimit(1000)
    _write_frame(out, _dumps(("ready", None)))
    _serve(inp, out)


if __name__ == "__main__":
    main()
