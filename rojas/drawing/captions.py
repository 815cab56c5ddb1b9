"""What a figure says in words: the legend of its conventions and each panel's rule.

Plain text from the scene, shared by the sizing (which wraps it before anything is
drawn) and the panels (which draw it).
"""

from .style import SYMBOL_MEANING

__all__ = ["conventions", "explanation", "say_left_out"]


def _obj(scene):
    return "E" if scene.objective in (None, "E") else f"o({scene.objective})"


def explanation(scene, panel):
    """What a panel's numbers are: the rule actually drawn (sum and product units said apart)."""
    obj = _obj(scene)
    if not scene.labeled:
        return "right half: the function f · left half: f′, stored on the forward sweep · edges: weights"
    if panel == "forward":
        text = "right half: o = f(s) · left half: the stored f′(s) · edges: the weights"
        if any(n.kind == "error" for n in scene.nodes.values()):
            text += f" · dashed: the error {scene.error_texts.get('formula', 'E')}"
        return text
    text = (f"a 1 enters at {obj if obj == 'E' else scene.objective} · Σ: what arrives from the right, "
            f"the sum of ×w·δ over the edges out · δ = f′(s)·Σ · edges: ×w, what the sweep multiplies by, "
            f"and ∂{obj}/∂w = o_i·δ_j")
    for symbol, rule in scene.rules.items():  # the combine registry's rule for each other mode
        rule = rule.replace("∂E/", f"∂{obj}/")
        text += (f"; into a {symbol} unit p: ×w·{symbol}′ and ∂{obj}/∂w = δ_p·∂s_p/∂w ({rule}), where "
                 f"{symbol}′ = ∂s_p/∂(w·o)" + (", the product of the unit's other terms" if symbol == "Π" else ""))
    return text


def conventions(scene):
    """The legend of the drawing's conventions: the split halves, the ring, the symbols used."""
    if not any(n.kind == "unit" for n in scene.nodes.values()):
        return ""
    parts = ["each unit is split: left half f′(s), right half f and o = f(s)"]
    if any(n.output for n in scene.nodes.values()):
        parts.append("double ring: an output")
    heads = {n.forward.get("right_head", "") for n in scene.nodes.values() if n.kind == "unit"}
    symbols = {w for h in heads for w in h.split()}
    parts += [meaning for sym, meaning in SYMBOL_MEANING.items() if sym in symbols]
    return " · ".join(parts)


def say_left_out(drawing, panels, detail, warn=True):
    """What was asked and is not drawn, in words: the drawing's ``left_out``, and (in a user's axes,
    where no note of ours may fit) a warning; a figure of our own says it in its note."""
    left = []
    if drawing.mode != "full":
        missing = [p for p in panels if p not in drawing.panels]
        if missing:
            left.append(f"the {' and '.join(missing)} sweep drawn as a table, not as a panel")
    if drawing.font_factor < 1:
        left.append(f"texts set at {drawing.font_factor:.0%} of their size to fit the axes")
    if drawing.crowded and drawing.mode == "full":
        left.append(f"{drawing.crowded} edge label{'s' * (drawing.crowded != 1)} listed under the graph, "
                    "numbered on their edges: no free place beside them")
    drawing.left_out = left
    if left and detail == "auto" and warn:
        import warnings

        warnings.warn("rojas.draw: " + "; ".join(left), stacklevel=3)
