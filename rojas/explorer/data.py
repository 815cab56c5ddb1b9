"""The explorer's data: every label of a :class:`~rojas.Labeling`, in the page's JSON form.

Everything the page shows is computed here, in Python, from the labeling: the
forward labels (s, f'(s), o), the backward ones (what arrives Σ, δ), every
gradient, the steps of both sweeps with their sentences, and the exact number
of paths from every node to the objective (:func:`rojas.proof.paths.path_counts`,
as strings: the counts outgrow JavaScript's numbers).  The page lists the paths
behind a weight by walking the embedded graph (at most ``PATH_LIMIT`` of them;
over that it shows the count and the factoring), with each path's factors
looked up from these labels — see :mod:`rojas.explorer`.
"""

import networkx as nx
import numpy as np

from ..errors import RojasError
from ..network.combine import carried_product, get_combine, unit_symbol
from ..proof.paths import path_counts
from ..utils.formatting import count_text
from .geometry import geometry
from ..drawing.pinned import check_pins
from ..drawing.scene import ObjectiveNode
from ..drawing.style import PATH_COLORS
from ..utils.formatting import FIGURE_DIGITS, REPORT_DIGITS, fmt
from .steps import sweep_steps

__all__ = ["PATH_LIMIT", "MAX_NODES", "page_data", "network_data", "check_size"]

PATH_LIMIT = 64        # list the paths behind a weight up to this many; over it, the factoring
MAX_NODES = 3000       # the page's default size limit (nodes plus edges / 10)
# What the page shows as the figures do: their digits and the paths' colours (path 1 the same colour in both).
# The details panel shows 12 digits: enough to check a sum of paths against the sweep by eye.
SHOWN = {"digits": {"figure": FIGURE_DIGITS, "report": REPORT_DIGITS, "details": 12}, "palette": list(PATH_COLORS)}

def _symbol(fn, combine):
    return unit_symbol(fn, combine)  # the primitive and combine registries' symbols


def _samples(value):
    """A label as a list over the samples (one entry for a single sample)."""
    return [float(v) for v in np.atleast_1d(np.asarray(value, dtype=float))]


def _edge_label(net, u, v):
    return net.edge_name(u, v) or net.edge_param(u, v) or f"w[{u}->{v}]"


