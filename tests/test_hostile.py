"""The hostile-input corpus: every case of issue 14 run through ``python -m rojas``.

Each case is a command line over the files of ``tests/hostile/`` (written by
``tests/hostile/make_corpus.py``) and the outcome it must have:

* ``ERROR``: exit status 2 and exactly one line on stderr, ``rojas: error: …``,
  naming the culprit (a regular expression);
* ``OK``: exit status 0 (with checks of the output where the case needs them);
* ``EITHER``: one of the two (where the issue leaves the choice: refuse or quote).

Every case also asserts no traceback, a time bound (a hang fails instead of
blocking the suite) and that no file changed except the outputs the command
line asked for: each file of the case's folder is hashed before and after.

"""

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "hostile")
ERROR, OK, EITHER = "error", "ok", "either"
TIMEOUT = 60  # seconds; every case here takes a few at most when it behaves


@dataclass
class Case:
    id: str
    argv: list  # file names refer to the copy of the corpus in the case's folder
    expect: str
    culprit: str = ""  # ERROR: a regular expression the error line must match
    writes: tuple = ()  # files the command may create or change
    env: dict = field(default_factory=dict)
    setup: object = None  # setup(folder) before the run
    check: object = None  # check(folder, result) after it
    timeout: float = TIMEOUT
    memory_mb: int = 0  # cap the address space, for cases that grow without bound until fixed


def _symlink_to_private(folder):
    """train.json is a link to trained.json, mode 600."""
    shutil.copy(os.path.join(folder, "base.json"), os.path.join(folder, "trained.json"))
    os.chmod(os.path.join(folder, "trained.json"), 0o600)
    os.symlink("trained.json", os.path.join(folder, "train.json"))


def _link_kept(folder, result):
    link = os.path.join(folder, "train.json")
    assert os.path.islink(link), "--in-place replaced the symbolic link by a file"
    assert stat.S_IMODE(os.stat(link).st_mode) == 0o600, "--in-place changed the file's mode"
    trained = json.load(open(link, encoding="utf-8"))
    assert trained["edges"][0]["weight"] != 0.3, "the link's target was not trained"


def _fifo(folder):
    os.mkfifo(os.path.join(folder, "out.fifo"))


def _plain_file(folder):
    with open(os.path.join(folder, "occupied"), "w") as fh:
        fh.write("not a directory\n")


def _big_file(folder):
    with open(os.path.join(folder, "big.json"), "w") as fh:
        fh.write("[" + "0," * (1 << 20) + "0]")  # 2 MB


def _long_sequence(folder):
    n = 300_000  # × 3 nodes and edges a step: over the unfolded size limit of 1,000,000
    with open(os.path.join(folder, "long.data.json"), "w") as fh:
        json.dump({"inputs": {"x": [0.5] * n}, "initial": {"h": 0.0}, "targets": {"h": [0.1] * n}}, fh)


def _stdout_has(pattern):
    def check(folder, result):
        assert re.search(pattern, result.stdout), result.stdout[-2000:]
    return check


def _no_forged_lines(folder, result):
    assert "\x1b" not in result.stdout, "an ANSI escape from an id reached the terminal"
    assert not re.search(r"^rojas: error: fake", result.stdout, re.M), "an id forged an output line"


def _tex_is_inert(folder, result):
    tex = open(os.path.join(folder, "proof.tex"), encoding="utf-8").read()
    for raw in ("\\input{/etc/hostname}", "\\immediate\\write18", "\\write18{"):
        assert raw not in tex, f"{raw} reached the LaTeX unescaped"


GRAD = ["grad"]
BASE = ["base.json", "--data", "base.data.json"]
TRAIN = ["train", *BASE, "--lr", "0.5", "--epochs", "3"]
PROVE_CHAIN = ["--data", "chain_data.json", "--wrt", "w0"]

