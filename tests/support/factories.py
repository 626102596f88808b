"""Plain helpers that build realistic records inline (no factory library needed for so few models)."""

import datetime as dt

from treaties import status_counts, versions
from treaties.calendars import content_digest
from treaties.derived import deadlines_refresh
from treaties.models import (
    Deadline,
    DeadlineRevision,
    Party,
    Statement,
    StatusInterval,
    Treaty,
    TreatyAlias,
    TreatyEvent,
)

# Deriving a treaty's deadlines and status costs tens of queries; tests of many treaties need more rows than a
# page holds, not hundreds of derivations. So the first DERIVED treaties are derived as every writer derives
# them, and each later one has the same events as the one DERIVED before it and copies of its derived rows:
# deriving is a function of a treaty's events (bench/pages.py generates its 100,000 treaties the same way).
DERIVED = 20


def make_treaties(count: int, *, start: dt.date = dt.date(1990, 1, 1)) -> list[Treaty]:
    """`count` bilateral treaties, each signed, in force, suspended, with a notice and a statement.

    Events fall on DERIVED consecutive days, then the dates repeat."""
    us, _ = Party.objects.get_or_create(slug="us-test", defaults={"name": "Testland", "iso_code": "TT"})
    them, _ = Party.objects.get_or_create(slug="them-test", defaults={"name": "Otherland", "iso_code": "OT"})
    treaties = Treaty.objects.bulk_create(
        Treaty(name=f"Generated Treaty {i}", short_name=f"GT-{i:04d}", slug=f"gt-{i:04d}",
               category="arms_control" if i % 2 else "trade", kind="bilateral", term_years=40,
               withdrawal_notice_months=6)
        for i in range(count)
    )
    events = []
    for i, treaty in enumerate(treaties):
        day = start + dt.timedelta(days=i % DERIVED)
        events += [
            TreatyEvent(treaty=treaty, kind="signed", date=day, description="Signed.", source_url="https://example.org/s",
                        key="signed"),
            TreatyEvent(treaty=treaty, kind="entered_into_force", date=day + dt.timedelta(days=200),
                        description="In force.", source_url="https://example.org/e", key="eif"),
            TreatyEvent(treaty=treaty, kind="suspended", date=day + dt.timedelta(days=5000),
                        description="Suspended.", source_url="https://example.org/x", key="suspended"),
            TreatyEvent(treaty=treaty, kind="withdrawal_notice", date=day + dt.timedelta(days=9000),
                        description="Notice.", source_url="https://example.org/n", key="notice"),
        ]
    TreatyEvent.objects.bulk_create(events)
    through = TreatyEvent.parties.through
    through.objects.bulk_create(
        through(treatyevent_id=e.pk, party_id=them.pk) for e in events if e.kind in ("suspended", "withdrawal_notice")
    )
    Treaty.parties.through.objects.bulk_create(
        Treaty.parties.through(treaty_id=t.pk, party_id=p.pk) for t in treaties for p in (us, them)
    )
    TreatyAlias.objects.bulk_create(TreatyAlias(treaty=t, name=f"Alias {t.slug}") for t in treaties)
    statements = Statement.objects.bulk_create(
        Statement(title=f"Statement on {t.short_name}", outlet="Wire", url=f"https://example.org/st/{t.slug}",
                  date=start + dt.timedelta(days=9000 + i), speaker="A. Speaker", quote="Words.")
        for i, t in enumerate(treaties)
    )
    Statement.treaties.through.objects.bulk_create(
        Statement.treaties.through(statement_id=s.pk, treaty_id=t.pk) for s, t in zip(statements, treaties, strict=True)
    )
    for treaty in treaties[:DERIVED]:
        deadlines_refresh(treaty=treaty)
    _copy_derived(treaties[:DERIVED], treaties[DERIVED:])
    return treaties


def _copy_derived(originals: list[Treaty], copies: list[Treaty]) -> None:
    """Give each copy (the i-th is like original i modulo their number) its original's derived rows."""
    if not copies:
        return
    original_of = {copy.pk: originals[i % len(originals)].pk for i, copy in enumerate(copies)}
    event_ids = {(treaty_id, key): pk for pk, treaty_id, key in
                 TreatyEvent.objects.filter(treaty__in=originals + copies).values_list("pk", "treaty_id", "key")}
    event_key = {pk: key for (treaty_id, key), pk in event_ids.items()}

    def copied(row, **changes):
        values = {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields if not f.primary_key}
        return type(row)(**{**values, **changes})

    def event_of(copy_id, event_id):  # the copy's event with the key of the original's
        return event_ids[copy_id, event_key[event_id]] if event_id else None

    originals_deadlines = Deadline.objects.filter(treaty__in=originals).prefetch_related("parties")
    made, parties = [], []
    for copy_id, original_id in original_of.items():
        for deadline in (d for d in originals_deadlines if d.treaty_id == original_id):
            made.append(copied(deadline, treaty_id=copy_id, derived_from_id=event_of(copy_id, deadline.derived_from_id),
                               superseded_by_id=event_of(copy_id, deadline.superseded_by_id)))
            parties.append(deadline.parties.all())
    made = Deadline.objects.bulk_create(made)
    through = Deadline.parties.through
    through.objects.bulk_create(through(deadline_id=d.pk, party_id=p.pk)
                                for d, ps in zip(made, parties, strict=True) for p in ps)
    # A revision's digest is of what the calendar shows, which names the treaty: computed, not copied.
    DeadlineRevision.objects.bulk_create(
        DeadlineRevision(deadline=d, digest=content_digest(d), revised_at=d.updated_at)
        for d in Deadline.objects.filter(pk__in=[d.pk for d in made]).select_related("treaty", "derived_from")
        .prefetch_related("parties"))
    originals_intervals = StatusInterval.objects.filter(treaty__in=originals)
    intervals = StatusInterval.objects.bulk_create(copied(interval, treaty_id=copy_id)
                                                   for copy_id, original_id in original_of.items()
                                                   for interval in originals_intervals
                                                   if interval.treaty_id == original_id)
    # Counted as `treaties.derived` counts the intervals it stores.
    status_counts.record(status_counts.changes((i.starts_on, i.ends_on, i.code, i.suspended) for i in intervals))
    versions.bump()  # bulk_create sends no signals
