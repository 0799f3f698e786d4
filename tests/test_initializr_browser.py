"""The initializr served by gunicorn: Chromium and curl choose, preview and download."""

import contextlib
import io
import json
import re
import shlex
import shutil
import socket
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from initializr.template import Template
from tests.support.baking import TEMPLATE
from tests.support.browser import CHROMIUM
from tests.support.browser import CHROMIUM_ARGS
from tests.support.browser import Tab
from tests.support.browser import expect
from tests.support.browser import sync_playwright
from tests.support.initializr import shared_cache
from tests.support.machine import PYTHON
from tests.support.machine import clean_env
from tests.support.machine import require
from tests.support.machine import ruff
from tests.support.machine import run
from tests.support.serving import stop
from tests.support.serving import wait_until_up

# One worker runs the browser tests: one Chromium at a time.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.xdist_group("browser"),
]

BLOCKING = {"serious", "critical"}
OPTIONS = Template(TEMPLATE).options


def readme_command():
    """The command README.md's "Web initializr" section gives to start it."""
    readme = (TEMPLATE / "README.md").read_text()
    section = readme.split("## Web initializr", 1)[1].split("\n## ", 1)[0]
    (command,) = re.findall(r"```bash\n(.*?)\n```", section, re.DOTALL)
    return shlex.split(command)


