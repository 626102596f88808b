"""Keep what is derived from a treaty's record in step with it: its rule-based deadlines, and its status over
time stored as intervals (`StatusInterval`), so that status on any day is an indexed range lookup and lists of
thousands of treaties filter, count and sort by status and next deadline in SQL.

`treaties.status` decides a status; this module stores its answers after any change to a treaty's record
(`record_changed`, which every writer calls). Time passing needs no refresh: the intervals cover every day."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import Q

from . import deadline_revisions, status_counts, versions
from .models import OPEN_END, Deadline, DeadlineRule, EventKind, StatusInterval, Treaty, TreatyEvent, TreatyKind
from .precision import PreciseDate
from .rules import Fact, Provisions, derive_deadlines
from .status import Status, status_change_days, status_on

# Treaties whose derived rows are read and written together: a fixed number of queries per batch, and a bound on
# the rows held in memory during a large import.
BATCH = 2000


@dataclass
class Refresh:
    created: list[Deadline] = field(default_factory=list)
    moved: list[tuple[Deadline, object]] = field(default_factory=list)  # (deadline, its previous PreciseDate)
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.moved or self.deleted)


def deadlines_refresh(*, treaty: Treaty) -> Refresh:
    """Re-derive the treaty's rule-based deadlines and its stored status; editor-entered deadlines stay.

    Call it after any change to a treaty's events, deadlines or provisions.
    """
    return record_changed(treaty_ids=[treaty.pk])[treaty.pk]


def _derive_deadlines(treaty_ids) -> dict[int, Refresh]:
    """Re-derive the rule-based deadlines of these treaties: their rows read in a few queries for all of them,
    then only what changed written, row by row (with its history and signals)."""
    treaties = Treaty.objects.filter(pk__in=treaty_ids)  # in name order (within a batch), as before
    events = defaultdict(dict)
    for event in TreatyEvent.objects.filter(treaty_id__in=treaty_ids).with_party_lists():
        events[event.treaty_id][event.pk] = event
    typed = defaultdict(dict)
    for treaty_id, kind, date in Deadline.objects.filter(treaty_id__in=treaty_ids, rule=DeadlineRule.NONE) \
            .order_by("date").values_list("treaty_id", "kind", "date"):
        typed[treaty_id][kind] = date.year
    derived = defaultdict(list)
    for deadline in Deadline.objects.filter(treaty_id__in=treaty_ids).exclude(rule=DeadlineRule.NONE) \
            .with_party_lists():
        derived[deadline.treaty_id].append(deadline)
    plans, stale = {}, []
    for treaty in treaties:
        rules = _rules_of(treaty, events[treaty.pk], typed[treaty.pk])
        wanted = {_key(d.rule, d.derived_from, d.superseded_by) for d in rules}
        # Of two stored rows with one key, the later in (date, id) order stays, the other goes.
        stored = {_stored_key(d): d for d in derived[treaty.pk]}
        kept = {key: deadline for key, deadline in stored.items() if key in wanted}
        gone = [d.pk for d in derived[treaty.pk] if kept.get(_stored_key(d)) is not d]
        plans[treaty.pk] = (treaty, rules, kept, len(gone))
        stale += gone
    # Rows no rule gives any more go first: a deadline that follows from an event is one per event, and an event
    # moved to another treaty in the same change has its deadline derived there.
    Deadline.objects.filter(pk__in=stale).delete()
    return {pk: _derive_treaty(treaty, events[pk], rules, kept, deleted)
            for pk, (treaty, rules, kept, deleted) in plans.items()}


def _rules_of(treaty: Treaty, events: dict, typed: dict) -> list:
    derived = derive_deadlines(treaty.provisions, [event.fact() for event in events.values()])
    # A conference the record has dated already (typed by an editor) is better than the schedule's year.
    return [d for d in derived
            if not (d.rule == DeadlineRule.SCHEDULE and typed.get(d.kind, 0) >= d.when.earliest.year)]


def _derive_treaty(treaty: Treaty, events: dict, rules: list, kept: dict, deleted: int) -> Refresh:
    """One treaty's deadlines brought in line with its rules (`kept`: its stored ones that stay, by key)."""
    result = Refresh(deleted=deleted)
    for rule_deadline in rules:
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
            # Ids, not the rows: comparing a stored deadline's related row would load it, a query each.
            "derived_from_id": source.pk,
            "superseded_by_id": superseded_by.pk if superseded_by else None,
            "superseded_on": superseded_by.date if superseded_by else None,
        }
        deadline = kept.get(key)
        if deadline is None:
            deadline = Deadline.objects.create(treaty=treaty, rule=rule_deadline.rule, **values)
            result.created.append(deadline)
            concerned = set()
        else:
            concerned = {party.pk for party in deadline.party_list}
            if any(getattr(deadline, name) != value for name, value in values.items()):
                previous = deadline.when
                for name, value in values.items():
                    setattr(deadline, name, value)
                deadline.save()
                if previous != deadline.when:
                    result.moved.append((deadline, previous))
        if concerned != {party.pk for party in source.party_list}:
            deadline.parties_set(source.party_list)
    return result


