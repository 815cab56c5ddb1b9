"""Reading and setting a network's numbers: weights, biases, params, as arrays.

The methods of :class:`Numbers` are those of :class:`rojas.Network` that read
or change numbers.  The arrays they touch are the network's one source of
truth; every change moves :attr:`Numbers.version` on, which is how the NetworkX
view and compiled plans know to refresh what they derived.
"""

from typing import NamedTuple

import numpy as np

from ..errors import NetworkError
from .checks import edge_label, finite_number

__all__ = ["Numbers", "NetworkColumns"]


class NetworkColumns(NamedTuple):
    """A network's content, read-only, as :meth:`Network.columns` gives it.

    The NumPy arrays are read-only views of the network's own; the lists and
    dicts are the network's own too (no copy is made): read them, never change
    them -- the network's methods do that.

    Attributes
    ----------
    ids : list
        Node ids, in order; positions below index this list.
    node_fields : list of dict
        Each node's fields besides ``id`` and ``bias`` (``fn``, ``combine``, ``bias_param``, passthrough).
    b : ndarray of float
        Biases (a tied bias holds its param's value).
    has_bias : ndarray of bool
        The node gave a ``bias`` field.
    node_param : ndarray of int
        Position in `param_names` of the node's ``bias_param``, or -1.
    src, dst : ndarray of int
        Each edge's end positions, in edge order.
    w : ndarray of float
        Weights (a tied weight holds its param's value).
    edge_param : ndarray of int
        Position in `param_names` of the edge's ``param``, or -1.
    edge_names : list
        Each edge's ``name`` or None.
    edge_extra : dict
        ``{edge position: {field: value}}`` for fields rojas passes through.
    param_names : list of str
    p : ndarray of float
        The params' values, in the order of `param_names`.
    graph_fields : dict
        The graph's fields besides ``params`` and ``outputs``.
    outputs : list or None
        The graph field ``outputs`` as given (None: the sinks).
    """

    ids: list
    node_fields: list
    b: np.ndarray
    has_bias: np.ndarray
    node_param: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    w: np.ndarray
    edge_param: np.ndarray
    edge_names: list
    edge_extra: dict
    param_names: list
    p: np.ndarray
    graph_fields: dict
    outputs: list


