"""``rojas train``: gradient descent with the labels of the two sweeps."""

import os
import sys

from ..errors import RojasError
from ..learning.training import MODES, epochs_text, train
from .common import add_data_options, count, network_and_data, positive_float, same_file

EXPLAIN_FORMATS = {".md": "md", ".markdown": "md", ".tex": "tex"}


def _check_outputs(args, out_path):
    """Refuse every output that would clobber an input or another output, before any work."""
    if args.output is None and not args.in_place:
        raise RojasError("say where to write the trained network: -o TRAINED.json, or --in-place "
                         "to overwrite NET.json")
    if not args.in_place and same_file(args.output, args.network):
        raise RojasError(f"refusing to overwrite the input network {args.network!r} with -o; "
                         "pass --in-place to train it in place")
    if out_path == "-" and args.explain == "-":
        raise RojasError("-o - and --explain alone both print to standard output; "
                         "write the explained steps to a file: --explain STEPS.md")
    reads = [("the network", args.network), ("the data file", args.data)]
    for option, path in (("--plot", args.plot), ("--explain", args.explain if args.explain != "-" else None)):
        if path is None:
            continue
        for what, other in reads + [("the trained network", out_path)]:
            if same_file(path, other):
                raise RojasError(f"{option} {path!r} would overwrite {what}")
    if args.plot and args.explain not in (None, "-") and same_file(args.plot, args.explain):
        raise RojasError(f"--plot and --explain name the same file {args.plot!r}")
    if args.plot:
        from ..learning.loss_plot import check_plot_path

        check_plot_path(args.plot)
    if args.explain not in (None, "-"):
        ext = os.path.splitext(args.explain)[1].lower()
        if ext not in EXPLAIN_FORMATS:
            raise RojasError(f"--explain {args.explain!r}: the report's name must end in .md or .tex "
                             "(or give --explain alone to print the steps)")
        if os.path.isdir(args.explain):
            raise RojasError(f"--explain {args.explain!r} is a directory")
    from ..utils.files import check_outputs

    explain = args.explain if args.explain not in (None, "-") else None
    check_outputs(reads=[("NET.json", None if args.in_place else args.network), ("--data", args.data)],
                  writes=[("--in-place" if args.in_place else "-o", out_path), ("--plot", args.plot),
                          ("--explain", explain)],
                  makes_directories=["--plot"])


def cmd_train(args):
    out_path = args.network if args.in_place else args.output
    _check_outputs(args, out_path)
    net, inputs, targets = network_and_data(args)
    freeze = ["biases"] if args.freeze_biases else None
    trained, history = train(net, (inputs, targets), args.lr, args.epochs, mode=args.mode,
                             average=args.mean, freeze=freeze, shuffle=args.shuffle, seed=args.seed,
                             explain=args.explain is not None, progress=False if args.quiet else None)
    name = history.loss_name.split(" =")[0]
    title = f"{net.name or 'network'}: {epochs_text(history.epochs)} of {history.mode} training, weight by weight"
    if args.explain == "-":
        from ..learning.explain import explain_text

        print(explain_text(history.steps, history.lr, loss_name="E"))
    # Everything that can fail is written before the trained network, so a failure leaves -o unwritten.
    written = []
    if args.plot:
        from ..learning.loss_plot import save_loss_plot

        save_loss_plot(history, args.plot, title=f"{net.name or 'network'}: loss per epoch")
        written.append(f"wrote the loss curve to {args.plot}")
    if args.explain not in (None, "-"):
        from ..learning.explain import explain_report
        from ..utils.files import write_text_atomic

        fmt = EXPLAIN_FORMATS[os.path.splitext(args.explain)[1].lower()]
        write_text_atomic(args.explain, explain_report(history.steps, history.lr, fmt, title=title))
        written.append(f"wrote the explained steps to {args.explain}")
    trained.save(out_path)  # atomic: a temporary file, then a rename ("-": standard output)
    # With -o - the trained network is standard output, so what is said about it goes to stderr.
    status = sys.stderr if out_path == "-" else sys.stdout
    print(f"trained {net.name or args.network!r} for {epochs_text(history.epochs)} ({history.mode}, "
          f"lr {history.lr:g}) in {history.seconds:.2f} s: {name} {history.loss[0]:.6g} → "
          f"{history.final_loss:.6g}", file=status)
    if out_path != "-":
        print(f"wrote the trained network to {out_path}")
    for line in written:
        print(line, file=status)
    if history.final_loss > history.loss[0]:
        print(f"rojas: warning: the loss rose from {history.loss[0]:.6g} to {history.final_loss:.6g}; "
              "the learning rate may be too large", file=sys.stderr)
    return 0


def add_commands(sub):

    p = sub.add_parser(
        "train", help="train a network by gradient descent (Δw_ij = −γ·o_i·δ_j)",
        description="Train NET.json on the data by gradient descent with the labels of the two "
                    "sweeps, and write the trained network (atomically).  The input file is never "
                    "overwritten unless --in-place.  Stops with an error (exit 2) and writes nothing "
                    "when the loss diverges (becomes non-finite or grows a millionfold).")
    add_data_options(p, of=False)
    p.add_argument("--lr", type=positive_float, required=True, metavar="γ", help="learning rate")
    p.add_argument("--epochs", type=count, required=True, metavar="N", help="passes over the data")
    p.add_argument("--mode", choices=MODES, default="batch",
                   help="batch: one step per epoch with the summed gradient (default); "
                        "online: one step per pattern")
    p.add_argument("--mean", action="store_true",
                   help="minimize C = E/N (the objective averaged over the N patterns) instead of E")
    p.add_argument("--freeze-biases", action="store_true", help="do not train the biases")
    p.add_argument("--shuffle", action="store_true", help="online mode: shuffle the patterns each epoch")
    p.add_argument("--seed", type=count, default=None, metavar="S",
                   help="seed of the shuffling, an integer ≥ 0")
    where = p.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="TRAINED.json", help="where to write the trained network")
    where.add_argument("--in-place", action="store_true", help="overwrite NET.json with the trained network")
    p.add_argument("--plot", metavar="LOSS.png", help="also draw the loss per epoch into this image")
    p.add_argument("--explain", nargs="?", const="-", default=None, metavar="FILE.md|FILE.tex",
                   help="explain every step weight by weight (labels, δ, and for every weight and bias: "
                        "old value, o_i, δ_j, ∂E/∂w, Δw = −γ·∂E/∂w, new value; E before and after): "
                        "printed, or written as a Markdown or LaTeX report")
    p.set_defaults(run=cmd_train)
