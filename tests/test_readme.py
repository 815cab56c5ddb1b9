"""Every command and Python block in the README runs as written.

Console lines (``$ rojas …``) and the lines of ``bash`` blocks run in a scratch folder that holds a
copy of ``examples/``, so that relative paths in the README resolve and nothing in the checkout is
written; ``python`` blocks run in that folder too, one after another in one namespace, as a reader
would type them.  ``pip install`` and ``apt-get`` lines are the set-up, not commands to test here
(CI runs them).

Every command must exit 0, except where the README marks the line with the status it demonstrates,
a trailing ``# exit 1`` (a verdict: a wrong claim, a failed check); the shell reads it as a comment.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

# The README's commands build on each other (a file one writes, the next reads) in one scratch folder, in
# order: under pytest -n the file runs on one worker (pyproject's --dist loadfile).
pytestmark = pytest.mark.slow  # the quick subset (-m "not slow") leaves this file out

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def blocks(text):
    """(language, body) of every fenced code block."""
    return re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)


_EXIT_MARK = re.compile(r"\s#\s*exit\s+(\d+)\s*$")


def commands(text):
    """``(command, expected exit status)`` of the README's shell commands, in order."""
    found = []
    for lang, body in blocks(text):
        if lang == "console":
            found += [line[2:] for line in body.splitlines() if line.startswith("$ ")]
        elif lang in ("bash", "sh", "shell"):
            found += [line for line in body.splitlines() if line.strip() and not line.startswith("#")]
    found = [c for c in found if not c.startswith(("pip install", "apt-get "))]
    return [(c, int(m.group(1)) if (m := _EXIT_MARK.search(c)) else 0) for c in found]


def test_the_extractor_finds_commands_their_exit_status_and_code():
    text = "```console\n$ rojas grad mazur\noutput\n$ rojas claim mazur \"dL/dw1 = 0\"  # exit 1\n```\n" \
           "```bash\npip install x\napt-get install -y chromium\nrojas demo  # or rojas demo xor\n```\n" \
           "```python\nx = 1\n```\n"
    assert commands(text) == [("rojas grad mazur", 0), ('rojas claim mazur "dL/dw1 = 0"  # exit 1', 1),
                              ("rojas demo  # or rojas demo xor", 0)]
    assert [lang for lang, _ in blocks(text)] == ["console", "bash", "python"]


def test_the_readme_marks_its_failing_verdicts():
    marked = [c for c, status in commands(open(README, encoding="utf-8").read()) if status]
    assert [c.split()[1] for c in marked] == ["claim", "check"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    where = tmp_path_factory.mktemp("readme")
    shutil.copytree(os.path.join(ROOT, "examples"), where / "examples")
    return where


def _shell(command):
    # `rojas` is this checkout's command line, whatever is installed.
    return re.sub(r"(^|&& |\| |; )rojas ", rf"\1{sys.executable} -m rojas ", command)


@pytest.mark.parametrize("command, status", commands(open(README, encoding="utf-8").read()))
def test_readme_command_runs_as_written(command, status, scratch):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run(_shell(command), shell=True, cwd=scratch, capture_output=True, text=True,
                         timeout=300, env=env)
    assert "Traceback" not in res.stderr, res.stderr
    assert res.returncode == status, f"{command}: exit {res.returncode}, expected {status}: {res.stderr}"


def test_readme_python_runs_as_written(scratch, monkeypatch):
    monkeypatch.chdir(scratch)
    monkeypatch.syspath_prepend(ROOT)
    namespace = {"__name__": "__readme__"}
    for lang, body in blocks(open(README, encoding="utf-8").read()):
        if lang == "python":
            exec(compile(body, README, "exec"), namespace)  # noqa: S102 - the README is ours