def page_data(lab, sample=None, title=None, max_nodes=MAX_NODES):
    """Everything the explorer page needs, as a JSON-ready dict.

    Parameters
    ----------
    lab : Labeling or Network
        A network without data gives a page of its structure only
        (:func:`network_data`).
    sample : int, optional
        For a batch: the sample the graph and the steps show (default 0); the
        details panel shows every sample and the sum.
    title : str, optional
        Instead of the network's name.
    max_nodes : int
        Refuse networks larger than this (nodes + edges / 10).

    Raises
    ------
    RojasError
        If `lab` is not a labeling, `sample` is out of range, or the network
        is over the size limit.

    Examples
    --------
    >>> import rojas
    >>> from rojas.explorer import page_data
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> data = page_data(lab)
    >>> len(data["steps"]) - 1, data["nodes"][2]["id"], round(data["nodes"][2]["s"], 4)
    (20, 'h1', 0.3775)
    """
    from ..engine.labeling import Labeling
    from ..network import Network

    if isinstance(lab, Network):
        if sample is not None:
            raise RojasError("sample: a network without data has no samples; label it first (rojas.label)")
        check_size(lab, max_nodes)
        return network_data(lab, title)
    if not isinstance(lab, Labeling):
        raise RojasError(f"explore needs a labeled network (rojas.label(net, inputs, targets)) or a network, "
                         f"got {type(lab).__name__}")
    net = lab.network
    check_size(net, max_nodes)
    batch = lab.batch_size
    k = 0 if sample is None else sample
    if batch is None and sample not in (None, 0):
        raise RojasError(f"sample {sample}: the labeling is of a single sample, not a batch")
    if batch is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < batch):
        raise RojasError(f"sample {sample!r}: choose 0 ... {batch - 1} (the batch has {batch} samples)")
    k = int(k)
    has_targets = lab.loss.targets
    obj = "E" if has_targets else f"o_{lab.objective}"
    ids = net.nodes
    index = {n: i for i, n in enumerate(ids)}
    outputs = set(net.outputs)
    nodes = []
    for n in ids:
        fn, combine = net.fn(n), net.combine(n)
        entry = {"id": str(n), "kind": "input" if fn == "input" else "unit", "fn": fn,
                 "sym": _symbol(fn, combine), "fsym": _symbol(fn, "sum"), "product": not get_combine(combine).linear,
                 "msym": get_combine(combine).symbol, "combine": combine, "output": n in outputs,
                 "oS": _samples(lab.o[n]), "deltaS": _samples(lab.delta[n])}
        if fn != "input":
            entry.update(sS=_samples(lab.s[n]), fpS=_samples(lab.fprime[n]), bias=net.bias(n),
                         hasBias=net.bias(n) != 0, biasGrad=lab.bias_grad[n])
        for key in ("o", "delta", "s", "fp"):
            if key + "S" in entry:
                entry[key] = entry[key + "S"][k]
        nodes.append(entry)
    edges, into, out = [], [[] for _ in ids], [[] for _ in ids]
    sigma_terms = [[] for _ in ids]
    for (u, v), grad in lab.weight_grad.items():
        i, j = index[u], index[v]
        partial = _samples(lab.product_partial(u, v))
        # o_i·∂s/∂t·δ_j carried as mantissa and exponent, as the engine does: finite whenever the true
        # product is, though o_i·∂s/∂t alone may overflow (a tiny weight into a product unit)
        gk = float(carried_product(nodes[i]["oS"][k], partial[min(k, len(partial) - 1)], nodes[j]["deltaS"][k]))
        e = {"u": i, "v": j, "name": net.edge_name(u, v), "param": net.edge_param(u, v), "w": net.weight(u, v),
             "partialS": partial, "partial": partial[min(k, len(partial) - 1)], "grad": grad,
             "gk": grad if batch is None else gk, "label": _edge_label(net, u, v),
             "short": net.edge_name(u, v) or net.edge_param(u, v) or "w"}
        into[j].append(len(edges))
        out[i].append(len(edges))
        sigma_terms[i].append((len(edges), float(carried_product(e["w"], e["partial"], nodes[j]["delta"]))))
        edges.append(e)
    order = [index[n] for gen in nx.topological_generations(_structure(net)) for n in gen]
    errors, E = [], None
    if has_targets:
        loss = lab.loss
        for o_id in lab.ends:  # the objective's error units, as its registry entry writes them
            i = index[o_id]
            t_s = _samples(lab.targets[o_id])
            t_k = t_s[min(k, len(t_s) - 1)]
            symbol, _, seed = lab.seed_rule(o_id)
            seed_s, share_s = _samples(seed), _samples(lab.error(o_id))
            fused = o_id in lab.fused
            err = {"id": f"{loss.text(loss.unit)} of {nodes[i]['id']}", "kind": "error", "of": i, "target": t_k,
                   "targetS": t_s, "errS": seed_s, "fp": seed_s[k], "o": share_s[k], "delta": seed_s[k],
                   "sigma": 1.0, "deltaS": seed_s, "oS": share_s, "fused": fused,
                   "head": symbol.split("_")[0], "sym": loss.symbol, "unitText": loss.text(loss.unit),
                   "stores": lab.seed_name(o_id, subscript=False),
                   "factor": f"({lab.seed_name(o_id, name=lambda n: nodes[index[n]]['id'])})"}
            errors.append(len(nodes))
            nodes[i]["err"] = len(nodes)
            if fused:  # ∂E/∂s joins δ past the left half: δ = f′·Σ + seed
                nodes[i]["fusedSeed"] = seed_s[k]
            else:
                sigma_terms[i].append((None, seed_s[k]))
            nodes.append(err)
        E = len(nodes)
        total = sum(nodes[i]["o"] for i in errors)
        nodes.append({"id": "E", "kind": "sum", "fp": 1.0, "o": total, "delta": 1.0, "sigma": 1.0,
                      "oS": [total], "deltaS": [1.0], "value": lab.value})
        while len(out) < len(nodes):
            out.append([])
            into.append([])
        for i in errors:
            for a, b in ((nodes[i]["of"], i), (i, E)):
                out[a].append(len(edges))
                edges.append({"u": a, "v": b, "obj": True, "w": 1.0})
            if lab.loss.joint:  # a softmax: each error unit reads every output too
                for j in errors:
                    if j != i:
                        edges.append({"u": nodes[j]["of"], "v": i, "obj": True, "joint": True, "w": 0.0})
    else:
        sigma_terms[index[lab.objective]].append((None, 1.0))
    for i, n in enumerate(nodes[:len(ids)]):
        n["sigma"] = sum(v for _, v in sigma_terms[i])
    seed = E if E is not None else index[lab.objective]
    info = {"nodes": nodes, "edges": edges, "order": order, "inputs": [index[n] for n in net.inputs],
            "errors": errors, "E": E, "seed": seed, "obj": obj, "into": into, "out": out,
            "sigma_terms": sigma_terms}
    steps = sweep_steps(info)
    ends = list(lab.ends)
    counts = path_counts(net, ends)
    for n in ids:
        nodes[index[n]]["count"] = count_text(counts[n])
    _place(net, nodes, edges, ids, index)
    tied = {}  # {param: its edges}, in one pass
    for e, x in enumerate(edges):
        if not x.get("obj") and x["param"] is not None:
            tied.setdefault(x["param"], []).append(e)
    biases = _bias_ties(net, index)
    for p, units in biases.items():
        for i in units:
            nodes[i]["biasParam"] = str(p)
    params = [{"name": str(p), "value": value, "grad": lab.param_grad[p], "edges": tied.get(p, []),
               "units": biases.get(p, []), "count": count_text(sum(counts[ids[edges[e]["v"]]] for e in tied.get(p, [])))}
              for p, value in net.params.items()]
    name = title if title is not None else (net.name or "network")
    if has_targets:
        subtitle = f"{lab.objective_text()} = {fmt(lab.value)}"
    else:
        subtitle = f"objective: the value of {lab.objective} = {fmt(lab.value)}"
    if batch is not None:
        subtitle += (f" (summed over a batch of {batch}); the graph and the steps show sample {k + 1} of {batch}, "
                     "the details panel every sample")
    return {"title": name, "labeled": True, "subtitle": subtitle, "obj": obj, "objective": "E" if has_targets else
            index[lab.objective], "batch": batch, "sample": k, "nodes": nodes, "edges": edges, "steps": steps,
            "ends": [index[n] for n in ends], "params": params, "pathLimit": PATH_LIMIT,
            "seed": seed, "E": E, "formula": lab.objective_text() if has_targets else "", **SHOWN}


