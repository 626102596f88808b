import datetime as dt
import gzip

import pytest
import time_machine
from django.utils.http import http_date
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from treaties import calendars, versions
from treaties.derived import record_changed
from treaties.models import Category, Deadline, Party, Statement, Treaty
from treaties.reference_data import load_reference_data


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


# Subscribers' view over time: stable UIDs, a SEQUENCE for every change they would see, fresh answers, strict parsers

def thailands_clearance() -> Deadline:
    return Deadline.objects.get(treaty__slug="ottawa-convention", key="clearance-due-2026-12-31")


def event_of(client, url, deadline: Deadline):
    uid = calendars.uid(Deadline.objects.select_related("treaty", "derived_from").get(pk=deadline.pk))
    response = client.get(url)
    found = [e for e in Calendar.from_ical(response.content).walk("VEVENT") if str(e["UID"]) == uid]
    assert len(found) == 1
    return response, found[0]


def a_change_shows(client, url, deadline, change) -> tuple:
    before_response, before = event_of(client, url, deadline)
    change()
    after_response, after = event_of(client, url, deadline)
    assert after_response.content != before_response.content
    assert after_response["ETag"] != before_response["ETag"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    return before, after


def test_renaming_a_party_in_the_admin_renews_its_deadlines_in_the_calendar(reference_data, client, admin_client):
    deadline = thailands_clearance()
    thailand = deadline.parties.get()
    url = f"/parties/{thailand.slug}/calendar.ics"

    def rename():
        response = admin_client.post(f"/admin/treaties/party/{thailand.pk}/change/", {
            "name": thailand.name, "short_name": "Siam", "slug": thailand.slug, "iso_code": thailand.iso_code,
            "note": thailand.note})
        assert response.status_code == 302

    before, after = a_change_shows(client, url, deadline, rename)
    assert "(Thailand)" in str(before["SUMMARY"])
    assert "(Siam)" in str(after["SUMMARY"])


def test_changing_a_deadlines_parties_renews_its_event(reference_data, client):
    deadline = thailands_clearance()

    def add_cambodia():
        deadline.parties.add(Party.objects.get(slug="cambodia"))
        record_changed(treaty_ids=[deadline.treaty_id])

    before, after = a_change_shows(client, "/treaties/ottawa-convention/calendar.ics", deadline, add_cambodia)
    assert "Cambodia" in str(after["SUMMARY"]) and "Cambodia" not in str(before["SUMMARY"])


def test_renaming_a_treaty_renews_every_one_of_its_events(reference_data, client):
    deadline = thailands_clearance()

    def rename():
        Treaty.objects.filter(slug="ottawa-convention").update(short_name="Mine Ban Treaty")
        record_changed(treaty_ids=[deadline.treaty_id])

    _, after = a_change_shows(client, "/calendar.ics", deadline, rename)
    assert str(after["SUMMARY"]).startswith("Mine Ban Treaty: ")


def test_moving_a_deadline_renews_its_event_and_keeps_its_uid(reference_data, client):
    deadline = thailands_clearance()

    def move():
        deadline.date = dt.date(2027, 12, 31)
        deadline.save()
        record_changed(treaty_ids=[deadline.treaty_id])

    before, after = a_change_shows(client, "/calendar.ics", deadline, move)
    assert after["UID"] == before["UID"]
    assert after.decoded("DTSTART") == dt.date(2027, 12, 31)


def test_two_edits_in_the_same_second_give_two_sequences_stamped_with_their_time(reference_data, client):
    deadline = thailands_clearance()
    url = "/treaties/ottawa-convention/calendar.ics"
    moment = dt.datetime(2026, 12, 1, 9, 30, 15, tzinfo=dt.UTC)
    sequences = [int(event_of(client, url, deadline)[1]["SEQUENCE"])]
    with time_machine.travel(moment, tick=False):
        for day in (dt.date(2027, 1, 31), dt.date(2027, 2, 28)):
            deadline.date = day
            deadline.save()
            record_changed(treaty_ids=[deadline.treaty_id])
            _, event = event_of(client, url, deadline)
            sequences.append(int(event["SEQUENCE"]))
            assert event.decoded("DTSTAMP") == moment == event.decoded("LAST-MODIFIED")
    assert sequences == [sequences[0], sequences[0] + 1, sequences[0] + 2]


def test_saving_a_deadline_with_nothing_a_subscriber_sees_changed_keeps_its_sequence(reference_data, client):
    deadline = thailands_clearance()
    before = event_of(client, "/calendar.ics", deadline)[1]
    deadline.editor_note = "Checked again: no news from Bangkok."
    deadline.save()
    record_changed(treaty_ids=[deadline.treaty_id])
    after = event_of(client, "/calendar.ics", deadline)[1]
    assert after["SEQUENCE"] == before["SEQUENCE"] and after["DTSTAMP"] == before["DTSTAMP"]


def uids_and_stamps(client) -> dict:
    return {str(e["UID"]): (str(e["SUMMARY"]), int(e["SEQUENCE"]), e.decoded("DTSTAMP"))
            for e in Calendar.from_ical(client.get("/calendar.ics").content).walk("VEVENT")}


def test_uids_sequences_and_stamps_are_the_same_after_a_fresh_load_and_a_new_domain(reference_data, client, settings):
    first = uids_and_stamps(client)
    assert len(first) > 50 and all(sequence == 0 for _, sequence, _ in first.values())

    load_reference_data()  # again, over the same data: nothing a subscriber sees changed
    assert uids_and_stamps(client) == first

    Statement.objects.all().delete()
    Treaty.objects.all().delete()
    Party.objects.all().delete()
    load_reference_data()  # a fresh database: every row has a new id
    assert uids_and_stamps(client) == first

    settings.SITE_URL = "https://treaties.example.org"
    assert uids_and_stamps(client) == first
    assert "URL:https://treaties.example.org/treaties/" in client.get("/calendar.ics").content.decode()


def test_a_deadline_an_editor_gave_no_key_gets_one_so_its_uid_survives_a_new_date(reference_data, client):
    treaty = Treaty.objects.get(slug="npt")
    deadline = Deadline.objects.create(treaty=treaty, kind="review_conference", date=dt.date(2031, 4, 27))
    record_changed(treaty_ids=[treaty.pk])
    deadline.refresh_from_db()
    assert deadline.key == "review-conference-2031-04-27"  # what an export would have called it
    before = event_of(client, "/treaties/npt/calendar.ics", deadline)[1]
    deadline.date = dt.date(2031, 5, 4)
    deadline.save()
    record_changed(treaty_ids=[treaty.pk])
    after = event_of(client, "/treaties/npt/calendar.ics", deadline)[1]
    assert after["UID"] == before["UID"] and int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1


def every_calendar_url() -> list[str]:
    return (["/calendar.ics"] + [f"/categories/{c}/calendar.ics" for c in Category.values]
            + [f"/treaties/{slug}/calendar.ics" for slug in Treaty.objects.values_list("slug", flat=True)]
            + [f"/parties/{slug}/calendar.ics" for slug in Party.objects.values_list("slug", flat=True)])


def test_every_calendar_passes_the_strict_ical_parser_and_icalendar(reference_data, client):
    empty = 0
    for url in every_calendar_url():
        body = client.get(url).content
        text = body.decode()
        assert "\r\nX-PUBLISHED-TTL:PT6H\r\n" in text and "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in text, url
        parsed = IcsCalendarStream.calendar_from_ics(text)  # raises on anything RFC 5545 does not allow
        cal = Calendar.from_ical(body)
        assert len(parsed.events) == len(cal.walk("VEVENT")), url
        assert parsed.timezones, url  # so a calendar with no event still has the component RFC 5545 requires
        empty += not parsed.events
    assert empty  # some treaties have nothing to come, and their calendars are valid too


def test_calendars_say_how_fresh_they_are_and_answer_304_when_unchanged(reference_data, client):
    url = "/treaties/new-start/calendar.ics"
    response = client.get(url)
    version = versions.current()
    assert response["ETag"].startswith(f'"{version.etag}-')
    assert response["Last-Modified"] == http_date(version.changed_at.timestamp())
    assert response["Cache-Control"] == "public, max-age=900"
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == response["ETag"] and head["Last-Modified"] == response["Last-Modified"]
    for conditions in ({"HTTP_IF_NONE_MATCH": response["ETag"]},
                       {"HTTP_IF_MODIFIED_SINCE": response["Last-Modified"]}):
        for method in (client.get, client.head):
            not_modified = method(url, **conditions)
            assert not_modified.status_code == 304 and not_modified.content == b""
            assert not_modified["ETag"] == response["ETag"]
    assert client.get("/calendar.ics")["ETag"] != response["ETag"]  # another calendar, another tag

    Treaty.objects.filter(slug="new-start").update(short_name="New START treaty")
    record_changed(treaty_ids=[Treaty.objects.get(slug="new-start").pk])
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_calendars_are_compressed_for_clients_that_accept_it(reference_data, client):
    plain = client.get("/calendar.ics")
    compressed = client.get("/calendar.ics", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain and compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) * 3 < len(plain.content)
    assert "Accept-Encoding" in compressed["Vary"]
    assert client.get("/calendar.ics", HTTP_ACCEPT_ENCODING="gzip",
                      HTTP_IF_NONE_MATCH=compressed["ETag"]).status_code == 304


def test_a_subscribers_private_calendar_is_private_uncompressed_and_changes_with_their_choices(reference_data,
                                                                                              client):
    from django.utils import timezone

    from alerts import signed_links
    from alerts.models import Subscription
    from alerts.reminders import DEFAULT_LEADS, mask_from_leads

    subscription = Subscription.objects.create(email="reader@example.org", confirmed_at=timezone.now(),
                                               lead_mask=mask_from_leads(DEFAULT_LEADS), time_zone="UTC", hour=8)
    subscription.treaties.set([Treaty.objects.get(slug="new-start")])
    url = signed_links.calendar_url(subscription).removeprefix("http://127.0.0.1:8000")
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in first and first["Cache-Control"] == "private, max-age=900"
    subscription.treaties.add(Treaty.objects.get(slug="ottawa-convention"))  # not a change to the record
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "Ottawa" in second.content.decode() and "Ottawa" not in first.content.decode()

    subscription.treaties.clear()
    assert not Calendar.from_ical(client.get(url).content).walk("VEVENT")


def test_pages_link_every_calendar_with_webcal_and_google_calendar(reference_data, client):
    google = "https://calendar.google.com/calendar/render?cid=webcal://testserver"
    pages = {
        "/": ["/calendar.ics"] + [f"/categories/{c}/calendar.ics" for c in Category.values],
        "/treaties/new-start/": ["/treaties/new-start/calendar.ics", "/categories/arms_control/calendar.ics"],
        "/parties/russia/": ["/parties/russia/calendar.ics"],
        "/treaties/?category=environment": ["/categories/environment/calendar.ics"],
        "/timeline/?category=health": ["/categories/health/calendar.ics"],
    }
    for page, calendars_linked in pages.items():
        html = client.get(page).content.decode()
        for path in calendars_linked:
            assert f'href="webcal://testserver{path}"' in html, (page, path)
            assert f'href="{google}{path}"' in html, (page, path)
            assert f'href="{path}"' in html, (page, path)
