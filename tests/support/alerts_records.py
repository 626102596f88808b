"""Records the alerts tests build inline (treaties, deadlines, subscribers), and workers played by calling the
services: what tests/alerts/test_scan.py and its neighbours share."""

import datetime as dt

from django.core import mail

from alerts import scan, sending
from alerts.models import Subscription
from alerts.reminders import DEFAULT_LEADS
from treaties.models import Deadline, Treaty

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def treaty(slug="new-start", name="New START", category="arms_control") -> Treaty:
    return Treaty.objects.create(slug=slug, short_name=name, name=f"The {name} treaty", category=category,
                                 kind="bilateral")


def deadline(on: Treaty, day: str, precision="day", kind="expiry") -> Deadline:
    return Deadline.objects.create(treaty=on, kind=kind, date=dt.date.fromisoformat(day), precision=precision,
                                   description="Expires: entered into force 5 February 2011 + 10-year term.")


def subscriber(email="reader@example.org", *, treaties=(), everything=False, leads=DEFAULT_LEADS, zone="UTC",
               hour=8, digest=False, statements=False, confirmed=True, unsubscribed=False) -> Subscription:
    subscription = Subscription(email=email, everything=everything, time_zone=zone, hour=hour, digest=digest,
                                statements=statements,
                                confirmed_at=at("2025-01-01T00:00") if confirmed else None,
                                unsubscribed_at=at("2025-06-01T00:00") if unsubscribed else None)
    subscription.lead_days = leads
    subscription.save()
    subscription.treaties.set(treaties)
    return subscription


def deliver(result: scan.ScanResult, now: dt.datetime) -> list:
    """Play the workers: send everything the scan queued."""
    for pk in result.queued:
        sending.delivery_send(delivery_id=pk, now=now)
    for pk in result.digests:
        sending.digest_send(subscription_id=pk, now=now)
    return mail.outbox


def scan_and_send(now: dt.datetime) -> list:
    return deliver(scan.reminders_scan(now=now), now)
