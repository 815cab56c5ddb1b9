"""The matrix form of a layered network (Rojas 1996, §7.3.3).

A network is *layered* when its nodes fall into layers 0, 1, …, L such that
layer 0 holds exactly the inputs, every edge joins a layer to the next one,
every unit of a layer computes the same primitive with ``combine: "sum"``,
and the outputs are the units of layer L.  The layers are the network's
topological generations, the units of a layer in the file's order.  Such a
network is a list of weight matrices and bias vectors, and Rojas's backward
sweep becomes matrix products: the same labels, written as matrices.

Convention (Rojas's, used everywhere in rojas)
----------------------------------------------
Vectors are columns.  ``W_l`` is the ``n_{l-1} × n_l`` matrix with
``W_l[i, j] = w_ij``, the weight of the edge from unit i of layer l−1 to unit
j of layer l (row = source, column = target; an absent edge is a 0), so ::

    s^(l) = W_lᵀ o^(l−1) + b^(l)      (as rows: s^(l)ᵀ = o^(l−1)ᵀ W_l + b^(l)ᵀ, seed 002's I × W)
    o^(l) = f_l(s^(l)),   D_l = diag(f_l′(s^(l))),   e = o^(L) − t

**Denominator layout** (a derivative has the shape of the variable, so
``∂E/∂s^(l)`` is a column; the chain rule's factors run from the variable
towards the error) is Rojas's §7.3.3::

    δ^(L) = D_L e
    δ^(l) = ∂o^(l)/∂s^(l) · ∂s^(l+1)/∂o^(l) · ∂E/∂s^(l+1) = D_l W_{l+1} δ^(l+1)
    ∂E/∂W_l = o^(l−1) δ^(l)ᵀ    (the shape of W_l; entry (i, j) = o_i·δ_j, the labeling's ∂E/∂w_ij)
    ∂E/∂b^(l) = δ^(l),   ∂E/∂x = W_1 δ^(1)

**Numerator layout** (a derivative has the shape of the Jacobian, so
``∂E/∂s^(l)`` is a row; the factors run from the error towards the variable,
as seed 002 writes its chain rule) gives the same numbers transposed, the
factors in the reverse order::

    ∂E/∂s^(L) = eᵀ D_L
    ∂E/∂s^(l) = ∂E/∂s^(l+1) · ∂s^(l+1)/∂o^(l) · ∂o^(l)/∂s^(l) = δ^(l+1)ᵀ W_{l+1}ᵀ D_l = δ^(l)ᵀ
    ∂E/∂W_l = δ^(l) o^(l−1)ᵀ    (the shape of W_lᵀ)

Many machine-learning texts (and PyTorch) store ``W_lᵀ`` instead, an
``n_l × n_{l−1}`` matrix ``V_l`` with ``s^(l) = V_l o^(l−1) + b^(l)``; in
denominator layout they write ``δ^(l) = D_l V_{l+1}ᵀ δ^(l+1)`` and
``∂E/∂V_l = δ^(l) o^(l−1)ᵀ``.  Over a batch the vectors become matrices with
one column per sample, ``D_l`` multiplies column by column (``F′_l ⊙ ·``) and
``∂E/∂W_l = O^(l−1) Δ^(l)ᵀ`` sums ``o δᵀ`` over the samples.

The objective is the labeling's: ``E = ½ Σ (o^(L) − t)²`` with targets, or
the value of one output (``of``), for which ``e`` is that output's unit vector.
"""

from dataclasses import dataclass

import numpy as np

from .errors import DataError, NetworkError, NumericalError

__all__ = ["Layers", "to_layers", "from_layers", "matrix_backprop", "MatrixPass", "MatrixCheck",
           "CONVENTION"]

