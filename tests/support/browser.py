"""Helpers of the browser tests: drive Chromium, check responses, run axe-core."""

import json
import shutil

from tests.support.baking import TEMPLATE

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
