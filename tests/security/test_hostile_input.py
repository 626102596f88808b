"""Hostile input: XSS payloads in every text field render inert; fuzzed query strings never cause a
server error; SQL-looking input is only text; javascript: links cannot be stored."""

import datetime as dt
import string

import feedparser
import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treaties.models import Deadline, Party, Statement, Treaty, TreatyAlias, TreatyEvent

SCRIPT = "<script>alert('xss')</script>"
IMAGE = "\"><img src=x onerror=alert('xss')>"
PAYLOAD = f"{SCRIPT}{IMAGE}"


@pytest.fixture
def hostile(db):
    """A treaty whose every text an editor or a feed can fill carries a payload."""
    party = Party.objects.create(name=f"Party {PAYLOAD}", short_name=f"P{PAYLOAD}", slug="hostile-party")
    treaty = Treaty.objects.create(
        name=f"Treaty {PAYLOAD}", short_name=f"Hostile {PAYLOAD}", slug="hostile", category="arms_control",
        subject=PAYLOAD, kind="bilateral", parties_note=PAYLOAD, summary=PAYLOAD, term_years=50,
        duration_text=PAYLOAD, extension_text=PAYLOAD, withdrawal_text=PAYLOAD,
        provision_sources=["javascript:alert('xss')", "https://example.org/ok"],
    )
    treaty.parties.set([party])
    TreatyAlias.objects.create(treaty=treaty, name=f"Alias {PAYLOAD}")
    event = TreatyEvent.objects.create(treaty=treaty, kind="entered_into_force", date=dt.date(2000, 1, 1),
                                       description=PAYLOAD, date_note=PAYLOAD, source_url="https://example.org/e")
    event.parties.set([party])
    Deadline.objects.create(treaty=treaty, kind="review_conference", date=dt.date(2030, 1, 1),
                            description=PAYLOAD, date_note=PAYLOAD, source_url="https://example.org/d")
    statement = Statement.objects.create(
        title=f"Title {PAYLOAD}", outlet=f"Outlet {PAYLOAD}", url="https://example.org/s", date=dt.date(2026, 1, 1),
        speaker=PAYLOAD, speaker_role=PAYLOAD, quote=PAYLOAD, full_text=f"<p>ok</p>{PAYLOAD}", date_note=PAYLOAD,
    )
    statement.treaties.set([treaty])
    from treaties.derived import deadlines_refresh

    deadlines_refresh(treaty=treaty)
    return treaty, statement


def assert_inert(body: str, where: str):
    assert "<script>alert" not in body, where
    assert "<img src=x" not in body, where
    assert 'href="javascript:' not in body.replace("'", '"'), where


def test_payloads_render_inert_on_every_page(hostile, client):
    treaty, statement = hostile
    for url in ["/", "/treaties/", "/treaties/hostile/", "/parties/hostile-party/", "/statements/",
                f"/statements/{statement.pk}/", "/timeline/", f"/treaties/?q={IMAGE}", f"/statements/?q={SCRIPT}",
                f"/?on={SCRIPT}", "/data/"]:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        assert_inert(response.content.decode(), url)


def test_payloads_render_inert_in_the_admin(hostile, admin_client):
    treaty, statement = hostile
    for url in ["/admin/treaties/treaty/", f"/admin/treaties/treaty/{treaty.pk}/change/",
                f"/admin/treaties/statement/{statement.pk}/change/", "/admin/treaties/treatyevent/"]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)


def test_payloads_stay_text_in_feeds_calendars_csv_and_the_api(hostile, client):
    atom = client.get("/statements/feed/").content
    entry = feedparser.parse(atom).entries[0]
    assert entry.title == f"Title {PAYLOAD}"  # text, escaped as XML, read back as text
    assert_inert(atom.decode(), "atom")
    ics = client.get("/treaties/hostile/calendar.ics").content.decode()
    assert "BEGIN:VEVENT" in ics  # plain text format: payloads are inert text there
    api = client.get("/api/v1/treaties/hostile/", HTTP_ACCEPT="application/json")
    assert api["Content-Type"] == "application/json" and api["X-Content-Type-Options"] == "nosniff"
    assert api.json()["summary"] == PAYLOAD


def test_payloads_render_inert_in_emails(hostile):
    from django.utils import timezone

    from alerts import scan, sending
    from alerts.models import ReminderDelivery, Subscription
    from alerts.reminders import mask_from_leads

    subscription = Subscription.objects.create(email="reader@example.org", confirmed_at=timezone.now(),
                                               everything=True, lead_mask=mask_from_leads([0, 365]),
                                               time_zone="UTC", hour=0)
    now = dt.datetime(2029, 6, 1, 12, tzinfo=dt.UTC)
    scan.reminders_scan(now=now)
    from django.core import mail

    for delivery in ReminderDelivery.objects.filter(subscription=subscription):
        sending.delivery_send(delivery_id=delivery.pk, now=now)
    assert mail.outbox, "a reminder for the hostile treaty's deadline was sent"
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert_inert(html, "email html")