def treaties_naming(party_ids) -> set[int]:
    """Treaties whose record names one of these parties: as a party, in an event or in a deadline."""
    return set(Treaty.objects.filter(
        Q(parties__in=party_ids) | Q(events__parties__in=party_ids) | Q(deadlines__parties__in=party_ids)
    ).values_list("pk", flat=True))


@transaction.atomic
def record_changed(*, treaty_ids=(), party_ids=()) -> dict[int, Refresh]:
    """The one call every writer makes after changing the record (admin, imports of every kind, the reference
    data, feeds' accepted suggestions, a shell): re-derive the deadlines of the treaties concerned and store
    their status again, in the writer's transaction. A party's change concerns every treaty that names it,
    because statuses name parties. Returns what changed in each treaty's derived deadlines."""
    _take_turn()
    ids = sorted(set(treaty_ids) | (treaties_naming(party_ids) if party_ids else set()))
    refreshes = {}
    # A fixed number of queries per BATCH treaties, plus a write for each row that changes.
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        refreshes |= _derive_deadlines(chunk)
        deadline_revisions.revise(treaty_ids=chunk)
    intervals_refresh(treaty_ids=ids, batch=BATCH)
    return refreshes


def _stored_key(deadline: Deadline) -> tuple:
    return _key(deadline.rule, deadline.derived_from_id, deadline.superseded_by_id)


def _key(rule: str, derived_from, superseded_by) -> tuple:
    # The current term expiry is one row per treaty, moved in place by each extension (so reminders and
    # calendar entries follow it); each expiry an extension replaced is its own row, kept as history.
    if rule == DeadlineRule.TERM:
        return ("term",) if superseded_by is None else ("term superseded", derived_from)
    return (rule, derived_from)


@dataclass
class TreatyFacts:
    """What `status_on` reads of one treaty, and what its intervals' next deadline and entry into force need."""

    bilateral: bool
    provisions: Provisions
    events: list[Fact] = field(default_factory=list)
    editor_deadlines: list[Fact] = field(default_factory=list)
    # (first day, last day, day the event it follows from happened, day an extension replaced it)
    deadlines: list[tuple[dt.date, dt.date, dt.date | None, dt.date | None]] = field(default_factory=list)
    entries_into_force: list[dt.date] = field(default_factory=list)


