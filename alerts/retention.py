"""Keeping no more than is needed: old rows of the delivery log go, and so do unsubscribed addresses.

The delivery log is pruned of finished rows (sent, failed, cancelled) older than ALERTS_KEEP_DELIVERIES_DAYS;
unsent rows are never touched, unless their subscription is gone (see `ReminderDelivery.subscription`). A
reminder row is also what stops the scan recording the same reminder again, so one goes only once the date it
was armed for is past in every time zone: pruning can never make a reminder go out twice.

An address that unsubscribed is erased ALERTS_ERASE_UNSUBSCRIBED_DAYS later: its subscription is deleted with
everything it chose and its delivery log. Deleted rather than anonymised: nothing reads an unsubscribed
subscription again (its links were revoked when it unsubscribed, and subscribing again makes a new one), so a
row kept without its address would be a record of choices that serves no one but can still say something
about the person who made them.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import DeliveryStatus, ReminderDelivery, Subscription, has_subscription

FINISHED = [DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED]
# A subscriber's day can be up to two days behind UTC's date (UTC-12, before their hour): one more for safety.
_DATES_STILL_DUE = dt.timedelta(days=3)


@dataclass(frozen=True)
class Retention:
    deliveries_pruned: int
    subscriptions_erased: int


def retention_apply(*, now: dt.datetime | None = None) -> Retention:
    now = now or timezone.now()
    return Retention(deliveries_prune(now=now), unsubscribed_erase(now=now))


def deliveries_prune(*, now: dt.datetime) -> int:
    """Delete finished delivery rows older than ALERTS_KEEP_DELIVERIES_DAYS whose date can no longer come due, and
    rows whose subscription is gone (a scan wrote them as it was deleted; no worker claims them)."""
    old = ReminderDelivery.objects.filter(
        status__in=FINISHED, created_at__lt=now - dt.timedelta(days=settings.ALERTS_KEEP_DELIVERIES_DAYS)
    )
    over = Q(armed_for__isnull=True) | Q(armed_for__lt=now.date() - _DATES_STILL_DUE)
    deleted, _ = old.filter(over).delete()
    orphans, _ = ReminderDelivery.objects.filter(~has_subscription()).delete()
    return deleted + orphans


def unsubscribed_erase(*, now: dt.datetime) -> int:
    """Delete subscriptions unsubscribed more than ALERTS_ERASE_UNSUBSCRIBED_DAYS ago, with their log."""
    cutoff = now - dt.timedelta(days=settings.ALERTS_ERASE_UNSUBSCRIBED_DAYS)
    _, per_model = Subscription.objects.filter(unsubscribed_at__lt=cutoff).delete()
    return per_model.get(Subscription._meta.label, 0)
