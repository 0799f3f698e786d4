"""The default project installs from its lock and passes its tests on every Python."""

import pytest

from tests.support.baking import bake
from tests.support.machine import IN_CI
from tests.support.machine import require
from tests.support.machine import run
from tests.support.pythons import PYTHON_VERSIONS
from tests.support.pythons import REQUIRED
from tests.support.pythons import find_python

pytestmark = [pytest.mark.pythons, pytest.mark.network]


@pytest.mark.parametrize("version", PYTHON_VERSIONS, ids=lambda v: f"py{v}")
def test_default_project_installs_and_passes(tmp_path, version):
    python = find_python(version)
    reason = f"Python {version} is not installed (pyenv install {version})"
    if not python and IN_CI and version not in REQUIRED:
        pytest.skip(f"{reason}; FOUNDRY_PYTHONS does not list it")
    require(python, reason)
    project = bake(tmp_path, python_version=version)
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
        install = run(command, cwd=project)
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    tests = run(
        [bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert f"Python {version}" in run([bin_dir / "python", "-V"], cwd=tmp_path).stdout
