"""The matrix pass as a report: the convention, the text table and the JSON of ``rojas matrix``."""

import numpy as np

__all__ = ["CONVENTION", "matrix_table", "matrix_dict", "shown_layers"]

#: The convention in a few lines, as ``rojas matrix`` prints it.
CONVENTION = """\
Convention (Rojas §7.3.3): vectors are columns; W_l is n_{l-1} × n_l with W_l[i, j] = w_ij
(row = source unit i of layer l-1, column = target unit j of layer l; no edge = 0), so
  s^(l) = W_lᵀ o^(l-1) + b^(l)   (as rows: s^(l)ᵀ = o^(l-1)ᵀ W_l + b^(l)ᵀ, the row-vector I × W convention),
  o^(l) = f(s^(l)),   D_l = diag(f'(s^(l))),   e = o^(L) - t.
Numerator vs denominator layout: where a derivative's shape comes from.
Denominator layout (derivatives shaped like the variable; the factors run from the variable to E):
  δ^(L) = D_L e,   δ^(l) = D_l W_{l+1} δ^(l+1),   ∂E/∂W_l = o^(l-1) δ^(l)ᵀ (shape of W_l),   ∂E/∂b^(l) = δ^(l).
Numerator layout (derivatives shaped like Jacobians, ∂E/∂s a row; the factors run from E back, as a
layer-by-layer write-up with row vectors writes them):
  ∂E/∂s^(l) = ∂E/∂s^(l+1) · ∂s^(l+1)/∂o^(l) · ∂o^(l)/∂s^(l) = δ^(l+1)ᵀ W_{l+1}ᵀ D_l = δ^(l)ᵀ,   ∂E/∂W_l = δ^(l) o^(l-1)ᵀ (shape of W_lᵀ).
  The same numbers, transposed, with the factors in the reverse order."""

_SHOW = 400  # a matrix with more entries is summarized in the text report
_SHOW_LAYERS = 12  # a deeper network's report shows its first and last 3 layers


def matrix_dict(mp):
    """A :class:`~rojas.layers.matrix.MatrixPass` as JSON-ready lists (``rojas matrix --json``)."""
    lay = mp.layers
    out = {"network": lay.network.name,
           "convention": "W_l[i, j] = w_ij, shape (n_{l-1}, n_l); s^(l) = W_l^T o^(l-1) + b^(l); "
                         "delta^(l) = D_l W_{l+1} delta^(l+1); dE/dW_l = o^(l-1) delta^(l)^T",
           "objective": mp.objective if mp.objective == "E" else str(mp.objective),
           "value": mp.value, "batch_size": mp.batch_size, "e": mp.e.tolist(), "layers": []}
    for l in range(lay.L + 1):
        entry = {"layer": l, "nodes": [str(n) for n in lay.nodes[l]], "fn": lay.fns[l],
                 "o": mp.o[l].tolist(), "delta": mp.delta[l].tolist()}
        if l:
            entry.update({"W": lay.W[l].tolist(), "edges": (lay.edge_index[l] >= 0).tolist(),
                          "b": lay.b[l].tolist(), "s": mp.s[l].tolist(),
                          "fprime": mp.fprime[l].tolist(), "grad_W": mp.grad_W[l].tolist(),
                          "grad_b": mp.grad_b[l].tolist()})
        out["layers"].append(entry)
    return out


def shown_layers(L, all_layers=False):
    """The layers 1..L a text report shows: all of them, or the first and last few of a deep network.

    Returns
    -------
    list
        Layer numbers, with one None where the layers between are left out.

    Examples
    --------
    >>> shown_layers(3), shown_layers(20)
    ([1, 2, 3], [1, 2, 3, None, 18, 19, 20])
    """
    if all_layers or L <= _SHOW_LAYERS:
        return list(range(1, L + 1))
    k = _SHOW_LAYERS // 4
    return list(range(1, k + 1)) + [None] + list(range(L - k + 1, L + 1))


