"""Reading an ONNX model safely: sizes before data, external data inside the model's folder.

Everything a model declares is checked before anything large is read: the
file's size (``ROJAS_MAX_FILE_MB``), every tensor's declared number of
elements (``ROJAS_MAX_TENSOR_ELEMENTS``), and every external data location --
absolute paths, ``..`` and symbolic links that lead out of the model's folder
are refused before a byte of them is opened.  Then the data is read, every
parameter checked to be finite, and the nodes put in an order in which every
input exists before it is used (a cycle or an input that nothing produces is
named).  The ``onnx`` package is imported here, on first use only.
"""

import heapq
import os

import numpy as np

from ..errors import NetworkError, RojasError
from ..utils.limits import limit, too_large

__all__ = ["require", "read_model", "tensor_arrays", "node_order", "declared_shape"]


# What to install for each optional framework (torch is in no extra: its plain wheel is a CUDA build of GBs).
INSTALL = {"onnx": 'pip install "rojas[onnx]"', "sklearn": 'pip install "rojas[sklearn]"',
           "micrograd": 'pip install "rojas[micrograd]"',
           "torch": "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu"}


def require(module):
    """Import the optional framework `module`, or refuse in one line saying what to install."""
    import importlib

    top = module.split(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError:
        raise RojasError(f"this needs the {top} package: {INSTALL.get(top, 'pip install ' + top)}") from None


def _elements(dims, what):
    n = 1
    for d in dims:
        if d < 0:
            raise NetworkError(f"{what} declares a negative dimension {d}")
        n *= int(d)
    if n > limit("tensor_elements"):
        raise NetworkError(too_large(what, f"declares {n:,} elements (shape {list(dims)})", "tensor_elements"))
    return n


def _tensors(graph):
    """Every tensor the graph holds: initializers and the values of Constant nodes, with how to name them."""
    for t in graph.initializer:
        yield t, f"initializer {t.name!r}"
    for node in graph.node:
        for a in node.attribute:
            if a.HasField("t"):
                yield a.t, f"the {a.name!r} of node {node.name or node.op_type!r}"


def _confined(base, location, what):
    """The real path of external data `location`, refused unless it lies inside the folder `base`."""
    if not location:
        raise NetworkError(f"{what}: external data without a location")
    parts = location.replace("\\", "/").split("/")
    if os.path.isabs(location) or location.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
        raise NetworkError(f"{what}: external data location {location!r} lies outside the model's folder; "
                           "only files beside the model are read")
    real_base = os.path.realpath(base)
    path = os.path.realpath(os.path.join(real_base, location))
    if os.path.commonpath([real_base, path]) != real_base:
        raise NetworkError(f"{what}: external data location {location!r} leads outside the model's folder "
                           "(a symbolic link); only files inside it are read")
    return path


def _plan_external(model, base):
    """Check every external tensor's location and size; return what to read, reading nothing."""
    from onnx import TensorProto, helper

    reads = []
    for t, what in _tensors(model.graph):
        n = _elements(t.dims, what)
        if t.data_location != TensorProto.EXTERNAL:
            continue
        info = {e.key: e.value for e in t.external_data}
        if base is None:
            raise NetworkError(f"{what} keeps its data in an external file: give the model's path, not a loaded "
                               "ModelProto, so that rojas knows its folder")
        path = _confined(base, info.get("location", ""), what)
        need = n * np.dtype(helper.tensor_dtype_to_np_dtype(t.data_type)).itemsize
        try:
            offset, length = int(info.get("offset", 0)), int(info.get("length", need))
        except ValueError:
            raise NetworkError(f"{what}: external data offset or length is not a number") from None
        if length != need or offset < 0:
            raise NetworkError(f"{what}: external data length {length} does not match its shape "
                               f"{list(t.dims)} ({need} bytes)")
        reads.append((t, path, offset, length, what))
    return reads


def read_model(source):
    """The ModelProto of `source` (a path or a ModelProto) with every tensor's data in memory, checked.

    Raises
    ------
    RojasError
        Naming the file, tensor or location at fault.
    """
    onnx = require("onnx")
    from ..utils.reading import max_file_bytes

    if isinstance(source, onnx.ModelProto):
        model, base = onnx.ModelProto(), None
        model.CopyFrom(source)  # the caller's model is never changed
    else:
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise RojasError(f"{path}: no such model file")
        size, cap = os.path.getsize(path), max_file_bytes()
        if size > cap:
            raise RojasError(too_large(f"{path}:", f"is {size:,} bytes", "file_mb"))
        try:
            model = onnx.load(path, load_external_data=False)
        except Exception as exc:  # protobuf's DecodeError and kin: not an ONNX file
            first = (str(exc).strip().splitlines() or [""])[0][:120]  # protobuf's reason, its first line only
            raise RojasError(f"{path}: not an ONNX model ({type(exc).__name__}: {first})") from None
        base = os.path.dirname(os.path.abspath(path))
    for inp in model.graph.input:
        dims = [d.dim_value if d.HasField("dim_value") else 1 for d in inp.type.tensor_type.shape.dim]
        _elements(dims, f"graph input {inp.name!r}")
    for k, node in enumerate(model.graph.node):  # messages name every node, unnamed ones by place and output
        if not node.name:
            node.name = f"#{k} ({node.op_type} -> {node.output[0] if node.output else ''})"
    reads = _plan_external(model, base)
    from onnx import TensorProto

    for t, path, offset, length, what in reads:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(length)
        if len(data) != length:
            raise NetworkError(f"{what}: external data file {os.path.basename(path)!r} ends before its {length} bytes")
        t.raw_data = data
        t.data_location = TensorProto.DEFAULT
        del t.external_data[:]
    return model


def tensor_arrays(graph):
    """``{name: ndarray}`` of the initializers, every floating one checked to be finite."""
    from onnx import numpy_helper

    out = {}
    for t in graph.initializer:
        try:
            value = numpy_helper.to_array(t)
        except Exception as exc:
            raise NetworkError(f"initializer {t.name!r} cannot be read ({str(exc)[:120]})") from None
        if value.dtype.kind == "f":
            bad = ~np.isfinite(value)
            if bad.any():
                at = np.unravel_index(int(np.argmax(bad)), value.shape) if value.ndim else ()
                raise NetworkError(f"initializer {t.name!r} holds a non-finite number {value[at]!r} at "
                                   f"{list(map(int, at))}; a network's weights must be finite")
        out[t.name] = value
    return out


def node_order(graph, known):
    """The graph's nodes in an order where every input exists first (Kahn's algorithm).

    Parameters
    ----------
    known : set of str
        Names available before any node runs (graph inputs and initializers).

    Raises
    ------
    NetworkError
        An input no node, initializer or graph input provides; a cycle.
    """
    producer = {}
    for k, node in enumerate(graph.node):
        for out in node.output:
            if out:
                producer[out] = k
    waiting = [0] * len(graph.node)
    users = [[] for _ in graph.node]
    for k, node in enumerate(graph.node):
        for name in node.input:
            if not name or name in known:
                continue
            if name not in producer:
                raise NetworkError(f"node {node.name or node.op_type!r} ({node.op_type}) reads {name!r}, which no "
                                   "node, initializer or graph input provides (a missing initializer?)")
            waiting[k] += 1
            users[producer[name]].append(k)
    # A heap on the file's position: the file's own order wherever it is valid.
    ready = [k for k, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        k = heapq.heappop(ready)
        order.append(k)
        for u in users[k]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, u)
    if len(order) < len(graph.node):
        stuck = [graph.node[k] for k, w in enumerate(waiting) if w > 0]
        names = ", ".join(repr(n.name or n.op_type) for n in stuck[:4])
        raise NetworkError(f"the model's graph has a cycle through node(s) {names}; rojas imports "
                           "feed-forward graphs only")
    return [graph.node[k] for k in order]


def declared_shape(value_info, batch):
    """The shape of a graph input: symbolic dimensions and (with `batch`) the leading one taken as 1."""
    dims = value_info.type.tensor_type.shape.dim
    shape = []
    for i, d in enumerate(dims):
        fixed = d.HasField("dim_value")
        if i == 0 and batch:
            if fixed and d.dim_value not in (0, 1):
                raise NetworkError(f"graph input {value_info.name!r} has a fixed batch dimension of {d.dim_value}; "
                                   "rojas expands one sample (export with a batch of 1, or import with batch=False, "
                                   "--no-batch)")
            shape.append(1)
        elif fixed:
            shape.append(int(d.dim_value))
        else:
            raise NetworkError(f"graph input {value_info.name!r}: dimension {i} ({d.dim_param or '?'}) is not fixed; "
                               "rojas needs every dimension but the batch")
    return tuple(shape)
