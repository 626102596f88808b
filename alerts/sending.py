"""Claiming and sending: a worker sends a row only after claiming it with a conditional UPDATE ("if it updated
0 rows, another worker got there first"); a claim older than ALERTS_CLAIM_TIMEOUT belongs to a dead worker
and can be taken over.

The one window left: a worker killed after the SMTP server accepted a message and
before the row was marked sent. That email goes out again once the claim goes
stale with the same Message-ID (one per delivery, and one per digest: a subscriber's
local day), so mail systems that dedupe will.
"""

import contextlib
import datetime as dt
import enum
import logging
import smtplib
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from treaties.models import Deadline

from .messages import BatchShared, delivery_item, local_today, message_for
from .models import (
    DeliveryKind,
    DeliveryStatus,
    ReminderDelivery,
    Subscription,
    has_subscription,
)
from .queue import deliveries_enqueue_on_commit
from .reminders import (
    DeadlineItem,
    DigestItem,
    has_moved,
    one_item_per_deadline,
)
from .sent_marks import SentMarks, committed_without_waiting_for_disk, mark_sent

log = logging.getLogger(__name__)

# kombu's visibility timeout for Redis (and SQS) when CELERY_BROKER_TRANSPORT_OPTIONS does not set one.
_DEFAULT_VISIBILITY_TIMEOUT = 3600


class Stop(enum.Enum):
    """Why a recorded email no longer goes out; the value is what the delivery log says."""

    CONFIRMED = "Already confirmed."
    UNCONFIRMED = "Not confirmed."
    UNSUBSCRIBED = "Unsubscribed."
    MOVED = "The deadline moved before the reminder was sent."
    REMOVED = "The deadline was removed before the reminder was sent."
    PASSED = "The deadline passed before the reminder could be sent."
    UNCHANGED = "The deadline is back on the date the subscriber was given."
    COVERED = "Covered by the deadline-changed email."
    SUPERSEDED = "A later reminder for the same deadline went in the same digest."
    TREATY_REMOVED = "The treaty was removed from the record before the email was sent."

    @property
    def is_news(self) -> bool:
        """Only a deadline that moved or went away earns the subscriber a deadline-changed notice."""
        return self in (Stop.MOVED, Stop.REMOVED)


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


def longest_wait() -> int:
    """The longest a task may wait to be tried again: half the broker's visibility timeout.

    A retry waits in its worker unacknowledged; past the visibility timeout Redis would hand the same task to
    a second worker as well. Half leaves the other half for the send itself.
    """
    return settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", _DEFAULT_VISIBILITY_TIMEOUT) // 2


def retry_delay(attempts: int) -> int:
    """ALERTS_RETRY_DELAY after the first failed attempt, doubling after each, up to `longest_wait`."""
    return min(settings.ALERTS_RETRY_DELAY * 2 ** (attempts - 1), longest_wait())


def deliveries_send(*, delivery_ids, now: dt.datetime | None = None) -> dict[int, Outcome]:
    """Claim a batch of deliveries in one UPDATE, send each as its own email over one SMTP connection, and mark
    each sent as soon as the server has taken it.

    Rows another worker holds, or already dealt with, are left alone ("busy", "done"). A batch that runs past
    half the claim timeout hands its unsent rest back, so no claim of ours can go stale while we still hold it.
    """
    now = now or timezone.now()
    ids = set(delivery_ids)
    batch = ReminderDelivery.objects.filter(pk__in=ids)
    # Not a row whose subscription was deleted as a scan wrote it (no database constraint ties the two): it is
    # not claimed, so nothing is sent to an address that is gone, and retention deletes it.
    batch.filter(_claimable(now), has_subscription()).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1,
        message_id=Concat(Value("<delivery."), Cast("id", CharField()), Value(f"@{_message_domain()}>")),
    )
    ours = batch.filter(status=DeliveryStatus.SENDING, claimed_at=now)
    deliveries = list(ours.select_related("subscription", "treaty", "statement").prefetch_related(
        "statement__treaties").order_by("pk"))
    outcomes = _not_claimed(ids - {d.pk for d in deliveries})
    if not deliveries:
        return outcomes
    watching = Subscription.objects.filter(pk__in={d.subscription_id for d in deliveries}).watching()
    give_back_at = time.monotonic() + settings.ALERTS_CLAIM_TIMEOUT / 2
    shared = BatchShared()
    with (committed_without_waiting_for_disk(), contextlib.closing(get_connection()) as smtp,
          SentMarks(claimed_at=now) as marks):
        items = {item.ref["delivery"].pk: item for item in _still_due(ours, deliveries, now=now, shared=shared)}
        for delivery in deliveries:
            if delivery.pk not in items:
                outcomes[delivery.pk] = Outcome("cancelled")
            elif time.monotonic() > give_back_at:
                outcomes[delivery.pk] = _give_back(_held(delivery, now))
            else:
                outcomes[delivery.pk] = _send_one(delivery, items[delivery.pk], smtp=smtp, marks=marks, now=now,
                                                  watching=watching[delivery.subscription_id])
    return outcomes


