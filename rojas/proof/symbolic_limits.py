"""How much symbolic work a proof may do: limits checked before SymPy starts, and a guarded run.

SymPy walks expressions as trees.  On a network whose units share inputs
the tree of the network function doubles with every layer of a complete DAG
(a 20-unit complete DAG: a million nodes for *one* path), and nested units
nest Python calls (a chain of 40 tanh units recurses past Python's default
limit inside ``sympy.diff``).  So before building anything the proof counts
the units, the paths (exactly, by dynamic programming) and the size of every
expression tree it will build (:func:`expression_size`, affine per primitive,
see :mod:`rojas.proof.symbolic_translate`); within the limits the work runs in a
thread with a deep stack and a raised recursion limit, stopped when it
overruns its time budget (:func:`run_guarded`).
"""

import ctypes
import math
import sys
import threading
import time

import networkx as nx

from ..errors import RojasError
from ..utils.progress import progress_bar
from .symbolic_translate import SIZE_CAP

__all__ = ["expression_size", "run_guarded", "DEFAULT_SIZE_LIMIT", "DEFAULT_PATH_LIMIT",
           "DEFAULT_EXPRESSION_LIMIT", "DEFAULT_TIME_BUDGET"]

DEFAULT_SIZE_LIMIT = 40  # units
DEFAULT_PATH_LIMIT = 64  # paths; each adds a product of nested expressions to expand
DEFAULT_EXPRESSION_LIMIT = 50_000  # tree nodes of the function, its derivative and the path sum together
DEFAULT_TIME_BUDGET = 20.0  # seconds

_STACK_BYTES = 512 * 2 ** 20  # reserved, not committed: pages are touched only as deep as SymPy goes
_RECURSION_LIMIT = 60_000


def expression_size(net, primitives, paths, sources, ends):
    """An upper bound on the tree nodes of the network function, its derivative and the path sum.

    Parameters
    ----------
    net : Network
    primitives : SympyPrimitives
        Gives each primitive's affine size ``(k, m)`` without building it.
    paths : int
        The exact number of paths the path sum adds up.
    sources : list of node
        The units where the paths start.
    ends : list of node
        The units the objective reads.

    Returns
    -------
    int
        Clamped at a huge cap; compare it with a limit.
    """
    G = net.graph
    o_size, s_size, df_size, depth = {}, {}, {}, {}
    for n in nx.topological_sort(G):
        if net.fn(n) == "input":
            o_size[n], depth[n] = 1, 0
            continue
        preds = list(G.predecessors(n))
        s = 2 + sum(o_size[u] + 2 for u in preds)  # Σ w·o + b (or Π)
        k, m = primitives.size(net.fn(n), "f")
        kd, md = primitives.size(net.fn(n), "df")
        s_size[n] = min(s, SIZE_CAP)
        o_size[n] = min(k + m * s, SIZE_CAP)
        df_size[n] = min(kd + md * s, SIZE_CAP)
        depth[n] = 1 + max((depth[u] for u in preds), default=0)
    function = sum(o_size[k] + 3 for k in ends)
    # ∂/∂x of a tree multiplies at most one factor per level along the way down.
    derivative = function * (1 + max((depth[k] for k in ends), default=0))
    # A path's factors: the stored derivatives of the units it meets, their weights and partials.
    reachable = sum(df_size.get(n, 0) + 2 * o_size[n] + 2 for n in _downstream(G, sources))
    path_sum = paths * reachable
    return min(function + derivative + path_sum, SIZE_CAP)


def _downstream(G, sources):
    seen = set(sources)
    for n in sources:
        seen |= nx.descendants(G, n)
    return seen


def _start_deep(target, old_limit):
    """Start `target` in a daemon thread with a deep stack and a raised recursion limit.

    The stack size applies to threads *started* while it is set.  Where the
    system refuses such a stack, the thread gets the default one and the
    default recursion limit (a deeper limit on a shallow stack could crash).
    """
    old_stack = threading.stack_size()
    try:
        threading.stack_size(_STACK_BYTES)
        sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
        thread = threading.Thread(target=target, name="rojas-symbolic", daemon=True)
        thread.start()
    except (RuntimeError, ValueError, MemoryError):
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
        thread = threading.Thread(target=target, name="rojas-symbolic", daemon=True)
        thread.start()
    finally:
        threading.stack_size(old_stack)
    return thread


class _OverBudget(BaseException):
    """Raised inside the worker thread when it runs over its time budget (not an Exception: nothing catches it)."""


def run_guarded(work, time_budget=DEFAULT_TIME_BUDGET):
    """``work()`` in a thread with a deep stack and a raised recursion limit, stopped after `time_budget` s.

    Raises
    ------
    RojasError
        When the work runs over its budget, recurses too deeply for even the
        raised limit, or runs out of memory; other exceptions pass through.
    """
    outcome = {}

    def target():
        try:
            outcome["value"] = work()
        except _OverBudget:
            outcome["over"] = True
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    old_limit = sys.getrecursionlimit()
    try:
        thread = _start_deep(target, old_limit)
        # Wait in short joins, so that a terminal shows the time spent against the budget
        # (SymPy's work is one long call: its elapsed time is the only progress there is).
        start = time.monotonic()
        shown = 0  # whole seconds on the bar
        with progress_bar(total=math.ceil(time_budget), desc="SymPy, within its time budget", unit="s") as bar:
            while thread.is_alive() and (elapsed := time.monotonic() - start) < time_budget:
                thread.join(min(0.25, time_budget - elapsed))
                now = int(min(time.monotonic() - start, time_budget))
                bar.update(now - shown)
                shown = now
        if thread.is_alive():
            # Pure-Python SymPy checks for asynchronous exceptions between bytecodes.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_OverBudget))
            thread.join(5.0)
            raise RojasError(f"the symbolic work ran over its time budget of {time_budget:g} s "
                             "(raise it with --symbolic-time SECONDS / time_budget=)")
    finally:
        sys.setrecursionlimit(old_limit)
    if "error" in outcome:
        exc = outcome["error"]
        if isinstance(exc, RecursionError):
            raise RojasError("the expressions nest too deeply for SymPy, even with a raised recursion "
                             "limit (prove a smaller network)") from None
        if isinstance(exc, MemoryError):
            raise RojasError("the symbolic work ran out of memory (lower --symbolic-size)") from None
        raise exc
    if outcome.get("over"):
        raise RojasError(f"the symbolic work ran over its time budget of {time_budget:g} s "
                         "(raise it with --symbolic-time SECONDS / time_budget=)")
    return outcome["value"]
