"""``rojas matrix``: the backward pass of a layered network in matrix form (Rojas 7.3.3)."""

from .common import add_data_options, network_and_data
from ..architectures.layers import matrix_backprop


def cmd_matrix(args):
    import json

    net, inputs, targets = network_and_data(args)
    mp = matrix_backprop(net, inputs, targets, of=args.of)
    check = mp.check()
    if args.json:
        out = mp.to_dict()
        out["check"] = {"diffs": check.diffs, "scales": check.scales, "tol": check.tol, "ok": check.ok}
        print(json.dumps(out, indent=1, allow_nan=False))
    else:
        print(mp.table(all_layers=args.all))
        print()
        print(check)
    return 0 if check.ok else 1


def add_commands(sub):
    p = sub.add_parser("matrix", help="the backward pass of a layered network in matrix form (Rojas 7.3.3), "
                                      "checked against the graph labeling")
    add_data_options(p)
    p.add_argument("--json", action="store_true", help="print the matrices and vectors as JSON")
    p.add_argument("--all", action="store_true", help="show every layer of a deep network (by default "
                                                      "the first and last 3 of more than 12)")
    p.set_defaults(run=cmd_matrix)