def _held(delivery: ReminderDelivery, claimed_at: dt.datetime):
    # The row by its key alone, not within the batch's list: a query psycopg converts once and keeps.
    return ReminderDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=claimed_at)


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> Outcome:
    """One delivery, as a batch of one."""
    return deliveries_send(delivery_ids=[delivery_id], now=now)[delivery_id]


def _not_claimed(ids) -> dict[int, Outcome]:
    outcomes = {pk: Outcome("done") for pk in ids}
    # A row whose subscription went after our claim (see above) is done with: no one will send it.
    busy = ReminderDelivery.objects.filter(has_subscription(), pk__in=ids, status=DeliveryStatus.SENDING)
    for pk in busy.values_list("pk", flat=True):
        # Another worker has it: look again once its claim could be stale.
        outcomes[pk] = Outcome("busy", retry_in=min(settings.ALERTS_CLAIM_TIMEOUT, longest_wait()))
    return outcomes


def _send_one(delivery: ReminderDelivery, item: DigestItem, *, smtp, marks: SentMarks, now: dt.datetime,
              watching: str) -> Outcome:
    try:
        message = message_for(delivery.subscription, [item], now=now, watching=watching)
        message.extra_headers["Message-ID"] = delivery.message_id
        smtp.open()  # once for the batch: after the first message this finds the connection open
        message.connection = smtp
        message.send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried or marked failed
        with contextlib.suppress(Exception):
            smtp.close()  # the next message opens a fresh connection rather than reuse a broken one
        return _after_error(_held(delivery, now), error, attempts=delivery.attempts, now=now)
    marks.mark(delivery.pk)
    return Outcome("sent")


def _give_back(ours) -> Outcome:
    """Unclaim a row not yet tried, as if never claimed: another task sends it straight away."""
    ours.update(status=DeliveryStatus.PENDING, claimed_at=None, attempts=F("attempts") - 1)
    return Outcome("retry", retry_in=0)


def digest_send(*, subscription_id: int, now: dt.datetime | None = None) -> Outcome:
    """Claim every unsent row of a digest subscriber and send them as one email, at most one a local day."""
    now = now or timezone.now()
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return Outcome("done")
    day = local_today(subscription, now)
    if subscription.digest_sent_on and subscription.digest_sent_on >= day:
        return Outcome("done")  # today's digest is out (a task delivered twice); the rest waits for tomorrow's
    unsent = ReminderDelivery.objects.filter(subscription_id=subscription_id).exclude(kind=DeliveryKind.CONFIRMATION)
    claimable = unsent.filter(_claimable(now))
    # One Message-ID per digest: the subscriber and their day, or the one a failed or dead attempt stored.
    token = (claimable.filter(message_id__startswith="<digest.").order_by("message_id")
             .values_list("message_id", flat=True).first()
             or f"<digest.{subscription_id}.{day:%Y%m%d}@{_message_domain()}>")
    claim = {"status": DeliveryStatus.SENDING, "claimed_at": now, "message_id": token, "attempts": F("attempts") + 1}
    if not claimable.update(**claim):
        return Outcome("done")
    ours = unsent.filter(status=DeliveryStatus.SENDING, message_id=token, claimed_at=now)
    try:
        items = _still_due(ours, list(ours.select_related("subscription", "treaty", "statement")), now=now)
        # Notices for deadlines that moved since their reminder was recorded go in this digest too.
        unsent.filter(kind=DeliveryKind.DEADLINE_CHANGED, status=DeliveryStatus.PENDING).update(**claim)
        items += _still_due(ours, list(ours.filter(kind=DeliveryKind.DEADLINE_CHANGED)
                                       .exclude(pk__in=[item.ref["delivery"].pk for item in items])
                                       .select_related("subscription", "treaty")), now=now)
        items = _one_item_per_deadline(ours, items)
        if not items:
            return Outcome("cancelled")
        message = message_for(subscription, items, now=now)
        message.extra_headers["Message-ID"] = token
        message.send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried or marked failed
        return _after_error(ours, error, attempts=max(ours.values_list("attempts", flat=True), default=1), now=now)
    mark_sent(ours, claimed_at=now)
    Subscription.objects.filter(pk=subscription_id).update(digest_sent_on=day)
    return Outcome("sent")


