"""Bad input: one line on stderr naming the culprit and exit status 2, never a traceback.

Every case of the table runs twice: through the command line (a subprocess
``python -m rojas grad NET --data DATA``) and through the Python API
(``rojas.label(rojas.load(NET), *rojas.load_data(DATA))``), which must raise
the case's RojasError subclass with the culprit in the message.
"""

import copy
import json
import os
import re
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pytest

import rojas
from hostile.make_corpus import base  # the small network x1, x2 -> h -> y: one definition for both
from rojas import DataError, NetworkError, NumericalError, RojasError

MISSING = object()  # a file that is not written
NETFILE, DATAFILE = "<NETFILE>", "<DATAFILE>"  # stand for the case's paths in `culprit`
EDGE_HY = r"'h'\s*->\s*'y'|\bw3\b"  # the edge h->y named w3 in base()
DEEP = 5000  # terms in an over-long expression, levels of a too-deeply nested JSON




GOOD_DATA = {"inputs": {"x1": 0.5, "x2": -1.0}, "targets": {"y": 0.2}}


def edit(change, start=None):
    """A copy of `start` (default: BASE) changed in place by `change`."""
    d = copy.deepcopy(base() if start is None else start)
    change(d)
    return d


def literal(d, text):
    """JSON text of `d` with the string "@" replaced by the bare `text` (NaN, Infinity, ...)."""
    return json.dumps(d).replace('"@"', text)


def node(d, id):
    return next(n for n in d["nodes"] if n["id"] == id)


def with_primitive(f, df="1", name="mine"):
    def change(d):
        d["graph"]["primitives"] = {name: {"f": f, "df": df}}
        node(d, "y")["fn"] = name
    return edit(change)


def chain(nodes, edges, params=None):
    """A network from ``[(id, fn, bias)]`` and ``[(u, v, weight or param name)]``."""
    return {"directed": True, "multigraph": False, "graph": {"params": params or {}},
            "nodes": [{"id": n, "fn": fn, **({"bias": b} if b else {})} for n, fn, b in nodes],
            "edges": [{"source": u, "target": v,
                       **({"param": w} if isinstance(w, str) else {"weight": w})}
                      for u, v, w in edges]}


TWO_OUTPUTS = edit(lambda d: (d["nodes"].append({"id": "y2", "fn": "tanh"}),
                              d["edges"].append({"source": "h", "target": "y2", "weight": 1.0})))
CYCLE = chain([("x", "input", 0), ("a", "tanh", 0), ("b", "tanh", 0), ("y", "sigmoid", 0)],
              [("x", "a", 1.0), ("a", "b", 1.0), ("b", "a", 1.0), ("b", "y", 1.0)])
EXP_OVERFLOW = chain([("x", "input", 0), ("g", "exp", 0), ("y", "sigmoid", 0)],
                     [("x", "g", 1000.0), ("g", "y", 1.0)])
# Every label finite, but o_x·δ_y = 1e300·1e300 overflows in the weight gradient.
GRAD_OVERFLOW = chain([("x", "input", 0), ("y", "identity", 0), ("z", "identity", 0)],
                      [("x", "y", 1e-300), ("y", "z", 1e300)])
# δ_y = 1e308 in each of two samples: the bias gradient (their sum) overflows.
BIAS_OVERFLOW = chain([("x", "input", 0), ("y", "identity", 0), ("z", "identity", 0)],
                      [("x", "y", 1.0), ("y", "z", 1e308)])
# Two tied edges with gradient 1e308 each: the param gradient (their sum) overflows.
PARAM_OVERFLOW = chain([("x1", "input", 0), ("x2", "input", 0), ("y", "identity", 0)],
                       [("x1", "y", "p"), ("x2", "y", "p")], params={"p": 1e-300})
# o_y = 1e200 is finite, E = ½(o_y - 0)² is not.
OBJECTIVE_OVERFLOW = chain([("x", "input", 0), ("y", "identity", 1e200)], [("x", "y", 0.0)])


