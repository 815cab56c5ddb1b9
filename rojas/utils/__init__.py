"""Helpers every domain shares, and none of rojas's ideas: bytes in and out, limits, text.

- :mod:`~rojas.utils.limits` -- every size and work limit, its environment variable and how to raise it;
- :mod:`~rojas.utils.reading` -- reading JSON within limits (size, kind, depth);
- :mod:`~rojas.utils.files` -- atomic writes, and outputs that never overwrite an input;
- :mod:`~rojas.utils.formatting` -- the one number formatter and table writer;
- :mod:`~rojas.utils.escaping` -- one escape function per output format (terminal, Markdown, LaTeX);
- :mod:`~rojas.utils.progress` -- progress bars on stderr (tqdm, imported only when one is shown).

May import: :mod:`rojas.errors` only.
"""
