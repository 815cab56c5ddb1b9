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

    s^(l) = W_lᵀ o^(l−1) + b^(l)      (as rows: s^(l)ᵀ = o^(l−1)ᵀ W_l + b^(l)ᵀ)
    o^(l) = f_l(s^(l)),   D_l = diag(f_l′(s^(l))),   e = o^(L) − t

The row form is the row-vector ``I × W`` convention of a layer-by-layer
write-up; which side the derivatives are written on is the choice between
numerator and denominator layout:

**Denominator layout** (a derivative has the shape of the variable, so
``∂E/∂s^(l)`` is a column; the chain rule's factors run from the variable
towards the error) is Rojas's §7.3.3::

    δ^(L) = D_L e
    δ^(l) = ∂o^(l)/∂s^(l) · ∂s^(l+1)/∂o^(l) · ∂E/∂s^(l+1) = D_l W_{l+1} δ^(l+1)
    ∂E/∂W_l = o^(l−1) δ^(l)ᵀ    (the shape of W_l; entry (i, j) = o_i·δ_j, the labeling's ∂E/∂w_ij)
    ∂E/∂b^(l) = δ^(l),   ∂E/∂x = W_1 δ^(1)

**Numerator layout** (a derivative has the shape of the Jacobian, so
``∂E/∂s^(l)`` is a row; the factors run from the error towards the variable,
as a layer-by-layer write-up with row vectors, ``I × W``, writes its chain
rule) gives the same numbers transposed, the factors in the reverse order::

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

The package, one idea per module:

- :mod:`rojas.layers.view`: the layered view, a network as matrices and back
  (:class:`Layers`, :func:`to_layers`, :func:`from_layers`);
- :mod:`rojas.layers.matrix`: the matrix pass (:func:`matrix_backprop`,
  :class:`MatrixPass`, :class:`MatrixCheck`);
- :mod:`rojas.layers.matrix_report`: its text and JSON report (:data:`CONVENTION`).
"""

from .matrix import TOLERANCE, MatrixCheck, MatrixPass, matrix_backprop
from .matrix_report import CONVENTION
from .view import Layers, from_layers, to_layers

__all__ = ["Layers", "to_layers", "from_layers", "matrix_backprop", "MatrixPass", "MatrixCheck",
           "CONVENTION", "TOLERANCE"]
