"""Rojas §7.3.3: the backward sweep of a layered network as matrix products.

Matt Mazur's worked 2-2-2 example (2015) is layered: inputs, one
hidden layer, one output layer, every edge between consecutive layers.  So it
is two weight matrices, and Rojas's labels are matrix products:

    e = o^(2) − t,   δ^(2) = D_2 e,   δ^(1) = D_1 W_2 δ^(2),   ∂E/∂W_l = o^(l−1) δ^(l)ᵀ

with W_l[i, j] = w_ij (row = source, column = target) and D_l = diag(f'(s^(l))).
That is the denominator layout.  A layer-by-layer write-up with row vectors
(I × W) writes its chain rule in numerator layout, ∂E/∂W = ∂E/∂O · ∂O/∂A ·
∂A/∂O · …, and the denominator layout reverses the factors: numerator vs
denominator layout, below, both computed, give the same numbers.

Run:  python examples/matrix_form.py      (or: rojas matrix NET.json --data DATA.json)
"""

import numpy as np

import rojas

net = rojas.load(rojas.example_path("mazur"))
x, t = rojas.load_data(rojas.example_path("mazur", "data"))
lay = rojas.to_layers(net)
print(f"{net.name}: {lay.summary()}")
for l in (1, 2):
    print(f"W_{l} (rows {lay.nodes[l - 1]}, columns {lay.nodes[l]}) =\n{lay.W[l]}")

mp = rojas.matrix_backprop(lay, x, t)
W2, D1, D2 = lay.W[2], mp.D(1), mp.D(2)
e = mp.o[2] - np.array([t["o1"], t["o2"]])

# Denominator layout (Rojas): columns, factors from the variable towards E.
delta2 = D2 @ e
delta1 = D1 @ W2 @ delta2
# Numerator layout (row vectors, I × W): rows, factors from E back towards the variable.
row2 = e @ D2
row1 = row2 @ W2.T @ D1
print("\nδ^(2) = D_2 e         =", delta2, "   eᵀ D_2            =", row2)
print("δ^(1) = D_1 W_2 δ^(2) =", delta1, "   δ^(2)ᵀ W_2ᵀ D_1   =", row1)
assert np.allclose(delta1, row1, rtol=0, atol=1e-15) and np.allclose(delta1, mp.delta[1], rtol=0, atol=1e-15)

grad_W2 = np.outer(mp.o[1], delta2)          # denominator layout: the shape of W_2
print("\n∂E/∂W_2 = o^(1) δ^(2)ᵀ =\n", grad_W2)
print("numerator layout writes its transpose, δ^(2) o^(1)ᵀ =\n", np.outer(delta2, mp.o[1]))
print(f"∂E/∂w5 = ∂E/∂W_2[h1, o1] = {grad_W2[0, 0]:.9f}   (Mazur: 0.082167041)")

lab = rojas.label(net, x, t)
print(f"graph labeling: ∂E/∂w5 = {lab.grad('w5'):.9f}")
print(mp.check())

# A batch: every vector becomes a matrix with one column per sample.
rng = np.random.default_rng(0)
big = rojas.from_layers([rng.normal(size=(3, 4)), rng.normal(size=(4, 2))],
                        [rng.normal(size=4), rng.normal(size=2)], fns=["tanh", "sigmoid"], name="3-4-2")
X = {f"x{k}": rng.normal(size=8).tolist() for k in (1, 2, 3)}
T = {f"y{k}": rng.uniform(size=8).tolist() for k in (1, 2)}
mp = rojas.matrix_backprop(big, X, T)
print(f"\n{big.name} over a batch of 8: δ^(1) is {mp.delta[1].shape}, ∂E/∂W_1 = O^(0) Δ^(1)ᵀ is "
      f"{mp.grad_W[1].shape}; {mp.check()}")

# One gradient-descent step in matrix form, written back into a network.
lay = mp.layers
for l in (1, 2):
    lay.W[l] -= 0.5 * mp.grad_W[l]
    lay.b[l] -= 0.5 * mp.grad_b[l]
after = rojas.label(rojas.from_layers(lay), X, T).value
print(f"one step W_l ← W_l − 0.5·∂E/∂W_l: E = {mp.value:.6f} → {after:.6f}")

# Not every network is layered: the bundled network with a skip connection and a product unit.
try:
    rojas.to_layers(rojas.load(rojas.example_path("skip_product")))
except rojas.NetworkError as exc:
    print(f"\nskip_product: {exc}")
