"""Networks a user brings, for the figure tests: a 3-4-4-2 sigmoid net, a 9-unit skip net, random DAGs.

Built with the public API only; the weights are fixed or drawn from a seeded generator.
"""

import numpy as np

import rojas

__all__ = ["labeled", "layered_3442", "random_dag", "skip_net"]


def layered_3442(seed=0):
    """A 3-4-4-2 sigmoid network, every layer fully connected, with biases; inputs and targets."""
    rng = np.random.default_rng(seed)
    net = rojas.Network(name="3-4-4-2 sigmoid")
    layers = [[f"x{i}" for i in range(1, 4)], [f"h{i}" for i in range(1, 5)], [f"g{i}" for i in range(1, 5)],
              ["y1", "y2"]]
    for n in layers[0]:
        net.add_input(n)
    k = 0
    for a, b in zip(layers, layers[1:]):
        for v in b:
            net.add_unit(v, "sigmoid", bias=float(np.round(rng.normal(0, 0.5), 3)))
        for v in b:
            for u in a:
                k += 1
                net.add_edge(u, v, weight=float(np.round(rng.normal(0, 1), 3)), name=f"w{k}")
    inputs = {"x1": 0.5, "x2": -1.0, "x3": 0.25}
    return net, inputs, {"y1": 1.0, "y2": 0.0}


def skip_net():
    """Nine units, not layered: long skips, mixed primitives, and a unit (z) with four parents."""
    from rojas.drawing.gallery import SKIP_NET
    from rojas.drawing.gallery import skip_net as build

    return build(), dict(SKIP_NET["inputs"]), dict(SKIP_NET["targets"])


def random_dag(n_units, seed, p=0.3, n_inputs=3):
    """A random DAG of `n_units` nodes (the first `n_inputs` inputs); every unit has a parent; targets at sinks."""
    rng = np.random.default_rng(seed)
    fns = ("sigmoid", "tanh", "identity", "softplus")
    net = rojas.Network(name=f"random DAG of {n_units} nodes")
    names = [f"x{i}" for i in range(n_inputs)] + [f"n{i}" for i in range(n_units - n_inputs)]
    for n in names[:n_inputs]:
        net.add_input(n)
    for n in names[n_inputs:]:
        net.add_unit(n, fns[int(rng.integers(len(fns)))], bias=float(np.round(rng.normal(0, 0.3), 3)))
    k = 0
    for j in range(n_inputs, n_units):
        parents = [i for i in range(j) if rng.random() < p] or [int(rng.integers(j))]
        for i in parents:
            k += 1
            net.add_edge(names[i], names[j], weight=float(np.round(rng.normal(0, 1), 3)), name=f"w{k}")
    inputs = {n: float(np.round(rng.normal(0, 1), 2)) for n in names[:n_inputs]}
    sinks = [n for n in names[n_inputs:] if not any(u == n for u, _ in net.edges)]
    return net, inputs, {n: 0.5 for n in sinks}


def labeled(net, inputs, targets):
    return rojas.label(net, inputs, targets)
