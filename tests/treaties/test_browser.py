"""A reader's walk through the site in a real Chromium (Debian's), driven by Playwright.

With SCREENSHOTS=1 (`make screenshots`), screenshots land in var/screenshots/ (not committed) for a person to
look at.
"""

import pytest
from django.utils import timezone

from tests.pages.public_pages import AXE
from tests.support.browser import screenshot
from tests.support.services import require
from treaties.models import Treaty
from treaties.selectors import treaties_with_status


@pytest.fixture
def site(live_server, reference_data):
    return live_server.url


@pytest.mark.services
def test_a_reader_walks_from_the_dashboard_to_new_start_and_the_timeline(site, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "What falls due next"
    screenshot(page, "dashboard")

    page.get_by_role("link", name="Lapsed", exact=True).click()
    page.wait_for_url("**/treaties/?status=lapsed")
    lapsed = treaties_with_status(Treaty.objects.all(), "lapsed", timezone.localdate()).count()
    assert page.locator("tbody tr").count() == min(lapsed, 25) >= 7

    page.get_by_label("Category").select_option("environment")
    page.get_by_label("Status").select_option("")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**category=environment**")
    rows = page.locator("tbody tr")
    assert any(row.startswith("Paris Agreement") for row in rows.all_inner_texts())
    assert rows.count() == min(Treaty.objects.filter(category="environment").count(), 25)
    screenshot(page, "list-filtered")

    page.goto(site + "/treaties/?q=%D0%94%D0%A1%D0%9D%D0%92")  # ДСНВ
    page.get_by_role("link", name="New START").click()
    page.wait_for_url("**/treaties/new-start/")
    assert "Expired" in page.locator("main").inner_text()
    assert page.locator("#today-marker").is_visible()
    screenshot(page, "new-start")

    page.get_by_label("As of").fill("2025-12-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**on=2025-12-01**")
    main = page.locator("main").inner_text()
    assert "In force since 5 February 2011" in main and "Suspended by Russia since 21 February 2023" in main
    assert "in 66 days" in main
    screenshot(page, "new-start-2025-12-01")

    page.get_by_role("link", name="Timeline").first.click()
    page.wait_for_url("**/timeline/**")
    assert page.locator("a.tl-row").count() == min(Treaty.objects.count(), 40)
    screenshot(page, "timeline")
    page.locator("a.tl-row").filter(has_text="New START").click()
    page.wait_for_url("**/treaties/new-start/**")


@pytest.mark.services
def test_keyboard_focus_is_visible(site, browser):
    page = browser.new_page()
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.services
def test_no_page_breaks_the_content_security_policy(site, browser, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-password-1")
    page = browser.new_page()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(
        (page.url, message.text)))
    page.goto(site + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    for path in ["/", "/treaties/", "/treaties/new-start/", "/timeline/", "/statements/", "/alerts/",
                 "/api/v1/docs/", "/admin/treaties/treaty/", "/admin/treaties/treaty/add/",
                 "/admin/treaties/statement/add/"]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        if path == "/admin/treaties/treaty/":
            screenshot(page, "admin-treaties")
    page.goto(site + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    screenshot(page, "api-docs", full_page=False)
    assert violations == []


# The timeline, as of the day the reference data was checked, on a phone and on a laptop.
TIMELINE = "/timeline/?on=2026-11-30"


@pytest.mark.services
@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_the_timeline_opens_on_recent_years_fits_the_screen_and_its_links_take_keyboard_focus(
        site, browser, width, height):
    require("axe-core", AXE.exists(), "npm ci (make test does it)")
    page = browser.new_page(viewport={"width": width, "height": height}, is_mobile=width < 500)
    page.add_init_script(path=AXE)  # the browser's own script: the site's Content-Security-Policy still holds
    page.goto(site + TIMELINE)
    assert page.locator(".tl-showing").inner_text() == "Showing 2000–2027"
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0

    chart = page.locator("svg.tl-rows").bounding_box()
    new_start = page.locator("a.tl-row").filter(has_text="New START")
    suspension = new_start.locator("rect.tl-bar-suspended").bounding_box()
    assert suspension["width"] >= chart["width"] / 10
    assert page.locator("a.tl-row").filter(has_text="Open Skies").locator("use[href='#tl-withdrawn']").count() == 2
    assert page.locator(".tl-legend").get_by_text("Deadline to come").is_visible()
    assert page.locator("use[href='#tl-deadline']").first.is_visible()

    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.tl-row')"):
            break
    focused = page.evaluate("document.activeElement.querySelector('title').textContent")
    tip = page.locator(".tl-tip")
    assert tip.is_visible() and tip.inner_text() == focused
    screenshot(page, f"timeline-{width}", full_page=False)

    page.locator(".tl-table summary").click()
    violations = page.evaluate("axe.run(document).then(r => r.violations.map(v => [v.id, v.nodes.length]))")
    assert violations == []


@pytest.mark.services
def test_the_timelines_years_move_in_place_by_link_and_by_dragging(site, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(site + TIMELINE)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Zoom in").click()
    page.wait_for_url("**from=2007**to=2020**")
    assert page.locator(".tl-showing").inner_text() == "Showing 2007–2020"
    assert page.evaluate("window.notReloaded")  # the chart was swapped in place, not the page reloaded

    rows = page.locator("svg.tl-rows").bounding_box()
    y = rows["y"] + 40
    page.mouse.move(rows["x"] + rows["width"] * 0.6, y)
    page.mouse.down()
    page.mouse.move(rows["x"] + rows["width"] * 0.8, y, steps=5)  # a fifth of 14 years to the right: 3 earlier
    page.mouse.up()
    page.wait_for_url("**from=2004**to=2017**")
    assert page.locator(".tl-showing").inner_text() == "Showing 2004–2017"
    assert page.evaluate("window.notReloaded")
    page.go_back()
    page.wait_for_url("**from=2007**")
    # The back button restores the years too, loaded in place once the address has changed.
    page.locator(".tl-showing", has_text="Showing 2007–2020").wait_for()
