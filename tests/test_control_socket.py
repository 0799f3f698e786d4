"""gunicorn's control socket is off unless the project names a path of its own.

gunicorn's default path is one per user (~/.gunicorn/gunicorn.ctl, or
$XDG_RUNTIME_DIR/gunicorn.ctl): two projects of one user would share it, and the
second one stopping would delete the first one's socket.
"""

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.baking import bake
from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.serving import serve

pytestmark = pytest.mark.server

LEAN = {
    "use_sqlalchemy": False,
    "use_migrate": False,
    "use_login": False,
    "use_wtf": False,
    "use_debugtoolbar": False,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project without a database: gunicorn's settings do not depend on one."""
    return bake(tmp_path_factory.mktemp("bake"), **LEAN)


def homes(tmp_path):
    """An empty HOME and XDG_RUNTIME_DIR: where gunicorn's default socket goes."""
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir()
    return {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}


def test_no_control_socket_by_default(project, tmp_path):
    env = homes(tmp_path)
    with serve(project, tmp_path, **env):
        left = [path for folder in env.values() for path in Path(folder).rglob("*")]
        assert left == []
    assert "control socket" not in (tmp_path / "gunicorn.log").read_text().lower()


def test_control_socket_at_the_projects_own_path(project, tmp_path):
    socket = tmp_path / "app.ctl"
    env = {**homes(tmp_path), "GUNICORN_CONTROL_SOCKET": str(socket)}
    with serve(project, tmp_path, **env):
        # gunicorn opens it once its first workers are started, after they answer.
        deadline = time.monotonic() + 30
        while not socket.is_socket() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert socket.is_socket(), (tmp_path / "gunicorn.log").read_text()
        shown = subprocess.run(
            [PYTHON, "-m", "gunicorn.ctl.cli", "-s", str(socket)]
            + ["-c", "show workers", "-j"],
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert json.loads(shown.stdout)["count"] == 2  # WEB_CONCURRENCY of serve()
        assert not list((tmp_path / "home").iterdir())
    assert not socket.exists()
