"""The numbered tables of a table-level drawing as lines of text: units, edges, tied params.

The drawing sets them in monospace beside or below the graph (:mod:`.tables`), the sizing spaces their
columns by the widest line (:func:`table_chars`: long ids widen them), a page cuts them (:mod:`.paging`).
No Matplotlib.
"""

from .scene import ObjectiveNode

__all__ = ["columns_text", "params_lines", "table_chars", "table_lines"]


def columns_text(header, rows):
    """`rows` under `header` in columns padded to their widest cell (the unit or edge column to the left)."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c).rjust(w) if i != 1 else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(header), line(["─" * w for w in widths]), *map(line, rows)]


def table_lines(scene, order):
    """The lines of the tables: the units as drawn (numbered), then the edges (numbered), then tied params."""
    obj = "E" if scene.objective in (None, "E") else f"o({scene.objective})"
    if scene.labeled:
        header = ("#", "unit", "f", "bias", "f′(s)", "o", "δ")
    else:
        header = ("#", "unit", "f", "bias")
    rows = []
    v = scene.values
    for k, n in enumerate(order, 1):
        spec = scene.nodes[n]
        if spec.kind == "input":
            row = (str(k), spec.name, "input", "")
            if scene.labeled:
                row += ("", spec.forward["value"], spec.backward["below"].rsplit(" = ", 1)[1])
        else:
            f = spec.forward
            row = (str(k), spec.name, f["right_head"], (f.get("below") or "").replace("bias = ", ""))
            if scene.labeled:
                row += (spec.forward["left"], spec.forward["right"], spec.backward["below"].replace("δ = ", ""))
        rows.append(row)
    out = ["Units, column by column:"] + columns_text(header, rows)
    edges = [e for e in scene.edges if not e.objective]
    if edges:
        header = ("#", "edge", "name", "w") + ((f"∂{obj}/∂w",) if scene.labeled else ())
        rows = [(str(k), f"{scene.nodes[e.u].name} → {scene.nodes[e.v].name}", e.name, e.weight)
                + ((e.grad,) if scene.labeled else ()) for k, e in enumerate(edges, 1)]
        out += ["", "Edges" + (" (∂/∂w into a Π unit: δ_p·∂s_p/∂w)" if scene.products else "") + ":"]
        out += columns_text(header, rows)
    if scene.params:
        out += [""] + params_lines(scene)
    if v and scene.labeled:
        out += ["", f"δ = ∂{obj}/∂s (inputs: ∂{obj}/∂x)"]
    return out


def params_lines(scene):
    """One line per tied param: its value and its total gradient, said once."""
    obj = "E" if scene.objective in (None, "E") else f"o({scene.objective})"
    out = []
    for name, value, grad, where in scene.params:
        text = f"tied param {name} = {value} on {where}"
        if grad is not None:
            text += f": ∂{obj}/∂{name} = {grad}, the sum over them"
        out.append(text)
    return out


def table_chars(scene):
    """Characters in the widest line of the tables: at least 62 (labeled) or 36, more for long ids."""
    lines = table_lines(scene, [k for k in scene.order if not isinstance(k, ObjectiveNode)])
    return max([62 if scene.labeled else 36, *map(len, lines)])
