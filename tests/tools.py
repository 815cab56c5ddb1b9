"""External programs the tests use (pdflatex, dot, pdftotext): skipped where missing, unless required.

``.ci/run`` sets ``ROJAS_REQUIRE_TOOLS=1`` after installing them, so there a missing program fails
the test instead of skipping it quietly.
"""

import os
import shutil

import pytest


def require(program):
    """The path of `program`, or skip the test (fail it under ``ROJAS_REQUIRE_TOOLS=1``)."""
    path = shutil.which(program)
    if path:
        return path
    if os.environ.get("ROJAS_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{program} is required (ROJAS_REQUIRE_TOOLS=1) but not installed")
    pytest.skip(f"no {program}")
