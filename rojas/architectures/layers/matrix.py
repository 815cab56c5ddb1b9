"""The matrix pass: a layered network's forward and backward pass as matrix products (Rojas 1996, §7.3.3).

``δ^(L) = D_L e``, ``δ^(l) = D_l W_{l+1} δ^(l+1)``, ``∂E/∂W_l = o^(l−1) δ^(l)ᵀ``
in denominator layout (see :mod:`rojas.layers` for the convention), checked
against the graph labeling by :meth:`MatrixPass.check`.
"""

from dataclasses import dataclass

import numpy as np

from ...errors import DataError, NumericalError
from .view import Layers, to_layers

__all__ = ["matrix_backprop", "MatrixPass", "MatrixCheck", "TOLERANCE"]

TOLERANCE = 1e-12  # the agreement asked of the matrix form and the graph labeling


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

    def __init__(self, layers, problem, objective, value, batch, o, s, fprime, e, delta, grad_W, grad_b, loss=None):
        self.layers, self._problem = layers, problem
        self.objective, self.value, self.batch_size = objective, value, batch
        self.loss = loss  # the objective's registry entry
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
        from ...engine.labeling import label

        lay = self.layers
        net = lay.to_network()
        inputs, targets, of = self._problem
        lab = label(net, inputs, targets, of, objective=self.loss)
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
        from .matrix_report import matrix_dict

        return matrix_dict(self)

    def table(self, all_layers=False):
        """The whole pass as text: matrices, D's, δ vectors and gradients, layer by layer.

        A network deeper than 12 layers shows its first and last 3 unless `all_layers`.
        """
        from .matrix_report import matrix_table

        return matrix_table(self, all_layers)

    def __repr__(self):
        batch = "" if self.batch_size is None else f", batch of {self.batch_size}"
        return f"<MatrixPass of {self.layers.network.name or 'network'}: {self.objective} = {self.value:.6g}{batch}>"


def matrix_backprop(net, inputs, targets=None, of=None, *, objective=None):
    """Run the forward and backward pass of a layered network as matrix products.

    Parameters
    ----------
    net : Network, networkx.DiGraph or Layers
        A :class:`Layers` is used with its current (possibly edited) matrices.
    inputs, targets, of, objective
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
    Matt Mazur's worked 2-2-2 example (2015) in matrix form: ∂E/∂W_2[0, 0] is ∂E/∂w5.

    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> mp = rojas.matrix_backprop(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> round(mp.value, 9), round(float(mp.grad_W[2][0, 0]), 9), round(float(mp.grad_W[1][0, 0]), 9)
    (0.298371109, 0.082167041, 0.000438568)
    >>> mp.delta[1].round(6).tolist()          # δ^(1) = D_1 W_2 δ^(2)
    [0.008771, 0.009954]
    """
    from ...network.data import prepare
    from ...network import Network
    from ...engine.objective import resolve_objective

    lay = net if isinstance(net, Layers) else to_layers(net)
    x_map, t_map, batch, of = prepare(lay.network, inputs, targets, of)
    loss = resolve_objective(net if isinstance(net, Network) else lay.network, targets, objective)
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
        fused = None
        if t_map:  # the objective's seed e = ∂E/∂o^(L) (or δ^(L) = ∂E/∂s^(L) where it is fused with f)
            t_L = _column(t_map, lay.nodes[L], batch)
            e, value = loss.seed(o[L], t_L), loss.value(o[L], t_L)
            fused = loss.fused.get(lay.fns[L])
            if fused is not None:
                e, value = fused.seed(s[L], t_L), np.sum(fused.terms(s[L], t_L))
            value, objective = float(value), "E"
        else:
            if of not in lay.nodes[L]:
                layer = next(l for l in range(L + 1) if of in lay.nodes[l])
                raise DataError(f"of: node {of!r} is in layer {layer}; the matrix form starts its "
                                f"backward pass at the last layer ({L})")
            e = np.zeros_like(o[L])
            e[lay.nodes[L].index(of)] = 1.0
            value, objective = float(np.sum(o[L][lay.nodes[L].index(of)])), of
        delta = [None] * (L + 1)
        delta[L] = e if fused is not None else fprime[L] * e          # δ^(L) = D_L e
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
                      o, s, fprime, e, delta, grad_W, grad_b, loss)


def _refuse_nonfinite(arr, nodes, what, stage):
    bad = ~np.isfinite(arr)
    if bad.any():
        k = int(np.argwhere(bad)[0][0])
        raise NumericalError(f"non-finite {what} at node {nodes[k]!r} in the {stage} pass; "
                             "the weights or inputs are too large for this primitive")
