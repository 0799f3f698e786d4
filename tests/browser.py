"""Helpers of the browser tests: serve a baked project, drive Chromium, run axe-core."""

import contextlib
import json
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from cookiecutter.main import cookiecutter

from tests.conftest import PYTHON
from tests.conftest import TEMPLATE
from tests.conftest import clean_env
from tests.conftest import run

try:
    from playwright.sync_api import expect
    from playwright.sync_api import sync_playwright
except ImportError:  # checked by require() in the tests
    expect = sync_playwright = None

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe-core, vendored from the npm registry with its license (see its README.md).
AXE = TEMPLATE / "tests" / "vendor" / "axe-core" / "axe.min.js"
# Named in README.md; ignored by git. CI can keep it as an artifact.
ARTIFACTS = TEMPLATE / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_REPORTS = ARTIFACTS / "axe"
VIEWPORTS = {
    "desktop": dict(viewport={"width": 1280, "height": 800}, color_scheme="light"),
    "mobile": dict(
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ),
}


def bake(output_dir, **extra_context):
    """Bake the template into `output_dir`; return the project folder."""
    return Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            extra_context=extra_context,
            output_dir=str(output_dir),
        )
    )


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


@contextlib.contextmanager
def serve(project, workdir):
    """Serve `project` with gunicorn in production mode on a free loopback port."""
    env = {
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{workdir / 'browser.sqlite'}",
        "WEB_CONCURRENCY": "2",
    }
    if (project / "migrations").is_dir():
        upgrade = run([PYTHON, "-m", "flask", "db", "upgrade"], cwd=project, **env)
        assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    # gunicorn inherits an already listening socket: no race for the port.
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
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
    listener.close()
    try:
        wait_until_up(url + "/healthz", process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Tab:
    """A page of a fresh browser context that records failed requests and errors."""

    def __init__(self, browser, base_url, name, viewport="desktop", **options):
        self.context = browser.new_context(
            base_url=base_url, **VIEWPORTS[viewport], **options
        )
        self.page = self.context.new_page()
        self.name = f"{name}-{viewport}"
        self.problems = []
        self.expected = set()
        self.page.on("response", self._check_response)
        self.page.on("console", self._check_console)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))

    def _check_response(self, response):
        path = response.url.split("/", 3)[-1]
        if (
            response.status >= 400
            and ("/" + path, response.status) not in self.expected
        ):
            self.problems.append(f"{response.status} {response.url}")

    def _check_console(self, message):
        # A failed request is also logged here; _check_response judges those.
        if message.text.startswith("Failed to load resource"):
            return
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def goto(self, path, status=200):
        """Open `path`; its answer must be `status` (a 4xx here is then expected)."""
        self.expected.add((path, status))
        response = self.page.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        return self.page

    def shot(self, step):
        """Save a full-page screenshot named after the tab and the step."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=SCREENSHOTS / f"{self.name}-{step}.png", full_page=True
        )

    def axe(self, step):
        """Run axe-core on the page; save its report and return the violations."""
        self.page.add_script_tag(path=str(AXE))
        report = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        AXE_REPORTS.mkdir(parents=True, exist_ok=True)
        summary = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]],
            }
            for v in report["violations"]
        ]
        path = AXE_REPORTS / f"{self.name}-{step}.json"
        path.write_text(json.dumps(summary, indent=2) + "\n")
        return summary

    def close(self):
        """Close the context and return what went wrong while it was open."""
        self.context.close()
        return self.problems