CASES = [
    # ---- outputs never clobber inputs
    Case("unfold -o onto its own network", ["unfold", "rnn.json", "--steps", "3", "-o", "rnn.json"],
         ERROR, r"-o 'rnn\.json' would overwrite NET"),
    Case("unfold derived --data-out onto --data",
         ["unfold", "rnn.json", "--data", "seq.data.json", "-o", "seq.json"],
         ERROR, r"derived.*'seq\.data\.json'.*--data"),
    Case("unfold --data-out equal to -o",
         ["unfold", "rnn.json", "--data", "seq.data.json", "-o", "u.json", "--data-out", "u.json"],
         ERROR, r"--data-out 'u\.json' and -o 'u\.json' are the same file"),
    Case("unfold --data-out onto the network",
         ["unfold", "rnn.json", "--data", "seq.data.json", "-o", "u.json", "--data-out", "./rnn.json"],
         ERROR, r"--data-out '\./rnn\.json' would overwrite NET"),
    Case("unfold --data-out onto --data",
         ["unfold", "rnn.json", "--data", "seq.data.json", "-o", "u.json", "--data-out", "seq.data.json"],
         ERROR, r"would overwrite --data 'seq\.data\.json'"),
    Case("unfold writes what it is asked to",
         ["unfold", "rnn.json", "--data", "seq.data.json", "-o", "u.json"], OK,
         writes=("u.json", "u.data.json")),
    Case("prove -o onto its network", ["prove", *BASE, "--wrt", "w1", "-o", "base.json"],
         ERROR, r"-o 'base\.json' would overwrite NET\.json"),
    Case("prove -o onto its data", ["prove", *BASE, "--wrt", "w1", "-o", "base.data.json"],
         ERROR, r"would overwrite --data"),
    Case("prove -o into a FIFO", ["prove", *BASE, "--wrt", "w1", "-o", "out.fifo"],
         ERROR, r"'out\.fifo'.*FIFO", setup=_fifo),
    Case("prove -o a device", ["prove", *BASE, "--wrt", "w1", "-o", "/dev/null"],
         ERROR, r"'/dev/null'.*character device"),
    Case("train --in-place through a symlink keeps the link and the mode",
         ["train", "train.json", "--data", "base.data.json", "--lr", "0.5", "--epochs", "3", "--in-place"],
         OK, writes=("train.json", "trained.json"), setup=_symlink_to_private, check=_link_kept),
    Case("train --plot below a file", [*TRAIN, "-o", "out.json", "--plot", "base.json/x.png"],
         ERROR, r"base\.json/x\.png"),
    Case("train --plot onto -o", [*TRAIN, "-o", "out.json", "--plot", "out.json"],
         ERROR, r"out\.json"),
    Case("train -o onto --data", [*TRAIN, "-o", "base.data.json"], ERROR, r"base\.data\.json"),
    Case("draw -o onto its network", ["draw", *BASE, "-o", "base.json"], ERROR, r"base\.json"),
    Case("animate -o onto its data", ["animate", *BASE, "-o", "base.data.json"], ERROR, r"base\.data\.json"),
    Case("demo -o an existing file", ["demo", "-o", "occupied"], ERROR, r"-o 'occupied' is a file",
         setup=_plain_file),
    Case("demo -o below a file", ["demo", "-o", "occupied/x"], ERROR, r"occupied", setup=_plain_file),
    # ---- bounded evaluation of file primitives
    Case("primitives doubling each other 39 times", [*GRAD, "prim_doubling.json", "--data", "base.data.json"],
         OK),
    Case("primitives doubling with different arguments",
         [*GRAD, "prim_exponential.json", "--data", "base.data.json"],
         ERROR, r"primitive 'p\d+'.*expands to \d+ operations.*ROJAS_MAX_EXPRESSION_SIZE"),
    Case("30 primitives nesting sin( 60 deep", [*GRAD, "prim_nest60.json", "--data", "base.data.json"], OK),
    Case("a chain of 1,100 primitives", [*GRAD, "prim_chain1100.json", "--data", "base.data.json"], OK),
    Case("a chain of 3,000 primitives", [*GRAD, "prim_chain3000.json", "--data", "base.data.json"], OK),
    Case("a chain of 3,000 primitives, beyond a lowered call depth",
         [*GRAD, "prim_chain3000.json", "--data", "base.data.json"], ERROR,
         r"primitive 'p\d+'.*calls file primitives \d+ deep.*ROJAS_MAX_CALL_DEPTH",
         env={"ROJAS_MAX_CALL_DEPTH": "1000"}),
    Case("a 400-digit integer in a primitive", [*GRAD, "prim_bigint.json", "--data", "base.data.json"],
         ERROR, r"primitive 'm'.*400 digits"),
    # ---- bounded inputs
    Case("grad /dev/urandom", [*GRAD, "/dev/urandom"], ERROR, r"'/dev/urandom'.*device"),
    Case("grad /dev/zero", [*GRAD, "/dev/zero"], ERROR, r"'/dev/zero'.*device"),
    Case("grad a directory", [*GRAD, "."], ERROR, r"'\.'.*directory"),
    Case("grad a missing file", [*GRAD, "nosuch.json"], ERROR, r"'nosuch\.json'.*No such file"),
    Case("a file over the size limit", [*GRAD, "big.json"], ERROR, r"'big\.json'.*ROJAS_MAX_FILE_MB",
         env={"ROJAS_MAX_FILE_MB": "1"}, setup=_big_file),
    Case("an integer of 5,000 digits in a network", [*GRAD, "bigint_weight.json", "--data", "base.data.json"],
         ERROR, r"bigint_weight\.json.*5000 digits"),
    Case("an integer of 5,000 digits in a data file", [*GRAD, "base.json", "--data", "bigint_data.json"],
         ERROR, r"bigint_data\.json.*5000 digits"),
    Case("an ASCII terminal", [*GRAD, *BASE], OK, env={"PYTHONIOENCODING": "ascii"},
         check=_stdout_has(r"\\u03b4")),
    Case("a Latin-1 terminal", [*GRAD, *BASE], OK, env={"PYTHONIOENCODING": "latin-1"}),
    # A lone surrogate is not Unicode text: ids and names holding one are refused at load, naming them.
    Case("a lone surrogate in an id on an ASCII terminal", [*GRAD, "surrogate_id.json", "--data",
                                                            "base.data.json"],
         ERROR, r"lone surrogate", env={"PYTHONIOENCODING": "ascii"}),
    Case("a lone surrogate in an id", [*GRAD, "surrogate_id.json", "--data", "base.data.json"], ERROR,
         r"lone surrogate"),
    Case("a lone surrogate in an id, written to a report",
         ["prove", "surrogate_id.json", "--data", "base.data.json", "--wrt", "w1", "-o", "proof.md"], ERROR,
         r"lone surrogate"),
    Case("a lone surrogate in an id, drawn", ["draw", "surrogate_id.json", "--data", "base.data.json",
                                              "-o", "out.png"], ERROR, r"lone surrogate"),
    Case("train --epochs 1000000000000", ["train", "base.json", "--data", "base.data.json", "--lr", "0.5",
                                          "--epochs", "1000000000000", "-o", "t.json"],
         ERROR, r"rojas train plans 2,000,000,000,000 sweeps.*ROJAS_MAX_WORK", timeout=15),
    Case("check --directions 10000000", ["check", "base.json", "--data", "base.data.json",
                                         "--directions", "10000000"],
         ERROR, r"rojas check plans 30,000,\d+ sweeps.*ROJAS_MAX_WORK", timeout=15),
    Case("unfold --steps 1000000000", ["unfold", "rnn.json", "--steps", "1000000000", "-o", "u.json"],
         ERROR, r"--steps|steps", timeout=15, memory_mb=3000),
    Case("a 300,000-step sequence", ["unfold", "rnn.json", "--data", "long.data.json", "-o", "u.json"],
         ERROR, r"long\.data\.json|steps", setup=_long_sequence, timeout=15, memory_mb=3000),
    # ---- symbolic work bounded (the proof's SymPy section skipped, the rest written)
    Case("prove with (1/10)**(10**9) in a primitive",
         ["prove", "prim_rational_power.json", "--data", "base.data.json", "--wrt", "w1"], OK, timeout=20),
    Case("prove with an exact integer power tower in a primitive",
         ["prove", "prim_power_tower.json", "--data", "base.data.json", "--wrt", "w1"], OK, timeout=30,
         check=_stdout_has(r"the symbolic identity holds")),
    Case("prove with a product of huge exact integers in a primitive",
         ["prove", "prim_big_product.json", "--data", "base.data.json", "--wrt", "w1"], OK, timeout=30,
         check=_stdout_has(r"the symbolic identity holds")),
    Case("prove on a complete DAG of 20 tanh units", ["prove", "dag20_tanh.json", *PROVE_CHAIN], EITHER,
         r"limit", timeout=20),
    Case("prove on a chain of 38 tanh units", ["prove", "chain38_tanh.json", *PROVE_CHAIN], OK, timeout=20),
    Case("prove --format tex with TeX in ids and names",
         ["prove", "tex_injection.json", "--data", "base.data.json", "--wrt", "w2", "--format", "tex",
          "-o", "proof.tex"], OK, writes=("proof.tex",), check=_tex_is_inert),
    # ---- odd values: one clear line
    Case("an edge param that is a list", [*GRAD, "param_list.json", "--data", "base.data.json"],
         ERROR, r"param"),
    Case("an edge param that is an object", [*GRAD, "param_dict.json", "--data", "base.data.json"],
         ERROR, r"param"),
    Case("ids 1 and '1' both", [*GRAD, "int_and_str_ids.json", "--data", "base.data.json"],
         ERROR, r"'1'"),
    Case("an id that is a list", [*GRAD, "list_id.json", "--data", "base.data.json"], ERROR, r"id \[1, 2\]"),
    Case("a param named like a node", [*GRAD, "param_named_like_node.json", "--data", "base.data.json"],
         ERROR, r"'h'"),
    Case("a node named E", [*GRAD, "node_named_E.json", "--data", "base.data.json"], EITHER, r"'E'"),
    Case("NaN in an extra attribute", [*TRAIN[:1], "nan_extra.json", *TRAIN[2:], "-o", "out.json"],
         ERROR, r"color"),
    Case("newlines and ANSI escapes in an id", [*GRAD, "control_id.json", "--data", "base.data.json"], OK,
         check=_no_forged_lines),
    # The value 1e200·1e200·1e-300 = 1e100 is finite and computed so; ∂p/∂c = 1e400 is not a float64,
    # and the error names that derivative, not the value.
    Case("a product 1e200·1e200·1e-300", [*GRAD, "product_overflow.json", "--data",
                                         "product_overflow.data.json", "--of", "p"],
         ERROR, r"delta at node 'c' \(input\) in the backward sweep"),
    # ---- figures render user text literally
    Case("mathtext in ids and edge names", ["draw", "mathtext_id.json", "--data", "base.data.json",
                                            "-o", "out.png"], OK, writes=("out.png",)),
    Case("mathtext in --title", ["draw", *BASE, "-o", "out.png", "--title", "$\\frac{x$"], OK,
         writes=("out.png",)),
    Case("a graph name that is an object", ["draw", "name_not_string.json", "-o", "out.png"], EITHER,
         r"name", writes=("out.png",)),
    # ---- exit codes that mean what they say
    Case("paths --count --to an unknown node", ["paths", *BASE, "--from", "w1", "--count", "--to", "nosuch"],
         ERROR, r"nosuch"),
    Case("train --shuffle --seed -5", [*TRAIN, "--mode", "online", "--shuffle", "--seed", "-5", "-o", "out.json"],
         EITHER, r"seed", writes=("out.json",)),
    Case("train diverging", ["train", "linear.json", "--data", "linear.data.json", "--lr", "10", "--epochs",
                             "200", "-o", "out.json"],
         ERROR, r"diverg|loss"),
    Case("check near overflow", ["check", "near_overflow.json", "--data", "near_overflow.data.json", "--of", "y"],
         OK, check=lambda folder, r: "Warning" not in r.stderr and "FAIL" not in r.stdout),
]


