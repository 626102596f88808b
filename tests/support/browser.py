"""Debian's Chromium driven by Playwright, for tests that look at pages as a reader's browser draws them.

Playwright's own browser download is not reachable here, so it launches the system one.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.support.services import require

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser(monkeypatch):
    require("Chromium", Path(CHROMIUM).exists(), "apt-get install chromium")
    playwright = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made
    # by the live server's fixtures happen before it starts.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
