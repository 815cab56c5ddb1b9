"""A network that is not layered, verified three ways.

The bundled `skip_product` network has what layer-by-layer formulas cannot
describe: skip connections (x1 → y, h1 → h2, p → y jump over units), a
product unit p (s_p = (w_b·o_h1)·(w_c·o_x2), not a sum), and a tied weight
(the param t is the weight of both x1 → h1 and p → h2).  Rojas's labeling
does not care: the backward sweep runs on any DAG.

Every gradient is computed three independent ways and they must agree:
  1. the backward sweep (∂E/∂w_ij = o_i·δ_j; for the tied t, the sum over its edges;
     into the product unit, o_i·δ_j times the product of the other terms);
  2. central differences of the forward sweep, step ∛ε·max(1, |w|);
  3. the complex step Im E(w + ih)/h, h = 1e-20 (exact to machine precision).

Run:  python examples/nonlayered.py
"""

import rojas


def main():
    net = rojas.load(rojas.example_path("skip_product"))
    inputs, targets = rojas.load_data(rojas.example_path("skip_product", "data"))
    print(net.summary())
    lab = rojas.label(net, inputs, targets)
    report = rojas.check(net, inputs, targets, method="both")

    print(f"\n{'gradient':<14}{'1. backward sweep':>20}{'2. central diff.':>20}{'3. complex step':>20}")
    for e in report.entries:
        third = "" if e.complex is None else f"{e.complex:+.12e}"
        print(f"{e.name:<14}{e.backward:>+20.12e}{e.central:>+20.12e}{third:>20}")

    t_edges = [(u, v) for u, v in net.edges if net.edge_param(u, v) == "t"]
    shares = [lab.weight_grad[e] for e in t_edges]
    print(f"\ntied param t: its edges' shares {shares[0]:+.9f} + {shares[1]:+.9f} "
          f"= {sum(shares):+.9f} = ∂E/∂t {lab.grad('t'):+.9f}")
    print("\n" + report.summary())
    assert report.ok
    worst = max(abs(e.central - e.complex) for e in report.entries if e.complex is not None)
    print(f"largest |central − complex| = {worst:.1e}")


if __name__ == "__main__":
    main()
