"""Rojas §7.4.1: backpropagation through time is backpropagation on the unfolded network.

A recurrent network's edges may carry ``"delay": 1``.  Unfolded over T steps it
becomes T copies of the network, a delayed edge u→v joining u's copy at step
t−1 to v's copy at step t; every copy of a weight is tied to one param (and
every copy of a unit's bias to one param, by the node field "bias_param"), so
the engine's gradient of that param is the sum over the copies, as Rojas says.
The unfolded network holds nothing else: the inputs of each step, one copy of
each unit per step and the initial states (the one-unit net over 5 steps: 11
nodes).  An output's copy may also feed the next step: the graph field
"outputs" names it, and its δ gets both contributions.

Two examples from this directory:

- recurrent_one_unit.json: one tanh unit fed back to itself, over 5 steps;
- recurrent_elman.json: an Elman-style network, two hidden units whose values
  of the previous step come back through delayed edges (Elman's context
  units), with one target missing (null) in its data.

For each, the gradients from the unfolded network are compared with the
recurrence written out below by hand.  The same from the command line:

    rojas unfold examples/recurrent_one_unit.json -o u.json --data examples/recurrent_one_unit.data.json
    rojas grad u.json --data u.data.json

Run:  python examples/recurrent_bptt.py
"""

import json
from pathlib import Path

import numpy as np

import rojas

HERE = Path(__file__).resolve().parent

# --- one unit: h_t = tanh(u·x_t + w·h_{t−1} + b), E = ½ Σ_t (h_t − y_t)²
rnet = rojas.load_recurrent(HERE / "recurrent_one_unit.json")
seq = rojas.load_sequence(HERE / "recurrent_one_unit.data.json")
net = rojas.unfold(rnet, data=seq)
print(rnet.summary())
print(f"unfolded: {net.summary()}")
print("  nodes:", ", ".join(map(str, net.nodes)))
print("  tied params:", net.params)
lab = rojas.label(net, *rojas.unfold_data(net, seq))
grad = rojas.fold_grad(lab)
print(grad.table())

u, w, b = rnet.weight("x", "h"), rnet.weight("h", "h"), rnet.core.bias("h")
xs, ys, h = seq["inputs"]["x"], seq["targets"]["h"], [seq["initial"]["h"]]
s = []
for x in xs:                                   # forward through time
    s.append(u * x + w * h[-1] + b)
    h.append(np.tanh(s[-1]))
delta, later = [0.0] * len(xs), 0.0
for t in reversed(range(len(xs))):             # backward through time
    delta[t] = (1 - np.tanh(s[t]) ** 2) * ((h[t + 1] - ys[t]) + w * later)
    later = delta[t]
by_hand = {"u": sum(d * x for d, x in zip(delta, xs)), "w": sum(d * hp for d, hp in zip(delta, h)),
           "b": sum(delta)}
print(f"by hand: ∂E/∂u = {by_hand['u']:.12g}, ∂E/∂w = {by_hand['w']:.12g}, ∂E/∂b = {by_hand['b']:.12g}")
assert np.isclose(lab.param_grad["u"], by_hand["u"], rtol=1e-12)
assert np.isclose(lab.param_grad["w"], by_hand["w"], rtol=1e-12)
assert np.isclose(lab.param_grad["b(h)"], by_hand["b"], rtol=1e-12)
assert np.allclose(grad.delta["h"], delta, rtol=1e-12)

# --- Elman: h_t = tanh(A x_t + C h_{t−1} + b_h), y_t = σ(V h_t + b_y)
rnet = rojas.load_recurrent(HERE / "recurrent_elman.json")
seq = rojas.load_sequence(HERE / "recurrent_elman.data.json")
net = rojas.unfold(rnet, data=seq)
lab = rojas.label(net, *rojas.unfold_data(net, seq))
grad = rojas.fold_grad(lab)
print(f"\n{rnet.summary()}\nunfolded: {net.summary()} (no target at step 3: y@3 is left out)")
print(grad.table())

spec = json.loads((HERE / "recurrent_elman.json").read_text())
W = {(e["source"], e["target"]): e["weight"] for e in spec["edges"]}
bias = {n["id"]: n.get("bias", 0.0) for n in spec["nodes"]}
hs, xs_ = ["h1", "h2"], ["x1", "x2"]
A = np.array([[W[(x, h)] for x in xs_] for h in hs])
C = np.array([[W[(g, h)] for g in hs] for h in hs])
V = np.array([W[(h, "y")] for h in hs])
bh, by = np.array([bias[h] for h in hs]), bias["y"]
X = np.array([seq["inputs"][x] for x in xs_]).T
sig = lambda z: 1 / (1 + np.exp(-z))
H, SH, SY = [np.zeros(2)], [], []
for xt in X:
    SH.append(A @ xt + C @ H[-1] + bh)
    H.append(np.tanh(SH[-1]))
    SY.append(V @ H[-1] + by)
dC, later = np.zeros((2, 2)), np.zeros(2)
for t in reversed(range(len(X))):
    target = seq["targets"]["y"][t]
    dy = 0.0 if target is None else sig(SY[t]) * (1 - sig(SY[t])) * (sig(SY[t]) - target)
    dh = (1 - np.tanh(SH[t]) ** 2) * (V * dy + later)
    later = C.T @ dh
    dC += np.outer(dh, H[t])
print("∂E/∂C by hand (C[j, i]: h_i(t−1) → h_j(t)):\n", dC)
assert np.allclose(dC, [[grad.weights[(g, h)] for g in hs] for h in hs], rtol=1e-12, atol=1e-15)
print("The unfolded network's tied gradients equal the hand-written BPTT.")
