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

from .errors import DataError, NetworkError, NumericalError, RojasError
from .primitives import Primitive, get_primitive, primitive_names, register_primitive
from .network import Network, from_networkx, load
from .data import load_data, prepare
from .examples import example_path, examples
from .labeling import Labeling, evaluate, label
# The proof: paths, tangents, symbols, claims
from .paths import count_paths, path_sum
from .forward_mode import tangent
from .symbolic import symbolic_proof
from .claims import check_claim
from .proof import proof_report
# Verification and learning
from .checking import CheckReport, check
from .training import History, train
from .loss_plot import plot_loss
from .drawing import animate, draw, save_drawing  # figures: Matplotlib is imported only when drawing
from . import testing  # rojas.testing.assert_gradients, for users' own test suites
# Layers and time
from .layers import Layers, MatrixCheck, MatrixPass, from_layers, matrix_backprop, to_layers
from .recurrent import (Recurrent, RecurrentGrad, fold_grad, load_recurrent, load_sequence, unfold,
                        unfold_data)

__version__ = "0.1.0"

__all__ = [
    "Network", "load", "from_networkx", "label", "evaluate", "Labeling", "load_data", "prepare",
    "register_primitive", "get_primitive", "primitive_names", "Primitive",
    "example_path", "examples",
    "path_sum", "count_paths", "tangent", "symbolic_proof", "check_claim", "proof_report",
    "check", "CheckReport", "train", "History", "plot_loss", "testing",
    "draw", "animate", "save_drawing",
    "to_layers", "from_layers", "matrix_backprop", "Layers", "MatrixPass", "MatrixCheck",
    "Recurrent", "load_recurrent", "load_sequence", "unfold", "unfold_data", "fold_grad", "RecurrentGrad",
    "RojasError", "NetworkError", "DataError", "NumericalError",
]
