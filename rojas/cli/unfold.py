"""``rojas unfold``: a recurrent network unfolded in time (Rojas 7.4.1)."""

import sys

import numpy as np

from ..errors import RojasError
from ..utils.files import check_outputs, same_file
from .common import add_objective_option
from ..architectures.recurrent import fold_grad, load_recurrent, load_sequence, unfold, unfold_data


def _jsonable(mapping):
    if mapping is None:
        return None
    return {str(k): (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in mapping.items()}


def data_out_path(out, data_out, reads):
    """The unfolded data file: --data-out, else derived from -o (``U.json`` → ``U.data.json``).

    A derived name that would be a file the command reads is refused (name --data-out then).
    """
    if data_out is not None:
        return data_out
    if out is None or out == "-":
        raise RojasError("give --data-out (or -o FILE) to write the unfolded data file")
    root = out[:-5] if out.endswith(".json") else out
    derived = f"{root}.data.json"
    for option, path in reads.items():
        if path is not None and same_file(derived, path):
            raise RojasError(f"the unfolded data file derived from -o, {derived!r}, is the {option} file "
                             f"{path!r}; name another one with --data-out")
    return derived


def cmd_unfold(args):
    import json

    from ..utils.files import write_json_atomic
    from ..engine.labeling import label

    if args.data_out and not args.data:
        raise RojasError("--data-out needs --data (the sequence data to convert)")
    if args.steps is None and not args.data:
        raise RojasError("give --steps T (or --data with the sequences)")
    if args.max_size is not None and args.max_size < 1:
        raise RojasError(f"--max-size must be a positive integer, got {args.max_size}")
    reads = {"NET": args.network, "--data": args.data}
    data_out = data_out_path(args.out, args.data_out, reads) if args.data else None
    check_outputs(reads=list(reads.items()), writes=[("-o", args.out), ("--data-out", data_out)])
    rnet = load_recurrent(args.network)
    seq = load_sequence(args.data) if args.data else None
    net = unfold(rnet, steps=args.steps, data=seq, max_size=args.max_size)
    if args.objective is not None:
        net.set_objective(args.objective)  # saved with the unfolded network
    if args.out is None:
        print(json.dumps(net.to_dict(), indent=1, allow_nan=False))
    else:
        net.save(args.out)  # "-": standard output, so what is said about it goes to stderr
        status = sys.stderr if args.out == "-" else sys.stdout
        print(f"{net.summary()}; {len(net.params)} tied params", file=status)
        if args.out != "-":
            print(f"wrote {args.out}")
    if seq is None:
        return 0
    inputs, targets = unfold_data(net, seq)
    write_json_atomic(data_out, {"inputs": _jsonable(inputs),
                                 **({} if targets is None else {"targets": _jsonable(targets)})})
    if args.out is not None:
        status = sys.stderr if args.out == "-" else sys.stdout  # with -o -, stdout is the network only
        print(f"wrote {data_out}", file=status)
        if targets is not None:
            command = f"rojas grad {args.out} --data {data_out}" if args.out != "-" else "Labeling it"
            print(f"\n{command} labels every copy; summed over the copies:", file=status)
            print(fold_grad(label(net, inputs, targets)).table(), file=status)
    return 0


def add_commands(sub):
    p = sub.add_parser("unfold", help="unfold a recurrent network (edges with \"delay\": 1) over T steps "
                                      "into a feed-forward network with tied weights (Rojas 7.4.1)")
    p.add_argument("network", metavar="NET.json", help="recurrent network file (node-link JSON)")
    p.add_argument("--steps", "-T", type=int, metavar="T", help="number of time steps (default: the data's length)")
    p.add_argument("-o", "--output", "--out", dest="out", metavar="UNFOLDED.json", help="write the unfolded network here "
                                                              "(default: print it)")
    p.add_argument("--data", metavar="SEQ.json", help="sequence data: inputs, initial states, targets per step")
    add_objective_option(p)
    p.add_argument("--data-out", metavar="UNFOLDED.data.json",
                   help="write the unfolded network's data file here (default: beside -o, *.data.json)")
    p.add_argument("--max-size", type=int, metavar="N",
                   help="refuse an unfolded network of more than N nodes + edges (default 1,000,000, "
                        "or the environment variable ROJAS_MAX_UNFOLDED)")
    p.set_defaults(run=cmd_unfold)
