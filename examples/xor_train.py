"""XOR learned from random weights (Rojas §7.3.5), with its loss curve.

XOR is the classic function no single unit can compute: it needs the hidden
layer.  The network is the bundled 2-2-1 XOR network (two sigmoid hidden units
with biases, one sigmoid output), its weights and biases drawn from N(0, 1)
with a fixed seed, trained by batch gradient descent on E = ½Σ(o−t)² over the
four patterns with γ = 2.  From seed 2 it solves XOR (every output on the right
side of ½) within 1000 epochs.  Not every start does: from --seed 1 the run
stalls at E ≈ 0.25 with two outputs stuck near ½, the well-known trap of XOR's
error surface (20000 epochs do not get out of it); another seed does.

Run:  python examples/xor_train.py [--seed 2] [--lr 2] [--epochs 1000] [--out figures]
"""

import argparse
import os

import rojas
from rojas.learning.loss_plot import save_loss_plot
from rojas.learning.training import initialize


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--lr", type=float, default=2.0)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--out", default="figures", help="where to write the loss curve and the trained network")
    args = parser.parse_args(argv)

    structure = rojas.load(rojas.example_path("xor"))       # 2-2-1, sigmoid units with biases
    net = initialize(structure, seed=args.seed, std=1.0, biases=True)
    data = rojas.example_path("xor", "data")
    inputs, targets = rojas.load_data(data)

    trained, history = rojas.train(net, data, lr=args.lr, epochs=args.epochs)
    print(f"XOR from N(0, 1) weights, seed {args.seed}; batch gradient descent, γ = {args.lr}, "
          f"{history.epochs} epochs ({history.seconds:.2f} s)")
    print(f"E = ½Σ(o−t)²: {history.loss[0]:.6f} → {history.final_loss:.6f}")
    out = rojas.label(trained, inputs, targets).o["y"]
    solved = True
    for x1, x2, t, o in zip(inputs["x1"], inputs["x2"], targets["y"], out):
        right = (o > 0.5) == (t == 1)
        solved &= right
        print(f"  {x1} XOR {x2} = {t}: output {o:.4f} {'✓' if right else '✗'}")
    print("solved" if solved else "NOT solved (a local minimum; try another --seed or more --epochs)")

    os.makedirs(args.out, exist_ok=True)
    png = save_loss_plot(history, os.path.join(args.out, f"xor_loss_seed{args.seed}.png"),
                         title=f"XOR 2-2-1, seed {args.seed}, γ = {args.lr}: loss per epoch")
    net_path = trained.save(os.path.join(args.out, f"xor_trained_seed{args.seed}.json"))
    print(f"wrote the loss curve to {png}")
    print(f"wrote the trained network to {net_path}")
    return solved


if __name__ == "__main__":
    main()
