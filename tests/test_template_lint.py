"""The template's own Python, the initializr's included, is ruff clean."""

import re
import shutil

import pytest

from tests.support.baking import TEMPLATE
from tests.support.machine import require
from tests.support.machine import run

OWN_CODE = [
    "hooks",
    "local_extensions.py",
    "tests",
    "benchmarks",
    "scripts",
    "initializr",
]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=str)
def test_template_code_is_ruff_clean(command):
    ruff = shutil.which("ruff")
    require(ruff, "ruff is not installed (pip install ruff)")
    done = run([ruff, *command, "--no-cache", *OWN_CODE], cwd=TEMPLATE)
    assert done.returncode == 0, done.stdout + done.stderr


PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"
# An if/elif/else/endif tag alone on its line at column 0, trimming before it only.
GUARD = re.compile(r"^\{%- (?:if|elif|else|endif)\b[^%]*(?<!-) %\}$")
# Stands where a blank line must stay before a guarded line: `{%-` would trim it.
BLANK_LINE = "{# blank line #}"


def off_style(line):
    """Whether a line of a Python template breaks STYLE.md's rule for Jinja tags."""
    if "{#" in line:
        return line != BLANK_LINE
    return "{%" in line and not GUARD.match(line)


def test_python_templates_guard_whole_lines():
    """STYLE.md: in Python files, `{%- if %}` guards at column 0 wrap whole lines."""
    bad = [
        f"{path.relative_to(PROJECT)}:{number}: {line}"
        for path in sorted(PROJECT.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if off_style(line)
    ]
    assert not bad, "Jinja tags off the house style:\n" + "\n".join(bad)
