"""Networks written for other frameworks, as Rojas's unit-level graph.

ONNX (:func:`from_onnx`, ``rojas import MODEL.onnx``), PyTorch (:func:`from_torch`),
scikit-learn (:func:`from_sklearn`) and micrograd (:func:`from_micrograd`): every
tensor element becomes a unit, every parameter element an edge name or a graph
param named after the framework's parameter (``fc1.weight[2,1]``).  The
frameworks are optional: each is imported on first use, and a missing one is
one line saying what to install.
"""
