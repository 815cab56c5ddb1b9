"""Reading and setting a network's numbers: weights, biases, params, as arrays.

The methods of :class:`Numbers` are those of :class:`rojas.Network` that read
or change numbers.  The arrays they touch are the network's one source of
truth; every change moves :attr:`Numbers.version` on, which is how the NetworkX
view and compiled plans know to refresh what they derived.
"""

import numpy as np

from ..errors import NetworkError
from .checks import edge_label, finite_number

__all__ = ["Numbers"]


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
        return self._changed(weights=True)

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
        return self._changed(weights=True)

    def _changed(self, weights=False):
        self._version += 1
        self._weights_changed += weights
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

    @staticmethod
    def _frozen(a):
        v = a.view()
        v.flags.writeable = False
        return v

    @property
    def version(self):
        """A number that grows whenever any weight, bias or param changes."""
        return self._version

    def _weight_version(self):
        return self._weights_changed

    def _node_index(self):
        return self._index

    def _edge_index(self):
        return self._edge_positions()

    def _values_and_index(self):
        """The old internal tuple ``((w, b, p), node_index, edge_index, param_names, edge_param)``."""
        return self._values(), self._index, self._edge_positions(), self._pnames, self._edge_param.a

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
        return self._changed(weights=True)

    @staticmethod
    def _finite_array(values, shape, what):
        values = np.asarray(values, dtype=float)
        if values.shape != shape:
            raise NetworkError(f"{what}: expected shape {shape}, got {values.shape}")
        if not np.isfinite(values).all():
            raise NetworkError(f"{what}: entry {int(np.argmin(np.isfinite(values)))} is not finite")
        return values

