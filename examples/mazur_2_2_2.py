"""Matt Mazur's worked 2-2-2 example (2015): ∂L/∂w1 as a sum over paths, checked, and one learning step.

The learner asked whether

    ∂L/∂w1 = ∂h1/∂w1 · ∂w7/∂h1 · ∂o2/∂w7 · ∂L/∂o2  +  ∂h1/∂w1 · ∂w5/∂h1 · ∂o1/∂w5 · ∂L/∂o1

is right.  It is not (w5 and w7 are not functions of h1), but its shape is:
in Rojas's backward sweep the 1 that enters at the error node travels back
along the two paths o1 → h1 and o2 → h1.  On each path every unit multiplies
by its stored derivative σ'(s) and every edge by its weight; at h1 the two
arrivals add, h1 multiplies by σ'(s_h1), and that is δ_h1.  So

    ∂L/∂w1 = i1 · σ'(s_h1) · [ w5·σ'(s_o1)·(o1 − t1)  +  w7·σ'(s_o2)·(o2 − t2) ]

which is the learner's sum with ∂w7/∂h1 replaced by w7 and ∂o2/∂w7 by σ'(s_o2).
The numbers are Matt Mazur's worked example (the same network and data), whose
published values rojas reproduces.

For the chain x → h → y of the same question, see examples/chain.py.

Run:  python examples/mazur_2_2_2.py
"""

import math

import rojas


def main():
    net = rojas.load(rojas.example_path("mazur"))
    inputs, targets = rojas.load_data(rojas.example_path("mazur", "data"))
    lab = rojas.label(net, inputs, targets)
    print(lab.table())

    o, t = lab.o, targets
    sig_prime = lambda node: o[node] * (1 - o[node])  # σ'(s) = σ(s)(1 − σ(s)) for the logistic
    w = lambda name: net.weight(*net.find_edge(name))
    path_o1 = w("w5") * sig_prime("o1") * (o["o1"] - t["o1"])
    path_o2 = w("w7") * sig_prime("o2") * (o["o2"] - t["o2"])
    by_paths = inputs["i1"] * sig_prime("h1") * (path_o1 + path_o2)
    print("\n∂L/∂w1 = i1·σ'(s_h1)·[w5·σ'(s_o1)·(o1−t1) + w7·σ'(s_o2)·(o2−t2)]")
    print(f"       = {inputs['i1']}·{sig_prime('h1'):.9f}·[{path_o1:.9f} + ({path_o2:.9f})]")
    print(f"       = {by_paths:.9f}   (through o1: {inputs['i1'] * sig_prime('h1') * path_o1:.9f}, "
          f"through o2: {inputs['i1'] * sig_prime('h1') * path_o2:.9f})")
    print(f"backward sweep: o_i1·δ_h1 = {lab.o['i1']}·{lab.delta['h1']:.9f} = {lab.grad('w1'):.9f}")
    assert math.isclose(by_paths, lab.grad("w1"), rel_tol=1e-12)
    # Mazur's published numbers.
    assert round(lab.value, 9) == 0.298371109
    assert round(lab.grad("w5"), 9) == 0.082167041 and round(lab.grad("w1"), 9) == 0.000438568

    report = rojas.check(net, inputs, targets, method="both")
    print("\n" + report.summary())
    assert report.ok

    # One learning step, w ← w − γ·o_i·δ_j with γ = 0.5; Mazur keeps the biases fixed.
    trained, history = rojas.train(net, (inputs, targets), lr=0.5, epochs=1, freeze="biases")
    print("\nafter one step (γ = 0.5, biases fixed):")
    mazur = {"w1": 0.149780716, "w2": 0.19956143, "w3": 0.24975114, "w4": 0.29950229,
             "w5": 0.35891648, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121}
    for name, published in mazur.items():
        new = trained.weight(*trained.find_edge(name))
        print(f"  {name}: {w(name):.2f} → {new:.9f}   (Mazur: {published})")
        assert math.isclose(new, published, abs_tol=6e-9)
    print(f"E: {history.loss[0]:.9f} → {history.loss[1]:.9f}")


if __name__ == "__main__":
    main()
