"""The imported network against the model: the same outputs on the same input.

``onnx.reference.ReferenceEvaluator`` (the ONNX package's own executable
specification) runs the model on a seeded random input; rojas's forward sweep
runs the network on it; every output element must agree -- to 1e-12 of the
output's scale for a float64 model, to 1e-4 for a float32 one (the model
computes in float32, rojas in float64).  The first output that differs is
named with its element and both values.
"""

import numpy as np

from ..errors import NetworkError

__all__ = ["forward_outputs", "check_against_reference", "tolerance", "FINALS"]


def _softmax(z):
    """Softmax over all the elements of one sample (max subtracted: no overflow)."""
    e = np.exp(z - z.max())
    return e / e.sum()


# What an objective took in from the model, applied to rojas's outputs before comparing them.
FINALS = {"softmax": _softmax}


def forward_outputs(net, inputs, outputs):
    """Rojas's forward sweep: ``{tensor: values}`` for `outputs` (``{tensor: node ids}``)."""
    from ..engine.labeling import label

    some_output = next(iter(outputs.values())).ravel()[0]
    lab = label(net, inputs, of=some_output)
    o, pos = lab.arrays["o"], lab.plan.pos
    return {k: o[np.fromiter((pos[n] for n in ids.ravel()), np.intp, ids.size)].reshape(ids.shape + o.shape[1:])
            for k, ids in outputs.items()}


def tolerance(dtypes):
    """The relative agreement asked of a model computing in `dtypes`."""
    return 1e-12 if all(np.dtype(d) == np.float64 for d in dtypes) else 1e-4


def check_against_reference(imported, seed=0):
    """Refuse `imported` unless its outputs equal the ONNX reference evaluator's on a random input.

    Returns
    -------
    float
        The largest difference found, relative to each output's scale.
    """
    from onnx import helper
    from onnx.reference import ReferenceEvaluator

    model = imported.model
    rng = np.random.default_rng(seed)
    feeds, inputs, dtypes = {}, {}, []
    by_name = {i.name: i for i in model.graph.input}
    for name, ids in imported.inputs.items():
        dtype = helper.tensor_dtype_to_np_dtype(by_name[name].type.tensor_type.elem_type)
        if np.dtype(dtype).kind != "f":
            raise NetworkError(f"graph input {name!r} is of type {np.dtype(dtype)}; rojas's inputs are real numbers")
        dtypes.append(dtype)
        x = rng.standard_normal(ids.shape).astype(dtype)
        feeds[name] = x
        inputs.update(zip(ids.ravel().tolist(), x.astype(np.float64).ravel().tolist()))
    try:
        reference = ReferenceEvaluator(model).run(None, feeds)
    except Exception as exc:  # the reference itself fails: the model is not valid ONNX
        raise NetworkError(f"onnx's reference evaluator cannot run the model ({type(exc).__name__}: "
                           f"{str(exc)[:160]})") from None
    ours = forward_outputs(imported.network, inputs, imported.outputs)
    tol, worst = tolerance(dtypes), 0.0
    for out, ref in zip(model.graph.output, reference):
        ref = np.asarray(ref, dtype=np.float64)
        mine = ours[out.name].reshape(ref.shape)
        if out.name in imported.finals:
            mine = FINALS[imported.finals[out.name]](mine)
        scale = max(float(np.abs(ref).max(initial=0.0)), 1e-300)
        err = np.abs(mine - ref) / scale
        bad = ~(err <= tol)
        if bad.any():
            k = int(np.argmax(bad))
            node = imported.outputs[out.name].ravel()[k]
            raise NetworkError(f"the imported network differs from the model at output {out.name!r} (unit {node!r}): "
                               f"rojas {mine.ravel()[k]!r}, onnx reference {ref.ravel()[k]!r} (relative "
                               f"{err.ravel()[k]:.3g} > {tol:g}); nothing is written")
        worst = max(worst, float(err.max(initial=0.0)))
    return worst
