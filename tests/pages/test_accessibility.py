"""axe-core (npm, pinned in package-lock.json) finds no accessibility violation on any public page."""

import pytest

from tests.pages.public_pages import NODE_MODULES, SERVER_ERROR, report
from tests.support.services import require

AXE = NODE_MODULES / "axe-core" / "axe.min.js"


def violations_on(page) -> list[str]:
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{rule['id']} ({rule['impact']}): {rule['help']} — {len(rule['nodes'])}× e.g. {rule['nodes'][0]['target']}"
            for rule in results["violations"]]


@pytest.mark.services
@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}],
                         ids=["phone-390", "laptop-1366"])
def test_axe_finds_no_accessibility_violation_on_any_page(site, browser, viewport):
    require("axe-core", AXE.exists(), "npm ci")
    # axe is injected as an inline script, which the site's Content-Security-Policy rightly refuses. Given to the
    # context once, it comes with every page (a script tag added to each page: the 20 pages took 17.1 and 14.8 s,
    # alternating with 12.0 and 13.2 s this way).
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    context.add_init_script(path=AXE)
    tab = site.new_tab(context)
    found = {}
    for page_type in [*site.pages, SERVER_ERROR]:
        tab.goto(site.url + page_type.path)
        if problems := violations_on(tab):
            found[page_type.path] = problems
    context.close()
    assert not found, report(found)
