"""The template's own Python (hooks, tests, benchmarks, scripts) is ruff clean."""

import shutil

import pytest

from tests.conftest import TEMPLATE
from tests.conftest import require
from tests.conftest import run

OWN_CODE = ["hooks", "tests", "benchmarks", "scripts"]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=str)
def test_template_code_is_ruff_clean(command):
    ruff = shutil.which("ruff")
    require(ruff, "ruff is not installed (pip install ruff)")
    done = run([ruff, *command, "--no-cache", *OWN_CODE], cwd=TEMPLATE)
    assert done.returncode == 0, done.stdout + done.stderr
