"""``rojas demo``'s explorer section: the interactive pages beside the figures."""

import os

__all__ = ["EXPLORER_PAGES", "explorer_section"]

# {bundled example: page written by the demo}
EXPLORER_PAGES = {"mazur": "explorer_mazur.html", "skip_product": "explorer_skip_product.html"}


def explorer_section(out_dir):
    """``rojas demo``: write the explorer pages of the 2-2-2 network and of the skip/product network."""
    from ..network.data import load_data
    from ..network.examples import example_path
    from ..explorer import explore
    from ..engine.labeling import label
    from ..network import load

    print("=" * 78)
    print("The interactive explorer: both sweeps step by step, any weight's paths on a click (rojas explore)")
    print("=" * 78)
    for name, page in EXPLORER_PAGES.items():
        lab = label(load(example_path(name)), *load_data(example_path(name, "data")))
        path = explore(lab, os.path.join(out_dir, page))
        print(f"{lab.network.name}: {path}  (open it in a browser; one file, works offline)")
    print()
