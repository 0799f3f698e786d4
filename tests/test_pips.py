"""Every pip a user may have resolves the locks with --require-hashes.

Each offered Python brings its own pip (3.11.7 and 3.12.1 bring 23.2.1, 3.13.0
brings 24.2): a fresh venv of each, and one upgraded to the newest pip, resolve
requirements/test.txt (what .ci/run installs) and the fullest bake's
requirements-dev.lock and requirements.lock, as the README and the printed next
steps install them. Older pips read a package's request for an extra
(pytest-cov's coverage[toml]) as an unpinned requirement unless the lock names
the extra too. A dry run resolves without installing: the real installs are
tests/test_python_versions.py's.
"""

import sys

import pytest

from tests.support.baking import TEMPLATE
from tests.support.baking import bake
from tests.support.combinations import FULLEST
from tests.support.machine import IN_CI
from tests.support.machine import require
from tests.support.machine import run
from tests.support.pythons import PYTHON_VERSIONS
from tests.support.pythons import REQUIRED
from tests.support.pythons import find_python

pytestmark = [pytest.mark.pythons, pytest.mark.network]


@pytest.fixture(scope="module")
def fullest(tmp_path_factory):
    """The fullest bake's folder."""
    return bake(tmp_path_factory.mktemp("fullest"), **FULLEST)


def pip_of(version, tmp_path):
    """The pip of a fresh venv of Python `version`; for None, the newest pip."""
    if version is None:
        python = sys.executable
    else:
        python = find_python(version)
        reason = f"Python {version} is not installed (pyenv install {version})"
        if not python and IN_CI and version not in REQUIRED:
            pytest.skip(f"{reason}; FOUNDRY_PYTHONS does not list it")
        require(python, reason)
    venv = tmp_path / "venv"
    created = run(
        [python, "-m", "venv", "--without-scm-ignore-files", venv], cwd=tmp_path
    )
    if created.returncode:  # before 3.13, venv has no --without-scm-ignore-files
        created = run([python, "-m", "venv", venv], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    pip = [venv / "bin" / "python", "-m", "pip"]
    if version is None:
        upgraded = run([*pip, "install", "--quiet", "--upgrade", "pip"], cwd=tmp_path)
        require(
            upgraded.returncode == 0,
            f"the newest pip could not be installed: {upgraded.stderr[-500:]}",
        )
    return pip


@pytest.mark.parametrize(
    "version",
    [*PYTHON_VERSIONS, None],
    ids=[*(f"py{v}" for v in PYTHON_VERSIONS), "newest"],
)
def test_each_pip_resolves_the_locks(fullest, tmp_path, version):
    pip = pip_of(version, tmp_path)
    shown = run([*pip, "--version"], cwd=tmp_path).stdout.split()[1]
    print(f"pip {shown}")
    for lock in (
        TEMPLATE / "requirements" / "test.txt",
        f"{fullest}/requirements-dev.lock",
        f"{fullest}/requirements.lock",
    ):
        done = run(
            [
                *pip,
                "install",
                "--dry-run",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "-r",
                lock,
            ],
            cwd=tmp_path,
        )
        assert done.returncode == 0, f"pip {shown}, {lock}:\n{done.stderr[-3000:]}"