def _hashes(folder):
    out = {}
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            if os.path.isfile(path) and not stat.S_ISFIFO(os.stat(path).st_mode):
                with open(path, "rb") as fh:
                    out[os.path.relpath(path, folder)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def _address_space(megabytes):
    def limit():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return limit if megabytes else None


def run_rojas(argv, cwd, env=None, timeout=TIMEOUT, memory_mb=0):
    full_env = {key: value for key, value in os.environ.items()
                if not key.startswith("ROJAS_MAX_") and key != "PYTHONIOENCODING"}
    full_env.update({"PYTHONPATH": ROOT, "PYTHONIOENCODING": "utf-8", **(env or {})})
    try:
        return subprocess.run([sys.executable, "-m", "rojas", *argv], cwd=cwd, env=full_env,
                              capture_output=True, timeout=timeout, encoding="utf-8",
                              errors="surrogateescape", preexec_fn=_address_space(memory_mb))
    except subprocess.TimeoutExpired:
        pytest.fail(f"rojas {' '.join(argv)} ran for more than {timeout} s")


def assert_outcome(result, expect, culprit=""):
    """No traceback; ERROR: exit 2 and one line naming `culprit`; OK: exit 0."""
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    if expect == EITHER:
        expect = OK if result.returncode == 0 else ERROR
    if expect == OK:
        assert result.returncode == 0, result.stderr[-3000:]
        return
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr[-3000:])
    assert len(lines) == 1 and lines[0].startswith("rojas: error: "), result.stderr[-3000:]
    assert re.search(culprit, lines[0]), f"{culprit!r} not in {lines[0]!r}"


