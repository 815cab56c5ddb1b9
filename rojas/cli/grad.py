"""``rojas grad``: label a network and print every label and gradient."""

import sys

from .common import add_data_options, network_and_data, note_unreachable


def cmd_grad(args):
    from ..engine.labeling import label
    from ..engine.labeling_io import TABLE_ROWS

    net, inputs, targets = network_and_data(args)
    lab = note_unreachable(label(net, inputs, targets, of=args.of))
    if args.json:
        lab.write_json(sys.stdout)  # streamed: a huge network never exists twice as Python objects
        sys.stdout.write("\n")
    elif args.all or lab.plan.n_nodes + lab.plan.n_edges <= TABLE_ROWS:
        print(lab.table())
    else:
        print(lab.summary())
        print(f"\nThe network has {lab.plan.n_nodes + lab.plan.n_edges} nodes and edges (a table shows at "
              f"most {TABLE_ROWS}): every label with --all, or as JSON with --json.")
    return 0


def add_commands(sub):
    grad = sub.add_parser("grad", help="label a network and print every label and gradient")
    add_data_options(grad)
    out = grad.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the labels as JSON")
    out.add_argument("--all", action="store_true",
                     help="print the full table even for a large network (by default a summary beyond "
                          "200 nodes and edges)")
    grad.set_defaults(run=cmd_grad)
