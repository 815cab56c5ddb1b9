"""An SVG of a drawing regrouped for editing: one ``<g>`` per unit and per edge.

Matplotlib writes each artist in its own ``<g>``, in drawing order, so a unit's two halves, its texts and
its tags are scattered among other units' artists.  :func:`group_by_owner` gathers every artist of one
unit (or edge) into a single ``<g data-node="ID">`` (``<g data-edge="U->V">``; error units and E, as in
the explorer, ``<g data-objective="error:Y">``, ``<g data-objective="E">``), inside which each panel's
part is a ``<g data-panel="forward">`` (or ``backward``): an author selects the unit in Inkscape and
restyles it whole, or enters it for one panel.  A unit's group takes the place of its topmost artist
(units and their texts stay above the edges), an edge's the place of its lowest (its line stays under
the path bands drawn on it; its label was placed clear of them).  Standard library only.
"""

import xml.etree.ElementTree as ET

__all__ = ["group_by_owner"]

SVG_NS = "http://www.w3.org/2000/svg"
_NS = {"": SVG_NS, "xlink": "http://www.w3.org/1999/xlink", "dc": "http://purl.org/dc/elements/1.1/",
       "cc": "http://creativecommons.org/ns#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def group_by_owner(svg_text, owner):
    """Regroup `svg_text`: the ``<g id=K>`` of every key K of `owner` moves into its owner's group.

    Parameters
    ----------
    svg_text : str
        An SVG written by Matplotlib, whose owned artists carry ``gid`` K.
    owner : dict
        ``{K: (attribute, value, panel)}``, e.g. ``("data-node", "h1", "forward")``.

    Returns
    -------
    str
        The SVG, with its XML declaration; each (attribute, value) on exactly one ``<g>``.

    Examples
    --------
    >>> svg = ('<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><circle/></g><g id="x"/>'
    ...        '<g id="b"><text>1</text></g></svg>')
    >>> out = group_by_owner(svg, {"a": ("data-node", "h1", "forward"), "b": ("data-node", "h1", "backward")})
    >>> out.count('data-node="h1"'), out.index('id="x"') < out.index('data-node="h1"')
    (1, True)
    """
    for prefix, uri in _NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(svg_text)
    parent = {child: p for p in root.iter() for child in p}
    members = {}
    for el in root.iter(f"{{{SVG_NS}}}g"):  # document order: the drawing order
        key = owner.get(el.get("id"))
        if key is not None:
            members.setdefault(key[:2], []).append((el, key[2]))
    for (attr, value), items in members.items():
        spot = items[0][0] if attr == "data-edge" else items[-1][0]
        home = parent[spot]
        group = ET.Element(f"{{{SVG_NS}}}g", {attr: value})
        home.insert(list(home).index(spot), group)
        panels = {}
        for el, panel in items:
            if panel not in panels:
                panels[panel] = ET.SubElement(group, f"{{{SVG_NS}}}g", {"data-panel": panel})
            parent[el].remove(el)
            panels[panel].append(el)
            parent[el] = panels[panel]
    return '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + ET.tostring(root, encoding="unicode")
