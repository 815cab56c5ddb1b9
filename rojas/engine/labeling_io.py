"""A labeling's export: the JSON of ``rojas grad --json`` (whole or streamed), NetworkX, a summary.

Everything is read from the labeling's snapshot in whole arrays, in O(N + E):
the streamed JSON writes nodes and edges in chunks, so a million-edge
labeling never exists a second time as Python objects.
"""

import json
from json.encoder import encode_basestring_ascii

import numpy as np

from ..utils.progress import progress_bar

__all__ = ["LabelingExport", "TABLE_ROWS"]

TABLE_ROWS = 200  # nodes + edges beyond which `rojas grad` prints a summary (unless --all)
_CHUNK = 4096     # nodes or edges per piece of streamed JSON


def _text(value):
    """A string, integer or float as json.dumps writes it (ids, names, finite numbers)."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if type(value) is int or type(value) is float:
        return repr(value)
    return json.dumps(value)


def _num(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


class LabelingExport:
    """The export methods of :class:`~rojas.Labeling` (a mixin: they read the snapshot only)."""

    def _node_rows(self, a, z):
        """``{str(node): labels}`` for nodes ``a:z`` (network order)."""
        plan, arrays = self.plan, self.arrays
        rows = plan.rank[a:z]
        o, delta = arrays["o"][rows].tolist(), arrays["delta"][rows].tolist()
        s, d = arrays["s"][rows].tolist(), arrays["fprime"][rows].tolist()
        out = {}
        for n, inp, s_, o_, d_, delta_ in zip(plan.nodes[a:z], plan.is_input[rows].tolist(), s, o, d, delta):
            out[str(n)] = ({"value": o_, "delta": delta_} if inp else
                           {"net": s_, "value": o_, "derivative": d_, "delta": delta_})
        return out

    def _edge_rows(self, a, z):
        plan = self.plan
        w = self._numbers["weights"][a:z].tolist()
        g = self._edge_grad[a:z].tolist()
        out = []
        for (u, v), name, w_, g_ in zip(plan.edges[a:z], plan.edge_names[a:z], w, g):
            entry = {"source": u, "target": v}
            if name is not None:
                entry["name"] = name
            entry["weight"], entry["grad"] = w_, g_
            out.append(entry)
        return out

    def _node_texts(self, a, z):
        """Nodes ``a:z`` of one sample as the JSON text of their entries (at depth 2)."""
        plan, arrays = self.plan, self.arrays
        rows = plan.rank[a:z]
        o, delta = arrays["o"][rows].tolist(), arrays["delta"][rows].tolist()
        s, d = arrays["s"][rows].tolist(), arrays["fprime"][rows].tolist()
        out = []
        for n, inp, s_, o_, d_, delta_ in zip(plan.nodes[a:z], plan.is_input[rows].tolist(), s, o, d, delta):
            if inp:
                out.append(f'  {_text(str(n))}: {{\n   "value": {o_!r},\n   "delta": {delta_!r}\n  }}')
            else:
                out.append(f'  {_text(str(n))}: {{\n   "net": {s_!r},\n   "value": {o_!r},\n'
                           f'   "derivative": {d_!r},\n   "delta": {delta_!r}\n  }}')
        return ",\n".join(out)

    def _edge_texts(self, a, z):
        """Edges ``a:z`` as the JSON text of their entries (at depth 2)."""
        plan = self.plan
        w = self._numbers["weights"][a:z].tolist()
        g = self._edge_grad[a:z].tolist()
        out = []
        for (u, v), name, w_, g_ in zip(plan.edges[a:z], plan.edge_names[a:z], w, g):
            named = "" if name is None else f'   "name": {_text(name)},\n'
            out.append(f'  {{\n   "source": {_text(u)},\n   "target": {_text(v)},\n{named}'
                       f'   "weight": {w_!r},\n   "grad": {g_!r}\n  }}')
        return ",\n".join(out)

    def _head(self):
        return {"network": self.plan.name,
                "objective": self.objective if self.objective == "E" else str(self.objective),
                "rule": self.loss.name, "formula": self.objective_text(short=False),
                "value": self.value}

    def _tail(self):
        return {"biases": {str(n): g for n, g in self.bias_grad.items()},
                "params": dict(self.param_grad),
                "inputs": {str(n): _num(g) for n, g in self.input_grad.items()}}

    def to_dict(self):
        """The labels as the JSON object ``rojas grad --json`` prints."""
        plan = self.plan
        return {**self._head(), "nodes": self._node_rows(0, plan.n_nodes),
                "edges": self._edge_rows(0, plan.n_edges), **self._tail()}

    def write_json(self, fp, chunk=_CHUNK):
        """Write :meth:`to_dict` as JSON (``indent=1``) to the text file `fp`, in chunks.

        The text is exactly ``json.dumps(lab.to_dict(), indent=1)``, but at
        most `chunk` nodes or edges exist as Python objects at a time.

        Examples
        --------
        >>> import io, json, rojas
        >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
        ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> buf = io.StringIO()
        >>> lab.write_json(buf, chunk=3)
        >>> buf.getvalue() == json.dumps(lab.to_dict(), indent=1)
        True
        """
        def dumps(obj):
            return json.dumps(obj, indent=1, allow_nan=False)

        def inner(text):
            # An object's or list's items, one level deeper than at the top.
            return " " + text[2:-2].replace("\n", "\n ")

        def section(key, rows, size, opening, closing):  # reads `texts` from the enclosing scope
            fp.write(f',\n {dumps(key)}: ')
            if size == 0:
                fp.write(opening + closing)
                return
            fp.write(opening + "\n")
            for a in range(0, size, chunk):
                if a:
                    fp.write(",\n")
                z = min(a + chunk, size)
                fp.write(texts(a, z) if texts is not None else inner(dumps(rows(a, z))))
                bar.update(z - a)
            fp.write("\n " + closing)

        # One sample: every label is a float, so entries are written by format strings
        # (what json.dumps writes, at a fraction of its pure-Python indenting encoder's cost).
        single = self.batch_size is None
        texts = self._node_texts if single else None

        fp.write(dumps(self._head())[:-2])
        # A bar on a terminal when writing takes more than 2 s (millions of edges).
        with progress_bar(total=self.plan.n_nodes + self.plan.n_edges, desc="writing JSON", unit="entry") as bar:
            section("nodes", self._node_rows, self.plan.n_nodes, "{", "}")
            texts = self._edge_texts if single else None
            section("edges", self._edge_rows, self.plan.n_edges, "[", "]")
        tail = dumps(self._tail())
        fp.write(",\n" + tail[2:])

    def to_networkx(self):
        """The network (this labeling's numbers) as a DiGraph with the labels as attributes.

        Nodes get ``net``, ``value``, ``derivative`` and ``delta`` (inputs: value
        and delta); edges get ``grad``; every original attribute is kept.

        Examples
        --------
        >>> import networkx as nx, rojas
        >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")), *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> G = lab.to_networkx()
        >>> round(G.edges["h1", "o1"]["grad"], 9)
        0.082167041
        """
        G = self.network.to_networkx()
        for n, labels in zip(self.plan.nodes, self._node_rows(0, self.plan.n_nodes).values()):
            G.nodes[n].update(labels)
        for (u, v), g in zip(self.plan.edges, self._edge_grad.tolist()):
            G.edges[u, v]["grad"] = g
        return G

    def summary(self, top=10):
        """A few lines for a network too large for a table: the objective, counts, the largest |∂/∂w|.

        Examples
        --------
        >>> import rojas
        >>> lab = rojas.label(rojas.load(rojas.example_path("mazur")),
        ...                   *rojas.load_data(rojas.example_path("mazur", "data")))
        >>> print(lab.summary(top=2))
        2-2-2 (Matt Mazur's worked example, 2015): objective E = ½Σ(o−t)² = 0.298371109
        6 nodes (2 inputs, 4 units), 8 edges, 0 params
        The 2 largest |∂E/∂w| of 8:
          h2->o1 (w6)  0.0826676278
          h1->o1 (w5)  0.0821670406
        """
        from ..utils.formatting import fmt

        plan = self.plan
        d = "∂E" if self.objective == "E" else f"∂o[{self.objective}]"
        batch = "" if self.batch_size is None else f", summed over a batch of {self.batch_size}"
        lines = [f"{plan.name or 'network'}: objective {self.objective_text()} = {fmt(self.value)}{batch}",
                 f"{plan.n_nodes} nodes ({len(plan.inputs)} inputs, {plan.n_nodes - len(plan.inputs)} units), "
                 f"{plan.n_edges} edges, {len(plan.param_names)} params"]
        k = min(top, plan.n_edges)
        if k:
            mag = np.abs(self._edge_grad)
            best = np.argpartition(-mag, k - 1)[:k]
            best = best[np.argsort(-mag[best], kind="stable")]
            lines.append(f"The {k} largest |{d}/∂w| of {plan.n_edges}:")
            rows = []
            for e in best.tolist():
                u, v = plan.edges[e]
                name = plan.edge_names[e]
                rows.append((f"{u}->{v}" + (f" ({name})" if name is not None else ""),
                             fmt(float(self._edge_grad[e]))))
            width = max(len(r[0]) for r in rows)
            lines += [f"  {r.ljust(width)}  {g}" for r, g in rows]
        return "\n".join(lines)
