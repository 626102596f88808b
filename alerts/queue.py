"""Handing recorded deliveries to the workers.

The services record rows, then name the tasks that send them by their registered names, so that services
never import `alerts.tasks` (which imports the services). `tests/alerts` checks that the names resolve.
"""

from celery import current_app
from django.conf import settings
from django.db import transaction

DELIVERY_SEND = "alerts.tasks.delivery_send"
DIGEST_SEND = "alerts.tasks.digest_send"
STATEMENT_ALERTS_SEND = "alerts.tasks.statement_alerts_send"


def _send(name: str, argument) -> None:
    current_app.signature(name, args=(argument,)).apply_async(queue=settings.ALERTS_QUEUE)


def deliveries_enqueue_on_commit(delivery_ids=(), subscription_ids=()) -> None:
    """Once the transaction commits: one task per delivery row, and one digest task per subscriber."""
    delivery_ids, subscription_ids = list(delivery_ids), list(subscription_ids)

    def enqueue():
        for pk in delivery_ids:
            _send(DELIVERY_SEND, pk)
        for pk in subscription_ids:
            _send(DIGEST_SEND, pk)

    if delivery_ids or subscription_ids:
        transaction.on_commit(enqueue)


def statement_alerts_enqueue(statement_ids) -> None:
    """One task for the statements one transaction linked (a feed's batch is a hundred): one message, not one per
    statement."""
    if ids := sorted(set(statement_ids)):
        _send(STATEMENT_ALERTS_SEND, ids)
