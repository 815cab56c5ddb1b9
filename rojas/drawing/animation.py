"""Both sweeps, animated: Rojas's labeling unit by unit, then back, then the gradients.

The animation is the drawing of both sweeps (see :func:`rojas.draw`) revealed
step by step: first the forward sweep in sweep order, each unit's right half
filling with its value and its left half with its stored derivative; then the
1 entering at the objective and the backward sweep from there back to the
inputs, each unit receiving what arrives (Σ) and sending δ on; finally the
gradients o_i·δ_j on the edges, column by column.  A caption under the
drawing says what happens at each step.  Written with ``matplotlib.animation``
and the Pillow writer.
"""

import os

from ..errors import RojasError
from .scene import ObjectiveNode
from ..utils.formatting import fmt
from .style import COLORS

__all__ = ["READING_SPEED", "animate", "staged", "step_seconds", "sweep_steps"]

GREY = "#c8c8c8"


class _Timeline:
    """Changes to artists, grouped in steps; frame k shows steps 0..k."""

    def __init__(self):
        self.changes = {}   # (artist, attr) -> initial value
        self.steps = []     # (caption, spot xy or None, [(artist, attr, value)])

    def step(self, caption, spot=None):
        self.steps.append((caption, spot, []))
        return self.steps[-1][2]

    def change(self, todo, artist, attr, initial, final):
        if artist is None:
            return
        self.changes.setdefault((artist, attr), initial)
        todo.append((artist, attr, final))

    def apply(self, k):
        for (artist, attr), value in self.changes.items():
            _set(artist, attr, value)
        for _, _, todo in self.steps[:k + 1]:
            for artist, attr, value in todo:
                _set(artist, attr, value)


def _set(artist, attr, value):
    if attr == "visible":
        artist.set_visible(value)
    elif attr == "facecolor":
        artist.set_facecolor(value)
    elif attr == "color":
        artist.set_color(value)


def _caption_node(scene, n, backward):
    def num(value):
        return fmt(value, scene.digits)

    spec = scene.nodes[n]
    v = scene.values
    if isinstance(n, ObjectiveNode):
        if n.role == "error":
            stored = v["stores"][n]  # "∂E/∂o = o − t": the objective's seed, as its registry entry writes it
            unit = scene.error_texts.get("unit", "its error")
            if backward:
                return f"error unit of {n.output}: the 1 times its stored derivative {stored} = {num(v['delta'][n])}"
            return (f"error unit of {n.output}: {unit} = {num(v['o'][n])}, stores its derivative "
                    f"{stored} = {num(v['fprime'][n])}")
        if backward:
            return "a 1 enters at E: the backward sweep starts"
        return f"E adds the errors: E = {num(v['o'][n])}"
    if spec.kind == "input":
        return None
    if backward:
        return (f"{spec.name}: Σ of what arrives = {num(v['arriving'][n])}, times f′(s) = {num(v['fprime'][n])}: "
                f"δ = {num(v['delta'][n])}")
    return (f"{spec.name}: s = {num(v['s'][n])}, right half o = {spec.forward['right_head']}(s) = "
            f"{num(v['o'][n])}, left half stores f′(s) = {num(v['fprime'][n])}")


