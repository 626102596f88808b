"""Reads that take more than one query: what the pages show, in a bounded number of queries."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .mentions import TreatyMatcher
from .models import (
    Deadline,
    DeadlineRule,
    Party,
    Statement,
    Treaty,
    TreatyAlias,
    TreatyEvent,
    TreatyKind,
)
from .precision import PreciseDate, Precision
from .rules import Fact
from .status import LAPSED, Status, StatusCode, status_on

STATUS_FILTERS = {
    "not_in_force": "Not in force",
    "in_force": "In force",
    "suspended": "In force, suspended",
    "lapsed": "Lapsed",
    "expired": "Expired",
    "withdrawn": "Withdrawn",
    "terminated": "Terminated",
}


def not_past(on: dt.date, through: str = "") -> Q:
    """Dates whose whole period has not yet passed on `on`, as SQL on the stored first day.

    `through` names a relation to reach them ("deadlines" from a treaty).
    """
    p = f"{through}__" if through else ""
    return (
        Q(**{f"{p}precision": Precision.DAY, f"{p}date__gte": on})
        | Q(**{f"{p}precision": Precision.MONTH, f"{p}date__gte": on.replace(day=1)})
        | Q(**{f"{p}precision": Precision.YEAR, f"{p}date__gte": on.replace(month=1, day=1)})
        | Q(**{f"{p}precision": Precision.RANGE, f"{p}date_until__gte": on})
    )


def known_on(on: dt.date, through: str = "") -> Q:
    """Deadlines as they stood on `on`: a rule's deadline exists once the event it follows from (a withdrawal
    notice, an extension) had happened, and an expiry that an extension moved stands until that extension.
    As of a past day, later events are not known."""
    p = f"{through}__" if through else ""
    return (Q(**{f"{p}derived_from__isnull": True}) | Q(**{f"{p}derived_from__date__lte": on})) & (
        # An expiry an extension moved was what was due until the extension, and only then.
        Q(**{f"{p}superseded_on__isnull": True}) | Q(**{f"{p}superseded_on__gt": on})
    )


def upcoming_deadlines(on: dt.date, limit: int = 10) -> list[Deadline]:
    return list(
        Deadline.objects.filter(not_past(on), known_on(on)).select_related("treaty").prefetch_related("parties")
        .order_by("date", "id")[:limit]
    )


def passed_deadlines(on: dt.date, limit: int = 10) -> list[Deadline]:
    return list(
        Deadline.objects.exclude(not_past(on)).filter(known_on(on)).select_related("treaty").prefetch_related("parties")
        .order_by("-date", "-id")[:limit]
    )


def statuses_on(on: dt.date, treaty_ids) -> dict[int, Status]:
    """Status of the given treaties: the stored copy when it is for `on`, else computed live."""
    if stored_statuses_are_current(on):
        return {pk: Status.from_dict(detail) for pk, detail in
                Treaty.objects.filter(pk__in=treaty_ids).values_list("pk", "status_detail")}
    return live_statuses_on(on, treaty_ids)


def status_counts_and_lapsed(on: dt.date, lapsed_limit: int = 10) -> tuple[Counter, list[tuple[Treaty, Status]]]:
    """How many treaties are in each status bucket, and the most recently lapsed ones."""
    if stored_statuses_are_current(on):
        counts = Counter(Treaty.objects.aggregate(**{key: Count("pk", filter=status_filter(key)) for key in BUCKETS}))
        lapsed = list(Treaty.objects.filter(status_filter("lapsed")).order_by("-status_since", "short_name")
                      [:lapsed_limit])
        return counts, [(t, Status.from_dict(t.status_detail)) for t in lapsed]
    statuses = live_statuses_on(on)
    counts = Counter(next(k for k in BUCKETS if matches_status(s, k)) for s in statuses.values())
    lapsed_ids = sorted((pk for pk, s in statuses.items() if s.is_lapsed),
                        key=lambda pk: statuses[pk].since.sort_key(), reverse=True)[:lapsed_limit]
    treaties = Treaty.objects.in_bulk(lapsed_ids)
    return counts, [(treaties[pk], statuses[pk]) for pk in lapsed_ids]


def treaties_with_status(treaties: QuerySet, wanted: str, on: dt.date) -> QuerySet:
    if stored_statuses_are_current(on):
        return treaties.filter(status_filter(wanted))
    ids = list(treaties.values_list("pk", flat=True))
    statuses = live_statuses_on(on, ids)
    return treaties.filter(pk__in=[pk for pk in ids if matches_status(statuses[pk], wanted)])


def live_statuses_on(on: dt.date, treaty_ids=None) -> dict[int, Status]:
    """Status of many treaties in five queries, reading only the columns the rules need."""
    treaties = Treaty.objects.all()
    events = TreatyEvent.objects.all()
    deadlines = Deadline.objects.filter(rule=DeadlineRule.NONE)
    if treaty_ids is not None:
        treaties = treaties.filter(pk__in=treaty_ids)
        events = events.filter(treaty_id__in=treaty_ids)
        deadlines = deadlines.filter(treaty_id__in=treaty_ids)
    # Only events that had happened by `on` matter (a month counts once it is over).
    events = events.filter(date__lte=on)
    actors = defaultdict(list)
    for event_id, short, name in TreatyEvent.parties.through.objects.filter(treatyevent__in=events).values_list(
        "treatyevent_id", "party__short_name", "party__name"
    ):
        actors[event_id].append(short or name)
    facts = defaultdict(list)
    for pk, treaty_id, kind, date, precision, until, years in events.values_list(
        "pk", "treaty_id", "kind", "date", "precision", "date_until", "extension_years"
    ):
        facts[treaty_id].append(Fact(kind, PreciseDate(date, precision, until), tuple(actors[pk]), years, pk))
    deadline_parties = defaultdict(list)
    for deadline_id, short, name in Deadline.parties.through.objects.filter(deadline__in=deadlines).values_list(
        "deadline_id", "party__short_name", "party__name"
    ):
        deadline_parties[deadline_id].append(short or name)
    editor_deadlines = defaultdict(list)
    for pk, treaty_id, kind, date, precision, until in deadlines.values_list(
        "pk", "treaty_id", "kind", "date", "precision", "date_until"
    ):
        editor_deadlines[treaty_id].append(Fact(kind, PreciseDate(date, precision, until), tuple(deadline_parties[pk])))
    return {
        pk: status_on(
            bilateral=kind == TreatyKind.BILATERAL,
            provisions=Treaty(term_years=term, lapses_at_term_end=lapses, withdrawal_notice_months=months,
                              withdrawal_notice_days=days).provisions,
            events=facts[pk],
            deadlines=editor_deadlines[pk],
            on=on,
        )
        for pk, kind, term, lapses, months, days in treaties.values_list(
            "pk", "kind", "term_years", "lapses_at_term_end", "withdrawal_notice_months", "withdrawal_notice_days"
        )
    }


# The dashboard's groups; every status falls in exactly one.
BUCKETS = {"in_force": "In force", "suspended": "In force, suspended", "not_in_force": "Not in force",
           "lapsed": "Lapsed"}


def matches_status(status: Status, wanted: str) -> bool:
    if wanted == "not_in_force":
        return status.code in (StatusCode.NOT_SIGNED, StatusCode.SIGNED)
    if wanted == "suspended":
        return status.is_suspended
    if wanted == "in_force" and status.is_suspended:
        return False
    if wanted == "lapsed":
        return status.is_lapsed
    return status.code == wanted


@dataclass
class TreatyFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    party: str = ""
    kind: str = ""
    due_within: int | None = None
    sort: str = "next_deadline"


def treaties_named(text: str) -> QuerySet:
    """Treaties whose slug is `text`, or whose name, short name or an alias contains it (any script)."""
    if connection.vendor == "sqlite" and not text.isascii():
        # SQLite folds case for ASCII letters only; fold "дснв" and "ДСНВ" in Python instead
        # (the embedded default holds few treaties; PostgreSQL does this in SQL).
        wanted = text.casefold()
        names = [*Treaty.objects.values_list("pk", "short_name"), *Treaty.objects.values_list("pk", "name"),
                 *TreatyAlias.objects.values_list("treaty_id", "name")]
        return Treaty.objects.filter(pk__in={pk for pk, name in names if wanted in name.casefold()})
    return Treaty.objects.filter(
        Q(slug=text) | Q(name__icontains=text) | Q(short_name__icontains=text)
        | Exists(TreatyAlias.objects.filter(treaty=OuterRef("pk"), name__icontains=text))
    )


SORTS = {
    "next_deadline": "Next deadline",
    "name": "Name",
    "entry_into_force": "Entry into force",
}


def _involving(parties: QuerySet) -> Q:
    """Treaties that list one of these parties or name it in an event (a party that left, one that joined late):
    one rule, so that searching "Russia" and filtering by Russia find the same treaties."""
    return Q(Exists(Treaty.parties.through.objects.filter(treaty=OuterRef("pk"), party__in=parties))) | Q(
        Exists(TreatyEvent.objects.filter(treaty=OuterRef("pk"), parties__in=parties)))


def treaty_search(filters: TreatyFilters, on: dt.date) -> QuerySet:
    """Treaties matching the filters, annotated with their next deadline and entry into force."""
    # Correlated subqueries use the (treaty, date) indexes; a join + GROUP BY would
    # aggregate every treaty's events before sorting.
    treaties = Treaty.objects.annotate(
        next_deadline=Subquery(
            Deadline.objects.filter(not_past(on), known_on(on), treaty=OuterRef("pk")).order_by("date")
            .values("date")[:1]
        ),
        entry_into_force=Subquery(
            TreatyEvent.objects.filter(treaty=OuterRef("pk"), kind="entered_into_force", date__lte=on)
            .order_by("date").values("date")[:1]
        ),
    )
    if filters.q:
        treaties = treaties.filter(
            Q(pk__in=treaties_named(filters.q).values("pk"))
            | _involving(Party.objects.filter(Q(name__icontains=filters.q) | Q(short_name__icontains=filters.q)))
        )
    if filters.category:
        treaties = treaties.filter(category=filters.category)
    if filters.kind:
        treaties = treaties.filter(kind=filters.kind)
    if filters.party:
        treaties = treaties.filter(_involving(Party.objects.filter(slug=filters.party)))
    if filters.due_within is not None:
        until = on + dt.timedelta(days=filters.due_within)
        treaties = treaties.filter(
            Exists(Deadline.objects.filter(not_past(on), known_on(on), treaty=OuterRef("pk"), date__lte=until))
        )
    if filters.status:
        treaties = treaties_with_status(treaties, filters.status, on)
    # Treaties with nothing due (or no entry into force) sort last, on every database.
    first = {"name": "short_name", "entry_into_force": "entry_into_force", "next_deadline": "next_deadline"}
    return treaties.order_by(F(first[filters.sort]).asc(nulls_last=True), "short_name", "pk")


def statement_search(*, on: dt.date, q="", treaty="", outlet="", speaker="", date_from=None,
                     date_to=None) -> QuerySet:
    """Statements published by `on` (as of a past day, later ones did not exist yet)."""
    statements = Statement.objects.filter(date__lte=on).order_by("-date", "-id")
    if q:
        statements = statements.filter(Q(title__icontains=q) | Q(quote__icontains=q) | Q(speaker__icontains=q))
    if treaty:
        statements = statements.filter(Exists(treaties_named(treaty).filter(statements=OuterRef("pk"))))
    if outlet:
        statements = statements.filter(outlet__iexact=outlet)
    if speaker:
        statements = statements.filter(speaker__icontains=speaker)
    if date_from:
        statements = statements.filter(date__gte=date_from)
    if date_to:
        statements = statements.filter(date__lte=date_to)
    return statements


def recent_statements(on: dt.date, limit: int = 6) -> list[Statement]:
    return list(Statement.objects.filter(date__lte=on).prefetch_related("treaties").order_by("-date", "-id")[:limit])


def treaty_matcher() -> TreatyMatcher:
    """Every treaty's short name, full name and aliases, ready to look for in statements (keyed by treaty id)."""
    treaties = Treaty.objects.prefetch_related("aliases")
    return TreatyMatcher(
        (treaty.pk, name)
        for treaty in treaties
        for name in [treaty.short_name, treaty.name, *(alias.name for alias in treaty.aliases.all())]
    )


