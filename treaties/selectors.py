"""Reads that take more than one query: what the pages show, in a bounded number of queries."""

import datetime as dt
import functools
import json
import logging
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, F, FilteredRelation, Min, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Least

from . import search, status_counts
from .derived import status_intervals, treaty_facts
from .mentions import TreatyMatcher
from .models import (
    Deadline,
    Party,
    Statement,
    StatusInterval,
    Treaty,
    TreatyAlias,
    TreatyEvent,
)
from .periods import Span, spans
from .precision import Precision
from .status import LAPSED, Status, StatusCode, bucket_of

logger = logging.getLogger(__name__)

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
    deadlines = Deadline.objects.filter(not_past(on), known_on(on)).select_related("treaty").with_party_lists()
    # Read along the date index from the year's first day, before which nothing still to come starts except a
    # range: ranges (few) are read apart, so the walk never passes over the whole past.
    dated = deadlines.exclude(precision=Precision.RANGE).filter(date__gte=on.replace(month=1, day=1))
    ranges = deadlines.filter(precision=Precision.RANGE)
    soonest = [*dated.order_by("date", "id")[:limit], *ranges.order_by("date", "id")[:limit]]
    return sorted(soonest, key=lambda deadline: (deadline.date, deadline.pk))[:limit]


def passed_deadlines(on: dt.date, limit: int = 10) -> list[Deadline]:
    # Whatever has passed started before `on`: the walk down the date index starts there, not in the future.
    return list(
        Deadline.objects.exclude(not_past(on)).filter(known_on(on), date__lt=on).select_related("treaty")
        .with_party_lists().order_by("-date", "-id")[:limit]
    )


def on_day(on: dt.date, through: str = "") -> Q:
    """The stored status interval (`StatusInterval`) that holds on `on`: one per treaty."""
    p = f"{through}__" if through else ""
    return Q(**{f"{p}starts_on__lte": on, f"{p}ends_on__gt": on})


def statuses_on(on: dt.date, treaty_ids) -> dict[int, Status]:
    """Status of the given treaties on `on`, from their stored intervals."""
    ids = list(treaty_ids)
    statuses = {pk: Status.from_dict(detail) for pk, detail in
                StatusInterval.objects.filter(on_day(on), treaty_id__in=ids).values_list("treaty_id", "detail")}
    for pk, intervals in _unstored(set(ids) - statuses.keys()).items():
        statuses[pk] = next(Status.from_dict(i.detail) for i in intervals if i.starts_on <= on < i.ends_on)
    return statuses


def status_of(treaty: Treaty) -> Status:
    """The status of a treaty `treaty_search` found, from the interval it was found by: no query (for a page of 50,
    2 ms less than `statuses_on`)."""
    return Status.from_dict(treaty.status_detail)


def lives(on: dt.date, treaty_ids) -> dict[int, tuple[list[Span], Status]]:
    """Each treaty's spans of unchanged status up to `on` and its status on `on`, from its stored intervals, in
    one query. Plain rows, not models, and each status read as the database's text of it, parsed only where it
    changes (intervals are cut where only the next deadline moves too) and once per process for each text: a
    page of 40 treaties reads a few hundred intervals holding a few dozen different statuses."""
    changes = {pk: [] for pk in treaty_ids}
    rows = list(StatusInterval.objects.filter(treaty_id__in=list(changes), starts_on__lte=on)
                .order_by("treaty_id", "starts_on").annotate(text=Cast("detail", TextField()))
                .values_list("treaty_id", "starts_on", "text"))
    stored = {pk for pk, _, _ in rows}
    rows += [(pk, i.starts_on, json.dumps(i.detail)) for pk, intervals in _unstored(changes.keys() - stored).items()
             for i in intervals if i.starts_on <= on]
    for pk, starts_on, text in rows:
        if not changes[pk] or changes[pk][-1][2] != text:
            changes[pk].append((starts_on, _parsed(text), text))
    return {pk: (spans([(day, status) for day, status, _ in days], on), days[-1][1])
            for pk, days in changes.items() if days}


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> Status:
    # A Status is immutable, so one parse can serve every request; the same few recur across treaties and days.
    return Status.from_dict(json.loads(text))


def _unstored(treaty_ids) -> dict[int, list[StatusInterval]]:
    """Intervals derived here, not stored, for treaties that have none stored: written by code that skipped
    `record_changed` (a `Treaty.objects.create` in a shell). Their pages stay true and say so in the log, instead
    of failing; nothing is stored by a read. Costs nothing where every treaty has its intervals."""
    if not treaty_ids:
        return {}
    intervals = {pk: status_intervals(pk, facts) for pk, facts in treaty_facts(treaty_ids).items()}
    if intervals:
        logger.warning("No stored status for treaties %s: derived for this request; their writer should call "
                       "treaties.derived.record_changed", sorted(intervals))
    return intervals