def sweep_steps(drawing):
    """The steps of an animation of `drawing` (a full drawing of both sweeps), one frame each."""
    d, scene = drawing, drawing.scene
    net = d.net
    tl = _Timeline()
    fwd, bwd = d.nodes["forward"], d.nodes["backward"]
    ebwd = d.edges["backward"]

    def xy(panel, n):
        return d.place(n, panel)

    from ..engine.plan import plan_of

    order = [n for n in plan_of(net).order if net.fn(n) != "input"]
    objective = [n for n in scene.order if isinstance(n, ObjectiveNode)]
    obj = "E" if scene.objective == "E" else f"o({scene.objective})"

    def fill(todo, unit, halves=("left", "right")):
        for half in halves:
            patch = getattr(unit, half)
            if patch is not None:
                tl.change(todo, patch, "facecolor", COLORS["empty"], patch.get_facecolor())
            tl.change(todo, unit.texts.get(half), "visible", False, True)

    todo = tl.step("forward sweep: the inputs are set; the weights and biases are given")
    for n in scene.inputs:
        tl.change(todo, fwd[n].texts.get("value"), "visible", False, True)
    for (u, v), art in ebwd.items():
        tl.change(todo, art.arrow, "color", GREY, GREY)
        tl.change(todo, art.label, "visible", False, False)
    for n in order:
        todo = tl.step("forward sweep · " + _caption_node(scene, n, False), xy("forward", n))
        fill(todo, fwd[n])
    if objective:
        E = objective[-1]
        texts = scene.error_texts
        todo = tl.step(f"forward sweep · the error units compute {texts.get('unit')} and store "
                       f"{texts.get('stores')}; E adds them: "
                       f"E = {fmt(scene.values['o'][E], scene.digits)}", xy("forward", E))
        for n in objective:
            fill(todo, fwd[n])
    seed = scene.seed_node
    todo = tl.step(f"backward sweep · a 1 enters at {'E' if objective else scene.nodes[seed].name}; every unit "
                   "keeps the f′(s) it stored on the forward sweep", xy("backward", seed))
    for key in ("backward", "backward label"):
        tl.change(todo, d.seed_arrows.get(key), "visible", False, True)
    for n, unit in bwd.items():
        fill(todo, unit, ("left",))
        tl.change(todo, unit.texts.get("value"), "visible", False, True)
    if objective:
        for n in objective:
            fill(todo, bwd[n], ("right",))
            tl.change(todo, bwd[n].texts.get("below"), "visible", False, True)
            for (a, b), art in ebwd.items():
                if a == n:
                    tl.change(todo, art.arrow, "color", GREY, COLORS["backward"])
        tl.steps[-1] = (tl.steps[-1][0] + f" · the error units pass on 1·({scene.error_texts.get('stores')})",
                        tl.steps[-1][1], todo)
    for n in reversed(order):
        unit = bwd[n]
        todo = tl.step("backward sweep · " + _caption_node(scene, n, True), xy("backward", n))
        fill(todo, unit, ("right",))
        tl.change(todo, unit.texts.get("below"), "visible", False, True)
        for (a, b), art in ebwd.items():  # what arrives at n came along its outgoing edges
            if a == n:
                tl.change(todo, art.arrow, "color", GREY, COLORS["backward"])
    todo = tl.step(f"backward sweep · the inputs receive ∂{obj}/∂x")
    for n in scene.inputs:
        tl.change(todo, bwd[n].texts.get("below"), "visible", False, True)
        for (a, b), art in ebwd.items():
            if a == n:
                tl.change(todo, art.arrow, "color", GREY, COLORS["backward"])
    rule = "; into a product unit Π: δ_p·∂s_p/∂w" if scene.products else ""
    todo = tl.step(f"the gradients: ∂{obj}/∂w_ij = o_i · δ_j on every edge (o from the forward sweep, "
                   f"δ from the backward sweep){rule} · done")
    for art in ebwd.values():
        tl.change(todo, art.label, "visible", False, True)
    return tl


READING_SPEED = 15.0  # characters a second: a caption read while looking at the picture it describes


def step_seconds(sentence, fps=2.0):
    """How long a step of the GIF stays: the time to read its sentence, at least ``1/fps`` seconds.

    Examples
    --------
    >>> step_seconds("E adds the errors: E = 0.2984"), step_seconds("")
    (1.93, 0.5)
    """
    return round(max(1.0 / fps, len(sentence or "") / READING_SPEED), 2)


FRAME_FORMATS = ("png", "pdf")


def staged(obj, dpi=100, sample=None):
    """The drawing of both sweeps set up to show one step at a time.

    Returns ``(drawing, timeline, update, state)``: ``update(k)`` shows steps 0..k with step k's
    sentence under the figure and its unit lit (``timeline.steps[k]`` is ``(sentence, spot, changes)``).

    Raises
    ------
    RojasError
        If the network is too large for a readable full drawing.
    """
    from .render import make_drawing
    from .sizing import FULL_MAX_NODES

    n = len(obj.network)
    if n > FULL_MAX_NODES:  # decided from the size, before anything is drawn
        raise RojasError(f"{n} nodes are too many to animate unit by unit readably (the limit is {FULL_MAX_NODES} "
                         "nodes); draw the network instead (rojas draw)")
    drawing = make_drawing(obj, None, pyplot=False, sweep="both", sample=sample, dpi=dpi)
    if drawing.mode != "full":
        raise RojasError(f"the {n} nodes' numbers do not fit a readable full drawing (it would need more than "
                         "2000 pt a side), so they cannot be animated unit by unit; draw the network instead "
                         "(rojas draw)")
    fig, ax = drawing.figure, drawing.ax
    w, h = fig.get_size_inches()
    caption_h = 0.62  # two lines of caption
    fig.set_size_inches(w, h + caption_h)
    bb = ax.get_position()
    ax.set_position([bb.x0, (bb.y0 * h + caption_h) / (h + caption_h), bb.width, bb.height * h / (h + caption_h)])
    from matplotlib.patches import Circle

    spot = Circle((0, 0), 1.42, facecolor="#ffd34d", edgecolor="none", alpha=0.55, zorder=1.5, visible=False)
    ax.add_patch(spot)
    caption = fig.text(0.012, 0.5 * caption_h / (h + caption_h), "", ha="left", va="center", fontsize=10.5,
                       color=COLORS["ink"], parse_math=False, wrap=True)
    tl = sweep_steps(drawing)

    state = {"shown": None, "repeat": False}

    def update(k):
        k = min(k, len(tl.steps) - 1)
        state["repeat"] = state["shown"] == k
        state["shown"] = k
        tl.apply(k)
        text, where, _ = tl.steps[k]
        caption.set_text(text)
        if where is None:
            spot.set_visible(False)
        else:
            spot.center = where
            spot.set_visible(True)
        return []
    return drawing, tl, update, state


