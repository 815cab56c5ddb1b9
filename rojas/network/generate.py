"""Networks made to order: layered, random, with skips, chains and residual stacks, of any size.

:func:`generate` draws a network's structure and numbers with NumPy from one
seed (the same seed, the same network, on every machine) and builds it through
the node-link columns the loader uses, so a 1,000,000-edge network takes
seconds.  Unless asked otherwise every unit reaches an output: a unit nothing
chose as a predecessor gets one edge to a random unit of the next layer (of a
later position, for ``random``).  :func:`sample_data` draws inputs and targets.

The kinds (N units, fan-in K, depth D):

``layered``
    D hidden layers of N // D units; each unit reads K units of the layer before.
``skip``
    ``layered`` plus, for every unit from the third layer on, one edge from a
    random unit two layers back.
``chain``
    N units in a line, each reading the K nodes before it (K = 2: the paths
    from the first unit number the Fibonacci numbers).
``resnet``
    D residual blocks of width W = N // (2D + 1): ``h_b = f(W·r_{b−1})``,
    ``r_b = r_{b−1} + W'·h_b`` (identity units; the skip weight is 1).
``random``
    N units in a random topological order, each reading K earlier nodes drawn
    uniformly (duplicates dropped).
"""

import numpy as np

from ..errors import NetworkError
from ..utils.limits import limit, too_large

__all__ = ["generate", "generate_dict", "sample_data", "KINDS"]

KINDS = ("layered", "random", "skip", "chain", "resnet")


class _Builder:
    """Nodes and edges as arrays while a network is drawn."""

    def __init__(self, rng):
        self.rng = rng
        self.ids, self.fns, self.layer_of = [], [], []
        self.src, self.dst, self.fixed = [], [], []  # edge arrays per batch; fixed: a weight of 1 (a skip)
        self.layers = []  # (lo, hi) node positions

    def add_layer(self, ids, fn):
        lo = len(self.ids)
        self.ids.extend(ids)
        self.fns.extend([fn] * len(ids) if isinstance(fn, str) else fn)
        self.layers.append((lo, len(self.ids)))
        return lo, len(self.ids)

    def connect(self, src, dst, fixed=False):
        self.src.append(np.asarray(src, dtype=np.int64))
        self.dst.append(np.asarray(dst, dtype=np.int64))
        self.fixed.append(np.full(len(self.src[-1]), fixed))

    def read_from(self, units, pool, k):
        """Each unit of `units` (lo, hi) reads up to `k` random nodes of `pool` (lo, hi), without repeats."""
        (a, z), (p, q) = units, pool
        if z <= a or q <= p:
            return
        k = min(k, q - p)
        dst = np.repeat(np.arange(a, z), k)
        if k == q - p:  # all of them
            src = np.tile(np.arange(p, q), z - a)
        else:
            src = p + self.rng.integers(0, q - p, size=(z - a) * k)
        self.connect(src, dst)

    def arrays(self):
        src, dst = np.concatenate(self.src), np.concatenate(self.dst)
        fixed = np.concatenate(self.fixed)
        key = src * len(self.ids) + dst
        _, first = np.unique(key, return_index=True)  # a pair drawn twice is one edge
        first.sort()
        return src[first], dst[first], fixed[first]


