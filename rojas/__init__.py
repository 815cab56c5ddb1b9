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
from .network.primitives import Primitive, get_primitive, primitive_names, register_primitive
from .network.combine import Combine, combine_names, get_combine, register_combine
from .network.objectives import Objective, get_objective, objective_names, register_objective
from .network import Network, from_networkx, load
from .network.data import load_data, prepare
from .network.examples import example_path, examples
from .engine.labeling import Labeling, evaluate, label
from .explorer import notebook  # noqa: F401  (Jupyter forms of networks and labelings)

# Everything beyond the engine is imported on first use (PEP 562), so ``import rojas``
# costs NumPy and NetworkX only: {public name: module that defines it}.
_LAZY = {
    # the proof: paths, tangents, symbols, claims
    "path_sum": "proof.paths", "count_paths": "proof.paths", "by_length": "proof.by_length",
    "top_paths": "proof.top_paths", "generate": "network.generate", "tangent": "proof.forward_mode",
    "symbolic_proof": "proof.symbolic", "check_claim": "proof.claims", "proof_report": "proof.argument",
    "prove": "proof.argument", "Proof": "proof.argument", "ClaimSyntaxError": "proof.claim_grammar",
    # verification and learning
    "check": "checking.gradient_check", "CheckReport": "checking.gradient_check", "train": "learning.training",
    "History": "learning.training", "TrainingDiverged": "learning.history", "plot_loss": "learning.loss_plot",
    # figures (Matplotlib itself is imported only when something is drawn)
    "draw": "drawing", "animate": "drawing", "save_drawing": "drawing",
    # the interactive explorer (one self-contained HTML page)
    "explore": "explorer",
    # layers and time
    "to_layers": "architectures.layers", "from_layers": "architectures.layers",
    "matrix_backprop": "architectures.layers", "Layers": "architectures.layers",
    "MatrixPass": "architectures.layers", "MatrixCheck": "architectures.layers",
    "Recurrent": "architectures.recurrent", "RecurrentGrad": "architectures.recurrent",
    "fold_grad": "architectures.recurrent", "load_recurrent": "architectures.recurrent",
    "load_sequence": "architectures.recurrent", "unfold": "architectures.recurrent",
    "unfold_data": "architectures.recurrent",
    # networks of other frameworks (each framework imported on first use)
    "from_onnx": "importers.onnx_import", "from_torch": "importers.torch_fx", "from_sklearn": "importers.sklearn_mlp",
    "from_micrograd": "importers.micrograd", "compare_with_torch": "importers.compare",
}
# Subpackages, and the short names modules had before the package was grouped by domain
# (``rojas.paths``, ``rojas.testing``, …): {attribute: module}.
_SUBMODULES = {
    **{name: name for name in ("utils", "network", "engine", "proof", "checking", "learning", "drawing",
                               "explorer", "architectures", "importers", "cli")},
    "testing": "checking.testing", "paths": "proof.paths", "forward_mode": "proof.forward_mode",
    "symbolic": "proof.symbolic", "claims": "proof.claims", "training": "learning.training",
    "loss_plot": "learning.loss_plot", "layers": "architectures.layers",
    "recurrent": "architectures.recurrent", "textbook": "engine.textbook",
}


def __getattr__(name):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{_SUBMODULES[name]}", __name__)
    else:
        raise AttributeError(f"module 'rojas' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


__version__ = "0.1.0"

__all__ = [
    "Network", "load", "from_networkx", "label", "evaluate", "Labeling", "load_data", "prepare",
    "register_primitive", "get_primitive", "primitive_names", "Primitive",
    "register_combine", "get_combine", "combine_names", "Combine",
    "register_objective", "get_objective", "objective_names", "Objective",
    "example_path", "examples", "generate",
    "path_sum", "count_paths", "by_length", "top_paths", "tangent", "symbolic_proof", "check_claim", "proof_report",
    "prove", "Proof", "ClaimSyntaxError",
    "check", "CheckReport", "train", "History", "TrainingDiverged", "plot_loss", "testing",
    "draw", "animate", "save_drawing", "explore",
    "to_layers", "from_layers", "matrix_backprop", "Layers", "MatrixPass", "MatrixCheck",
    "Recurrent", "load_recurrent", "load_sequence", "unfold", "unfold_data", "fold_grad", "RecurrentGrad",
    "from_onnx", "from_torch", "from_sklearn", "from_micrograd", "compare_with_torch",
    "RojasError", "NetworkError", "DataError", "NumericalError", "RojasWarning",
]
