"""What calendar subscribers see change: each deadline's stable name and its revision.

`revise` runs in `derived.record_changed`, which every writer calls after changing the record (for each treaty
changed, and each treaty a renamed party appears in), so it runs in the writer's transaction.
It compares each deadline's event, as a subscriber would read it (`calendars.content_digest`), with the one last
published (`DeadlineRevision`): a difference is a new revision (SEQUENCE + 1, DTSTAMP now), however small and
however soon after the last; the same content is no revision, so loading the same data again changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import versions
from .calendars import content_digest
from .models import Deadline, DeadlineRevision, DeadlineRule, Treaty, TreatyEvent
from .transfer.formats import natural_keys


def _name_unnamed(treaty_ids) -> int:
    """Store the key an export would give each of these treaties' unnamed events and deadlines (kind and date).

    The calendars' UIDs are made from these keys; stored, they stay when the date is corrected later."""
    named = 0
    for rows in (TreatyEvent.objects.all(), Deadline.objects.filter(rule=DeadlineRule.NONE)):
        rows = rows.filter(treaty_id__in=treaty_ids)
        for treaty_id in sorted(set(rows.filter(key="").values_list("treaty_id", flat=True))):
            # The export's and the import's order, so all three give the same key to the same record.
            items = list(rows.filter(treaty_id=treaty_id).order_by("date", "id"))
            keys = natural_keys([(item.key, item.kind, item.when.isoformat()) for item in items])
            for item, key in zip(items, keys, strict=True):
                if not item.key:
                    type(item).objects.filter(pk=item.pk).update(key=key)
                    named += 1
    return named


def _first_published(treaty: Treaty, now: dt.datetime) -> dt.datetime:
    # A new deadline's first revision is dated when its treaty's dates were last checked, where that is known
    # and not later than now: the same on every fresh load of the same data, where the load time would not be.
    if treaty.checked_on is None:
        return now
    return min(now, dt.datetime.combine(treaty.checked_on, dt.time(), tzinfo=dt.UTC))


@transaction.atomic
def revise(*, treaty_ids) -> int:
    """Count a revision for each of these treaties' deadlines whose event changed; returns how many were new or
    changed."""
    named = _name_unnamed(treaty_ids)
    now = timezone.now()
    revised = 0
    deadlines = Deadline.objects.filter(treaty_id__in=treaty_ids) \
        .select_related("treaty", "derived_from", "calendar_revision").with_party_lists()
    for deadline in deadlines:
        digest = content_digest(deadline)
        try:
            revision = deadline.calendar_revision
        except DeadlineRevision.DoesNotExist:  # new: what it shows now is its first revision
            DeadlineRevision.objects.create(deadline=deadline, digest=digest,
                                            revised_at=_first_published(deadline.treaty, now))
            revised += 1
            continue
        if digest != revision.digest:
            # A conditional update, so two writers revising at once both count.
            DeadlineRevision.objects.filter(pk=deadline.pk).update(digest=digest, number=F("number") + 1,
                                                                   revised_at=now)
            revised += 1
    if named or revised:
        versions.bump()  # update() sends no signals; cached calendars and exports key on the version
    return revised
