"""``rojas grad``: label a network and print every label and gradient."""

import json

from .common import add_data_options, network_and_data


def cmd_grad(args):
    from ..labeling import label

    net, inputs, targets = network_and_data(args)
    lab = label(net, inputs, targets, of=args.of)
    if args.json:
        print(json.dumps(lab.to_dict(), indent=1, allow_nan=False))
    else:
        print(lab.table())
    return 0


def add_commands(sub):
    grad = sub.add_parser("grad", help="label a network and print every label and gradient")
    add_data_options(grad)
    grad.add_argument("--json", action="store_true", help="print the labels as JSON")
    grad.set_defaults(run=cmd_grad)