def status_counts_and_lapsed(on: dt.date, lapsed_limit: int = 10) -> tuple[Counter, list[tuple[Treaty, Status]]]:
    """How many treaties are in each status bucket, and the most recently lapsed ones."""
    # A status holds from its own date on, so a lapse that holds on `on` is dated by then: the walk down the
    # lapses' date index starts at `on`, not among those still to come.
    lapsed = (StatusInterval.objects.filter(on_day(on), status_filter("lapsed"), since__lte=on)
              .select_related("treaty").order_by("-since", "treaty__short_name"))
    return status_counts.counts_on(on), [(interval.treaty, Status.from_dict(interval.detail))
                                         for interval in lapsed[:lapsed_limit]]


def treaties_with_status(treaties: QuerySet, wanted: str, on: dt.date) -> QuerySet:
    """Any queryset of treaties (the admin's list) narrowed to a status on `on`."""
    return treaties.filter(Exists(StatusInterval.objects.filter(on_day(on), status_filter(wanted),
                                                                treaty=OuterRef("pk"))))


# The dashboard's groups; every status falls in exactly one.
BUCKETS = {"in_force": "In force", "suspended": "In force, suspended", "not_in_force": "Not in force",
           "lapsed": "Lapsed"}


def matches_status(status: Status, wanted: str) -> bool:
    if wanted in BUCKETS:
        return bucket_of(status.code, status.is_suspended) == wanted
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
    return Treaty.objects.filter(pk__in=_named(text))


def _named(text: str) -> QuerySet:
    """The ids of `treaties_named`. A union, not an OR across tables, so that each part reads its own index
    (the names' trigram indexes on PostgreSQL) instead of testing every treaty."""
    if connection.vendor == "sqlite" and not text.isascii():
        # SQLite folds case for ASCII letters only; fold "дснв" and "ДСНВ" in Python instead
        # (the embedded default holds few treaties; PostgreSQL does this in SQL).
        wanted = text.casefold()
        names = [*Treaty.objects.values_list("pk", "short_name"), *Treaty.objects.values_list("pk", "name"),
                 *TreatyAlias.objects.values_list("treaty_id", "name")]
        return Treaty.objects.filter(pk__in={pk for pk, name in names if wanted in name.casefold()}).order_by(
        ).values("pk")
    return Treaty.objects.filter(Q(slug=text) | Q(name__icontains=text) | Q(short_name__icontains=text)).order_by(
    ).values("pk").union(TreatyAlias.objects.filter(name__icontains=text).order_by().values("treaty_id"), all=True)


SORTS = {
    "next_deadline": "Next deadline",
    "name": "Name",
    "entry_into_force": "Entry into force",
}


def _involving(parties: QuerySet) -> QuerySet:
    """The ids of treaties that list one of these parties or name it in an event (a party that left, one that
    joined late): one rule, so that searching "Russia" and filtering by Russia find the same treaties."""
    return Treaty.parties.through.objects.filter(party__in=parties).order_by().values("treaty_id").union(
        TreatyEvent.objects.filter(parties__in=parties).order_by().values("treaty_id"), all=True)


# Up to this many treaties found by a search or a party are named to the database one by one (see `_few_or_all`).
FEW = 500


def _few_or_all(ids: QuerySet) -> list[int] | QuerySet:
    """The ids themselves where there are at most `FEW` of them, else the query that finds them.

    As a subquery, the planner guesses how many a search finds (a party's name matching, say, is taken to bring
    its average of treaties), and where it guesses many it walks the whole list in order, waiting to meet them:
    16 ms for the one treaty named "number 4242" among 10,000. Named, they are counted exactly, and the few are
    looked up by id; many are still walked in order. One more query, which stops after `4 * FEW` rows: the union
    names a treaty once for each of its names, party links and events that match (a party's treaty several times), and
    making them distinct in SQL would read every match before stopping (15 ms for a word in every name)."""
    rows = [pk for row in ids[:4 * FEW] for pk in row.values()]  # each row is one id: {"pk": 1}, {"treaty_id": 1}
    found = set(rows)
    return ids if len(rows) == 4 * FEW or len(found) > FEW else sorted(found)


