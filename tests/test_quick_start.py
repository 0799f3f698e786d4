"""The README's Quick start, run verbatim as a new user on a fresh machine would.

The machine is simulated: an empty HOME, `python3` on PATH, and a Python that refuses
to install outside a virtualenv, as PEP 668's EXTERNALLY-MANAGED marker makes a
distribution's Python do (PIP_REQUIRE_VIRTUALENV, and `pip`/`pip3` commands that
fail with pip's error). The command must still bake, with only what baking needs,
and put the project beside the clone, not inside it.
"""

import json
import re
import shutil
import sys

from tests.conftest import TEMPLATE
from tests.conftest import run

REFUSING_PIP = """#!/bin/sh
echo "error: externally-managed-environment" >&2
exit 1
"""
# What cookiecutter and jinja2-time need, and nothing of the test suite's.
NOT_FOR_BAKING = ("pytest", "flask", "ruff", "playwright", "schemathesis")


def quick_start_command():
    """The first shell block under README.md's "Quick start" heading."""
    readme = (TEMPLATE / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block, "README.md's Quick start has no ```bash block"
    return block.group(1)


def test_quick_start_bakes_beside_the_clone(tmp_path):
    clone = tmp_path / "flask-foundry"
    shutil.copytree(
        TEMPLATE,
        clone,
        ignore=shutil.ignore_patterns(".git", "artifacts", "__pycache__", ".venv*"),
    )
    home = tmp_path / "home"
    home.mkdir()
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "python3").symlink_to(sys.executable)
    for name in ("pip", "pip3"):
        (shims / name).write_text(REFUSING_PIP)
        (shims / name).chmod(0o755)
    before = sorted(p.name for p in clone.iterdir())
    done = run(
        ["bash", "-euo", "pipefail", "-c", quick_start_command()],
        cwd=clone,
        timeout=900,
        HOME=str(home),
        PATH=f"{shims}:/usr/bin:/bin",
        PIP_REQUIRE_VIRTUALENV="1",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "my_flask_app" / "pyproject.toml").is_file()
    assert sorted(p.name for p in clone.iterdir()) == before
    pip = home / ".venvs" / "cookiecutter" / "bin" / "pip"
    listed = run([pip, "list", "--format=json"], cwd=tmp_path)
    installed = {item["name"].lower() for item in json.loads(listed.stdout)}
    assert {"cookiecutter", "jinja2-time"} <= installed
    assert not installed & set(NOT_FOR_BAKING), installed
    print(f"Quick start installed {len(installed)} packages: {sorted(installed)}")
