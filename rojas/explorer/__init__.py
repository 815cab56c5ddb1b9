"""The interactive explorer: Rojas's labeled graph in a browser, step by step.

:func:`explore` turns a :class:`~rojas.Labeling` into one self-contained HTML
page (script, style and data inline; it works offline from ``file://`` and
makes no request): the network drawn as ``rojas draw`` draws it, both sweeps
step by step with a sentence per step, and a details panel for any unit,
edge or tied param — with every path from a weight to the objective, each
path's factors and product, their sum and the backward sweep's value.  For a
:class:`~rojas.Network` without data the page shows its structure, weights,
biases and paths only.

Every number on the page is a label the Python sweeps computed
(:mod:`rojas.explorer.data`); the page's script only shows them.  The one
thing it does with numbers is the display of Rojas's theorem itself: it walks
the embedded graph to list the paths behind a weight (at most
:data:`~rojas.explorer.data.PATH_LIMIT`; the exact count comes from Python)
and multiplies each path's factors — the stored labels — to show the sum over
paths beside the backward sweep's value.  That is a path sum, not a sweep.

:func:`repr_html` is the notebook form: the page inside a sandboxed
``<iframe srcdoc>``, so several explorers on one notebook page never interfere.
"""

__all__ = ["explore", "repr_html", "render_page", "page_data", "network_data", "embed_json", "PATH_LIMIT",
           "MAX_NODES"]

# ``import rojas`` imports this package for its notebook forms (:mod:`.notebook`); the page's modules load
# on first use (PEP 562), so that import stays as cheap as the engine's.
_LAZY = {"MAX_NODES": "data", "PATH_LIMIT": "data", "network_data": "data", "page_data": "data",
         "embed_json": "page", "explore": "page", "render_page": "page", "repr_html": "page"}


def __getattr__(name):
    import importlib

    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
