"""Thin tasks: take ids, call the services. Registered names are what `alerts.queue` sends by."""

from collections import Counter, defaultdict

from celery import shared_task
from django.conf import settings

from . import queue, retention, scan, sending, subscriptions


@shared_task
def reminders_scan() -> dict:
    result = scan.reminders_scan()
    return {"reminders": result.reminders, "changes": result.changes, "queued": len(result.queued),
            "digests": len(result.digests)}


# acks_late: a worker that dies mid-send leaves the task to be redelivered; the rows' claims keep each email single.
@shared_task(acks_late=True)
def deliveries_send(delivery_ids: list[int]) -> dict:
    outcomes = sending.deliveries_send(delivery_ids=delivery_ids)
    # Rows to try again go back as new tasks, one per wait; the attempts are counted on the rows.
    waits = defaultdict(list)
    for pk, outcome in outcomes.items():
        if outcome.retry_in is not None:
            waits[outcome.retry_in].append(pk)
    for retry_in, ids in sorted(waits.items()):
        queue.deliveries_enqueue(ids, countdown=retry_in)
    return dict(Counter(outcome.status for outcome in outcomes.values()))


@shared_task(bind=True, acks_late=True, max_retries=None)
def digest_send(self, subscription_id: int) -> str:
    return _retried(self, sending.digest_send(subscription_id=subscription_id))


def _retried(task, outcome: sending.Outcome) -> str:
    # The attempts are counted on the delivery rows, which mark them failed after the last one.
    if outcome.retry_in is not None:
        raise task.retry(countdown=outcome.retry_in, queue=settings.ALERTS_QUEUE)
    return outcome.status


@shared_task
def subscriptions_purge_unconfirmed() -> int:
    return subscriptions.subscriptions_purge_unconfirmed()


@shared_task
def retention_apply() -> dict:
    result = retention.retention_apply()
    return {"deliveries_pruned": result.deliveries_pruned, "subscriptions_erased": result.subscriptions_erased}


@shared_task
def statement_alerts_send(statement_ids: list[int]) -> int:
    """Sent for the statements that one `treaties.signals.statements_linked` announces."""
    return scan.statement_alerts_send(statement_ids=statement_ids)