def stored_statuses_are_current(on: dt.date) -> bool:
    return on == timezone.localdate() and not Treaty.objects.exclude(status_as_of=on).exists()


def status_filter(wanted: str) -> Q:
    """The SQL twin of `matches_status`, on the stored copy."""
    return {
        "not_in_force": Q(status_code__in=[StatusCode.NOT_SIGNED, StatusCode.SIGNED]),
        "in_force": Q(status_code=StatusCode.IN_FORCE, status_suspended=False),
        "suspended": Q(status_code=StatusCode.IN_FORCE, status_suspended=True),
        "lapsed": Q(status_code__in=list(LAPSED)),
    }.get(wanted, Q(status_code=wanted))


# A treaty that lapsed this recently is still what people mean by its name (news of its expiry).
RECENTLY_LAPSED = dt.timedelta(days=365)


def treaties_alive_on(on: dt.date, treaty_ids=None) -> set[int]:
    """Treaties signed or in force on `on`, or lapsed within the year before: what a name could mean then.

    With `treaty_ids`, only those are considered (a feed asks about the few that share a name)."""
    return {
        pk for pk, status in live_statuses_on(on, treaty_ids).items()
        if status.code in (StatusCode.SIGNED, StatusCode.IN_FORCE)
        or (status.is_lapsed and status.since and status.since.latest >= on - RECENTLY_LAPSED)
    }
