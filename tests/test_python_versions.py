"""The default project installs from its lock and passes its tests on every Python."""

import glob
import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import IN_CI
from tests.conftest import TEMPLATE
from tests.conftest import require
from tests.conftest import run

PYTHON_VERSIONS = json.loads((TEMPLATE / "cookiecutter.json").read_text())[
    "python_version"
]
# The Pythons CI must have (space-separated): the template's workflow installs every
# offered one, .ci/run lists the ones this machine has. A Python offered but not
# listed is still proven installable from wheels by tests/test_locks.py.
REQUIRED = os.environ.get("FOUNDRY_PYTHONS", " ".join(PYTHON_VERSIONS)).split()


def find_python(version):
    """The interpreter for `version`: pythonX.Y on PATH, or a pyenv install."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-V"], capture_output=True).returncode == 0:
        candidates.append(found)
    return candidates[-1] if candidates else None


@pytest.mark.parametrize("version", PYTHON_VERSIONS, ids=lambda v: f"py{v}")
def test_default_project_installs_and_passes(cookies, tmp_path, version):
    python = find_python(version)
    reason = f"Python {version} is not installed (pyenv install {version})"
    if not python and IN_CI and version not in REQUIRED:
        pytest.skip(f"{reason}; FOUNDRY_PYTHONS does not list it")
    require(python, reason)
    result = cookies.bake(extra_context={"python_version": version})
    assert result.exit_code == 0, result.exception
    env_dir = tmp_path / "venv"
    created = run([python, "-m", "venv", str(env_dir)], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    bin_dir = env_dir / "bin"
    # The locked versions, as the README's pip path installs them.
    pip = [bin_dir / "python", "-m", "pip", "install", "-q"]
    for command in (
        [*pip, "--require-hashes", "-r", "requirements-dev.lock"],
        [*pip, "--no-deps", "-e", "."],
    ):
        install = run(command, cwd=result.project_path)
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    tests = run(
        [bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=result.project_path,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert f"Python {version}" in run([bin_dir / "python", "-V"], cwd=tmp_path).stdout
