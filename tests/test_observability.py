"""A baked project's signals, end to end: logs, metrics, traces and error reports.

One bake with use_observability (SQLite, login, the API), served in production by
gunicorn with its own gunicorn.conf.py and three worker processes (the login
limits in Redis, so the workers may be separate processes). Its traces go to an
OTLP/HTTP receiver and its errors to a Sentry endpoint, both run by the test on
loopback (tests/receivers.py); its metrics are scraped where gunicorn.conf.py
serves them, METRICS_BIND.
"""

import contextlib
import http.client
import json
import os
import re
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import http_client
from tests.support.baking import bake
from tests.support.database_servers import SERVERS
from tests.support.machine import PYTHON
from tests.support.machine import free_port
from tests.support.machine import redis_answers
from tests.support.machine import require
from tests.support.machine import run
from tests.support.receivers import otlp_receiver
from tests.support.receivers import sentry_receiver
from tests.support.serving import celery_worker
from tests.support.serving import serve
from tests.support.smtp import smtp_inbox

try:
    import redis
except ImportError:  # the test then skips, or fails under CI=true
    redis = None

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("serving")]

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied first
CELERY_REDIS_URL = "redis://127.0.0.1:6379/9"  # the Celery variant's queue
WORKERS = 3
NEW_ID = re.compile(r"^[0-9a-f]{32}$")
PASSWORD = "violet harbour seven lanterns"
# An address a proxy would put in X-Forwarded-For: it must reach no signal.
CLIENT_ADDRESS = "203.0.113.77"
FLASK_SCOPE = "opentelemetry.instrumentation.flask"
SERVER, CLIENT = 2, 3  # OTLP's Span.SpanKind values


class Browser(http_client.Browser):
    """One client with its cookies, from the default loopback address."""

    def sign_up(self, email):
        """Register `email` (which logs it in), log out, and log in again."""
        fields = {"email": email, "password": PASSWORD, "confirm_password": PASSWORD}
        assert self.submit("/auth/register", **fields)[0] == 302
        self.logout()
        assert self.submit("/auth/login", email=email, password=PASSWORD)[0] == 302


class Site:
    """The served project and what the test can see of it."""

    def __init__(self, url, project, workdir, env, otlp, sentry):
        self.url = url
        self.project = project
        self.workdir = workdir
        self.env = env
        self.otlp = otlp
        self.sentry = sentry
        self.metrics_url = f"http://{env['METRICS_BIND']}/metrics"

    def log_lines(self):
        """The lines gunicorn wrote (standard output and error, in one file)."""
        return (self.workdir / "gunicorn.log").read_text().splitlines()

    def records(self):
        """The log lines that are JSON objects, as dicts."""
        return json_records((self.workdir / "gunicorn.log").read_text())

    def request_records(self, request_id):
        """The request log records of the request with `request_id`."""
        return [
            record
            for record in self.records()
            if record.get("request_id") == request_id
            and record.get("logger") == f"{self.project.name}.request"
        ]

    def query(self, sql, *params):
        """Run `sql` in the served project's SQLite database; return its rows."""
        database = self.env["DATABASE_URL"].removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(database)) as connection:
            rows = connection.execute(sql, params).fetchall()
            connection.commit()
            return rows

    def scrape(self):
        """http_requests_total per (method, endpoint, status), from METRICS_BIND."""
        labels = ("method", "endpoint", "status")
        return scrape(self.env["METRICS_BIND"], "http_requests_total", labels)

    def workers(self):
        """Process ids of the gunicorn workers serving now."""
        master = gunicorn_master(self.project)
        children = Path(f"/proc/{master}/task/{master}/children").read_text()
        return set(map(int, children.split()))


def scrape(bind, name, labels):
    """Samples `name` at http://`bind`/metrics: {values of `labels`: value}."""
    host, port = bind.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", "/metrics")
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    assert response.status == 200, text
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                key = tuple(sample.labels[label] for label in labels)
                samples[key] = samples.get(key, 0) + sample.value
    return samples


def gunicorn_master(project):
    """The pid of the gunicorn that serve() started for `project` (our child)."""
    me = os.getpid()
    children = {
        int(pid)
        for task in Path(f"/proc/{me}/task").iterdir()
        for pid in (task / "children").read_text().split()
    }
    for pid in children:
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if cwd == str(project) and b"gunicorn" in command:
            return pid
    raise AssertionError(f"no gunicorn of {project} among {children}")


