"""Alerts end to end: a real Celery worker on Redis, the test database, and a real SMTP server on 127.0.0.1."""

import asyncio
import datetime as dt
import email
import email.policy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from django.urls import reverse
from django.utils import timezone

from tests.services import REDIS_URL, require_redis
from tests.test_celery import database_url
from tracker.celery import app
from treaties.models import Deadline, ReminderDelivery, Subscription, Treaty

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class Mailbox:
    """An aiosmtpd handler keeping what it receives; `delay` slows each MAIL FROM, before any data arrives."""

    def __init__(self, delay: float = 0):
        self.messages = []
        self.delay = delay

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    def __init__(self, mailbox: Mailbox):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.mailbox = mailbox
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    server = SmtpServer(Mailbox())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(settings):
    """Redis, with this test's own key prefix and queue; this process's Celery app publishes there too."""
    url = require_redis()
    prefix, queue = f"test-alerts-{uuid.uuid4().hex}:", f"alerts-{uuid.uuid4().hex}"
    options = {"global_keyprefix": prefix, "visibility_timeout": 4, "unacked_restore_interval": 1,
               "unacked_restore_throttle": 1}
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = url, options
    _forget_connections()
    settings.ALERTS_QUEUE = queue
    yield {"url": url, "options": options, "queue": queue}
    app.conf.broker_url, app.conf.broker_transport_options = saved
    _forget_connections()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):  # only this test's keys: the server is shared
        client.delete(key)


def _forget_connections():
    # The app caches its broker connections: drop them so the next publish uses the new settings.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    def __init__(self, broker, smtp, **env):
        self.env = {
            **os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker["url"],
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(broker["options"]), "ALERTS_QUEUE": broker["queue"],
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "EMAIL_TIMEOUT": "5", "ALERTS_RETRY_DELAY": "1",
            "ALERTS_CLAIM_TIMEOUT": "3", "SITE_URL": "https://treaties.example.org", **env,
        }
        self.broker = broker
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--queues", self.broker["queue"],
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # its own process group, so a SIGKILL takes the pool children too
        )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> str:
        if self.process is None:
            return ""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            output, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            output, _ = self.process.communicate()
        return output or ""

    def scan(self):
        """What beat does every few minutes: ask a worker to scan."""
        client = Celery(broker=self.broker["url"])
        client.conf.broker_transport_options = self.broker["options"]
        client.send_task("treaties.tasks.reminders_scan", queue=self.broker["queue"])
        client.close()


@pytest.fixture
def worker(broker, smtp):
    workers = []

    def make(**env):
        each = Worker(broker, smtp, **env)
        workers.append(each)
        each.start()
        return each

    yield make
    for each in workers:
        each.stop()


def wait_for(condition, timeout=60, message="", worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}" + (f"\n{worker.stop()}" if worker else ""))


def confirmed_subscriber(email_address: str, treaty: Treaty) -> Subscription:
    subscription = Subscription(email=email_address, time_zone="UTC", hour=0, confirmed_at=timezone.now())
    subscription.lead_days = [30, 7, 1, 0]
    subscription.save()
    subscription.treaties.add(treaty)
    return subscription


def treaty_due_in(days: int) -> Treaty:
    treaty = Treaty.objects.create(slug="new-start", short_name="New START", name="New START", category="arms_control",
                                   kind="bilateral")
    Deadline.objects.create(treaty=treaty, kind="expiry", date=timezone.now().date() + dt.timedelta(days=days))
    return treaty


def test_subscribe_confirm_scan_sends_exactly_one_reminder_with_both_parts_and_unsubscribe_headers(
        client, smtp, worker):
    treaty = treaty_due_in(30)
    running = worker()
    response = client.post(reverse("treaties:subscribe"), {
        "email": "reader@example.org", "treaties": [treaty.pk], "lead_days": ["30", "7"], "time_zone": "UTC",
        "hour": "0", "digest": "immediate"})
    assert response.status_code == 302
    wait_for(lambda: len(smtp.mailbox.messages) == 1, message="the confirmation email", worker=running)
    confirmation = smtp.mailbox.messages[0]
    assert confirmation["Subject"] == "Confirm your Treaty Tracker alerts"
    confirm_url = re.search(r"https://treaties\.example\.org(/alerts/confirm/\S+/)",
                            confirmation.get_body(("plain",)).get_content()).group(1)
    assert client.post(confirm_url).status_code == 302

    running.scan()
    wait_for(lambda: len(smtp.mailbox.messages) == 2, message="the reminder", worker=running)
    reminder = smtp.mailbox.messages[1]
    assert reminder["Subject"].startswith("New START expires in 30 days — ")
    assert reminder["To"] == "reader@example.org"
    assert reminder.get_content_type() == "multipart/alternative"
    assert "https://treaties.example.org/treaties/new-start/" in reminder.get_body(("plain",)).get_content()
    assert "https://treaties.example.org/treaties/new-start/" in reminder.get_body(("html",)).get_content()
    assert reminder["List-Unsubscribe"].strip().startswith("<https://treaties.example.org/alerts/unsubscribe/")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    running.scan()
    running.scan()
    time.sleep(3)
    assert len(smtp.mailbox.messages) == 2
    assert ReminderDelivery.objects.filter(kind="reminder", status="sent").count() == 1


def test_while_the_smtp_server_is_down_the_email_is_retried_and_delivered_once_it_returns(smtp, worker):
    treaty = treaty_due_in(7)
    confirmed_subscriber("reader@example.org", treaty)
    smtp.stop()
    running = worker()
    running.scan()
    wait_for(lambda: ReminderDelivery.objects.filter(attempts__gte=2, status="pending").exists(),
             message="two failed attempts", worker=running)
    assert "Connection refused" in ReminderDelivery.objects.get().error or ReminderDelivery.objects.get().error
    smtp.start()
    wait_for(lambda: ReminderDelivery.objects.filter(status="sent").exists(), message="delivery after SMTP returns")
    time.sleep(2)
    assert len(smtp.mailbox.messages) == 1
    assert smtp.mailbox.messages[0]["Subject"].startswith("New START expires in 7 days")


def test_a_worker_killed_mid_batch_leaves_every_due_email_delivered_exactly_once_after_restart(smtp, worker):
    smtp.mailbox.delay = 0.3  # each send takes a while, and a kill lands before the message is handed over
    treaty = treaty_due_in(1)
    count = 12
    for i in range(count):
        confirmed_subscriber(f"reader{i}@example.org", treaty)
    first = worker()
    first.scan()
    wait_for(lambda: len(smtp.mailbox.messages) >= 3, message="the first emails")
    time.sleep(0.15)
    first.kill()
    received_before = len(smtp.mailbox.messages)
    assert received_before < count, "the worker finished before it could be killed"
    # The killed worker held a claim on the email it was sending: only a stale claim and redelivery free it.
    assert ReminderDelivery.objects.filter(status="sending").count() == 1

    worker()
    wait_for(lambda: ReminderDelivery.objects.filter(status="sent").count() == count, timeout=90,
             message="every email after the restart")
    time.sleep(2)
    ids = smtp.mailbox.ids()
    assert len(ids) == count and len(set(ids)) == count
    assert sorted(m["To"] for m in smtp.mailbox.messages) == sorted(f"reader{i}@example.org" for i in range(count))
