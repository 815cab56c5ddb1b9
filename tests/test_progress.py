"""Progress on long work: loading a file, writing a labeling's JSON, SymPy's proof, and --quiet.

A bar shows only on a terminal and only after 2 s, so these tests record what
each long job reports to its bar (a recording stand-in for ``progress_bar``)
and check the counts against the work's own size.
"""

import io
import json

import pytest

import rojas
import rojas.cli
from rojas.utils import progress


class Recorder(progress._Off):
    """A progress bar that records its total, its updates and its stage words."""

    made = []

    def __init__(self, total=None, desc="", unit="it", **options):
        self.total, self.desc, self.unit, self.n, self.stages = total, desc, unit, 0, []
        Recorder.made.append(self)

    def update(self, n=1):
        self.n += n

    def set_postfix_str(self, s="", refresh=True):
        self.stages.append(s)


@pytest.fixture
def recorded(monkeypatch):
    import rojas.engine.labeling_io
    import rojas.network.nodelink
    import rojas.proof.symbolic_worker

    Recorder.made = []
    for module in (rojas.network.nodelink, rojas.engine.labeling_io, rojas.proof.symbolic_worker):
        monkeypatch.setattr(module, "progress_bar", Recorder)
    return Recorder.made


def test_loading_reports_its_four_stages(recorded):
    rojas.load(rojas.example_path("mazur"))
    (bar,) = recorded
    assert bar.desc == "loading mazur.json" and bar.total == 4 and bar.n == 4
    assert bar.stages == ["JSON parsed", "nodes checked", "edges checked", "structure checked"]


def test_writing_json_counts_every_node_and_edge(recorded):
    net = rojas.load(rojas.example_path("mazur"))  # Mazur's 2-2-2 network: 6 nodes, 8 edges
    lab = rojas.label(net, *rojas.load_data(rojas.example_path("mazur", "data")))
    buf = io.StringIO()
    lab.write_json(buf, chunk=4)
    bar = recorded[-1]
    assert (bar.desc, bar.total, bar.n) == ("writing JSON", 6 + 8, 6 + 8)
    assert json.loads(buf.getvalue())["value"] == pytest.approx(0.298371109, abs=1e-9)  # Mazur's E_total


@pytest.mark.slow
def test_sympy_reports_whole_seconds_within_its_budget(recorded):
    import time

    from rojas.proof.symbolic_worker import run_guarded

    assert run_guarded(lambda: (time.sleep(1.3), 7)[1], time_budget=4.5) == 7
    (bar,) = recorded
    assert bar.total == 5 and bar.n == 1  # 1.3 s elapsed: one whole second shown, of ⌈4.5⌉


def test_bars_are_off_away_from_a_terminal_and_cost_no_import():
    previous = progress.set_default(None)
    try:
        bar = progress.progress_bar(total=3, stream=io.StringIO())
        assert bar.disable
        with bar:
            bar.update()
            bar.set_postfix_str("stage")
    finally:
        progress.set_default(previous)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["grad", "paths", "prove", "check", "train", "matrix", "draw", "explore"])
def test_every_command_takes_quiet_and_restores_the_default(command, tmp_path, capsys):
    previous = progress.set_default(True)
    try:
        args = {"grad": ["grad", "mazur"], "paths": ["paths", "mazur", "--from", "w1", "--count"],
                "prove": ["prove", "mazur", "--wrt", "w1", "--no-symbolic", "-o", str(tmp_path / "p.md")],
                "check": ["check", "mazur"], "train": ["train", "mazur", "--lr", "0.5", "--epochs", "1", "-o", str(tmp_path / "t.json")],
                "matrix": ["matrix", "mazur"], "draw": ["draw", "mazur", "-o", str(tmp_path / "d.png")],
                "explore": ["explore", "mazur", "-o", str(tmp_path / "e.html")]}[command]
        assert rojas.cli.main(args + ["--quiet"]) == 0
        assert capsys.readouterr().err == ""
        assert progress.progress_enabled() is True  # --quiet lasted only for its command
    finally:
        progress.set_default(previous)



@pytest.mark.slow
@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="needs a pseudo-terminal")
def test_a_terminal_that_reports_no_size_still_shows_the_bar():
    # A bare pseudo-terminal says 0 rows and 0 columns; tqdm would hide the bar there.
    import os
    import select
    import subprocess
    import sys

    master, slave = os.openpty()
    code = ("import rojas.utils.progress as p\n"
            "with p.progress_bar(total=3, desc='work', delay=0, leave=True) as b:\n"
            "    b.update(3)\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([sys.executable, "-c", code], stderr=slave, cwd=root, timeout=60, check=True)
    os.close(slave)
    out = b""
    while select.select([master], [], [], 1.0)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert b"work: 100%" in out and b"3/3" in out
