"""Plain-text reports of labelings, for the terminal.

Tables are written by :func:`rojas.utils.formatting.table` (every cell escaped for
the terminal) and numbers by :func:`rojas.utils.formatting.fmt`; the numbers are the
labeling's own (its snapshot).
"""

from ..network.combine import get_combine
from ..utils.escaping import terminal
from ..utils.formatting import fmt, table

__all__ = ["labeling_table"]


def labeling_table(lab):
    """Every node's labels (in sweep order) and every gradient of a :class:`~rojas.Labeling`."""
    net = lab.network
    obj = lab.objective_text(terminal)
    batch = "" if lab.batch_size is None else f", summed over a batch of {lab.batch_size}"
    d = "∂E" if lab.objective == "E" else f"∂o[{terminal(lab.objective)}]"
    out = [f"{terminal(net.name or 'network')}: objective {obj} = {fmt(lab.value)}{batch}", ""]
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
            table(["node", "fn", "s", "f'(s)", "o", "δ"], rows), ""]
    rows = []
    for (u, v), g in lab.weight_grad.items():
        name = net.edge_name(u, v) or ""
        tied = net.edge_param(u, v)
        rows.append([f"{u}->{v}", name + (f" (={tied})" if tied else ""), fmt(lab.weight(u, v)), fmt(g)])
    out += [f"Weights ({d}/∂w_ij = o_i·δ_j):", table(["edge", "name", "weight", "grad"], rows)]
    if lab.bias_grad:
        out += ["", f"Biases ({d}/∂b_j = δ_j):",
                table(["node", "bias", "grad"],
                       [[n, fmt(lab.bias(n)), fmt(g)] for n, g in lab.bias_grad.items()])]
    if lab.param_grad:
        params = lab.params  # a copy each time it is read
        out += ["", "Tied params (sum over their edges):",
                table(["param", "value", "grad"],
                       [[p, fmt(params[p]), fmt(g)] for p, g in lab.param_grad.items()])]
    out += ["", "Inputs:", table(["input", "grad"], [[n, fmt(g)] for n, g in lab.input_grad.items()])]
    return "\n".join(out)