def treaty_facts(treaty_ids=None) -> dict[int, TreatyFacts]:
    """The facts of many treaties in a fixed number of queries, reading only the columns the rules need."""
    treaties = Treaty.objects.all()
    events, deadlines = TreatyEvent.objects.all(), Deadline.objects.all()
    if treaty_ids is not None:
        treaties = treaties.filter(pk__in=treaty_ids)
        events, deadlines = events.filter(treaty_id__in=treaty_ids), deadlines.filter(treaty_id__in=treaty_ids)
    facts = {
        pk: TreatyFacts(kind == TreatyKind.BILATERAL, Treaty(
            term_years=term, lapses_at_term_end=lapses, withdrawal_notice_months=months, withdrawal_notice_days=days,
            consent_effect_days=consent, review_every_years=review).provisions)
        for pk, kind, term, lapses, months, days, consent, review in treaties.values_list(
            "pk", "kind", "term_years", "lapses_at_term_end", "withdrawal_notice_months", "withdrawal_notice_days",
            "consent_effect_days", "review_every_years")
    }
    actors = _party_names(TreatyEvent.parties.through.objects.filter(treatyevent__in=events), "treatyevent_id")
    for pk, treaty_id, kind, date, precision, until, years in events.values_list(
        "pk", "treaty_id", "kind", "date", "precision", "date_until", "extension_years"
    ):
        facts[treaty_id].events.append(Fact(kind, PreciseDate(date, precision, until), actors[pk], years, pk))
        if kind == EventKind.ENTERED_INTO_FORCE:
            facts[treaty_id].entries_into_force.append(date)
    editor = deadlines.filter(rule=DeadlineRule.NONE)
    parties = _party_names(Deadline.parties.through.objects.filter(deadline__in=editor), "deadline_id")
    for pk, treaty_id, kind, date, precision, until in editor.values_list(
        "pk", "treaty_id", "kind", "date", "precision", "date_until"
    ):
        facts[treaty_id].editor_deadlines.append(Fact(kind, PreciseDate(date, precision, until), parties[pk]))
    for treaty_id, date, precision, until, known_from, superseded_on in deadlines.values_list(
        "treaty_id", "date", "precision", "date_until", "derived_from__date", "superseded_on"
    ):
        latest = PreciseDate(date, precision, until).latest
        facts[treaty_id].deadlines.append((date, latest, known_from, superseded_on))
    return facts


def _party_names(links, owner: str) -> dict[int, tuple[str, ...]]:
    names = defaultdict(tuple)
    # In the parties' own order, as the live rules read them through `party_list`: "suspended by A and B".
    for owner_id, short, name in links.order_by("party__name", "party_id").values_list(
            owner, "party__short_name", "party__name"):
        names[owner_id] += (short or name,)
    return names


def live_statuses_on(on: dt.date, treaty_ids=None) -> dict[int, Status]:
    """Status of many treaties computed from their events; readers use the stored intervals instead."""
    return live_statuses([on], treaty_ids)[on]


def live_statuses(days, treaty_ids=None) -> dict[dt.date, dict[int, Status]]:
    """`live_statuses_on` for many days, the facts read once. Each day's status is computed from only the events
    dated on or before it (none dated later can have happened: a month counts once it is over), so a rule that
    looked ahead would disagree with the stored intervals, which are computed from the whole record."""
    facts = treaty_facts(treaty_ids)
    return {day: {pk: _status(replace(f, events=[e for e in f.events if e.when.value <= day]), day)
                  for pk, f in facts.items()} for day in days}


def _status(facts: TreatyFacts, on: dt.date) -> Status:
    return status_on(bilateral=facts.bilateral, provisions=facts.provisions, events=facts.events,
                     deadlines=facts.editor_deadlines, on=on)


