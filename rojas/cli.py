"""The ``rojas`` command line.

Every error the user can cause ends in one line on stderr naming the file,
node, edge or field, and exit status 2; never a traceback.
"""

import argparse
import json
import sys

from .errors import RojasError

__all__ = ["main", "add_data_options", "network_and_data"]


def assignment(text):
    """``NAME=V`` or ``NAME=V1,V2,...`` (a batch) from the command line."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        numbers = [float(v) for v in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{name}: {value!r} is not a number or a comma-separated list") from None
    return name, numbers[0] if len(numbers) == 1 else numbers


def network_and_data(args):
    """The network, inputs and targets named by the common options (NET.json, --data, --input, --target)."""
    from .data import load_data
    from .network import load

    net = load(args.network)
    inputs, targets = load_data(args.data) if args.data else ({}, None)
    inputs = dict(inputs)
    inputs.update(getattr(args, "input", None) or [])
    if getattr(args, "target", None):
        targets = dict(targets or {})
        targets.update(args.target)
    return net, inputs, targets


def add_data_options(parser, of=True):
    """The options every command that labels a network takes."""
    parser.add_argument("network", metavar="NET.json", help="network file (node-link JSON)")
    parser.add_argument("--data", metavar="DATA.json", help="data file with inputs and targets")
    parser.add_argument("--input", metavar="NAME=V", action="append", type=assignment,
                        help="an input value (V1,V2,... for a batch); overrides the data file")
    parser.add_argument("--target", metavar="NAME=V", action="append", type=assignment,
                        help="a target value for an output; overrides the data file")
    if of:
        parser.add_argument("--of", metavar="NODE", help="differentiate this node's value (no targets)")


def cmd_grad(args):
    from .labeling import label

    net, inputs, targets = network_and_data(args)
    lab = label(net, inputs, targets, of=args.of)
    if args.json:
        print(json.dumps(lab.to_dict(), indent=1, allow_nan=False))
    else:
        print(lab.table())
    return 0


def cmd_demo(args):
    import importlib
    import os

    from .data import load_data
    from .examples import example_path, examples
    from .labeling import label
    from .network import load

    os.makedirs(args.out, exist_ok=True)
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
    # Later parts of the demo (proofs, checks, training, figures) live with their modules.
    for module in COMMAND_MODULES:
        section = getattr(importlib.import_module(module), "demo_section", None)
        if section is not None:
            section(args.out)
    written = sorted(os.listdir(args.out))
    print("=" * 78)
    print(f"Everything the demo wrote is in {os.path.abspath(args.out)}: {', '.join(written)}")
    return 0


def add_commands(sub):
    grad = sub.add_parser("grad", help="label a network and print every label and gradient")
    add_data_options(grad)
    grad.add_argument("--json", action="store_true", help="print the labels as JSON")
    grad.set_defaults(run=cmd_grad)

    demo = sub.add_parser("demo", help="label the bundled examples and write the figures and reports")
    demo.add_argument("-o", "--out", metavar="DIR", default="figures",
                      help="where to write figures and reports (default: ./figures)")
    demo.set_defaults(run=cmd_demo)


# Each module defines add_commands(subparsers) and may define demo_section(out_dir):
# a new command touches its own module and this tuple, nothing else.
COMMAND_MODULES = (
    "rojas.cli",        # grad, demo
    "rojas.proof",      # paths, prove, claim
    "rojas.checking",   # check
    "rojas.training",   # train
    "rojas.layers",     # matrix
    "rojas.recurrent",  # unfold
    "rojas.drawing",    # draw, animate
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error (exit status 2)."""

    def error(self, message):
        self.exit(2, f"rojas: error: {self.prog}: {message} (see {self.prog} --help)\n")


def build_parser():
    import importlib

    parser = _Parser(
        prog="rojas",
        description="Backpropagation as Rojas's graph-labeling problem, on any feed-forward network.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"rojas {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub)
    return parser


def main(argv=None):
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with status 2 on bad usage
    try:
        return args.run(args)
    except RojasError as exc:
        print(f"rojas: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rojas: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
