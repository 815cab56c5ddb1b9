"""The chain x → h → y of the Cross Validated question on ∂L/∂w1, built in Python and labeled.

The learner asked how to get dL/dw1 for h = σ(x·w1 + b), y' = σ(h·w2 + b),
L = ½(y − y')².  Rojas's answer: run the graph backwards.  A 1 enters at L,
the error node multiplies it by (y' − y), the output unit by its stored
σ'(s_y), the edge w2 by w2, the hidden unit by σ'(s_h); that is δ_h, and
dL/dw1 = x·δ_h.  There is one path, so the "sum over paths" has one term.

Run:  python examples/chain.py
"""

import math

import rojas

x, w1, w2, b, target = 1.5, 0.8, -1.2, 0.1, 0.3

net = rojas.Network(name="chain x → h → y")
net.add_input("x").add_unit("h", "sigmoid", bias=b).add_unit("y", "sigmoid", bias=b)
net.add_edge("x", "h", weight=w1, name="w1").add_edge("h", "y", weight=w2, name="w2")

lab = rojas.label(net, {"x": x}, {"y": target})
print(lab.table())

# The same number by hand, factor by factor along the single path.
sig = lambda s: 1 / (1 + math.exp(-s))
h = sig(x * w1 + b)
y = sig(h * w2 + b)
by_hand = x * (h * (1 - h)) * w2 * (y * (1 - y)) * (y - target)
print(f"\ndL/dw1 by the backward sweep: {lab.grad('w1'):.12g}")
print(f"dL/dw1 by hand, x·σ'(s_h)·w2·σ'(s_y)·(y'−y): {by_hand:.12g}")
assert math.isclose(lab.grad("w1"), by_hand, rel_tol=1e-12)
