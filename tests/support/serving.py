"""Serve a baked project the way production does: gunicorn on a loopback port."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request

from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.machine import run


def wait_until_up(url, process, log, attempts=100):
    """Poll `url` until it answers 200; fail with the server log if it never does."""
    for _ in range(attempts):
        if process.poll() is not None:
            break
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=5) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"the server did not come up:\n{log.read_text()[-3000:]}")


def stop(process, timeout):
    """Ask `process` to end (SIGTERM); kill it if it has not within `timeout` s."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def serve(project, workdir, server_name=False, **extra_env):
    """Serve `project` with gunicorn in production mode on a free loopback port.

    With `server_name`, FLASK_SERVER_NAME names that port: the address that
    links in mails give (use_mail).
    """
    env = {
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{workdir / 'browser.sqlite'}",
        "WEB_CONCURRENCY": "2",
        **extra_env,
    }
    # gunicorn inherits an already listening socket: no race for the port. It is
    # closed here once gunicorn has it, or when the migrations before it fail.
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        if server_name:
            env["FLASK_SERVER_NAME"] = url.removeprefix("http://")
        if any(project.glob("*/migrations/env.py")):  # the package's migrations
            upgrade = run([PYTHON, "-m", "flask", "db", "upgrade"], cwd=project, **env)
            assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
        log = workdir / "gunicorn.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--bind", f"fd://{listener.fileno()}"],
                cwd=project,
                env=clean_env(**env),
                pass_fds=[listener.fileno()],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
    try:
        wait_until_up(url + "/healthz", process, log)
        yield url
    finally:
        stop(process, timeout=30)


@contextlib.contextmanager
def celery_worker(project, workdir, **env):
    """Run the project's Celery worker, as its README starts one, until the block ends.

    Yields the worker's log file. On leaving, the worker gets SIGTERM (a warm
    shutdown) and must exit 0.
    """
    log = workdir / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                *(PYTHON, "-m", "celery", "-A", f"{project.name}.tasks", "worker"),
                *("--pool", "solo", "--without-gossip", "--without-mingle"),
                *("--loglevel", "INFO"),
            ],
            cwd=project,
            env=clean_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield log
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            code = worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            code = worker.wait()
        assert code == 0, log.read_text()[-3000:]


@contextlib.contextmanager
def haproxy(backend_url, workdir):
    """Run HAProxy on loopback in front of `backend_url`; yield its own URL.

    It forwards every header a client sends, adds X-Forwarded-For (option
    forwardfor), as a load balancer configured by its documentation does.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # HAProxy binds the port itself: a short race, retried below
    backend = backend_url.removeprefix("http://")
    config = workdir / "haproxy.cfg"
    config.write_text(
        f"""global
    maxconn 256

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    option forwardfor

frontend www
    bind 127.0.0.1:{port}
    default_backend app

backend app
    server app {backend}
"""
    )
    log = workdir / "haproxy.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/healthz", process, log)
        yield url
    finally:
        stop(process, timeout=10)
