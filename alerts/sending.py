"""Claiming and sending: a worker sends a row only after claiming it with a conditional UPDATE ("if it updated
0 rows, another worker got there first"); a claim older than ALERTS_CLAIM_TIMEOUT belongs to a dead worker
and can be taken over.

The one window left: a worker killed after the SMTP server accepted a message and
before the row was marked sent. That email goes out again once the claim goes
stale (its Message-ID is the same, so mail systems that dedupe will).
"""

import datetime as dt
import logging
import smtplib
import uuid
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from treaties.models import Deadline

from .messages import delivery_item, local_today, message_for
from .models import (
    DeliveryKind,
    DeliveryStatus,
    ReminderDelivery,
    Subscription,
)
from .queue import deliveries_enqueue_on_commit
from .reminders import (
    DigestItem,
    has_moved,
)

log = logging.getLogger(__name__)





@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "cancelled", "failed", "retry" (call again in retry_in seconds), "busy" or "done"
    retry_in: int | None = None
    error: str = ""


def claim_is_stale(now: dt.datetime) -> Q:
    return Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - dt.timedelta(seconds=settings.ALERTS_CLAIM_TIMEOUT))


def _claimable(now: dt.datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING) | claim_is_stale(now)


def _message_domain() -> str:
    return urlparse(settings.SITE_URL).hostname or "localhost"


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> Outcome:
    """Claim one delivery, check it should still go out, send it as its own email, record the outcome."""
    now = now or timezone.now()
    rows = ReminderDelivery.objects.filter(pk=delivery_id)
    claimed = rows.filter(_claimable(now)).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1,
        message_id=f"<delivery.{delivery_id}@{_message_domain()}>",
    )
    if not claimed:
        status = rows.values_list("status", flat=True).first()
        if status == DeliveryStatus.SENDING:  # another worker has it; look again once its claim could be stale
            return Outcome("busy", retry_in=settings.ALERTS_CLAIM_TIMEOUT)
        return Outcome("done")
    ours = rows.filter(status=DeliveryStatus.SENDING, claimed_at=now)
    delivery = rows.select_related("subscription", "treaty", "statement").get()
    try:
        items = _still_due(ours, [delivery], now=now)
        if not items:
            return Outcome("cancelled")
        message = message_for(delivery.subscription, items, now=now)
        message.extra_headers["Message-ID"] = delivery.message_id
        message.send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried or marked failed
        return _after_error(ours, error, attempts=delivery.attempts, now=now)
    return _mark_sent(ours, now=now)


def digest_send(*, subscription_id: int, now: dt.datetime | None = None) -> Outcome:
    """Claim every unsent row of a digest subscriber and send them as one email."""
    now = now or timezone.now()
    token = f"<digest.{uuid.uuid4().hex}@{_message_domain()}>"
    unsent = ReminderDelivery.objects.filter(subscription_id=subscription_id).exclude(kind=DeliveryKind.CONFIRMATION)
    claim = {"status": DeliveryStatus.SENDING, "claimed_at": now, "message_id": token, "attempts": F("attempts") + 1}
    if not unsent.filter(_claimable(now)).update(**claim):
        return Outcome("done")
    ours = unsent.filter(status=DeliveryStatus.SENDING, message_id=token)
    subscription = Subscription.objects.get(pk=subscription_id)
    try:
        items = _still_due(ours, list(ours.select_related("subscription", "treaty", "statement")), now=now)
        # Notices for deadlines that moved since their reminder was recorded go in this digest too.
        unsent.filter(kind=DeliveryKind.DEADLINE_CHANGED, status=DeliveryStatus.PENDING).update(**claim)
        items += _still_due(ours, list(ours.filter(kind=DeliveryKind.DEADLINE_CHANGED)
                                       .exclude(pk__in=[item.ref["delivery"].pk for item in items])
                                       .select_related("subscription", "treaty")), now=now)
        if not items:
            return Outcome("cancelled")
        message = message_for(subscription, items, now=now)
        message.extra_headers["Message-ID"] = token
        message.send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried or marked failed
        return _after_error(ours, error, attempts=max(ours.values_list("attempts", flat=True), default=1), now=now)
    outcome = _mark_sent(ours, now=now)
    local_day = now.astimezone(zoneinfo.ZoneInfo(subscription.time_zone)).date()
    Subscription.objects.filter(pk=subscription_id).update(digest_sent_on=local_day)
    return outcome


