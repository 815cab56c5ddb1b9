"""``rojas demo``: every bundled example labeled, proved, checked, trained, unfolded and drawn.

Each section prints what it shows and writes its files into the output folder.
"""

import os

import networkx as nx

from ..checking.gradient_check import check, perceptron_sign_slip
from ..network.data import load_data
from ..drawing.gallery import make_gallery
from ..errors import RojasError
from ..engine.labeling import label
from ..architectures.layers import matrix_backprop
from ..proof.argument import proof_report
from ..architectures.recurrent import fold_grad, unfold, unfold_data
from .demo_explore import explorer_section
from ..learning.training import XOR_EPOCHS, XOR_LR, XOR_SEED, train, xor_start

# The claim of the Cross Validated question "how do we get dL/dw1?", on Mazur's 2-2-2 network.
CROSS_VALIDATED_CLAIM = ("dL/dw1 = dh1/dw1 * dw7/dh1 * do2/dw7 * dL/do2 + "
                  "dh1/dw1 * dw5/dh1 * do1/dw5 * dL/do1")


def proof_section(out_dir):
    """For ``rojas demo``: the proof for w1 of Mazur's 2-2-2 network and the verdict on its claim."""
    from ..proof.claims import check_claim
    from ..network.data import load_data
    from ..network.examples import example_path
    from ..engine.labeling import label
    from ..network import load, write_text_atomic

    lab = label(load(example_path("mazur")), *load_data(example_path("mazur", "data")))
    print("=" * 78)
    print("Is this chain rule right?  (rojas claim; the ∂L/∂w1 formula of a Cross Validated question,")
    print("on Mazur's 2-2-2 network)")
    print(check_claim(lab, CROSS_VALIDATED_CLAIM))
    print()
    # Without SymPy the proof lacks its symbolic section: it goes to another name, so that a
    # demo run without the extra never replaces the complete proof (committed in figures/).
    stem = "proof_mazur_w1" if _have_sympy() else "proof_mazur_w1_without_sympy"
    for fmt in ("md", "tex"):
        path = os.path.join(out_dir, f"{stem}.{fmt}")
        write_text_atomic(path, proof_report(lab, "w1", fmt=fmt))
        print(f"Rojas's proof for ∂E/∂w1 of the 2-2-2 network written to {path}")
    if stem != "proof_mazur_w1":
        print("   (SymPy is not installed, so the symbolic section was skipped: "
              "pip install \"rojas[symbolic]\" for the complete proof)")
    print()


def _have_sympy():
    import importlib.util

    return importlib.util.find_spec("sympy") is not None


def _rounded(value, digits=12):
    """`value` (JSON-like) with every float rounded to `digits` significant digits.

    The demo's trained network is written this way so that its bytes do not depend on the last
    bits of a machine's floating-point reductions: every run writes the same file.
    """
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return value


def matrix_section(out_dir):
    """``rojas demo``: Mazur's 2-2-2 network in matrix form, checked against its labels."""
    from ..network.data import load_data
    from ..network.examples import example_path
    from ..network import load
    from ..utils.formatting import fmt

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
    from ..network.examples import example_path
    from ..learning.loss_plot import save_loss_plot

    print("=" * 78)
    print(f"Training: XOR from random weights (seed {XOR_SEED}), batch gradient descent, "
          f"γ = {XOR_LR:g}, {XOR_EPOCHS} epochs")
    print("=" * 78)
    net = xor_start()
    data = example_path("xor", "data")
    trained, history = train(net, data, XOR_LR, XOR_EPOCHS)
    inputs, targets = load_data(data)
    lab = label(trained, inputs, targets)
    print(f"{history.loss_name}: {history.loss[0]:.6g} before, {history.final_loss:.6g} after "
          f"{history.epochs} epochs ({history.seconds:.2f} s)")
    for i, (a, c) in enumerate(zip(inputs["x1"], inputs["x2"])):
        print(f"  x = ({a}, {c})  target {targets['y'][i]}  output {lab.o['y'][i]:.4f}")
    path = os.path.join(out_dir, "xor_loss.png")
    save_loss_plot(history, path, title=f"XOR (2-2-1, seed {XOR_SEED}): loss per epoch")
    print(f"wrote the XOR loss curve to {path}")
    path = os.path.join(out_dir, "xor_trained.json")
    from ..utils.files import write_json_atomic

    write_json_atomic(path, _rounded(trained.to_dict()))
    print(f"wrote the trained XOR network to {path} (numbers to 12 significant digits)")
    print()


def check_section(out_dir):
    """``rojas demo``: the gradient check report of each bundled example."""
    from ..network.data import load_data
    from ..network.examples import example_path, examples
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
    print("-- the perceptron with a sign slip in σ: σ(z) = 1/(1+exp(z)) with the derivative σ(1−σ), as a file primitive")
    slip = perceptron_sign_slip()
    report = check(slip, {"x1": [0.5, -1.0, 2.0, 1.5], "x2": [1.0, 0.5, -0.5, -2.0]},
                   {"y": [1, 0, 1, 0]})
    print(report.summary())
    print("   (`rojas check` exits with status 1 here; examples/perceptron_sign_slip.py walks through it)")
    print()


def time_section(out_dir):
    """``rojas demo``: a one-unit recurrent network unfolded over 5 steps (BPTT)."""
    from ..engine.labeling import label

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


SECTIONS = (proof_section, check_section, training_section, matrix_section, time_section, figures_section,
            explorer_section)


def cmd_demo(args):
    from ..network.examples import example_path, examples
    from ..network import load

    from ..utils.files import output_directory

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
    demo.add_argument("-o", "--output", "--out", dest="out", metavar="DIR", default="figures",
                      help="the folder to write figures and reports into (default: ./figures)")
    demo.set_defaults(run=cmd_demo)
