"""The 2-2-1 network on [8, −4]: one epoch on the single observation [8, −4], step by step.

Benjamin Knight's write-up (2017) walks "calculation by calculation" through one epoch of a network with
inputs X1, X2, a hidden layer of two units whose values are the weighted sums
of the inputs, and a sigmoid output Y, on a training set of one observation
(X1, X2) = (8, −4), with weights drawn from a zero-mean Gaussian with standard
deviation 0.01 (Hinton's practical guide).  The seed does not state the target
or the learning rate; here the target is Y = 1 and γ = 0.5.  No biases.

Every number below is printed twice: as rojas's label, and computed by hand
from the formulas beside it (plain Python floats), and the two must agree.

Run:  python examples/one_epoch_2_2_1.py
"""

import math

import rojas
from rojas.learning.training import initialize

SEED = 3            # the fixed seed of the N(0, 0.01²) weights
X = {"X1": 8.0, "X2": -4.0}
TARGET = 1.0
LR = 0.5


def build():
    net = rojas.Network(name="2-2-1 on [8, −4]: linear hidden units, sigmoid output")
    net.add_input("X1").add_input("X2")
    net.add_unit("H1", "identity").add_unit("H2", "identity").add_unit("Y", "sigmoid")
    for u, v in (("X1", "H1"), ("X2", "H1"), ("X1", "H2"), ("X2", "H2"), ("H1", "Y"), ("H2", "Y")):
        net.add_edge(u, v, weight=0.0, name=f"w_{u}{v}")
    return initialize(net, seed=SEED, std=0.01)


def agree(label, by_hand):
    assert math.isclose(label, by_hand, rel_tol=1e-12, abs_tol=1e-300), (label, by_hand)
    return f"{label:+.10e}"


def main():
    net = build()
    w = {f"{u}{v}": net.weight(u, v) for u, v in net.edges}
    print(net.summary())
    print(f"\n1. Weights drawn from N(0, 0.01²), numpy.random.default_rng({SEED}):")
    for k, v in w.items():
        print(f"   w_{k} = {v:+.10f}")

    lab = rojas.label(net, X, {"Y": TARGET})
    sig = lambda z: 1.0 / (1.0 + math.exp(-z))

    print("\n2. Forward sweep: s = Σ w·o, o = f(s); the left half of each unit stores f'(s).")
    s_h1 = w["X1H1"] * X["X1"] + w["X2H1"] * X["X2"]
    s_h2 = w["X1H2"] * X["X1"] + w["X2H2"] * X["X2"]
    print(f"   s_H1 = w_X1H1·8 + w_X2H1·(−4)  = {agree(lab.s['H1'], s_h1)}   o_H1 = s_H1, f'(s_H1) = 1")
    print(f"   s_H2 = w_X1H2·8 + w_X2H2·(−4)  = {agree(lab.s['H2'], s_h2)}   o_H2 = s_H2, f'(s_H2) = 1")
    s_y = w["H1Y"] * s_h1 + w["H2Y"] * s_h2
    o_y = sig(s_y)
    d_y = o_y * (1 - o_y)
    print(f"   s_Y  = w_H1Y·o_H1 + w_H2Y·o_H2 = {agree(lab.s['Y'], s_y)}")
    print(f"   o_Y  = σ(s_Y)                   = {agree(lab.o['Y'], o_y)}")
    print(f"   f'(s_Y) = o_Y(1 − o_Y)          = {agree(lab.fprime['Y'], d_y)}")
    error = 0.5 * (o_y - TARGET) ** 2
    print(f"   E = ½(o_Y − t)², t = {TARGET}       = {agree(lab.value, error)}")

    print("\n3. Backward sweep: a 1 enters at the error node, which multiplies it by (o_Y − t);")
    print("   each unit multiplies what arrives by its stored f'(s), each edge by its weight.")
    delta_y = d_y * (o_y - TARGET)
    delta_h1 = 1.0 * w["H1Y"] * delta_y
    delta_h2 = 1.0 * w["H2Y"] * delta_y
    print(f"   δ_Y  = f'(s_Y)·(o_Y − t)        = {agree(lab.delta['Y'], delta_y)}")
    print(f"   δ_H1 = f'(s_H1)·w_H1Y·δ_Y       = {agree(lab.delta['H1'], delta_h1)}")
    print(f"   δ_H2 = f'(s_H2)·w_H2Y·δ_Y       = {agree(lab.delta['H2'], delta_h2)}")
    dx1 = w["X1H1"] * delta_h1 + w["X1H2"] * delta_h2
    dx2 = w["X2H1"] * delta_h1 + w["X2H2"] * delta_h2
    print(f"   ∂E/∂X1 = w_X1H1·δ_H1 + w_X1H2·δ_H2 = {agree(lab.delta['X1'], dx1)}")
    print(f"   ∂E/∂X2 = w_X2H1·δ_H1 + w_X2H2·δ_H2 = {agree(lab.delta['X2'], dx2)}")

    print("\n4. Gradient: ∂E/∂w_ij = o_i·δ_j.")
    o = {"X1": X["X1"], "X2": X["X2"], "H1": s_h1, "H2": s_h2}
    delta = {"H1": delta_h1, "H2": delta_h2, "Y": delta_y}
    grads = {}
    for u, v in net.edges:
        grads[u + v] = o[u] * delta[v]
        print(f"   ∂E/∂w_{u}{v} = o_{u}·δ_{v} = {agree(lab.weight_grad[(u, v)], grads[u + v])}")

    print(f"\n5. New weights: w ← w − γ·o_i·δ_j, γ = {LR} (the update of Rojas §7.2.4).")
    trained, history = rojas.train(net, ({k: v for k, v in X.items()}, {"Y": TARGET}), lr=LR,
                                   epochs=1, freeze="biases")
    for u, v in net.edges:
        new = w[u + v] - LR * grads[u + v]
        print(f"   w_{u}{v}: {w[u + v]:+.10f} → {agree(trained.weight(u, v), new)}")
    print(f"\n   E before: {history.loss[0]:.10f}, after one epoch: {history.loss[1]:.10f}")
    assert history.loss[1] < history.loss[0]
    report = rojas.check(net, X, {"Y": TARGET}, method="both")
    print("\n" + report.summary())
    assert report.ok


if __name__ == "__main__":
    main()