def test_a_javascript_link_cannot_be_stored_however_it_is_written(db):
    treaty = Treaty.objects.create(name="T", short_name="T", slug="t", category="trade", kind="bilateral")
    for make in [
        lambda: TreatyEvent.objects.create(treaty=treaty, kind="other", date=dt.date(2000, 1, 1), description="x",
                                           source_url="javascript:alert(1)"),
        lambda: Statement.objects.create(title="x", outlet="x", url="JavaScript:alert(1)", date=dt.date(2000, 1, 1)),
        lambda: Deadline.objects.create(treaty=treaty, kind="other", date=dt.date(2000, 1, 1),
                                        source_url="data:text/html,<script>"),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            make()


def test_sql_looking_input_is_just_text(reference_data, client):
    shipped = Treaty.objects.count()
    for q in ["'; DROP TABLE treaties_treaty; --", "\" OR 1=1 --", "%' OR '1'='1"]:
        assert client.get("/treaties/", {"q": q}).status_code == 200
        assert client.get("/api/v1/statements/", {"q": q}, HTTP_ACCEPT="application/json").status_code == 200
    assert Treaty.objects.count() == shipped


def test_huge_inputs_are_refused_early_with_a_message(reference_data, client):
    response = client.get("/treaties/", {"q": "x" * 10_000})
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()
    response = client.post("/alerts/", {"email": "a@example.org" + "x" * 3_000_000})
    assert response.status_code == 400


PAGES = ["/", "/treaties/", "/statements/", "/timeline/", "/treaties/new-start/", "/api/v1/treaties/",
         "/api/v1/statements/", "/api/v1/deadlines/", "/treaties.csv", "/statements.csv", "/events.csv",
         "/deadlines.csv"]
PARAMS = ["q", "status", "category", "party", "kind", "due_within", "sort", "page", "on", "treaty", "outlet",
          "speaker", "date_from", "date_to", "upcoming", "page_size"]
junk = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits + "-", max_size=12),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "2025-02-30", "1799-12-31", "2200-01-01", "null",
                     "lapsed", "arms_control", "russia", "true", "ДСНВ", "\x00", "%00", "1e9"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=st.sampled_from(PAGES), params=st.dictionaries(st.sampled_from(PARAMS), junk, max_size=5))
def test_fuzzed_query_strings_never_cause_a_server_error(reference_data, client, page, params):
    response = client.get(page, params, HTTP_ACCEPT="application/json" if page.startswith("/api/") else "text/html")
    assert response.status_code in (200, 304, 400, 404), (page, params, response.status_code)
    if response.streaming:  # a CSV is written as it is sent: read it all, so an error while writing shows too
        b"".join(response.streaming_content)


# Every other way data comes in, fuzzed: imports, feeds and the subscribe form.

csv_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.sampled_from(["statements.csv", "events.csv", "treaties.csv", "parties.csv", "deadlines.csv",
                          "data.json", "notes.txt"]),
    header=st.lists(st.sampled_from(["url", "title", "outlet", "date", "precision", "treaty", "slug", "kind",
                                     "key", "name", "junk", "", "date;"]), max_size=6),
    rows=st.lists(st.lists(csv_cells, max_size=6), max_size=4),
    raw=st.binary(max_size=200),
    use_raw=st.booleans(),
)
def test_a_fuzzed_import_either_writes_cleanly_or_writes_nothing_with_a_message(reference_data, name,
                                                                               header, rows, raw, use_raw):
    import csv
    import io

    from treaties.transfer.imports import data_import

    if use_raw:
        body = raw
    else:
        text = io.StringIO()
        csv.writer(text).writerows([header, *rows])
        body = text.getvalue().encode("utf-8")
    before = {model: model.objects.count() for model in (Treaty, TreatyEvent, Deadline, Statement, Party)}
    report = data_import(files=[(name, body)])
    after = {model: model.objects.count() for model in before}
    if not report.ok:
        assert after == before  # a failed import writes nothing
        assert all(str(problem) for problem in report.problems)  # and says what is wrong


@settings(max_examples=60, deadline=None)
@given(body=st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: f"<?xml version='1.0'?><rss><channel><item>{t}</item></channel></rss>"
                              .encode()),
    st.text(max_size=200).map(lambda t: f"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>{t}</title>"
                              "<link href='javascript:alert(1)'/></entry></feed>".encode()),
))
def test_a_fuzzed_feed_is_read_or_refused_with_a_reason_never_crashes(body):
    from feeds.entries import NotAFeed, read_feed

    try:
        feed = read_feed(body, content_type="application/rss+xml", url="https://example.org/feed")
    except NotAFeed as refusal:
        assert str(refusal)
        return
    for entry in feed.entries:
        assert not entry.url or entry.url.startswith(("http://", "https://"))


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.dictionaries(
    st.sampled_from(["email", "treaties", "categories", "parties", "lead_days", "time_zone", "hour", "digest",
                     "everything", "statements"]),
    st.one_of(st.text(max_size=40), st.sampled_from(["reader@example.org", "UTC", "Europe/Zurich", "25", "-1",
                                                     "immediate", "digest", "on", "0", "999"])),
    max_size=8,
))
def test_a_fuzzed_subscribe_form_gets_an_answer_never_a_server_error(reference_data, client, data):
    from django.core.cache import cache

    cache.clear()  # the per-client limit would otherwise answer 429 to most examples
    response = client.post("/alerts/", data)
    assert response.status_code in (200, 302, 400, 429), response.status_code
