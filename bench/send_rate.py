"""The alerts' sending rate through a real Celery worker to an SMTP server in another process, beside raw smtplib.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alerts_bench .venv/bin/python bench/send_rate.py \
        [-n 1000] [--rounds 3] [--broker redis://127.0.0.1:6379/0]

Starts aiosmtpd (its `Sink` handler) and one Celery worker (`--concurrency 1`: one process, as the ceiling is
one process) as processes of their own, on the configured database and the given Redis, with a queue and key
names of its own. Then, interleaved round by round:

- the ceiling: this process sends one rendered alert N times with plain smtplib, a new connection per message;
- the alerts: N reminders recorded by the scan, their send tasks published, timed from the publish to the
  last row marked sent (its `sent_at`), every row then checked sent.

Nothing is left behind: the rows and subscribers it made, the queue, the processes.
"""

import argparse
import os
import secrets
import smtplib
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts import messages, queue, scan, sending  # noqa: E402
from alerts.models import ReminderDelivery, Subscription  # noqa: E402
from alerts.reminders import mask_from_leads  # noqa: E402
from tracker.celery import app  # noqa: E402
from treaties.models import Deadline, Treaty  # noqa: E402

PREFIX = "send-bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    sys.exit(f"nothing listens on {port}")


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker(*, broker: str, queue_name: str, smtp_port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker, "ALERTS_QUEUE": queue_name,
           "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "localhost", "SITE_URL": "https://treaties.example.org"}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--queues", queue_name, "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=None)


def forget_bench_rows() -> None:
    Subscription.objects.filter(email__startswith=PREFIX).delete()  # their deliveries go with them
    Treaty.objects.filter(slug=PREFIX).delete()


def subscribers(n: int) -> None:
    treaty = Treaty.objects.create(slug=PREFIX, short_name="New START", name="New START", category="arms_control",
                                   kind="bilateral")
    Deadline.objects.create(treaty=treaty, kind="expiry", date=timezone.now().date() + dt.timedelta(days=7))
    made = Subscription.objects.bulk_create(
        Subscription(email=f"{PREFIX}-{i}@example.org", time_zone="UTC", hour=0, confirmed_at=timezone.now(),
                     lead_mask=mask_from_leads([7])) for i in range(n))
    Subscription.treaties.through.objects.bulk_create(
        Subscription.treaties.through(subscription_id=s.pk, treaty_id=treaty.pk) for s in made)


def recorded(n: int) -> list[int]:
    """N reminders recorded and handed over by the scan, not yet published."""
    ReminderDelivery.objects.filter(subscription__email__startswith=PREFIX).delete()
    ids = scan.reminders_scan().queued
    assert len(ids) == n, len(ids)
    return ids


def alerts_round(ids: list[int]) -> float:
    """Seconds from publishing the send tasks to the last email marked sent."""
    rows = ReminderDelivery.objects.filter(pk__in=ids)
    started = timezone.now()
    queue.deliveries_enqueue(ids)
    deadline = time.monotonic() + 600
    while rows.filter(status="sent").count() < len(ids):
        if time.monotonic() > deadline or rows.filter(status__in=["failed", "cancelled"]).exists():
            sys.exit(f"not every email went out: {list(rows.values_list('status', 'error').distinct())}")
        time.sleep(0.2)
    return (rows.aggregate(last=Max("sent_at"))["last"] - started).total_seconds()


def raw_round(raw: bytes, n: int, port: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("alerts@localhost", ["reader@example.org"], raw)
    return time.perf_counter() - start


def rendered(pk: int) -> bytes:
    """One alert as it goes out, for the ceiling to send."""
    delivery = ReminderDelivery.objects.select_related("subscription", "treaty").get(pk=pk)
    items = sending._still_due(ReminderDelivery.objects.none(), [delivery], now=timezone.now())
    return messages.message_for(delivery.subscription, items, now=timezone.now()).message().as_bytes(linesep="\r\n")


def summary(values: list[float]) -> str:
    return f"{min(values):,.0f} / {statistics.median(values):,.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="emails per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/alerts_bench")
    call_command("migrate", verbosity=0)
    queue_name = f"{PREFIX}-{uuid.uuid4().hex}"
    app.conf.broker_url, settings.ALERTS_QUEUE = args.broker, queue_name
    smtp_port = free_port()
    processes = [subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                                   "-l", f"127.0.0.1:{smtp_port}"])]
    forget_bench_rows()
    scan.deliveries_enqueue_on_commit = lambda *a: None  # the rounds publish, and are timed from there
    try:
        wait_for_port(smtp_port)
        processes.append(worker(broker=args.broker, queue_name=queue_name, smtp_port=smtp_port))
        subscribers(args.n)
        raw = rendered(recorded(args.n)[0])
        alerts_round(recorded(args.n))  # warm-up: the worker has started and opened its connections
        rates = {"raw": [], "alerts": []}
        for _ in range(args.rounds):
            rates["raw"].append(args.n / raw_round(raw, args.n, smtp_port))
            rates["alerts"].append(args.n / alerts_round(recorded(args.n)))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        forget_bench_rows()
        with redis.Redis.from_url(args.broker) as client:  # nothing left queued
            for key in client.scan_iter(f"*{queue_name}*"):
                client.delete(key)
    shares = [alerts / raw for raw, alerts in zip(rates["raw"], rates["alerts"], strict=True)]
    print(f"| way ({args.n} emails a round, {args.rounds} rounds, interleaved) | emails/s (min / median) |")
    print("| --- | ---: |")
    print(f"| raw smtplib, a connection per email (ceiling) | {summary(rates['raw'])} |")
    print(f"| alerts: Celery worker (1 process) → aiosmtpd | {summary(rates['alerts'])} |")
    print(f"\nalerts ÷ ceiling, round by round (min / median): {min(shares):.0%} / {statistics.median(shares):.0%}")


if __name__ == "__main__":
    main()
