"""Fault drills: each ends with every due reminder delivered once and nothing lost. Each drill restarts or
kills only servers it started itself (tests/drills/conftest.py): its own Redis on a free port, and on
PostgreSQL its own cluster; never the machine's. They run with the rest of the suite, one after another in one
process (tests/conftest.py orders them). Each waits for its outcome with a timeout of a minute or more, and its
fixed pauses are minimums (a scan due again, late duplicates given time to arrive), so the load of the other
processes makes a drill slower, not wrong."""

import subprocess
import sys
import time

import pytest
from django.db import connection

from alerts import scan
from alerts.models import ReminderDelivery
from tests.support.alerts_harness import ROOT, confirmed_subscriber, treaty_due_in, wait_for
from tests.support.services import IN_CI

pytestmark = [pytest.mark.drill, pytest.mark.services, pytest.mark.django_db(transaction=True)]
SUBSCRIBERS = 12


def subscribers(count: int = SUBSCRIBERS):
    treaty = treaty_due_in(7)
    for i in range(count):
        confirmed_subscriber(f"reader{i}@example.org", treaty)


def delivered_once(smtp, count: int = SUBSCRIBERS, worker=None):
    """Every subscriber got the reminder; a message resent after a crash keeps its Message-ID, so the
    receiving server files it once."""
    wait_for(lambda: ReminderDelivery.objects.filter(status="sent").count() == count, timeout=90,
             message="every reminder sent", worker=worker)
    time.sleep(2)
    ids = smtp.mailbox.ids()
    assert len(set(ids)) == count
    assert sorted({m["To"] for m in smtp.mailbox.messages}) == sorted(f"reader{i}@example.org" for i in range(count))
    return len(ids) - len(set(ids))  # duplicates, each with the same Message-ID


def test_redis_restarted_with_tasks_queued_loses_no_reminder(smtp, worker, broker, redis_server, settings):
    settings.ALERTS_REQUEUE_AFTER = 2
    subscribers()
    result = scan.reminders_scan()  # queued in Redis, no worker yet
    assert len(result.queued) == SUBSCRIBERS
    queue = broker["options"]["global_keyprefix"] + broker["queue"]
    assert redis_server.client.llen(queue) == 1  # one send task carries the batch
    started = redis_server.run_id()
    redis_server.restart()  # the queue is gone: this Redis keeps nothing on disk
    assert redis_server.run_id() != started
    assert redis_server.client.llen(queue) == 0
    worker(ALERTS_REQUEUE_AFTER="2")
    time.sleep(3)
    scan.reminders_scan()  # the next beat scan hands the unsent rows over again
    assert delivered_once(smtp) == 0


def test_two_beat_processes_at_once_send_nothing_twice(smtp, worker, tmp_path):
    subscribers()
    # Beat sends its scans to the default queue, inside this test's own Redis key prefix; two workers take them.
    first = worker(queues=["celery"])
    worker(queues=["celery"])
    logs = [tmp_path / f"beat{i}.log" for i in range(2)]
    beats = []
    for i, log in enumerate(logs):
        with log.open("wb") as output:
            beats.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "tracker", "beat", "--schedule", str(tmp_path / f"beat{i}"),
                 "--loglevel", "INFO"],
                cwd=ROOT, env={**first.env, "ALERTS_SCAN_EVERY": "1"}, stdout=output, stderr=subprocess.STDOUT,
            ))
    try:
        assert delivered_once(smtp) == 0
        time.sleep(4)  # several more scans from both beats
        assert len(smtp.mailbox.messages) == SUBSCRIBERS
        assert [beat.poll() for beat in beats] == [None, None]
    finally:
        for beat in beats:
            beat.terminate()
            beat.wait(timeout=20)
    for log in logs:  # both beats really scanned, again and again
        assert log.read_text().count("Sending due task reminders-scan") >= 3, log.read_text()


# Skipped when collected, so that on SQLite the drill worker it would have had makes no database for it.
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="this drill restarts PostgreSQL: run it with DATABASE_URL=postgres://… (CI does)")
def test_postgresql_restarted_while_reminders_are_sent_loses_none(smtp, worker, settings, postgres_cluster):
    settings.ALERTS_REQUEUE_AFTER = 2
    smtp.mailbox.delay = 0.3
    subscribers()
    running = worker(ALERTS_REQUEUE_AFTER="2")
    running.scan()
    wait_for(lambda: len(smtp.mailbox.messages) >= 2, message="the first emails", worker=running)
    assert len(smtp.mailbox.messages) < SUBSCRIBERS, "every email went out before the restart"
    started = postgres_cluster.started_at()
    postgres_cluster.restart()
    assert postgres_cluster.started_at() > started
    connection.close()  # this process's connection died with the server; Django opens a new one
    deadline = time.monotonic() + 90
    while ReminderDelivery.objects.filter(status="sent").count() < SUBSCRIBERS and time.monotonic() < deadline:
        scan.reminders_scan()  # beat keeps scanning; unsent rows are handed over again
        time.sleep(2)
    duplicates = delivered_once(smtp, worker=running)
    # A send whose "sent" mark died with the database goes out again with the same Message-ID.
    assert duplicates <= 1, smtp.mailbox.ids()
    assert ReminderDelivery.objects.filter(status="failed").count() == 0
    if IN_CI:
        print(f"PostgreSQL drill: {SUBSCRIBERS} reminders, {duplicates} resent with the same Message-ID")