def animate(obj, path=None, *, fps=2.0, dpi=100, sample=None, hold=4, frames="png"):
    """Animate both sweeps of a labeled network; write a GIF when `path` is given.

    Parameters
    ----------
    obj : Labeling
    path : str or os.PathLike, optional
        A ``.gif`` file (Pillow writer), written atomically; a ``.tex`` file, a LaTeX document of one
        page per step (:mod:`.slides`); or a folder (an existing one, or a path ending in ``/``): one
        numbered file per step, ``step-01.png`` …, for slides.
    frames : {"png", "pdf"}
        The format of the steps written into a folder.
    fps : float
        The fastest pace, in steps per second: each step stays at least ``1/fps`` seconds, and
        longer while its sentence needs reading (:func:`step_seconds`).
    dpi : float
        Pixels per inch: at the default 100 the smallest text (7 pt) is
        about 10 pixels high, and a small network's GIF a few hundred kilobytes.
    sample : int, optional
        For a labeling of a batch, the sample to show.
    hold : int
        Extra frames showing the finished drawing at the end.

    Returns
    -------
    matplotlib.animation.FuncAnimation, str or list of str
        Without `path`, the animation (``anim.to_jshtml()`` shows it in a
        notebook); with `path`, the path of the GIF written, or the paths of the steps.

    Raises
    ------
    RojasError
        If `obj` is not a labeling, the network has more nodes than
        :data:`~rojas.drawing.sizing.FULL_MAX_NODES` or its full drawing
        would not be readable (the message names the limit and the size), or
        the file cannot be written.

    Examples
    --------
    >>> import rojas
    >>> from rojas.drawing import animate
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> anim = animate(lab)
    >>> anim._save_count > 10
    True
    """
    from matplotlib.animation import FuncAnimation, PillowWriter

    from ..utils.files import write_atomic
    from ..engine.labeling import Labeling
    from .output import image_format

    if not isinstance(obj, Labeling):
        raise RojasError("animate needs a labeled network (rojas.label(net, inputs, targets)), "
                         f"got {type(obj).__name__}")
    folder = path is not None and (os.path.isdir(path) or os.fspath(path).endswith(("/", os.sep)))
    if folder and frames not in FRAME_FORMATS:
        raise RojasError(f"unknown frame format {frames!r} (use " + " or ".join(FRAME_FORMATS) + ")")
    frame_format = frames
    if path is not None and not folder:
        image_format(path, ("gif", "tex"))
    if not (isinstance(fps, (int, float)) and 0.2 <= fps <= 30):
        raise RojasError(f"fps must be between 0.2 and 30, got {fps!r}")
    if not (isinstance(dpi, (int, float)) and 10 <= dpi <= 600):
        raise RojasError(f"dpi must be between 10 and 600, got {dpi!r}")
    drawing, tl, update, state = staged(obj, dpi, sample)
    fig = drawing.figure
    frames = len(tl.steps) + hold

    if path is not None and os.fspath(path).lower().endswith(".tex"):  # a page per step, for slides
        from ..utils.files import write_text_atomic
        from .slides import steps_document

        write_text_atomic(path, steps_document(drawing, tl, update))
        return os.fspath(path)
    if folder:  # one file per step: slides, a step a slide
        from .formats import text_as_text

        os.makedirs(path, exist_ok=True)
        written = []
        with text_as_text():
            for k in range(len(tl.steps)):
                update(k)
                out = os.path.join(path, f"step-{k + 1:02d}.{frame_format}")
                write_atomic(out, lambda tmp: fig.savefig(tmp, format=frame_format, dpi=dpi))
                written.append(out)
        return written
    if path is None:
        update(0)
        anim = FuncAnimation(fig, update, frames=frames, interval=1000 / fps, blit=False, repeat=True)
        fig.canvas.draw()  # the first frame: the animation has started (no warning when it is dropped)
        anim._rojas_steps = tl.steps
        return anim

    class Writer(PillowWriter):
        """The Pillow writer, reusing the last image while the picture holds still."""

        def grab_frame(self, **savefig_kwargs):
            if state["repeat"] and getattr(self, "_frames", None):
                self._frames.append(self._frames[-1])
                return
            super().grab_frame(**savefig_kwargs)

        def finish(self):  # each step as long as its sentence takes to read
            durations = [round(1000 * step_seconds(tl.steps[k][0], fps)) if k < len(tl.steps) else 1000
                         for k in range(len(self._frames))]  # then the finished drawing, held a second a frame
            self._frames[0].save(self.outfile, save_all=True, append_images=self._frames[1:], duration=durations,
                                 loop=0)

    def write(tmp):
        writer = Writer(fps=fps)
        with writer.saving(fig, tmp, dpi):
            for k in range(frames):
                update(k)
                writer.grab_frame()

    write_atomic(path, write)
    return os.fspath(path)
