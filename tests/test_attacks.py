"""Attacks on a baked mail + API project as deployed: gunicorn behind HAProxy.

One bake (login, mail, API), served in production by gunicorn with its shipped
gunicorn.conf.py and FLASK_PROXY_HOPS=1, behind one HAProxy that passes on
whatever headers a client sends; mails go to an SMTP server on loopback.
Clients connect from distinct loopback addresses (127.0.0.0/8 is all local), so
limits per client address count as they would on the Internet.
"""

import re
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support import http_client
from tests.support.baking import bake
from tests.support.machine import PYTHON
from tests.support.machine import require
from tests.support.machine import run
from tests.support.serving import haproxy
from tests.support.serving import serve
from tests.support.smtp import smtp_inbox

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("serving")]

SITE = "https://site.example"
LINKS = re.compile(r"""https?://[^\s"'<>]+""")
PASSWORD = "lunar teapot marching band"
# zxcvbn's slowest input: many distinct l33t symbols (3 s of CPU at 72 characters
# before its input was bounded).
L33T_WORST = ("4@8({[<3&6!1|7+0$5%2" * 4)[:72]
# What an attacker can send: every forwarded header Werkzeug's ProxyFix reads,
# RFC 7239's Forwarded, Host, and SCRIPT_NAME (gunicorn maps it from a proxy it
# trusts, and HAProxy on loopback is one). One at a time, then all together.
FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "http",
    "X-Forwarded-Port": "6666",
    "X-Forwarded-Prefix": "@evil.example",
    "X-Forwarded-For": "203.0.113.9, 198.51.100.7",
    "Forwarded": 'for=203.0.113.9;host=evil.example;proto=http, for="[2001:db8::1]"',
    "SCRIPT_NAME": "/.evil.example",
}
VARIANTS = [{name: value} for name, value in FORGED.items()] + [FORGED]
HOSTILE_JSON = [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    '{"title": ' + "9" * 5_000 + "}",
]
addresses = iter(range(2, 250))


class Browser(http_client.Browser):
    """One client from a loopback address of its own, so limits count it apart."""

    def __init__(self, url):
        super().__init__(url, address=f"127.0.0.{next(addresses)}")

    def register(self, email, password=PASSWORD, headers=None):
        """Register `email`; return the status of the POST."""
        return self.submit(
            "/auth/register",
            headers,
            email=email,
            password=password,
            confirm_password=password,
        )[0]

    def login(self, email, password=PASSWORD):
        """Log in; return the status of the POST (302 logged in, 200 refused)."""
        return self.submit("/auth/login", email=email, password=password)[0]


