"""The due-reminder rules, as plain values: no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts.reminders import (
    DEFAULT_LEADS,
    LEAD_CHOICES,
    DeadlineItem,
    DigestItem,
    NotAChange,
    change_headline,
    digest_sections,
    digest_subject,
    due_lead,
    effective_day,
    has_moved,
    headline,
    leads_from_mask,
    mask_from_leads,
    one_item_per_deadline,
    reminder_due,
    send_days,
)
from treaties.precision import PreciseDate

UTC = dt.UTC
FEB_5 = PreciseDate(dt.date(2026, 2, 5))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def due(when=FEB_5, *, now, leads=DEFAULT_LEADS, zone="UTC", hour=8):
    return reminder_due(leads=leads, when=when, now=now, time_zone=zone, hour=hour)


@pytest.mark.parametrize("lead", [90, 30, 7, 1])
def test_each_lead_time_comes_due_at_the_subscribers_hour_that_many_days_before(lead):
    day = dt.date(2026, 2, 5) - dt.timedelta(days=lead)
    assert due(now=at(f"{day}T07:59")) != lead
    assert due(now=at(f"{day}T08:00")) == lead


def test_the_on_the_day_reminder_comes_due_at_the_hour_on_the_day():
    assert due(now=at("2026-02-05T07:59")) == 1  # yesterday's 1-day reminder is still the latest due
    assert due(now=at("2026-02-05T08:00")) == 0


def test_a_lead_time_stays_due_until_the_next_one_takes_over():
    assert due(now=at("2026-01-20T12:00")) == 30
    assert due(now=at("2026-01-29T07:00")) == 30
    assert due(now=at("2026-01-29T08:00")) == 7


def test_nothing_is_due_before_the_longest_lead_time():
    assert due(now=at("2025-11-06T09:00")) is None  # 91 days before
    assert due(now=at("2025-11-07T09:00")) == 90


def test_after_downtime_only_the_latest_due_lead_time_is_sent():
    # Down from 100 days before to 3 days before: not 90, 30 and 7 in a burst, just 7.
    assert due(now=at("2026-02-02T09:00")) == 7


def test_no_reminder_once_the_deadline_has_passed():
    assert due(now=at("2026-02-06T09:00")) is None
    assert due(now=at("2026-03-01T09:00")) is None


def test_on_the_deadline_day_only_the_on_the_day_reminder_is_sent():
    assert due(now=at("2026-02-05T09:00"), leads=(30, 7, 1)) is None
    assert due(now=at("2026-02-05T09:00"), leads=(30, 7, 1, 0)) == 0


def test_a_subscriber_east_of_utc_gets_it_while_it_is_still_the_previous_day_in_utc():
    # 30 days before at 08:00 in Tokyo is 23:00 UTC the day before.
    assert due(now=at("2026-01-05T22:59"), zone="Asia/Tokyo") == 90
    assert due(now=at("2026-01-05T23:00"), zone="Asia/Tokyo") == 30


def test_a_subscriber_west_of_utc_gets_it_after_utc_midnight():
    # 08:00 in Los Angeles on 6 January is 16:00 UTC.
    assert due(now=at("2026-01-06T15:59"), zone="America/Los_Angeles") == 90
    assert due(now=at("2026-01-06T16:00"), zone="America/Los_Angeles") == 30


def test_the_hour_is_local_across_a_daylight_saving_change():
    # New York is UTC-4 in summer: 08:00 local is 12:00 UTC.
    when = PreciseDate(dt.date(2026, 7, 31))
    assert due(when, now=at("2026-07-01T11:59"), zone="America/New_York") == 90
    assert due(when, now=at("2026-07-01T12:00"), zone="America/New_York") == 30


def test_a_month_precision_deadline_counts_from_its_first_day():
    february = PreciseDate(dt.date(2026, 2, 1), "month")
    assert due(february, now=at("2026-01-02T08:00")) == 30
    assert due(february, now=at("2026-02-01T08:00")) == 0
    assert due(february, now=at("2026-02-02T08:00")) is None


def test_a_year_precision_deadline_counts_from_1_january():
    year = PreciseDate(dt.date(2027, 1, 1), "year")
    assert due(year, now=at("2026-12-25T08:00")) == 7


def test_effective_day_is_yesterday_until_the_hour_comes():
    assert effective_day(now=at("2026-01-10T06:00"), time_zone="UTC", hour=7) == dt.date(2026, 1, 9)
    assert effective_day(now=at("2026-01-10T07:00"), time_zone="UTC", hour=7) == dt.date(2026, 1, 10)


def test_send_days_puts_each_zone_and_hour_on_the_day_the_rules_give():
    now = at("2026-01-10T23:30")
    zones = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati"]
    days = send_days(now=now, zones=zones)
    for zone in zones:
        for hour in range(24):
            expected = effective_day(now=now, time_zone=zone, hour=hour)
            found = [day for day, clocks in days.items()
                     for first, last, members in clocks if zone in members and first <= hour <= last]
            assert found == [expected], (zone, hour)


def test_due_lead_agrees_with_the_plain_rule_for_every_choice_of_lead_times():
    for mask in range(1, 1 << len(LEAD_CHOICES), 37):
        leads = leads_from_mask(mask)
        for days_until in range(-3, 400):
            plain = None if days_until < 0 else (0 if 0 in leads else None) if days_until == 0 else min(
                (lead for lead in leads if lead >= days_until and lead > 0), default=None)
            assert due_lead(leads=leads, days_until=days_until) == plain, (leads, days_until)


def test_lead_times_round_trip_through_the_mask():
    assert leads_from_mask(mask_from_leads([0, 7, 90])) == [90, 7, 0]
    with pytest.raises(ValueError):
        mask_from_leads([5])


def test_a_deadline_has_moved_when_its_date_differs_or_it_is_gone():
    assert not has_moved(armed_for=dt.date(2026, 2, 5), current=dt.date(2026, 2, 5))
    assert has_moved(armed_for=dt.date(2026, 2, 5), current=dt.date(2027, 2, 5))
    assert has_moved(armed_for=dt.date(2026, 2, 5), current=None)


def test_the_headline_gives_days_and_date_for_a_day_and_never_a_false_day_for_a_month():
    assert headline(treaty="New START", kind="expiry", kind_label="Expiry", when=FEB_5,
                    today=dt.date(2026, 1, 6)) == "New START expires in 30 days — 5 February 2026"
    assert headline(treaty="New START", kind="expiry", kind_label="Expiry", when=FEB_5,
                    today=dt.date(2026, 2, 4)) == "New START expires tomorrow — 5 February 2026"
    february = PreciseDate(dt.date(2026, 2, 1), "month")
    assert headline(treaty="New START", kind="expiry", kind_label="Expiry", when=february,
                    today=dt.date(2026, 1, 2)) == "New START expires in February 2026"
    assert headline(treaty="INF Treaty", kind="withdrawal_effective", kind_label="Withdrawal takes effect",
                    when=FEB_5, today=dt.date(2026, 2, 5)
                    ) == "INF Treaty withdrawal takes effect today — 5 February 2026"


def test_a_digest_groups_changes_then_deadlines_soonest_first_then_newest_statements():
    items = [
        DigestItem("reminder", dt.date(2026, 3, 1), "later"),
        DigestItem("statement", dt.date(2026, 1, 1), "old statement"),
        DigestItem("reminder", dt.date(2026, 2, 5), "sooner"),
        DigestItem("deadline_changed", dt.date(2026, 6, 1), "moved"),
        DigestItem("statement", dt.date(2026, 1, 3), "new statement"),
    ]
    sections = digest_sections(items)
    assert [(title, [item.ref for item in members]) for title, members in sections] == [
        ("Deadlines that changed", ["moved"]),
        ("Coming up", ["sooner", "later"]),
        ("New statements", ["new statement", "old statement"]),
    ]
    assert digest_subject(items) == (
        "Your treaty digest: 2 deadlines coming up, 1 deadline changed, 2 new statements"
    )


def precise_dates(first: dt.date, last: dt.date):
    return st.builds(PreciseDate.truncate, st.dates(min_value=first, max_value=last),
                     st.sampled_from(["day", "day", "month", "year"]))


@given(before=precise_dates(dt.date(2020, 1, 1), dt.date(2032, 12, 31)),
       after=st.none() | precise_dates(dt.date(2020, 1, 1), dt.date(2032, 12, 31)))
def test_a_change_headline_never_says_a_deadline_moved_to_the_date_it_had(before, after):
    try:
        text = change_headline(treaty="New START", kind_label="Expiry", before=before, after=after)
    except NotAChange:
        assert after is not None and after.value == before.value
        return
    if after is None:
        assert text == f"New START: deadline of {before} removed"
    else:
        assert text == f"New START: expiry moved from {before} to {after}" and str(before) != str(after)


def test_a_digest_keeps_one_item_per_deadline_the_change_notice_or_else_the_latest_reminder_due():
    items = [
        DeadlineItem(1, "reminder", deadline_id=10, lead_days=1),
        DeadlineItem(2, "reminder", deadline_id=10, lead_days=0),
        DeadlineItem(3, "reminder", deadline_id=11, lead_days=7),
        DeadlineItem(4, "reminder", deadline_id=12, lead_days=30),
        DeadlineItem(5, "deadline_changed", deadline_id=12),
        DeadlineItem(6, "deadline_changed", deadline_id=12),
    ]
    assert one_item_per_deadline(items) == {1: 2, 4: 6, 5: 6}
