"""The gallery: the figures ``rojas demo`` and ``examples/make_figures.py`` write.

==========================  ==============================================================
``mazur_sweeps.png``        Matt Mazur's worked 2-2-2 example (2015) labeled: both sweeps
``mazur_paths_w1.png``      the same network, the two paths of ∂E/∂w1 and their sum
``one_epoch_8_-4.png``      the 2-2-1 network on the observation [8, −4]
``skip_product.png``        skip connections, a product unit (Π) and a tied weight
``skip_net_paths.png``      a 9-unit network that is not layered, the paths from one input
``skip_net_6.5in.png``      the same network at a 6.5 in text width, its numbers in tables below
``xor.png``                 XOR, one of its four patterns, both sweeps
``mazur_sweeps.gif``        Mazur's network: the forward sweep unit by unit, then back
``recurrent_unfolded.png``  one recurrent unit unfolded over 5 steps: both sweeps in time
==========================  ==============================================================
"""

import os
import time
import warnings

__all__ = ["GALLERY", "make_gallery", "one_epoch_network", "recurrent_unfolded", "skip_net"]

GALLERY = {
    "mazur_sweeps.png": "Matt Mazur's worked 2-2-2 example (2015) labeled: both sweeps, every number",
    "mazur_paths_w1.png": "the same network with the two paths of ∂E/∂w1, their products and their sum",
    "one_epoch_8_-4.png": "the 2-2-1 network on the single observation [8, −4] (weights from N(0, 0.01²))",
    "skip_product.png": "skip connections drawn as arcs, a product unit (Π) and a tied weight",
    "skip_net_paths.png": "a 9-unit network that is not layered (long skips, a unit with four parents): "
                          "every path from the input a to E, numbered",
    "skip_net_6.5in.png": "the same 9-unit network at a book's 6.5 in text width: the graph named, every "
                          "number in the numbered tables below it, no text under 7 pt",
    "xor.png": "XOR (half trained), the pattern x = (1, 0): both sweeps",
    "mazur_sweeps.gif": "Mazur's network: the forward sweep unit by unit, the backward sweep, the gradients",
    "recurrent_unfolded.png": "one recurrent unit (Rojas 7.4.1) unfolded over 5 steps, a column per step: "
                              "both sweeps, the tied weight's summed gradient",
}

ONE_EPOCH = {"seed": 3, "inputs": {"X1": 8.0, "X2": -4.0}, "targets": {"Y": 1.0}}


def one_epoch_network():
    """The 2-2-1 network of the one-epoch example on the observation [8, −4].

    Inputs X1, X2; two linear hidden units; a sigmoid output Y; no biases;
    weights drawn from N(0, 0.01²) with ``numpy.random.default_rng(3)``.
    """
    from ..network import Network
    from ..learning.training import initialize

    net = Network(name="the 2-2-1 network on [8, −4]: linear hidden units, sigmoid output")
    net.add_input("X1").add_input("X2")
    net.add_unit("H1", "identity").add_unit("H2", "identity").add_unit("Y", "sigmoid")
    for u, v in (("X1", "H1"), ("X2", "H1"), ("X1", "H2"), ("X2", "H2"), ("H1", "Y"), ("H2", "Y")):
        net.add_edge(u, v, weight=0.0, name=f"w_{u}{v}")
    return initialize(net, seed=ONE_EPOCH["seed"], std=0.01)


SKIP_NET = {"inputs": {"a": 1.0, "b": -0.5}, "targets": {"z": 0.8}}


def skip_net():
    """Nine units, not layered: long skips, mixed primitives, and a unit z with four parents."""
    from ..network import Network

    net = Network(name="a 9-unit network that is not layered: long skips, z has four parents")
    net.add_input("a").add_input("b")
    for n, fn in (("p", "tanh"), ("q", "sigmoid"), ("r", "softplus"), ("s", "tanh"), ("t", "identity"),
                  ("u", "sigmoid"), ("z", "sigmoid")):
        net.add_unit(n, fn, bias=0.1)
    edges = [("a", "p", 0.7), ("b", "p", -0.4), ("a", "q", 0.3), ("p", "r", 1.1), ("q", "r", -0.8),
             ("r", "s", 0.9), ("b", "s", 0.5), ("s", "t", -1.3), ("p", "t", 0.6), ("t", "u", 0.45),
             ("a", "z", 0.2), ("q", "z", -0.6), ("s", "z", 0.75), ("u", "z", 1.2)]
    for k, (u, v, w) in enumerate(edges, 1):
        net.add_edge(u, v, weight=w, name=f"w{k}")
    return net


