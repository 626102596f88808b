"""The alerts' real parts for integration tests and fault drills: an SMTP server on 127.0.0.1
(aiosmtpd), Celery workers on Redis sharing the test database, and helpers to wait on them."""

import asyncio
import contextlib
import datetime as dt
import email
import email.policy
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from django.utils import timezone

from alerts.models import Subscription
from tests.support.services import free_port, require_redis
from tests.support.workers import database_url
from tracker.celery import app
from treaties.models import Deadline, Treaty

ROOT = Path(__file__).resolve().parents[2]
# The test SMTP server's own chatter (connections opened and lost) would log from its thread
# after pytest has closed the captured streams; what it receives is asserted on instead.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


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
        self.port = free_port()
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


@contextlib.contextmanager
def redis_broker(settings, url: str):
    """Celery on the Redis at `url`, with this test's own key prefix and queue; this process's app publishes
    there too."""
    prefix, queue = f"test-alerts-{uuid.uuid4().hex}:", f"alerts-{uuid.uuid4().hex}"
    options = {"global_keyprefix": prefix, "visibility_timeout": 4, "unacked_restore_interval": 1,
               "unacked_restore_throttle": 1}
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url, app.conf.broker_transport_options = url, options
    _forget_connections()
    settings.ALERTS_QUEUE = queue
    try:
        yield {"url": url, "options": options, "queue": queue}
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        _forget_connections()
        with redis.Redis.from_url(url) as client:
            for key in client.scan_iter(f"{prefix}*"):  # only this test's keys: the server may be shared
                client.delete(key)


@pytest.fixture
def broker(settings):
    """The machine's Redis (TEST_REDIS_URL), shared: a test here only ever touches its own keys."""
    with redis_broker(settings, require_redis()) as each:
        yield each


def _forget_connections():
    # The app caches its broker connections: drop them so the next publish uses the new settings.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    def __init__(self, broker, smtp, queues=(), **env):
        self.env = {
            **os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker["url"],
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(broker["options"]), "ALERTS_QUEUE": broker["queue"],
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "EMAIL_TIMEOUT": "5", "ALERTS_RETRY_DELAY": "1",
            "ALERTS_CLAIM_TIMEOUT": "3", "SITE_URL": "https://treaties.example.org", **env,
        }
        self.broker = broker
        self.queues = ",".join([broker["queue"], *queues])
        self.process = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker; closed with it

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--queues", self.queues,
             "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            # A file, not a pipe: a full pipe that nobody reads would block the worker's logging.
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
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
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def scan(self):
        """What beat does every few minutes: ask a worker to scan."""
        client = Celery(broker=self.broker["url"], set_as_current=False)
        client.conf.broker_transport_options = self.broker["options"]
        client.send_task("alerts.tasks.reminders_scan", queue=self.broker["queue"])
        client.close()


@pytest.fixture
def worker(broker, smtp):
    workers = []

    def make(queues=(), **env):
        each = Worker(broker, smtp, queues, **env)
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
