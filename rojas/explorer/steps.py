"""The steps of both sweeps, each with the sentence the explorer's readout shows.

The forward sweep visits the units in topological order: the inputs are set,
then every unit computes s, stores f'(s) in its left half and puts o = f(s) in
its right half; with targets the error units and E follow.  The backward sweep
starts with the 1 entering at E (or at the node differentiated) and visits the
units in reverse: what arrives (Σ), then δ = f'(s)·Σ, then the gradients
o_i·δ_j on the edges into the unit.  Every number in a sentence is a label the
Python sweeps computed, written by :func:`rojas.utils.formatting.fmt`; nothing is
recomputed here but the display of sums.
"""

from ..network.combine import get_combine
from ..utils.formatting import factor, fmt

__all__ = ["sweep_steps"]

_SHOWN_TERMS = 4   # a sum with more terms is written with Σ
_SHOWN_GRADS = 3   # a gradient step lists this many edges, then says how many more


def _list(items, limit, what):
    shown = ", ".join(items[:limit])
    return shown + (f", … ({len(items) - limit} more {what})" if len(items) > limit else "")


class _Steps:
    def __init__(self):
        self.steps = [{"text": "Reset: the network with its weights and biases, nothing computed yet. "
                               "Press → (next) to start the forward sweep.", "focus": -1, "edges": [],
                       "phase": "reset"}]
        self.phase = "forward"

    def add(self, text, focus=-1, edges=()):
        self.steps.append({"text": text, "focus": focus, "edges": list(edges), "phase": self.phase})
        return len(self.steps) - 1


