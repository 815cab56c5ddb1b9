"""The explorer page: one self-contained HTML file, and its notebook form.

The page is ``page.html`` with the style (``explorer.css``), the script
(the parts in :data:`SCRIPT_PARTS`, in that order) and the data inlined; there is no ``src``, ``href`` or
``url()`` pointing anywhere, so it works from ``file://`` and makes no request.
The data sits in a ``<script type="application/json">`` element with every
``<``, ``>`` and ``&`` written as a JSON ``\\u`` escape, so no node id, edge name
or title (they may hold ``</script>``, quotes or ampersands) can end the element
or inject markup; the script builds the DOM with ``textContent`` and
``setAttribute`` only.
"""

import html
import json
import numbers
import re
from importlib.resources import files

from .data import MAX_NODES, page_data

__all__ = ["render_page", "explore", "repr_html", "embed_json"]


# The page's script, one idea a file, in the order they run.  The first creates ``app``, the namespace the
# others read from and add to; they run inside one function, so ``app`` is no global and the page's only
# globals stay the tests' handles (``rojasFormat``, ``rojasExplorer``).  pyproject's package-data ships them.
SCRIPT_PARTS = ("explorer_base.js", "explorer_draw.js", "explorer_steps.js", "explorer_view.js",
                "explorer_paths.js", "explorer_panels.js", "explorer_start.js")


def _asset(name):
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _script():
    """The page's one inline script: the parts joined in order, inside one function."""
    return "(function () {\n" + "".join(_asset(name) for name in SCRIPT_PARTS) + "})();\n"


def embed_json(data):
    """`data` as JSON safe inside a ``<script>`` element of an HTML page.

    Examples
    --------
    >>> embed_json({"id": "</script><b>&"})
    '{"id":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(lab, *, sample=None, title=None, max_nodes=MAX_NODES):
    """The explorer page for `lab`, as HTML text (see :func:`explore`)."""
    data = page_data(lab, sample=sample, title=title, max_nodes=max_nodes)
    parts = {"title": html.escape(f"{data['title']} · rojas explorer"), "css": _asset("explorer.css"),
             "js": _script(), "data": embed_json(data)}
    # One pass, so that nothing inserted is itself searched for placeholders.
    return re.sub(r"\{\{(title|css|js|data)\}\}", lambda m: parts[m.group(1)], _asset("page.html"))


def explore(lab, path=None, *, sample=None, title=None, max_nodes=MAX_NODES):
    """The interactive explorer of a labeled network: one self-contained HTML page.

    Parameters
    ----------
    lab : Labeling or Network
        From :func:`rojas.label`; with targets the page shows the extended
        error network and its unit E.  A network without data gives a page of
        its structure, weights and biases (no sweeps to step through).
    path : str or os.PathLike, optional
        Write the page here (atomically) instead of returning it.
    sample : int, optional
        For a batch: the sample the graph and the steps show (default 0).
    title : str, optional
        Instead of the network's name.
    max_nodes : int
        The size limit (nodes + edges/10), checked before any work.

    Returns
    -------
    str
        The HTML text, or the path written.

    Raises
    ------
    RojasError
        If `lab` is not a labeling, `sample` is out of range, the network is
        over the size limit, or the file cannot be written.

    Examples
    --------
    >>> import rojas
    >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
    ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> page = rojas.explore(lab)
    >>> page.startswith("<!DOCTYPE html>"), "http://" in page or "https://" in page
    (True, False)
    """
    text = render_page(lab, sample=sample, title=title, max_nodes=max_nodes)
    if path is None:
        return text
    from ..utils.files import write_text_atomic

    return write_text_atomic(path, text)


def repr_html(lab, height=780):
    """The explorer for a notebook: the page in a sandboxed ``<iframe srcdoc>``.

    ``sandbox="allow-scripts"`` gives each explorer its own document and
    script realm (and no access to the notebook), so several on one page do
    not interfere.  ``Labeling._repr_html_`` and ``Labeling.explore`` call this.

    Returns None for a labeling over the explorer's size limit: a notebook then
    shows the labeling's other representations instead of an error.
    """
    from ..errors import RojasError

    if isinstance(height, bool) or not isinstance(height, numbers.Real) or not 0 < height < 1e6:
        raise RojasError(f"height must be a number of pixels (0 < height < 1e6), got {height!r:.40}")
    try:
        page = render_page(lab)
    except RojasError:
        return None
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
            f'title="rojas explorer" style="width:100%;height:{int(height)}px;border:1px solid #ddd;'
            f'border-radius:4px"></iframe>')