def matrix_table(mp, all_layers=False):
    """A :class:`~rojas.layers.matrix.MatrixPass` as text: matrices, D's, δ vectors and gradients, layer by layer.

    Of a network deeper than 12 layers only the first and last 3 are shown
    unless `all_layers`.
    """
    from ...utils.formatting import fmt, table

    lay = mp.layers
    net = lay.network
    L = lay.L
    layers = shown_layers(L, all_layers)
    if None in layers:
        gap = layers.index(None)
        skipped = f"layers {layers[gap - 1] + 1}–{layers[gap + 1] - 1}"
        note = ["", f"… {skipped} not shown (rojas matrix --all shows every layer; --json has them all)"]
    obj = mp.loss.short if mp.loss.targets else f"o[{mp.objective}]"
    batch = "" if mp.batch_size is None else f", summed over a batch of {mp.batch_size}"
    out = [f"{net.name or 'network'}: a layered network, L = {L}: {lay.summary()}",
           f"objective {obj} = {fmt(mp.value)}{batch}", "", CONVENTION, ""]
    if mp.batch_size is not None:
        out += [f"Over the batch every vector below is n_l × {mp.batch_size} (a column per sample; "
                "shown: the first samples), D_l acts column by column and ∂E/∂W_l, ∂E/∂b^(l) "
                "are summed over the samples.", ""]

    def matrix(title, M, l):
        rows, cols = lay.nodes[l - 1], lay.nodes[l]
        if M.size > _SHOW:
            return [f"{title}: {M.shape[0]} × {M.shape[1]} (too large to show; see --json)"]
        has = lay.edge_index[l] >= 0
        body = [[str(r)] + [fmt(M[i, j]) if has[i, j] else "·" for j in range(len(cols))]
                for i, r in enumerate(rows)]
        text = table([""] + [str(c) for c in cols], body).splitlines()
        return [f"{title} (rows: layer {l - 1}, columns: layer {l}; · = no edge):"] + \
               ["  " + t for t in text[:1] + text[2:]]

    def vec(v):
        return fmt(v) if np.ndim(v) == 0 else fmt(np.asarray(v))

    out.append("Layer 0 (inputs): o^(0) = x")
    out += ["  " + t for t in table(["node", "o = x"],
                                     [[n, vec(mp.o[0][k])] for k, n in enumerate(lay.nodes[0])]
                                     ).splitlines()]
    for l in layers:
        if l is None:
            out += note
            continue
        out += ["", f"Layer {l} ({lay.fns[l]}): s^({l}) = W_{l}ᵀ o^({l - 1}) + b^({l}), "
                    f"o^({l}) = {lay.fns[l]}(s^({l})), D_{l} = diag(f'(s^({l})))"]
        out += ["  " + t for t in matrix(f"W_{l}", lay.W[l], l)]
        rows = [[n, fmt(lay.b[l][k]), vec(mp.s[l][k]), vec(mp.o[l][k]), vec(mp.fprime[l][k])]
                for k, n in enumerate(lay.nodes[l])]
        out += ["  " + t for t in table(["node", f"b^({l})", f"s^({l})", f"o^({l})",
                                          f"f'(s^({l})) = diag of D_{l}"], rows).splitlines()]
    out += ["", "Backward pass (denominator layout, Rojas):"]
    fused = mp.loss.fused.get(lay.fns[L]) if mp.loss.targets else None
    if fused is not None:  # the objective sends ∂E/∂s^(L) itself: no multiplication by D_L
        out.append(f"  e = ∂E/∂s^({L}) = {mp.loss.text(fused.stores)} ({mp.loss.name} on {lay.fns[L]} units)")
    elif mp.loss.targets:
        out.append(f"  e = ∂E/∂o^({L}) = {mp.loss.text(mp.loss.stores)} ({mp.loss.name})")
    else:
        out.append(f"  e = ∂o[{mp.objective}]/∂o^({L}) (a unit vector)")
    for l in reversed(layers):
        if l is None:
            out += ["  " + t for t in note]
            continue
        formula = (f"δ^({L}) = e" if fused is not None else f"δ^({L}) = D_{L} e") if l == L else f"δ^({l}) = D_{l} W_{l + 1} δ^({l + 1})"
        head = ["node"] + (["e"] if l == L else []) + [f"δ^({l})", f"∂E/∂b^({l}) = δ^({l})"]
        rows = [[n] + ([vec(mp.e[k])] if l == L else []) + [vec(mp.delta[l][k]), fmt(mp.grad_b[l][k])]
                for k, n in enumerate(lay.nodes[l])]
        out += ["", f"  {formula}:"] + ["    " + t for t in table(head, rows).splitlines()]
        out += ["    " + t for t in matrix(f"∂E/∂W_{l} = o^({l - 1}) δ^({l})ᵀ", mp.grad_W[l], l)]
    rows = [[n, vec(mp.delta[0][k])] for k, n in enumerate(lay.nodes[0])]
    out += ["", "  ∂E/∂x = W_1 δ^(1):"] + ["    " + t for t in table(["input", "∂E/∂x"], rows).splitlines()]
    out += ["", "Numerator layout (rows, factors reversed): ∂E/∂s^(l) = δ^(l+1)ᵀ W_{l+1}ᵀ D_l, "
                f"∂E/∂s^({L}) = eᵀ D_{L}:"]
    for l in reversed(layers):
        if l is None:
            out.append(f"  … {skipped}")
            continue
        row = mp.numerator_layout(l)
        same = float(np.max(np.abs(row - mp.delta[l].T)))
        shown = fmt(row) if row.ndim == 1 else f"{row.shape[0]} rows (one per sample)"
        out.append(f"  ∂E/∂s^({l}) = {shown}   (max |· − δ^({l})ᵀ| = {same:.3g})")
    out.append("  and ∂E/∂W_l = δ^(l) o^(l-1)ᵀ: the transposes of the ∂E/∂W_l above.")
    return "\n".join(out)
