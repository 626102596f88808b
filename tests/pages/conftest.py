"""Every public page type, served by a live server with the shipped data, for the audits in this package.

The API docs are left out (Swagger UI's own markup); the admin is for editors, not readers.
"""

from urllib.parse import urlsplit

import pytest

from alerts import signed_links
from tests.pages.public_pages import PageType, Site
from tests.support.alerts_records import subscriber
from treaties.models import Statement, Treaty


def _path(absolute_url: str) -> str:
    return urlsplit(absolute_url).path


@pytest.fixture
def site(live_server, reference_data) -> Site:
    new_start = Treaty.objects.get(slug="new-start")
    waiting = subscriber("new@example.org", treaties=[new_start], confirmed=False)
    active = subscriber("reader@example.org", treaties=[new_start])
    statement = Statement.objects.filter(treaties=new_start).exclude(quote="").order_by("-date").first()
    pages = [
        PageType("dashboard", "/"),
        PageType("treaty-list", "/treaties/"),
        PageType("treaty", "/treaties/new-start/"),
        PageType("treaty-as-of", "/treaties/new-start/?on=2025-12-01"),
        PageType("party", "/parties/russia/"),
        PageType("statement-list", "/statements/"),
        PageType("statement", f"/statements/{statement.pk}/"),
        PageType("timeline", "/timeline/"),
        PageType("coverage", "/coverage/"),
        PageType("changes", "/changes/"),
        PageType("data", "/data/"),
        PageType("alerts-subscribe", "/alerts/"),
        PageType("alerts-sent", "/alerts/check-your-inbox/"),
        PageType("alerts-confirm", _path(signed_links.confirm_url(waiting))),
        PageType("alerts-manage", _path(signed_links.manage_url(active))),
        PageType("alerts-unsubscribe", _path(signed_links.unsubscribe_url(active))),
        PageType("alerts-link-invalid", "/alerts/confirm/no-such-token/"),
        PageType("bad-request", "/treaties/?on=not-a-date"),
        PageType("not-found", "/no-such-page/"),
    ]
    return Site(live_server.url, pages)
