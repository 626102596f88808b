"""Handing recorded deliveries to the workers.

The services record rows, then name the tasks that send them by their registered names, so that services
never import `alerts.tasks` (which imports the services). `tests/alerts` checks that the names resolve.
"""

from celery import current_app
from django.conf import settings
from django.db import transaction

DELIVERIES_SEND = "alerts.tasks.deliveries_send"
DIGEST_SEND = "alerts.tasks.digest_send"
STATEMENT_ALERTS_SEND = "alerts.tasks.statement_alerts_send"


def _send(name: str, argument) -> None:
    current_app.signature(name, args=(argument,)).apply_async(queue=settings.ALERTS_QUEUE)


# Deliveries per send task: one claim, one SMTP connection and one broker message for this many emails.
SEND_BATCH = 100


def deliveries_enqueue(delivery_ids, *, countdown: int = 0) -> None:
    """One send task per SEND_BATCH deliveries, in id order."""
    ids = sorted(delivery_ids)
    for start in range(0, len(ids), SEND_BATCH):
        current_app.signature(DELIVERIES_SEND, args=(ids[start:start + SEND_BATCH],)).apply_async(
            queue=settings.ALERTS_QUEUE, countdown=countdown or None)


def deliveries_enqueue_on_commit(delivery_ids=(), subscription_ids=()) -> None:
    """Once the transaction commits: the deliveries in batches, and one digest task per subscriber."""
    delivery_ids, subscription_ids = list(delivery_ids), list(subscription_ids)

    def enqueue():
        deliveries_enqueue(delivery_ids)
        for pk in subscription_ids:
            _send(DIGEST_SEND, pk)

    if delivery_ids or subscription_ids:
        transaction.on_commit(enqueue)


def statement_alerts_enqueue(statement_ids) -> None:
    """One task for the statements one transaction linked (a feed's batch is a hundred): one message, not one per
    statement."""
    if ids := sorted(set(statement_ids)):
        _send(STATEMENT_ALERTS_SEND, ids)
