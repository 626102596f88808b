"""Subscribing without an account: request, confirm (double opt-in), change choices, unsubscribe.

A request makes a pending subscription and its confirmation email, and nothing
else is sent until the address confirms. Confirming when the address already has
an active subscription adds the new choices of what to watch to it, so one
address never gets the same reminder twice.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from treaties.models import Treaty

from .models import (
    DeliveryKind,
    DeliveryStatus,
    ReminderDelivery,
    Subscription,
    SubscriptionCategory,
    _new_secret,
)
from .queue import deliveries_enqueue_on_commit
from .reminders import DEFAULT_LEADS


@dataclass(frozen=True)
class Choices:
    """Everything a subscriber chooses, as the subscribe and manage forms give it."""

    everything: bool = False
    treaty_ids: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    party_ids: tuple[int, ...] = ()
    lead_days: tuple[int, ...] = DEFAULT_LEADS
    time_zone: str = field(default_factory=lambda: settings.TIME_ZONE)
    hour: int = 8
    digest: bool = False
    statements: bool = False


def normalized_email(email: str) -> str:
    return email.strip().lower()


def subscribe_limit_hit(*, email: str, client: str) -> str:
    """"client" or "address" when that rate limit is reached, else ""; both counters move on every request."""
    limits = settings.ALERTS_SUBSCRIBE_LIMITS
    address = hashlib.sha256(normalized_email(email).encode()).hexdigest()
    by_address = _within_limit(f"subscribe:address:{address}", *limits["address"])
    by_client = _within_limit(f"subscribe:client:{client}", *limits["client"])
    return "" if by_address and by_client else "address" if by_client else "client"


def _within_limit(key: str, limit: int, period: int) -> bool:
    cache.add(key, 0, period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, period)
        count = 1
    return count <= limit


def subscribe(*, email: str, choices: Choices, now: dt.datetime | None = None) -> Subscription:
    """A pending subscription and its confirmation email (queued once the transaction commits)."""
    now = now or timezone.now()
    with transaction.atomic():
        subscription = Subscription(email=normalized_email(email))
        _apply(subscription, choices)
        subscription.full_clean(exclude=["lead_mask"])
        subscription.save()
        _apply_scope(subscription, choices)
        confirmation = ReminderDelivery.objects.create(
            subscription=subscription, kind=DeliveryKind.CONFIRMATION, next_try_at=now, created_at=now
        )
        deliveries_enqueue_on_commit([confirmation.pk], [])
    return subscription


def subscription_confirm(*, subscription: Subscription, now: dt.datetime | None = None) -> Subscription:
    """Activate a pending subscription, or fold it into the address's active one; returns the active one."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _confirm(subscription.pk, now)
    except IntegrityError:
        # Another pending subscription of this address was confirmed at the same moment: fold into it.
        with transaction.atomic():
            return _confirm(subscription.pk, now)


def _confirm(pk: int, now: dt.datetime) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=pk)
    if subscription.is_active or subscription.unsubscribed_at:
        return subscription
    active = Subscription.objects.select_for_update().active().filter(email=subscription.email).first()
    if active is None:
        subscription.confirmed_at = now
        subscription.save(update_fields=["confirmed_at"])
        return subscription
    active.everything |= subscription.everything
    active.statements |= subscription.statements
    active.save(update_fields=["everything", "statements"])
    active.treaties.add(*subscription.treaties.all())
    active.parties.add(*subscription.parties.all())
    SubscriptionCategory.objects.bulk_create(
        [SubscriptionCategory(subscription=active, category=row.category) for row in subscription.category_rows.all()],
        ignore_conflicts=True,
    )
    subscription.deliveries.update(subscription=active)  # keep the log of the confirmation email
    subscription.delete()
    return active


def subscription_update(*, subscription: Subscription, choices: Choices) -> Subscription:
    with transaction.atomic():
        _apply(subscription, choices)
        subscription.full_clean(exclude=["lead_mask", "email"])
        subscription.save()
        _apply_scope(subscription, choices)
    return subscription


def subscription_unsubscribe(*, subscription: Subscription, now: dt.datetime | None = None) -> None:
    """Stop every email at once, including any already recorded and not yet sent, and revoke every link sent."""
    now = now or timezone.now()
    with transaction.atomic():
        # A new secret: the manage and calendar links in old emails (forwarded, or in a shared mailbox) stop
        # showing the address and its choices.
        Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now, secret=_new_secret()
        )
        subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.CANCELLED, error="Unsubscribed."
        )
    subscription.refresh_from_db()


def subscriptions_purge_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Pending subscriptions whose confirm link has expired will never be confirmed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.ALERTS_CONFIRM_MAX_AGE) - dt.timedelta(days=1)
    deleted, _ = Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    return deleted


def choices_of(subscription: Subscription) -> Choices:
    return Choices(
        everything=subscription.everything,
        treaty_ids=tuple(subscription.treaties.values_list("pk", flat=True)),
        categories=tuple(subscription.category_rows.values_list("category", flat=True)),
        party_ids=tuple(subscription.parties.values_list("pk", flat=True)),
        lead_days=tuple(subscription.lead_days),
        time_zone=subscription.time_zone,
        hour=subscription.hour,
        digest=subscription.digest,
        statements=subscription.statements,
    )


def _apply(subscription: Subscription, choices: Choices) -> None:
    subscription.everything = choices.everything
    subscription.lead_days = choices.lead_days
    subscription.time_zone = choices.time_zone
    subscription.hour = choices.hour
    subscription.digest = choices.digest
    subscription.statements = choices.statements


def _apply_scope(subscription: Subscription, choices: Choices) -> None:
    subscription.treaties.set(choices.treaty_ids)
    subscription.parties.set(choices.party_ids)
    subscription.category_rows.exclude(category__in=choices.categories).delete()
    SubscriptionCategory.objects.bulk_create(
        [SubscriptionCategory(subscription=subscription, category=c) for c in choices.categories],
        ignore_conflicts=True,
    )


def watched_treaties(subscription: Subscription):
    """The treaties a subscription follows: all, or those named, in its categories, or of its parties."""
    if subscription.everything:
        return Treaty.objects.all()
    return Treaty.objects.filter(
        Q(pk__in=subscription.treaties.values("pk"))
        | Q(category__in=subscription.category_rows.values("category"))
        | Q(parties__in=subscription.parties.values("pk"))
    ).distinct()
