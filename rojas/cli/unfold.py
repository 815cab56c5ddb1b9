"""``rojas unfold``: a recurrent network unfolded in time (Rojas 7.4.1)."""

import numpy as np

from ..errors import RojasError
from ..recurrent import fold_grad, load_recurrent, load_sequence, unfold, unfold_data


def _jsonable(mapping):
    if mapping is None:
        return None
    return {str(k): (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in mapping.items()}


def cmd_unfold(args):
    import json

    from ..labeling import label
    from ..network import write_json_atomic

    if args.data_out and not args.data:
        raise RojasError("--data-out needs --data (the sequence data to convert)")
    data_out = args.data_out
    if args.data and not data_out:
        if not args.out:
            raise RojasError("give --data-out (or -o) to write the unfolded data file")
        root = args.out[:-5] if args.out.endswith(".json") else args.out
        data_out = f"{root}.data.json"
    if args.steps is None and not args.data:
        raise RojasError("give --steps T (or --data with the sequences)")
    from ..files import check_outputs

    check_outputs(reads=[("NET.json", args.network), ("--data", args.data)],
                  writes=[("-o", args.out),
                          ("--data-out" if args.data_out else "--data-out (derived from -o)", data_out)])
    rnet = load_recurrent(args.network)
    seq = load_sequence(args.data) if args.data else None
    net = unfold(rnet, steps=args.steps, data=seq)
    if args.out is None:
        print(json.dumps(net.to_dict(), indent=1, allow_nan=False))
    else:
        net.save(args.out)
        print(f"{net.summary()}; {len(net.params)} tied params")
        print(f"wrote {args.out}")
    if seq is None:
        return 0
    inputs, targets = unfold_data(net, seq)
    write_json_atomic(data_out, {"inputs": _jsonable(inputs),
                                 **({} if targets is None else {"targets": _jsonable(targets)})})
    if args.out is not None:
        print(f"wrote {data_out}")
        if targets is not None:
            print(f"\nrojas grad {args.out} --data {data_out} labels every copy; summed over the copies:")
            print(fold_grad(label(net, inputs, targets)).table())
    return 0


def add_commands(sub):
    p = sub.add_parser("unfold", help="unfold a recurrent network (edges with \"delay\": 1) over T steps "
                                      "into a feed-forward network with tied weights (Rojas 7.4.1)")
    p.add_argument("network", metavar="NET.json", help="recurrent network file (node-link JSON)")
    p.add_argument("--steps", "-T", type=int, metavar="T", help="number of time steps (default: the data's length)")
    p.add_argument("-o", "--out", metavar="UNFOLDED.json", help="write the unfolded network here "
                                                              "(default: print it)")
    p.add_argument("--data", metavar="SEQ.json", help="sequence data: inputs, initial states, targets per step")
    p.add_argument("--data-out", metavar="UNFOLDED.data.json",
                   help="write the unfolded network's data file here (default: beside -o, *.data.json)")
    p.set_defaults(run=cmd_unfold)
