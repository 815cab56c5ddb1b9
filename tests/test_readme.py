"""Every command and Python block in the README runs as written.

Console lines (``$ rojas …``) and the lines of ``bash`` blocks run in a scratch folder that holds a
copy of ``examples/``, so that relative paths in the README resolve and nothing in the checkout is
written; ``python`` blocks run in that folder too, one after another in one namespace, as a reader
would type them.  ``pip install`` lines are the set-up, not commands to test here (CI runs them).
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def blocks(text):
    """(language, body) of every fenced code block."""
    return re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)


def commands(text):
    """The shell commands of the README, in order."""
    found = []
    for lang, body in blocks(text):
        if lang == "console":
            found += [line[2:] for line in body.splitlines() if line.startswith("$ ")]
        elif lang in ("bash", "sh", "shell"):
            found += [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
    return [c for c in found if not c.startswith("pip install")]


def test_the_extractor_finds_commands_and_code():
    text = "```console\n$ rojas grad mazur\noutput\n```\n```bash\npip install x\nrojas demo\n```\n" \
           "```python\nx = 1\n```\n"
    assert commands(text) == ["rojas grad mazur", "rojas demo"]
    assert [lang for lang, _ in blocks(text)] == ["console", "bash", "python"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    where = tmp_path_factory.mktemp("readme")
    shutil.copytree(os.path.join(ROOT, "examples"), where / "examples")
    return where


def _shell(command):
    # `rojas` is this checkout's command line, whatever is installed.
    return re.sub(r"(^|&& |\| |; )rojas ", rf"\1{sys.executable} -m rojas ", command)


@pytest.mark.parametrize("command", commands(open(README, encoding="utf-8").read()))
def test_readme_command_runs_as_written(command, scratch):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run(_shell(command), shell=True, cwd=scratch, capture_output=True, text=True,
                         timeout=300, env=env)
    assert "Traceback" not in res.stderr, res.stderr
    # 1 is a verdict (a wrong claim, a failed check), never bad input; 2 would be a broken README.
    assert res.returncode in (0, 1), f"{command}: exit {res.returncode}: {res.stderr}"


def test_readme_python_runs_as_written(scratch, monkeypatch):
    monkeypatch.chdir(scratch)
    monkeypatch.syspath_prepend(ROOT)
    namespace = {"__name__": "__readme__"}
    for lang, body in blocks(open(README, encoding="utf-8").read()):
        if lang == "python":
            exec(compile(body, README, "exec"), namespace)  # noqa: S102 - the README is ours
