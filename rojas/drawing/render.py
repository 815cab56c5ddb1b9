"""``draw``: a network, or a labeled network, as Rojas draws it.

A drawing has one or two *panels* on one axes: the forward sweep (every unit's
right half holds o = f(s), its left half the stored f'(s); edges carry their
weights) and the backward sweep (arrows reversed; what arrives at a unit from
the right, the f'(s) it multiplies by, the δ it sends on; edges carry the
factor the sweep multiplies by and the gradient).  The level of detail is
decided from the network's size first (:mod:`.sizing`): ``full`` (every
number on the graph), ``table`` (ids on the graph, every number in numbered
tables beside it) or ``summary`` (levels and the spread of |δ| and |∂E/∂w|).
Texts are never shrunk below 7 pt nor left out: the figure grows, or the
detail changes and the figure says so.

The pieces: :mod:`.scene` (what each node and edge says), :mod:`.sizing`
(the plans), :mod:`.panels` (units and headings), :mod:`.edges` (arrows and
labels), :mod:`.tables`, :mod:`.summary`, :mod:`.fitting`.
"""

import math
import warnings

from ..errors import RojasError
from .artists import Drawing
from .captions import say_left_out
from .edges import EdgeArtists
from .fitting import fit
from .page import check_size_keeps_text, page_size, settle_page, summary_size
from .panels import Context, draw_full
from .scene import build_scene
from .sizing import DETAILS, modes_for, plans, room_of
from .style import MAX_SIDE_PT, MAX_SIDE_SLACK, literal
from .tables import compact_extras, draw_compact
from .units import Measure

__all__ = ["DETAILS", "SWEEPS", "Drawing", "EdgeArtists", "draw", "make_drawing"]

SWEEPS = ("forward", "backward", "both")


def split_object(obj):
    """``(network, labeling or None)`` of what :func:`draw` was given."""
    import networkx as nx

    from ..engine.labeling import Labeling
    from ..network import Network

    if isinstance(obj, Labeling):
        return obj.network, obj
    if isinstance(obj, Network):
        return obj, None
    if isinstance(obj, nx.DiGraph):
        return Network(obj), None
    raise RojasError(f"draw: expected a Network, a Labeling or a networkx.DiGraph, got {type(obj).__name__}")


def new_figure(size, pyplot):
    if pyplot:
        from ..learning.loss_plot import headless_pyplot

        return headless_pyplot().figure(figsize=size)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def draw(obj, ax=None, *, sweep=None, paths=None, to=None, sample=None, detail="auto", figsize=None,
         title=None, legend=True, digits=None, width=None, style="default", page=None):
    """Draw a network, or a labeled network, as Rojas draws it.

    Every unit is a circle split vertically: the left half holds the stored
    derivative f'(s), the right half the function's name and its value
    o = f(s); the bias is written under the unit, its id above; inputs are
    boxes, outputs have a second ring, product units say Π.  Edges carry their
    weight's name and value.  On the backward sweep the arrows are reversed,
    each unit shows what arrives from the right (Σ), the f'(s) it multiplies
    by and the δ it sends on, and each edge the weight the sweep multiplies by
    and the gradient ∂E/∂w.  With targets, Rojas's extended network is drawn
    too: an error unit per output (for squared error ½(o − t)², storing o − t:
    the objective registry's texts) and their sum E, where the 1 enters.

    Parameters
    ----------
    obj : Labeling, Network or networkx.DiGraph
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new pyplot figure sized to the network
        (Agg backend when there is no display).  In given axes the texts keep
        their sizes; what does not fit is said in a note and a warning.
    sweep : {"forward", "backward", "both"}, optional
        Default: "both" for a labeling, "forward" for a network.
    paths : reference, optional
        Highlight every path from this source (an edge name or ``"u->v"``, a
        param, ``b:NODE``, ``s:NODE``, ``o:NODE`` or a node; see
        :func:`rojas.proof.paths.resolve_source`) to the objective, each with its
        colour, its number and (beyond eight) its dash pattern, with its
        factors and product in a legend and their total beside the backward
        sweep's value.  Needs a labeling.
    to : node, optional
        End the paths at this node (the labeling must be ``of=to``).
    sample : int, optional
        For a labeling of a batch: the sample to show (default 0).
    detail : {"auto", "full", "table", "summary"}
        ``auto`` picks the most detailed level that fits (see :mod:`rojas.drawing.sizing`).
    figsize : (float, float), optional
        Inches, when `ax` is None.
    title : str, optional
        Instead of the network's name (written literally).
    legend : bool
        Draw the legend of the highlighted paths.
    digits : int, optional
        Significant digits of every number (default
        :data:`rojas.utils.formatting.FIGURE_DIGITS`, 4).
    style : {"default", "print"}
        The paths' colours: "print" sets them in black and greys (a grey page), told apart by
        their dash patterns and numbered badges.
    width : float, optional
        A fixed width in points (a page's or a slide's, see :mod:`rojas.drawing.page`), when `ax`
        is None: no text shrinks; what does not fit goes to the numbered tables below the graph.
    page : str or (float, float), optional
        Instead of `width`, a page (a name of :data:`rojas.drawing.page.PAGES` or its sides in points):
        the figure is exactly that size and the tables that do not fit continue on ``Drawing.pages``.

    Returns
    -------
    Drawing

    Raises
    ------
    RojasError
        For an unknown `sweep` or `detail`, a backward sweep or paths asked of
        an unlabeled network, an unknown path source, or too many paths.

    Examples
    --------
    >>> import rojas
    >>> from matplotlib.figure import Figure
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> d = rojas.draw(lab, ax=Figure(figsize=(13, 17)).subplots())
    >>> d.mode, d.panels
    ('full', ['forward', 'backward'])
    >>> d.nodes["forward"]["h1"].texts["right"].get_text()      # o_h1
    '0.5933'
    >>> d.edges["backward"]["h1", "o1"].label.get_text()        # ×w5, then ∂E/∂w5
    '×w5 = 0.4\\n∂E/∂w5 = 0.08217'
    """
    return make_drawing(obj, ax, pyplot=True, sweep=sweep, paths=paths, to=to, sample=sample, detail=detail,
                        figsize=figsize, title=title, legend=legend, digits=digits, width=width,
                        style=style, page=page)


