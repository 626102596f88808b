"""Whether anything can still fall due for a treaty: the question behind every "email me" link.

A treaty that is signed or in force can yet gain deadlines (a withdrawal notice starts one, a review conference is
called); one that has lapsed has only the deadlines already on its record, and once those pass nothing will ever
be sent about it.
"""

import datetime as dt

from .models import Deadline, Treaty
from .selectors import known_on, not_past, statuses_on
from .status import Status


def nothing_to_come(status: Status, upcoming: list) -> bool:
    return status.is_lapsed and not upcoming


def treaties_with_nothing_to_come(on: dt.date, treaty_ids) -> list[tuple[Treaty, Status]]:
    """Of these treaties, those with nothing left to fall due as of `on`, with their statuses (two queries)."""
    statuses = statuses_on(on, treaty_ids)
    lapsed = [pk for pk, status in statuses.items() if status.is_lapsed]
    waiting = set(Deadline.objects.filter(known_on(on), not_past(on), treaty_id__in=lapsed)
                  .values_list("treaty_id", flat=True))
    treaties = Treaty.objects.filter(pk__in=[pk for pk in lapsed if pk not in waiting]).order_by("short_name")
    return [(treaty, statuses[treaty.pk]) for treaty in treaties]
