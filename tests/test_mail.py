"""A use_mail bake under gunicorn: reset and confirmation end to end over real SMTP;
under `flask run` in development, the mail printed in its terminal.

The mails go to an aiosmtpd server on loopback, sent by the web workers, or by
a real Celery worker through the local Redis; the test reads the links from the
delivered mails and follows them over HTTP as a user would.
"""

import re
import time
import urllib.parse
import urllib.request

import pytest

from tests.support.baking import bake
from tests.support.journeys import Journey
from tests.support.machine import redis_answers
from tests.support.machine import require
from tests.support.serving import celery_worker
from tests.support.serving import serve
from tests.support.smtp import smtp_inbox

pytestmark = pytest.mark.server

try:
    import redis
except ImportError:  # the Celery test then skips, or fails under CI=true
    redis = None

REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of its own, emptied first
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINKS = re.compile(r"""https?://[^\s"'<>]+""")
PASSWORD = "correct horse battery"
NEW_PASSWORD = "lunar teapot marching band"
REFUSED = "This link is invalid, has expired or was already used."


@pytest.fixture
def inbox():
    """A real SMTP server on loopback: the mails it received."""
    with smtp_inbox() as received:
        yield received


class Visitor:
    """One browser: its own cookies; forms posted with their CSRF token."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

    def get(self, path):
        """GET a page (redirects followed): its final URL and its text."""
        with self.opener.open(self.absolute(path), timeout=30) as page:
            return page.url, page.read().decode()

    def submit(self, path, **fields):
        """GET the form at `path`, then POST it with `fields` and its CSRF token."""
        _, form = self.get(path)
        fields["csrf_token"] = CSRF_TOKEN.search(form)[1]
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.absolute(path), data, timeout=30) as answer:
            return answer.url, answer.read().decode()

    def absolute(self, path):
        """A path of the site, or a link from a mail as it is."""
        return path if path.startswith("http") else self.url + path


def parts(mail):
    """The text and the HTML of a mail."""
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    return text, html


def site_link(url, mail):
    """The one link a mail gives, checked: it leads to the site, in both parts."""
    text, html = parts(mail)
    links = set(LINKS.findall(text)) | set(LINKS.findall(html))
    assert len(links) == 1, links
    [link] = links
    assert link.startswith(url + "/auth/"), link
    return link


def without_csrf(page):
    """A page's text with its CSRF token blanked: the rest must match."""
    return CSRF_TOKEN.sub("", page)


def check_reset_and_confirmation(url, inbox):
    """Register, confirm, reset a forgotten password: every step as a user takes it."""
    ada = Visitor(url)
    where, page = ada.submit(
        "/auth/register",
        email="ada@example.com",
        password=PASSWORD,
        confirm_password=PASSWORD,
    )
    # Nobody is logged in by registering: a taken address answers the same.
    assert where == f"{url}/auth/login"
    assert "We mailed a link to ada@example.com" in page
    where, page = ada.submit("/auth/login", email="ada@example.com", password=PASSWORD)
    assert where == f"{url}/auth/account"
    assert "Not confirmed yet" in page
    [(to, confirm)] = inbox.wait_for(1)
    assert to == ["ada@example.com"]
    assert confirm["From"] == "noreply@example.com"
    assert "Confirm your address" in confirm["Subject"]
    where, page = ada.get(site_link(url, confirm))
    assert where == f"{url}/auth/account"
    assert "Your address is confirmed" in page
    assert "Confirmed on" in page

    # The address is taken: the stranger is told nothing, its owner gets a mail.
    Visitor(url).submit(
        "/auth/register",
        email="ada@example.com",
        password=NEW_PASSWORD,
        confirm_password=NEW_PASSWORD,
    )
    to, taken = inbox.wait_for(2)[1]
    assert to == ["ada@example.com"]
    assert site_link(url, taken) == f"{url}/auth/reset"

    # Forgotten password: the same answer for an address without an account,
    # asked first, so that a mail to it would arrive before the next one.
    unknown_where, unknown = Visitor(url).submit(
        "/auth/reset", email="nobody@example.com"
    )
    laptop = Visitor(url)
    where, known = laptop.submit("/auth/reset", email="ada@example.com")
    assert where == unknown_where == f"{url}/auth/login"
    assert without_csrf(known) == without_csrf(unknown)
    assert "we have mailed it a link" in known
    to, reset = inbox.wait_for(3)[2]
    assert to == ["ada@example.com"]
    link = site_link(url, reset)
    assert link.startswith(f"{url}/auth/reset/")
    where, page = laptop.submit(
        link, password=NEW_PASSWORD, confirm_password=NEW_PASSWORD
    )
    assert where == f"{url}/auth/account"
    assert "Your password is changed" in page
    # The old session ended; the old password no longer opens the account.
    assert ada.get("/auth/account")[0].startswith(f"{url}/auth/login")
    where, _ = Visitor(url).submit(
        "/auth/login", email="ada@example.com", password=PASSWORD
    )
    assert where == f"{url}/auth/login"
    where, _ = Visitor(url).submit(
        "/auth/login", email="ada@example.com", password=NEW_PASSWORD
    )
    assert where == f"{url}/auth/account"
    # The link works once.
    where, page = Visitor(url).get(link)
    assert where == f"{url}/auth/reset"
    assert REFUSED in page
    assert [to for to, _ in inbox.mails] == [["ada@example.com"]] * 3


