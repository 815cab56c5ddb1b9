"""Starting points for training: random weights, and the XOR network the demo trains."""

import numpy as np

__all__ = ["initialize", "xor_start", "XOR_SEED", "XOR_LR", "XOR_EPOCHS"]


def initialize(net, seed=None, std=0.01, mean=0.0, *, biases=False, in_place=False):
    """Draw the weights (and tied params, and optionally the biases) from N(mean, std²).

    Parameters
    ----------
    net : Network
    seed : int or numpy.random.Generator, optional
        The same seed gives the same numbers (drawn in edge order, then params, then biases).
    std, mean : float, optional
        Default N(0, 0.01²): small random weights, as Hinton's practical guide
        to training restricted Boltzmann machines recommends (the 2-2-1 network
        on [8, −4] starts so).
    biases : bool, optional
        Also draw the biases of the units; by default they are kept.
    in_place : bool, optional

    Returns
    -------
    Network

    Examples
    --------
    >>> import rojas
    >>> from rojas.learning.training import initialize
    >>> net = initialize(rojas.load(rojas.example_path("xor")), seed=0, std=1.0, biases=True)
    >>> a = initialize(net, seed=3).parameters()["weights"]
    >>> b = initialize(net, seed=3).parameters()["weights"]
    >>> bool((a == b).all()) and float(abs(a).max()) < 0.1
    True
    """
    from ..network import Network

    net = net if isinstance(net, Network) else Network(net)
    out = net if in_place else net.copy()
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    params = out.parameters()
    w = rng.normal(mean, std, size=len(params["weights"]))
    p = {k: float(v) for k, v in zip(params["params"], rng.normal(mean, std, size=len(params["params"])))}
    b = params["biases"]
    if biases:
        units = np.array([out.fn(k) != "input" for k in out.nodes])
        drawn = rng.normal(mean, std, size=len(b))
        b = np.where(units, drawn, 0.0)
    out.set_parameters(weights=w, biases=b, params=p)
    return out


# The XOR run of `rojas demo` and examples/xor_train.py: the bundled XOR network's structure
# (2-2-1, sigmoid units with biases), weights and biases drawn from N(0, 1) with this seed.
XOR_SEED, XOR_LR, XOR_EPOCHS = 2, 2.0, 1000


def xor_start(seed=XOR_SEED):
    """The untrained XOR network: the bundled structure with N(0, 1) weights and biases."""
    from ..network.examples import example_path
    from ..network import Network, load

    net = initialize(load(example_path("xor")), seed=seed, std=1.0, biases=True)
    return Network(net.to_networkx(), name=f"XOR 2-2-1, untrained (N(0,1) weights, seed {seed})")