def _param(case):
    return pytest.param(case, id=case.id)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_case(case, tmp_path):
    run_case(case, tmp_path)


def run_case(case, tmp_path):
    """Run one case in a copy of the corpus: its outcome, and no file changed that it did not ask for."""
    folder = str(tmp_path)
    for name in os.listdir(CORPUS):
        if name.endswith(".json"):
            shutil.copy(os.path.join(CORPUS, name), folder)
    if case.setup:
        case.setup(folder)
    before = _hashes(folder)
    result = run_rojas(case.argv, folder, case.env, case.timeout, case.memory_mb)
    assert_outcome(result, case.expect, case.culprit)
    after = _hashes(folder)
    allowed = set(case.writes) if result.returncode == 0 else set()
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    changed = {name for name in changed if not name.startswith("tex" + os.sep)}  # pdflatex's own files
    assert changed <= allowed, f"files changed that the command line did not ask for: {sorted(changed - allowed)}"
    if case.check:  # a check asserts, or returns a truth value (a lambda)
        assert case.check(folder, result) is not False, result.stdout[-2000:] + result.stderr[-2000:]


def test_every_corpus_file_is_used():
    """A corpus file no case reads is a case that was lost (here or in test_hostile_two)."""
    from test_hostile_two import CASES as ROUND_TWO

    used = {a for case in CASES + ROUND_TWO for a in case.argv}
    unused = sorted(n for n in os.listdir(CORPUS) if n.endswith(".json") and n not in used)
    assert unused == [], unused