def is_query(found):
    """True for a (resource, scope, span) that is a database client span.

    Known by OpenTelemetry's database attributes (the stable `db.system.name` or
    the older `db.system`), whichever instrumentation made it.
    """
    _, _, span = found
    names = {pair.key for pair in span.attributes}
    return span.kind == CLIENT and bool({"db.system.name", "db.system"} & names)


def statement(span):
    """The SQL text a database span records (`db.query.text` or `db.statement`)."""
    for pair in span.attributes:
        if pair.key in ("db.query.text", "db.statement"):
            return pair.value.string_value
    return ""


def wait(condition, timeout=30, what="condition"):
    """Poll `condition()` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The one bake, its gunicorn and the receivers that every test here shares."""
    require(redis_answers(REDIS_URL), "no Redis server answers on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).flushdb()
    workdir = tmp_path_factory.mktemp("observability")
    project = bake(workdir, use_observability=True, use_api=True)
    with otlp_receiver() as otlp, sentry_receiver() as sentry:
        env = {
            "WEB_CONCURRENCY": str(WORKERS),
            # Limits counted in Redis: gunicorn.conf.py then runs separate workers.
            "FLASK_RATELIMIT_STORAGE_URI": REDIS_URL,
            "METRICS_BIND": f"127.0.0.1:{free_port()}",
            "OTEL_EXPORTER_OTLP_ENDPOINT": otlp.url,
            # Spans leave each worker within 0.2 s instead of the default 5 s.
            "OTEL_BSP_SCHEDULE_DELAY": "200",
            "SENTRY_DSN": sentry.dsn(),
            # Plain HTTP on loopback: let the client send its cookies back.
            "FLASK_SESSION_COOKIE_SECURE": "false",
        }
        with serve(project, workdir, **env) as url:
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'browser.sqlite'}"
            yield Site(url, project, workdir, env, otlp, sentry)


def test_request_counts_are_exact_across_workers_and_a_killed_worker(site):
    def get_home(_):
        return Browser(site.url).request("GET", "/")[0]

    def home_count():
        return site.scrape().get(("GET", "main.index", "200"), 0)

    before = home_count()
    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(get_home, range(60))) == {200}
    assert home_count() == before + 60
    # Each worker that counted has its own file of values open.
    original = site.workers()
    assert len(original) == WORKERS
    counted = [
        pid for pid in original if "counter_" in Path(f"/proc/{pid}/maps").read_text()
    ]
    assert len(counted) >= 2, counted
    # Every worker killed without a chance to clean up, one after another: what
    # each counted stays in the total, and the replacements count on.
    for pid in original:
        os.kill(pid, signal.SIGKILL)
        wait(
            lambda pid=pid: len(site.workers() - {pid}) == WORKERS,
            what=f"a worker in place of {pid}",
        )
    assert not site.workers() & original
    assert home_count() == before + 60
    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(get_home, range(30))) == {200}
    assert home_count() == before + 90
    # The public port does not serve the metrics.
    assert Browser(site.url).request("GET", "/metrics")[0] == 404
    assert site.scrape().get(("GET", "none", "404"), 0) >= 1


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("trace.id:42_A-b", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("has space", False),
        ("<script>", False),
        ("", False),
    ],
    ids=["plain", "every-symbol", "128-long", "129-long", "space", "markup", "empty"],
)
def test_request_ids_are_kept_or_replaced_and_logged_with_the_status(site, sent, kept):
    for path, status in (("/", 200), ("/no-such-page", 404)):
        answer, headers, _ = Browser(site.url).request(
            "GET", path, headers={"X-Request-ID": sent}
        )
        assert answer == status
        request_id = headers["X-Request-ID"]
        if kept:
            assert request_id == sent
        else:
            assert NEW_ID.match(request_id), request_id
        [record] = wait(
            lambda request_id=request_id, path=path: [
                record
                for record in site.request_records(request_id)
                if record["path"] == path
            ],
            what=f"the request log record of {request_id}",
        )
        assert record["message"] == "request"
        assert (record["method"], record["status"]) == ("GET", status)
        assert isinstance(record["duration_ms"], float)
        assert record["level"] in ("INFO", "info")
        assert "user_id" not in record


def test_a_logged_in_request_logs_the_user_id_and_the_path_alone(site):
    browser = Browser(site.url)
    browser.sign_up("logged@example.com")
    status, headers, _ = browser.request("GET", "/auth/account?token=query-secret")
    assert status == 200
    [record] = wait(lambda: site.request_records(headers["X-Request-ID"]))
    # The user's id, not what Flask-Login keeps in the cookie (a login's token).
    [(user_id,)] = site.query(
        "SELECT id FROM users WHERE email = ?", "logged@example.com"
    )
    assert str(record["user_id"]) == str(user_id), record
    assert record["path"] == "/auth/account"
    assert "query-secret" not in "\n".join(site.log_lines())


