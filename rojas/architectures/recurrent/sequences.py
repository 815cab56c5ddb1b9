"""Sequence data for a recurrent network: inputs, initial states and targets per time step.

The sequence data file
----------------------
::

    {"inputs":  {"x": [x_1, ..., x_T]},
     "initial": {"h": 0.0},
     "targets": {"y": [y_1, ..., y_T]}}

- ``inputs``: every input of the network, a list of T values (one per step)
  or one number for every step;
- ``initial``: the value at step 0 of a source of a delayed edge; 0 when
  not given;
- ``targets`` (optional): outputs only, a list of T values or one number
  for every step; ``null`` marks a step without a target, and an output left
  out has none at any step.  The objective is
  ``E = ½ Σ_t Σ_y (y_t − target)²`` over the steps with a target;
- a step's value may itself be a list of B numbers: a batch of B sequences
  (one B for the whole file, as the engine requires).

:func:`rojas.unfold_data` turns it into the engine's data file for the
unfolded network.
"""

import numbers
import os

import numpy as np

from ...errors import DataError

__all__ = ["load_sequence", "Sequences", "check_steps", "check_fields", "SEQUENCE_FIELDS"]

SEQUENCE_FIELDS = ("inputs", "initial", "targets")


def check_steps(steps):
    """`steps` as an int T ≥ 1, or a DataError naming it."""
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise DataError(f"steps must be a positive integer, got {steps!r}")
    return int(steps)


def load_sequence(path):
    """Read a sequence data file ``{"inputs": …, "initial": …, "targets": …}``.

    Returns
    -------
    dict
        The parsed object (checked against a network by :func:`unfold` and
        :func:`unfold_data`).

    Raises
    ------
    RojasError
        If the file is missing or not JSON.
    DataError
        If it is not an object of those fields.

    Examples
    --------
    >>> import json, os, tempfile, rojas
    >>> path = os.path.join(tempfile.mkdtemp(), "seq.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"inputs": {"x": [1, 0, 1]}, "initial": {"h": 0.5}, "target": {}}, fh)
    >>> rojas.load_sequence(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rojas.errors.DataError: data file '...seq.json': unknown field 'target' (fields: inputs, initial, targets)
    """
    from ...utils.files import read_json

    data = read_json(path, "data file")
    check_fields(data, f"data file {os.fspath(path)!r}")
    return data


def check_fields(data, where):
    """Refuse anything but an object of the fields ``inputs``, ``initial``, ``targets`` (naming `where`)."""
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected an object with 'inputs', 'initial' and 'targets'")
    unknown = sorted(set(data) - set(SEQUENCE_FIELDS), key=str)
    if unknown:
        raise DataError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(SEQUENCE_FIELDS)})")
    for field in SEQUENCE_FIELDS:
        if field in data and not isinstance(data[field], dict):
            raise DataError(f"{where}: field {field!r} must be an object {{node: value}}")


class Sequences:
    """Sequence data checked against a recurrent network's inputs, states and outputs.

    Parameters
    ----------
    data : mapping
        ``{"inputs": …, "initial": …, "targets": …}`` (see the module docstring).
    inputs, states, outputs : sequence
        The recurrent network's input nodes, sources of delayed edges and outputs.
    steps : int, optional
        T; by default the sequences' length (which must then agree with it).
    limit : callable, optional
        Called with T before anything of size T is built (it raises to refuse).

    Attributes
    ----------
    steps : int
    inputs : dict
        ``{input: [value at step 1, …, value at step T]}``
    targets : dict or None
        ``{output: [target or None per step]}``
    initial : dict
        ``{state: value at step 0}`` for the states given.
    """

    def __init__(self, data, inputs, states, outputs, steps=None, limit=None):
        from ...network.data import as_values

        check_fields(data, "sequence data")
        ids = {str(n): n for n in list(inputs) + list(states) + list(outputs)}

        def lookup(key, field, allowed, kind):
            node = key if key in allowed else ids.get(str(key))
            if node not in allowed:
                raise DataError(f"{field}: {key!r} is not {kind} of the network "
                                f"({', '.join(map(repr, allowed)) or 'none'})")
            return node

        lengths = {}
        raw = {}
        for field, allowed, kind in (("inputs", inputs, "an input"), ("targets", outputs, "an output")):
            raw[field] = {}
            for key, value in (data.get(field) or {}).items():
                node = lookup(key, field, allowed, kind)
                raw[field][node] = value = value.tolist() if isinstance(value, np.ndarray) else value
                if isinstance(value, (list, tuple)):
                    lengths[f"{field[:-1]} {node!r}"] = len(value)
        if len(set(lengths.values())) > 1:
            (a, la), (b, lb) = min(lengths.items(), key=lambda kv: kv[1]), max(lengths.items(), key=lambda kv: kv[1])
            raise DataError(f"sequences of different lengths: {a} has {la} steps, {b} has {lb}")
        T = next(iter(lengths.values()), None)
        if steps is not None:
            steps = check_steps(steps)
            if T is not None and T != steps:
                raise DataError(f"the sequences have {T} steps, but {steps} steps were asked for")
            T = steps
        if T is None:
            raise DataError("no sequence gives the number of steps: give steps=T (--steps)")
        if T == 0:
            raise DataError("the sequences are empty")
        if limit is not None:
            limit(T)
        self.steps = T

        def series(field, node, value, nulls):
            what = f"{field[:-1]} {node!r}"
            if not isinstance(value, (list, tuple)):
                if value is None and nulls:
                    return [None] * T
                return [as_values(value, what)] * T
            return [None if v is None and nulls else as_values(v, f"{what} at step {t}")
                    for t, v in enumerate(value, 1)]

        self.inputs = {x: series("inputs", x, raw["inputs"][x], False) for x in raw["inputs"]}
        missing = [x for x in inputs if x not in self.inputs]
        if missing:
            raise DataError(f"inputs: no sequence for input node {missing[0]!r}")
        self.targets = None
        if "targets" in data:
            self.targets = {y: series("targets", y, raw["targets"][y], True) for y in raw["targets"]}
        self.initial = {}
        for key, value in (data.get("initial") or {}).items():
            node = lookup(key, "initial", states, "a source of a delayed edge (a state)")
            self.initial[node] = as_values(value, f"initial {node!r}")
