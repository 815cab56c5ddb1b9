"""A drawing as Graphviz ``dot`` source: the same scene, laid out by Graphviz.

Every unit is a record split as Rojas splits it — its id over the stored
derivative f'(s) beside the function and o = f(s), over what arrives on the
backward sweep (Σ) and the δ it sends on; inputs are boxes with their value and
∂E/∂x; edges carry the weight and the gradient; with targets the error units
and E of the extended network are drawn.  Highlighted paths colour their
edges (one colour per path, side by side where paths share an edge, the
path numbers in the label) and a legend node lists each path's factors and
product.  Graphviz node names are ``n0, n1, …`` (the id is in the label), so
no user id can break the source; labels are escaped for records.
"""

from ..utils.formatting import factor, fmt
from .scene import ObjectiveNode

__all__ = ["dot_source", "layout_program"]

_RECORD_SPECIAL = set('\\{}|<>"')


def _record(text):
    """Text inside a record field: its special characters escaped, lines centred."""
    out = "".join("\\" + c if c in _RECORD_SPECIAL else c for c in str(text))
    return out.replace("\r", "").replace("\n", "\\n")


def _quoted(text):
    """Text inside a double-quoted dot string (a plain label)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")


def _html(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _fields(spec, labeled):
    """The rows of a unit's record: id, f'(s) | f and o, Σ and δ, bias."""
    f, b = spec.forward, spec.backward
    above = f.get("above") or spec.name
    if spec.kind == "error":
        above = f"{spec.name}  ({f.get('above')})"
    split = (f"{f.get('left_head') or ''}\\n{_record(f.get('left') or '')}|"
             f"{_record(f.get('right_head') or '')}\\n{_record(f.get('right') or '')}")
    rows = [_record(above), "{" + split + "}"]
    if labeled:
        rows.append(_record(f"Σ = {b.get('right') or ''}    {b.get('below') or ''}".strip()))
    if f.get("below"):
        rows.append(_record(f["below"]))
    return "|".join(rows)


def dot_source(scene, ps=None, *, styles=None):
    """The ``dot`` source of a :class:`~rojas.drawing.scene.Scene` (and the paths of `ps`, highlighted).

    Parameters
    ----------
    scene : Scene
    ps : PathSum, optional
        The paths to colour.
    styles : callable, optional
        ``i -> (colour, dash)`` of path i (default :func:`rojas.drawing.highlight.path_style`).

    Examples
    --------
    >>> import rojas
    >>> from rojas.drawing.scene import build_scene
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> text = dot_source(build_scene(lab.network, lab))
    >>> text.splitlines()[1].startswith("digraph") and "shape=record" in text and "∂E/∂w5 = 0.08217" in text
    True
    """
    if styles is None:
        from .highlight import path_style

        def styles(i):
            return path_style(i, scene.style)
    ids = {n: f"n{i}" for i, n in enumerate(scene.order)}
    at = _pinned(scene)
    program = "neato" if at else "dot"
    lines = [f"// written by rojas: render with `{program} -Tpdf FILE.dot -o FILE.pdf`"
             + (" (the units are pinned by their pos; dot would rank them itself and ignore it)" if at else ""),
             f'digraph "{_quoted(scene.title)}" {{',
             f'  graph [rankdir=LR, labelloc=t, labeljust=l, nodesep=0.35, ranksep=1.1, fontname="Helvetica", '
             f'label="{_quoted(scene.title)}\\n{_quoted(scene.subtitle)}\\l"];',
             '  node [fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for n in scene.order:
        spec = scene.nodes[n]
        if spec.kind == "input":
            label = [spec.name]
            if scene.labeled:
                label += [spec.forward.get("value") or "", spec.backward.get("below") or ""]
            lines.append(f'  {ids[n]} [shape=box, style="rounded,filled", fillcolor="#e4f1dc"{at.get(n, "")}, '
                         f'label="{_quoted(chr(10).join(label))}"];')
            continue
        shape = "Mrecord" if spec.kind in ("error", "sum") else "record"
        extra = ", peripheries=2" if spec.output else ""
        fill = "#efefef" if isinstance(n, ObjectiveNode) else "#fdf3e6"
        lines.append(f'  {ids[n]} [shape={shape}, style=filled, fillcolor="{fill}"{extra}{at.get(n, "")}, '
                     f'label="{_fields(spec, scene.labeled)}"];')
    on_path = {}
    if ps is not None:
        from .highlight import _edge_chain

        drawn = any(isinstance(n, ObjectiveNode) for n in scene.order)
        for i, p in enumerate(ps.paths):
            for e in _edge_chain(p["nodes"], drawn):
                on_path.setdefault(e, []).append(i)
    for e in scene.edges:
        if e.u not in ids or e.v not in ids:
            continue
        attrs = []
        if e.objective:
            attrs.append("style=dashed")
        else:
            text = e.forward or ""
            if scene.labeled and e.backward:
                text += "\n" + e.backward.split("\n")[-1]
            attrs.append(f'label="{_quoted(text)}"')
        users = on_path.get((e.u, e.v), [])
        if users:
            colours = ":".join(styles(i)[0] for i in users)
            dashes = {styles(i)[1] for i in users}
            attrs.append(f'color="{colours}", penwidth=2.2')
            if "-" not in dashes:  # every path on the edge dashed
                attrs.append("style=dashed")
            attrs.append(f'xlabel="{_quoted("path " + ", ".join(str(i + 1) for i in users))}"')
        lines.append(f"  {ids[e.u]} -> {ids[e.v]} [{', '.join(attrs)}];")
    if ps is not None:
        lines.append(_legend(ps, scene, styles))
    lines.append("}")
    return "\n".join(lines) + "\n"


def layout_program(scene):
    """The Graphviz program that lays the source of `scene` out as rojas means it.

    ``neato`` when the file pins its units (it keeps ``pos="x,y!"``, in inches; ``neato -n`` would read
    them as points), else ``dot``, which ranks the units in columns.
    """
    return "neato" if _pinned(scene) else "dot"


def _pinned(scene):
    """``{node: ', pos="x,y!"'}`` when the file pins its units (inches; error units and E to their right).

    ``dot`` ranks the units itself and ignores them; ``neato`` keeps them.
    """
    from .pinned import check_pins, pinned_layout

    pins = None if scene.steps else check_pins(scene.pins, [n for n in scene.order
                                                             if not isinstance(n, ObjectiveNode)])
    if not pins:
        return {}
    pos = pinned_layout(scene.graph(), pins, scene.order, first=scene.inputs, gap=3.6, slot=3.0).pos
    return {n: f', pos="{x:.4g},{y:.4g}!"' for n, (x, y) in pos.items()}


def _legend(ps, scene, styles):
    """A plain node listing every path: its colour, route, factors and product, then their sum."""
    from .highlight import _pretty

    rows = []
    for i, p in enumerate(ps.paths):
        colour = styles(i)[0]
        route = " → ".join("E" if n == "E" else str(n) for n in p["nodes"])
        names = " · ".join(_pretty(name) for name, _ in p["factors"])
        values = " · ".join(factor(v, scene.digits) for _, v in p["factors"])
        rows.append(f'<TR><TD BGCOLOR="{colour}"> {i + 1} </TD><TD ALIGN="LEFT">{_html(route)}: {_html(names)}'
                    f'<BR ALIGN="LEFT"/>= {_html(values)} = {_html(fmt(p["product"], scene.digits))}</TD></TR>')
    rows.append(f'<TR><TD></TD><TD ALIGN="LEFT">Σ over the {ps.count} paths = '
                f'{_html(fmt(ps.total, scene.digits + 2))}<BR ALIGN="LEFT"/>backward sweep: '
                f'{_html(fmt(ps.backprop, scene.digits + 2))}</TD></TR>')
    return ('  legend [shape=plaintext, label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0">'
            + "".join(rows) + "</TABLE>>];")