class Numbers:
    """The numeric half of :class:`rojas.Network` (a mixin; see there)."""

    def weight(self, u, v):
        """The current weight of u→v (a tied edge's param value)."""
        return float(self._w.buf[self.edge_index(u, v)])

    def bias(self, node):
        """The current bias of `node` (0 when it has none; a tied bias's param value)."""
        return float(self._b.buf[self.node_index(node)])

    def set_weight(self, u, v, value):
        """Set the weight of u→v (for a tied edge, set its param instead).  Returns the network."""
        i = self.edge_index(u, v)
        if self._edge_param.buf[i] >= 0:
            raise NetworkError(f"{edge_label(u, v)} is tied to param {self.edge_param(u, v)!r}; set the param")
        self._w.buf[i] = finite_number(value, f"{edge_label(u, v)}: weight")
        return self._changed()

    def set_bias(self, node, value):
        """Set the bias of a (non-input) unit (for a tied bias, set its param instead)."""
        i = self.node_index(node)
        if self._ndata[i]["fn"] == "input":
            raise NetworkError(f"input node {node!r} cannot have a bias")
        if self._node_param.buf[i] >= 0:
            raise NetworkError(f"node {node!r}: its bias is tied to param {self.bias_param(node)!r}; set the param")
        self._b.buf[i] = finite_number(value, f"node {node!r}: bias")
        self._has_bias.buf[i] = True
        return self._changed()

    def set_param(self, name, value):
        """Set the value of the shared parameter `name` (its tied weights and biases follow)."""
        if name not in self._pindex:
            raise NetworkError(f"unknown param {name!r:.60}")
        return self.add_param(name, value)

    def _set_param_value(self, i, value):
        self._p[i] = value
        self._w.a[self._edge_param.a == i] = value
        self._b.a[self._node_param.a == i] = value
        return self._changed()

    def _changed(self):
        self._version += 1
        return self

    def values(self):
        """``(weights, biases, params)``: the network's numbers, read-only float64 arrays.

        In :attr:`edges`, :attr:`nodes` and :attr:`params` order; tied entries
        hold their param's value.  They are the arrays themselves (not copies),
        so they show every later change; change them with the setters.
        """
        arrays = self._values()
        if len(self._arrays) == 3:  # made once per structure, so `is` tells them apart from other arrays
            self._arrays = (*arrays, tuple(map(self._frozen, arrays)))
        return self._arrays[3]

    def _values(self):
        """``(weights, biases, params)`` as writable arrays (rojas's own modules only)."""
        if self._arrays is None:
            self._arrays = (self._w.a, self._b.a, self._p)
        return self._arrays[:3]

    def param_index(self):
        """``(edge_param, bias_param)``: the param position of each edge and node, -1 when untied."""
        return self._frozen(self._edge_param.a), self._frozen(self._node_param.a)

    def edge_arrays(self):
        """``(src, dst)``: each edge's end nodes as positions in :attr:`nodes` (read-only)."""
        return self._frozen(self._src.a), self._frozen(self._dst.a)

    def levels(self):
        """Each node's topological generation (0: no in-edges), as ``nx.topological_generations``."""
        self.validate()
        return self._frozen(self._levels)

    def columns(self):
        """The network's content as a :class:`NetworkColumns` of read-only arrays (no copy).

        Examples
        --------
        >>> import rojas
        >>> net = rojas.Network().add_input("x").add_unit("y", "tanh").add_edge("x", "y", weight=0.5)
        >>> c = net.columns()
        >>> c.ids, c.src.tolist(), c.dst.tolist(), c.w.tolist(), c.w.flags.writeable
        (['x', 'y'], [0], [1], [0.5], False)
        """
        ro = self._frozen
        return NetworkColumns(self._ids, self._ndata, ro(self._b.a), ro(self._has_bias.a), ro(self._node_param.a),
                              ro(self._src.a), ro(self._dst.a), ro(self._w.a), ro(self._edge_param.a), self._names,
                              self._eextra, self._pnames, ro(self._p), self._gattrs, self._outputs)

    @staticmethod
    def _frozen(a):
        v = a.view()
        v.flags.writeable = False
        return v

    @property
    def version(self):
        """A number that grows whenever any weight, bias or param changes."""
        return self._version

    # ------------------------------------------------------------------ numbers in bulk
    def parameters(self):
        """The trainable numbers as arrays.

        Returns
        -------
        dict
            ``{"weights": (E,) weights in edge order (tied edges hold their
            param's value), "biases": (N,) in node order (0 for inputs, a tied
            bias its param's value), "params": {name: value}}``, all copies.
        """
        w, b, p = self._values()
        return {"weights": w.copy(), "biases": b.copy(), "params": dict(zip(self._pnames, p.tolist()))}

    def set_parameters(self, weights=None, biases=None, params=None):
        """Replace many numbers at once from arrays (what training uses).

        Parameters
        ----------
        weights : array_like of shape (E,), optional
            In :attr:`edges` order; entries of tied edges are ignored.
        biases : array_like of shape (N,), optional
            In :attr:`nodes` order; entries of inputs must be 0; entries of
            units with a ``bias_param`` are ignored.
        params : dict, optional
            ``{name: value}``.

        Returns
        -------
        Network
        """
        w, b, p = self._values()
        edge_param, node_param = self._edge_param.a, self._node_param.a
        if weights is not None:
            weights = self._finite_array(weights, w.shape, "weights")
        if biases is not None:
            biases = self._finite_array(biases, b.shape, "biases")
            inputs = self._input_mask()
            if biases[inputs].any():
                node = self._ids[int(np.flatnonzero(inputs & (biases != 0))[0])]
                raise NetworkError(f"biases: input node {node!r} cannot have a bias")
        new_p = p.copy()
        for key, value in (params or {}).items():
            if key not in self._pindex:
                raise NetworkError(f"unknown param {key!r:.60}")
            new_p[self._pindex[key]] = finite_number(value, f"param {key!r}")
        # Every check passed: now change the numbers (all or nothing).
        if weights is not None:
            free = edge_param < 0
            w[free] = weights[free]
        if biases is not None:
            free = node_param < 0
            b[free] = biases[free]
        p[:] = new_p
        tied = edge_param >= 0
        w[tied] = p[edge_param[tied]]
        tied = node_param >= 0
        b[tied] = p[node_param[tied]]
        return self._changed()

    @staticmethod
    def _finite_array(values, shape, what):
        values = np.asarray(values, dtype=float)
        if values.shape != shape:
            raise NetworkError(f"{what}: expected shape {shape}, got {values.shape}")
        if not np.isfinite(values).all():
            raise NetworkError(f"{what}: entry {int(np.argmin(np.isfinite(values)))} is not finite")
        return values