class Site:
    """The served project: its proxied URL, the inbox, the project and its env."""

    def __init__(self, url, inbox, project, env, log):
        self.url = url
        self.inbox = inbox
        self.project = project
        self.env = env
        self.log = log

    def browser(self):
        """A new client, from a loopback address of its own."""
        return Browser(self.url)

    def mails_to(self, address):
        """The mails delivered to `address` so far."""
        return [mail for to, mail in self.inbox.mails if address in to]

    def link(self, mail):
        """The one link of a mail, the same in its text and HTML parts."""
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        links = set(LINKS.findall(text)) | set(LINKS.findall(html))
        assert len(links) == 1, links
        return links.pop()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The one bake, gunicorn, HAProxy and SMTP server that every attack shares."""
    require(shutil.which("haproxy"), "haproxy is not installed")
    workdir = tmp_path_factory.mktemp("attacks")
    project = bake(workdir, use_mail=True, use_api=True)
    with smtp_inbox() as inbox:
        env = {
            "FLASK_SERVER_NAME": "site.example",
            "FLASK_PREFERRED_URL_SCHEME": "https",
            "FLASK_PROXY_HOPS": "1",
            "FLASK_MAIL_SERVER": "127.0.0.1",
            "FLASK_MAIL_PORT": str(inbox.port),
            # Plain HTTP on loopback: let the clients send their cookies back.
            "FLASK_SESSION_COOKIE_SECURE": "false",
            # gunicorn.conf.py's default on 2 CPUs (2 x CPUs + 1).
            "WEB_CONCURRENCY": "5",
        }
        with (
            serve(project, workdir, **env) as app_url,
            haproxy(app_url, workdir) as url,
        ):
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'browser.sqlite'}"
            yield Site(url, inbox, project, env, workdir / "gunicorn.log")


def test_mailed_links_ignore_every_forwarded_header(site):
    for number, headers in enumerate(VARIANTS):
        email = f"forged{number}@example.com"
        assert site.browser().register(email, headers=headers) == 302, headers
        # Sent from the request: delivered before the answer.
        [mail] = site.mails_to(email)
        assert site.link(mail).startswith(f"{SITE}/auth/confirm/"), headers
    # A reset, and "someone tried to register your address", with all of them.
    owner = "forged0@example.com"
    status, _, _ = site.browser().submit("/auth/reset", FORGED, email=owner)
    assert status == 302
    assert site.browser().register(owner, headers=FORGED) == 302
    _, reset, registered = site.mails_to(owner)
    assert site.link(reset).startswith(f"{SITE}/auth/reset/")
    assert site.link(registered) == f"{SITE}/auth/reset"
    for mail in site.mails_to(owner):
        assert "evil" not in mail.as_string()


def test_a_burst_of_worst_case_passwords_leaves_healthz_answering(site):
    delays, done = [], threading.Event()

    def probe():
        prober = site.browser()
        while not done.is_set():
            started = time.monotonic()
            status, _, _ = prober.request("GET", "/healthz")
            delays.append((status, time.monotonic() - started))
            time.sleep(0.05)

    def attack(number):
        # The confirmation differs: the form is refused after the strength check,
        # so each POST costs that check alone (no hash, no mail).
        attacker = site.browser()
        return [
            attacker.submit(
                "/auth/register",
                email=f"burst{number}@example.com",
                password=L33T_WORST,
                confirm_password=L33T_WORST[::-1],
            )[0]
            for _ in range(3)
        ]

    watcher = threading.Thread(target=probe)
    watcher.start()
    try:
        with ThreadPoolExecutor(10) as pool:
            statuses = [s for burst in pool.map(attack, range(10)) for s in burst]
    finally:
        done.set()
        watcher.join()
    assert set(statuses) == {200}, statuses
    slowest = max(delay for _, delay in delays)
    print(f"/healthz during the burst: {len(delays)} probes, slowest {slowest:.3f} s")
    assert {status for status, _ in delays} == {200}
    assert slowest < 1.0, delays


def test_registering_a_taken_address_answers_as_a_new_one(site):
    answers = []
    for email in ("first@example.com", "First@Example.com", "second@example.com"):
        visitor = site.browser()
        status, headers, _ = visitor.submit(
            "/auth/register", email=email, password=PASSWORD, confirm_password=PASSWORD
        )
        _, _, page = visitor.request("GET", headers["Location"])
        cookies = sorted(visitor.cookies)
        answers.append(
            (status, headers["Location"], cookies, http_client.CSRF_TOKEN.sub("", page))
        )
    new, taken, other = answers
    assert taken == new
    assert other[:3] == new[:3]
    assert new[1] == "/auth/login"
    # The owner of the taken address hears of it, with a link to reset.
    _, registered = site.mails_to("first@example.com")
    assert site.link(registered) == f"{SITE}/auth/reset"


def test_login_limit_per_client_holds_with_the_default_workers(site):
    attacker = site.browser()
    statuses = [
        attacker.login(f"nobody{number}@example.com", "wrong password")
        for number in range(12)
    ]
    # LOGIN_RATE_LIMIT, 10 per minute: every process counts in one place.
    assert statuses == [200] * 10 + [429] * 2


def test_guesses_at_one_account_are_limited_from_many_addresses(site):
    owner = site.browser()
    assert owner.register("target@example.com") == 302
    assert owner.login("target@example.com") == 302  # a known device from now on
    owner.logout()
    statuses = [
        site.browser().login("target@example.com", f"guess {number}")
        for number in range(12)
    ]
    # ACCOUNT_LOGIN_RATE_LIMIT, 10 per hour, whichever addresses guess.
    assert statuses == [200] * 10 + [429] * 2
    assert site.browser().login("target@example.com") == 429
    # The owner's browser is exempt: the attack cannot lock them out.
    assert owner.login("target@example.com") == 302


def test_mails_to_one_address_are_limited_from_many_addresses(site):
    assert site.browser().register("inbox@example.com") == 302  # mail 1 of 3
    statuses = [
        site.browser().submit("/auth/reset", email="inbox@example.com")[0]
        for _ in range(5)
    ]
    assert statuses == [302, 302, 429, 429, 429]
    # Registering the taken address would mail its owner: limited too.
    assert site.browser().register("inbox@example.com") == 429
    time.sleep(1)  # a mail that should not exist would have arrived by now
    assert len(site.mails_to("inbox@example.com")) == 3


def test_anonymous_messages_are_limited_per_client(site):
    writer = site.browser()
    statuses = [
        writer.submit("/messages/new", author="Spam", body=f"spam {number}")[0]
        for number in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_account_pages_are_never_stored(site):
    user = site.browser()
    assert user.register("private@example.com") == 302
    assert user.login("private@example.com") == 302
    for path in ("/auth/account", "/auth/password", "/auth/login", "/auth/reset"):
        _, headers, _ = user.request("GET", path)
        assert headers["Cache-Control"] == "no-store", path


def test_api_checks_the_token_before_the_body_and_never_fails_on_json(site):
    user = site.browser()
    assert user.register("api@example.com") == 302
    created = run(
        [PYTHON, "-m", "flask", "api", "create-token", "api@example.com"],
        cwd=site.project,
        FLASK_SECRET_KEY="0123456789abcdef" * 4,
        **site.env,
    )
    assert created.returncode == 0, created.stderr
    token = {"Authorization": f"Bearer {created.stdout.strip()}"}
    as_json = {"Content-Type": "application/json"}
    for body in HOSTILE_JSON:
        anonymous = site.browser().request("POST", "/api/v1/notes", body, as_json)
        assert anonymous[0] == 401
        status, _, answer = user.request("POST", "/api/v1/notes", body, as_json | token)
        assert status == 400, answer
    assert "Traceback" not in site.log.read_text()
    # Wrong tokens are limited per client address, API_TOKEN_RATE_LIMIT 10/minute.
    guesser = site.browser()
    statuses = [
        guesser.request(
            "POST", "/api/v1/notes", "{}", as_json | {"Authorization": f"Bearer {n}"}
        )[0]
        for n in range(11)
    ]
    assert statuses == [401] * 10 + [429]
    # A password reset ends the account's API tokens.
    note = '{"title": "before"}'
    assert user.request("POST", "/api/v1/notes", note, as_json | token)[0] == 201
    user.submit("/auth/reset", email="api@example.com")
    link = site.link(site.mails_to("api@example.com")[-1])
    new = "quiet orbit lemon kettle"
    status, _, _ = user.submit(
        link.removeprefix(SITE), password=new, confirm_password=new
    )
    assert status == 302
    note = '{"title": "after"}'
    assert user.request("POST", "/api/v1/notes", note, as_json | token)[0] == 401
