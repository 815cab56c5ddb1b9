"""``rojas paths``, ``rojas prove`` and ``rojas claim``: the proof on the command line."""

import json

from ..proof.paths import DEFAULT_LIMIT
from ..proof.argument import DEFAULT_UNIT_LIMIT
from ..proof.symbolic_limits import DEFAULT_EXPRESSION_LIMIT, DEFAULT_PATH_LIMIT, DEFAULT_SIZE_LIMIT, DEFAULT_TIME_BUDGET
from .common import add_data_options, count, label_for, network_and_data, note_unreachable, positive_float


def _digits(n):
    """Every digit of the exact count, past Python's default limit of 4,300 for ``str(int)``."""
    import sys

    if not hasattr(sys, "get_int_max_str_digits"):  # Python before 3.11: no limit
        return str(n)
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # the command line owns this process; restored at once
    try:
        return str(n)
    finally:
        sys.set_int_max_str_digits(previous)


def _json_text(obj):
    """JSON with every digit of an exact count (past Python's 4,300-digit limit for ``str(int)``)."""
    import sys

    previous = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
    if previous is not None:
        sys.set_int_max_str_digits(0)
    try:
        return json.dumps(obj, indent=1, allow_nan=False)
    finally:
        if previous is not None:
            sys.set_int_max_str_digits(previous)


