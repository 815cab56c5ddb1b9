"""``rojas train``: gradient descent with the labels of the two sweeps."""

import sys
import time

from ..errors import RojasError
from ..training import MODES, train
from .common import add_data_options, count, network_and_data, positive_float, same_file


class _Progress:
    """A progress line on stderr for runs longer than a second."""

    def __init__(self, epochs, stream=None, after=1.0, every=0.5):
        self.epochs, self.stream = epochs, stream or sys.stderr
        self.start = time.perf_counter()
        self.after, self.every, self.last = after, every, None
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = False

    def __call__(self, epoch, loss):
        now = time.perf_counter()
        if now - self.start < self.after or (self.last is not None and now - self.last < self.every
                                             and epoch != self.epochs):
            return
        if not self.tty and self.last is not None and now - self.last < 5 and epoch != self.epochs:
            return
        self.last = now
        line = f"epoch {epoch}/{self.epochs}  loss {loss:.6g}  ({now - self.start:.1f} s)"
        self.stream.write(("\r" + line + " " * 8) if self.tty else line + "\n")
        self.stream.flush()
        self.shown = True

    def done(self):
        if self.shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def cmd_train(args):

    if args.output is None and not args.in_place:
        raise RojasError("say where to write the trained network: -o TRAINED.json, or --in-place "
                         "to overwrite NET.json")
    out_path = args.network if args.in_place else args.output
    if not args.in_place and same_file(args.output, args.network):
        raise RojasError(f"refusing to overwrite the input network {args.network!r} with -o; "
                         "pass --in-place to train it in place")
    if args.plot and (same_file(args.plot, args.network) or same_file(args.plot, out_path)):
        raise RojasError(f"--plot {args.plot!r} would overwrite a network file")
    from ..files import check_outputs

    check_outputs(reads=[("NET.json", None if args.in_place else args.network), ("--data", args.data)],
                  writes=[("--in-place" if args.in_place else "-o", out_path), ("--plot", args.plot)])
    net, inputs, targets = network_and_data(args)
    freeze = ["biases"] if args.freeze_biases else None
    progress = _Progress(args.epochs)
    try:
        trained, history = train(net, (inputs, targets), args.lr, args.epochs, mode=args.mode,
                                 average=args.mean, freeze=freeze, shuffle=args.shuffle,
                                 seed=args.seed, callback=progress)
    finally:
        progress.done()
    trained.save(out_path)  # atomic: a temporary file, then a rename
    name = history.loss_name.split(" =")[0]
    print(f"trained {net.name or args.network!r} for {history.epochs} epochs ({history.mode}, "
          f"lr {history.lr:g}) in {history.seconds:.2f} s: {name} {history.loss[0]:.6g} → "
          f"{history.final_loss:.6g}")
    print(f"wrote the trained network to {out_path}")
    if history.final_loss > history.loss[0]:
        print(f"rojas: warning: the loss rose from {history.loss[0]:.6g} to {history.final_loss:.6g}; "
              "the learning rate may be too large", file=sys.stderr)
    if args.plot:
        from ..loss_plot import save_loss_plot

        save_loss_plot(history, args.plot, title=f"{net.name or 'network'}: loss per epoch")
        print(f"wrote the loss curve to {args.plot}")
    return 0


def add_commands(sub):

    p = sub.add_parser(
        "train", help="train a network by gradient descent (Δw_ij = −γ·o_i·δ_j)",
        description="Train NET.json on the data by gradient descent with the labels of the two "
                    "sweeps, and write the trained network (atomically).  The input file is never "
                    "overwritten unless --in-place.  Stops with an error (exit 2) when the loss "
                    "diverges.")
    add_data_options(p, of=False)
    p.add_argument("--lr", type=positive_float, required=True, metavar="γ", help="learning rate")
    p.add_argument("--epochs", type=count, required=True, metavar="N", help="passes over the data")
    p.add_argument("--mode", choices=MODES, default="batch",
                   help="batch: one step per epoch with the summed gradient (default); "
                        "online: one step per pattern")
    p.add_argument("--mean", action="store_true",
                   help="minimize C = E/N = (1/2N)Σ(o−t)² instead of E = ½Σ(o−t)²")
    p.add_argument("--freeze-biases", action="store_true", help="do not train the biases")
    p.add_argument("--shuffle", action="store_true", help="online mode: shuffle the patterns each epoch")
    p.add_argument("--seed", type=int, default=None, help="seed of the shuffling")
    where = p.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="TRAINED.json", help="where to write the trained network")
    where.add_argument("--in-place", action="store_true", help="overwrite NET.json with the trained network")
    p.add_argument("--plot", metavar="LOSS.png", help="also draw the loss per epoch into this image")
    p.set_defaults(run=cmd_train)
