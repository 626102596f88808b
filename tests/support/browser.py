"""Debian's Chromium driven by Playwright, for tests that look at pages as a reader's browser draws them.

Playwright's own browser download is not reachable here, so it launches the system one.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.support.services import require

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Screenshots are for a person to look at (`make screenshots`); a plain run takes none, as they were a fifth of the
# browser tests' time (a full-page one 0.15–0.3 s).
TAKE_SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    """What the tab shows, as var/screenshots/<name>.png, when screenshots are asked for (SCREENSHOTS=1)."""
    if TAKE_SCREENSHOTS:
        path = SCREENSHOTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=full_page)


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
