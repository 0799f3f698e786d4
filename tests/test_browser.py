"""The baked app in a real browser: Chromium driven by playwright, checked by axe."""

import re

import pytest

from tests.support.baking import bake
from tests.support.browser import AXE
from tests.support.browser import CHROMIUM
from tests.support.browser import CHROMIUM_ARGS
from tests.support.browser import Tab
from tests.support.browser import expect
from tests.support.browser import sync_playwright
from tests.support.machine import require
from tests.support.serving import serve
from tests.support.smtp import smtp_inbox

# One worker runs them all: one Chromium, one server per baked project.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.xdist_group("browser"),
]

PASSWORD = "correct horse battery"
# Elements and attributes a strict Content-Security-Policy would block.
INLINE_CODE = "script, style, [style], [onclick], [onload], [onsubmit], [onchange]"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by playwright."""
    require(sync_playwright is not None, "Python playwright is not installed")
    require(
        CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """The default project, served by gunicorn in production mode."""
    workdir = tmp_path_factory.mktemp("browser-default")
    with serve(bake(workdir), workdir) as url:
        yield url


@pytest.fixture(scope="module")
def site_without_login(browser, tmp_path_factory):
    """A project with Flask-WTF but no Flask-Login, served the same way."""
    workdir = tmp_path_factory.mktemp("browser-nologin")
    with serve(bake(workdir, use_login=False), workdir) as url:
        yield url


@pytest.fixture(scope="module")
def site_with_mail(browser, tmp_path_factory):
    """A use_mail project sending to an SMTP server on loopback: (url, inbox)."""
    workdir = tmp_path_factory.mktemp("browser-mail")
    with smtp_inbox() as inbox:
        settings = {
            "FLASK_MAIL_SERVER": "127.0.0.1",
            "FLASK_MAIL_PORT": str(inbox.port),
            "FLASK_PREFERRED_URL_SCHEME": "http",
        }
        project = bake(workdir, use_mail=True)
        with serve(project, workdir, server_name=True, **settings) as url:
            yield url, inbox


def fill(page, values, button):
    """Type each value into the field labelled by its key, then press `button`."""
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name=button).click()


def register(page, email):
    """Create an account through the form (which logs it in)."""
    page.goto("/auth/register")
    account = {"Email": email, "Password": PASSWORD, "Confirm password": PASSWORD}
    fill(page, account, "Create account")
    page.wait_for_url("**/auth/account")


def register_with_mail(page, email):
    """Create an account: with mail, the form leads to the login page; log in."""
    page.goto("/auth/register")
    account = {"Email": email, "Password": PASSWORD, "Confirm password": PASSWORD}
    fill(page, account, "Create account")
    page.wait_for_url("**/auth/login")
    expect_text(page, ".flashes", f"We mailed a link to {email}")
    fill(page, {"Email": email, "Password": PASSWORD}, "Log in")
    page.wait_for_url("**/auth/account")


def expect_text(page, selector, text):
    """The element at `selector` is visible and contains `text`."""
    element = page.locator(selector)
    assert element.is_visible(), selector
    assert text in element.inner_text(), f"{text!r} not in {selector}"


def test_home_page_is_styled(browser, site):
    tab = Tab(browser, site, "home")
    page = tab.goto("/")
    header = page.locator(".site-header").evaluate(
        "e => getComputedStyle(e).background"
    )
    assert not header.startswith("rgba(0, 0, 0, 0)"), header
    font = page.locator("body").evaluate("e => getComputedStyle(e).fontFamily")
    assert font.startswith("system-ui"), font
    expect_text(page, "h1", "My Flask App")
    tab.shot("01-home")
    assert tab.close() == []


def test_register_log_out_and_log_in(browser, site):
    tab = Tab(browser, site, "account")
    page = tab.goto("/auth/register")
    tab.shot("01-register")
    register(page, "ada@example.com")
    expect_text(page, "nav", "Logged in as ada@example.com")
    tab.shot("02-registered")
    page.get_by_role("navigation").get_by_role("button", name="Log out").click()
    page.wait_for_url(site + "/")
    expect_text(page, ".flashes", "You are logged out")
    assert "ada@example.com" not in page.locator("nav").inner_text()
    tab.shot("03-logged-out")
    page.get_by_role("navigation").get_by_role("link", name="Log in").click()
    fill(page, {"Email": "ada@example.com", "Password": PASSWORD}, "Log in")
    page.wait_for_url("**/auth/account")
    expect_text(page, "nav", "Logged in as ada@example.com")
    expect_text(page, "main", "ada@example.com")
    tab.shot("04-logged-in")
    assert tab.close() == []


def test_wrong_password_shows_an_error(browser, site):
    tab = Tab(browser, site, "wrong-password")
    register(tab.page, "grace@example.com")
    tab.context.clear_cookies()
    page = tab.goto("/auth/login")
    fill(page, {"Email": "grace@example.com", "Password": "not her password"}, "Log in")
    expect_text(page, "[role=alert]", "Invalid email or password.")
    assert page.url == site + "/auth/login"
    assert (
        page.get_by_role("navigation").get_by_role("link", name="Log in").is_visible()
    )
    tab.shot("01-error")
    assert tab.close() == []


@pytest.mark.parametrize(
    ("label", "value", "error"),
    [
        ("Email", "not-an-email", "Invalid email address."),
        ("Password", "short", "Use at least 12 characters."),
        ("Password", "password1234", "too common or easy to guess"),
        ("Confirm password", "different", "The two passwords must match."),
    ],
)
def test_form_error_is_shown_next_to_its_field(browser, site, label, value, error):
    tab = Tab(browser, site, "form-error")
    page = tab.goto("/auth/register")
    fill(page, {label: value}, "Create account")
    field = page.get_by_label(label, exact=True)
    assert field.get_attribute("aria-invalid") == "true"
    errors_id = field.get_attribute("id") + "-errors"
    assert errors_id in field.get_attribute("aria-describedby").split()
    assert field.evaluate("e => e.nextElementSibling.id") == errors_id
    expect_text(page, f"#{errors_id}", error)
    expect(field).to_have_accessible_description(re.compile(re.escape(error)))
    tab.shot(f"{field.get_attribute('id')}")
    assert tab.close() == []


def axe_checker(tab, blocking):
    """A check(step, path=None, status=200) that records axe's blocking findings.

    The tab must bypass the CSP: axe is injected as a script, allowed past the
    app's policy in that browser context only.
    """

    def check(step, path=None, status=200):
        if path:
            tab.goto(path, status)
        assert tab.page.locator(INLINE_CODE).count() == 0, f"{step}: inline code"
        tab.shot(step)
        found = [v for v in tab.axe(step) if v["impact"] in BLOCKING]
        if found:
            blocking[step] = found

    return check


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_every_page_passes_axe(browser, site, viewport):
    tab = Tab(browser, site, "axe", viewport=viewport, bypass_csp=True)
    page = tab.page
    blocking = {}
    check = axe_checker(tab, blocking)

    check("home", "/")
    check("register", "/auth/register")
    page.get_by_role("button", name="Create account").click()
    check("register-errors")
    check("login", "/auth/login")
    check("new-message", "/messages/new")
    check("not-found", "/no-such-page", status=404)
    register(page, f"{viewport}@example.com")
    check("account")
    check("password", "/auth/password")
    check("home-logged-in", "/")
    assert blocking == {}
    assert tab.close() == []


def test_message_form_without_login(browser, site_without_login):
    tab = Tab(browser, site_without_login, "nologin", bypass_csp=False)
    page = tab.goto("/")
    assert page.get_by_role("link", name="Log in").count() == 0
    page.get_by_role("link", name="New message").first.click()
    body = page.get_by_label("Message", exact=True)
    expect(body).to_have_accessible_description("Up to 500 characters.")
    fill(page, {"Your name": "Ada"}, "Post message")
    assert body.get_attribute("aria-invalid") == "true"
    expect_text(page, "#body-errors", "This field is required.")
    tab.shot("01-error")
    fill(page, {"Message": "Hello from a real browser"}, "Post message")
    page.wait_for_url(site_without_login + "/")
    expect_text(page, ".flashes", "Thanks")
    expect_text(page, ".messages", "Hello from a real browser")
    tab.shot("02-posted")
    assert tab.close() == []


def test_axe_core_is_vendored_with_its_license():
    assert AXE.read_text().startswith("/*! axe v4.")
    assert "Mozilla Public License" in (AXE.parent / "LICENSE").read_text()
    assert re.search(r"axe-core@\d+\.\d+\.\d+", (AXE.parent / "README.md").read_text())


def mailed_link(inbox, count):
    """The site's link in the text of the `count`th mail received."""
    _, mail = inbox.wait_for(count)[-1]
    text = mail.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:\d+/auth/\S+", text)[0]


