"""Deadline-changed notices: sent only when a deadline a subscriber was told of really moved or went away."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts import scan
from alerts.models import DeliveryKind, ReminderDelivery
from tests.support.alerts_records import at, deadline, deliver, scan_and_send, subscriber, treaty
from treaties.models import Deadline
from treaties.precision import PreciseDate

pytestmark = pytest.mark.django_db


def precise_dates(first: dt.date, last: dt.date):
    return st.builds(PreciseDate.truncate, st.dates(min_value=first, max_value=last),
                     st.sampled_from(["day", "day", "month", "year"]))


def said_moves(message) -> list[tuple[str, str]]:
    """Every "moved from X to Y" and "is now … Y; it was X" an email says, as (X, Y)."""
    text = message.subject + "\n" + message.body
    moves = re.findall(r"moved from (.+?) to (.+?)(?:\.|$)", text, flags=re.MULTILINE)
    moves += [(was, now) for now, was in re.findall(r"is now (?:.*— |in |on |this \w+ \()?(.+?)\)?; it was (.+?)\.",
                                                     text)]
    return moves


def test_a_reminder_whose_day_is_over_before_a_worker_sends_it_is_dropped_without_a_change_notice():
    start = treaty()
    deadline(start, "2027-03-10")
    subscriber(treaties=[start])
    result = scan.reminders_scan(now=at("2027-03-10T09:00"))  # the on-the-day reminder is recorded
    assert deliver(result, at("2027-03-11T09:00")) == []  # and reaches a worker only the next day
    reminder = ReminderDelivery.objects.get()
    assert reminder.status == "cancelled" and "passed" in reminder.error
    scan_and_send(at("2027-03-11T09:05"))
    scan_and_send(at("2027-03-12T09:05"))
    assert mail.outbox == []
    assert not ReminderDelivery.objects.filter(kind=DeliveryKind.DEADLINE_CHANGED).exists()


def test_a_deadline_moved_and_moved_back_before_the_notice_went_sends_nothing_until_it_really_moves():
    start = treaty()
    expiry = deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    scan_and_send(at("2026-01-06T09:00"))  # the 30-day reminder
    Deadline.objects.filter(pk=expiry.pk).update(date=dt.date(2027, 2, 5))
    result = scan.reminders_scan(now=at("2026-01-06T09:05"))  # the notice is recorded…
    Deadline.objects.filter(pk=expiry.pk).update(date=dt.date(2026, 2, 5))  # …and the editor undoes the move
    deliver(result, at("2026-01-06T09:06"))
    scan_and_send(at("2026-01-06T09:30"))
    assert [m.subject for m in mail.outbox] == ["New START expires in 30 days — 5 February 2026"]
    Deadline.objects.filter(pk=expiry.pk).update(date=dt.date(2026, 3, 5))
    scan_and_send(at("2026-01-07T09:00"))
    scan_and_send(at("2026-01-07T09:30"))
    assert [m.subject for m in mail.outbox][1:] == ["New START: expiry moved from 5 February 2026 to 5 March 2026"]


NEAR = (dt.date(2026, 1, 20), dt.date(2026, 3, 10))


KEEP = "keep"
steps = st.lists(st.tuples(st.just(KEEP) | st.none() | precise_dates(*NEAR),  # what an editor does to the deadline
                           st.integers(0, 48),  # hours until the next step
                           st.booleans()),  # whether the workers send what the scan queued now or only next step
                 min_size=1, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(armed=precise_dates(*NEAR), steps=steps, digest=st.booleans(),
       zone=st.sampled_from(["UTC", "Asia/Tokyo", "America/Los_Angeles"]))
def test_no_email_ever_says_a_deadline_moved_to_the_date_it_already_had(armed, steps, digest, zone):
    """Whatever editors do to a deadline after a reminder, and however late the workers run."""
    with transaction.atomic():
        mail.outbox = []
        expiry = deadline(treaty(), armed.value.isoformat(), precision=armed.precision)
        subscriber(treaties=[expiry.treaty], digest=digest, zone=zone, leads=(7, 1, 0))
        now = dt.datetime.combine(armed.earliest - dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
        late = []
        for change, hours, on_time in steps:
            if change is None:
                Deadline.objects.filter(pk=expiry.pk).delete()
            elif change != KEEP:
                Deadline.objects.filter(pk=expiry.pk).update(date=change.value, precision=change.precision)
            for result in late:
                deliver(result, now)
            result = scan.reminders_scan(now=now)
            late = [] if on_time else [result]
            if on_time:
                deliver(result, now)
            now += dt.timedelta(hours=hours)
        for result in late:
            deliver(result, now)
        scan_and_send(now + dt.timedelta(minutes=20))
        for message in mail.outbox:
            for before, after in said_moves(message):
                assert before != after, message.subject
        transaction.set_rollback(True)
