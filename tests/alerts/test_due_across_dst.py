"""Which reminder is due, across time zones and the days clocks change (the last Sundays of March and October in
Europe; the second Sunday of March and the first of November in the United States), checked three ways: the
rule in `alerts.reminders`, the scan's SQL over real subscriptions, and a plain statement of the promise
("each lead time goes at the subscriber's hour, that many days before; only the latest due one")."""

import calendar
import datetime as dt
import zoneinfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts import scan
from alerts.models import ReminderDelivery
from alerts.reminders import LEAD_CHOICES, reminder_due
from tests.support.alerts_records import subscriber, treaty
from treaties.models import Deadline
from treaties.precision import PreciseDate

UTC = dt.UTC
EUROPE = ["Europe/London", "Europe/Berlin", "Europe/Helsinki", "Europe/Lisbon"]
AMERICA = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/St_Johns"]
ELSEWHERE = ["UTC", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Pacific/Chatham", "Pacific/Kiritimati"]


def sundays(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, day) for week in calendar.monthcalendar(year, month) if (day := week[6])]


def clock_changes(year: int) -> dict[str, dt.date]:
    return {
        "Europe, spring": sundays(year, 3)[-1], "Europe, autumn": sundays(year, 10)[-1],
        "US, spring": sundays(year, 3)[1], "US, autumn": sundays(year, 11)[0],
    }


def test_the_clock_change_days_are_the_real_ones():
    assert clock_changes(2026) == {"Europe, spring": dt.date(2026, 3, 29), "Europe, autumn": dt.date(2026, 10, 25),
                                   "US, spring": dt.date(2026, 3, 8), "US, autumn": dt.date(2026, 11, 1)}
    for year in range(2026, 2031):
        for name, day in clock_changes(year).items():
            zone = zoneinfo.ZoneInfo("Europe/Berlin" if name.startswith("Europe") else "America/New_York")
            before, after = (dt.datetime.combine(day + dt.timedelta(days=n), dt.time(12), tzinfo=zone)
                             for n in (-1, 1))
            assert before.utcoffset() != after.utcoffset(), (name, day)


def send_moment(day: dt.date, hour: int, zone: str) -> dt.datetime:
    """When the subscriber's hour comes on `day`: a skipped hour comes when the clock jumps past it, a repeated
    one the first time round (zoneinfo's fold=0 reading of the wall time)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


def promised(*, leads, earliest: dt.date, now: dt.datetime, zone: str, hour: int) -> int | None:
    """The promise in plain terms: nothing once the deadline's day is over; on the day only "on the day"; before
    it, the shortest lead time whose moment has come."""
    if send_moment(earliest + dt.timedelta(days=1), hour, zone) <= now:
        return None
    if send_moment(earliest, hour, zone) <= now:
        return 0 if 0 in leads else None
    come = [lead for lead in leads if lead and send_moment(earliest - dt.timedelta(days=lead), hour, zone) <= now]
    return min(come, default=None)


changes = st.builds(lambda year, name: clock_changes(year)[name], st.integers(2026, 2030),
                    st.sampled_from(["Europe, spring", "Europe, autumn", "US, spring", "US, autumn"]))
zones = st.sampled_from(EUROPE + AMERICA + ELSEWHERE)
lead_sets = st.sets(st.sampled_from(LEAD_CHOICES), min_size=1).map(sorted)


@st.composite
def moments_near(draw, change_day: dt.date, zone_names):
    """An instant near a clock change, drawn as a wall-clock time somewhere, hours on the hour most likely."""
    day = change_day + dt.timedelta(days=draw(st.integers(-2, 2)))
    wall = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 0, 1, 30, 59]))),
                               tzinfo=zoneinfo.ZoneInfo(draw(st.sampled_from(zone_names))))
    return wall.replace(fold=draw(st.integers(0, 1))).astimezone(UTC)


@settings(max_examples=500, deadline=None)
@given(data=st.data(), change_day=changes, zone=zones, hour=st.integers(0, 23), leads=lead_sets,
       lead=st.sampled_from(LEAD_CHOICES), slip=st.integers(-1, 1), precision=st.sampled_from(["day", "day", "month"]))
def test_the_rule_keeps_the_promise_across_clock_changes(data, change_day, zone, hour, leads, lead, slip, precision):
    now = data.draw(moments_near(change_day, [zone, "UTC", "Europe/Berlin", "America/New_York"]))
    when = PreciseDate.truncate(change_day + dt.timedelta(days=lead + slip), precision)
    assert reminder_due(leads=leads, when=when, now=now, time_zone=zone, hour=hour) == promised(
        leads=leads, earliest=when.earliest, now=now, zone=zone, hour=hour)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), change_day=changes,
       subscriptions=st.lists(st.tuples(zones, st.integers(0, 23), lead_sets), min_size=1, max_size=6))
def test_the_scan_records_what_the_rule_says_across_clock_changes(data, change_day, subscriptions):
    now = data.draw(moments_near(change_day, [zone for zone, _, _ in subscriptions] + ["UTC"]))
    with transaction.atomic():
        start = treaty()
        deadlines = Deadline.objects.bulk_create(
            Deadline(treaty=start, kind="expiry", date=change_day + dt.timedelta(days=lead + slip), precision="day",
                     description="A deadline near a lead time's edge.")
            for lead in LEAD_CHOICES for slip in (-1, 0, 1)
        )
        people = [subscriber(f"s{i}@example.org", treaties=[start], zone=zone, hour=hour, leads=leads)
                  for i, (zone, hour, leads) in enumerate(subscriptions)]
        scan.reminders_scan(now=now)
        recorded = {(row.subscription_id, row.deadline_id): row.lead_days for row in ReminderDelivery.objects.all()}
        expected = {}
        for person in people:
            for each in deadlines:
                lead = reminder_due(leads=person.lead_days, when=each.when, now=now, time_zone=person.time_zone,
                                    hour=person.hour)
                assert lead == promised(leads=person.lead_days, earliest=each.date, now=now,
                                        zone=person.time_zone, hour=person.hour)
                if lead is not None:
                    expected[(person.pk, each.pk)] = lead
        assert recorded == expected, now
        transaction.set_rollback(True)
