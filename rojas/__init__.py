"""rojas: backpropagation as Rojas's graph-labeling problem, on any feed-forward network.

Build a network (Python, NetworkX or a node-link JSON file), label it with the
forward and backward sweeps, and read every label and gradient::

    >>> import rojas
    >>> net = rojas.load(rojas.example_path("mazur"))
    >>> lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    >>> round(lab.value, 9), round(lab.grad("w5"), 9)
    (0.298371109, 0.082167041)

Matplotlib, SciPy and SymPy are imported only when a figure is drawn, a batch
is labeled or a symbolic proof is asked for, so ``import rojas`` stays fast.
"""

from .errors import DataError, NetworkError, NumericalError, RojasError, RojasWarning
from .primitives import Primitive, get_primitive, primitive_names, register_primitive
from .combine import Combine, combine_names, get_combine, register_combine
from .network import Network, from_networkx, load
from .data import load_data, prepare
from .examples import example_path, examples
from .labeling import Labeling, evaluate, label
from . import notebook  # noqa: F401  (Jupyter forms of networks and labelings)

# Everything beyond the engine is imported on first use (PEP 562), so ``import rojas``
# costs NumPy and NetworkX only: {public name: module that defines it}.
_LAZY = {
    # the proof: paths, tangents, symbols, claims
    "path_sum": "paths", "count_paths": "paths", "tangent": "forward_mode",
    "symbolic_proof": "symbolic", "check_claim": "claims", "proof_report": "proof",
    "prove": "proof", "Proof": "proof", "ClaimSyntaxError": "claim_grammar",
    # verification and learning
    "check": "checking", "CheckReport": "checking", "train": "training", "History": "training", "TrainingDiverged": "history",
    "plot_loss": "loss_plot",
    # figures (Matplotlib itself is imported only when something is drawn)
    "draw": "drawing", "animate": "drawing", "save_drawing": "drawing",
    # the interactive explorer (one self-contained HTML page)
    "explore": "explorer",
    # layers and time
    "to_layers": "layers", "from_layers": "layers", "matrix_backprop": "layers", "Layers": "layers",
    "MatrixPass": "layers", "MatrixCheck": "layers",
    "Recurrent": "recurrent", "RecurrentGrad": "recurrent", "fold_grad": "recurrent",
    "load_recurrent": "recurrent", "load_sequence": "recurrent", "unfold": "recurrent",
    "unfold_data": "recurrent",
}
_SUBMODULES = {"testing", "paths", "forward_mode", "symbolic", "claims", "proof", "checking", "training",
               "loss_plot", "drawing", "explorer", "layers", "recurrent", "cli", "textbook"}


def __getattr__(name):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'rojas' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)


__version__ = "0.1.0"

__all__ = [
    "Network", "load", "from_networkx", "label", "evaluate", "Labeling", "load_data", "prepare",
    "register_primitive", "get_primitive", "primitive_names", "Primitive",
    "register_combine", "get_combine", "combine_names", "Combine",
    "example_path", "examples",
    "path_sum", "count_paths", "tangent", "symbolic_proof", "check_claim", "proof_report",
    "prove", "Proof", "ClaimSyntaxError",
    "check", "CheckReport", "train", "History", "TrainingDiverged", "plot_loss", "testing",
    "draw", "animate", "save_drawing", "explore",
    "to_layers", "from_layers", "matrix_backprop", "Layers", "MatrixPass", "MatrixCheck",
    "Recurrent", "load_recurrent", "load_sequence", "unfold", "unfold_data", "fold_grad", "RecurrentGrad",
    "RojasError", "NetworkError", "DataError", "NumericalError", "RojasWarning",
]