#: The convention in a few lines, as ``rojas matrix`` prints it.
CONVENTION = """\
Convention (Rojas §7.3.3): vectors are columns; W_l is n_{l-1} × n_l with W_l[i, j] = w_ij
(row = source unit i of layer l-1, column = target unit j of layer l; no edge = 0), so
  s^(l) = W_lᵀ o^(l-1) + b^(l)   (as rows: s^(l)ᵀ = o^(l-1)ᵀ W_l + b^(l)ᵀ, seed 002's I × W),
  o^(l) = f(s^(l)),   D_l = diag(f'(s^(l))),   e = o^(L) - t.
Denominator layout (derivatives shaped like the variable; the factors run from the variable to E):
  δ^(L) = D_L e,   δ^(l) = D_l W_{l+1} δ^(l+1),   ∂E/∂W_l = o^(l-1) δ^(l)ᵀ (shape of W_l),   ∂E/∂b^(l) = δ^(l).
Numerator layout (derivatives shaped like Jacobians, ∂E/∂s a row; the factors run from E back, as seed 002 writes them):
  ∂E/∂s^(l) = ∂E/∂s^(l+1) · ∂s^(l+1)/∂o^(l) · ∂o^(l)/∂s^(l) = δ^(l+1)ᵀ W_{l+1}ᵀ D_l = δ^(l)ᵀ,   ∂E/∂W_l = δ^(l) o^(l-1)ᵀ (shape of W_lᵀ).
  The same numbers, transposed, with the factors in the reverse order."""

_SHOW = 400  # a matrix with more entries is summarized in the text report
TOLERANCE = 1e-12


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
    from .labeling import _as_network, plan_of

    net = _as_network(net)
    plan = plan_of(net)

    def refuse(reason):
        raise NetworkError(f"not a layered network: {reason}")

    for n in net.nodes:
        if net.fn(n) != "input" and net.combine(n) == "product":
            refuse(f"unit {n!r} is a product unit (combine 'product'): its net input is no row "
                   "of a matrix product W_lᵀ o^(l-1)")
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
    for l in range(1, L + 1):
        shape = (len(levels[l - 1]), len(levels[l]))
        edges = np.flatnonzero(into == l)
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
    from .network import Network

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


@dataclass(frozen=True)
class MatrixCheck:
    """How far the matrix form is from the graph labeling (see :meth:`MatrixPass.check`).

    Attributes
    ----------
    diffs : dict
        ``{quantity: max |matrix − labeling|}`` for ``s, o, f', δ, ∂E/∂x,
        ∂E/∂W, ∂E/∂b, E``.
    scales : dict
        ``{quantity: max(1, max |labeling|)}``.
    tol : float
    ok : bool
        Every difference is at most ``tol × scale``.
    """

    diffs: dict
    scales: dict
    tol: float
    ok: bool

    def __str__(self):
        worst = max(self.diffs[q] / self.scales[q] for q in self.diffs)
        verdict = f"agree to {self.tol:g}" if self.ok else f"DIFFER by more than {self.tol:g}"
        return (f"Check against the graph labeling (rojas grad): max |matrix − labeling| / max(1, |labeling|) = "
                f"{worst:.3g} over s, o, f', δ, ∂E/∂x, ∂E/∂W, ∂E/∂b and E: they {verdict}")


def _column(mapping, nodes, batch):
    out = np.empty((len(nodes),) + (() if batch is None else (batch,)))
    for k, n in enumerate(nodes):
        out[k] = mapping[n]
    return out


