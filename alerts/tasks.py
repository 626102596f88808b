"""Thin tasks: take ids, call the services. Registered names are what `alerts.queue` sends by."""

from celery import shared_task
from django.conf import settings

from . import retention, scan, sending, subscriptions


@shared_task
def reminders_scan() -> dict:
    result = scan.reminders_scan()
    return {"reminders": result.reminders, "changes": result.changes, "queued": len(result.queued),
            "digests": len(result.digests)}


# acks_late: a worker that dies mid-send leaves the task to be redelivered; the row's claim keeps it single.
@shared_task(bind=True, acks_late=True, max_retries=None)
def delivery_send(self, delivery_id: int) -> str:
    return _retried(self, sending.delivery_send(delivery_id=delivery_id))


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
