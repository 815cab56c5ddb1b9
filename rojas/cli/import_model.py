"""``rojas import``: an ONNX model as a network file, checked against the model before it is written."""

import sys

from ..utils.files import check_outputs


def cmd_import(args):
    from ..importers.crosscheck import check_against_reference
    from ..importers.onnx_import import import_onnx

    check_outputs(reads=[("MODEL", args.model)], writes=[("-o", args.out)])
    imported = import_onnx(args.model, batch=not args.no_batch, name=args.name, objective=args.objective)
    net = imported.network
    agreement = None if args.no_check else check_against_reference(imported, seed=args.seed)
    net.save(args.out)  # only now: a refusal above leaves no file
    status = sys.stderr if args.out == "-" else sys.stdout
    said = ("not compared with the model (--no-check)" if agreement is None else
            f"outputs equal onnx's reference evaluator's on a random input (largest relative difference "
            f"{agreement:.1e})")
    print(f"{net.summary()}, {len(net.params)} shared params; {said}", file=status)
    if args.out != "-":
        print(f"wrote {args.out}", file=status)
    return 0


def add_commands(sub):
    p = sub.add_parser("import", help="expand an ONNX model into a network file (one unit per tensor element)",
                       description="Expand an ONNX model into Rojas's unit-level network: input units NAME[i,...] "
                                   "after the model's inputs, every parameter element an edge name or a graph param "
                                   "PARAM[i,j,...] after the parameter. The network's outputs are compared with "
                                   "onnx's reference evaluator on a seeded random input before anything is written.")
    p.add_argument("model", metavar="MODEL.onnx", help="the model (external data only from its own folder)")
    p.add_argument("-o", "--out", metavar="NET.json", required=True, help="the network file to write ('-': stdout)")
    p.add_argument("--name", help="the network's name (default: the model graph's)")
    p.add_argument("--objective", metavar="NAME",
                   help="the network's objective (graph field; default the squared error): softmax_cross_entropy "
                        "takes a final Softmax in (the outputs hold the logits), binary_cross_entropy fuses with "
                        "sigmoid outputs")
    p.add_argument("--no-batch", action="store_true",
                   help="the inputs' leading dimension is not a batch: expand it and keep it in the names")
    p.add_argument("--no-check", action="store_true", help="skip the comparison with onnx's reference evaluator")
    p.add_argument("--seed", type=int, default=0, help="seed of the comparison's random input (default 0)")
    p.set_defaults(run=cmd_import)