def check_size(net, max_nodes):
    """Refuse a network over the explorer's limit (nodes + edges/10), saying how to raise it."""
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, (int, float, np.integer, np.floating)) \
            or not max_nodes > 0:
        raise RojasError(f"max_nodes must be a positive number, got {max_nodes!r:.40}")
    size = len(net) + len(net.edges) / 10
    if size > max_nodes:
        raise RojasError(f"{len(net)} nodes and {len(net.edges)} edges are over the explorer's limit of "
                         f"{max_nodes} (nodes + edges/10 = {size:.0f}); raise it with --max-nodes / max_nodes=")


def network_data(net, title=None):
    """The page's data for a network without inputs: its structure only, no sweep to step through.

    Units show their primitive and bias, edges their weight; a click on an
    edge lists (or, over :data:`PATH_LIMIT`, counts) its paths to the outputs.
    """
    ids = net.nodes
    index = {n: i for i, n in enumerate(ids)}
    outputs = set(net.outputs)
    counts = path_counts(net, net.outputs)
    nodes = [{"id": str(n), "kind": "input" if net.fn(n) == "input" else "unit", "fn": net.fn(n),
              "sym": _symbol(net.fn(n), net.combine(n)), "product": not get_combine(net.combine(n)).linear,
              "output": n in outputs, "bias": net.bias(n), "hasBias": net.fn(n) != "input" and net.bias(n) != 0,
              "count": count_text(counts[n])} for n in ids]
    edges = [{"u": index[u], "v": index[v], "name": net.edge_name(u, v), "param": net.edge_param(u, v),
              "w": net.weight(u, v), "label": _edge_label(net, u, v),
              "short": net.edge_name(u, v) or net.edge_param(u, v) or "w"} for u, v in net.edges]
    _place(net, nodes, edges, ids, index)
    tied = {}
    for e, x in enumerate(edges):
        if x["param"] is not None:
            tied.setdefault(x["param"], []).append(e)
    biases = _bias_ties(net, index)
    params = [{"name": str(p), "value": value, "edges": tied.get(p, []), "units": biases.get(p, []),
               "count": count_text(sum(counts[ids[edges[e]["v"]]] for e in tied.get(p, [])))}
              for p, value in net.params.items()]
    n_in, n_out = len(net.inputs), len(net.outputs)
    text = ("The network without data: its structure, weights and biases. Give the inputs (and targets) "
            "with --data or --input, or explore a labeling (rojas.label), to step through the sweeps.")
    return {"title": title if title is not None else (net.name or "network"), "labeled": False,
            "subtitle": f"{len(net)} nodes ({n_in} input{'s' * (n_in != 1)}, {n_out} output{'s' * (n_out != 1)}), "
                        f"{len(net.edges)} edges; no data",
            "obj": "the outputs", "objective": None, "batch": None, "sample": 0, "nodes": nodes, "edges": edges,
            "steps": [{"text": text, "focus": -1, "edges": [], "phase": "reset"}],
            "ends": [index[n] for n in net.outputs], "params": params, "pathLimit": PATH_LIMIT,
            "seed": -1, "E": None, **SHOWN}


