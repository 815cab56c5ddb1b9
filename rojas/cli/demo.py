"""``rojas demo``: every bundled example labeled, proved, checked, trained, unfolded and drawn.

Each section prints what it shows and writes its files into the output folder.
"""

import os

import networkx as nx

from ..checking import check, seed000_slip
from ..data import load_data
from ..drawing.gallery import make_gallery
from ..errors import RojasError
from ..labeling import label
from ..layers import matrix_backprop
from ..proof import proof_report
from ..recurrent import fold_grad, unfold, unfold_data
from ..training import XOR_EPOCHS, XOR_LR, XOR_SEED, train, xor_start

SEED_001_CLAIM = ("dL/dw1 = dh1/dw1 * dw7/dh1 * do2/dw7 * dL/do2 + "
                  "dh1/dw1 * dw5/dh1 * do1/dw5 * dL/do1")


def proof_section(out_dir):
    """For ``rojas demo``: the proof for w1 of seed 001's network and the verdict on its claim."""
    from ..claims import check_claim
    from ..data import load_data
    from ..examples import example_path
    from ..labeling import label
    from ..network import load, write_text_atomic

    lab = label(load(example_path("mazur")), *load_data(example_path("mazur", "data")))
    print("=" * 78)
    print("Seed 001: is this chain rule right?  (rojas claim)")
    print(check_claim(lab, SEED_001_CLAIM))
    print()
    for fmt in ("md", "tex"):
        path = os.path.join(out_dir, f"proof_mazur_w1.{fmt}")
        write_text_atomic(path, proof_report(lab, "w1", fmt=fmt))
        print(f"Rojas's proof for ∂E/∂w1 of the 2-2-2 network written to {path}")
    print()


def matrix_section(out_dir):
    """``rojas demo``: seed 001's 2-2-2 network in matrix form, checked against its labels."""
    from ..data import load_data
    from ..examples import example_path
    from ..network import load
    from ..report import fmt

    net = load(example_path("mazur"))
    mp = matrix_backprop(net, *load_data(example_path("mazur", "data")))
    print("=" * 78)
    print(f"Matrix form (Rojas 7.3.3) of {net.name}: {mp.layers.summary()}")
    print("=" * 78)
    row = lambda v: "[" + ", ".join(fmt(float(x)) for x in v) + "]"
    print(f"   δ^(1) = D_1 W_2 δ^(2) = {row(mp.delta[1])}")
    print(f"   ∂E/∂W_2 = o^(1) δ^(2)ᵀ = [{', '.join(row(r) for r in mp.grad_W[2])}]")
    print(f"   {mp.check()}")
    print("   (all matrices: rojas matrix NET.json --data DATA.json)")
    print()


def training_section(out_dir):
    """``rojas demo``: train XOR from a fixed seed and draw its loss curve into `out_dir`."""
    from ..examples import example_path
    from ..loss_plot import save_loss_plot

    print("=" * 78)
    print(f"Training: XOR from random weights (seed {XOR_SEED}), batch gradient descent, "
          f"γ = {XOR_LR:g}, {XOR_EPOCHS} epochs")
    print("=" * 78)
    net = xor_start()
    data = example_path("xor", "data")
    trained, history = train(net, data, XOR_LR, XOR_EPOCHS)
    inputs, targets = load_data(data)
    lab = label(trained, inputs, targets)
    print(f"E = ½Σ(o−t)²: {history.loss[0]:.6g} before, {history.final_loss:.6g} after "
          f"{history.epochs} epochs ({history.seconds:.2f} s)")
    for i, (a, c) in enumerate(zip(inputs["x1"], inputs["x2"])):
        print(f"  x = ({a}, {c})  target {targets['y'][i]}  output {lab.o['y'][i]:.4f}")
    path = os.path.join(out_dir, "xor_loss.png")
    save_loss_plot(history, path, title=f"XOR (2-2-1, seed {XOR_SEED}): loss per epoch")
    print(f"wrote the XOR loss curve to {path}")
    path = os.path.join(out_dir, "xor_trained.json")
    trained.save(path)
    print(f"wrote the trained XOR network to {path}")
    print()


