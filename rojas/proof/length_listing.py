"""The by-length table and the top paths written out: the terminal listing and the JSON object.

``rojas paths NET --from W --by-length --top K`` prints both; with ``--json``
one object ``{"from", "gradient", "by_length": [{"length", "paths", "sum"}],
"top": [{"nodes", "product"}]}``.
"""

from .display import display_id, escape_terminal
from ..utils.formatting import count_text

__all__ = ["length_listing", "top_listing", "paths_object", "decay_per_edge", "MAX_NODES_SHOWN"]

MAX_NODES_SHOWN = 14  # a longer path shows its first and last nodes and how many are between


def decay_per_edge(table):
    """``(peak, factor)``: the length where |S_L| peaks, and the factor by which it changes per extra edge
    beyond it (a least-squares fit of log|S_L| over the lengths from the peak on); None with < 2 such lengths."""
    import numpy as np

    L = [int(x) for x, s in zip(table.lengths, table.sums) if s != 0 and np.isfinite(s)]
    if not L:
        return None
    mags = np.array([abs(float(table.sums[x])) for x in L])
    peak = int(np.argmax(mags))
    if len(L) - peak < 2:
        return None
    slope = np.polyfit(np.array(L[peak:], dtype=float), np.log10(mags[peak:]), 1)[0]
    return L[peak], float(10.0 ** slope)


def _objective(table):
    return "E" if table.target == "E" else f"o_{display_id(table.target)}"


def length_listing(table):
    """The by-length table: per length the paths, their sum and its share of |∂/∂w|."""
    out = [f"∂{_objective(table)}/∂{escape_terminal(table.source.label)} = {table.gradient:.12g} (backward sweep): "
           f"{count_text(table.paths)} path{'s' * (table.paths != 1)} over "
           f"{sum(1 for c in table.counts if c)} length(s)",
           f"  {'length':>6}  {'paths':>22}  {'sum of products':>22}  {'share':>9}"]
    shares = table.shares
    for L, c, s, sh in zip(table.lengths.tolist(), table.counts, table.sums.tolist(), shares.tolist()):
        if c:
            out.append(f"  {L:>6}  {count_text(c):>22}  {s:>22.12g}  {100 * sh:>8.3g}%")
    out.append(f"Sum over lengths: {table.total:.15g}   (backward sweep {table.gradient:.15g}, "
               f"difference {table.total - table.gradient:.3g})")
    decay = decay_per_edge(table)
    if decay is not None:
        peak, factor = decay
        trend = "shrinks" if factor < 1 else "grows"
        out.append(f"|sum| peaks at length {peak}; beyond it, it {trend} about ×{factor:.3g} per extra edge "
                   "(least-squares fit of log|sum|)")
    return "\n".join(out)


def _nodes_text(nodes, objective):
    shown = [display_id(n) for n in nodes]
    if len(shown) > MAX_NODES_SHOWN:
        k = MAX_NODES_SHOWN // 2
        shown = shown[:k] + [f"… {len(shown) - 2 * k} more …"] + shown[-k:]
    return " → ".join(shown + (["E"] if objective == "E" else []))


def top_listing(top, total=None):
    """The top paths, largest |product| first, each with its product and share of |∂/∂w|."""
    of = f" of {count_text(total)}" if total is not None else ""
    out = [f"The {len(top.paths)} path{'s' * (len(top.paths) != 1)}{of} with the largest |product| "
           f"(each product includes o_i and the objective's seed):"]
    for i, (p, share) in enumerate(zip(top.paths, top.shares()), 1):
        out.append(f"  {i:>3}. {_nodes_text(p['nodes'], 'E' if top.target == 'E' else None)}")
        out.append(f"       length {len(p['nodes']) - 1}, product {p['product']:.12g}, share {100 * share:.3g}%")
    if top.paths:
        s = sum(p["product"] for p in top.paths)
        g = top.gradient
        these = "This path carries" if len(top.paths) == 1 else f"These {len(top.paths)} add up to"
        out.append(f"{these} {s:.12g}"
                   + (f", {100 * s / abs(g):.3g}% of |∂/∂{escape_terminal(top.source.label)}|" if g else ""))
    return "\n".join(out)


def paths_object(source_label, gradient, table=None, top=None):
    """The JSON object of ``rojas paths --by-length/--top --json``."""
    out = {"from": source_label, "gradient": gradient}
    if table is not None:
        out["by_length"] = table.rows()
    if top is not None:
        out["top"] = top.rows()
    return out
