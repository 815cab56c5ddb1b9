"""The ``max`` combine mode's arithmetic: ``s = max_i t_i``, its derivative routed to the arg-max.

What max pooling is (:mod:`rojas.importers`): a unit's net input is its largest
term, and ``∂s/∂t_i`` is 1 for that term (the first one on a tie) and 0 for the
others, as frameworks route a max pool's gradient.  The entry itself is
registered in :mod:`rojas.network.combine` from :data:`MAX_FIELDS`; this module
imports nothing of rojas, so the registry can import it.

>>> import numpy as np
>>> value, partials = max_segments(np.array([1.0, 3.0, 3.0, -2.0]), _Layout(np.array([0, 0, 0, 1])))
>>> value.tolist(), partials.tolist()
([3.0, -2.0], [0.0, 1.0, 0.0, 1.0])
"""

import numpy as np

__all__ = ["max_segments", "max_value", "max_partials", "MAX_FIELDS"]


class _Layout:
    """The few fields of :class:`rojas.network.combine.Segments` the reduction reads."""

    def __init__(self, rows):
        units, self.index = np.unique(rows, return_inverse=True)
        self.n = len(units)
        starts = np.searchsorted(rows, units)
        self.col = np.arange(len(rows)) - starts[self.index]
        self.width = int(self.col.max()) + 1 if len(rows) else 0

    def __len__(self):
        return self.n


def max_segments(terms, layout):
    """Each unit's largest term and, per term, 1 for the unit's (first) arg-max and 0 elsewhere."""
    table = np.full((len(layout), layout.width) + terms.shape[1:], -np.inf)
    table[layout.index, layout.col] = np.real(terms)
    best = np.argmax(table, axis=1)  # (units,) or (units, B)
    hit = layout.col.reshape((-1,) + (1,) * (terms.ndim - 1)) == best[layout.index]
    values = np.zeros((len(layout),) + terms.shape[1:], terms.dtype)
    np.add.at(values, layout.index, np.where(hit, terms, 0))
    return values, hit.astype(float)


def max_value(terms):
    """The largest of one unit's terms (0 for a unit without terms)."""
    if len(terms) == 0:
        return np.zeros(terms.shape[1:], terms.dtype)[()]
    return max_segments(terms, _Layout(np.zeros(len(terms), dtype=np.intp)))[0][0]


def max_partials(terms):
    """``∂s/∂t_i`` of one unit: 1 for the arg-max, 0 for the others."""
    return max_segments(terms, _Layout(np.zeros(len(terms), dtype=np.intp)))[1]


MAX_FIELDS = dict(value=max_value, partials=max_partials, symbol="max",
                  rule="∂E/∂w_ij = o_i·δ_j for the arg-max i, 0 for the others",
                  sympy=lambda sp, terms: sp.Max(*terms), segments=max_segments)
