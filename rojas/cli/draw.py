"""The ``rojas draw`` and ``rojas animate`` commands."""

import os
import shlex

from ..errors import RojasError, RojasWarning
from ..utils.escaping import terminal
from .common import add_data_options, network_and_data, note_unreachable

__all__ = ["add_commands", "cmd_animate", "cmd_draw"]


def _size(text):
    """``W,H`` in inches from the command line."""
    import argparse

    try:
        w, h = (float(v) for v in text.replace("x", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTH,HEIGHT in inches, got {text!r}") from None
    return w, h


def _labeling_or_network(args, to=None):
    from ..engine.labeling import label

    net, inputs, targets = network_and_data(args)
    if not inputs and not args.data:
        return net
    of = to if to is not None else getattr(args, "of", None)
    return note_unreachable(label(net, inputs, None if of is not None else targets, of=of))


def cmd_draw(args):
    from ..drawing.formats import figure_format
    from ..drawing.output import save_drawing
    from ..drawing.style import DEFAULT_DPI
    from ..utils.files import check_outputs

    check_outputs(reads=[("NET.json", args.network), ("--data", args.data)], writes=[("-o", args.output)])

    fmt = figure_format(args.output)
    if args.focus is not None:
        return _draw_focus(args)
    to = None
    if args.to is not None:
        from ..network.data import lookup_node
        from ..network import load

        to = lookup_node(load(args.network), args.to, "--to")
    obj = _labeling_or_network(args, to)
    import warnings

    with warnings.catch_warnings():  # what was left out is said once, below, not as a Python warning
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("always", RojasWarning)  # but text drawn shortened is said, as a warning line
        fixed = {}
        if args.width is not None or args.page is not None:
            from ..drawing.page import parse_width

            if args.width is not None and args.page is not None:
                raise RojasError("give --width or --page, not both")
            if args.size is not None:
                raise RojasError("give --width (or --page) or --size, not both: the height follows the width")
            fixed = {"width": parse_width(args.width)} if args.width is not None else {"page": args.page}
        drawing = save_drawing(obj, args.output, dpi=args.dpi, figsize=args.size, sweep=args.sweep,
                               paths=args.paths, to=to, sample=args.sample, detail=args.detail, title=args.title,
                               digits=args.digits, style=args.style, **fixed)
    size = ""
    if drawing.ax is not None:
        w, h = drawing.figure.get_size_inches()
        dpi = drawing.dpi or args.dpi or DEFAULT_DPI
        size = f"{round(w * dpi)}×{round(h * dpi)} px, " if fmt.pixels else f"{w * 72:.0f}×{h * 72:.0f} pt, "
    files = getattr(drawing, "files", [args.output])
    if drawing.pages:  # a page too small for every table: further pages, in the file or beside it
        print(f"wrote {', '.join(map(terminal, files))} "
              f"({len(drawing.pages) + 1} pages of {size}{drawing.mode} detail)")
        for item in drawing.left_out:
            print(f"note: {item}")
        return 0
    if drawing.mode == "graphviz":
        pinned = drawing.program == "neato"
        command = f"{drawing.program} -Tpdf {terminal(shlex.quote(args.output))} -o FILE.pdf"
        print(f"wrote {terminal(args.output)} (Graphviz source{', the units pinned by their pos' * pinned}: "
              f"render with `{command}`{'; dot would ignore the pins' * pinned})")
        return 0
    sweeps = f", {' and '.join(drawing.panels)} sweep{'s' * (len(drawing.panels) > 1)}" if drawing.panels else ""
    print(f"wrote {terminal(args.output)} ({size}{drawing.mode} detail{sweeps})")
    for item in drawing.left_out:
        print(f"note: {item}")
    return 0


def _draw_focus(args):
    """``draw --focus W``: the weight's cone, or its top paths with the rest summarised."""
    from ..drawing.focus import focus_of
    from ..drawing.focus_figure import save_focus
    from ..drawing.style import DEFAULT_DPI
    from ..engine.labeling import Labeling

    for given, option in ((args.paths, "--paths"), (args.to, "--to"), (args.sweep, "--sweep"),
                          (args.width, "--width"), (args.page, "--page")):  # the focus figure has its own size
        if given is not None:
            raise RojasError(f"give --focus or {option}, not both")
    obj = _labeling_or_network(args)
    if not isinstance(obj, Labeling):
        raise RojasError("--focus needs the inputs (and targets): give --data DATA.json or --input NAME=V")
    focus = focus_of(obj, args.focus)
    save_focus(focus, args.output, dpi=args.dpi or DEFAULT_DPI, title=args.title)
    print(f"wrote {terminal(args.output)} (focus on {terminal(focus.source.label)}: {focus.reason})")
    return 0


def cmd_animate(args):
    from ..drawing.animation import animate
    from ..drawing.output import image_format
    from ..utils.files import check_outputs
    from ..engine.labeling import Labeling

    folder = os.path.isdir(args.output) or args.output.endswith(("/", os.sep))
    check_outputs(reads=[("NET.json", args.network), ("--data", args.data)],
                  writes=[] if folder else [("-o", args.output)])
    if not folder:
        image_format(args.output, ("gif", "tex"))
    obj = _labeling_or_network(args)
    if not isinstance(obj, Labeling):
        raise RojasError("animate needs the inputs (and targets): give --data DATA.json or --input NAME=V")
    path = animate(obj, args.output, fps=args.fps, dpi=args.dpi, sample=args.sample, frames=args.frames)
    if folder:
        print(f"wrote {len(path)} steps into {terminal(args.output)}: {terminal(os.path.basename(path[0]))} … "
              f"{terminal(os.path.basename(path[-1]))} (one a slide)")
        return 0
    if path.lower().endswith(".tex"):
        from pathlib import Path

        steps = Path(path).read_text(encoding="utf-8").count("\\begin{tikzpicture}")
        print(f"wrote {terminal(path)} (LaTeX, {steps} pages: one a step, for pdflatex)")
        return 0
    print(f"wrote {terminal(path)} ({os.path.getsize(path) / 1024:.0f} kB)")
    return 0


def add_commands(sub):

    from ..drawing.formats import FIGURE_FORMATS

    kinds = "; ".join(f".{s} {f.description}" for s, f in FIGURE_FORMATS.items())
    draw = sub.add_parser("draw", help="draw a network (labeled, with --data) as Rojas does: PNG, SVG, PDF, "
                                       "TikZ or Graphviz")
    add_data_options(draw)
    draw.add_argument("-o", "--output", required=True, metavar="FILE",
                      help=f"the figure, its format from the extension: {kinds}")
    draw.add_argument("--sweep", choices=("forward", "backward", "both"),
                      help="which sweep to draw (default: both with data, forward without)")
    draw.add_argument("--paths", metavar="SRC",
                      help="highlight every path from SRC (an edge name or u->v, a param, b:NODE, a node)")
    draw.add_argument("--to", metavar="NODE", help="with --paths: end the paths at this node instead of E")
    draw.add_argument("--focus", metavar="SRC",
                      help="draw only where SRC's gradient comes from: its cone when small, else its top paths "
                           "with the rest summarised (any size)")
    draw.add_argument("--sample", type=int, metavar="K", help="for a batch: draw sample K (from 0)")
    draw.add_argument("--detail", choices=("auto", "full", "table", "summary", "bare"), default="auto",
                      help="every number on the graph (full), ids on the graph and the numbers in numbered tables "
                           "(table), or levels and spreads (summary; bare is its old name); default: the most "
                           "detailed that fits 2000 pt a side")
    draw.add_argument("--size", type=_size, metavar="W,H",
                      help="image size in inches (default: what fits); refused if it would set text under 7 pt")
    draw.add_argument("--width", metavar="W", help="a fixed width (6.5in, 16cm, 468pt): no text under 7 pt, "
                                                   "what does not fit goes to numbered tables below the graph")
    from ..drawing.page import PAGES
    from ..drawing.style import DEFAULT_DPI, MAX_SIDE_PX

    draw.add_argument("--page", choices=list(PAGES),
                      help="a page's text block or a slide: the figure is exactly its size and the tables that "
                           "do not fit continue on further pages (in the PDF, or FILE-2.svg, FILE-2.png …)")
    draw.add_argument("--dpi", type=float, default=None,
                      help=f"pixels per inch of a PNG (default {DEFAULT_DPI}, less for a figure over "
                           f"{MAX_SIDE_PX} px a side at {DEFAULT_DPI})")
    draw.add_argument("--title", help="instead of the network's name")
    draw.add_argument("--digits", type=int, metavar="N", help="significant digits of every number (default 4)")
    draw.add_argument("--style", choices=("default", "print"), default="default",
                      help="the paths' colours: print sets them in greys, told apart by dashes and numbers")
    draw.set_defaults(run=cmd_draw)

    anim = sub.add_parser("animate", help="animate both sweeps of a labeled network into a GIF")
    add_data_options(anim)
    anim.add_argument("-o", "--output", required=True, metavar="FILE.gif",
                      help="the GIF to write; a .tex file, a LaTeX document of one page per step (for slides, "
                           "pdflatex); or a folder (ending in /) for one numbered file per step")
    anim.add_argument("--frames", choices=("png", "pdf"), default="png",
                      help="with -o FOLDER/: the steps as PNG or PDF files (default png)")
    anim.add_argument("--sample", type=int, metavar="K", help="for a batch: animate sample K (from 0)")
    anim.add_argument("--fps", type=float, default=2.0,
                      help="the fastest pace in steps per second (default 2); each step stays as long as its "
                           "sentence takes to read")
    anim.add_argument("--dpi", type=float, default=100, help="pixels per inch (default 100: 7 pt is 10 px)")
    anim.set_defaults(run=cmd_animate)
