"""``rojas check``: the backward sweep's gradients against numerical derivatives."""

from .common import add_data_options, count, network_and_data
from ..checking.gradient_check import DIRECTIONS, EXACT_LIMIT, METHODS, check


def cmd_check(args):
    import json

    net, inputs, targets = network_and_data(args)
    report = check(net, inputs, targets, of=args.of, method=args.method, rtol=args.rtol,
                   atol=args.atol, check_inputs=not args.no_inputs, directions=args.directions,
                   sample=args.sample, seed=args.seed, exact_limit=args.exact_limit,
                   progress=False if args.quiet else None)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1, allow_nan=False, default=str))
    else:
        print(report)
    return 0 if report.ok else 1


def add_commands(sub):

    p = sub.add_parser(
        "check", help="check the backward sweep's gradients against numerical derivatives",
        description="Check the backward sweep three ways: each primitive's claimed derivative against "
                    "its f at the net inputs met; the derivative along K random directions over all "
                    "parameters and inputs (O(K) sweeps at any size); and every gradient one by one "
                    "(weights, biases, tied params, inputs) when there are at most --exact-limit, else a "
                    "random sample plus the largest.  Exit status 0 when all agree, 1 when any "
                    "disagrees (naming the primitive or unit to blame), 2 for bad input.")
    add_data_options(p)
    p.add_argument("--method", choices=METHODS, default="central",
                   help="central differences (default), complex step, or both")
    p.add_argument("--rtol", type=float, default=None,
                   help="relative tolerance (default: central 1e-5, complex 1e-9)")
    p.add_argument("--atol", type=float, default=None,
                   help="absolute tolerance, times max(1,|E|) (default: central 1e-8, complex 1e-12)")
    p.add_argument("--no-inputs", action="store_true", help="do not check the input gradients")
    p.add_argument("--directions", type=count, default=DIRECTIONS, metavar="K",
                   help=f"random directions to check (default {DIRECTIONS}; 0 for none)")
    p.add_argument("--sample", type=count, default=None, metavar="N",
                   help="beyond --exact-limit, check N gradients at random one by one (plus the 20 "
                        "largest; default 200, fewer on a very deep network)")
    p.add_argument("--seed", type=count, default=0, metavar="S",
                   help="seed of the directions and the sample, an integer ≥ 0 (default 0)")
    p.add_argument("--exact-limit", type=count, default=EXACT_LIMIT, metavar="P",
                   help=f"check every gradient one by one up to this many (default {EXACT_LIMIT:,})")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=cmd_check)