def cmd_paths_at_scale(args):
    """``--by-length``, ``--top K``, ``--plot FILE``: dynamic programs, no listing, any size."""
    from ..errors import RojasError
    from ..proof.by_length import by_length
    from ..proof.length_listing import length_listing, paths_object, top_listing
    from ..proof.top_paths import MAX_TOP, top_paths

    if args.count:
        raise RojasError("give --count or --by-length/--top, not both")
    if args.top is not None and not 1 <= args.top <= MAX_TOP:
        raise RojasError(f"--top {args.top}: give a whole number of paths from 1 to {MAX_TOP:,}")
    if args.plot:
        from ..utils.files import check_outputs
        from ..drawing.output import image_format

        check_outputs(reads=[("NET.json", args.network), ("--data", args.data)], writes=[("--plot", args.plot)])
        image_format(args.plot)
    lab = label_for(args, args.to)
    table = by_length(lab, args.source) if args.by_length or args.plot else None
    top = top_paths(lab, args.source, k=args.top) if args.top is not None else None
    done = table or top
    if args.plot:
        from ..drawing.length_plot import save_by_length_plot

        save_by_length_plot(table, args.plot)
    if args.json:
        print(_json_text(paths_object(args.source, done.gradient, table, top)))
    else:
        parts = ([length_listing(table)] if table is not None else []) + \
            ([top_listing(top, table.paths if table is not None else None)] if top is not None else [])
        print("\n\n".join(parts))
    if args.plot:
        import sys

        print(f"wrote {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


def cmd_paths(args):
    from ..proof.paths import count_paths, path_sum

    if args.by_length or args.top is not None or args.plot:
        return cmd_paths_at_scale(args)
    if args.count:  # the exact count by dynamic programming: no labeling, no listing
        from ..network.data import lookup_node

        net, _, targets = network_and_data(args)
        ends = [lookup_node(net, args.to, "--to")] if args.to is not None else \
            (list(targets) if targets else list(net.outputs))
        print(_digits(count_paths(net, args.source, ends)))
        return 0
    from ..proof.forward_mode import tangent
    from ..proof.path_listing import path_listing

    lab = label_for(args, args.to)
    to = None if args.to is None else lab.objective
    ps = path_sum(lab, args.source, to=to, limit=args.limit)
    if args.json:
        print(json.dumps(ps.to_dict(), indent=1, allow_nan=False))
        return 0
    print(path_listing(ps, lab, tangent(lab, ps.source).derivative))
    return 0


def cmd_prove(args):
    from ..network.data import lookup_node
    from ..utils.files import check_outputs
    from ..engine.labeling import label
    from ..proof.argument import check_proof_size, prove

    check_outputs(reads=[("NET.json", args.network), ("--data", args.data)], writes=[("-o", args.output)])
    net, inputs, targets = network_and_data(args)
    check_proof_size(net, args.max_units)  # before the sweeps: a huge network is refused at once
    of = None if args.of is None else lookup_node(net, args.of, "--of")
    lab = note_unreachable(label(net, inputs, targets, of=of))
    limits = {"limit": args.symbolic_limit, "path_limit": args.symbolic_paths, "size_limit": args.symbolic_size,
              "time_budget": args.symbolic_time}
    proof = prove(lab, args.wrt, fmt=args.format, symbolic=False if args.no_symbolic else None, limit=args.limit,
                  unit_limit=args.max_units, symbolic_limits=limits)
    if args.output and args.output != "-":
        from ..utils.files import write_text_atomic

        write_text_atomic(args.output, proof.text)
        print(f"wrote {args.output}")
    else:
        print(proof.text)
    if proof.unlisted is not None:
        import sys

        from ..utils.formatting import count_text

        print(f"rojas: note: {count_text(proof.unlisted)} paths, more than --limit {args.limit}: section 4 sums "
              "them by length and lists the top paths instead of every path", file=sys.stderr)
    if proof.symbolic_skipped is not None and not args.no_symbolic:
        import sys

        print(f"rojas: note: the SymPy section is skipped: {proof.symbolic_skipped}", file=sys.stderr)
    return 0 if proof.agree else 1


def cmd_claim(args):
    from ..proof.claims import check_claim

    lab = label_for(args)
    verdict = check_claim(lab, args.claim, limit=args.limit)
    print(verdict)
    return 0 if verdict.ok else 1


def add_commands(sub):

    paths = sub.add_parser("paths", help="every path from a weight, node or input to the objective")
    add_data_options(paths, of=False)
    paths.add_argument("--from", dest="source", required=True, metavar="SRC",
                       help="an edge name or u->v, a param, b:NODE, s:NODE, o:NODE or a node")
    paths.add_argument("--to", metavar="NODE", help="end the paths at this node (its value) instead of E")
    paths.add_argument("--count", action="store_true",
                       help="print only the exact number of paths (counted, never listed: any size)")
    paths.add_argument("--limit", type=count, default=DEFAULT_LIMIT, metavar="N",
                       help=f"refuse to list more than N paths (default {DEFAULT_LIMIT})")
    paths.add_argument("--by-length", action="store_true",
                       help="the gradient split exactly by path length, with the number of paths of each length "
                            "(a dynamic program: any size)")
    paths.add_argument("--top", type=count, metavar="K",
                       help="the K paths with the largest |product|, exactly (a k-best dynamic program: any size)")
    paths.add_argument("--plot", metavar="FILE",
                       help="draw the contribution by length (PNG, SVG or PDF; implies --by-length)")
    paths.add_argument("--json", action="store_true", help="print the path table as JSON")
    paths.set_defaults(run=cmd_paths)

    prove = sub.add_parser("prove", help="Rojas's argument for one parameter, as Markdown or LaTeX; "
                                         "exit 1 when its checks disagree")
    add_data_options(prove)
    prove.add_argument("--wrt", required=True, metavar="SRC", help="a weight, param, b:NODE or input")
    prove.add_argument("--format", choices=("md", "tex"), default="md",
                       help="md: Markdown (default); tex: a complete LaTeX document")
    prove.add_argument("-o", "--output", metavar="FILE", help="write the report here")
    prove.add_argument("--limit", type=count, default=DEFAULT_LIMIT, metavar="N",
                       help=f"largest number of paths to list (default {DEFAULT_LIMIT})")
    prove.add_argument("--max-units", type=count, default=DEFAULT_UNIT_LIMIT, metavar="N",
                       help=f"largest number of units to write out (default {DEFAULT_UNIT_LIMIT})")
    prove.add_argument("--no-symbolic", action="store_true", help="leave out the SymPy section")
    prove.add_argument("--symbolic-limit", type=count, default=DEFAULT_SIZE_LIMIT, metavar="N",
                       help=f"largest number of units for the SymPy section (default {DEFAULT_SIZE_LIMIT})")
    prove.add_argument("--symbolic-paths", type=count, default=DEFAULT_PATH_LIMIT, metavar="N",
                       help=f"largest number of paths for the SymPy section (default {DEFAULT_PATH_LIMIT})")
    prove.add_argument("--symbolic-size", type=count, default=DEFAULT_EXPRESSION_LIMIT, metavar="N",
                       help="largest expression size (tree nodes) for the SymPy section "
                            f"(default {DEFAULT_EXPRESSION_LIMIT})")
    prove.add_argument("--symbolic-time", type=positive_float, default=DEFAULT_TIME_BUDGET, metavar="SECONDS",
                       help=f"time budget of the SymPy section (default {DEFAULT_TIME_BUDGET:g} s)")
    prove.set_defaults(run=cmd_prove)

    claim = sub.add_parser("claim", help="judge a chain-rule formula: exit 0 right, 1 wrong, 2 malformed")
    add_data_options(claim)
    claim.add_argument("claim", metavar="CLAIM", help='e.g. "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + ..."')
    claim.add_argument("--limit", type=count, default=DEFAULT_LIMIT, metavar="N",
                       help="largest number of paths to compare one by one")
    claim.set_defaults(run=cmd_claim)
