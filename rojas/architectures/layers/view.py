"""The layered view of a network: weight matrices and bias vectors, and back (Rojas 1996, §7.3.3).

:func:`to_layers` reads a layered network (see :mod:`rojas.layers` for the
definition and the convention ``W_l[i, j] = w_ij``) into a :class:`Layers`;
:func:`from_layers` builds a network from matrices; :meth:`Layers.to_network`
writes edited matrices back.
"""

import numpy as np

from ...network.combine import get_combine
from ...errors import NetworkError

__all__ = ["Layers", "to_layers", "from_layers"]


def _edge_text(net, u, v):
    name = net.edge_name(u, v)
    return f"edge {u!r}->{v!r}" + (f" ({name})" if name is not None else "")


class Layers:
    """A layered network as weight matrices and bias vectors (see the module docstring).

    Lists are indexed by the layer as in the text: ``W[l]`` is ``W_l`` for
    ``l = 1..L`` and ``W[0]`` is None (likewise ``b``, ``mask``, ``edge_index``).

    Attributes
    ----------
    network : Network
        The network the matrices were read from (not changed by editing them).
    nodes : list of list
        ``nodes[l]``: the node ids of layer l, ``nodes[0]`` the inputs.
    fns : list of str
        ``fns[l]``: the primitive of layer l (``fns[0] == "input"``).
    W : list of ndarray
        ``W[l]``: the ``(n_{l−1}, n_l)`` weight matrix, 0 where there is no edge.
        It may be changed in place; :meth:`to_network` writes it back.
    b : list of ndarray
        ``b[l]``: the ``(n_l,)`` biases.
    edge_index : list of ndarray
        ``edge_index[l][i, j]``: the position of the edge i→j in
        ``network.edges``, or −1 where there is none.

    Examples
    --------
    >>> import rojas
    >>> lay = rojas.to_layers(rojas.load(rojas.example_path("mazur")))
    >>> lay.summary()
    '2 → 2 → 2 (sigmoid, sigmoid)'
    >>> lay.nodes[1], lay.W[2].tolist(), lay.b[2].tolist()
    (['h1', 'h2'], [[0.4, 0.5], [0.45, 0.55]], [0.6, 0.6])
    """

    def __init__(self, network, nodes, fns, W, b, edge_index):
        self.network, self.nodes, self.fns = network, nodes, fns
        self.W, self.b, self.edge_index = W, b, edge_index

    @property
    def L(self):
        """The number of weight layers (layers 1..L; layer 0 holds the inputs)."""
        return len(self.nodes) - 1

    @property
    def sizes(self):
        """``[n_0, n_1, …, n_L]``."""
        return [len(layer) for layer in self.nodes]

    @property
    def mask(self):
        """``mask[l]``: True where ``W_l`` has an edge (``mask[0]`` is None)."""
        return [None] + [index >= 0 for index in self.edge_index[1:]]

    def summary(self):
        """``"2 → 2 → 2 (sigmoid, sigmoid)"``."""
        return " → ".join(map(str, self.sizes)) + f" ({', '.join(self.fns[1:])})"

    def __repr__(self):
        return f"<Layers of {self.network.name or 'network'}: {self.summary()}>"

    def edge_weights(self):
        """The matrices' entries as edge weights, in ``network.edges`` order.

        Returns
        -------
        ndarray of shape (E,)

        Raises
        ------
        NetworkError
            If a matrix has a non-zero entry where there is no edge, or has a
            wrong shape.
        """
        net = self.network
        w = np.zeros(len(net.edges))
        for l in range(1, self.L + 1):
            W, index = np.asarray(self.W[l], dtype=float), self.edge_index[l]
            if W.shape != index.shape:
                raise NetworkError(f"W_{l} has shape {W.shape}, layers {l - 1} and {l} need {index.shape}")
            stray = (index < 0) & (W != 0)
            if stray.any():
                i, j = np.argwhere(stray)[0]
                raise NetworkError(f"W_{l}[{i}, {j}] = {float(W[i, j])!r} but there is no edge "
                                   f"{self.nodes[l - 1][i]!r}->{self.nodes[l][j]!r}")
            w[index[index >= 0]] = W[index >= 0]
        return w

    def to_network(self):
        """A copy of the network carrying the current matrices and biases.

        Names, tied params and every other attribute are kept; the entries of
        the edges tied to one param must agree.

        Returns
        -------
        Network

        Raises
        ------
        NetworkError
            If an entry has no edge, tied entries disagree, or a number is not
            finite (naming the edge).

        Examples
        --------
        >>> import rojas
        >>> lay = rojas.to_layers(rojas.load(rojas.example_path("mazur")))
        >>> lay.W[2][0, 0] = 0.3                     # w5, the edge h1 -> o1
        >>> lay.to_network().weight("h1", "o1")
        0.3
        """
        net = self.network.copy()
        w = self.edge_weights()
        tied = {}
        for k, (u, v) in enumerate(self.network.edges):
            param = self.network.edge_param(u, v)
            if param is None:
                continue
            if param in tied and w[tied[param][1]] != w[k]:
                a = tied[param][0]
                raise NetworkError(f"param {param!r}: its {_edge_text(net, *a)} and "
                                   f"{_edge_text(net, u, v)} have different matrix entries "
                                   f"({float(w[tied[param][1]])!r} and {float(w[k])!r})")
            tied.setdefault(param, ((u, v), k))
        pos = {n: k for k, n in enumerate(net.nodes)}
        biases = np.zeros(len(pos))
        for l in range(1, self.L + 1):
            b = np.asarray(self.b[l], dtype=float)
            if b.shape != (len(self.nodes[l]),):
                raise NetworkError(f"b^({l}) has shape {b.shape}, layer {l} has {len(self.nodes[l])} units")
            biases[[pos[n] for n in self.nodes[l]]] = b
        # Edges in the copy may come in another order: address them by (u, v).
        order = {e: k for k, e in enumerate(self.network.edges)}
        copy_w = w[[order[e] for e in net.edges]]
        bad = ~np.isfinite(copy_w)
        if bad.any():
            k = int(np.argmax(bad))
            raise NetworkError(f"{_edge_text(net, *net.edges[k])}: weight must be finite, got {float(copy_w[k])!r}")
        net.set_parameters(weights=copy_w, biases=biases,
                           params={p: float(w[k]) for p, (_, k) in tied.items()})
        return net