def _layered(b, n_in, units, k, depth, fns, n_out, out_fn, skip):
    width = max(1, units // depth)
    b.add_layer([f"x{i}" for i in range(n_in)], "input")
    for layer in range(1, depth + 1):
        here = b.add_layer([f"h{layer}_{j}" for j in range(width)], fns(width))
        b.read_from(here, b.layers[-2], k)
        if skip and layer >= 3:
            back = b.layers[-3]
            b.connect(back[0] + b.rng.integers(0, back[1] - back[0], size=width), np.arange(*here))
    out = b.add_layer([f"y{j}" for j in range(n_out)], out_fn)
    b.read_from(out, b.layers[-2], k)


def _resnet(b, n_in, units, k, depth, fns, n_out, out_fn):
    width = max(1, units // (2 * depth + 1))
    b.add_layer([f"x{i}" for i in range(n_in)], "input")
    stream = b.add_layer([f"r0_{j}" for j in range(width)], fns(width))
    b.read_from(stream, b.layers[0], k)
    for block in range(1, depth + 1):
        h = b.add_layer([f"h{block}_{j}" for j in range(width)], fns(width))
        b.read_from(h, stream, k)
        r = b.add_layer([f"r{block}_{j}" for j in range(width)], "identity")
        b.connect(np.arange(*stream), np.arange(*r), fixed=True)  # the identity skip
        b.read_from(r, h, k)
        stream = r
    out = b.add_layer([f"y{j}" for j in range(n_out)], out_fn)
    b.read_from(out, stream, k)


def _chain(b, n_in, units, k, fns, n_out, out_fn):
    b.add_layer([f"x{i}" for i in range(n_in)], "input")
    n = max(units, n_out)
    b.add_layer([f"u{i}" for i in range(n - n_out)], fns(n - n_out))
    b.add_layer([f"y{j}" for j in range(n_out)], out_fn)
    pos = np.arange(n_in, n_in + n)
    for d in range(1, k + 1):
        src = pos - d
        ok = src >= n_in - 1  # the first unit also reads the last input
        b.connect(src[ok], pos[ok])
    b.connect(np.arange(n_in - 1), np.full(n_in - 1, n_in))  # every input feeds the first unit
    b.layers = [(0, n_in)] + [(i, i + 1) for i in range(n_in, n_in + n)]


def _random(b, n_in, units, k, fns, n_out, out_fn):
    b.add_layer([f"x{i}" for i in range(n_in)], "input")
    b.add_layer([f"u{i}" for i in range(units - n_out)], fns(units - n_out))
    b.add_layer([f"y{j}" for j in range(n_out)], out_fn)
    dst = np.repeat(np.arange(n_in, n_in + units), k)
    src = np.floor(b.rng.random(len(dst)) * dst).astype(np.int64)  # uniform over the nodes before
    b.connect(src, dst)
    b.layers = [(0, n_in)] + [(i, i + 1) for i in range(n_in, n_in + units)]


def _feed_forward(b, src, dst, n_out):
    """Every node but the outputs that feeds nothing: one edge to a random node of a later layer."""
    n = len(b.ids)
    starts = np.array([lo for lo, _ in b.layers] + [n])
    layer = np.searchsorted(starts, np.arange(n), side="right") - 1
    fed = np.zeros(n, dtype=bool)
    fed[src] = True
    dead = np.flatnonzero(~fed[: n - n_out])
    if not len(dead):
        return src, dst
    # for a chain or random network the next "layer" is everything after the node
    one_node_layers = len(b.layers) > 1 and all(hi - lo == 1 for lo, hi in b.layers[1:])
    lo = np.maximum(dead + 1, b.layers[1][0]) if one_node_layers else starts[layer[dead] + 1]
    hi = np.full(len(dead), n) if one_node_layers else starts[np.minimum(layer[dead] + 2, len(starts) - 1)]
    target = lo + np.floor(b.rng.random(len(dead)) * (hi - lo)).astype(np.int64)
    return np.concatenate([src, dead]), np.concatenate([dst, target])


def generate_dict(kind="layered", units=100, fan_in=3, primitives=("tanh",), seed=0, *, inputs=None, outputs=1,
                  depth=None, scale=1.0, reach_all=True, output_fn="identity", name=None):
    """The node-link data (a network file's content) of :func:`generate`'s network.

    >>> len(generate_dict("layered", units=9, fan_in=2)["nodes"])
    11
    """
    from .primitives import primitive_names
    if kind not in KINDS:
        raise NetworkError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
    prims = list(primitives)
    for p in prims + [output_fn]:
        if p not in primitive_names():
            raise NetworkError(f"primitive {p!r} is not one of {', '.join(primitive_names())}")
    if not prims:
        raise NetworkError("give at least one primitive")
    for what, value, low in (("--units", units, 1), ("--fan-in", fan_in, 1), ("--outputs", outputs, 1),
                             ("--inputs", 1 if inputs is None else inputs, 1), ("--depth", depth or 1, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise NetworkError(f"{what} {value!r}: give a whole number ≥ {low}")
    if outputs > units:
        raise NetworkError(f"--outputs {outputs} is more than --units {units}")
    if not np.isfinite(scale) or scale <= 0:
        raise NetworkError(f"--scale {scale!r}: give a number > 0")
    edges = units * (fan_in + 2)
    if edges > limit("generated_edges"):
        raise NetworkError(too_large(f"--units {units:,} × --fan-in {fan_in}", f"makes about {edges:,} edges",
                                     "generated_edges"))
    rng = np.random.default_rng(seed)
    n_in = fan_in if inputs is None else inputs
    depth = depth or 4
    b = _Builder(rng)
    fns = lambda n: [prims[i] for i in rng.integers(0, len(prims), size=n)]  # noqa: E731
    if kind in ("layered", "skip"):
        _layered(b, n_in, units - outputs, fan_in, depth, fns, outputs, output_fn, kind == "skip")
    elif kind == "resnet":
        _resnet(b, n_in, units - outputs, fan_in, depth, fns, outputs, output_fn)
    elif kind == "chain":
        _chain(b, n_in, units, fan_in, fns, outputs, output_fn)
    else:
        _random(b, n_in, units, fan_in, fns, outputs, output_fn)
    src, dst, fixed = b.arrays()
    if reach_all:
        src, dst = _feed_forward(b, src, dst, outputs)
        fixed = np.concatenate([fixed, np.zeros(len(src) - len(fixed), dtype=bool)])
    indeg = np.bincount(dst, minlength=len(b.ids))
    w = rng.standard_normal(len(src)) * scale / np.sqrt(np.maximum(indeg[dst], 1))
    w[fixed] = 1.0
    bias = rng.standard_normal(len(b.ids)) * 0.1
    ids, fn_of = b.ids, b.fns
    nodes = [{"id": n, "fn": f} if f == "input" else {"id": n, "fn": f, "bias": bb}
             for n, f, bb in zip(ids, fn_of, bias.tolist())]
    edges = [{"source": ids[u], "target": ids[v], "weight": x}
             for u, v, x in zip(src.tolist(), dst.tolist(), w.tolist())]
    title = name or f"{kind} network: {units:,} units, fan-in {fan_in}, seed {seed}"
    graph = {"name": title, "outputs": [f"y{j}" for j in range(outputs)]}
    return {"directed": True, "multigraph": False, "graph": graph, "nodes": nodes, "edges": edges}


def generate(kind="layered", units=100, fan_in=3, primitives=("tanh",), seed=0, **options):
    """Draw a network: the same arguments give the same network.

    Parameters
    ----------
    kind : {"layered", "random", "skip", "chain", "resnet"}
        See the module's docstring.
    units : int
        Units (outputs included), about: a layered kind rounds to whole layers.
    fan_in : int
        Edges into each unit (at most; duplicates drawn are dropped).
    primitives : sequence of str
        Each hidden unit's primitive is drawn from these.
    seed : int
    inputs : int, optional
        Input nodes (default: `fan_in`).
    outputs : int, optional
        Output units (default 1).
    depth : int, optional
        Hidden layers or residual blocks (default 4; ignored by chain and random).
    scale : float, optional
        Weights are normal with standard deviation ``scale / sqrt(fan-in)`` (default 1).
    reach_all : bool, optional
        Give every node that feeds nothing an edge forward (default True), so every
        unit reaches an output.
    output_fn : str, optional
        The outputs' primitive (default identity).
    name : str, optional

    Returns
    -------
    Network

    Raises
    ------
    NetworkError
        For an unknown kind or primitive, or sizes out of range.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.generate("chain", units=6, fan_in=2, primitives=["identity"])
    >>> len(net.nodes), len(net.edges), rojas.count_paths(net, "u0", net.outputs)
    (8, 12, 8)
    """
    from .nodelink import from_dict

    return from_dict(generate_dict(kind, units, fan_in, primitives, seed, **options), "generated network",
                     warn=False)


def sample_data(net, seed=0, batch=None):
    """Inputs and targets drawn uniformly from [−1, 1] for every input and output of `net`.

    Returns
    -------
    dict
        ``{"inputs": {...}, "targets": {...}}``: a data file's content.

    Examples
    --------
    >>> import rojas
    >>> net = rojas.generate("layered", units=9, fan_in=2)
    >>> sorted(sample_data(net)["inputs"]), sorted(sample_data(net)["targets"])
    (['x0', 'x1'], ['y0'])
    """
    rng = np.random.default_rng(seed)
    shape = () if batch is None else (batch,)

    def draw():
        v = rng.uniform(-1.0, 1.0, size=shape)
        return float(v) if batch is None else v.tolist()

    return {"inputs": {n: draw() for n in net.inputs}, "targets": {n: draw() for n in net.outputs}}
