"""``rojas paths``, ``rojas prove`` and ``rojas claim``: the proof on the command line."""

import json

from ..paths import DEFAULT_LIMIT, path_counts, path_sum, resolve_source
from ..proof import _f, proof_report
from .common import add_data_options, label_for, network_and_data


def cmd_paths(args):

    if args.count:
        net, inputs, targets = network_and_data(args)
        src = resolve_source(net, args.source)
        ends = [args.to] if args.to else (list(targets) if targets else net.outputs)
        ends = [n for n in net.nodes if str(n) in {str(e) for e in ends}]
        counts = path_counts(net, ends)
        print(sum(counts[n] for n in src.start_nodes))
        return 0
    from ..forward_mode import tangent

    lab = label_for(args, args.to)
    to = None if args.to is None else lab.objective
    ps = path_sum(lab, args.source, to=to, limit=args.limit)
    if args.json:
        print(json.dumps(ps.to_dict(), indent=1, allow_nan=False))
        return 0
    target = "E" if ps.target == "E" else f"o_{ps.target}"
    print(f"Paths from {ps.source.label} to {target}: {ps.count}")
    for i, p in enumerate(ps.paths, 1):
        print(f"  {i:>3}. {' → '.join(map(str, p['nodes']))}")
        print("       " + " · ".join(f"{name} = {_f(v)}" for name, v in p["factors"])
              + f"  =  {p['product']:.12g}")
    print(f"Sum over paths:  {ps.total:.15g}")
    print(f"Backward sweep:  {ps.backprop:.15g}   (difference {ps.difference:.3g})")
    print(f"Tangent sweep:   {tangent(lab, ps.source).derivative:.15g}   (forward mode)")
    print()
    print("How the backward sweep factors the sum: each δ stands for all paths below its unit.")
    for n, count in ps.deltas:
        print(f"  δ_{n} = {_f(lab.delta[n])}   stands for {count} path{'s' * (count != 1)}")
    total = sum(c for n, c in ps.deltas if n in set(lab.network.inputs))
    print(f"The sweep visits {ps.edges} edges once each; the paths from the inputs number {total}.")
    return 0


def cmd_prove(args):
    from ..files import check_outputs

    check_outputs(reads=[("NET.json", args.network), ("--data", args.data)], writes=[("-o", args.output)])
    lab = label_for(args)
    text = proof_report(lab, args.wrt, fmt=args.format, symbolic=None, limit=args.limit)
    if args.output:
        from ..network import write_text_atomic

        write_text_atomic(args.output, text)
        print(f"wrote {args.output}")
    else:
        print(text)
    return 0


def cmd_claim(args):
    from ..claims import check_claim

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
    paths.add_argument("--count", action="store_true", help="print only the exact number of paths")
    paths.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                       help=f"refuse to list more than N paths (default {DEFAULT_LIMIT})")
    paths.add_argument("--json", action="store_true", help="print the path table as JSON")
    paths.set_defaults(run=cmd_paths)

    prove = sub.add_parser("prove", help="Rojas's argument for one parameter, as Markdown or LaTeX")
    add_data_options(prove)
    prove.add_argument("--wrt", required=True, metavar="SRC", help="a weight, param, b:NODE or input")
    prove.add_argument("--format", choices=("md", "tex"), default="md")
    prove.add_argument("-o", "--output", metavar="FILE", help="write the report here")
    prove.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                       help="largest number of paths to list")
    prove.set_defaults(run=cmd_prove)

    claim = sub.add_parser("claim", help="judge a chain-rule formula: exit 0 right, 1 wrong, 2 malformed")
    add_data_options(claim)
    claim.add_argument("claim", metavar="CLAIM", help='e.g. "dE/dw1 = dh1/dw1 * do1/dh1 * dE/do1 + ..."')
    claim.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                       help="largest number of paths to compare one by one")
    claim.set_defaults(run=cmd_claim)