def to_layers(net):
    """Read a layered network's weight matrices and bias vectors (Rojas §7.3.3).

    Parameters
    ----------
    net : Network or networkx.DiGraph

    Returns
    -------
    Layers

    Raises
    ------
    NetworkError
        If the network is not layered, naming the reason: a product unit, a
        unit without incoming edges, an edge skipping a layer, an output before
        the last layer, or a layer mixing primitives.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.load(rojas.example_path("skip_product"))
    >>> rojas.to_layers(net)
    Traceback (most recent call last):
    ...
    rojas.errors.NetworkError: not a layered network: unit 'p' is a product unit (combine 'product'): its net input is no row of a matrix product W_lᵀ o^(l-1)
    """
    from ...engine.plan import plan_of
    from ...network import as_network

    net = as_network(net)
    plan = plan_of(net)

    def refuse(reason):
        raise NetworkError(f"not a layered network: {reason}")

    for n in net.nodes:
        if net.fn(n) != "input" and not get_combine(net.combine(n)).linear:
            refuse(f"unit {n!r} is a {net.combine(n)} unit (combine {net.combine(n)!r}): its net input is no "
                   "row of a matrix product W_lᵀ o^(l-1)")
    levels = [plan.order[lev.lo:lev.hi] for lev in plan.levels]
    constant = [n for n in levels[0] if net.fn(n) != "input"]
    if constant:
        refuse(f"unit {constant[0]!r} has no incoming edges; layer 0 holds only inputs")
    if len(levels) < 2:
        refuse("it has no units")
    layer = np.repeat(np.arange(len(levels)), [len(g) for g in levels])  # by sweep position
    skips = layer[plan.dst] != layer[plan.src] + 1
    if skips.any():
        k = int(np.argmax(skips))
        u, v = net.edges[k]
        refuse(f"{_edge_text(net, u, v)} joins layer {layer[plan.src[k]]} to layer "
               f"{layer[plan.dst[k]]}; every edge must join consecutive layers")
    L = len(levels) - 1
    early = [n for n in net.outputs if layer[plan.pos[n]] != L]
    if early:
        refuse(f"output {early[0]!r} is in layer {layer[plan.pos[early[0]]]}, not in the last layer {L}")
    fns = ["input"]
    for l in range(1, L + 1):
        kinds = {}
        for n in levels[l]:
            kinds.setdefault(net.fn(n), n)
        if len(kinds) > 1:
            (f1, n1), (f2, n2) = list(kinds.items())[:2]
            refuse(f"layer {l} mixes primitives: {n1!r} is {f1}, {n2!r} is {f2}; "
                   "the matrix form applies one f per layer")
        fns.append(next(iter(kinds)))
    # Within a generation the plan orders nodes by (primitive, combine, file position):
    # with one primitive per layer that is the file's order.
    local = np.arange(plan.n_nodes) - np.repeat([lev.lo for lev in plan.levels],
                                                 [len(g) for g in levels])
    params = net.parameters()
    node_pos = {n: k for k, n in enumerate(net.nodes)}
    W, b, edge_index = [None], [None], [None]
    into = layer[plan.dst]
    # The edges grouped by the layer they enter, once (not one scan of all edges per layer).
    by_layer = np.argsort(into, kind="stable")
    bounds = np.searchsorted(into[by_layer], np.arange(L + 2))
    for l in range(1, L + 1):
        shape = (len(levels[l - 1]), len(levels[l]))
        edges = by_layer[bounds[l]:bounds[l + 1]]
        index = np.full(shape, -1, dtype=np.intp)
        index[local[plan.src[edges]], local[plan.dst[edges]]] = edges
        matrix = np.zeros(shape)
        matrix[index >= 0] = params["weights"][index[index >= 0]]
        W.append(matrix)
        b.append(params["biases"][[node_pos[n] for n in levels[l]]])
        edge_index.append(index)
    return Layers(net, [list(g) for g in levels], fns, W, b, edge_index)