def test_the_corpus_is_what_make_corpus_writes(tmp_path):
    """The committed files are the generator's output (so a case can be read in the generator)."""
    sys.path.insert(0, CORPUS)
    try:
        import make_corpus
    finally:
        sys.path.remove(CORPUS)
    for name in [*make_corpus.files(), *make_corpus.RAW]:
        assert os.path.exists(os.path.join(CORPUS, name)), name


# ---------------------------------------------------------------------------- fuzz: JSON shapes

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=True),
                     st.text(max_size=4), st.sampled_from(["x1", "x2", "h", "y", "input", "sigmoid", "sum",
                                                           "product", "p", "w1"]))
_json = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                     max_leaves=12)


def _mutated_network(draw):
    """The base network with one field somewhere replaced by an arbitrary JSON value."""
    sys.path.insert(0, CORPUS)
    try:
        import make_corpus
    finally:
        sys.path.remove(CORPUS)
    net = make_corpus.base()
    where = draw(st.sampled_from(["graph", "node", "edge", "top"]))
    value = draw(_json)
    if where == "top":
        net[draw(st.sampled_from(["nodes", "edges", "graph", "directed", "multigraph"]))] = value
    elif where == "graph":
        net["graph"][draw(st.sampled_from(["name", "params", "primitives", "outputs", "extra"]))] = value
    else:
        items = net["nodes" if where == "node" else "edges"]
        item = items[draw(st.integers(0, len(items) - 1))]
        keys = ["id", "fn", "bias", "combine"] if where == "node" else ["source", "target", "weight", "param",
                                                                        "name", "delay"]
        item[draw(st.sampled_from(keys))] = value
    return net


@st.composite
def _files(draw):
    if draw(st.booleans()):
        return _mutated_network(draw), {"inputs": {"x1": 0.5, "x2": -1.0}, "targets": {"y": 0.2}}
    data = {"inputs": {"x1": 0.5, "x2": -1.0}, "targets": {"y": 0.2}}
    section = draw(st.sampled_from(["inputs", "targets", "top"]))
    value = draw(_json)
    if section == "top":
        data = value if draw(st.booleans()) else {**data, draw(st.text(max_size=6)): value}
    else:
        data[section][draw(st.sampled_from(["x1", "x2", "y", "h", "zz"]))] = value
    sys.path.insert(0, CORPUS)
    try:
        import make_corpus
    finally:
        sys.path.remove(CORPUS)
    return make_corpus.base(), data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_files())
def test_fuzz_json_shapes_exit_0_or_one_line_exit_2(files, tmp_path, capsys):
    """Any JSON value in any field: exit 0, or exit 2 with one line — never a traceback.

    Runs the command line in-process (``rojas.cli.main``), where a traceback is
    an exception escaping ``main``.
    """
    from rojas.cli import main

    net, data = files
    net_path, data_path = tmp_path / "net.json", tmp_path / "data.json"
    net_path.write_text(json.dumps(net), encoding="utf-8")
    data_path.write_text(json.dumps(data), encoding="utf-8")
    status = main(["grad", str(net_path), "--data", str(data_path)])
    err = capsys.readouterr().err
    assert status in (0, 2), (status, err)
    if status == 2:
        lines = [line for line in err.strip().splitlines() if not line.startswith("rojas: warning:")]
        assert len(lines) == 1 and lines[0].startswith("rojas: error: "), err
