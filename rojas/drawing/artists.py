"""What a drawing drew: :class:`Drawing`, its artists by panel, node and edge, and what it left out."""

__all__ = ["Drawing"]


class Drawing:
    """What :func:`draw` drew, artist by artist (NetworkX-style dictionaries).

    Attributes
    ----------
    ax : matplotlib.axes.Axes
    mode : {"full", "table", "summary"}
    panels : list of str
        ``"forward"`` and/or ``"backward"``, top to bottom (empty for a summary).
    nodes : dict
        ``{panel: {node: UnitArtists}}``; the extended network's error units
        and E are :class:`~rojas.drawing.scene.ObjectiveNode` keys.
    edges : dict
        ``{panel: {(u, v): EdgeArtists}}``.
    tags : list of matplotlib.text.Text
        Node ids, biases, δ and the like, beside the units.
    titles : list of matplotlib.text.Text
    paths : list of (dict, list)
        Each highlighted path (as in :class:`~rojas.proof.paths.PathSum`) and its artists.
    legend, table, note : artist or None
    tables : list of matplotlib.text.Text
        The blocks of the numbered tables (table mode).
    pages : list of matplotlib.figure.Figure
        On a fixed page (``page=``), the further pages the tables continue on (empty otherwise).
    left_out : list of str
        What this drawing does not show that was asked for, in words (also in its note and a warning).
    scale : float
        Points per circle radius.
    layout : Layout
    scene : Scene
    """

    def __init__(self, ax):
        self.ax = ax
        self.mode, self.panels = None, []
        self.nodes, self.edges = {}, {}
        self.tags, self.titles, self.paths = [], [], []
        self.legend = self.table = self.note = None
        self.tables, self.notes, self.left_out = [], [], []
        self.table_ax = None
        self.scale = None
        self.layout = self.scene = None
        self.scene_title = ""
        self.offsets, self.shifts = {}, {}
        self.path_sum = None
        self.seed_arrows = {}
        self.collections = []
        self.backgrounds = []
        self.markers = []
        self.summary_axes = []
        self.crowded = 0
        self.crowded_edges = []
        self.dpi = None  # the pixels per inch it was saved at (a PNG)
        self.font_factor = 1.0
        self.net = None
        self.pages = []  # on a fixed page: the further pages (Matplotlib figures) the tables continue on
        self.table_lines, self.table_columns, self.note_base = [], 1, ""

    @property
    def figure(self):
        return self.ax.figure

    def place(self, node, panel):
        """Where `node` is drawn in `panel`, in data coordinates."""
        x, y = self.layout.pos[node]
        return x + self.shifts.get(panel, 0.0), y + self.offsets[panel]

    def edge_labels(self):
        """Every edge label drawn."""
        return [e.label for panel in self.edges.values() for e in panel.values() if e.label is not None]

    def label_texts(self):
        """The texts outside the units: tags, edge labels, titles and the note."""
        texts = list(self.tags) + self.edge_labels() + list(self.titles)
        return texts + ([self.note] if self.note is not None else [])

    def texts(self):
        """Every text drawn on the axes (inside the units too)."""
        inner = [t for panel in self.nodes.values() for u in panel.values() for t in u.texts.values()]
        return inner + self.label_texts()

    def artists(self):
        """Every artist, as a flat list."""
        out = []
        for panel in self.nodes.values():
            for u in panel.values():
                out += u.artists()
        for panel in self.edges.values():
            for e in panel.values():
                out += e.artists()
        for _, lines in self.paths:
            out += lines
        out += self.tags + self.titles + self.collections + self.backgrounds + list(self.seed_arrows.values())
        out += [a for a in (self.legend, self.note) if a is not None] + list(self.tables)
        return out

    def remove(self):
        """Take the drawing's artists off its axes (not the legend, which stays): before another attempt."""
        seen = set()
        for a in self.artists():
            if a is None or a is self.legend or id(a) in seen:
                continue
            seen.add(id(a))
            try:
                a.remove()
            except (ValueError, NotImplementedError, AttributeError):
                pass
        if self.table_ax is not None:
            self.table_ax.remove()

    def __repr__(self):
        return (f"<Drawing of {self.scene_title!r}: {self.mode}, panels {self.panels}, "
                f"{sum(len(p) for p in self.nodes.values())} nodes drawn>")