def from_layers(weights, biases=None, fns="sigmoid", *, nodes=None, mask=None, name=None):
    """Build a layered network from weight matrices (Rojas's convention: ``W_l[i, j] = w_ij``).

    Parameters
    ----------
    weights : sequence of array_like, or Layers
        ``W_1, …, W_L``, ``W_l`` of shape ``(n_{l−1}, n_l)``.  A :class:`Layers`
        (with no other argument) gives back its network with its current
        matrices: :meth:`Layers.to_network`.
    biases : sequence of array_like, optional
        ``b^(1), …, b^(L)``, of shapes ``(n_l,)``; zeros by default.
    fns : str or sequence of str, optional
        One primitive for every layer, or one per layer 1..L.
    nodes : sequence of sequences, optional
        The node ids of layers 0..L; by default ``x1, x2, …`` for the inputs,
        ``y1, …`` for layer L, and ``h1, …`` (one hidden layer) or ``h{l}_{k}``.
    mask : sequence of array_like of bool, optional
        Where the edges are (shapes of the ``W_l``); by default every entry is
        an edge, zero or not.
    name : str, optional

    Returns
    -------
    Network

    Raises
    ------
    NetworkError
        If the shapes do not chain, a count of ids or primitives is wrong, or
        a number is not finite (naming the edge or node).

    Examples
    --------
    >>> import numpy as np, rojas
    >>> net = rojas.from_layers([np.array([[1.0, -1.0]]), np.array([[0.5], [2.0]])],
    ...                         [np.zeros(2), np.array([0.1])], fns=["tanh", "identity"])
    >>> net.nodes, net.edges
    (['x1', 'h1', 'h2', 'y1'], [('x1', 'h1'), ('x1', 'h2'), ('h1', 'y1'), ('h2', 'y1')])
    >>> rojas.to_layers(net).W[2].tolist()
    [[0.5], [2.0]]
    """
    from ...network import Network

    if isinstance(weights, Layers):
        if biases is not None or fns != "sigmoid" or nodes is not None or mask is not None:
            raise NetworkError("from_layers(layers) takes no other arguments")
        return weights.to_network()
    mats = [np.asarray(W, dtype=float) for W in weights]
    L = len(mats)
    if L == 0:
        raise NetworkError("from_layers: no weight matrices")
    for l, W in enumerate(mats, 1):
        if W.ndim != 2:
            raise NetworkError(f"W_{l} must be a matrix (n_{l - 1} × n_{l}), got shape {W.shape}")
        if l > 1 and W.shape[0] != mats[l - 2].shape[1]:
            raise NetworkError(f"W_{l} has {W.shape[0]} rows but layer {l - 1} has "
                               f"{mats[l - 2].shape[1]} units (the columns of W_{l - 1})")
    sizes = [mats[0].shape[0]] + [W.shape[1] for W in mats]
    if biases is None:
        biases = [np.zeros(n) for n in sizes[1:]]
    biases = [np.asarray(b, dtype=float) for b in biases]
    if len(biases) != L:
        raise NetworkError(f"from_layers: {len(biases)} bias vectors for {L} layers")
    for l, b in enumerate(biases, 1):
        if b.shape != (sizes[l],):
            raise NetworkError(f"b^({l}) has shape {b.shape}, layer {l} has {sizes[l]} units")
    fns = [fns] * L if isinstance(fns, str) else list(fns)
    if len(fns) != L:
        raise NetworkError(f"from_layers: {len(fns)} primitives for {L} layers")
    if nodes is None:
        hidden = (lambda l, k: f"h{k}") if L == 2 else (lambda l, k: f"h{l}_{k}")
        nodes = ([[f"x{k}" for k in range(1, sizes[0] + 1)]]
                 + [[hidden(l, k) for k in range(1, sizes[l] + 1)] for l in range(1, L)]
                 + [[f"y{k}" for k in range(1, sizes[L] + 1)]])
    nodes = [list(layer) for layer in nodes]
    if [len(layer) for layer in nodes] != sizes:
        raise NetworkError(f"from_layers: layers of {[len(layer) for layer in nodes]} node ids "
                           f"for layers of {sizes} units")
    masks = [np.ones(W.shape, dtype=bool) for W in mats] if mask is None else \
        [np.asarray(m, dtype=bool) for m in mask]
    if len(masks) != L or any(m.shape != W.shape for m, W in zip(masks, mats)):
        raise NetworkError("from_layers: mask must hold one boolean array of W_l's shape per layer")
    net = Network(name=name)
    for n in nodes[0]:
        net.add_input(n)
    for l in range(1, L + 1):
        for n, bias in zip(nodes[l], biases[l - 1].tolist()):
            net.add_unit(n, fns[l - 1], bias=bias)
    for l in range(1, L + 1):
        cols, rows = np.nonzero(masks[l - 1].T)  # grouped by target unit
        for j, i in zip(cols.tolist(), rows.tolist()):
            net.add_edge(nodes[l - 1][i], nodes[l][j], weight=float(mats[l - 1][i, j]))
    return net.validate()
