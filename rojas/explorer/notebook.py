"""How networks and labelings show themselves in Jupyter, and ``Labeling.explore``.

The engine (:mod:`rojas.network`, :mod:`rojas.engine.labeling`) knows nothing of
figures or pages; this module, loaded by ``import rojas``, gives its classes
their notebook forms, each importing what it shows only when it is shown:

- a :class:`~rojas.Network` shows its figure (``_repr_png_``);
- a :class:`~rojas.Labeling` shows the interactive explorer in a sandboxed frame
  (``_repr_html_``; over the explorer's size limit the notebook falls back to the
  figure, ``_repr_png_``), and ``lab.explore(path=None)`` gives the page.

Keeping the hooks here keeps the package free of import circles: drawing and the
explorer import the engine, never the other way round.
"""

from ..engine.labeling import Labeling
from ..network import Network

__all__ = ["network_png", "labeling_png", "labeling_html", "labeling_explore"]


def network_png(net):
    """The network drawn, as PNG bytes (Matplotlib is imported only now)."""
    from ..drawing import repr_png

    return repr_png(net)


def labeling_png(lab):
    """The labeled network, both sweeps, as PNG bytes."""
    from ..drawing import repr_png

    return repr_png(lab)


def labeling_html(lab):
    """The explorer in a sandboxed ``<iframe srcdoc>``, or None over its size limit."""
    from . import repr_html

    return repr_html(lab)


def labeling_explore(lab, path=None, **options):
    """The interactive explorer of this labeling: :func:`rojas.explore` (HTML text, or written to `path`)."""
    from . import explore

    return explore(lab, path, **options)


Network._repr_png_ = network_png
Labeling._repr_png_ = labeling_png
Labeling._repr_html_ = labeling_html
Labeling.explore = labeling_explore