def treaty_search(filters: TreatyFilters, on: dt.date) -> QuerySet:
    """Treaties matching the filters, annotated with their next deadline, entry into force and status (read it
    with `status_of`)."""
    # The stored interval that holds on `on` carries the status, the next deadline and the entry into force:
    # one join, so sorting and filtering never evaluate a subquery per treaty. Every treaty has exactly one
    # interval on any day, so an inner join (made by a condition on a column the indexes hold) drops none, and
    # lets the database start from the intervals' indexes and stop after a page. The conditions on the day go in
    # one `filter()`, before the annotations, so that all of them read one join (Django joins a one-to-many
    # relation again for each call).
    on_the_day = [Q(day__starts_on__isnull=False)]
    if filters.status:
        on_the_day.append(status_filter(filters.status, "day"))
    if filters.sort == "next_deadline":
        # Changes no row, tells the database where to start its walk up the next-deadline index.
        on_the_day.append(Q(day__next_deadline__gte=earliest_due(on)))
    treaties = (
        Treaty.objects.annotate(day=FilteredRelation("status_intervals", condition=on_day(on, "status_intervals")))
        .filter(*on_the_day)
        .annotate(next_deadline=F("day__next_deadline"), entry_into_force=F("day__entry_into_force"),
                  status_detail=F("day__detail"))
    )
    if filters.q:
        parties = Party.objects.filter(Q(name__icontains=filters.q) | Q(short_name__icontains=filters.q))
        treaties = treaties.filter(pk__in=_few_or_all(_named(filters.q).union(_involving(parties), all=True)))
    if filters.category:
        treaties = treaties.filter(category=filters.category)
    if filters.kind:
        treaties = treaties.filter(kind=filters.kind)
    if filters.party:
        treaties = treaties.filter(pk__in=_few_or_all(_involving(Party.objects.filter(slug=filters.party))))
    if filters.due_within is not None:
        treaties = treaties.filter(next_deadline__lte=on + dt.timedelta(days=filters.due_within))
    # Treaties not yet in force sort last, on every database (and nothing due, OPEN_END, is last by itself).
    first = {"name": "short_name", "entry_into_force": "entry_into_force", "next_deadline": "next_deadline"}
    return treaties.order_by(F(first[filters.sort]).asc(nulls_last=True), "short_name", "pk")


def treaties_counted(filters: TreatyFilters, on: dt.date) -> int | None:
    """How many treaties `treaty_search` finds, from the kept status counts, when at most a status group narrows
    it (every treaty has one interval on any day, so each is in exactly one group); None when it must count."""
    # Whatever else narrows the list (a filter added later too) must be counted.
    if filters != TreatyFilters(status=filters.status, sort=filters.sort) or filters.status not in {"", *BUCKETS}:
        return None
    counts = status_counts.counts_on(on)
    return counts[filters.status] if filters.status else sum(counts.values())


def earliest_due(on: dt.date):
    """A first day no deadline still due on `on` comes before, as an SQL expression: its year's first day, as
    `not_past` has it, unless a range that is not over began earlier (few; read from their own index)."""
    year = Value(on.replace(month=1, day=1))
    ranges = Deadline.objects.filter(precision=Precision.RANGE, date_until__gte=on).order_by().values("precision")
    return Least(year, Coalesce(Subquery(ranges.annotate(first=Min("date")).values("first")), year))


def statement_search(*, on: dt.date, q="", treaty="", outlet="", speaker="", date_from=None,
                     date_to=None, sort="") -> QuerySet:
    """Statements published by `on` (as of a past day, later ones did not exist yet), newest first; with `q`,
    the ones that match it, ranked unless `sort` is "newest" (`treaties.search`)."""
    statements = Statement.objects.filter(date__lte=on).order_by("-date", "-id")
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
    if q:
        statements = search.ranked(statements, q, sort=sort or "relevance")
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


def status_filter(wanted: str, through: str = "") -> Q:
    """The SQL twin of `matches_status`, on stored status intervals (reached by `through` from a treaty)."""
    p = f"{through}__" if through else ""
    return {
        "not_in_force": Q(**{f"{p}code__in": [StatusCode.NOT_SIGNED, StatusCode.SIGNED]}),
        "in_force": Q(**{f"{p}code": StatusCode.IN_FORCE, f"{p}suspended": False}),
        "suspended": Q(**{f"{p}code": StatusCode.IN_FORCE, f"{p}suspended": True}),
        "lapsed": Q(**{f"{p}code__in": list(LAPSED)}),
    }.get(wanted, Q(**{f"{p}code": wanted}))


# A treaty that lapsed this recently is still what people mean by its name (news of its expiry).
RECENTLY_LAPSED = dt.timedelta(days=365)


def treaties_alive_on(on: dt.date, treaty_ids=None) -> set[int]:
    """Treaties signed or in force on `on`, or lapsed within the year before: what a name could mean then.

    With `treaty_ids`, only those are considered (a feed asks about the few that share a name)."""
    day = StatusInterval.objects.filter(on_day(on))
    if treaty_ids is not None:
        day = day.filter(treaty_id__in=treaty_ids)
    alive = set(day.filter(code__in=[StatusCode.SIGNED, StatusCode.IN_FORCE]).values_list("treaty_id", flat=True))
    # A lapse dated "2025" counts up to its last possible day, which only the whole date knows.
    return alive | {pk for pk, detail in day.filter(status_filter("lapsed")).values_list("treaty_id", "detail")
                    if (since := Status.from_dict(detail).since) and since.latest >= on - RECENTLY_LAPSED}
