"""What the record tells the apps that use it. The record never imports them; they listen here.

`statements_linked` is the one hook: sent after the transaction that linked statements to treaties commits
(from the admin, a feed, or an editor accepting a feed's mention), with `statement_ids`. The alerts app
listens to email subscribers who follow those treaties.
"""

from django.db import transaction
from django.dispatch import Signal

statements_linked = Signal()


def statements_linked_on_commit(statement_ids) -> None:
    """Announce, once the current transaction commits, that these statements gained a link to a treaty."""
    ids = list(statement_ids)
    if ids:
        transaction.on_commit(lambda: statements_linked.send(sender=None, statement_ids=ids))
