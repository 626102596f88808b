"""Sending in batches: one claim, one SMTP connection and one read of what the emails need, per batch."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import scan, sending
from alerts.models import ReminderDelivery
from tests.support.alerts_records import at, deadline, subscriber, treaty

pytestmark = pytest.mark.django_db

NOW = at("2026-01-06T09:00")


def queued(count: int) -> list[int]:
    start = treaty()
    deadline(start, "2026-02-05")
    for i in range(count):
        subscriber(f"reader{i}@example.org", treaties=[start])
    return scan.reminders_scan(now=NOW).queued


def test_a_batch_sends_each_reminder_as_its_own_email_with_its_own_message_id():
    ids = queued(3)
    outcomes = sending.deliveries_send(delivery_ids=ids, now=NOW)
    assert {o.status for o in outcomes.values()} == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{i}@example.org" for i in range(3)]
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_each_more_email_in_a_batch_costs_one_query_its_mark_as_sent():
    start = treaty()
    deadline(start, "2026-02-05")
    counts = []
    for size in (2, 6):
        ReminderDelivery.objects.all().delete()
        for i in range(len(counts) * 2, size):
            subscriber(f"reader{i}@example.org", treaties=[start])
        ids = scan.reminders_scan(now=NOW).queued
        with CaptureQueriesContext(connection) as queries:
            sending.deliveries_send(delivery_ids=ids, now=NOW)
        counts.append((len(ids), len(queries)))
    (small, small_queries), (large, large_queries) = counts
    assert (small, large) == (2, 6)
    assert large_queries - small_queries == large - small


def test_a_batch_past_half_its_claim_timeout_hands_the_rest_back_untried(settings):
    ids = queued(2)
    settings.ALERTS_CLAIM_TIMEOUT = 0  # every row is past the half-way mark at once
    outcomes = sending.deliveries_send(delivery_ids=ids, now=NOW)
    assert [(o.status, o.retry_in) for o in outcomes.values()] == [("retry", 0), ("retry", 0)]
    assert list(ReminderDelivery.objects.values_list("status", "attempts", "claimed_at")) == [("pending", 0, None)] * 2
    assert mail.outbox == []
    settings.ALERTS_CLAIM_TIMEOUT = 600
    assert {o.status for o in sending.deliveries_send(delivery_ids=ids, now=NOW).values()} == {"sent"}
    assert len(mail.outbox) == 2
