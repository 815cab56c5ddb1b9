"""The perceptron with a sign slip in σ: one sigmoid neuron on a small batch, and the sign slip caught.

A popular worked answer trains one neuron ŷ = σ(wᵀx + b) on a batch of N
samples with the cost C = 1/(2N) Σ (ŷ − y)², and writes

    σ(z) = 1/(1 + exp(z))            (a sign slip: the logistic is 1/(1 + exp(−z)))
    ∂σ/∂z = σ(z)(1 − σ(z))           (right for 1/(1 + exp(−z)), wrong for what it wrote)
    ∂ŷ/∂w = σ(1 − σ)                 (the factor x from ∂z/∂w is missing)

This script
  1. labels the neuron (with the logistic written right) on a batch of 4 and
     compares ∂C/∂w with the textbook formula (1/N) Σ (ŷ − y)·ŷ(1 − ŷ)·x;
  2. shows that dropping the factor x (the answer's ∂ŷ/∂w) gives other numbers;
  3. runs `rojas check` on the network exactly as the answer wrote it (a file
     primitive with f = 1/(1+exp(s)) and df = sigma(s)*(1-sigma(s))): the
     primitive is blamed, with the node using it and every gradient it spoils;
  4. trains both with gradient descent on C: the right derivative lowers C,
     the slipped one climbs.

Run:  python examples/perceptron_sign_slip.py
"""

import math
import os

import rojas

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = os.path.join(HERE, "perceptron_fixed.json")
SLIP = os.path.join(HERE, "perceptron_sign_slip.json")
DATA = os.path.join(HERE, "perceptron.data.json")


def main():
    inputs, targets = rojas.load_data(DATA)
    n = len(targets["y"])

    # 1. The neuron, written right: C = E/N and ∂C/∂w = (1/N)·∂E/∂w = (1/N)·Σ o_i·δ_y.
    net = rojas.load(FIXED)
    lab = rojas.label(net, inputs, targets)
    print(net.summary())
    print(f"batch of N = {n}; rojas labels E = ½Σ(ŷ−y)² = {lab.value:.9f}, so C = E/N = {lab.value / n:.9f}")

    w = {"w1": net.weight("x1", "y"), "w2": net.weight("x2", "y")}
    b = net.bias("y")
    sig = lambda z: 1.0 / (1.0 + math.exp(-z))
    by_hand = {"w1": 0.0, "w2": 0.0, "b": 0.0}
    seed_formula = {"w1": 0.0, "w2": 0.0}
    cost = 0.0
    for k in range(n):
        x = {"w1": inputs["x1"][k], "w2": inputs["x2"][k]}
        yhat = sig(w["w1"] * x["w1"] + w["w2"] * x["w2"] + b)
        err = yhat - targets["y"][k]
        cost += err * err / (2 * n)
        for name in ("w1", "w2"):
            by_hand[name] += err * yhat * (1 - yhat) * x[name] / n
            seed_formula[name] += err * yhat * (1 - yhat) / n  # ∂ŷ/∂w without the factor x
        by_hand["b"] += err * yhat * (1 - yhat) / n
    print(f"C by hand: {cost:.9f}")
    print("\n∂C/∂w   rojas (o_i·δ_y / N)   by hand (1/N)Σ(ŷ−y)ŷ(1−ŷ)x   answer's ∂ŷ/∂w = σ(1−σ) (no x)")
    for name in ("w1", "w2"):
        g = lab.grad(name) / n
        print(f"{name:<7} {g:>+.12f}       {by_hand[name]:>+.12f}                {seed_formula[name]:>+.12f}")
        assert math.isclose(g, by_hand[name], rel_tol=1e-12)
    print(f"{'b':<7} {lab.grad('y') / n:>+.12f}       {by_hand['b']:>+.12f}")
    assert math.isclose(lab.grad("y") / n, by_hand["b"], rel_tol=1e-12)
    assert math.isclose(lab.value / n, cost, rel_tol=1e-12)

    report = rojas.check(net, inputs, targets, method="both")
    print(f"\nrojas check (network written right): {'OK' if report.ok else 'DISAGREE'}")
    assert report.ok

    # 3. The network as the answer wrote it: f = 1/(1+exp(s)), claimed f' = σ(1−σ).
    slip = rojas.load(SLIP)
    report = rojas.check(slip, inputs, targets)
    print(f"\nrojas check {os.path.relpath(SLIP)} --data {os.path.relpath(DATA)}")
    print(report.summary())
    assert not report.ok and [p.name for p in report.failed_primitives] == ["sigma"]

    # The two ways to mend it both pass: fix f, or fix df.
    mended = rojas.Network(slip.to_networkx())
    mended.add_primitive("sigma", "1/(1+exp(s))", "-sigma(s)*(1-sigma(s))")
    assert rojas.check(mended, inputs, targets).ok
    print("\nwith df = -sigma(s)*(1-sigma(s)) for the answer's f = 1/(1+exp(s)): rojas check OK")

    # 4. Gradient descent on C (average=True: gradients and losses divided by N), η = 1.
    _, right = rojas.train(net, DATA, lr=1.0, epochs=50, average=True)
    _, wrong = rojas.train(slip, DATA, lr=1.0, epochs=50, average=True)
    print("\n50 epochs of w ← w − η·∂C/∂w, η = 1:")
    print(f"  derivative right:   C {right.loss[0]:.6f} → {right.final_loss:.6f}")
    print(f"  derivative slipped: C {wrong.loss[0]:.6f} → {wrong.final_loss:.6f}  (it climbs)")
    assert right.final_loss < right.loss[0] and wrong.final_loss > wrong.loss[0]


if __name__ == "__main__":
    main()
