"""Section 4 of a proof when the paths are too many to list: the exact sum by length and the top paths.

Rojas's theorem still holds on a network whose weight has 10^40 paths; the
proof then sums them by length (:func:`~rojas.proof.by_length.by_length`, a
dynamic program) and lists the few that carry most of the gradient
(:func:`~rojas.proof.top_paths.top_paths`), and says so.
"""

from .by_length import by_length
from .length_listing import MAX_NODES_SHOWN
from .display import display_id
from ..utils.formatting import count_text

__all__ = ["paths_at_scale", "TOP_IN_PROOF"]

TOP_IN_PROOF = 20  # paths a proof at scale lists by |product|


def _path_text(nodes, obj):
    shown = [display_id(n) for n in nodes]
    if len(shown) > MAX_NODES_SHOWN:
        k = MAX_NODES_SHOWN // 2
        shown = shown[:k] + [f"… {len(shown) - 2 * k} more …"] + shown[-k:]
    return " → ".join(shown + ([obj] if obj == "E" else []))


def paths_at_scale(doc, lab, src, obj, count, limit):
    """Write section 4 for `count` (> `limit`) paths; returns the sum over lengths."""
    table = by_length(lab, src)
    doc.para(f"There are {count_text(count)} paths from {src.label} to {obj}: more than the limit of {limit:,} "
             "to list one by one (raise it with --limit N). Rojas's theorem is checked on all of them all the "
             "same: a dynamic program over the network sums the products of the paths of each length exactly, "
             "without listing one, and the paths that carry the most are found exactly by a k-best dynamic "
             "program.")
    g = abs(table.gradient)
    rows = [[str(r["length"]), count_text(r["paths"]), f"{r['sum']:.12g}",
             f"{100 * r['sum'] / g:.3g}%" if g else ""] for r in table.rows()]
    doc.table(["length", "paths", "sum of products", "share of |gradient|"], rows)
    doc.para(f"The sum over all {count_text(table.paths)} paths, by length, is {table.total:.15g}; the backward "
             f"sweep gives {table.gradient:.15g}; difference {table.total - table.gradient:.3g}.")
    if lab.batch_size is None:
        from .top_paths import top_paths

        top = top_paths(lab, src, k=TOP_IN_PROOF)
        rows = [[_path_text(p["nodes"], obj), f"{p['product']:.12g}", f"{100 * s:.3g}%" if g else ""]
                for p, s in zip(top.paths, top.shares())]
        doc.para(f"The {len(top.paths)} paths with the largest |product| (each includes o_i and the objective's "
                 "seed):")
        doc.table(["path", "product", "share"], rows, wrap={0: 0.6})
    else:
        doc.para(f"Over a batch of {lab.batch_size} a path's contribution is a sum over the samples, which no "
                 "k-best recursion ranks: the top paths are listed for one sample only.")
    return table.total
