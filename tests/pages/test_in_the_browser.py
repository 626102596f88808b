"""Every page type at a phone's width and a laptop's, in a real Chromium: axe-core (npm, pinned in
package-lock.json) finds no accessibility violation, no text is off-screen or cut off, and on the phone the
navigation, buttons and fields are big enough to tap. With SCREENSHOTS=1 (`make screenshots`), a screenshot of each
for a person to look at (var/screenshots/<width>/<page>.png).

One walk a size runs every audit on each page as it is loaded: a walk of the 20 pages is some 4 s of loading
and a test of its own a Chromium launch and the live site's dataset more, and five walks became two.
"""

from pathlib import Path

import pytest

from tests.pages.public_pages import AXE, SERVER_ERROR, report
from tests.support.browser import screenshot
from tests.support.services import require

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
OFFSCREEN = (Path(__file__).parent / "offscreen.js").read_text()
TAP_TARGETS = (Path(__file__).parent / "tap_targets.js").read_text()


def off_screen(page) -> list[str]:
    sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return page.evaluate(OFFSCREEN) + ([f"the page scrolls sideways by {sideways}px"] if sideways > 0 else [])


def too_small_to_tap(page) -> list[str]:
    return page.evaluate(TAP_TARGETS)


def accessibility_violations(page) -> list[str]:
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{rule['id']} ({rule['impact']}): {rule['help']} — {len(rule['nodes'])}× e.g. {rule['nodes'][0]['target']}"
            for rule in results["violations"]]


@pytest.mark.services
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone-390", "laptop-1366"])
def test_no_page_has_text_off_screen_a_control_too_small_to_tap_or_an_accessibility_violation(site, browser, viewport):
    require("axe-core", AXE.exists(), "npm ci")
    phone = viewport is PHONE
    # The layout is measured before axe runs, which reads the page but could leave marks of its own.
    audits = [off_screen, *([too_small_to_tap] if phone else []), accessibility_violations]
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    # Given to the context, axe comes with every page as the browser's own script, which the site's
    # Content-Security-Policy does not govern: the pages are audited under the policy a reader gets.
    context.add_init_script(path=AXE)
    tab = site.new_tab(context)
    found = {}
    for page_type in [*site.pages, SERVER_ERROR]:
        tab.goto(site.url + page_type.path)
        screenshot(tab, f"{viewport['width']}/{page_type.name}")
        if problems := [f"{audit.__name__.replace('_', ' ')}: {problem}" for audit in audits for problem in audit(tab)]:
            found[page_type.path] = problems
    context.close()
    assert not found, report(found)
