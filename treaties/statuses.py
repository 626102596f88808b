"""The status copy stored on each treaty row, so pages can filter and count in SQL.

`treaties.status` decides a status; this module only keeps the copy for
"today" current: after any change to a treaty's record (via
`deadlines_refresh`) and every 15 minutes by beat, because time passing alone
expires treaties. Readers use the copy only while it is for the day they
show; otherwise they compute live (`treaties.selectors.statuses_on`).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import Treaty
from .status import LAPSED, StatusCode


def statuses_refresh(*, on: dt.date | None = None, treaty_ids=None, only_stale: bool = False) -> int:
    """Recompute and store the status of the given treaties (or all); returns how many rows changed."""
    from .selectors import live_statuses_on

    on = on or timezone.localdate()
    treaties = Treaty.objects.all()
    if treaty_ids is not None:
        treaties = treaties.filter(pk__in=treaty_ids)
    if only_stale:
        treaties = treaties.exclude(status_as_of=on)
    ids = list(treaties.values_list("pk", flat=True))
    changed = []
    computed = live_statuses_on(on, ids)
    for treaty in Treaty.objects.filter(pk__in=ids).only("pk", "status_detail", "status_as_of"):
        status = computed[treaty.pk]
        detail = status.to_dict()
        if treaty.status_detail != detail or treaty.status_as_of != on:
            treaty.status_code = status.code
            treaty.status_suspended = status.is_suspended
            treaty.status_since = status.since.value if status.since else None
            treaty.status_as_of = on
            treaty.status_detail = detail
            changed.append(treaty)
    Treaty.objects.bulk_update(
        changed, ["status_code", "status_suspended", "status_since", "status_as_of", "status_detail"], batch_size=1000
    )
    return len(changed)


def stored_statuses_are_current(on: dt.date) -> bool:
    return on == timezone.localdate() and not Treaty.objects.exclude(status_as_of=on).exists()


def status_filter(wanted: str) -> Q:
    """The SQL twin of `selectors.matches_status`, on the stored copy."""
    return {
        "not_in_force": Q(status_code__in=[StatusCode.NOT_SIGNED, StatusCode.SIGNED]),
        "in_force": Q(status_code=StatusCode.IN_FORCE, status_suspended=False),
        "suspended": Q(status_code=StatusCode.IN_FORCE, status_suspended=True),
        "lapsed": Q(status_code__in=list(LAPSED)),
    }.get(wanted, Q(status_code=wanted))