def status_intervals(treaty_id: int, facts: TreatyFacts) -> list[StatusInterval]:
    """The treaty's whole life cut where its status, next deadline or entry into force changes."""
    days = status_change_days(provisions=facts.provisions, events=facts.events, deadlines=facts.editor_deadlines)
    # A deadline stops being next the day after its last possible day; it is known from the day of the event
    # it follows from until the day an extension replaced it (as `selectors.not_past` and `known_on` read it).
    days |= {day for first, latest, known, superseded in facts.deadlines
             for day in (latest + dt.timedelta(days=1), known, superseded) if day}
    days |= set(facts.entries_into_force)
    intervals, previous = [], None
    for day in sorted(days | {dt.date.min}):
        status = _status(facts, day)
        due = [first for first, latest, known, superseded in facts.deadlines
               if latest >= day and (known is None or known <= day) and (superseded is None or superseded > day)]
        entry = [first for first in facts.entries_into_force if first <= day]
        state = (status, min(due, default=None), min(entry, default=None))
        if state == previous:
            continue
        if intervals:
            intervals[-1].ends_on = day
        intervals.append(StatusInterval(
            treaty_id=treaty_id, starts_on=day, ends_on=OPEN_END, code=status.code, suspended=status.is_suspended,
            since=status.since.value if status.since else None, detail=status.to_dict(),
            next_deadline=state[1] or OPEN_END, entry_into_force=state[2]))
        previous = state
    return intervals


def intervals_refresh(*, treaty_ids=None, batch: int = BATCH) -> int:
    """Store again the status intervals of the given treaties (or all); returns how many were written."""
    ids = list(Treaty.objects.filter(**({"pk__in": treaty_ids} if treaty_ids is not None else {}))
               .order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        with transaction.atomic():
            _take_turn()  # before reading: another writer's committed facts, not what came before them
            rows = [row for pk, facts in treaty_facts(chunk).items() for row in status_intervals(pk, facts)]
            counted = intervals_delete(chunk)
            StatusInterval.objects.bulk_create(rows, batch_size=1000)
            # Taken back and added in one go: an edit that moves no status writes no count, and each writer takes
            # the count rows' locks in one order (two in two goes could each hold what the other waits for).
            counted.update(status_counts.changes((row.starts_on, row.ends_on, row.code, row.suspended) for row in rows))
            status_counts.record(counted)
        written += len(rows)
    return written


def intervals_delete(treaty_ids) -> Counter:
    """Delete these treaties' stored intervals; what that does to the status counts, for `status_counts.record`,
    from the rows the database deleted (one statement reads and deletes them: nothing is counted out that stays)."""
    ids, deleted = list(treaty_ids), []
    table = connection.ops.quote_name(StatusInterval._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 900):  # parameters a statement: SQLite's limit is 999
            chunk = ids[start:start + 900]
            cursor.execute(f"DELETE FROM {table} WHERE treaty_id IN ({', '.join(['%s'] * len(chunk))}) "
                           "RETURNING starts_on, ends_on, code, suspended", chunk)
            deleted += cursor.fetchall()
    return status_counts.changes(
        ((_date(starts), _date(ends), code, bool(suspended)) for starts, ends, code, suspended in deleted), sign=-1)


def treaty_deleting(sender, instance: Treaty, **kwargs) -> None:
    """`pre_delete` of a treaty: its intervals go first, through `intervals_delete`, so that the counts lose them
    (the cascade that follows finds none left). A signal rather than a step in each deleting view: the admin's
    bulk action, its delete page and a shell all delete through Django's collector, and all must be counted."""
    _take_turn()
    status_counts.record(intervals_delete([instance.pk]))


def _take_turn() -> None:
    """Writers of derived rows take turns: each moves the record's version first (every change to the record moves
    it in its transaction anyway, and bulk writes send no signals to move it), so its one row is held until
    commit and the next writer waits, then reads what the first committed. Without a turn a treaty deleted while
    an editor's save stored its intervals lost only the rows it saw from the counts, and the cascade deleted the
    new ones uncounted; two saves at once both inserted the same intervals. (Locking the treaties' rows instead
    deadlocked with a writer that had moved the version first, and held up every insert naming the treaty, the
    reminder scan's included.) SQLite lets one writer in at a time already."""
    versions.bump()


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite gives text back
