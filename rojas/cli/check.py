"""``rojas check``: the backward sweep's gradients against numerical derivatives."""

from .common import add_data_options, network_and_data
from ..checking import METHODS, check


def cmd_check(args):
    import json


    net, inputs, targets = network_and_data(args)
    report = check(net, inputs, targets, of=args.of, method=args.method, rtol=args.rtol,
                   atol=args.atol, check_inputs=not args.no_inputs)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1, allow_nan=False, default=str))
    else:
        print(report)
    return 0 if report.ok else 1


def add_commands(sub):

    p = sub.add_parser(
        "check", help="check the backward sweep's gradients against numerical derivatives",
        description="Compare every gradient of the backward sweep (weights, biases, tied params, "
                    "inputs) with central differences and/or the complex step, and each primitive's "
                    "claimed derivative with its f.  Exit status 0 when all agree, 1 when any "
                    "disagrees, 2 for bad input.")
    add_data_options(p)
    p.add_argument("--method", choices=METHODS, default="central",
                   help="central differences (default), complex step, or both")
    p.add_argument("--rtol", type=float, default=None,
                   help="relative tolerance (default: central 1e-5, complex 1e-9)")
    p.add_argument("--atol", type=float, default=None,
                   help="absolute tolerance, times max(1,|E|) (default: central 1e-8, complex 1e-12)")
    p.add_argument("--no-inputs", action="store_true", help="do not check the input gradients")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=cmd_check)
