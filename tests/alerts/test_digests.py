"""Digests: one email a day per digest subscriber, with one Message-ID however often it is resent, and each
deadline named once."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail

from alerts import scan, sending
from alerts.models import ReminderDelivery, Subscription
from tests.support.alerts_records import at, deadline, deliver, scan_and_send, subscriber, treaty
from treaties.models import Statement

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """A worker dying between the SMTP server's "250 OK" and writing that down: no `except Exception` sees it."""


def test_a_digest_resent_after_its_worker_died_keeps_its_message_id_even_past_midnight(settings):
    settings.ALERTS_CLAIM_TIMEOUT, settings.ALERTS_REQUEUE_AFTER = 600, 900
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start], digest=True, zone="Europe/Zurich", hour=23)
    now = at("2026-01-06T22:55")  # 23:55 in Zurich
    result = scan.reminders_scan(now=now)
    with mock.patch.object(sending, "mark_sent", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        deliver(result, now)
    later = now + dt.timedelta(minutes=16)  # the claim is stale and the row due again; 00:11 in Zurich
    deliver(scan.reminders_scan(now=later), later)
    first, again = mail.outbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert set(ReminderDelivery.objects.values_list("status", "message_id")) == {
        ("sent", first.extra_headers["Message-ID"])}


def test_a_digest_retried_after_an_smtp_error_keeps_its_message_id(settings):
    start = treaty()
    deadline(start, "2026-02-05")
    subscription = subscriber(treaties=[start], digest=True)
    now = at("2026-01-06T09:00")
    scan.reminders_scan(now=now)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("connection reset")):
        assert sending.digest_send(subscription_id=subscription.pk, now=now).status == "retry"
    stored = ReminderDelivery.objects.get().message_id
    sending.digest_send(subscription_id=subscription.pk, now=now + dt.timedelta(minutes=2))
    assert mail.outbox[0].extra_headers["Message-ID"] == stored


def test_a_digest_task_delivered_twice_sends_one_digest_that_day():
    start = treaty()
    deadline(start, "2026-02-05")
    subscription = subscriber(treaties=[start], digest=True, statements=True)
    now = at("2026-01-06T09:00")
    scan_and_send(now)
    statement = Statement.objects.create(title="Russia suspends participation", outlet="TASS",
                                         url="https://example.org/s", date=dt.date(2026, 1, 6))
    statement.treaties.add(start)
    scan.statement_alerts_send(statement_ids=[statement.pk], now=now + dt.timedelta(hours=1))
    sending.digest_send(subscription_id=subscription.pk, now=now + dt.timedelta(hours=2))  # the same task again
    assert len(mail.outbox) == 1
    scan_and_send(at("2026-01-07T09:00"))
    assert len(mail.outbox) == 2 and "Russia suspends participation" in mail.outbox[1].body
    assert Subscription.objects.get().digest_sent_on == dt.date(2026, 1, 7)


def test_a_digest_names_each_deadline_once_with_the_latest_reminder_due():
    start = treaty()
    deadline(start, "2026-02-11", kind="review_conference")
    subscriber(treaties=[start], digest=True, leads=(7, 1, 0))
    scan_and_send(at("2026-02-04T08:30"))  # today's digest: the review conference in 7 days
    deadline(start, "2026-02-05")  # an editor adds an expiry for tomorrow in the afternoon
    scan_and_send(at("2026-02-04T15:00"))  # its 1-day reminder waits for tomorrow's digest
    scan_and_send(at("2026-02-05T08:00"))  # when its on-the-day reminder comes due too
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.subject == "Your treaty digest: 1 deadline coming up"
    assert "New START expires today" in digest.body and "tomorrow" not in digest.body
    superseded = ReminderDelivery.objects.get(lead_days=1, deadline__kind="expiry")
    assert superseded.status == "cancelled" and "later reminder" in superseded.error
