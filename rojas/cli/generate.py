"""``rojas generate``: draw a network (and data for it) from a seed."""

from .common import count, positive_float

__all__ = ["add_commands", "cmd_generate"]


def _names(text):
    """``tanh,relu,…``: a comma-separated list of primitive names."""
    return [p.strip() for p in text.split(",") if p.strip()]


def cmd_generate(args):
    from ..network.generate import generate_dict, sample_data
    from ..network.nodelink import from_dict
    from ..utils.files import check_outputs, write_json_atomic

    writes = [("-o", args.output)] + ([("--data-out", args.data_out)] if args.data_out else [])
    check_outputs(writes=writes)
    data = generate_dict(args.kind, args.units, args.fan_in, args.primitives, args.seed, inputs=args.inputs,
                         outputs=args.outputs, depth=args.depth, scale=args.scale, reach_all=not args.allow_dead,
                         output_fn=args.output_fn)
    net = from_dict(data, "generated network", warn=False)  # checked as a loaded file is
    write_json_atomic(args.output, data)
    print(f"wrote {args.output} ({len(net.nodes):,} nodes, {len(net.edges):,} edges, "
          f"{int(max(net.levels())) + 1} generations)")
    if args.data_out:
        write_json_atomic(args.data_out, sample_data(net, args.seed, args.batch))
        print(f"wrote {args.data_out} (inputs and targets drawn from [−1, 1], seed {args.seed})")
    return 0


def add_commands(sub):
    from ..network.generate import KINDS

    g = sub.add_parser("generate", help="draw a network (and data) from a seed: layered, random, skip, chain, resnet",
                       description="Draw a network with NumPy from one seed: the same options give the same file. "
                                   "Unless --allow-dead, every unit reaches an output.")
    g.add_argument("--kind", choices=KINDS, default="layered", help="the shape (default layered)")
    g.add_argument("--units", type=count, default=100, metavar="N", help="units, outputs included (default 100)")
    g.add_argument("--fan-in", type=count, default=3, metavar="K", help="edges into each unit (default 3)")
    g.add_argument("--depth", type=count, default=None, metavar="D",
                   help="hidden layers or residual blocks (default 4; chain and random ignore it)")
    g.add_argument("--inputs", type=count, default=None, metavar="I", help="input nodes (default K)")
    g.add_argument("--outputs", type=count, default=1, metavar="M", help="output units (default 1)")
    g.add_argument("--primitives", type=_names, default=["tanh"], metavar="F,G,…",
                   help="the hidden units' primitives, drawn per unit (default tanh)")
    g.add_argument("--output-fn", default="identity", metavar="F", help="the outputs' primitive (default identity)")
    g.add_argument("--scale", type=positive_float, default=1.0, metavar="S",
                   help="weights ~ normal(0, S²/fan-in) (default 1)")
    g.add_argument("--seed", type=count, default=0, metavar="S", help="the seed (default 0)")
    g.add_argument("--allow-dead", action="store_true", help="leave units that feed nothing as drawn")
    g.add_argument("-o", "--output", required=True, metavar="NET.json", help="the network file to write")
    g.add_argument("--data-out", metavar="D.json", help="also write inputs and targets for it")
    g.add_argument("--batch", type=count, default=None, metavar="B", help="with --data-out: B samples")
    g.set_defaults(run=cmd_generate)
