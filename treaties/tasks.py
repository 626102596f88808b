from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from . import alerts, subscriptions
from .feeds.sources import feed_fetch, feeds_due
from .statuses import statuses_refresh


@shared_task
def clear_expired_sessions() -> int:
    """Editors' admin sessions pile up in the database; drop the expired ones daily."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def refresh_statuses() -> int:
    """Time passing alone expires treaties: keep each row's stored status for today current."""
    return statuses_refresh(only_stale=True)


@shared_task
def reminders_scan() -> dict:
    result = alerts.reminders_scan()
    return {"reminders": result.reminders, "changes": result.changes, "queued": len(result.queued),
            "digests": len(result.digests)}


# acks_late: a worker that dies mid-send leaves the task to be redelivered; the row's claim keeps it single.
@shared_task(bind=True, acks_late=True, max_retries=None)
def delivery_send(self, delivery_id: int) -> str:
    return _retried(self, alerts.delivery_send(delivery_id=delivery_id))


@shared_task(bind=True, acks_late=True, max_retries=None)
def digest_send(self, subscription_id: int) -> str:
    return _retried(self, alerts.digest_send(subscription_id=subscription_id))


def _retried(task, outcome: alerts.Outcome) -> str:
    # The attempts are counted on the delivery rows, which mark them failed after the last one.
    if outcome.retry_in is not None:
        raise task.retry(countdown=outcome.retry_in, queue=settings.ALERTS_QUEUE)
    return outcome.status


@shared_task
def subscriptions_purge_unconfirmed() -> int:
    return subscriptions.subscriptions_purge_unconfirmed()


@shared_task
def statement_alerts_send(statement_id: int) -> int:
    """For the feeds: call with transaction.on_commit once a statement is linked to its treaties."""
    return alerts.statement_alerts_send(statement_id=statement_id)


@shared_task
def fetch_due_feeds() -> int:
    """Beat, every minute: one task per feed source that is due, so a slow feed holds up no other."""
    due = feeds_due()
    for source_id in due:
        fetch_feed.delay(source_id)
    return len(due)


@shared_task
def fetch_feed(source_id: int) -> str:
    # Enqueued twice, or picked up by two workers, it fetches once: the claim is in `feed_fetch`.
    source = feed_fetch(source_id=source_id)
    return source.last_status if source else "not due, or being fetched"
