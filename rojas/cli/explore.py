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
    if args.focus is not None or ((args.data or args.input) and _over(args)):
        return _explore_focus(args)
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


FOCUS_PICKS = 5  # weights a page over the size limit offers, the largest |∂E/∂w| first


def _over(args):
    """Whether the network is over the explorer's size limit (it is then explored by focus)."""
    from ..explorer.data import check_size
    from ..network import load

    try:
        check_size(load(args.network), args.max_nodes)
    except RojasError:
        return True
    return False


def _explore_focus(args):
    """``explore --focus W`` (or a network over the size limit): the focus page, bounded at any size."""
    import sys

    import numpy as np

    from ..explorer.focus_page import focus_page

    if args.focus is not None and not (args.data or args.input):
        raise RojasError("--focus needs the inputs (and targets): give --data DATA.json or --input NAME=V")
    if args.sample is not None:
        raise RojasError("--sample is not available with a focus: label one sample (a data file of single numbers)")
    lab = label_for(args)
    sources = args.focus
    if sources is None:
        g = np.abs(lab.gradients()["weights"])
        best = np.argsort(-g, kind="stable")[:FOCUS_PICKS].tolist()
        sources = [lab.plan.edges[i] for i in best]
        print(f"rojas: note: the network is over the explorer's limit of {args.max_nodes:,} (nodes + edges/10): the "
              f"page focuses on the {len(sources)} weights with the largest |∂E/∂w| (choose others with --focus W, "
              "or raise the limit with --max-nodes N for the full explorer)",
              file=sys.stderr)
    path = focus_page(lab, sources, args.output, title=args.title)
    import os

    print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} kB; open it in a browser; it works offline)")
    return 0


def add_commands(sub):
    from ..explorer.data import MAX_NODES
    from .common import count

    explore = sub.add_parser("explore", help="the interactive explorer: one self-contained HTML page of both sweeps")
    add_data_options(explore)
    explore.add_argument("-o", "--output", required=True, metavar="FILE.html", help="the page to write")
    explore.add_argument("--sample", type=int, metavar="K", help="for a batch: show sample K (from 0) on the graph")
    explore.add_argument("--title", help="instead of the network's name")
    explore.add_argument("--focus", metavar="SRC", action="append",
                         help="a page of where SRC's gradient comes from (its cone, or its top paths and the rest "
                              "summarised), of bounded size at any network size; repeat for a menu of several")
    explore.add_argument("--max-nodes", type=count, default=MAX_NODES, metavar="N",
                         help=f"refuse networks larger than N (nodes + edges/10; default {MAX_NODES})")
    explore.set_defaults(run=cmd_explore)