def check_digits(digits):
    """The significant digits asked for: an integer from 1 to 17 (None: the figures' 4)."""
    from ..utils.formatting import FIGURE_DIGITS

    if digits is None:
        return FIGURE_DIGITS
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise RojasError(f"digits must be a whole number from 1 to 17, got {digits!r}")
    return digits


def _check(lab, sweep, detail, paths, figsize):
    if sweep not in SWEEPS:
        raise RojasError(f"unknown sweep {sweep!r} (use forward, backward or both)")
    if detail not in DETAILS and detail != "bare":
        raise RojasError(f"unknown detail {detail!r} (use auto, full, table or summary)")
    if lab is None and sweep != "forward":
        raise RojasError(f"the {sweep} sweep needs a labeled network: give the inputs (and targets)")
    if lab is None and paths is not None:
        raise RojasError("highlighting paths needs a labeled network: give the inputs (and targets)")
    if figsize is not None:
        try:
            figsize = (float(figsize[0]), float(figsize[1]))
        except (TypeError, ValueError, IndexError):
            raise RojasError(f"figsize must be (width, height) in inches, got {figsize!r}") from None
        if not all(math.isfinite(v) and 0.5 <= v <= 100 for v in figsize):
            raise RojasError(f"figsize must be between 0.5 and 100 inches, got {figsize!r}")
    return figsize


