"""How ids and names are shown in text: escaped, quoted where they read as the objective.

User text (node ids, edge names) may hold newlines, terminal escapes or lone
surrogates; printed raw they fake lines (``rojas: error: …``), move the cursor
or crash an encoder.  Every listing shows ids through :func:`display_id`
(escaped by :func:`rojas.utils.escaping.terminal`, re-exported here as
``escape_terminal``); numbers go through :func:`rojas.utils.formatting.fmt`
(in ASCII: proofs are Markdown and LaTeX source too).
"""

from .claim_grammar import OBJECTIVE_NAMES
from ..utils.escaping import terminal as escape_terminal

__all__ = ["escape_terminal", "display_id"]

def display_id(node):
    """A node id or name as listings show it: escaped, and quoted where it reads as the objective.

    Examples
    --------
    >>> display_id("h1"), display_id("E"), display_id(3)
    ('h1', "'E'", '3')
    """
    text = escape_terminal(node)
    return repr(text) if text in OBJECTIVE_NAMES else text