def sweep_steps(info):
    """The steps, and when each node's and edge's labels appear.

    Parameters
    ----------
    info : dict
        What :func:`rojas.explorer.data.page_data` collected: ``nodes`` and
        ``edges`` (page entries), ``order`` (network node indices in sweep
        order), ``inputs``, ``errors`` (error unit indices), ``E`` (index or
        None), ``seed`` (where the 1 enters), ``obj`` (``"E"`` or ``o_NODE``),
        ``into``/``out`` (edge indices by node), ``sigma_terms`` (per node,
        the (edge or None, value) contributions that arrive).

    Returns
    -------
    list of dict
        ``{"text", "focus", "edges", "phase"}``; step 0 is the reset state.  The node
        entries get ``f`` and ``b`` (the step their forward and backward labels
        appear) and the edge entries ``g`` (their gradient) and ``r`` (δ flows back).
    """
    nodes, edges, st = info["nodes"], info["edges"], _Steps()
    obj = info["obj"]
    values = ", ".join(f"{nodes[i]['id']} = {fmt(nodes[i]['o'])}" for i in info["inputs"][:_SHOWN_TERMS])
    more = len(info["inputs"]) - _SHOWN_TERMS
    if info["inputs"]:
        k = st.add(f"Forward sweep: the inputs are set: {values}" + (f", … ({more} more)" if more > 0 else "") + ".")
    else:
        k = st.add("Forward sweep: the network has no inputs; its first units start from their biases.")
    for i in info["inputs"]:
        nodes[i]["f"] = k
    for i in info["order"]:
        n = nodes[i]
        if n["kind"] == "input":
            continue
        into = info["into"][i]
        if not into:
            terms, how = [], "b"
        else:  # the combine registry writes the terms: a sum, a product, or its symbol applied to them
            terms = [f"{factor(edges[e]['w'])}·{factor(nodes[edges[e]['u']]['o'])}" for e in into]
            how = get_combine(n["combine"]).written(terms) if len(terms) <= _SHOWN_TERMS else \
                f"{n['msym']} of its {len(terms)} terms w·o"
        if not terms:
            how += f" = {fmt(n['bias'])}" if n["bias"] != n["s"] else ""
        elif n["bias"] != 0:
            how += f" + {fmt(n['bias'])}" if n["bias"] >= 0 else f" − {fmt(-n['bias'])}"
        n["f"] = st.add(f"Forward sweep · {n['id']}: s = {how} = {fmt(n['s'])}; the right half gets "
                        f"o = {n['fsym']}(s) = {fmt(n['o'])}, the left half stores f′(s) = {fmt(n['fp'])}.", i)
    for i in info["errors"]:
        n, out = nodes[i], nodes[nodes[i]["of"]]
        n["f"] = st.add(f"Forward sweep · the error unit of {out['id']} (o = {fmt(out['o'])}, t = {fmt(n['target'])}): "
                        f"{n['unitText']} = {fmt(n['o'])}; it stores its derivative {n['head']} = {n['stores']} = "
                        f"{fmt(n['fp'])}.", i)
    if info["E"] is not None:
        E = nodes[info["E"]]
        parts = [fmt(nodes[i]["o"]) for i in info["errors"]]
        how = " + ".join(parts) + " = " if 1 < len(parts) <= _SHOWN_TERMS else ""
        E["f"] = st.add(f"Forward sweep · E adds the errors: E = {how}{fmt(E['o'])}. The forward sweep is done.",
                        info["E"])
    seed = info["seed"]
    st.phase = "backward"
    where = "E" if info["E"] is not None else nodes[seed]["id"]
    k = st.add(f"Backward sweep: a 1 enters at {where}; every unit keeps the f′(s) it stored on the forward "
               "sweep, and the graph is run backwards." + (" E passes the 1 to every error unit."
                                                          if info["E"] is not None else ""), seed)
    if info["E"] is not None:
        nodes[seed]["b"] = k
        for i in info["errors"]:
            n, out = nodes[i], nodes[nodes[i]["of"]]
            n["b"] = st.add(f"Backward sweep · the error unit of {out['id']}: Σ = 1 arrives from E; "
                            f"δ = ({n['stores']})·1 = {fmt(n['delta'])} goes back to {out['id']}"
                            + (" and joins its δ past the left half (fused)." if n["fused"] else "."), i)
    for i in reversed(info["order"]):
        n = nodes[i]
        if n["kind"] == "input":
            continue
        terms = info["sigma_terms"][i]
        parts = []
        for e, value in terms:
            if e is None:
                parts.append("1" if info["E"] is None else f"{fmt(value)} ({nodes[n['err']]['stores']})")
            else:
                parts.append(f"{factor(edges[e]['w'])}·{factor(nodes[edges[e]['v']]['delta'])}"
                             + (f"·{factor(edges[e]['partial'])}" if nodes[edges[e]['v']]["product"] else ""))
        shown = 1 < len(parts) <= _SHOWN_TERMS or (len(parts) == 1 and terms[0][0] is not None)
        how = (" + ".join(parts) + " = ") if shown else ""
        where = "" if parts else " (no path leads from it to the objective)"
        if len(terms) == 1 and terms[0][0] is None:
            where = (f" from its error unit ({nodes[n['err']]['stores']})" if info["E"] is not None
                     else " (the 1 that starts the sweep)")
        if "fusedSeed" in n:  # the objective's ∂E/∂s joins past the left half
            e = nodes[n["err"]]
            rule = (f"δ = f′(s)·Σ + ({e['stores']}) = {fmt(n['fp'])} × {factor(n['sigma'])} + {factor(n['fusedSeed'])} = "
                    f"{fmt(n['delta'])}")
        else:
            rule = f"δ = f′(s)·Σ = {fmt(n['fp'])} × {factor(n['sigma'])} = {fmt(n['delta'])}"
        n["b"] = st.add(f"Backward sweep · {n['id']}: Σ = {how}{fmt(n['sigma'])} arrives{where}; {rule}.",
                        i, info["out"][i])
        for e in info["out"][i]:
            edges[e]["r"] = n["b"]
        into = info["into"][i]
        if into:
            grads = []
            for e in into:
                u = nodes[edges[e]["u"]]
                extra = f" × {factor(edges[e]['partial'])}" if n["product"] else ""
                rule = f"o_{u['id']}·∂s/∂(w·o)·δ_{n['id']}" if n["product"] else f"o_{u['id']}·δ_{n['id']}"
                grads.append(f"∂{obj}/∂{edges[e]['label']} = {rule} = {factor(u['o'])}{extra} × "
                             f"{factor(n['delta'])} = {fmt(edges[e]['gk'])}")
            k = st.add(f"Gradients into {n['id']}: " + _list(grads, _SHOWN_GRADS, "on its incoming edges")
                       + f"; and ∂{obj}/∂b_{n['id']} = δ = {fmt(n['delta'])}.", i, into)
            for e in into:
                edges[e]["g"] = k
    grads = [f"∂{obj}/∂{nodes[i]['id']} = {fmt(nodes[i]['delta'])}" for i in info["inputs"]]
    first = ("Backward sweep: the inputs receive " + _list(grads, _SHOWN_TERMS, "inputs") + ". Done:"
             if grads else "Backward sweep done:")
    k = st.add(first + " every δ and every gradient ∂" + obj + "/∂w = o_i·δ_j is on the graph.",
               -1, [e for i in info["inputs"] for e in info["out"][i]])
    for i in info["inputs"]:
        nodes[i]["b"] = k
        for e in info["out"][i]:
            edges[e]["r"] = min(edges[e].get("r", k), k)
    for e in edges:  # objective edges: δ flows back along them when their source's δ is known
        e.setdefault("g", -1)
        e.setdefault("r", nodes[e["u"]].get("b", -1))
    return st.steps