def test_confirm_the_address_and_reset_a_forgotten_password(browser, site_with_mail):
    url, inbox = site_with_mail
    tab = Tab(browser, url, "mail", bypass_csp=True)
    blocking = {}
    check = axe_checker(tab, blocking)
    page = tab.goto("/")
    register_with_mail(page, "ada@example.com")
    expect_text(page, "main", "Not confirmed yet")
    check("01-not-confirmed")
    page.goto(mailed_link(inbox, 1))
    expect_text(page, ".flashes", "Your address is confirmed")
    expect_text(page, "main", "Confirmed on")
    check("02-confirmed")
    page.get_by_role("button", name="Log out", exact=True).first.click()
    page.goto("/auth/login")
    page.get_by_role("link", name="Reset it by mail").click()
    check("03-reset-request")
    fill(page, {"Email": "ada@example.com"}, "Send me a link")
    page.wait_for_url("**/auth/login")
    expect_text(page, ".flashes", "we have mailed it a link")
    page.goto(mailed_link(inbox, 2))
    check("04-new-password")
    new = "lunar teapot marching band"
    fill(page, {"New password": new, "Confirm password": new}, "Set password")
    page.wait_for_url("**/auth/account")
    expect_text(page, ".flashes", "Your password is changed")
    check("05-reset")
    assert blocking == {}
    assert tab.close() == []