def mail_env(inbox):
    """The settings of the baked project that point it at the test's SMTP server."""
    return {
        "FLASK_MAIL_SERVER": "127.0.0.1",
        "FLASK_MAIL_PORT": str(inbox.port),
        "FLASK_MAIL_DEFAULT_SENDER": "noreply@example.com",
        # Plain HTTP on loopback: let the client send the session cookie back.
        "FLASK_SESSION_COOKIE_SECURE": "false",
        "FLASK_PREFERRED_URL_SCHEME": "http",
    }


@pytest.mark.xdist_group("serving")
def test_reset_and_confirmation_over_smtp(tmp_path, inbox):
    project = bake(tmp_path, use_mail=True)
    with serve(project, tmp_path, server_name=True, **mail_env(inbox)) as url:
        started = time.perf_counter()
        check_reset_and_confirmation(url, inbox)
        print(f"mail journey, sent by gunicorn: {time.perf_counter() - started:.2f} s")


@pytest.mark.xdist_group("serving")
def test_reset_and_confirmation_sent_by_a_celery_worker(tmp_path, inbox):
    require(redis_answers(REDIS_URL), "no Redis server answers on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).flushdb()
    project = bake(tmp_path, use_mail=True, use_celery=True)
    env = {
        **mail_env(inbox),
        "REDIS_URL": REDIS_URL,
        "FLASK_SECRET_KEY": "mail-worker-test-secret-key-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite'}",
        # Production needs one in every process; serve() names its own port.
        "FLASK_SERVER_NAME": "127.0.0.1",
    }
    with (
        celery_worker(project, tmp_path, **env) as log,
        serve(project, tmp_path, server_name=True, **env) as url,
    ):
        started = time.perf_counter()
        check_reset_and_confirmation(url, inbox)
        elapsed = time.perf_counter() - started
        print(f"mail journey, sent by a Celery worker: {elapsed:.2f} s")
    worker_log = log.read_text()
    assert worker_log.count("my_flask_app.tasks.deliver_mail") >= 3, worker_log[-3000:]
    assert "succeeded" in worker_log


def test_development_mail_shows_where_flask_run_runs(tmp_path):
    # As the README says: in development the mail is printed in the terminal of
    # `flask run`, with Celery too, whether a worker runs or not (none does here).
    require(redis_answers(REDIS_URL), "no Redis server answers on 127.0.0.1:6379")
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    project = bake(tmp_path, use_mail=True, use_celery=True, project_slug="devmail")
    journey = Journey(project, "")
    journey.env["REDIS_URL"] = REDIS_URL
    journey.sh("cp .env.example .env && flask db upgrade")
    with journey.serving("flask run --debug") as url:
        visitor = Visitor(url)
        page, _ = visitor.submit(
            "/auth/register",
            email="ada@example.com",
            password=PASSWORD,
            confirm_password=PASSWORD,
        )
        # Registering logs no one in with mail on (a taken address answers the
        # same): the new user is sent to log in, after the confirmation mail.
        assert page.endswith("/auth/login"), page
    (log,) = tmp_path.glob("server-*.log")
    terminal = log.read_text()
    assert "To: ada@example.com" in terminal, terminal[-3000:]
    assert re.search(r"Subject: Confirm your address", terminal), terminal[-3000:]
    assert "Could not queue" not in terminal
    assert queue.llen("celery") == 0  # nothing left waiting for a worker
