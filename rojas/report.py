"""Plain-text reports of labelings, for the terminal."""

import numpy as np

from .combine import get_combine

__all__ = ["labeling_table", "fmt"]


def fmt(value, digits=9):
    """A number, or the samples of a batch, compactly."""
    if isinstance(value, np.ndarray):
        shown = ", ".join(fmt(v, 4) for v in value[:4])
        return f"[{shown}{', …' if value.size > 4 else ''}]"
    return f"{value:.{digits}g}"


def _table(header, rows):
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def labeling_table(lab):
    """Every node's labels (in sweep order) and every gradient of a :class:`~rojas.Labeling`."""
    net = lab.network
    obj = "E = ½Σ(o−t)²" if lab.objective == "E" else f"o[{lab.objective}]"
    batch = "" if lab.batch_size is None else f", summed over a batch of {lab.batch_size}"
    d = "∂E" if lab.objective == "E" else f"∂o[{lab.objective}]"
    out = [f"{net.name or 'network'}: objective {obj} = {fmt(lab.value)}{batch}", ""]
    rows = []
    for n in lab.plan.order:
        fn = net.fn(n)
        if fn == "input":
            rows.append([n, "input", "", "", fmt(lab.o[n]), fmt(lab.delta[n])])
        else:
            mode = get_combine(net.combine(n))
            kind = fn + ("" if mode.linear else f" {mode.symbol}")
            rows.append([n, kind, fmt(lab.s[n]), fmt(lab.fprime[n]), fmt(lab.o[n]), fmt(lab.delta[n])])
    out += ["Forward sweep (s, f'(s), o) and backward sweep (δ = " + d + "/∂s; inputs: " + d + "/∂x):",
            _table(["node", "fn", "s", "f'(s)", "o", "δ"], rows), ""]
    rows = []
    for (u, v), g in lab.weight_grad.items():
        name = net.edge_name(u, v) or ""
        tied = net.edge_param(u, v)
        rows.append([f"{u}->{v}", name + (f" (={tied})" if tied else ""), fmt(net.weight(u, v)), fmt(g)])
    out += [f"Weights ({d}/∂w_ij = o_i·δ_j):", _table(["edge", "name", "weight", "grad"], rows)]
    if lab.bias_grad:
        out += ["", f"Biases ({d}/∂b_j = δ_j):",
                _table(["node", "bias", "grad"],
                       [[n, fmt(net.bias(n)), fmt(g)] for n, g in lab.bias_grad.items()])]
    if lab.param_grad:
        out += ["", "Tied params (sum over their edges):",
                _table(["param", "value", "grad"],
                       [[p, fmt(net.params[p]), fmt(g)] for p, g in lab.param_grad.items()])]
    out += ["", "Inputs:", _table(["input", "grad"], [[n, fmt(g)] for n, g in lab.input_grad.items()])]
    return "\n".join(out)