class MatrixPass:
    """The forward and backward pass of a layered network in matrix form.

    Lists are indexed by the layer; over a batch every vector is a matrix
    with one column per sample.

    Attributes
    ----------
    layers : Layers
    objective : str or node
        ``"E"`` or the output differentiated.
    value : float
        The objective, summed over a batch.
    batch_size : int or None
    o : list of ndarray
        ``o[l] = o^(l)`` for l = 0..L (``o[0]`` the inputs).
    s, fprime : list of ndarray
        ``s[l] = s^(l)`` and ``fprime[l] = f′(s^(l))``, the diagonal of
        ``D_l``, for l = 1..L (index 0 is None).
    e : ndarray
        ``o^(L) − t``, or the unit vector of the output differentiated.
    delta : list of ndarray
        ``delta[l] = δ^(l)`` for l = 1..L; ``delta[0] = W_1 δ^(1) = ∂E/∂x``.
    grad_W : list of ndarray
        ``grad_W[l] = o^(l−1) δ^(l)ᵀ`` (summed over a batch), the shape of
        ``W_l``.  Entries where there is no edge are what an edge there would
        get; the network's gradients are the entries at its edges.
    grad_b : list of ndarray
        ``grad_b[l] = δ^(l)`` (summed over a batch).
    """

    def __init__(self, layers, problem, objective, value, batch, o, s, fprime, e, delta, grad_W, grad_b):
        self.layers, self._problem = layers, problem
        self.objective, self.value, self.batch_size = objective, value, batch
        self.o, self.s, self.fprime, self.e, self.delta = o, s, fprime, e, delta
        self.grad_W, self.grad_b = grad_W, grad_b

    def D(self, l):
        """``D_l = diag(f′(s^(l)))``: an ``(n_l, n_l)`` matrix, or ``(B, n_l, n_l)`` over a batch.

        Examples
        --------
        >>> import rojas
        >>> net = rojas.from_layers([[[1.0]]], fns="tanh")
        >>> rojas.matrix_backprop(net, {"x1": 0.0}).D(1)
        array([[1.]])
        """
        fp = self.fprime[l]
        if fp.ndim == 1:
            return np.diag(fp)
        return fp.T[:, :, None] * np.eye(len(fp))

    def numerator_layout(self, l):
        """``∂E/∂s^(l)`` as numerator layout writes it: the row ``δ^(l+1)ᵀ W_{l+1}ᵀ D_l``.

        For ``l = L`` it is ``eᵀ D_L``.  Over a batch: one row per sample.
        Equals ``delta[l]ᵀ`` (the same numbers, the factors in reverse order).

        Examples
        --------
        >>> import numpy as np, rojas
        >>> net = rojas.load(rojas.example_path("mazur"))
        >>> mp = rojas.matrix_backprop(net, *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> bool(np.allclose(mp.numerator_layout(1), mp.delta[1], rtol=1e-15))
        True
        """
        later = self.e.T if l == self.layers.L else self.delta[l + 1].T @ self.layers.W[l + 1].T
        return later * self.fprime[l].T

    def check(self, tol=TOLERANCE):
        """Label the network as a graph (:func:`rojas.label`) and compare every number.

        The network labeled is :meth:`Layers.to_network`, so edited matrices
        are compared too.

        Parameters
        ----------
        tol : float, optional
            Allowed ``max |matrix − labeling|`` relative to ``max(1, max |labeling|)``
            per quantity.

        Returns
        -------
        MatrixCheck

        Examples
        --------
        >>> import rojas
        >>> net = rojas.load(rojas.example_path("mazur"))
        >>> mp = rojas.matrix_backprop(net, *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> mp.check().ok
        True
        """
        from .labeling import label

        lay = self.layers
        net = lay.to_network()
        inputs, targets, of = self._problem
        lab = label(net, inputs, targets, of)
        at = lambda kind, nodes: lab.arrays[kind][[lab.plan.pos[n] for n in nodes]]
        pairs = {"s": [], "o": [], "f'": [], "δ": [], "∂E/∂x": [], "∂E/∂W": [], "∂E/∂b": []}
        pairs["o"].append((self.o[0], at("o", lay.nodes[0])))
        pairs["∂E/∂x"].append((self.delta[0], at("delta", lay.nodes[0])))
        graph_w = np.array([lab.weight_grad[e] for e in lay.network.edges])
        bias_grad = lab.bias_grad
        for l in range(1, lay.L + 1):
            for name, mine, kind in (("s", self.s, "s"), ("o", self.o, "o"), ("f'", self.fprime, "fprime"),
                                     ("δ", self.delta, "delta")):
                pairs[name].append((mine[l], at(kind, lay.nodes[l])))
            index = lay.edge_index[l]
            pairs["∂E/∂W"].append((self.grad_W[l][index >= 0], graph_w[index[index >= 0]]))
            pairs["∂E/∂b"].append((self.grad_b[l], np.array([bias_grad[n] for n in lay.nodes[l]])))
        pairs["E"] = [(np.array([self.value]), np.array([lab.value]))]
        diffs, scales = {}, {}
        for name, items in pairs.items():
            mine = np.concatenate([np.ravel(a) for a, _ in items])
            theirs = np.concatenate([np.ravel(b) for _, b in items])
            diffs[name] = float(np.max(np.abs(mine - theirs), initial=0.0))
            scales[name] = float(max(1.0, np.max(np.abs(theirs), initial=0.0)))
        ok = all(diffs[q] <= tol * scales[q] for q in diffs)
        return MatrixCheck(diffs, scales, tol, ok)

    # ------------------------------------------------------------------ display
    def to_dict(self):
        """The matrices, vectors and gradients as JSON-ready lists (``rojas matrix --json``)."""
        lay = self.layers
        out = {"network": lay.network.name,
               "convention": "W_l[i, j] = w_ij, shape (n_{l-1}, n_l); s^(l) = W_l^T o^(l-1) + b^(l); "
                             "delta^(l) = D_l W_{l+1} delta^(l+1); dE/dW_l = o^(l-1) delta^(l)^T",
               "objective": self.objective if self.objective == "E" else str(self.objective),
               "value": self.value, "batch_size": self.batch_size, "e": self.e.tolist(), "layers": []}
        for l in range(lay.L + 1):
            entry = {"layer": l, "nodes": [str(n) for n in lay.nodes[l]], "fn": lay.fns[l],
                     "o": self.o[l].tolist(), "delta": self.delta[l].tolist()}
            if l:
                entry.update({"W": lay.W[l].tolist(), "edges": (lay.edge_index[l] >= 0).tolist(),
                              "b": lay.b[l].tolist(), "s": self.s[l].tolist(),
                              "fprime": self.fprime[l].tolist(), "grad_W": self.grad_W[l].tolist(),
                              "grad_b": self.grad_b[l].tolist()})
            out["layers"].append(entry)
        return out

    def table(self):
        """The whole pass as text: matrices, D's, δ vectors and gradients, layer by layer."""
        from .report import _table, fmt

        lay = self.layers
        net = lay.network
        L = lay.L
        obj = "E = ½Σ(o−t)²" if self.objective == "E" else f"o[{self.objective}]"
        batch = "" if self.batch_size is None else f", summed over a batch of {self.batch_size}"
        out = [f"{net.name or 'network'}: a layered network, L = {L}: {lay.summary()}",
               f"objective {obj} = {fmt(self.value)}{batch}", "", CONVENTION, ""]
        if self.batch_size is not None:
            out += [f"Over the batch every vector below is n_l × {self.batch_size} (a column per sample; "
                    "shown: the first samples), D_l acts column by column and ∂E/∂W_l, ∂E/∂b^(l) "
                    "are summed over the samples.", ""]

        def matrix(title, M, l):
            rows, cols = lay.nodes[l - 1], lay.nodes[l]
            if M.size > _SHOW:
                return [f"{title}: {M.shape[0]} × {M.shape[1]} (too large to show; see --json)"]
            has = lay.edge_index[l] >= 0
            body = [[str(r)] + [fmt(M[i, j]) if has[i, j] else "·" for j in range(len(cols))]
                    for i, r in enumerate(rows)]
            text = _table([""] + [str(c) for c in cols], body).splitlines()
            return [f"{title} (rows: layer {l - 1}, columns: layer {l}; · = no edge):"] + \
                   ["  " + t for t in text[:1] + text[2:]]

        def vec(v):
            return fmt(v) if np.ndim(v) == 0 else fmt(np.asarray(v))

        out.append("Layer 0 (inputs): o^(0) = x")
        out += ["  " + t for t in _table(["node", "o = x"],
                                         [[n, vec(self.o[0][k])] for k, n in enumerate(lay.nodes[0])]
                                         ).splitlines()]
        for l in range(1, L + 1):
            out += ["", f"Layer {l} ({lay.fns[l]}): s^({l}) = W_{l}ᵀ o^({l - 1}) + b^({l}), "
                        f"o^({l}) = {lay.fns[l]}(s^({l})), D_{l} = diag(f'(s^({l})))"]
            out += ["  " + t for t in matrix(f"W_{l}", lay.W[l], l)]
            rows = [[n, fmt(lay.b[l][k]), vec(self.s[l][k]), vec(self.o[l][k]), vec(self.fprime[l][k])]
                    for k, n in enumerate(lay.nodes[l])]
            out += ["  " + t for t in _table(["node", f"b^({l})", f"s^({l})", f"o^({l})",
                                              f"f'(s^({l})) = diag of D_{l}"], rows).splitlines()]
        out += ["", "Backward pass (denominator layout, Rojas):"]
        if self.objective == "E":
            out.append(f"  e = o^({L}) − t")
        else:
            out.append(f"  e = ∂o[{self.objective}]/∂o^({L}) (a unit vector)")
        for l in range(L, 0, -1):
            formula = f"δ^({L}) = D_{L} e" if l == L else f"δ^({l}) = D_{l} W_{l + 1} δ^({l + 1})"
            head = ["node"] + (["e"] if l == L else []) + [f"δ^({l})", f"∂E/∂b^({l}) = δ^({l})"]
            rows = [[n] + ([vec(self.e[k])] if l == L else []) + [vec(self.delta[l][k]), fmt(self.grad_b[l][k])]
                    for k, n in enumerate(lay.nodes[l])]
            out += ["", f"  {formula}:"] + ["    " + t for t in _table(head, rows).splitlines()]
            out += ["    " + t for t in matrix(f"∂E/∂W_{l} = o^({l - 1}) δ^({l})ᵀ", self.grad_W[l], l)]
        rows = [[n, vec(self.delta[0][k])] for k, n in enumerate(lay.nodes[0])]
        out += ["", "  ∂E/∂x = W_1 δ^(1):"] + ["    " + t for t in _table(["input", "∂E/∂x"], rows).splitlines()]
        out += ["", "Numerator layout (rows, factors reversed): ∂E/∂s^(l) = δ^(l+1)ᵀ W_{l+1}ᵀ D_l, "
                    f"∂E/∂s^({L}) = eᵀ D_{L}:"]
        for l in range(L, 0, -1):
            row = self.numerator_layout(l)
            same = float(np.max(np.abs(row - self.delta[l].T)))
            shown = fmt(row) if row.ndim == 1 else f"{row.shape[0]} rows (one per sample)"
            out.append(f"  ∂E/∂s^({l}) = {shown}   (max |· − δ^({l})ᵀ| = {same:.3g})")
        out.append("  and ∂E/∂W_l = δ^(l) o^(l-1)ᵀ: the transposes of the ∂E/∂W_l above.")
        return "\n".join(out)

    def __repr__(self):
        batch = "" if self.batch_size is None else f", batch of {self.batch_size}"
        return f"<MatrixPass of {self.layers.network.name or 'network'}: {self.objective} = {self.value:.6g}{batch}>"


