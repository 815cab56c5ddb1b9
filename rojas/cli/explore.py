"""The ``rojas explore`` command: the interactive explorer as one HTML file."""

from ..errors import RojasError
from .common import add_data_options, label_for

__all__ = ["add_commands", "cmd_explore"]


def cmd_explore(args):
    from ..explorer import explore
    from ..explorer.data import check_size
    from ..utils.files import check_outputs

    if not args.output.lower().endswith((".html", ".htm")):
        raise RojasError(f"-o {args.output}: the explorer is an HTML page; give a FILE.html")
    check_outputs(reads=[("NET.json", args.network), ("--data", args.data)], writes=[("-o", args.output)])
    if args.data or args.input:
        obj = label_for(args, check=lambda net: check_size(net, args.max_nodes))
    else:  # no data: the network's structure, weights and biases, without sweeps
        for given, option in ((args.target, "--target"), (args.of, "--of"), (args.sample, "--sample")):
            if given is not None:
                raise RojasError(f"{option} needs the inputs: give --data DATA.json or --input NAME=V")
        from ..network import load

        obj = load(args.network)
        check_size(obj, args.max_nodes)
    path = explore(obj, args.output, sample=args.sample, title=args.title, max_nodes=args.max_nodes)
    print(f"wrote {path} (open it in a browser; it works offline)" +
          ("" if args.data or args.input else "; no data given: the structure only, no sweeps"))
    return 0


def add_commands(sub):
    from ..explorer.data import MAX_NODES
    from .common import count

    explore = sub.add_parser("explore", help="the interactive explorer: one self-contained HTML page of both sweeps")
    add_data_options(explore)
    explore.add_argument("-o", "--output", required=True, metavar="FILE.html", help="the page to write")
    explore.add_argument("--sample", type=int, metavar="K", help="for a batch: show sample K (from 0) on the graph")
    explore.add_argument("--title", help="instead of the network's name")
    explore.add_argument("--max-nodes", type=count, default=MAX_NODES, metavar="N",
                         help=f"refuse networks larger than N (nodes + edges/10; default {MAX_NODES})")
    explore.set_defaults(run=cmd_explore)
