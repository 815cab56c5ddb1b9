#!/usr/bin/env python
"""How long importing an ONNX model takes, beside merely reading it.

Two float32 models built with ``onnx.helper`` (no PyTorch needed), written to
a temporary directory:

* a 784-256-256-10 MLP (Gemm + Relu, 269,322 weight and bias elements,
  268,800 edges);
* a small CNN on a 28×28 input: Conv 1→8 3×3 pad 1, Relu, MaxPool 2, Conv
  8→16 3×3 pad 1, Relu, MaxPool 2, Flatten, Gemm 784→10.

For each: the baseline (``onnx.load`` + ``numpy_helper.to_array`` of every
initializer), ``rojas.load`` of the same network saved as a file (what building
a checked network of that size costs anyway), ``rojas.importers.onnx_import.import_onnx``
(expanding and building the checked network), and the cross-check with onnx's reference
evaluator; printed as seconds and as ratios to the baselines.  Best of
``--repeat`` runs, wall clock.

    python benchmarks/bench_import.py
    python benchmarks/bench_import.py --repeat 1 --only mlp
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def _model(nodes, inits, in_shape, out_shape, name):
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node(op, ins, outs, **attrs) for op, ins, outs, attrs in nodes], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", *in_shape])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", *out_shape])],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def mlp():
    rng = np.random.default_rng(0)
    sizes = [784, 256, 256, 10]
    nodes, inits, h = [], {}, "x"
    for k, (a, b) in enumerate(zip(sizes, sizes[1:]), start=1):
        inits[f"fc{k}.weight"] = rng.standard_normal((b, a)) / np.sqrt(a)
        inits[f"fc{k}.bias"] = rng.standard_normal(b) * 0.1
        out = "y" if k == 3 else f"z{k}"
        nodes.append(("Gemm", [h, f"fc{k}.weight", f"fc{k}.bias"], [out], {"transB": 1}))
        if k < 3:
            nodes.append(("Relu", [out], [f"h{k}"], {}))
            h = f"h{k}"
    return _model(nodes, inits, [784], [10], "MLP 784-256-256-10")


def cnn():
    rng = np.random.default_rng(0)
    inits = {"conv1.weight": rng.standard_normal((8, 1, 3, 3)) / 3, "conv1.bias": rng.standard_normal(8) * 0.1,
             "conv2.weight": rng.standard_normal((16, 8, 3, 3)) / 8.5, "conv2.bias": rng.standard_normal(16) * 0.1,
             "fc.weight": rng.standard_normal((10, 784)) / 28, "fc.bias": rng.standard_normal(10) * 0.1}
    conv = {"pads": [1, 1, 1, 1]}
    pool = {"kernel_shape": [2, 2], "strides": [2, 2]}
    nodes = [("Conv", ["x", "conv1.weight", "conv1.bias"], ["c1"], conv), ("Relu", ["c1"], ["r1"], {}),
             ("MaxPool", ["r1"], ["p1"], pool), ("Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], conv),
             ("Relu", ["c2"], ["r2"], {}), ("MaxPool", ["r2"], ["p2"], pool), ("Flatten", ["p2"], ["f"], {}),
             ("Gemm", ["f", "fc.weight", "fc.bias"], ["y"], {"transB": 1})]
    return _model(nodes, inits, [1, 28, 28], [10], "CNN on 28x28")


def best(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main():
    import onnx
    from onnx import numpy_helper

    import rojas
    from rojas.importers.crosscheck import check_against_reference
    from rojas.importers.onnx_import import import_onnx

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["mlp", "cnn"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for key, make in (("mlp", mlp), ("cnn", cnn)):
            if args.only and args.only != key:
                continue
            m = make()
            path = os.path.join(tmp, f"{key}.onnx")
            onnx.save(m, path)
            base, _ = best(lambda: [numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer],
                           args.repeat)
            expand, imported = best(lambda: import_onnx(path), args.repeat)
            check, worst = best(lambda: check_against_reference(imported), 1)
            net = imported.network
            saved = net.save(os.path.join(tmp, f"{key}.json"))
            load, _ = best(lambda: rojas.load(saved), args.repeat)
            print(f"{m.graph.name}: {len(net):,} units, {len(net.edges):,} edges, {len(net.params):,} shared params")
            print(f"  onnx.load + numpy arrays  {base:8.3f} s")
            print(f"  rojas.load of the network {load:8.3f} s   (the same network read from its JSON file)")
            print(f"  rojas import (expand)     {expand:8.3f} s   {expand / base:7.1f}× the baseline, "
                  f"{expand / load:.2f}× loading the network file")
            print(f"  cross-check (reference)   {check:8.3f} s   {check / base:7.1f}× the baseline "
                  f"(largest relative difference {worst:.1e})")


if __name__ == "__main__":
    main()
