"""The sending rate to an SMTP server on 127.0.0.1, beside a raw smtplib loop.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alerts_bench .venv/bin/python bench/send_rate.py

Starts aiosmtpd in this process, records N reminders, then times `sending.delivery_send` for each
(claim, re-check, render both parts, send over SMTP, mark sent: what one Celery task does) and, beside
it, plain smtplib sending the same rendered message N times, with a connection per message (as the
alerts do) and over one connection.
"""

import argparse
import os
import smtplib
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts import messages, scan, sending  # noqa: E402
from alerts.models import ReminderDelivery, Subscription  # noqa: E402
from treaties.models import Deadline, Treaty  # noqa: E402


class Counter:
    def __init__(self):
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="emails per run")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM treaties_reminderdelivery")
    Subscription.objects.filter(email__startswith="send-bench").delete()
    Treaty.objects.filter(slug="send-bench").delete()
    counter, port = Counter(), free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    scan.deliveries_enqueue_on_commit = lambda *a: None  # this process plays the workers
    try:
        treaty = Treaty.objects.create(slug="send-bench", short_name="New START", name="New START",
                                       category="arms_control", kind="bilateral")
        Deadline.objects.create(treaty=treaty, kind="expiry", date=timezone.now().date() + dt.timedelta(days=7))
        for i in range(args.n):
            s = Subscription(email=f"send-bench-{i}@example.org", time_zone="UTC", hour=0, confirmed_at=timezone.now())
            s.lead_days = [7]
            s.save()
            s.treaties.add(treaty)
        queued = scan.reminders_scan().queued
        assert len(queued) == args.n, len(queued)

        start = time.perf_counter()
        for pk in queued:
            assert sending.delivery_send(delivery_id=pk).status == "sent"
        t_alerts = time.perf_counter() - start

        delivery = ReminderDelivery.objects.select_related("subscription").get(pk=queued[0])
        items = sending._still_due(ReminderDelivery.objects.none(), [delivery], now=timezone.now())
        raw = messages.message_for(delivery.subscription, items, now=timezone.now()).message().as_bytes(linesep="\r\n")
        start = time.perf_counter()
        for _ in range(args.n):
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.sendmail("alerts@localhost", ["reader@example.org"], raw)
        t_raw = time.perf_counter() - start
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for _ in range(args.n):
                smtp.sendmail("alerts@localhost", ["reader@example.org"], raw)
        t_one = time.perf_counter() - start
        assert counter.received == 3 * args.n
    finally:
        controller.stop()
        Subscription.objects.filter(email__startswith="send-bench").delete()
        Treaty.objects.filter(slug="send-bench").delete()
    print(f"| way ({args.n} emails, {connection.vendor}) | emails per second | ms per email |")
    print("| --- | ---: | ---: |")
    for label, seconds in [("sending.delivery_send (claim, re-check, render, SMTP, mark sent)", t_alerts),
                           ("raw smtplib, a connection per email", t_raw),
                           ("raw smtplib, one connection for all", t_one)]:
        print(f"| {label} | {args.n / seconds:,.0f} | {seconds / args.n * 1000:.1f} |")


if __name__ == "__main__":
    main()
