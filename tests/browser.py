"""Shared set-up for the real-browser tests: Debian's Chromium driven by Playwright.

Every page a test opens is watched: a console error, an uncaught exception or a
Content-Security-Policy violation fails the test when the page is closed.
"""

import os
import shutil
from pathlib import Path

from .servers import require

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium():
    require(CHROMIUM, "Chromium", "apt-get install chromium")


class WatchedPage:
    """A Playwright page that records console errors and CSP violations."""

    def __init__(self, page, name):
        self.page, self.name, self.problems, self.expected = page, name, [], []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def screenshot(self, step):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def expect(self, text):
        """Allow console errors containing text (an HTTP error the test provokes)."""
        self.expected.append(text)

    def assert_clean(self):
        problems = [
            p for p in self.problems if not any(text in p for text in self.expected)
        ]
        assert not problems, "\n".join(problems)


PASSWORD = "correct-horse-battery-staple"


def log_in(page, live_server, username, password=PASSWORD):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def axe_serious(page):
    """Run axe on the page; return its critical and serious violations and all."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        v
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    return serious, results
