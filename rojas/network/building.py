"""Building a network from Python, one unit, edge and param at a time.

The methods of :class:`Building` are those of :class:`rojas.Network` that add
to it; each checks its item with the same rules a file is checked with
(:mod:`rojas.network.checks`), and :meth:`Network.validate` checks the whole.
"""

import numpy as np

from ..errors import NetworkError
from .expressions import file_primitives
from .checks import (EDGE_FIELDS, NODE_FIELDS, check_extra, check_id, check_objective,
                     check_param_name, edge_label, finite_number)
from .columns import check_outputs
from .rules import check_edge, check_node

__all__ = ["Building", "Column"]


class Column:
    """A NumPy array that grows at its end in amortized O(1) (the builder's appends)."""

    __slots__ = ("buf", "n")

    def __init__(self, values, dtype):
        self.buf = np.array(values, dtype=dtype)
        self.n = len(self.buf)

    def append(self, value):
        if self.n == len(self.buf):
            grown = np.empty(max(8, 2 * self.n), dtype=self.buf.dtype)
            grown[:self.n] = self.buf[:self.n]
            self.buf = grown
        self.buf[self.n] = value
        self.n += 1

    @property
    def a(self):
        """The values: a view of the first n entries."""
        return self.buf[:self.n]


class Building:
    """The adding half of :class:`rojas.Network` (a mixin; see there)."""

    def add_input(self, node):
        """Add an input node (``fn: "input"``).  Returns the network."""
        check_id(node)
        self._new_node(node, {"fn": "input"}, 0.0, -1)
        return self

    def add_unit(self, node, fn, *, bias=0.0, combine="sum", bias_param=None, **attrs):
        """Add a unit computing ``fn(s)`` with ``s = Σ w·o + bias`` (or ``Π w·o + bias``).

        Parameters
        ----------
        node : str or int
        fn : str
            A registered primitive or one defined with :meth:`add_primitive`.
        bias : float, optional
        combine : {"sum", "product"}, optional
        bias_param : str, optional
            Tie the bias to this shared parameter (see :meth:`add_param`)
            instead of giving it a value; then `bias` must stay 0.
        **attrs
            Other node fields, kept and saved as they are.

        Returns
        -------
        Network
            The network itself, so calls can be chained.
        """
        check_id(node)
        data = {"fn": fn, **attrs}
        if bias != 0.0:
            data["bias"] = bias
        if combine != "sum":
            data["combine"] = combine
        if bias_param is not None:
            data["bias_param"] = bias_param
        check_node(node, data, self._pindex, self._prims)
        for key in set(data) - set(NODE_FIELDS):
            check_extra(data[key], f"node {node!r}: field {key!r}")
        value = finite_number(data.pop("bias"), "bias") if "bias" in data else 0.0
        self._new_node(node, data, value, self._pindex[bias_param] if bias_param is not None else -1)
        if value != 0.0:
            self._has_bias.buf[self._has_bias.n - 1] = True
        return self

    def _new_node(self, node, data, bias, node_param):
        if node in self._index:
            raise NetworkError(f"node {node!r} appears twice")
        self._index[node] = len(self._ids)
        self._ids.append(node)
        self._ndata.append(data)
        self._b.append(self._p[node_param] if node_param >= 0 else bias)
        self._has_bias.append(False)
        self._node_param.append(node_param)
        self._structure_changes()

    def add_edge(self, u, v, *, weight=None, param=None, name=None, **attrs):
        """Add the edge u→v with a `weight`, or tied to the shared `param`.

        Returns
        -------
        Network

        Raises
        ------
        NetworkError
            If a node is unknown, `v` is an input, the edge exists, the weight
            is missing or not finite, or `param` is not a known param's name.
        """
        data = dict(attrs)
        for key, value in (("weight", weight), ("param", param), ("name", name)):
            if value is not None:
                data[key] = value
        for node in (u, v):
            if node not in self:
                raise NetworkError(f"{edge_label(u, v, name)}: unknown node {node!r:.60}")
        positions = self._edge_positions()
        if (u, v) in positions:
            raise NetworkError(f"{edge_label(u, v, name)} appears twice")
        check_edge(u, v, data, self._pindex, self.fn(v) == "input")
        for key in set(data) - set(EDGE_FIELDS):
            check_extra(data[key], f"{edge_label(u, v, name)}: field {key!r}")
        tied = self._pindex[param] if param is not None else -1
        i = self._src.n
        self._src.append(self._index[u])
        self._dst.append(self._index[v])
        self._w.append(self._p[tied] if tied >= 0 else finite_number(weight, "weight"))
        self._edge_param.append(tied)
        self._names.append(name)
        extra = {k: x for k, x in data.items() if k not in ("weight", "param", "name")}
        if extra:
            self._eextra[i] = extra
        pairs = self._pairs
        self._structure_changes()
        if pairs is not None:
            pairs.append((u, v))
            self._pairs = pairs
        positions[(u, v)] = i
        return self

    def add_param(self, name, value):
        """Add (or set) the shared parameter `name` that tied edges and biases refer to.  Returns the network."""
        check_param_name(name)
        value = finite_number(value, f"param {name!r}")
        if name in self._pindex:
            return self._set_param_value(self._pindex[name], value)
        self._pindex[name] = len(self._pnames)
        self._pnames.append(name)
        self._p = np.append(self._p, value)
        self._structure_changes()
        return self

    def add_primitive(self, name, f, df):
        """Define a primitive for this network from expressions in ``s`` (saved with it).

        Examples
        --------
        >>> import rojas
        >>> net = rojas.Network().add_primitive("mysig", "1/(1+exp(-s))", "mysig(s)*(1-mysig(s))")
        >>> net.primitive("mysig").source
        ('1/(1+exp(-s))', 'mysig(s)*(1-mysig(s))')
        """
        spec = dict(self._gattrs.get("primitives", {}))
        spec[name] = {"f": f, "df": df}
        self._prims = file_primitives(spec)
        self._gattrs["primitives"] = spec
        self._structure_changes()
        return self

    def set_objective(self, name):
        """Name the objective targets are compared by (graph field ``objective``, saved with the network).

        Parameters
        ----------
        name : str or None
            A registered objective that takes targets (see
            :func:`rojas.register_objective`); None goes back to the default,
            squared error.

        Examples
        --------
        >>> import rojas
        >>> net = rojas.Network().add_input("x").add_unit("y", "identity").add_edge("x", "y", weight=1.0)
        >>> net.set_objective("softmax_cross_entropy").objective
        'softmax_cross_entropy'
        """
        if name is None:
            self._gattrs.pop("objective", None)
        else:
            check_objective(name, "objective")
            self._gattrs["objective"] = name
        self._structure_changes()
        return self

    def set_outputs(self, nodes):
        """Name the units the objective sums over (graph field ``outputs``).

        Parameters
        ----------
        nodes : sequence of node ids, or None
            Units (not inputs), each once.  None goes back to the default:
            the sinks.

        Returns
        -------
        Network

        Examples
        --------
        >>> import rojas
        >>> net = rojas.Network().add_input("x").add_unit("h", "tanh").add_unit("y", "identity")
        >>> net = net.add_edge("x", "h", weight=1.0).add_edge("h", "y", weight=2.0)
        >>> net.set_outputs(["h", "y"]).outputs
        ['h', 'y']
        >>> net.set_outputs(None).outputs
        ['y']
        """
        if nodes is not None:
            nodes = list(nodes)
            check_outputs(nodes, self._index, self._input_mask())
        self._outputs = nodes
        self._structure_changes()
        return self