@dataclass(frozen=True)
class Case:
    id: str
    error: type
    culprit: tuple  # regexes the message must all match
    net: object = None  # dict: written as JSON; str: the file's text; MISSING: no file
    data: object = None  # the same, GOOD_DATA by default
    of: str = None
    args: tuple = ()  # extra CLI arguments (no effect on the API run)


CASES = [
    # ---- files
    Case("missing network file", RojasError, (NETFILE,), net=MISSING),
    Case("missing data file", RojasError, (DATAFILE,), data=MISSING),
    Case("invalid JSON", RojasError, (NETFILE,), net='{"directed": true, nodes: []}'),
    Case("truncated JSON", RojasError, (NETFILE,), net=json.dumps(base())[:60]),
    Case("too deeply nested JSON", RojasError, (NETFILE,), net="[" * DEEP + "]" * DEEP),
    Case("JSON not an object", NetworkError, (NETFILE,), net="[1, 2, 3]"),
    Case("data JSON not an object", DataError, (DATAFILE,), data='"inputs"'),
    Case("data file unknown field", DataError, (DATAFILE, "'extra'"),
         data={**GOOD_DATA, "extra": 1}),
    # ---- the graph
    Case("not directed", NetworkError, (NETFILE, "directed"), net=edit(lambda d: d.update(directed=False))),
    Case("multigraph", NetworkError, (NETFILE, "multigraph"), net=edit(lambda d: d.update(multigraph=True))),
    Case("empty network", NetworkError, (NETFILE, "empty"),
         net=edit(lambda d: d.update(nodes=[], edges=[]))),
    Case("cycle", NetworkError, (r"'a' -> 'b' -> 'a'|'b' -> 'a' -> 'b'",), net=CYCLE),
    Case("self-loop", NetworkError, (r"'h'\s*->\s*'h'",),
         net=edit(lambda d: d["edges"].append({"source": "h", "target": "h", "weight": 1.0}))),
    Case("duplicate node ids", NetworkError, ("'h'",),
         net=edit(lambda d: d["nodes"].append({"id": "h", "fn": "tanh"}))),
    Case("duplicate edges", NetworkError, (r"'h'\s*->\s*'y'",),
         net=edit(lambda d: d["edges"].append({"source": "h", "target": "y", "weight": 2.0}))),
    Case("duplicate edge names", NetworkError, ("'w1'",),
         net=edit(lambda d: d["edges"][1].update(name="w1"))),
    # ---- nodes
    Case("unknown fn", NetworkError, ("'h'", "sigmoidd"), net=edit(lambda d: node(d, "h").update(fn="sigmoidd"))),
    Case("unknown combine", NetworkError, ("'h'", "'median'"),
         net=edit(lambda d: node(d, "h").update(combine="median"))),
    Case("node without fn", NetworkError, ("'h'", "fn"), net=edit(lambda d: node(d, "h").pop("fn"))),
    Case("input node with incoming edge", NetworkError, ("'x3'",),
         net=edit(lambda d: (d["nodes"].append({"id": "x3", "fn": "input"}),
                             d["edges"].append({"source": "h", "target": "x3", "weight": 1.0})))),
    Case("non-numeric bias", NetworkError, ("'h'",), net=edit(lambda d: node(d, "h").update(bias="high"))),
    Case("NaN bias", NetworkError, ("'h'",), net=literal(edit(lambda d: node(d, "h").update(bias="@")), "NaN")),
    # ---- edges and params
    Case("edge to unknown node", NetworkError, ("'ghost'",),
         net=edit(lambda d: d["edges"].append({"source": "h", "target": "ghost", "weight": 1.0}))),
    Case("edge without weight or param", NetworkError, (EDGE_HY,), net=edit(lambda d: d["edges"][2].pop("weight"))),
    Case("unknown param", NetworkError, ("'q'", r"'x2'\s*->\s*'h'|\bw2\b"),
         net=edit(lambda d: d["edges"][1].update(param="q"))),
    Case("string weight", NetworkError, (EDGE_HY,), net=edit(lambda d: d["edges"][2].update(weight="heavy"))),
    Case("NaN weight", NetworkError, (EDGE_HY,), net=literal(edit(lambda d: d["edges"][2].update(weight="@")), "NaN")),
    Case("Infinity weight", NetworkError, (EDGE_HY,),
         net=literal(edit(lambda d: d["edges"][2].update(weight="@")), "Infinity")),
    Case("1e400 weight", NetworkError, (EDGE_HY,), net=literal(edit(lambda d: d["edges"][2].update(weight="@")), "1e400")),
    Case("huge integer weight", NetworkError, (EDGE_HY,),
         net=literal(edit(lambda d: d["edges"][2].update(weight="@")), "1" + "0" * 400)),
    Case("non-numeric param", NetworkError, ("'p'",), net=edit(lambda d: d["graph"]["params"].update(p="half"))),
    Case("NaN param", NetworkError, ("'p'",), net=literal(edit(lambda d: d["graph"]["params"].update(p="@")), "NaN")),
    # ---- primitives defined in the file
    Case("primitive does not parse", NetworkError, ("'mine'",), net=with_primitive("1/(1+")),
    Case("primitive __import__", NetworkError, ("'mine'",), net=with_primitive("__import__('os')")),
    Case("primitive attribute", NetworkError, ("'mine'",), net=with_primitive("s.real")),
    Case("primitive open()", NetworkError, ("'mine'", "'open'"), net=with_primitive("open(s)")),
    Case("primitive lambda", NetworkError, ("'mine'",), net=with_primitive("lambda")),
    Case("primitive lambda s: s", NetworkError, ("'mine'",), net=with_primitive("lambda s: s")),
    Case("primitive in df", NetworkError, ("'mine'", "'df'"), net=with_primitive("s", df="s.imag")),
    Case("primitive too long", NetworkError, ("'mine'",), net=with_primitive("s" + "+s" * DEEP)),
    Case("primitive shadows sigmoid", NetworkError, ("'sigmoid'",),
         net=edit(lambda d: d["graph"].update(primitives={"sigmoid": {"f": "s", "df": "1"}}))),
    # ---- inputs and targets
    Case("missing input value", DataError, ("'x2'",), data={**GOOD_DATA, "inputs": {"x1": 0.5}}),
    Case("non-numeric input value", DataError, ("'x1'",), data={**GOOD_DATA, "inputs": {"x1": "abc", "x2": 1}}),
    Case("NaN input value", DataError, ("'x1'",),
         data=literal({**GOOD_DATA, "inputs": {"x1": "@", "x2": 1}}, "NaN")),
    Case("huge integer input value", DataError, ("'x1'",),
         data=literal({**GOOD_DATA, "inputs": {"x1": "@", "x2": 1}}, "1" + "0" * 400)),
    Case("unknown input name", DataError, ("'zz'",), data={**GOOD_DATA, "inputs": {"x1": 1, "x2": 1, "zz": 1}}),
    Case("value for a non-input node", DataError, ("'h'",),
         data={**GOOD_DATA, "inputs": {"x1": 1, "x2": 1, "h": 1}}),
    Case("batch lists of different lengths", DataError, ("'x1'", "'x2'"),
         data={"inputs": {"x1": [1, 2], "x2": [1, 2, 3]}, "targets": {"y": 0}}),
    Case("target on a non-output", DataError, ("'h'",),
         data={**GOOD_DATA, "targets": {"y": 0.2, "h": 0.1}}),
    Case("missing target", DataError, ("'y'",), data={**GOOD_DATA, "targets": {}}),
    Case("several outputs, no targets, no --of", DataError, ("'y'", "'y2'"),
         net=TWO_OUTPUTS, data={"inputs": GOOD_DATA["inputs"]}),
    Case("--of unknown node", DataError, ("'zz'",), data={"inputs": GOOD_DATA["inputs"]}, of="zz"),
    Case("targets on a network without outputs", DataError, ("output",),
         net=chain([("x", "input", 0)], []), data={"inputs": {"x": 1.0}, "targets": {}}),
    # ---- non-finite values arising in the sweeps
    Case("exp overflows", NumericalError, ("'g'",), net=EXP_OVERFLOW,
         data={"inputs": {"x": 1.0}, "targets": {"y": 0.0}}),
    Case("objective overflows", NumericalError, ("'y'",), net=OBJECTIVE_OVERFLOW,
         data={"inputs": {"x": 1.0}, "targets": {"y": 0.0}}),
    Case("weight gradient overflows", NumericalError, ("'x'|'y'",), net=GRAD_OVERFLOW,
         data={"inputs": {"x": 1e300}}, of="z"),
    Case("weight gradient overflows, --json", NumericalError, ("'x'|'y'",), net=GRAD_OVERFLOW,
         data={"inputs": {"x": 1e300}}, of="z", args=("--json",)),
    Case("bias gradient overflows in a batch", NumericalError, ("'y'",), net=BIAS_OVERFLOW,
         data={"inputs": {"x": [1e-300, 1e-300]}}, of="z"),
    Case("param gradient overflows", NumericalError, ("'p'",), net=PARAM_OVERFLOW,
         data={"inputs": {"x1": 1e308, "x2": 1e308}}, of="y"),
]