def check_section(out_dir):
    """``rojas demo``: the gradient check report of each bundled example."""
    from ..data import load_data
    from ..examples import example_path, examples
    from ..network import load

    import os

    print("=" * 78)
    print("Gradient checks: every gradient of the backward sweep against numerical derivatives")
    print("=" * 78)
    for name in examples():
        data = example_path(name, "data")
        if not os.path.exists(data):
            continue
        print(f"-- gradient check of {name}: rojas check {example_path(name)} --data {data} --method both")
        try:
            report = check(load(example_path(name)), *load_data(data), method="both")
        except RojasError as exc:  # an example this check does not apply to (say, a recurrent one)
            print(f"   not checked: {exc}\n")
            continue
        print(report)
        print()
    print("-- seed 000's sign slip: σ(z) = 1/(1+exp(z)) with the derivative σ(1−σ), as a file primitive")
    slip = seed000_slip()
    report = check(slip, {"x1": [0.5, -1.0, 2.0, 1.5], "x2": [1.0, 0.5, -0.5, -2.0]},
                   {"y": [1, 0, 1, 0]})
    print(report.summary())
    print("   (`rojas check` exits with status 1 here; examples/seed000_perceptron.py walks through it)")
    print()


def time_section(out_dir):
    """``rojas demo``: a one-unit recurrent network unfolded over 5 steps (BPTT)."""
    from ..labeling import label

    G = nx.DiGraph(name="one recurrent unit")
    G.add_node("x", fn="input")
    G.add_node("h", fn="tanh", bias=0.1)
    G.add_edge("x", "h", weight=0.8, name="u")
    G.add_edge("h", "h", weight=0.5, name="w", delay=1)
    seq = {"inputs": {"x": [1.0, 0.5, -0.5, 0.0, 1.0]}, "initial": {"h": 0.0},
           "targets": {"h": [0.5, 0.5, 0.0, -0.2, 0.6]}}
    net = unfold(G, data=seq)
    lab = label(net, *unfold_data(net, seq))
    grad = fold_grad(lab)
    print("=" * 78)
    print("Backpropagation through time (Rojas 7.4.1): h_t = tanh(u·x_t + w·h_{t-1} + b), 5 steps")
    print("=" * 78)
    print(f"   unfolded: {net.summary()}; weights tied across the copies as params {list(net.params)}")
    print(f"   E = {lab.value:.9g}; ∂E/∂w = Σ over the copies = {grad.weights[('h', 'h')]:.9g} "
          f"= param 'w': {lab.param_grad['w']:.9g}")
    print("   (rojas unfold NET.json --steps T -o UNFOLDED.json --data SEQ.json)")
    print()


def figures_section(out_dir):
    """``rojas demo``: write the gallery of figures into `out_dir` and say where."""
    print("=" * 78)
    print("Figures: Rojas's split units, both sweeps, paths, an animation (rojas draw / rojas animate)")
    print("=" * 78)
    make_gallery(out_dir)
    print()


SECTIONS = (proof_section, check_section, training_section, matrix_section, time_section, figures_section)


def cmd_demo(args):
    from ..examples import example_path, examples
    from ..network import load

    from ..files import output_directory

    output_directory(args.out, "-o")
    print("=" * 78)
    print("Rojas's two sweeps on the bundled networks  (rojas grad NET.json --data DATA.json)")
    print("=" * 78)
    for name in examples():
        net = load(example_path(name))
        lab = label(net, *load_data(example_path(name, "data")))
        print(f"== {name}: {net.summary()}")
        print(f"   (network file: {example_path(name)})")
        print(lab.table())
        print()
    for section in SECTIONS:
        section(args.out)
    written = sorted(os.listdir(args.out))
    print("=" * 78)
    print(f"Everything the demo wrote is in {os.path.abspath(args.out)}: {', '.join(written)}")
    return 0


def add_commands(sub):
    demo = sub.add_parser("demo", help="label the bundled examples and write the figures and reports")
    demo.add_argument("-o", "--out", metavar="DIR", default="figures",
                      help="where to write figures and reports (default: ./figures)")
    demo.set_defaults(run=cmd_demo)
