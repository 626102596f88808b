import datetime as dt
import re

import pytest
import time_machine

from tests.support.factories import make_treaties
from treaties import versions
from treaties.derived import live_statuses_on
from treaties.models import Statement, Treaty, TreatyEvent
from treaties.selectors import BUCKETS, matches_status, upcoming_deadlines

TODAY = "2026-11-27"


@pytest.fixture
def client(client):
    return client


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


# Dashboard


def test_the_dashboard_shows_lapsed_treaties_with_how_long_ago(reference_data, client):
    body = text(page(client, "/"))
    assert "New START — expired 295 days ago" in body
    assert "JCPOA — terminated 405 days ago" in body


def test_the_dashboard_counts_treaties_by_status_and_links_to_the_filtered_list(reference_data, client):
    html = page(client, "/")
    assert 'href="/treaties/?status=lapsed"' in html
    statuses = live_statuses_on(dt.date(2026, 11, 27)).values()
    for key, label in BUCKETS.items():
        count = sum(matches_status(status, key) for status in statuses)
        assert f"{label}</a>: <strong>{count}</strong>" in html
    assert sum(matches_status(s, "suspended") for s in statuses) >= 2  # CFE and the Ottawa Convention


def test_the_dashboard_counts_down_to_deadlines_as_of_an_earlier_day(reference_data, client):
    body = text(page(client, "/?on=2025-12-01"))
    assert "New START — expiry 5 February 2026 · in 66 days" in body
    assert "You are viewing the tracker as it stood on 1 December 2025" in body


def test_the_dashboard_shows_the_latest_statements(reference_data, client):
    body = text(page(client, "/"))
    newest = Statement.objects.filter(date__lte=dt.date(2026, 11, 27)).order_by("-date", "-id").first()
    assert newest.title in body
    assert f"{newest.outlet}, {newest.when}" in body


