"""Shared pytest hooks: one deterministic Hypothesis profile, figures closed after every test, the demo run
once for the tests that read it, and a quick subset (-m "not slow") that does not import what it skips."""

import os
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, settings

# Every property test draws the same examples on every run and keeps no database between runs, so
# a failure in CI is a failure on every machine (HYPOTHESIS_PROFILE=random draws afresh, when asked).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("random", database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """``rojas demo -o DIR`` run once, for the tests that read what it prints and what it writes: it draws,
    animates and proves every example, a minute of work: once a worker (``pytest -n``) that needs it."""
    folder = tmp_path_factory.mktemp("demo")
    proc = subprocess.run([sys.executable, "-m", "rojas", "demo", "-o", str(folder)], cwd=folder,
                          capture_output=True, text=True, timeout=900)
    return proc, folder


@pytest.fixture(autouse=True)
def _close_figures():
    # A test that draws leaves no pyplot figure behind for the next one ("More than 20 figures").
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def pytest_terminal_summary(terminalreporter):
    # A skipped browser test says why at the end of every run, not only under -rs.
    for report in terminalreporter.stats.get("skipped", []):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if "browser tests" in reason:
            terminalreporter.write_line(f"explorer browser tests skipped: {reason.removeprefix('Skipped: ')}",
                                        yellow=True)
            break


_WHOLE_FILE_SLOW = re.compile(r"^pytestmark = \[?pytest\.mark\.slow\b", re.M)


def pytest_ignore_collect(collection_path, config):
    # The quick subset (-m "not slow") would deselect every test of a file marked slow as a whole,
    # but only after importing it -- and those files import PyTorch, Playwright and the like, a good
    # share of the subset's time. Such a file is not even opened as a module then.
    if config.getoption("markexpr", "") != "not slow" or collection_path.suffix != ".py":
        return None
    if collection_path.name.startswith("test_") and _WHOLE_FILE_SLOW.search(collection_path.read_text("utf-8")):
        return True
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # A doctest that runs PyTorch spends seconds importing it: it belongs to the whole suite only.
    for item in items:
        test = getattr(item, "dtest", None)
        if test is not None and any("torch" in example.source for example in test.examples):
            item.add_marker(pytest.mark.slow)