def make_drawing(obj, ax, pyplot, *, sweep=None, paths=None, to=None, sample=None, detail="auto", figsize=None,
                 title=None, legend=True, dpi=None, digits=None, width=None, style="default", page=None,
                 _probe=False):
    """:func:`draw`, on a figure of pyplot's or one of our own (``pyplot=False``, for files)."""
    from ..engine.labeling import Labeling

    if isinstance(obj, Labeling):  # its plan has the counts: the labeling's network copy is made only if drawn
        net, lab, compiled = None, obj, obj.plan
    else:
        from ..engine.plan import plan_of

        net, lab = split_object(obj)
        compiled = plan_of(net)
    sweep = sweep or ("both" if lab is not None else "forward")
    figsize = _check(lab, sweep, detail, paths, figsize)
    digits = check_digits(digits)
    from .style import PATH_STYLES

    if style not in PATH_STYLES:
        raise RojasError(f"unknown style {style!r} (use " + " or ".join(PATH_STYLES) + ")")
    height = None
    if page is not None:
        if width is not None:
            raise RojasError("give a width or a page, not both")
        width, height = page_size(page)
    if width is not None and (ax is not None or figsize is not None):
        raise RojasError("give a width or a size (or axes), not both: the height follows the width")
    if width is not None and not (isinstance(width, (int, float)) and 144 <= width <= MAX_SIDE_PT):
        raise RojasError(f"width must be from 144 to {MAX_SIDE_PT:.0f} points, got {width!r}")
    n_nodes, n_edges = compiled.n_nodes, len(compiled.src)
    modes = modes_for(n_nodes, n_edges, detail)  # the size decides first: nothing is laid out yet
    panels = ["forward", "backward"] if sweep == "both" else [sweep]
    own = ax is None
    name = compiled.name if net is None else net.name
    title_text = literal(title) if title is not None else (literal(name) or "network")

    def summary_fig():  # a summary takes the width (and the page's height) too
        return summary_size(width, height, n_nodes) if width is not None else None

    if modes[0] == "summary":
        return _summary(compiled, lab, ax, own, pyplot, figsize or summary_fig(), dpi, sample, title_text, paths,
                        n_nodes)
    if net is None:
        net = lab.network
    ps = None
    if paths is not None:
        from .highlight import path_table

        ps = path_table(lab, paths, to)
    scene = build_scene(net, lab, sample, digits=digits)
    scene.title, scene.style, scene.page_width = title_text, style, width
    user_legend = None
    if ps is not None and legend and not own:
        from .highlight import path_legend

        user_legend = path_legend(ax, ps, scene.digits, scene.style)  # inside the axes' place, the drawing above it
        fig = ax.figure
        lh = user_legend.get_window_extent(fig.canvas.get_renderer()).height / fig.bbox.height
        bb = ax.get_position()
        cut = min(lh + 0.01, bb.height * 0.6)
        ax.set_position([bb.x0, bb.y0 + cut, bb.width, bb.height - cut])
    box = None if own else ax.get_position()
    room = room_of(ax, figsize) if width is None else (width, 10 * MAX_SIDE_PT)
    fig = drawing = kept = None  # kept: with a width, the last full plan that fitted it
    crowded = {}  # {column: attempts} of the gaps crossed by edges whose labels found no free place: widened next
    for plan in plans(scene, panels, modes, room, fixed=not own or figsize is not None, width=width, height=height,
                      crowded=crowded):
        if drawing is not None:  # the last attempt was too crowded: start again with the next plan
            drawing.remove()
            if box is not None:
                ax.set_position(box)
        if plan is None:  # the summary
            return _summary(compiled, lab, ax, own, pyplot, figsize or summary_fig(), dpi, sample, title_text, paths,
                            n_nodes, reason="the numbers do not fit at a readable size", fig=fig)
        if own:
            w_pt, h_pt = plan.size_pt()
            if figsize is None and max(w_pt, h_pt) > 10 * MAX_SIDE_PT:  # before a canvas of that size exists
                raise RojasError(f"detail {detail!r}: the figure would be {w_pt:,.0f}×{h_pt:,.0f} pt, over ten times "
                                 f"the {MAX_SIDE_PT:,.0f} pt a side a figure may have; use detail 'summary' or 'auto'")
            if fig is None:
                fig = new_figure(figsize or (w_pt / 72, h_pt / 72), pyplot=pyplot)
                if dpi is not None:
                    fig.set_dpi(dpi)
                ax = fig.add_axes([0, 0, 1, 1])
            if figsize is None:
                fig.set_size_inches(w_pt / 72, h_pt / 72)
            fw, _ = fig.get_size_inches()
            ax.set_position([0, 0, 1 - (plan.table_size()[0] / 72) / fw, 1])
        drawing = _attempt(ax, own, plan, net, scene, ps, legend, user_legend, figsize)
        if width is not None:
            def again(old, scale):  # the graph drawn smaller, to leave a page's room for the rest
                old.remove()
                plan.scale = scale
                return _attempt(ax, own, plan, net, scene, ps, legend, user_legend, figsize)

            # A full drawing wider (or taller) than asked goes to the tables' level; asked for, it is refused,
            # unless it was widened for crowded labels: then the last one that fitted is drawn again.
            drawing, fits = settle_page(drawing, width, height, plan.scale, again, "auto" if kept else detail)
            if not fits and kept is not None and detail != "auto":
                drawing.remove()
                plan = kept
                fig.set_size_inches(*(v / 72 for v in plan.size_pt()))
                ax.set_position([0, 0, 1 - (plan.table_size()[0] / 72) / fig.get_size_inches()[0], 1])
                drawing = _attempt(ax, own, plan, net, scene, ps, legend, user_legend, figsize)
                drawing, _ = settle_page(drawing, width, height, plan.scale, again, detail)
                break
            kept = plan if fits and plan.mode == "full" else None
            too_big = not fits
        else:
            too_big = own and figsize is None and max(_drawn_size(drawing)) > MAX_SIDE_PT * MAX_SIDE_SLACK
        if not drawing.crowded and (not too_big or detail != "auto"):
            break
        column = drawing.layout.column
        for c in {c for u, v in drawing.crowded_edges for c in range(column[u], column[v])}:
            crowded[c] = crowded.get(c, 0) + 1
    say_left_out(drawing, panels, detail, warn=not own)
    if own and figsize is not None and drawing.font_factor < 1 and not _probe:  # too small for 7 pt: refused
        def attempt(size):
            return make_drawing(obj, None, False, sweep=sweep, paths=paths, to=to, sample=sample, detail=detail,
                                title=title, legend=legend, digits=digits, figsize=size, _probe=True)

        natural = attempt(None).figure.get_size_inches()
        size = [math.ceil((v + 8 / 72) * 10) / 10 for v in natural]  # the room is the size less 8 pt
        for _ in range(8):  # the smallest size that sets every text at its own size, to 0.1 in
            if attempt(tuple(size)).font_factor >= 1:
                break
            size = [math.ceil(v * 10.5) / 10 for v in size]
        check_size_keeps_text(drawing, figsize, size)
    return drawing