def _mark_sent(ours, *, now: dt.datetime) -> Outcome:
    if not ours.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""):
        # Our claim went stale and another worker took it over: it may send this email again.
        log.warning("Claim taken over while sending (claimed at %s); the email may go out twice.", now)
    return Outcome("sent")


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError) and error.smtp_code >= 500


def _after_error(ours, error: Exception, *, attempts: int, now: dt.datetime) -> Outcome:
    text = f"{type(error).__name__}: {error}"[:2000]
    if _is_permanent(error) or attempts >= settings.ALERTS_MAX_ATTEMPTS:
        ours.update(status=DeliveryStatus.FAILED, error=text)
        log.error("Delivery failed for good after %s attempts: %s", attempts, text)
        return Outcome("failed", error=text)
    retry_in = settings.ALERTS_RETRY_DELAY * 2 ** (attempts - 1)
    ours.update(status=DeliveryStatus.PENDING, claimed_at=None, error=text,
                next_try_at=now + dt.timedelta(seconds=retry_in + settings.ALERTS_REQUEUE_AFTER))
    log.warning("Delivery attempt %s failed, retrying in %ss: %s", attempts, retry_in, text)
    return Outcome("retry", retry_in=retry_in, error=text)


def _still_due(ours, deliveries, *, now: dt.datetime) -> list[DigestItem]:
    """The re-check before sending: cancel what must no longer go out, and say what the rest is about."""
    deadlines = Deadline.objects.in_bulk({d.deadline_id for d in deliveries if d.deadline_id})
    items = []
    for delivery in deliveries:
        reason = _reason_not_to_send(delivery, deadlines.get(delivery.deadline_id), now=now)
        if reason:
            ours.filter(pk=delivery.pk).update(status=DeliveryStatus.CANCELLED, error=reason)
            if reason.startswith("The deadline"):
                _change_notice_record(delivery, now=now)
            continue
        items.append(delivery_item(delivery, deadlines.get(delivery.deadline_id), now=now))
    return items


def _reason_not_to_send(delivery: ReminderDelivery, deadline: Deadline | None, *, now: dt.datetime) -> str:
    subscription = delivery.subscription
    if delivery.kind == DeliveryKind.CONFIRMATION:
        return "Already confirmed." if subscription.confirmed_at else ""
    if not subscription.is_active:
        return "Unsubscribed." if subscription.unsubscribed_at else "Not confirmed."
    if delivery.kind == DeliveryKind.REMINDER:
        if has_moved(armed_for=delivery.armed_for, current=deadline.date if deadline else None):
            return "The deadline moved before the reminder was sent." if deadline else \
                "The deadline was removed before the reminder was sent."
        if deadline.when.days_until(local_today(subscription, now)) < 0:
            return "The deadline passed before the reminder could be sent."
    return ""


def _change_notice_record(delivery: ReminderDelivery, *, now: dt.datetime) -> None:
    ReminderDelivery.objects.bulk_create(
        [ReminderDelivery(
            subscription_id=delivery.subscription_id, kind=DeliveryKind.DEADLINE_CHANGED, treaty_id=delivery.treaty_id,
            deadline_id=delivery.deadline_id, armed_for=delivery.armed_for, armed_precision=delivery.armed_precision,
            next_try_at=now, created_at=now,
        )],
        ignore_conflicts=True,
    )
    if not delivery.subscription.digest:
        notice = ReminderDelivery.objects.filter(
            subscription_id=delivery.subscription_id, kind=DeliveryKind.DEADLINE_CHANGED,
            deadline_id=delivery.deadline_id, armed_for=delivery.armed_for, status=DeliveryStatus.PENDING,
        )
        deliveries_enqueue_on_commit(list(notice.values_list("id", flat=True)), [])