# examples/recurrent_one_unit.json and its .data.json (examples/ is not installed with the package)
RECURRENT_ONE_UNIT = {
    "directed": True, "multigraph": False,
    "graph": {"name": "one recurrent unit (Rojas 7.4.1)", "params": {}},
    "nodes": [{"id": "x", "fn": "input"}, {"id": "h", "fn": "tanh", "bias": 0.1}],
    "edges": [{"source": "x", "target": "h", "weight": 0.8, "name": "u"},
              {"source": "h", "target": "h", "weight": 0.5, "name": "w", "delay": 1}]}
RECURRENT_ONE_UNIT_DATA = {"inputs": {"x": [1.0, 0.5, -0.5, 0.0, 1.0]}, "initial": {"h": 0.0},
                           "targets": {"h": [0.5, 0.5, 0.0, -0.2, 0.6]}}


def recurrent_unfolded():
    """The one-unit recurrent network of ``examples/recurrent_one_unit.json`` unfolded over its
    5-step sequence and labeled: h_t = tanh(0.8·x_t + 0.5·h_{t−1} + 0.1)."""
    from ..engine.labeling import label
    from ..architectures.recurrent import Recurrent, unfold, unfold_data

    net = unfold(Recurrent.from_dict(RECURRENT_ONE_UNIT), data=RECURRENT_ONE_UNIT_DATA)
    return label(net, *unfold_data(net, RECURRENT_ONE_UNIT_DATA))


def _labeled(name):
    from ..network.data import load_data
    from ..network.examples import example_path
    from ..engine.labeling import label
    from ..network import load

    return label(load(example_path(name)), *load_data(example_path(name, "data")))


def make_gallery(out_dir, *, verbose=True):
    """Write the gallery into `out_dir`; returns ``{file name: path}``."""
    from ..engine.labeling import label
    from .animation import animate
    from .output import save_drawing

    os.makedirs(out_dir, exist_ok=True)
    mazur = _labeled("mazur")
    xor = _labeled("xor")
    x1, x2 = list(xor.o["x1"]), list(xor.o["x2"])
    xor_sample = next(k for k in range(len(x1)) if (x1[k], x2[k]) == (1.0, 0.0))
    jobs = {
        "mazur_sweeps.png": lambda p: save_drawing(mazur, p, sweep="both"),
        "mazur_paths_w1.png": lambda p: save_drawing(mazur, p, sweep="forward", paths="w1"),
        "one_epoch_8_-4.png": lambda p: save_drawing(label(one_epoch_network(), ONE_EPOCH["inputs"],
                                                           ONE_EPOCH["targets"]), p, sweep="both"),
        "skip_product.png": lambda p: save_drawing(_labeled("skip_product"), p, sweep="both"),
        "skip_net_paths.png": lambda p: save_drawing(label(skip_net(), SKIP_NET["inputs"], SKIP_NET["targets"]),
                                                     p, sweep="both", paths="a"),
        "skip_net_6.5in.png": lambda p: save_drawing(label(skip_net(), SKIP_NET["inputs"], SKIP_NET["targets"]),
                                                     p, sweep="both", width=6.5 * 72),
        "xor.png": lambda p: save_drawing(xor, p, sweep="both", sample=xor_sample),
        "mazur_sweeps.gif": lambda p: animate(mazur, p),
        "recurrent_unfolded.png": lambda p: save_drawing(recurrent_unfolded(), p, sweep="both"),
    }
    written = {}
    for name, job in jobs.items():
        path = os.path.join(out_dir, name)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # a gallery figure leaves nothing out
            job(path)
        written[name] = path
        if verbose:
            print(f"   {path}  ({os.path.getsize(path) / 1024:.0f} kB, {time.perf_counter() - start:.1f} s): "
                  f"{GALLERY[name]}")
    return written