def test_every_log_line_is_one_json_record(site):
    Browser(site.url).request("GET", "/")
    lines = [line for line in site.log_lines() if line.strip()]
    assert lines
    for line in lines:
        record = json.loads(line)
        assert {"timestamp", "level", "logger", "message"} <= record.keys(), line
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", record["timestamp"]), line
    # gunicorn's own records go through the same formatter.
    assert any(r["logger"].startswith("gunicorn") for r in map(json.loads, lines))


def test_a_request_reading_the_database_is_one_trace_flask_and_sqlalchemy(site):
    request_id = "trace-me-1"
    status, _, _ = Browser(site.url).request(
        "GET", "/", headers={"X-Request-ID": request_id}
    )
    assert status == 200
    [record] = wait(lambda: site.request_records(request_id))
    trace_id = record["trace_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", trace_id), record
    assert re.fullmatch(r"[0-9a-f]{16}", record["span_id"]), record

    def spans_of_the_trace():
        spans = [
            (resource, scope, span)
            for resource, scope, span in site.otlp.spans()
            if span.trace_id.hex() == trace_id
        ]
        flask = [s for s in spans if s[1] == FLASK_SCOPE]
        return spans if flask and any(map(is_query, spans)) else None

    spans = site.otlp.wait_for(spans_of_the_trace)
    [(resource, _, flask)] = [s for s in spans if s[1] == FLASK_SCOPE]
    queries = [span for _, _, span in filter(is_query, spans)]
    assert flask.kind == SERVER
    assert flask.name == "GET /"
    assert resource["service.name"] == site.project.name
    # The queries ran inside the request: their parent chain reaches its span.
    parents = {span.span_id: span.parent_span_id for _, _, span in spans}
    for query in queries:
        ancestor = query.parent_span_id
        while ancestor and ancestor != flask.span_id:
            ancestor = parents.get(ancestor)
        assert ancestor == flask.span_id, query
    statements = [statement(query) for query in queries]
    assert any("FROM messages" in text for text in statements), statements


def test_an_error_reaches_sentry_without_personal_data(site):
    email = "sentry-user@example.com"
    browser = Browser(site.url)
    browser.sign_up(email)
    # The home page's table gone for a moment: a real error in a real query, which
    # the app logs ("Database unavailable") and answers with 503.
    site.query("ALTER TABLE messages RENAME TO messages_away")
    try:
        status, headers, _ = browser.request(
            "GET",
            "/",
            headers={
                "X-Request-ID": "sentry-1",
                "X-Forwarded-For": CLIENT_ADDRESS,
                "Authorization": "Bearer not-a-real-token",
            },
        )
    finally:
        site.query("ALTER TABLE messages_away RENAME TO messages")
    assert status == 503
    assert headers["X-Request-ID"] == "sentry-1"

    def error_events():
        return [
            event
            for event in site.sentry.events()
            if event.get("level") == "error" and "messages" in json.dumps(event)
        ]

    events = site.sentry.wait_for(error_events)
    raw = site.sentry.raw().decode("utf-8", "replace")
    logins = [login for (login,) in site.query("SELECT id FROM user_sessions")]
    for secret in (email, PASSWORD, CLIENT_ADDRESS, "not-a-real-token", *logins):
        assert secret not in raw, secret
    for value in browser.cookies.values():
        assert value not in raw
    for event in events:
        assert event["environment"] == "production"
        assert "0.1.0" in event["release"]
        assert not {"ip_address", "email"} & event.get("user", {}).keys(), event
        request = event.get("request", {})
        assert "cookies" not in request, request
        sent = {name.lower() for name in request.get("headers", {})}
        assert not {"cookie", "authorization", "x-forwarded-for"} & sent, request
        assert "REMOTE_ADDR" not in request.get("env", {}), request
    # The error's request log record has its status and id.
    [record] = wait(lambda: site.request_records("sentry-1"))
    assert record["status"] == 503


