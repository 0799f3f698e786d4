"""Baked projects pass bandit; gunicorn keeps serving under load and without a DB."""

import collections
import contextlib
import importlib.util
import json
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.baking import bake
from tests.support.database_servers import SERVERS
from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.machine import require
from tests.support.machine import run

BANDIT_BAKES = [
    pytest.param({}, id="all-sqlite"),
    pytest.param(
        {"use_api": True, "use_celery": True, "use_mail": True}, id="api-celery-mail"
    ),
    pytest.param({"database": "postgresql", "use_migrate": False}, id="db-login-pg"),
    pytest.param({"database": "mysql", "use_login": False}, id="db-migrate-wtf-mysql"),
    pytest.param(
        {"use_sqlalchemy": False, "use_migrate": False, "use_login": False},
        id="wtf-only",
    ),
    pytest.param(
        dict(use_sqlalchemy=False, use_migrate=False, use_login=False, use_wtf=False),
        id="bare",
    ),
]
POSTGRES = ("127.0.0.1", 5432)
THREADS = 8
REQUESTS_PER_THREAD = 100


@pytest.mark.parametrize("extra_context", BANDIT_BAKES)
def test_bandit_finds_no_medium_or_high_issue(tmp_path, extra_context):
    require(importlib.util.find_spec("bandit"), "bandit is not installed")
    project = bake(tmp_path, **extra_context)
    scan = subprocess.run(
        [PYTHON, "-m", "bandit", "-r", ".", "-ll", "-q", "-f", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(scan.stdout)
    assert report["results"] == [], report["results"]
    assert report["metrics"]["_totals"]["loc"] > 100
    assert scan.returncode == 0, scan.stderr


def answers(port):
    """Listening on 127.0.0.1:`port`, or not."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


class FlakyProxy:
    """A loopback TCP proxy to the database that can cut and refuse connections."""

    def __init__(self, target):
        self.target = target
        self.up = True
        self.lock = threading.Lock()
        self.sockets = set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pipe, args=(source, sink), daemon=True
                ).start()

    def _pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        source.close()

    def down(self):
        """Cut every open connection and refuse new ones: the database is gone."""
        self.up = False
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self.sockets.clear()

    def close(self):
        """Stop listening and cut everything."""
        self.down()
        self.listener.close()


def status(url):
    """The HTTP status of GET `url`, or the name of the error."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return type(error).__name__


def load(base, paths):
    """GET each path THREADS x REQUESTS_PER_THREAD times; count the outcomes."""

    def worker(_):
        return [
            (p, status(base + p)) for _ in range(REQUESTS_PER_THREAD) for p in paths
        ]

    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = [o for batch in pool.map(worker, range(THREADS)) for o in batch]
    seconds = time.monotonic() - started
    counts = collections.Counter(outcomes)
    print(f"{len(outcomes)} requests in {seconds:.1f} s: {counts}")
    return counts


@pytest.fixture
def served(tmp_path):
    """A PostgreSQL project served by gunicorn on loopback, behind a flaky proxy."""
    with contextlib.ExitStack() as stack:
        yield from serve_behind_a_proxy(tmp_path, stack)


def serve_behind_a_proxy(tmp_path, stack):
    """Migrate a fresh database, then serve the project through a FlakyProxy."""
    require(answers(POSTGRES[1]), "no PostgreSQL server on 127.0.0.1:5432")
    require(importlib.util.find_spec("gunicorn"), "gunicorn is not installed")
    project = bake(tmp_path, database="postgresql")
    database = stack.enter_context(SERVERS["postgresql"].fresh_database())
    secret_key = "0123456789abcdef" * 4
    upgrade = run(
        [PYTHON, "-m", "flask", "db", "upgrade"],
        cwd=project,
        DATABASE_URL=SERVERS["postgresql"].url(database),
        FLASK_SECRET_KEY=secret_key,
    )
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr  # /readyz: ready
    proxy = FlakyProxy(POSTGRES)
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"],
        cwd=project,
        env=clean_env(
            WEB_CONCURRENCY="2",
            FLASK_SECRET_KEY=secret_key,
            DATABASE_URL=f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}",
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            if server.poll() is not None or answers(port):
                break
            time.sleep(0.1)
        assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
        yield f"http://127.0.0.1:{port}", proxy
    finally:
        server.terminate()
        server.wait(timeout=60)
        proxy.close()
        log.close()


@pytest.mark.server
def test_server_keeps_serving_under_load_and_without_its_database(served):
    base, proxy = served
    up = load(base, ["/healthz", "/readyz"])
    assert dict(up) == {
        ("/healthz", 200): THREADS * REQUESTS_PER_THREAD,
        ("/readyz", 200): THREADS * REQUESTS_PER_THREAD,
    }
    proxy.down()
    down = load(base, ["/healthz", "/readyz", "/"])
    assert down[("/healthz", 200)] == THREADS * REQUESTS_PER_THREAD
    assert down[("/readyz", 503)] == THREADS * REQUESTS_PER_THREAD
    # The home page needs the database: a 503 page, not a 500, while it is away.
    assert down[("/", 503)] == THREADS * REQUESTS_PER_THREAD
    proxy.up = True
    assert status(base + "/readyz") == 200