def _one_item_per_deadline(ours, items: list[DigestItem]) -> list[DigestItem]:
    """A digest names each deadline once: the rows another item covers are cancelled, saying which covers them."""
    about_deadlines = [
        DeadlineItem(item.ref["delivery"].pk, item.ref["kind"], item.ref["delivery"].deadline_id,
                     item.ref["delivery"].lead_days)
        for item in items if item.ref["kind"] in (DeliveryKind.REMINDER, DeliveryKind.DEADLINE_CHANGED)
    ]
    kinds = {row.pk: row.kind for row in about_deadlines}
    dropped = one_item_per_deadline(about_deadlines)
    covered = [pk for pk, kept in dropped.items() if kinds[kept] == DeliveryKind.DEADLINE_CHANGED]
    ours.filter(pk__in=covered).update(status=DeliveryStatus.CANCELLED, error=Stop.COVERED.value)
    superseded = [pk for pk in dropped if pk not in covered]
    ours.filter(pk__in=superseded).update(status=DeliveryStatus.CANCELLED, error=Stop.SUPERSEDED.value)
    return [item for item in items if item.ref["delivery"].pk not in dropped]


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
    retry_in = retry_delay(attempts)
    ours.update(status=DeliveryStatus.PENDING, claimed_at=None, error=text,
                next_try_at=now + dt.timedelta(seconds=retry_in + settings.ALERTS_REQUEUE_AFTER))
    log.warning("Delivery attempt %s failed, retrying in %ss: %s", attempts, retry_in, text)
    return Outcome("retry", retry_in=retry_in, error=text)


def _still_due(ours, deliveries, *, now: dt.datetime, shared: BatchShared | None = None) -> list[DigestItem]:
    """The re-check before sending: cancel what must no longer go out, and say what the rest is about."""
    shared = shared or BatchShared()
    deadlines = Deadline.objects.in_bulk({d.deadline_id for d in deliveries if d.deadline_id})
    items = []
    for delivery in deliveries:
        deadline = deadlines.get(delivery.deadline_id)
        stop = _reason_not_to_send(delivery, deadline, now=now)
        if stop is Stop.UNCHANGED:
            # Forgotten rather than cancelled: were the deadline to move again, a notice must be recordable.
            ours.filter(pk=delivery.pk).delete()
        elif stop:
            ours.filter(pk=delivery.pk).update(status=DeliveryStatus.CANCELLED, error=stop.value)
            if stop.is_news:
                _change_notice_record(delivery, now=now)
        else:
            items.append(delivery_item(delivery, deadline, now=now, shared=shared))
    return items


def _reason_not_to_send(delivery: ReminderDelivery, deadline: Deadline | None, *, now: dt.datetime) -> Stop | None:
    subscription = delivery.subscription
    if delivery.kind == DeliveryKind.CONFIRMATION:
        return Stop.CONFIRMED if subscription.confirmed_at else None
    if not subscription.is_active:
        return Stop.UNSUBSCRIBED if subscription.unsubscribed_at else Stop.UNCONFIRMED
    if delivery.treaty_id and delivery.treaty is None:
        # Deleted as a scan wrote the row (no database constraint ties the two): nothing to tell of it.
        return Stop.TREATY_REMOVED
    if delivery.kind == DeliveryKind.REMINDER:
        if has_moved(armed_for=delivery.armed_for, current=deadline.date if deadline else None):
            return Stop.MOVED if deadline else Stop.REMOVED
        if deadline.when.days_until(local_today(subscription, now)) < 0:
            return Stop.PASSED
    if delivery.kind == DeliveryKind.DEADLINE_CHANGED and deadline is not None and not has_moved(
            armed_for=delivery.armed_for, current=deadline.date):
        return Stop.UNCHANGED  # moved and moved back before the notice went out: nothing to tell
    return None


def _change_notice_record(delivery: ReminderDelivery, *, now: dt.datetime) -> None:
    ReminderDelivery.objects.bulk_create(
        [ReminderDelivery(
            subscription_id=delivery.subscription_id, kind=DeliveryKind.DEADLINE_CHANGED, treaty_id=delivery.treaty_id,
            deadline_id=delivery.deadline_id, armed_for=delivery.armed_for, armed_precision=delivery.armed_precision,
            armed_until=delivery.armed_until, next_try_at=now, created_at=now,
        )],
        ignore_conflicts=True,
    )
    if not delivery.subscription.digest:
        notice = ReminderDelivery.objects.filter(
            subscription_id=delivery.subscription_id, kind=DeliveryKind.DEADLINE_CHANGED,
            deadline_id=delivery.deadline_id, armed_for=delivery.armed_for, status=DeliveryStatus.PENDING,
        )
        deliveries_enqueue_on_commit(list(notice.values_list("id", flat=True)), [])


