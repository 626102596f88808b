"""The public page types the audits walk, and how a browser tab is set up to open them all."""

from dataclasses import dataclass
from pathlib import Path

from django.template.loader import get_template

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class PageType:
    name: str  # names the screenshot
    path: str


# The 500 page is plain HTML (it must render when nothing else does). No URL raises an error on purpose,
# so the browser is handed the file as Django would send it, and loads the site's real stylesheet with it.
SERVER_ERROR = PageType("server-error", "/server-error/")


def server_error_html() -> str:
    return Path(get_template("500.html").origin.name).read_text()


@dataclass(frozen=True)
class Site:
    url: str
    pages: list[PageType]  # every public page type but the 500 page

    def new_tab(self, browser, **options):
        """A browser tab that can open every page type, SERVER_ERROR included."""
        tab = browser.new_page(**options)
        html = server_error_html()
        tab.route(self.url + SERVER_ERROR.path, lambda route: route.fulfill(
            status=500, body=html, content_type="text/html; charset=utf-8"))
        return tab


def report(found: dict[str, list[str]]) -> str:
    """What an audit found, page by page, readable in a failed test's output."""
    return "\n".join(f"{path}:\n" + "\n".join(f"  - {problem}" for problem in problems)
                     for path, problems in found.items())