def matrix_backprop(net, inputs, targets=None, of=None):
    """Run the forward and backward pass of a layered network as matrix products.

    Parameters
    ----------
    net : Network, networkx.DiGraph or Layers
        A :class:`Layers` is used with its current (possibly edited) matrices.
    inputs, targets, of
        As for :func:`rojas.label`: values may be lists of B numbers (a batch).
        ``of`` must be an output (a unit of layer L).

    Returns
    -------
    MatrixPass

    Raises
    ------
    NetworkError
        If the network is not layered (naming why).
    DataError
        If the data do not fit the network.
    NumericalError
        If a non-finite value arises (naming the node).

    Examples
    --------
    Mazur's 2-2-2 network (seed 001) in matrix form: ∂E/∂W_2[0, 0] is ∂E/∂w5.

    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> mp = rojas.matrix_backprop(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> round(mp.value, 9), round(float(mp.grad_W[2][0, 0]), 9), round(float(mp.grad_W[1][0, 0]), 9)
    (0.298371109, 0.082167041, 0.000438568)
    >>> mp.delta[1].round(6).tolist()          # δ^(1) = D_1 W_2 δ^(2)
    [0.008771, 0.009954]
    """
    from .data import prepare

    lay = net if isinstance(net, Layers) else to_layers(net)
    x_map, t_map, batch, of = prepare(lay.network, inputs, targets, of)
    L = lay.L
    o, s, fprime = [_column(x_map, lay.nodes[0], batch)], [None], [None]
    with np.errstate(all="ignore"):
        for l in range(1, L + 1):
            bias = np.asarray(lay.b[l], dtype=float)
            s_l = np.asarray(lay.W[l], dtype=float).T @ o[l - 1] + (bias if batch is None else bias[:, None])
            prim = lay.network.primitive(lay.fns[l])
            s.append(s_l)
            o.append(np.asarray(prim.f(s_l), dtype=float))
            fprime.append(np.asarray(prim.df(s_l), dtype=float))
            for what, arr in (("net input s", s_l), ("value o", o[l]), ("derivative f'(s)", fprime[l])):
                _refuse_nonfinite(arr, lay.nodes[l], f"{what} in layer {l}", "forward")
        if t_map:
            e = o[L] - _column(t_map, lay.nodes[L], batch)
            value, objective = float(0.5 * np.sum(e ** 2)), "E"
        else:
            if of not in lay.nodes[L]:
                layer = next(l for l in range(L + 1) if of in lay.nodes[l])
                raise DataError(f"of: node {of!r} is in layer {layer}; the matrix form starts its "
                                f"backward pass at the last layer ({L})")
            e = np.zeros_like(o[L])
            e[lay.nodes[L].index(of)] = 1.0
            value, objective = float(np.sum(o[L][lay.nodes[L].index(of)])), of
        delta = [None] * (L + 1)
        delta[L] = fprime[L] * e                                      # δ^(L) = D_L e
        for l in range(L - 1, 0, -1):
            delta[l] = fprime[l] * (np.asarray(lay.W[l + 1], dtype=float) @ delta[l + 1])  # D_l W_{l+1} δ^(l+1)
        delta[0] = np.asarray(lay.W[1], dtype=float) @ delta[1]      # ∂E/∂x = W_1 δ^(1)
        for l in range(L + 1):
            _refuse_nonfinite(delta[l], lay.nodes[l], f"delta in layer {l}", "backward")
        if batch is None:
            grad_W = [None] + [np.outer(o[l - 1], delta[l]) for l in range(1, L + 1)]
            grad_b = [None] + [delta[l].copy() for l in range(1, L + 1)]
        else:
            grad_W = [None] + [o[l - 1] @ delta[l].T for l in range(1, L + 1)]  # Σ_samples o δᵀ
            grad_b = [None] + [delta[l].sum(axis=1) for l in range(1, L + 1)]
    if not np.isfinite(value):
        raise NumericalError(f"the objective {objective!r} is not finite ({value})")
    return MatrixPass(lay, (inputs, targets, of if not t_map else None), objective, value, batch,
                      o, s, fprime, e, delta, grad_W, grad_b)


def _refuse_nonfinite(arr, nodes, what, stage):
    bad = ~np.isfinite(arr)
    if bad.any():
        k = int(np.argwhere(bad)[0][0])
        raise NumericalError(f"non-finite {what} at node {nodes[k]!r} in the {stage} pass; "
                             "the weights or inputs are too large for this primitive")