def _drawn_size(drawing):
    """The figure's size in points without the legend of the paths: the level of detail does not depend
    on which paths are highlighted (the legend adds its height below whatever was chosen)."""
    w, h = (v * 72 for v in drawing.figure.get_size_inches())
    if drawing.legend is not None:
        fig = drawing.figure
        h -= drawing.legend.get_window_extent(fig.canvas.get_renderer()).height * 72 / fig.dpi
    return w, h


def _summary(plan, lab, ax, own, pyplot, figsize, dpi, sample, title, paths, n_nodes, reason=None, fig=None):
    from .summary import SUMMARY_SIZE, draw_summary

    if own:
        if fig is None:
            fig = new_figure(figsize or SUMMARY_SIZE, pyplot=pyplot)
        elif figsize is not None:  # a fixed size, a width or a page: not the size of the plan tried first
            fig.set_size_inches(*figsize)
        for other in list(fig.axes):
            other.remove()
        if dpi is not None:
            fig.set_dpi(dpi)
        ax = fig.add_axes([0, 0, 1, 1])
    drawing = Drawing(ax)
    drawing.mode, drawing.scene_title = "summary", title
    if reason is None:
        reason = f"{n_nodes:,} nodes are too many to draw one by one"
    draw_summary(drawing, plan, lab, ax, own and figsize is None, sample, reason)
    drawing.left_out = ["no unit or edge drawn one by one: the summary shows the levels and how |δ| and "
                        "|∂E/∂w| spread over them"] + \
        ([f"the paths from {paths} (too many units to draw them)"] if paths is not None else [])
    if not own:
        warnings.warn("rojas.draw: " + "; ".join(drawing.left_out), stacklevel=3)
    return drawing


def _attempt(ax, own, plan, net, scene, ps, legend, user_legend, figsize):
    """Draw `plan` on `ax`; the drawing's ``crowded`` counts labels that found no free place."""
    fig = ax.figure
    scale = plan.scale
    tw_pt, _ = plan.table_size()
    drawing = Drawing(ax)
    drawing.net, drawing.scene_title = net, scene.title
    drawing.mode, drawing.panels, drawing.layout, drawing.scene = plan.mode, list(plan.panels), plan.layout, scene
    drawing.path_sum, drawing.font_factor = ps, plan.font_factor
    if ps is not None and legend:
        from .highlight import path_legend

        drawing.legend = user_legend if user_legend is not None else \
            (ax.get_legend() or path_legend(ax, ps, scene.digits, scene.style, scene.page_width))
    if plan.mode == "table" and not own:
        bb = ax.get_position()
        frac = (tw_pt / 72) / fig.get_size_inches()[0]
        ax.set_position([bb.x0, bb.y0, max(bb.width - frac, bb.width * 0.3), bb.height])
    ax.set_axis_off()
    # Limits from the plan's (generous) extent: the scale is then at most what the plan chose.
    x0 = plan.xmin - plan.left
    x1 = x0 + plan.total_width
    y0 = -(plan.height + plan.extra_h_pt / max(scale, 1e-9))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, 0.0)
    ax.set_aspect("equal", adjustable="box")
    ax.apply_aspect()
    measure = Measure(ax)
    drawing.scale = measure.points_per_unit
    ctx = Context(drawing, plan, measure)
    if plan.mode == "full":
        draw_full(ctx)
    else:
        draw_compact(ctx)
    drawing.crowded, drawing.crowded_edges = ctx.crowded, ctx.crowded_edges
    if ps is not None:
        from .highlight import highlight_paths

        highlight_paths(ctx, ps)
    if plan.mode != "full":
        compact_extras(ctx)
    fit(drawing, own and figsize is None, measure.points_per_unit)
    if not own or figsize is not None:
        drawing.scale = Measure(ax).points_per_unit
    return drawing