def test_today_is_the_sites_time_zone_day(reference_data, client, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: already 28 November there at noon UTC
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        assert "expired 296 days ago" in text(page(client, "/"))


# Treaty list


@pytest.mark.parametrize(
    "query, present, absent",
    [
        ("q=ДСНВ", ["New START"], ["INF Treaty"]),
        ("q=дснв", ["New START"], ["INF Treaty"]),
        ("q=снв-3", ["New START"], ["INF Treaty"]),
        ("q=Moscow+Treaty", ["SORT"], ["New START"]),
        ("q=iran", ["JCPOA"], ["New START"]),
        ("status=lapsed", ["New START", "ABM Treaty"], ["Paris Agreement"]),
        ("status=in_force&category=nonproliferation", ["NPT"], ["New START", "CTBT"]),
        ("status=not_in_force", ["CTBT"], ["NPT"]),
        ("status=suspended", ["CFE Treaty"], ["NPT"]),
        ("category=environment", ["Paris Agreement", "UNFCCC"], ["New START"]),
        ("party=russia", ["New START", "CFE Treaty"], ["Paris Agreement"]),
        ("kind=bilateral", ["New START", "SORT"], ["NPT"]),
        ("due_within=60&on=2025-12-01", ["Paris Agreement"], ["New START", "SORT"]),
        ("due_within=70&on=2025-12-01", ["New START", "Paris Agreement"], ["SORT"]),
    ],
)
def test_each_filter_narrows_the_treaty_list(reference_data, client, query, present, absent):
    body = text(page(client, f"/treaties/?{query}"))
    for name in present:
        assert f" {name} " in body
    for name in absent:
        assert f" {name} " not in body


def test_searching_a_party_name_finds_what_the_party_filter_finds(reference_data, client):
    def found(query):
        return set(re.findall(r'href="/treaties/([a-z0-9-]+)/"><strong>', page(client, f"/treaties/?{query}")))

    by_filter = found("party=russia")
    assert len(by_filter) > 4 and found("q=Russia") >= by_filter


@pytest.mark.parametrize("filters", [{"q": "Russia"}, {"party": "russia"}, {"q": "a", "sort": "name"},
                                     {"party": "united-states", "sort": "entry_into_force"}])
def test_a_search_or_party_finds_the_same_treaties_in_the_same_order_whether_few_or_many(reference_data, monkeypatch,
                                                                                        filters):
    # Up to `FEW` ids found are named to the database one by one, more are left to a subquery: the same list.
    from treaties import selectors

    def found():
        return list(selectors.treaty_search(selectors.TreatyFilters(**filters), dt.date(2026, 11, 30))
                    .values_list("slug", flat=True))

    named = found()
    monkeypatch.setattr(selectors, "FEW", 1)
    assert len(named) > 1 and found() == named


def test_the_list_sorts_by_next_deadline_name_or_entry_into_force(reference_data, client):
    def order(sort):
        html = page(client, f"/treaties/?sort={sort}&on=2025-12-01")
        return re.findall(r'href="/treaties/([a-z0-9-]+)/\?on=2025-12-01"><strong>', html)

    by_deadline = order("next_deadline")
    soonest = [d.treaty.slug for d in upcoming_deadlines(dt.date(2025, 12, 1), limit=200)]
    assert by_deadline[:3] == list(dict.fromkeys(soonest))[:3]
    assert by_deadline[0] == "ottawa-convention"  # the Baltic states' withdrawals, 27 December 2025
    assert order("name")[:3] == list(Treaty.objects.order_by("short_name").values_list("slug", flat=True)[:3])
    entries = dict(TreatyEvent.objects.filter(kind="entered_into_force").values_list("treaty__slug", "date"))
    by_entry = [slug for slug in order("entry_into_force") if slug in entries]
    assert by_entry[:3] == sorted(by_entry, key=entries.get)[:3]


def test_the_list_by_next_deadline_is_every_treaty_in_the_order_of_its_soonest_deadline_on_any_day(reference_data):
    from treaties.derived import record_changed
    from treaties.models import Deadline
    from treaties.selectors import TreatyFilters, treaty_search

    # A range that opened years before the day it is read on: the list's walk up the index must not start after it.
    ranged = Treaty.objects.create(name="Ranged Treaty", short_name="Ranged", slug="ranged", category="trade")
    Deadline.objects.create(treaty=ranged, kind="review", date=dt.date(2012, 3, 1), precision="range",
                            date_until=dt.date(2031, 1, 1), key="r", description="A review, some time.")
    record_changed(treaty_ids=[ranged.pk])
    treaties = list(Treaty.objects.all())
    for on in (dt.date(1995, 6, 1), dt.date(2019, 6, 1), dt.date(2025, 12, 1), dt.date(2040, 1, 1)):
        soonest = {}
        for deadline in upcoming_deadlines(on, limit=10_000):
            soonest.setdefault(deadline.treaty_id, deadline.date)
        expected = sorted(treaties, key=lambda t: (soonest.get(t.pk, dt.date.max), t.short_name, t.pk))
        assert list(treaty_search(TreatyFilters(), on)) == expected, on
        if on.year in (2019, 2025):
            assert soonest[ranged.pk] == dt.date(2012, 3, 1)


def test_a_list_counted_from_the_kept_status_counts_has_the_length_it_says(reference_data):
    from treaties.selectors import STATUS_FILTERS, TreatyFilters, treaties_counted, treaty_search

    for on in (dt.date(1960, 1, 1), dt.date(2001, 1, 1), dt.date(2026, 2, 6), dt.date(2050, 1, 1)):
        for status in ["", *STATUS_FILTERS]:
            filters = TreatyFilters(status=status)
            counted = treaties_counted(filters, on)
            assert counted is None or counted == treaty_search(filters, on).count(), (on, status)
            assert (counted is None) == (status not in ("", *BUCKETS)), status
    assert treaties_counted(TreatyFilters(q="start"), dt.date(2026, 1, 1)) is None


def test_a_bad_filter_gets_a_clear_message_and_a_400(reference_data, client):
    html = page(client, "/treaties/?due_within=soon&status=gone", status=400)
    assert "Falls due within (days): Enter a whole number." in text(html)
    assert "Select a valid choice. gone is not one of the available choices." in text(html)


def test_the_list_paginates_and_keeps_the_filters_in_the_links(db, client):
    make_treaties(60)
    html = page(client, "/treaties/?category=trade&sort=name")
    assert "Page 1 of 2" in html
    assert 'href="?category=trade&amp;page=2&amp;sort=name"' in html
    assert "GT-0058" not in html
    assert "GT-0058" in page(client, "/treaties/?category=trade&sort=name&page=2")


# Treaty page


def test_new_starts_page_shows_its_passed_expiry_extension_suspension_and_the_tass_interview(reference_data, client):
    html = page(client, "/treaties/new-start/")
    body = text(html)
    assert "Expired" in body
    assert "5 February 2026 — Deadline: Expiry · 295 days ago" in body
    assert "3 February 2021 — Extended" in body
    assert "21 February 2023 — Suspended (Russia)" in body
    assert "It’s quite possible that after New START expires in February 2026, a vacuum will be created" in body
    assert 'href="https://tass.com/politics/1608067"' in html
    assert "Grigory Mashkov, Ambassador-at-Large, Russian Foreign Ministry" in body


def test_new_starts_page_as_of_december_2025_is_in_force_suspended_with_66_days_to_go(reference_data, client):
    body = text(page(client, "/treaties/new-start/?on=2025-12-01"))
    assert "In force since 5 February 2011 — 15 years ago Suspended by Russia since 21 February 2023" in body
    assert "Next deadline: Expiry, 5 February 2026 — in 66 days" in body
    assert "Email me before New START’s deadlines" in body
    assert "Suspended by Russia from 21 February 2023, still suspended on 1 December 2025." in body
    # Not yet known on that day:
    later = Statement.objects.filter(treaties__slug="new-start", date__gt=dt.date(2025, 12, 1))
    assert later.exists() and not [s.title for s in later if s.title in body]
    assert "5 February 2026 — Expired" not in body


def test_new_starts_page_leads_with_its_expiry_and_offers_no_alerts_it_would_never_send(reference_data, client):
    html = page(client, "/treaties/new-start/")
    main = text(html.split('<main id="main"')[1])
    lead = main.split("Status on 27 November 2026")[1].strip()
    assert lead.startswith("Expired on 5 February 2026 — 295 days ago"), lead[:200]
    assert "Nothing is left to fall due" in lead.split("About")[0]
    assert "Email me before" not in main
    assert 'class="status-panel status-expired"' in html


def test_a_treaty_still_in_force_offers_alerts_under_its_status(reference_data, client):
    main = text(page(client, "/treaties/paris-agreement/").split('<main id="main"')[1])
    lead = main.split("Status on 27 November 2026")[1].split("About")[0]
    assert lead.strip().startswith("In force since 4 November 2016")
    assert "Email me before Paris Agreement’s deadlines" in lead


def test_every_date_on_a_treaty_page_links_to_its_source(reference_data, client):
    html = page(client, "/treaties/new-start/")
    timeline = html.split('<ol class="timeline"')[1].split("</ol>")[0]
    entries = timeline.count('<li class="event') + timeline.count('<li class="deadline')
    assert entries > 14
    assert timeline.count("Source: <a href=") == entries
    assert "Source: <a" in timeline and "(official)</a>" in timeline  # the publisher and the kind of source


def test_provision_sources_are_named_by_publisher_and_kind_not_numbered(reference_data, client):
    body = text(page(client, "/treaties/new-start/"))
    sources = body.split("Sources:")[1].split("Contested")[0]
    assert "U.S. Department of State (official)" in sources  # the publisher the record gives state.gov elsewhere
    assert "foreignpolicyblogs.com" in sources  # a site the record names nowhere else keeps its own name
    assert "[1]" not in body


def test_no_event_on_new_starts_timeline_is_typed_other(reference_data, client):
    html = page(client, "/treaties/new-start/")
    assert "— Other" not in text(html.split('<ol class="timeline"')[1])


def test_a_month_precision_date_is_shown_as_a_month(reference_data, client):
    body = text(page(client, "/treaties/open-skies/"))
    assert "December 2021 — Withdrawn (Russia)" in body
    assert "1 December 2021" not in body


def test_a_treaty_page_says_the_provisions_in_plain_words(reference_data, client):
    body = text(page(client, "/treaties/new-start/"))
    assert "Runs for 10 years from entry into force." in body
    assert "May be extended once, for up to 5 years." in body
    assert "withdrawal takes effect 6 months after notice" in text(page(client, "/treaties/inf/"))


def test_an_unknown_treaty_is_a_styled_404(reference_data, client):
    html = page(client, "/treaties/no-such-treaty/", status=404)
    assert "<h1>Page not found</h1>" in html
    assert "list of treaties" in html


def test_a_bad_as_of_day_is_refused_with_a_message(reference_data, client):
    html = page(client, "/treaties/new-start/?on=31-12-2025", status=400)
    assert "is not a date the tracker can show. Use ?on=YYYY-MM-DD" in text(html)
    page(client, "/?on=2025-02-30", status=400)
    page(client, "/?on=0001-01-01", status=400)


# Parties, statements, timeline


def test_a_party_page_lists_what_it_did_in_each_treaty(reference_data, client):
    body = text(page(client, "/parties/russia/"))
    assert "New START" in body
    assert "21 February 2023 : suspended" in body
    assert "7 November 2023 : withdrawn" in body  # CFE


@pytest.mark.parametrize(
    "query, present, absent",
    [
        ("q=vacuum", ["Russian envoy", "Lavrov"], ["Kremlin warns"]),
        ("treaty=new-start", ["Russian envoy", "Kremlin warns"], []),
        ("treaty=npt", [], ["Russian envoy"]),
        ("outlet=tass", ["Russian envoy"], []),
        ("speaker=peskov", ["Kremlin warns"], ["Lavrov"]),
        ("date_from=2026-01-01&date_to=2026-01-31", ["Kremlin warns"], ["Lavrov", "Russian envoy"]),
    ],
)
def test_statements_filter_by_words_treaty_outlet_speaker_and_dates(reference_data, client, query, present, absent):
    body = text(page(client, f"/statements/?{query}"))
    for words in present:
        assert words in body
    for words in absent:
        assert words not in body


def test_a_reversed_date_range_is_explained(reference_data, client):
    body = text(page(client, "/statements/?date_from=2026-02-01&date_to=2026-01-01", status=400))
    assert "“From” must be on or before “To”." in body


def test_a_statement_page_shows_the_quote_speaker_and_link(reference_data, client):

    statement = Statement.objects.get(url="https://tass.com/politics/1608067")
    html = page(client, f"/statements/{statement.pk}/")
    assert "Grigory Mashkov" in html
    assert "The page shows no year" in html
    assert 'href="https://tass.com/politics/1608067"' in html


def test_the_timeline_draws_every_treaty_as_a_linked_bar_with_a_text_alternative(reference_data, client):
    html = page(client, "/timeline/")
    assert html.count('<a class="tl-row" href="/treaties/') == 40
    assert '<table>' in html.split('<details class="tl-table">')[1]
    assert "New START: signed, not in force from 8 Apr 2010" in html
    assert "in force, suspended by Russia from 21 Feb 2023" in html


def test_the_timeline_filters_by_category(reference_data, client):
    html = page(client, "/timeline/?category=environment")
    assert "/treaties/paris-agreement/" in html
    assert "/treaties/new-start/" not in html


# Every page


PAGES = ["/", "/treaties/", "/treaties/new-start/", "/parties/russia/", "/statements/", "/timeline/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_one_h1_a_title_a_description_and_landmarks(reference_data, client, url):
    html = page(client, url)
    assert html.count("<h1") == 1
    assert re.search(r"<title>[^<]+ · Treaty Tracker</title>", html)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert "<main" in html and "<nav" in html and "<header" in html and "<footer" in html
    assert 'rel="icon"' in html


BOUNDED = ["/", "/treaties/", "/parties/russia/", "/statements/", "/timeline/", "/timeline/?from=1800&to=2199",
           "/timeline/?on=2001-01-01&category=trade", "/treaties/gt-0000/",
           "/statements/?treaty=gt-0000", "/statements/?q=statement+words", "/statements/?q=words&sort=newest",
           "/treaties/?status=suspended", "/treaties/?due_within=30&q=GT",
           "/treaties/?on=2001-01-01&status=in_force", "/?on=2001-01-01"]


@pytest.mark.parametrize("count", [1, 300])
def test_pages_make_a_bounded_number_of_queries_whatever_the_data_size(db, client, django_assert_max_num_queries,
                                                                       count):
    from treaties.models import Party

    make_treaties(count)
    Party.objects.get_or_create(slug="russia", defaults={"name": "Russian Federation"})
    for url in BOUNDED:
        # Live statuses for another day (?on=) take four more queries than the stored copy.
        with django_assert_max_num_queries(16 if "on=" in url else 12):
            response = client.get(url)
        assert response.status_code == 200, url


def test_as_of_a_past_day_deadlines_from_later_events_are_not_shown(reference_data, client):
    body = text(page(client, "/?on=2018-06-01"))
    assert "INF Treaty — withdrawal takes effect" not in body  # the notice came in February 2019
    body = text(page(client, "/treaties/new-start/?on=2020-06-01"))
    # The extension that set 5 February 2026 came in 2021: then, the ten-year term's end was due.
    assert "5 February 2021 — Deadline: Expiry" in body
    assert "5 February 2026" not in body
    assert "Lavrov" not in text(page(client, "/statements/?on=2025-12-01"))


def test_the_coverage_page_counts_what_the_record_holds(reference_data, client, django_assert_max_num_queries):
    from treaties.models import Dispute

    with django_assert_max_num_queries(12):
        body = text(page(client, "/coverage/"))
    assert f"{Treaty.objects.count()} treaties and agreements" in body
    assert f"{Dispute.objects.count()} contested facts" in body
    assert "Treaty text: " in body and "Press: " in body and "Russian official: " in body
    assert "New START 30 November 2026 Checked against" in body


def test_a_treaty_page_says_how_to_cite_it_with_a_link_fixed_to_its_day(reference_data, client, settings):
    settings.SITE_URL = "https://treaties.example.org"
    body = text(page(client, "/treaties/new-start/?on=2025-12-01"))
    version = versions.current().number
    assert (f"Treaty Tracker, “New START”, as of 1 December 2025, record version {version}. "
            "https://treaties.example.org/treaties/new-start/?on=2025-12-01 (accessed 27 November 2026).") in body


@pytest.mark.django_db
def test_the_dashboard_lists_every_date_still_to_come_whatever_its_precision():
    from treaties.models import Deadline
    from treaties.selectors import passed_deadlines

    treaty = Treaty.objects.create(name="Test Treaty", short_name="TT", slug="tt", category="arms_control")
    on = dt.date(2026, 6, 15)
    dates = [  # (date, precision, until): some still to come on `on`, some passed
        (dt.date(2026, 6, 14), "day", None), (dt.date(2026, 6, 15), "day", None), (dt.date(2026, 6, 1), "month", None),
        (dt.date(2026, 5, 1), "month", None), (dt.date(2026, 1, 1), "year", None), (dt.date(2025, 1, 1), "year", None),
        (dt.date(2019, 3, 1), "range", dt.date(2027, 1, 1)),  # began years ago, still open: to come
        (dt.date(2019, 3, 1), "range", dt.date(2026, 6, 14)), (dt.date(2027, 2, 2), "day", None),
    ]
    for n, (date, precision, until) in enumerate(dates):
        Deadline.objects.create(treaty=treaty, kind="expiry", date=date, precision=precision, date_until=until,
                                key=f"k{n}", description="x")
    to_come = sorted((d for d in Deadline.objects.all() if d.when.latest >= on), key=lambda d: (d.date, d.pk))
    gone = sorted((d for d in Deadline.objects.all() if d.when.latest < on), key=lambda d: (d.date, d.pk))
    assert upcoming_deadlines(on, limit=20) == to_come and len(to_come) == 5
    assert upcoming_deadlines(on, limit=2) == to_come[:2]
    assert passed_deadlines(on, limit=20) == gone[::-1]


def test_a_treaty_written_without_record_changed_still_shows_its_status_everywhere(db, client, caplog):
    # A shell's `objects.create` stores no status intervals; the pages derive them rather than fail, and the log
    # names the treaty so that its writer can be mended.
    treaty = Treaty.objects.create(name="Unstored Treaty", short_name="Unstored", slug="unstored",
                                   category="arms_control", kind="bilateral")
    for kind, day in [("signed", dt.date(2019, 6, 1)), ("entered_into_force", dt.date(2020, 3, 1))]:
        TreatyEvent.objects.create(treaty=treaty, kind=kind, date=day, description=f"{kind}.",
                                   source_url="https://example.org/e")
    assert not treaty.status_intervals.exists()
    for url, day in [("/treaties/unstored/", None), ("/treaties/", None), ("/timeline/", None),
                     ("/api/v1/treaties/unstored/", None), ("/treaties/unstored/?on=2019-01-01", dt.date(2019, 1, 1))]:
        response = client.get(url)
        assert response.status_code == 200, url
        status = live_statuses_on(day or dt.date.today(), [treaty.pk])[treaty.pk]
        assert status.label in response.content.decode(), url
    assert status.label == "not yet signed"
    assert live_statuses_on(dt.date.today(), [treaty.pk])[treaty.pk].label == "in force"
    assert f"No stored status for treaties [{treaty.pk}]" in caplog.text
    assert not treaty.status_intervals.exists()  # a read stores nothing
