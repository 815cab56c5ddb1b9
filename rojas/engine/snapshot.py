"""What a labeling keeps: the numbers it used, its labels as mappings, a frozen network.

:func:`rojas.label` copies the weights, biases, params, inputs and targets it
used; a :class:`~rojas.Labeling` reads only that copy and its
:class:`~rojas.engine.plan.Plan` (the structure, which never changes).  Modules that
read a labeling's numbers use ``lab.weight(u, v)``, ``lab.bias(node)``,
``lab.params``, ``lab.inputs``, ``lab.targets`` — or ``lab.network``, a
frozen copy of the network holding those numbers, so code written for a
network reads the labeling's numbers unchanged.
"""

import copy
from collections.abc import Mapping

import numpy as np

from ..errors import RojasError
from ..network import Network, from_dict
from .plan import PLAN_KEY

__all__ = ["LabelsView", "FrozenNetwork", "frozen_network", "numbers_of"]


def numbers_of(net, plan):
    """The network's numbers as the sweeps use them.

    Returns
    -------
    weights : ndarray (E,), edge order (a tied edge: its param's value)
    biases : ndarray (N,), node order (a tied bias: its param's value)
    params : ndarray (P,), the order of ``plan.param_names``
    key : tuple
        ``(weight array, version)``: unchanged while the network's weights are,
        so permuted copies of them may be kept.
    """
    w, b, p = net.values()  # read-only, tied entries hold their param's value
    return w, b, p, (w, net.version)


class LabelsView(Mapping):
    """A read-only ``{node: label}`` view of one label array, in node order.

    Lookups are O(1); with ``units_only`` the inputs have no entry.
    """

    def __init__(self, plan, array, units_only=False):
        self._plan, self._array, self._units_only = plan, array, units_only

    def _row(self, node):
        try:
            row = self._plan.pos[node]
        except TypeError:
            raise KeyError(node) from None
        if self._units_only and self._plan.is_input[row]:
            raise KeyError(node)
        return row

    def __getitem__(self, node):
        value = self._array[self._row(node)]
        return float(value) if np.ndim(value) == 0 else value.copy()

    def __contains__(self, node):
        try:
            self._row(node)
        except KeyError:
            return False
        return True

    def __iter__(self):
        if not self._units_only:
            return iter(self._plan.nodes)
        keep = ~self._plan.is_input[self._plan.rank]
        return (n for n, k in zip(self._plan.nodes, keep.tolist()) if k)

    def __len__(self):
        return self._plan.n_nodes - (len(self._plan.inputs) if self._units_only else 0)

    def __repr__(self):
        return repr(dict(self))


_MUTATORS = ("add_input", "add_unit", "add_edge", "add_param", "add_primitive", "set_weight", "set_bias",
             "set_param", "set_parameters")


def _refuse(name):
    def refuse(self, *args, **kwargs):
        raise RojasError(f"{name}: this network is the frozen copy a Labeling keeps of the numbers it "
                         "used; change the network you labeled and label it again")
    refuse.__name__ = name
    return refuse


def frozen_network(source, plan, numbers):
    """A frozen copy of `source` (a Network) with the structure of `plan` and the labeling's numbers.

    Attributes other than the numbers (names, fields the user added) are read
    from `source`'s graph now: a plan's nodes and edges keep their attribute
    dicts, and only the numbers in them can change after a labeling.
    """
    G = source.graph
    w, b = numbers["weights"].tolist(), numbers["biases"].tolist()
    graph = copy.deepcopy(dict(G.graph))
    graph["params"] = dict(zip(plan.param_names, numbers["params"].tolist()))
    graph.pop("outputs", None)
    out_degree = np.bincount(plan.src, minlength=plan.n_nodes)
    if list(plan.outputs) != [n for n, r in zip(plan.nodes, plan.rank.tolist())
                              if out_degree[r] == 0 and not plan.is_input[r]]:
        graph["outputs"] = list(plan.outputs)
    nodes = []
    for n, bias, param in zip(plan.nodes, b, (plan.node_param >= 0).tolist()):
        data = dict(G.nodes[n])
        data.pop("id", None)
        if data["fn"] != "input" and not param and (bias != 0.0 or "bias" in data):
            data["bias"] = bias
        nodes.append({"id": n, **data})
    edges = []
    for (u, v), weight, tied in zip(plan.edges, w, (plan.edge_param >= 0).tolist()):
        data = dict(G.edges[u, v])
        if not tied:
            data["weight"] = weight
        edges.append({"source": u, "target": v, **data})
    net = from_dict({"directed": True, "multigraph": False, "graph": graph, "nodes": nodes, "edges": edges},
                    warn=False)
    net.__class__ = FrozenNetwork
    net.cached(PLAN_KEY, lambda _: plan)  # the same structure: no second compile
    return net


FrozenNetwork = type("FrozenNetwork", (Network,), {
    "__doc__": "A network whose numbers are a labeling's: every setter raises RojasError.",
    "__module__": __name__, **{name: _refuse(name) for name in _MUTATORS}})
