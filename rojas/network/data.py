"""Inputs and targets: from Python mappings or a data file, checked against a network.

A data file is ``{"inputs": {"i1": 0.05, ...}, "targets": {"o1": 0.01, ...}}``;
any value may be a list of B numbers (a batch of B samples), and every list in
one file has the same length B.  A plain number beside lists stands for all B
samples.  Targets address the network's outputs (:attr:`Network.outputs`: the
graph field ``outputs``, or the sinks): every output, and nothing else.

A data file is read within the same limits as a network file (a regular file,
at most ``ROJAS_MAX_FILE_MB`` megabytes, UTF-8 JSON, integers Python converts).
"""

import numbers
import os

import numpy as np

from ..errors import DataError, NetworkError
from . import finite_number, read_json
from . import check_text

__all__ = ["load_data", "prepare", "lookup_node", "as_values"]

DATA_FIELDS = ("inputs", "targets")


def load_data(path):
    """Read a data file.

    Returns
    -------
    inputs : dict
    targets : dict or None

    Raises
    ------
    RojasError
        If the file is missing or not JSON.
    DataError
        If it is not an object with ``inputs`` (and optionally ``targets``)
        mappings, or has other fields.
    """
    data = read_json(path, "data file")
    where = f"data file {os.fspath(path)!r}"
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected an object with 'inputs' and 'targets'")
    unknown = sorted(set(data) - set(DATA_FIELDS))
    if unknown:
        raise DataError(f"{where}: unknown field {unknown[0]!r} (fields: inputs, targets)")
    if "inputs" not in data:
        raise DataError(f"{where}: missing field 'inputs'")
    for field in DATA_FIELDS:
        if field in data and not isinstance(data[field], dict):
            raise DataError(f"{where}: field {field!r} must be an object {{node: value}}")
        for key in data.get(field) or ():
            try:
                check_text(key, f"field {field!r}: key")
            except NetworkError as exc:
                raise DataError(f"{where}: {exc}") from None
    return data["inputs"], data.get("targets")


_FLOATS = (float, np.float64)  # a sample picked out of a batch is an np.float64
_PLAIN = {float, int}  # the types a JSON list of numbers holds (not bool: type(True) is bool)


def as_values(value, what):
    """A finite float or a 1-D float array from a number, list or array.

    Raises
    ------
    DataError
        Naming `what`: not a number, not finite, nested, or empty.

    Examples
    --------
    >>> as_values([1, 2.5], "input 'x'")
    array([1. , 2.5])
    >>> as_values(float("nan"), "input 'x'")
    Traceback (most recent call last):
    rojas.errors.DataError: input 'x' must be finite, got nan
    """
    if type(value) in _FLOATS and value - value == 0.0:  # a finite float: the common case, cheaply
        return value
    if isinstance(value, bool) or isinstance(value, (str, bytes, dict)) or value is None:
        raise DataError(f"{what} must be a number or a list of numbers, got {value!r}")
    if isinstance(value, numbers.Real):
        return finite_number(value, what, DataError)
    # A list of JSON's floats and ints passes at C speed; any other type is looked at one by one.
    if isinstance(value, (list, tuple)) and not set(map(type, value)) <= _PLAIN and any(
            isinstance(v, bool) or not isinstance(v, numbers.Real) for v in value):
        bad = next(v for v in value if isinstance(v, bool) or not isinstance(v, numbers.Real))
        raise DataError(f"{what} must be a list of numbers, found {bad!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except OverflowError:
        raise DataError(f"{what} must be finite, found an integer beyond float range") from None
    except (TypeError, ValueError):
        raise DataError(f"{what} must be a number or a list of numbers, got {value!r}") from None
    if arr.ndim == 0:
        return as_values(float(arr), what)
    if arr.ndim != 1 or arr.size == 0:
        raise DataError(f"{what} must be a non-empty flat list of numbers")
    if not np.isfinite(arr).all():
        raise DataError(f"{what} must be finite, entry {int(np.argmin(np.isfinite(arr)))} is not")
    return arr


def lookup_node(net, key, what):
    """Find the node a data key names: the id itself, or its string form (CLI, JSON)."""
    node = net.find_node(key)
    if node is None:
        raise DataError(f"{what}: unknown node {key!r:.80}")
    return node


def prepare(net, inputs, targets=None, of=None):
    """Check inputs and targets against `net` and line them up as arrays.

    Parameters
    ----------
    net : Network
    inputs : mapping
        ``{input node: number or sequence of B numbers}``, every input given.
    targets : mapping, optional
        ``{output node: number or sequence}``, every output given.
    of : node, optional
        Differentiate this node's value instead of the error (no targets then).

    Returns
    -------
    x : dict
        ``{input node: float or (B,) array}``
    t : dict
        ``{output node: float or (B,) array}`` (empty without targets).
    batch : int or None
        B when any value is a list, else None.
    of : node or None

    Raises
    ------
    DataError
        Naming the node: unknown, not an input/output, missing, not numeric,
        not finite, or lists of different lengths.
    """
    if not hasattr(inputs, "items"):
        raise DataError(f"inputs must be a mapping {{input node: value}}, got {type(inputs).__name__}")
    x = {}
    input_nodes = net.inputs
    is_input = set(input_nodes)
    for key, value in inputs.items():
        node = lookup_node(net, key, "inputs")
        if node not in is_input:
            raise DataError(f"inputs: node {node!r} is not an input node")
        x[node] = as_values(value, f"input {node!r}")
    for node in input_nodes:
        if node not in x:
            raise DataError(f"inputs: no value for input node {node!r}")
    t = {}
    if targets is not None:
        if not hasattr(targets, "items"):
            raise DataError("targets must be a mapping {output node: value}")
        if of is not None:
            raise DataError("give targets or of=NODE, not both")
        outputs = set(net.outputs)
        for key, value in targets.items():
            node = lookup_node(net, key, "targets")
            if node not in outputs:
                raise DataError(f"targets: node {node!r} is not an output (outputs: "
                                f"{', '.join(map(repr, net.outputs))})")
            t[node] = as_values(value, f"target {node!r}")
        for node in net.outputs:
            if node not in t:
                raise DataError(f"targets: no target for output {node!r} "
                                "(give one for every output, or none and of=NODE)")
        if not t:
            raise DataError("targets: empty, and the network has no output units")
    elif of is not None:
        of = lookup_node(net, of, "of")
    else:
        outputs = net.outputs
        if len(outputs) != 1:
            raise DataError(f"the network has {len(outputs)} outputs "
                            f"({', '.join(map(repr, outputs))}): give targets, or of=NODE")
        of = outputs[0]
    sizes = {}
    for kind, values in (("input", x), ("target", t)):
        for node, value in values.items():
            if isinstance(value, np.ndarray):
                sizes[f"{kind} {node!r}"] = value.size
    batch = None
    if sizes:
        lengths = set(sizes.values())
        if len(lengths) > 1:
            (a, la), (b, lb) = sorted(sizes.items(), key=lambda kv: kv[1])[0], max(sizes.items(), key=lambda kv: kv[1])
            raise DataError(f"batch lists have different lengths: {a} has {la}, {b} has {lb}")
        batch = lengths.pop()
    return x, t, batch, of
