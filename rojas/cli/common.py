"""What every command shares: the network-and-data options, and argparse value types."""

import argparse
import math
import os

__all__ = ["assignment", "objective_name", "network_and_data", "resolve_network", "resolve_bundled", "bundled_data", "add_data_options", "label_for", "same_file", "positive_float",
           "count"]


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


def objective_name(text):
    """``--objective NAME``: a registered objective that compares the outputs with targets."""
    from ..network.objectives import get_objective
    from ..errors import NetworkError

    try:
        entry = get_objective(text)
    except NetworkError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not entry.targets:
        raise argparse.ArgumentTypeError(f"{text!r} takes no targets: differentiate a node's value with --of NODE")
    return text


def network_and_data(args):
    """The network, inputs and targets named by the common options (NET.json, --data, --input, --target)."""
    from ..network.data import load_data
    from ..errors import DataError
    from ..network import load

    net = load(args.network)
    if getattr(args, "objective", None) is not None:
        if getattr(args, "of", None) is not None:
            raise DataError(f"give --objective or --of, not both (--of {args.of} differentiates that node's "
                            "value, which has no targets)")
        net.set_objective(args.objective)  # every labeling of this run reads it (and train saves it)
    inputs, targets = load_data(args.data) if args.data else ({}, None)
    inputs = dict(inputs)
    inputs.update(getattr(args, "input", None) or [])
    if getattr(args, "no_targets", False):
        if getattr(args, "target", None):
            raise DataError("give --target or --no-targets, not both")
        targets = None
    if getattr(args, "target", None):
        targets = dict(targets or {})
        targets.update(args.target)
    if getattr(args, "of", None) is not None and targets:
        if getattr(args, "target", None):
            raise DataError(f"give --target or --of, not both (--of {args.of} differentiates that node's value, "
                            "which has no targets)")
        raise DataError(f"--of {args.of} differentiates that node's value, but the data file {args.data} has "
                        "targets: add --no-targets to ignore them")
    return net, inputs, targets


def resolve_network(name):
    """NET.json as given, or the file of the bundled example so named (``rojas grad mazur``).

    A file that exists always wins over an example of the same name.
    """
    from ..network.examples import example_path, examples

    if not os.path.exists(name) and name in examples():
        return example_path(name)
    return name


def resolve_bundled(args):
    """Turn a bundled example's name given for NET.json into its file, with its data file.

    Called once on the parsed options, before any command runs, so every command (and
    every check of its outputs against its inputs) sees the file's path. A bundled file is
    never rewritten: ``--in-place`` on one is refused.
    """
    name = getattr(args, "network", None)
    if not isinstance(name, str) or not hasattr(args, "data"):
        return args
    path = resolve_network(name)
    if path != name:
        from ..errors import RojasError

        if getattr(args, "in_place", False):
            raise RojasError(f"{name!r} is a bundled example: train it into a file of your own with -o")
        args.network = path
        if args.data is None:
            args.data = bundled_data(name)
    return args


def bundled_data(name):
    """The data file of bundled example `name`, or None when it has none."""
    from ..network.examples import example_path

    path = example_path(name, "data")
    return path if os.path.exists(path) else None


def add_data_options(parser, of=True):
    """The options every command that labels a network takes."""
    parser.add_argument("network", metavar="NET.json",
                        help="network file (node-link JSON), or a bundled example's name "
                             "(mazur, skip_product, softmax_xor, xor: its data come along)")
    parser.add_argument("--data", metavar="DATA.json", help="data file with inputs and targets")
    parser.add_argument("--input", metavar="NAME=V", action="append", type=assignment,
                        help="an input value (V1,V2,... for a batch); overrides the data file")
    parser.add_argument("--target", metavar="NAME=V", action="append", type=assignment,
                        help="a target value for an output; overrides the data file")
    parser.add_argument("--no-targets", action="store_true",
                        help="ignore the data file's targets (e.g. with --of)")
    add_objective_option(parser)
    if of:
        parser.add_argument("--of", metavar="NODE", help="differentiate this node's value (no targets)")


def add_objective_option(parser):
    """``--objective NAME``, naming the registry's objectives in its help."""
    from ..network.objectives import get_objective, objective_names

    names = [n for n in objective_names() if get_objective(n).targets]
    parser.add_argument("--objective", type=objective_name, metavar="NAME",
                        help=f"how the outputs are compared with the targets: {', '.join(names)} "
                             "(default: the network file's field 'objective', else squared_error)")


def label_for(args, to=None, check=None):
    """Label the network the options name; with `to` (or --of) the objective is that node's value.

    `check(net)`, if given, runs between loading and labeling: a command's size limit, checked
    before the sweeps.
    """
    from ..network.data import lookup_node
    from ..engine.labeling import label

    net, inputs, targets = network_and_data(args)
    if check is not None:
        check(net)
    of = to if to is not None else getattr(args, "of", None)
    if of is not None:
        of = lookup_node(net, of, "--to" if to is not None else "--of")
    return label(net, inputs, None if of is not None else targets, of=of)


def same_file(a, b):
    """Whether paths `a` and `b` name the same file (existing or not)."""
    if a is None or b is None:
        return False
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def positive_float(text):
    """A finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def count(text):
    """An integer ≥ 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be ≥ 0, got {text}")
    return value
