"""Fault drills against the real services on this machine: each ends with every due reminder delivered
once and nothing lost. They restart shared servers, so `make test` runs them on their own, after the
rest of the suite (`pytest -m drill`)."""

import contextlib
import os
import shutil
import subprocess
import sys
import time

import pytest
import redis
from django.db import connection
from django.utils import timezone

from alerts import scan
from alerts.models import ReminderDelivery
from tests.support.alerts_harness import ROOT, confirmed_subscriber, treaty_due_in, wait_for
from tests.support.services import IN_CI, require

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


def restart_redis():
    client = redis.Redis(host="127.0.0.1", port=6379)
    with contextlib.suppress(redis.exceptions.ConnectionError):  # it hangs up as it stops
        client.shutdown(nosave=True)
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
                    "--save", "", "--appendonly", "no", "--dir", "/tmp"], check=True)
    wait_for(lambda: _redis_up(client), timeout=20, message="Redis to come back")


def _redis_up(client) -> bool:
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def test_redis_restarted_with_tasks_queued_loses_no_reminder(smtp, worker, settings):
    require("redis-server", shutil.which("redis-server") is not None)
    settings.ALERTS_REQUEUE_AFTER = 2
    subscribers()
    result = scan.reminders_scan()  # queued in Redis, no worker yet
    assert len(result.queued) == SUBSCRIBERS
    restart_redis()  # the queue is gone: Redis here keeps nothing on disk
    worker(ALERTS_REQUEUE_AFTER="2")
    time.sleep(3)
    scan.reminders_scan()  # the next beat scan hands the unsent rows over again
    assert delivered_once(smtp) == 0


def test_two_beat_processes_at_once_send_nothing_twice(smtp, worker, broker, tmp_path):
    subscribers()
    # Beat sends its scans to the default queue, inside this test's own Redis key prefix.
    first, second = worker(queues=["celery"]), worker(queues=["celery"])
    beats = [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "beat", "--schedule", str(tmp_path / f"beat{i}"),
             "--loglevel", "INFO"],
            cwd=ROOT, env={**first.env, "ALERTS_SCAN_EVERY": "1"}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(2)
    ]
    try:
        assert delivered_once(smtp) == 0
        time.sleep(4)  # several more scans from both beats
        assert len(smtp.mailbox.messages) == SUBSCRIBERS
    finally:
        for beat in beats:
            beat.terminate()
            beat.wait(timeout=20)
    del second


def _postgres_cluster():
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    return versions[-1] if versions else None


def test_postgresql_restarted_while_reminders_are_sent_loses_none(smtp, worker, settings):
    if connection.vendor != "postgresql":
        pytest.skip("this drill restarts PostgreSQL: run the suite with DATABASE_URL=postgres://… (CI does)")
    cluster = _postgres_cluster()
    require("pg_ctlcluster", shutil.which("pg_ctlcluster") is not None and cluster is not None)
    settings.ALERTS_REQUEUE_AFTER = 2
    smtp.mailbox.delay = 0.3
    subscribers()
    running = worker(ALERTS_REQUEUE_AFTER="2")
    running.scan()
    wait_for(lambda: len(smtp.mailbox.messages) >= 2, message="the first emails", worker=running)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True,
                   timeout=120)
    connection.close()  # this process's connection died with the server; Django opens a new one
    deadline = time.monotonic() + 90
    while ReminderDelivery.objects.filter(status="sent").count() < SUBSCRIBERS and time.monotonic() < deadline:
        scan.reminders_scan()  # beat keeps scanning; unsent rows are handed over again
        time.sleep(2)
    duplicates = delivered_once(smtp, worker=running)
    # A send whose "sent" mark died with the database goes out again with the same Message-ID.
    assert duplicates <= 1, smtp.mailbox.ids()
    assert ReminderDelivery.objects.filter(status="failed").count() == 0
    assert timezone.now()  # the database answers again
    if IN_CI:
        print(f"PostgreSQL drill: {SUBSCRIBERS} reminders, {duplicates} resent with the same Message-ID")