def _bias_ties(net, index):
    """``{param: [node index, ...]}``: the units whose bias a param ties (node field ``bias_param``)."""
    ties = {}
    for n, p in net.to_networkx().nodes(data="bias_param"):
        if p is not None:
            ties.setdefault(p, []).append(index[n])
    return ties


def _structure(net):
    G = nx.DiGraph()
    G.add_nodes_from(net.nodes)
    G.add_edges_from(net.edges)
    return G


def _place(net, nodes, edges, ids, index):
    """Positions, edge paths and label places, written into the node and edge entries."""
    kinds = ["box" if n["kind"] == "input" else "circle" for n in nodes]
    pairs = [(e["u"], e["v"]) for e in edges]
    # the longer label of an edge on the graph: "∂E/∂w7 = −0.0226" (its weight's "w7 = t = 0.5" is shorter)
    lengths = [0 if e.get("obj") else max(len(e["short"]) + 14, len(e["short"]) + len(str(e["param"])) + 10)
               for e in edges]
    given = [index[n] for n in ids] + list(range(len(ids), len(nodes)))
    H = net.to_networkx()
    time_attrs = {index[n]: {"step": a["step"], "unit": a.get("unit", n)}
                  for n, a in H.nodes(data=True) if "step" in a}
    # The file's pos fields, checked as rojas draw checks them (every unit or none; refused naming the unit).
    pins = None if time_attrs else check_pins({n: a["pos"] for n, a in H.nodes(data=True) if "pos" in a}, ids)
    extras = {i: ObjectiveNode("error", nodes[i]["of"]) if n["kind"] == "error" else ObjectiveNode("sum")
              for i, n in enumerate(nodes) if n["kind"] in ("error", "sum")}
    geo = geometry(len(nodes), kinds, pairs, given, [i for i in given if kinds[i] == "box"], lengths,
                   time_attrs or None, objective=any(n["kind"] == "sum" for n in nodes),
                   pins=pins and {index[n]: p for n, p in pins.items()}, extras=extras)
    for i, n in enumerate(nodes):
        n["x"], n["y"] = geo.pos[i]
    for e, entry in enumerate(edges):
        entry["d"] = geo.paths[e]
        if geo.labels[e] is not None:
            entry["lx"], entry["ly"] = geo.labels[e]
