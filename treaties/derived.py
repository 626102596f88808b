"""Keep what is derived from a treaty's record in step with it: its rule-based deadlines and the copy of
its status for today stored on its row (so that lists filter and count by status in SQL).

`treaties.status` decides a status; this module keeps the stored copy current after any change to a treaty's
record (`deadlines_refresh`) and, because time passing alone expires treaties, every 15 minutes by beat.
Readers use the copy only while it is for the day they show (`treaties.selectors`)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import deadline_revisions, versions
from .models import Deadline, DeadlineRule, Treaty
from .rules import derive_deadlines
from .selectors import live_statuses_on


@dataclass
class Refresh:
    created: list[Deadline] = field(default_factory=list)
    moved: list[tuple[Deadline, object]] = field(default_factory=list)  # (deadline, its previous PreciseDate)
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.moved or self.deleted)


@transaction.atomic
def deadlines_refresh(*, treaty: Treaty) -> Refresh:
    """Re-derive the treaty's rule-based deadlines and its stored status; editor-entered deadlines stay.

    Call it after any change to a treaty's events, deadlines or provisions.
    """
    events = {event.pk: event for event in treaty.events.prefetch_related("parties")}
    derived = derive_deadlines(treaty.provisions, [event.fact() for event in events.values()])
    # A conference the record has dated already (typed by an editor) is better than the schedule's year.
    typed = {d.kind: d.date.year for d in treaty.deadlines.filter(rule=DeadlineRule.NONE).order_by("date")}
    derived = [d for d in derived if not (d.rule == DeadlineRule.SCHEDULE
                                          and typed.get(d.kind, 0) >= d.when.earliest.year)]
    existing = {_key(d.rule, d.derived_from_id, d.superseded_by_id): d
                for d in treaty.deadlines.exclude(rule=DeadlineRule.NONE)}
    result, keep = Refresh(), set()
    for rule_deadline in derived:
        source = events[rule_deadline.derived_from]
        superseded_by = events[rule_deadline.superseded_by] if rule_deadline.superseded_by else None
        key = _key(rule_deadline.rule, source.pk, rule_deadline.superseded_by)
        values = {
            "kind": rule_deadline.kind,
            "date": rule_deadline.when.value,
            "precision": rule_deadline.when.precision,
            "date_until": rule_deadline.when.until,
            "description": rule_deadline.description,
            "source_url": source.source_url,
            "derived_from": source,
            "superseded_by": superseded_by,
            "superseded_on": superseded_by.date if superseded_by else None,
        }
        deadline = existing.get(key)
        if deadline is None:
            deadline = Deadline.objects.create(treaty=treaty, rule=rule_deadline.rule, **values)
            result.created.append(deadline)
        elif any(getattr(deadline, name) != value for name, value in values.items()):
            previous = deadline.when
            for name, value in values.items():
                setattr(deadline, name, value)
            deadline.save()
            if previous != deadline.when:
                result.moved.append((deadline, previous))
        keep.add(deadline.pk)
        if set(deadline.parties.all()) != set(source.parties.all()):
            deadline.parties.set(source.parties.all())
    stale = treaty.deadlines.exclude(rule=DeadlineRule.NONE).exclude(pk__in=keep)
    result.deleted = len(stale)
    stale.delete()
    statuses_refresh(treaty_ids=[treaty.pk])
    deadline_revisions.revise(treaty=treaty)
    return result


@transaction.atomic
def record_changed(*, treaty_ids=(), party_ids=()) -> int:
    """The one call every writer makes after changing the record (admin, imports of every kind, the reference
    data, feeds' accepted suggestions, a shell): re-derive the deadlines of the treaties concerned and store
    their status again, in the writer's transaction. A party's change concerns every treaty that names it,
    because statuses name parties. Returns how many treaties' derived deadlines changed."""
    ids = set(treaty_ids)
    if party_ids:
        ids |= set(Treaty.objects.filter(
            Q(parties__in=party_ids) | Q(events__parties__in=party_ids) | Q(deadlines__parties__in=party_ids)
        ).values_list("pk", flat=True))
    changed = sum(deadlines_refresh(treaty=treaty).changed for treaty in Treaty.objects.filter(pk__in=ids))
    return changed


def _key(rule: str, derived_from, superseded_by) -> tuple:
    # The current term expiry is one row per treaty, moved in place by each extension (so reminders and
    # calendar entries follow it); each expiry an extension replaced is its own row, kept as history.
    if rule == DeadlineRule.TERM:
        return ("term",) if superseded_by is None else ("term superseded", derived_from)
    return (rule, derived_from)


def statuses_refresh(*, on: dt.date | None = None, treaty_ids=None, only_stale: bool = False) -> int:
    """Recompute and store the status of the given treaties (or all); returns how many rows changed."""
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
    if changed:
        versions.bump()  # bulk_update sends no signals
    return len(changed)
