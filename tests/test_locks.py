"""Baked projects install exactly the locked versions, and their lower bounds are true.

- The lock files in the template are what scripts/lock.py writes for today's
  pyproject template (stale locks fail here; rerun the script).
- A baked project's uv.lock is accepted by `uv lock --locked` and `uv sync --locked`,
  and the project's tests pass on what it installs. (pip's path, requirements-dev.lock
  with --require-hashes, is what tests/test_python_versions.py installs.)
- The lowest versions the pyproject allows (uv's lowest-direct resolution) pass the
  project's own tests, so its lower bounds are true.
- Every Python that `python_version` offers has a wheel of every locked package.
"""

import contextlib
import shutil
import sys
import time

import pytest

from tests.support.baking import TEMPLATE
from tests.support.baking import bake
from tests.support.database_servers import SERVERS
from tests.support.machine import require
from tests.support.machine import run
from tests.support.pythons import PYTHON_VERSIONS

pytestmark = pytest.mark.network


def find_uv():
    """The uv that scripts/lock.py uses: this environment's, else the one on PATH."""
    try:
        from uv import find_uv_bin
    except ImportError:
        return shutil.which("uv")
    return find_uv_bin()


UV = find_uv()
# The default bake, and the fullest one: every extension, PostgreSQL, API, Celery, mail.
FULLEST = dict(use_api=True, use_celery=True, use_mail=True, database="postgresql")
BAKES = [pytest.param({}, id="default"), pytest.param(FULLEST, id="fullest")]
# Wheels are checked for the platforms the Docker image and most laptops run.
PLATFORMS = ("x86_64-manylinux_2_28", "aarch64-manylinux_2_28")


def needs_uv():
    """Skip without uv on a user's machine; fail under CI=true."""
    require(UV, "uv is not installed (pip install uv)")


def test_lock_files_are_current():
    needs_uv()
    started = time.monotonic()
    done = run([sys.executable, "scripts/lock.py", "--check"], cwd=TEMPLATE)
    print(f"scripts/lock.py --check: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, (
        "The lock files are stale: run `python scripts/lock.py` and commit.\n"
        + done.stdout[-3000:]
        + done.stderr[-3000:]
    )


@contextlib.contextmanager
def database_env(answers):
    """TEST_DATABASE_URL of a throwaway database for a PostgreSQL bake."""
    if answers.get("database") != "postgresql":
        yield {}
        return
    server = SERVERS["postgresql"]
    require(server.problem() is None, server.problem())
    with server.fresh_database() as name:
        yield {"TEST_DATABASE_URL": server.url(name)}


@pytest.mark.parametrize("answers", BAKES)
def test_locked_install_passes(tmp_path, answers):
    needs_uv()
    project = bake(tmp_path, **answers)
    # uv: the lock is what uv would write, and installs as is.
    for command in (
        [UV, "lock", "--locked"],
        [UV, "sync", "--locked", "--extra", "dev"],
    ):
        done = run(command, cwd=project)
        assert done.returncode == 0, " ".join(map(str, command)) + done.stderr
    with database_env(answers) as env:
        tests = run(
            [UV, "run", "--locked", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=project,
            **env,
        )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


@pytest.mark.parametrize("answers", BAKES)
def test_lowest_direct_versions_pass(tmp_path, answers):
    needs_uv()
    project = bake(tmp_path, **answers)
    venv = tmp_path / "lowest"
    created = run([UV, "venv", "-q", "--python", sys.executable, venv], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    install = run(
        [
            UV,
            "pip",
            "install",
            "-q",
            "--python",
            python,
            "--resolution",
            "lowest-direct",
            "-e",
            ".[dev]",
        ],
        cwd=project,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    listed = run([UV, "pip", "list", "--python", python], cwd=project).stdout
    print(listed)
    for lint in (["check", "."], ["format", "--check", "."]):
        done = run([venv / "bin" / "ruff", *lint], cwd=project)
        assert done.returncode == 0, done.stdout[-3000:]
    with database_env(answers) as env:
        tests = run(
            [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project, **env
        )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("version", PYTHON_VERSIONS, ids=lambda v: f"py{v}")
def test_every_locked_package_has_a_wheel(tmp_path, version, platform):
    """A resolution for that Python that refuses sdists, of every locked package."""
    needs_uv()
    union = TEMPLATE / "locks" / "union"
    requirements = tmp_path / "requirements.txt"
    exported = run(
        [
            UV,
            "export",
            "--frozen",
            "--no-emit-project",
            "--no-hashes",
            "--extra",
            "dev",
            "-o",
            requirements,
        ],
        cwd=union,
    )
    assert exported.returncode == 0, exported.stderr
    resolved = run(
        [
            UV,
            "pip",
            "compile",
            "--python-version",
            version,
            "--python-platform",
            platform,
            "--only-binary",
            ":all:",
            "--no-deps",
            requirements,
        ],
        cwd=tmp_path,
    )
    assert resolved.returncode == 0, resolved.stderr[-3000:]
