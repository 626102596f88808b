"""Keep the stored derived deadlines in step with a treaty's events and provisions."""

from dataclasses import dataclass, field

from django.db import transaction

from .models import Deadline, DeadlineRule, Treaty
from .rules import derive_deadlines
from .statuses import statuses_refresh


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
    existing = {(d.rule, d.derived_from_id): d for d in treaty.deadlines.exclude(rule=DeadlineRule.NONE)}
    result, keep = Refresh(), set()
    for rule_deadline in derived:
        source = events[rule_deadline.derived_from]
        # A term expiry is one per treaty, whichever event last moved it.
        key = next(
            (k for k in existing if rule_deadline.rule == DeadlineRule.TERM and k[0] == DeadlineRule.TERM),
            (rule_deadline.rule, source.pk),
        )
        values = {
            "kind": rule_deadline.kind,
            "date": rule_deadline.when.value,
            "precision": rule_deadline.when.precision,
            "description": rule_deadline.description,
            "source_url": source.source_url,
            "derived_from": source,
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
    return result
