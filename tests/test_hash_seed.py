"""Every output is the same bytes whatever Python's string hashing: no set or hash order reaches a file.

Python salts ``hash(str)`` per process (``PYTHONHASHSEED``), so iterating a set of unit names visits them
in another order in every process.  Each command below runs in two processes with two seeds on networks
whose names are strings; what it prints and every file it writes must be identical.
"""

import json
import os
import subprocess
import sys

import pytest

import rojas

pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

SEEDS = ("1", "4242")


def _run(argv, cwd, seed):
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([sys.executable, "-m", "rojas", *argv], cwd=cwd, env=env, capture_output=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout, {name: (cwd / name).read_bytes() for name in sorted(os.listdir(cwd))
                         if not name.startswith("in.")}


@pytest.fixture(scope="module")
def skip_dag(tmp_path_factory):
    """A random non-layered network with skip connections, its file and its data."""
    folder = tmp_path_factory.mktemp("net")
    subprocess.run([sys.executable, "-m", "rojas", "generate", "--kind", "skip", "--units", "12", "--inputs", "3",
                    "--outputs", "2", "--primitives", "tanh,sigmoid,softplus", "--seed", "3", "--quiet",
                    "-o", folder / "in.net.json", "--data-out", folder / "in.data.json"], check=True, timeout=120)
    return folder / "in.net.json", folder / "in.data.json"


COMMANDS = {
    "grad --json": ["grad", "{net}", "--data", "{data}", "--json"],
    "paths": ["paths", "{net}", "--data", "{data}", "--from", "{first_edge}"],
    "paths --by-length": ["paths", "{net}", "--data", "{data}", "--from", "{first_edge}", "--by-length"],
    "check --json": ["check", "{net}", "--data", "{data}", "--json"],
    "draw .svg": ["draw", "{net}", "--data", "{data}", "-o", "f.svg"],
    "draw .tex with paths": ["draw", "{net}", "--data", "{data}", "--paths", "{first_edge}", "-o", "f.tex"],
    "draw .dot": ["draw", "{net}", "--data", "{data}", "-o", "f.dot"],
    "paths --plot .svg": ["paths", "{net}", "--data", "{data}", "--from", "{first_edge}", "--by-length", "--plot",
                          "l.svg"],
    "draw --focus .svg": ["draw", "{net}", "--data", "{data}", "--focus", "{first_edge}", "-o", "z.svg"],
    "explore": ["explore", "{net}", "--data", "{data}", "-o", "f.html"],
    "prove": ["prove", "mazur", "--data", rojas.example_path("mazur", "data"), "--wrt", "w5", "-o", "p.md"],
}


@pytest.mark.parametrize("key", list(COMMANDS))
def test_every_output_is_the_same_bytes_under_two_hash_seeds(key, skip_dag, tmp_path):
    net, data = skip_dag
    edge = json.loads(net.read_text())["edges"][0]
    first_edge = edge.get("name") or f"{edge['source']}->{edge['target']}"
    argv = [a.format(net=net, data=data, first_edge=first_edge) for a in COMMANDS[key]]
    outputs = []
    for seed in SEEDS:
        folder = tmp_path / f"seed{seed}"
        folder.mkdir()
        outputs.append(_run(argv, folder, seed))
    (out_a, files_a), (out_b, files_b) = outputs
    assert out_a == out_b
    assert list(files_a) == list(files_b)
    for name in files_a:
        assert files_a[name] == files_b[name], f"{key}: {name} differs between PYTHONHASHSEED={SEEDS}"
