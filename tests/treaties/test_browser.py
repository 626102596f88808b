"""A reader's walk through the site in a real Chromium (Debian's), driven by Playwright.

Screenshots land in var/screenshots/ (not committed) for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.support.services import require
from treaties.models import Treaty
from treaties.selectors import treaties_with_status

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


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_reference_data", verbosity=0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


@pytest.mark.services
def test_a_reader_walks_from_the_dashboard_to_new_start_and_the_timeline(site, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(site + "/")
    assert page.locator("h1").inner_text() == "What falls due next"
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)

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
    page.screenshot(path=SCREENSHOTS / "list-filtered.png", full_page=True)

    page.goto(site + "/treaties/?q=%D0%94%D0%A1%D0%9D%D0%92")  # ДСНВ
    page.get_by_role("link", name="New START").click()
    page.wait_for_url("**/treaties/new-start/")
    assert "Expired" in page.locator("main").inner_text()
    assert page.locator("#today-marker").is_visible()
    page.screenshot(path=SCREENSHOTS / "new-start.png", full_page=True)

    page.get_by_label("As of").fill("2025-12-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**on=2025-12-01**")
    main = page.locator("main").inner_text()
    assert "In force since 5 February 2011" in main and "Suspended by Russia since 21 February 2023" in main
    assert "in 66 days" in main
    page.screenshot(path=SCREENSHOTS / "new-start-2025-12-01.png", full_page=True)

    page.get_by_role("link", name="Timeline").first.click()
    page.wait_for_url("**/timeline/**")
    assert page.locator("svg[role=img] a").count() == min(Treaty.objects.count(), 40)
    page.screenshot(path=SCREENSHOTS / "timeline.png", full_page=True)
    page.locator("svg[role=img] a").filter(has_text="New START").click()
    page.wait_for_url("**/treaties/new-start/**")


@pytest.mark.services
def test_the_pages_fit_a_phone_without_sideways_scrolling(site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    for path, name in [("/", "phone-dashboard"), ("/treaties/new-start/", "phone-new-start"),
                       ("/timeline/", "phone-timeline")]:
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


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
                 "/api/docs/", "/admin/treaties/treaty/", "/admin/treaties/treaty/add/",
                 "/admin/treaties/statement/add/"]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    page.goto(site + "/admin/treaties/treaty/")
    page.screenshot(path=SCREENSHOTS / "admin-treaties.png", full_page=True)
    page.goto(site + "/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    page.screenshot(path=SCREENSHOTS / "api-docs.png", full_page=False)
    assert violations == []