# Values the command line itself parses (BASE network, GOOD_DATA, these arguments): CLI only.
CLI_ONLY = [
    Case("--input x1=abc", RojasError, ("x1",), args=("--input", "x1=abc")),
    Case("--input x1", RojasError, ("x1",), args=("--input", "x1")),
    Case("--target y=1,,2", RojasError, ("y",), args=("--target", "y=1,,2")),
    Case("--input x1=nan", RojasError, ("'x1'",), args=("--input", "x1=nan")),
    Case("--input lists of lengths 2 and 3", RojasError, ("'x1'", "'x2'"),
         args=("--input", "x1=1,2", "--input", "x2=1,2,3")),
    Case("--input zz=1", RojasError, ("'zz'",), args=("--input", "zz=1")),
]


def write_case(case, folder):
    """Write the case's files into `folder`; return (network path, data path)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content, default in (("net.json", case.net, base()), ("data.json", case.data, GOOD_DATA)):
        path = folder / name
        content = default if content is None else content
        if content is not MISSING:
            path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        paths.append(path)
    return tuple(paths)


def patterns(case, net_path, data_path):
    return [p.replace(NETFILE, re.escape(str(net_path))).replace(DATAFILE, re.escape(str(data_path)))
            for p in case.culprit]


def rojas_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "rojas", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def grad_argv(case, net_path, data_path):
    return ["grad", net_path, "--data", data_path, *(["--of", case.of] if case.of else []), *case.args]


def assert_one_line_error(proc, culprits):
    """Exit 2, nothing on stdout, one 'rojas: error:' line on stderr naming every culprit."""
    err = proc.stderr
    assert "Traceback" not in err, err
    assert proc.returncode == 2, f"exit status {proc.returncode}\nstdout: {proc.stdout[-400:]}\nstderr: {err}"
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith("rojas: error:"), err
    for pattern in culprits:
        assert re.search(pattern, lines[0]), f"{pattern!r} not in {lines[0]!r}"
    assert proc.stdout == "", proc.stdout


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """Every case through the CLI, the subprocesses run side by side (one case each)."""
    root = tmp_path_factory.mktemp("cli_errors")
    cases = CASES + CLI_ONLY
    paths = {case.id: write_case(case, root / f"case{i}") for i, case in enumerate(cases)}
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        futures = {case.id: pool.submit(rojas_cli, *grad_argv(case, *paths[case.id]), cwd=root) for case in cases}
        return {cid: (paths[cid], fut.result()) for cid, fut in futures.items()}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES + CLI_ONLY, ids=lambda c: c.id)
def test_cli_error(case, cli_runs):
    (net_path, data_path), proc = cli_runs[case.id]
    assert_one_line_error(proc, patterns(case, net_path, data_path))


@pytest.mark.parametrize("case", [c for c in CASES if not c.args], ids=lambda c: c.id)
def test_api_error(case, tmp_path):
    net_path, data_path = write_case(case, tmp_path)
    with pytest.raises(case.error) as info:
        lab = rojas.label(rojas.load(net_path), *rojas.load_data(data_path), of=case.of)
        # labels and gradients are computed lazily: reading them must not give inf/nan
        lab.to_dict()
    message = str(info.value)
    assert "\n" not in message
    for pattern in patterns(case, net_path, data_path):
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"


# ---- the exception classes

def test_exception_hierarchy():
    for cls in (NetworkError, DataError, NumericalError):
        assert issubclass(cls, RojasError)
    assert issubclass(RojasError, ValueError)
    assert issubclass(NumericalError, ArithmeticError)


def test_exp_overflow_api_names_node():
    G = rojas.Network().add_input("x").add_unit("g", "exp").add_unit("y", "sigmoid")
    G.add_edge("x", "g", weight=1000.0).add_edge("g", "y", weight=1.0)
    with pytest.raises(rojas.NumericalError, match="'g'"):
        rojas.label(G, {"x": 1.0}, {"y": 0.0})


# ---- setters after a labeling (found while writing these tests)

def test_set_weight_after_labeling():
    net = rojas.load(rojas.example_path("mazur"))
    data = rojas.load_data(rojas.example_path("mazur", "data"))
    rojas.label(net, *data)
    net.set_weight("h1", "o1", 0.1)  # TypeError: 'tuple' object does not support item assignment
    assert net.weight("h1", "o1") == 0.1
    fresh = rojas.load(rojas.example_path("mazur")).set_weight("h1", "o1", 0.1)
    assert rojas.label(net, *data).value == rojas.label(fresh, *data).value


def test_set_bias_after_labeling():
    net = rojas.load(rojas.example_path("mazur"))
    data = rojas.load_data(rojas.example_path("mazur", "data"))
    rojas.label(net, *data)
    net.set_bias("h1", 1.0)  # silently ignored: the bias stays 0.35
    assert net.bias("h1") == 1.0
    fresh = rojas.load(rojas.example_path("mazur")).set_bias("h1", 1.0)
    assert rojas.label(net, *data).value == rojas.label(fresh, *data).value


# ---- sigmoid and softplus stay exact and quiet at s = ±1000

EXTREMES = [  # fn, s, f(s), f'(s), all exact in float64
    ("sigmoid", 1000.0, 1.0, 0.0),
    ("sigmoid", -1000.0, 0.0, 0.0),
    ("softplus", 1000.0, 1000.0, 1.0),
    ("softplus", -1000.0, 0.0, 0.0),
]


@pytest.mark.parametrize("fn, s, f, df", EXTREMES)
def test_extreme_primitive(fn, s, f, df):
    prim = rojas.get_primitive(fn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(prim.f(np.array(s))) == f
        assert float(prim.df(np.array(s))) == df
        both = np.array([s, -s])
        assert np.isfinite(prim.f(both)).all() and np.isfinite(prim.df(both)).all()


@pytest.mark.parametrize("fn, s, f, df", EXTREMES)
def test_extreme_unit(fn, s, f, df):
    net = rojas.Network().add_input("x").add_unit("u", fn).add_edge("x", "u", weight=1000.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lab = rojas.label(net, {"x": s / 1000.0}, of="u")
        assert lab.s["u"] == s
        assert lab.o["u"] == f and lab.fprime["u"] == df
        assert lab.value == f
        assert lab.delta["u"] == df
        assert lab.weight_grad[("x", "u")] == (s / 1000.0) * df
        assert lab.input_grad["x"] == 1000.0 * df
        out = lab.to_dict()
    json.dumps(out, allow_nan=False)


# ---- the command line's last line of defence: main() prints one line for what escapes a command

def _run_main(monkeypatch, capsys, run):
    """rojas.cli.main with a command whose run() is `run`; returns (status, stdout, stderr)."""
    import argparse

    import rojas.cli as cli

    class Parser(argparse.ArgumentParser):
        def parse_args(self, argv=None):
            return argparse.Namespace(run=run)

    monkeypatch.setattr(cli, "build_parser", lambda: Parser())
    status = cli.main([])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_main_reports_each_numpy_warning_once_in_words(monkeypatch, capsys):
    def run(args):
        with np.errstate(all="warn"):
            for _ in range(3):
                np.exp(np.array([1000.0]))
            np.array([0.0]) / np.array([0.0])
        warnings.warn("a user warning\nwith a second line")
        for _ in range(2):
            warnings.warn(rojas.errors.RojasWarning("unknown field 'colour' kept"))
        print("result")
        return 0

    status, out, err = _run_main(monkeypatch, capsys, run)
    assert status == 0 and out == "result\n"
    assert err.splitlines() == [
        "rojas: warning: NumPy: overflow encountered in exp (a value left the float64 range; "
        "results may hold inf or nan)",
        "rojas: warning: NumPy: invalid value encountered in divide (a value left the float64 range; "
        "results may hold inf or nan)",
        "rojas: warning: a user warning\\nwith a second line",
        "rojas: warning: unknown field 'colour' kept"]


@pytest.mark.parametrize("exc, line", [
    (OSError(13, "Permission denied", "net.json"), "rojas: error: 'net.json': Permission denied"),
    (IsADirectoryError(21, "Is a directory", "out"), "rojas: error: 'out': Is a directory"),
    (RecursionError("maximum recursion depth exceeded"),
     "rojas: error: the input is nested too deeply for Python's stack; this is a limit rojas should have "
     "checked first: please report the command"),
    (MemoryError(), "rojas: error: out of memory: the input is too large for this machine"),
    (NetworkError("node 'h\nrojas: error: fake' \x1b[31m"),
     "rojas: error: node 'h\\nrojas: error: fake' \\x1b[31m"),
])
def test_main_turns_what_escapes_a_command_into_one_line(monkeypatch, capsys, exc, line):
    def run(args):
        warnings.warn("not shown: the command failed")
        raise exc

    status, out, err = _run_main(monkeypatch, capsys, run)
    assert (status, out, err) == (2, "", line + "\n")


def test_main_does_not_hide_bugs(monkeypatch, capsys):
    """An unexpected exception type is a bug: it propagates with its traceback, never swallowed."""
    def run(args):
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        _run_main(monkeypatch, capsys, run)


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_non_utf8_terminals_get_escapes_not_a_crash(tmp_path, encoding):
    net = base()
    for n in net["nodes"]:
        if n["id"] == "h":
            n["id"] = "hσ→"
    for e in net["edges"]:
        for k in ("source", "target"):
            if e[k] == "h":
                e[k] = "hσ→"
    (tmp_path / "net.json").write_text(json.dumps(net))
    (tmp_path / "data.json").write_text(json.dumps(GOOD_DATA))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": root}
    run = subprocess.run([sys.executable, "-m", "rojas", "grad", "net.json", "--data", "data.json"],
                         cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = run.stdout.decode(encoding)  # every character the terminal cannot show is escaped
    assert "h\\u03c3\\u2192" in out and "\\u03b4" in out
    assert ("½" in out) == (encoding == "latin-1")  # shown where the terminal can show it


def test_a_librarys_deprecation_notes_never_reach_the_user():
    # Old SymPy with a new mpmath warns of deprecations inside the proof: not the user's business.
    from rojas.cli import _warning_lines

    class Note:
        def __init__(self, message, category):
            self.message, self.category = message, category

    caught = [Note(DeprecationWarning("bitcount function is deprecated"), DeprecationWarning),
              Note(RuntimeWarning("overflow encountered in exp"), RuntimeWarning)]
    lines = _warning_lines(caught)
    assert len(lines) == 1 and lines[0].startswith("rojas: warning: NumPy: overflow encountered in exp")
