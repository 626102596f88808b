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


@pytest.fixture(scope="module")
def browser():
    """One Chromium for a module's tests in a row: starting it and Playwright's driver takes 2 to 3 s, as
    long as many a test that uses it. Each test still opens its own pages, each in a fresh context (no
    cookies or storage carried over), as `browser.new_page()` and `browser.new_context()` do.

    pytest tears a module's fixtures down as soon as a test from another module comes next (xdist may send
    one), so the browser never outlives its module's tests."""
    require("Chromium", Path(CHROMIUM).exists(), "apt-get install chromium")
    playwright = pytest.importorskip("playwright.sync_api")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop running in this thread from start to stop, and Django
        # refuses ORM calls while one runs; the tests and their fixtures (the live server's data, its flush)
        # make theirs meanwhile, from this thread, outside the loop.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
