"""Sending in batches: one claim, one SMTP connection and one read of what the emails need, per batch."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import scan, sending
from alerts.models import ReminderDelivery
from tests.support.alerts_harness import ROOT
from tests.support.alerts_records import at, deadline, subscriber, treaty
from tests.support.workers import database_url

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


# A worker's last moments: it hands PostgreSQL the mark of the email the SMTP server took, starts on the next
# email, and is killed before it reads PostgreSQL's answer.
_KILLED_AFTER_MARKING = """
import os, signal, sys, datetime as dt
import django
django.setup()
from alerts.sent_marks import SentMarks
with SentMarks(claimed_at=dt.datetime.fromisoformat(sys.argv[2])) as marks:
    marks.mark(int(sys.argv[1]))
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.django_db(transaction=True)
def test_a_sent_mark_handed_to_postgresql_is_kept_when_the_worker_is_killed_before_reading_the_answer():
    if connection.vendor != "postgresql":
        pytest.skip("elsewhere each mark is a plain UPDATE, awaited")
    ids = queued(5)
    ReminderDelivery.objects.filter(pk__in=ids).update(status="sending", claimed_at=NOW)
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    for pk in ids:
        killed = subprocess.run([sys.executable, "-c", _KILLED_AFTER_MARKING, str(pk), NOW.isoformat()],
                                cwd=ROOT, env=env, capture_output=True, timeout=60)
        assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    # PostgreSQL runs the last handed mark on its own time after the kill: wait for it, a little.
    deadline = time.monotonic() + 15
    while ReminderDelivery.objects.filter(pk__in=ids, status="sent").count() < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(ReminderDelivery.objects.filter(pk__in=ids).values_list("status", flat=True)) == ["sent"] * 5


def test_alerts_come_out_byte_for_byte_as_djangos_own_header_folding_would_write_them():
    from email.policy import compat32

    from alerts.emails import email_message

    sending.deliveries_send(delivery_ids=queued(2), now=NOW)
    digests = [
        email_message(name="digest", to="a.reader.with.a.rather.long.address@subdomain.example.org",
                      context={"subject": f"Deadlines this week{dash} " + "New START, the Paris Agreement " * 4,
                               "sections": [], "subscription": None},
                      headers={"List-Unsubscribe": "<https://treaties.example.org/alerts/unsubscribe/x/>"})
        for dash in (":", " —")  # folded by the email package: long, and long and not ASCII
    ]
    for email in [*mail.outbox, *digests]:
        message = email.message()
        message.set_boundary("boundary")
        ours = message.as_bytes(linesep="\r\n")
        message.policy = compat32
        assert ours == message.as_bytes(linesep="\r\n")


@pytest.mark.django_db(transaction=True)
def test_a_sent_mark_the_server_refuses_is_made_again_so_no_two_emails_go_out_twice():
    if connection.vendor != "postgresql":
        pytest.skip("elsewhere each mark is a plain UPDATE, awaited")
    ids = queued(3)
    table = ReminderDelivery._meta.db_table
    with connection.cursor() as cursor:  # the first mark fails (a lock timeout, say); a sequence is not rolled back
        cursor.execute("CREATE SEQUENCE refuse_once")
        cursor.execute("""CREATE FUNCTION refuse_once() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF nextval('refuse_once') = 1 THEN RAISE EXCEPTION 'refused once'; END IF; RETURN NEW; END $$""")
        cursor.execute(f"CREATE TRIGGER refuse_once BEFORE UPDATE ON {table} FOR EACH ROW "
                       "WHEN (NEW.status = 'sent') EXECUTE FUNCTION refuse_once()")
    try:
        outcomes = sending.deliveries_send(delivery_ids=ids, now=NOW)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER refuse_once ON {table}")
            cursor.execute("DROP FUNCTION refuse_once(); DROP SEQUENCE refuse_once")
    assert {o.status for o in outcomes.values()} == {"sent"} and len(mail.outbox) == 3
    assert list(ReminderDelivery.objects.filter(pk__in=ids).values_list("status", flat=True)) == ["sent"] * 3


def test_a_reminder_whose_treaty_was_deleted_as_the_scan_wrote_it_is_cancelled_with_no_notice():
    # No database constraint ties a delivery to its treaty: a treaty deleted while a scan records its reminders
    # leaves rows that name it (and its deadline) after it is gone.
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    result = scan.reminders_scan(now=at("2026-01-06T09:00"))
    (row,) = ReminderDelivery.objects.all()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ReminderDelivery._meta.db_table} SET treaty_id = %s, deadline_id = %s WHERE id = %s",
                       [start.pk + 1000, row.deadline_id + 1000, row.pk])

    outcomes = sending.deliveries_send(delivery_ids=result.queued, now=at("2026-01-06T09:00"))
    assert outcomes[row.pk].status == "cancelled"
    assert mail.outbox == []
    assert list(ReminderDelivery.objects.values_list("kind", "status", "error")) == [
        ("reminder", "cancelled", sending.Stop.TREATY_REMOVED.value)]
