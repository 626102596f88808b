import datetime as dt

import pytest
from icalendar import Calendar

from treaties.models import Deadline, Treaty


def calendar(client, url) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar):
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_new_starts_expiry_is_an_all_day_event_on_5_february_2026(reference_data, client):
    expiry = events(calendar(client, "/treaties/new-start/calendar.ics"))["New START: expiry"]
    assert expiry.decoded("DTSTART") == dt.date(2026, 2, 5)
    assert expiry.decoded("DTEND") == dt.date(2026, 2, 6)
    assert isinstance(expiry.decoded("DTSTART"), dt.date) and not isinstance(expiry.decoded("DTSTART"), dt.datetime)
    assert str(expiry["URL"]).endswith("/treaties/new-start/")
    assert "Source: https://www.ejiltalk.org/" in str(expiry["DESCRIPTION"])


def test_a_month_precision_deadline_says_so_and_spans_its_month(reference_data, client):
    treaty = Treaty.objects.get(slug="npt")
    Deadline.objects.create(treaty=treaty, kind="review_conference", date=dt.date(2030, 4, 1), precision="month",
                            source_url="https://example.org/npt-2030")
    cal_events = events(calendar(client, "/treaties/npt/calendar.ics"))
    conference = cal_events["NPT: review conference — April 2030, day not known"]
    assert conference.decoded("DTSTART") == dt.date(2030, 4, 1)
    assert conference.decoded("DTEND") == dt.date(2030, 5, 1)


def test_uids_are_stable_so_a_moved_deadline_replaces_its_event(reference_data, client):
    before = events(calendar(client, "/calendar.ics"))["New START: expiry"]
    deadline = Deadline.objects.get(treaty__slug="new-start", kind="expiry", superseded_by=None)
    deadline.date = dt.date(2026, 2, 4)
    deadline.save()
    after = events(calendar(client, "/calendar.ics"))["New START: expiry"]
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) >= int(before["SEQUENCE"])
    assert after.decoded("DTSTART") == dt.date(2026, 2, 4)


@pytest.mark.parametrize("url, present, absent", [
    ("/calendar.ics", ["New START: expiry", "Paris Agreement: withdrawal takes effect (United States)"], []),
    ("/categories/environment/calendar.ics", ["Paris Agreement: withdrawal takes effect (United States)"],
     ["New START: expiry"]),
    ("/parties/russia/calendar.ics", ["New START: expiry"],
     ["Paris Agreement: withdrawal takes effect (United States)"]),
])
def test_calendars_per_category_and_party_hold_their_deadlines(reference_data, client, url, present, absent):
    summaries = set(events(calendar(client, url)))
    assert set(present) <= summaries
    assert not set(absent) & summaries


def test_an_unknown_category_calendar_is_a_404_that_lists_the_categories(reference_data, client):
    response = client.get("/categories/fishing/calendar.ics")
    assert response.status_code == 404
    assert "arms_control" in response.content.decode()


def test_pages_offer_a_webcal_subscription(reference_data, client):
    html = client.get("/treaties/new-start/").content.decode()
    assert 'href="webcal://testserver/treaties/new-start/calendar.ics"' in html


def test_a_subscriber_has_a_private_calendar_of_what_they_follow_revoked_with_their_links(reference_data, client):
    from django.utils import timezone

    from alerts import signed_links
    from alerts.models import Subscription
    from alerts.reminders import DEFAULT_LEADS, mask_from_leads

    subscription = Subscription.objects.create(email="reader@example.org", confirmed_at=timezone.now(),
                                               lead_mask=mask_from_leads(DEFAULT_LEADS), time_zone="UTC", hour=8)
    subscription.treaties.set([Treaty.objects.get(slug="new-start")])
    url = signed_links.calendar_url(subscription).removeprefix("http://127.0.0.1:8000")
    summaries = list(events(calendar(client, url)))
    assert summaries == ["New START: expiry"]  # the 2021 expiry the extension replaced never fell due

    subscription.secret = "rotated-by-an-administrator"
    subscription.save()
    assert client.get(url).status_code == 404
    assert client.get("/alerts/calendar/forged.ics").status_code == 404