@contextlib.contextmanager
def gunicorn(workdir, **env):
    """The initializr started as README.md says, on a free port, with 2 workers."""
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log = workdir / "gunicorn.log"
    command = readme_command()
    assert command[0] == "gunicorn", command
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                *(PYTHON, "-m", *command, "--workers", "2"),
                *("--bind", f"fd://{listener.fileno()}"),
            ],
            cwd=TEMPLATE,
            # Its own runtime folder: gunicorn's control socket lives there.
            env=clean_env(XDG_RUNTIME_DIR=str(workdir), **env),
            pass_fds=[listener.fileno()],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    try:
        wait_until_up(url + "/healthz", process, log)
        yield url
    finally:
        stop(process, timeout=30)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("initializr-served")
    with gunicorn(workdir, INITIALIZR_CACHE_DIR=shared_cache(tmp_path_factory)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(site):
    require(sync_playwright is not None, "Python playwright is not installed")
    require(
        CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)"
    )
    # A first preview bakes several answer sets: on a busy machine, seconds.
    expect.set_options(timeout=60_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    expect.set_options(timeout=5_000)  # playwright's default, for other modules


def box(page, name):
    """The checkbox of option `name`, found by its label: the template's prompt."""
    return page.get_by_label(OPTIONS[name].help, exact=True)


def check_project(archive, workdir):
    """Unpack a downloaded zip, with its modes; its own ruff and tests pass."""
    with zipfile.ZipFile(archive) as unpacked:
        for info in unpacked.infolist():
            Path(unpacked.extract(info, workdir)).chmod(
                info.external_attr >> 16 & 0o777
            )
    (project,) = workdir.iterdir()
    check = run([*ruff(), "check", "--no-cache", "."], cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    tests = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    return project


def test_choose_preview_open_a_file_and_download(browser, site, tmp_path):
    tab = Tab(browser, site, "initializr")
    page = tab.goto("/")
    tree = page.locator("nav.tree")
    expect(tree).to_contain_text("auth")
    tab.shot("01-defaults")

    # The rules as the user clicks: WTF off turns Login off, with the reason...
    box(page, "use_wtf").uncheck()
    expect(box(page, "use_login")).not_to_be_checked()
    expect(page.locator("#use_login-note")).to_contain_text(
        "Turned off: use_login needs use_wtf"
    )
    box(page, "use_sqlalchemy").uncheck()
    expect(box(page, "use_migrate")).not_to_be_checked()
    expect(tree).not_to_contain_text("auth")
    # ...and choosing Login turns SQLAlchemy and WTF on, saying why (the hook's RULES).
    box(page, "use_login").check()
    expect(box(page, "use_sqlalchemy")).to_be_checked()
    expect(box(page, "use_wtf")).to_be_checked()
    expect(page.locator("#use_sqlalchemy-note")).to_contain_text(
        OPTIONS["use_login"].why["use_sqlalchemy"]
    )
    expect(page.locator("#use_wtf-note")).to_contain_text(
        OPTIONS["use_login"].why["use_wtf"]
    )
    tab.shot("02-rules")

    # The tree follows the answers, and the URL keeps them.
    box(page, "use_api").check()
    expect(tree).to_contain_text("test_api.py")
    expect(page).to_have_url(re.compile(r"\?use_migrate=no&use_api=yes$"))
    expect(page.locator("#preview")).to_contain_text("use_api=yes: adds")

    # A refusal shows next to its option, in the hook's words, and goes away.
    box(page, "use_kubernetes").check()
    expect(page.locator("#use_kubernetes-refusal")).to_contain_text(
        "use_kubernetes=yes with database=sqlite"
    )
    tab.shot("03-refused")
    box(page, "use_kubernetes").uncheck()
    expect(page.locator("#use_kubernetes-refusal")).to_have_text("")

    # Open a file: its content, the answers kept by the link.
    tree.locator('a[href*="/api/routes.py"]').click()
    expect(page.locator("#file-title")).to_have_text("my_flask_app/api/routes.py")
    expect(page.locator("#file pre")).to_contain_text("MethodView")
    expect(box(page, "use_api")).to_be_checked()
    expect(box(page, "use_migrate")).not_to_be_checked()
    tab.shot("04-file")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download .zip").click()
    assert download.value.suggested_filename == "my_flask_app.zip"
    archive = tmp_path / "my_flask_app.zip"
    download.value.save_as(archive)

    # A name typed: the link follows as you type, the preview when you move on.
    name = page.get_by_label(OPTIONS["project_name"].help, exact=True)
    name.fill("Pet Shop")
    expect(page).to_have_url(re.compile(r"\?project_name=Pet\+Shop&"))
    name.press("Tab")
    expect(tree.locator(".root")).to_have_text("pet_shop/")
    assert tab.close() == []

    project = check_project(archive, tmp_path / "unpacked")
    assert (project / "my_flask_app" / "api" / "routes.py").exists()
    assert not (project / "my_flask_app" / "migrations").exists()


def test_without_javascript_the_form_still_works(browser, site):
    tab = Tab(browser, site, "initializr-nojs", java_script_enabled=False)
    page = tab.goto("/")
    box(page, "use_debugtoolbar").uncheck()
    page.get_by_role("button", name="Show the project").click()
    expect(page).to_have_url(re.compile(r"use_debugtoolbar=no"))
    expect(box(page, "use_debugtoolbar")).not_to_be_checked()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download .tar.gz").click()
    with tarfile.open(download.value.path()) as archive:
        names = archive.getnames()
    assert "my_flask_app/pyproject.toml" in names
    assert "my_flask_app/tests/test_debugtoolbar.py" not in names
    box(page, "use_kubernetes").check()
    page.get_by_role("button", name="Download .zip").click()
    expect(page.locator("#use_kubernetes-refusal")).to_contain_text(
        "use_kubernetes=yes with database=sqlite"
    )
    tab.shot("refused")
    problems = tab.close()
    assert [p for p in problems if not p.startswith("400 ")] == []


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_every_page_passes_axe(browser, site, viewport):
    tab = Tab(browser, site, "initializr-axe", viewport=viewport, bypass_csp=True)
    blocking = {}
    pages = {
        "home": "/",
        "file": "/?use_api=yes&file=my_flask_app/api/routes.py",
        "refused": "/?use_kubernetes=yes",
    }
    for step, path in pages.items():
        page = tab.goto(path)
        assert page.locator("script:not([src]), style, [style]").count() == 0
        tab.shot(step)
        found = [v for v in tab.axe(step) if v["impact"] in BLOCKING]
        if found:
            blocking[step] = found
    if viewport == "mobile":  # nothing wider than the phone's screen
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
    assert blocking == {}
    assert tab.close() == []


def curl(*args):
    """curl's answer: (status, body), as a script would see it."""
    done = subprocess.run(
        ["curl", "-sS", "-w", "\n%{http_code}", *args],
        capture_output=True,
        timeout=120,
        check=True,
    )
    body, _, status = done.stdout.rpartition(b"\n")
    return int(status), body


def test_curl_gets_archives_metadata_and_refusals(site, tmp_path):
    require(shutil.which("curl"), "curl is not installed")
    status, body = curl(
        "-o", str(tmp_path / "x.zip"), f"{site}/starter.zip?use_api=yes"
    )
    assert status == 200
    assert (
        "my_flask_app/my_flask_app/api/routes.py"
        in zipfile.ZipFile(tmp_path / "x.zip").namelist()
    )
    status, body = curl(f"{site}/options.json")
    assert status == 200
    assert json.loads(body)["options"][0]["name"] == "project_name"
    status, body = curl(f"{site}/starter.zip?use_login=yes&use_wtf=no")
    assert status == 400
    assert b"ERROR: use_login=yes needs use_wtf=yes" in body
    status, body = curl(
        "-H", "Accept: application/json", f"{site}/starter.tar.gz?version=one"
    )
    assert status == 400
    assert json.loads(body)["errors"][0]["option"] == "version"
    status, body = curl("-d", "use_api=yes", f"{site}/starter.zip")
    assert status == 200
    assert zipfile.ZipFile(io.BytesIO(body)).namelist()
