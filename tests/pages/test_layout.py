"""Every page type at a phone's width and a laptop's, in a real Chromium: nothing off-screen, controls big
enough to tap, and with SCREENSHOTS=1 (`make screenshots`) a screenshot of each for a person to look at
(var/screenshots/<width>/<page>.png).
"""

from pathlib import Path

import pytest

from tests.pages.public_pages import SERVER_ERROR, report
from tests.support.browser import screenshot

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
OFFSCREEN = (Path(__file__).parent / "offscreen.js").read_text()
TAP_TARGETS = (Path(__file__).parent / "tap_targets.js").read_text()


def walk(browser, site, viewport, check, *, screenshots=False) -> dict:
    """Open every page type at this size, screenshot it if asked, and collect what `check` finds wrong on each."""
    page = site.new_tab(browser, viewport=viewport, is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    found = {}
    for page_type in [*site.pages, SERVER_ERROR]:
        page.goto(site.url + page_type.path)
        if screenshots:
            screenshot(page, f"{viewport['width']}/{page_type.name}")
        problems = check(page)
        if problems:
            found[page_type.path] = problems
    page.close()
    return found


@pytest.mark.services
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-390", "laptop-1366"])
def test_no_page_puts_text_off_screen_or_cuts_it_off(site, browser, viewport):
    def offscreen(page):
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        return page.evaluate(OFFSCREEN) + ([f"the page scrolls sideways by {sideways}px"] if sideways > 0 else [])

    found = walk(browser, site, viewport, offscreen, screenshots=True)
    assert not found, report(found)


@pytest.mark.services
def test_on_a_phone_the_navigation_buttons_and_fields_are_big_enough_to_tap(site, browser):
    # The phone's screenshots are the off-screen test's (the same pages at the same size); a full-page one costs
    # 0.15 s a page.
    found = walk(browser, site, PHONE, lambda page: page.evaluate(TAP_TARGETS))
    assert not found, report(found)