def test_no_secret_sent_appears_in_any_log_line(site):
    email = "secrets@example.com"
    browser = Browser(site.url)
    browser.sign_up(email)
    created = run(
        [PYTHON, "-m", "flask", "api", "create-token", email],
        cwd=site.project,
        FLASK_SECRET_KEY="0123456789abcdef" * 4,
        **site.env,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    note = '{"title": "a note"}'
    as_json = {"Content-Type": "application/json"}
    bearer = {"Authorization": f"Bearer {token}", **as_json}
    assert Browser(site.url).request("POST", "/api/v1/notes", note, bearer)[0] == 201
    wrong = {"Authorization": "Bearer wrong-token-value", **as_json}
    assert Browser(site.url).request("POST", "/api/v1/notes", note, wrong)[0] == 401
    # A failed login sends the password too.
    failed = Browser(site.url).submit(
        "/auth/login", email=email, password=PASSWORD + " typo"
    )
    assert failed[0] == 200
    # The logins' own ids are tokens too: the session cookie carries one, signed.
    logins = [login for (login,) in site.query("SELECT id FROM user_sessions")]
    assert logins
    secrets = [PASSWORD, token, "wrong-token-value", *browser.cookies.values(), *logins]
    wait(lambda: site.request_records(failed[1]["X-Request-ID"]))
    log = "\n".join(site.log_lines())
    assert email not in log  # the request record names the user by id alone
    for secret in secrets:
        assert secret not in log, secret
    # Nor in the spans sent out.
    spans = "\n".join(str(span) for _, _, span in site.otlp.spans())
    for secret in secrets:
        assert secret not in spans, secret


def json_records(text):
    """The lines of `text` that are JSON objects, as dicts."""
    found = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            found.append(record)
    return found


def test_a_task_started_by_a_request_logs_the_request_id(tmp_path):
    require(redis_answers(CELERY_REDIS_URL), "no Redis server answers on 127.0.0.1")
    postgresql = SERVERS["postgresql"]
    require(not postgresql.problem(), postgresql.problem())
    redis.Redis.from_url(CELERY_REDIS_URL).flushdb()
    project = bake(
        tmp_path,
        use_observability=True,
        use_celery=True,
        use_mail=True,
        database="postgresql",
    )
    with postgresql.fresh_database() as name, smtp_inbox() as inbox:
        env = {
            "DATABASE_URL": postgresql.url(name),
            "REDIS_URL": CELERY_REDIS_URL,
            "FLASK_SECRET_KEY": "observed-worker-secret-key-0123456789",
            "FLASK_MAIL_SERVER": "127.0.0.1",
            "FLASK_MAIL_PORT": str(inbox.port),
            "FLASK_MAIL_DEFAULT_SENDER": "noreply@example.com",
            # Production needs one in every process; serve() names its own port.
            "FLASK_SERVER_NAME": "127.0.0.1",
            "WEB_CONCURRENCY": str(WORKERS),
        }
        # The web app and the worker each serve their metrics on a port of their own;
        # the worker's counts need a folder for its processes, as its README says.
        web_metrics, worker_metrics = (f"127.0.0.1:{free_port()}" for _ in range(2))
        counts = tmp_path / "worker-metrics"
        counts.mkdir()
        worker_env = {
            "METRICS_BIND": worker_metrics,
            "PROMETHEUS_MULTIPROC_DIR": str(counts),
        }
        with (
            celery_worker(project, tmp_path, **env, **worker_env) as log,
            serve(
                project, tmp_path, server_name=True, **env, METRICS_BIND=web_metrics
            ) as url,
        ):
            # Registering mails a confirmation link: a task for the worker.
            status, headers, _ = Browser(url).submit(
                "/auth/register",
                headers={"X-Request-ID": "celery-req-1"},
                email="worker@example.com",
                password=PASSWORD,
                confirm_password=PASSWORD,
            )
            assert status == 302
            assert headers["X-Request-ID"] == "celery-req-1"
            inbox.wait_for(1)
            records = wait(
                lambda: [
                    record
                    for record in json_records(log.read_text())
                    if record.get("request_id") == "celery-req-1"
                ],
                what="a worker record with the request's id",
            )
            task = "my_flask_app.tasks.deliver_mail"
            tasks = ("celery_tasks_total", ("task", "state"))
            sent = scrape(web_metrics, *tasks)
            assert sent.get((task, "sent")) == 1, sent
            succeeded = wait(
                lambda: scrape(worker_metrics, *tasks).get((task, "succeeded")),
                what="the task counted by the worker",
            )
            assert succeeded == 1
    assert any("deliver_mail" in json.dumps(record) for record in records), records
    web = json_records((tmp_path / "gunicorn.log").read_text())
    assert any(r.get("request_id") == "celery-req-1" for r in web)
    # The worker's own records are JSON too.
    assert all(
        {"timestamp", "level", "logger", "message"} <= record.keys()
        for record in json_records(log.read_text())
    )
