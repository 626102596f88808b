"""What changed in the record, newest first: deadlines added, moved or removed, events recorded, statements added,
treaties added or renamed — for researchers who follow the record itself.

Read from the record's history (django-simple-history), which every way of editing writes: the admin, imports,
the reference data loader, feeds and the rules that derive deadlines. Nothing else has to remember to log a
change. A batch (a data load, a feed's new items, an import) is one entry with its count, not hundreds.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMinute

from .models import Deadline, Statement, Treaty, TreatyEvent
from .precision import PreciseDate
from .reference_data import REASON as REFERENCE_DATA

LIMIT = 60  # history rows read per kind; entries shown are at most this many
BATCH = 6  # more rows than this from one source in one minute read as one entry
NOUNS = {Deadline: ("deadline", "deadlines"), TreatyEvent: ("event", "events"),
         Statement: ("statement", "statements"), Treaty: ("treaty", "treaties")}


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    what: str  # "Expiry moved from 5 February 2021 to 5 February 2026"
    treaty: Treaty | None = None
    by: str = ""  # "an editor", "load_reference_data", "From the TASS feed", "derived by rule"
    link: str = ""  # the page to see it on

    @property
    def title(self) -> str:
        return f"{self.treaty.short_name}: {self.what}" if self.treaty else self.what


def _when(row) -> PreciseDate:
    return PreciseDate(row.date, row.precision, row.date_until)


def _who(reason, user, rule) -> str:
    if reason == REFERENCE_DATA:
        return "the reference data shipped with the tracker"
    if reason:
        return reason
    return "an editor" if user else ("the tracker's rules" if rule else "the tracker")


def _by(row) -> str:
    return _who(row.history_change_reason, row.history_user_id, getattr(row, "rule", ""))


def _previous(model, rows) -> dict[int, object]:
    """For each changed row, the version just before it (one query for all)."""
    changed = [r for r in rows if r.history_type == "~"]
    if not changed:
        return {}
    before = model.history.filter(id__in={r.id for r in changed},
                                  history_date__lte=max(r.history_date for r in changed)).order_by("history_date")
    versions: dict[int, list] = {}
    for version in before:
        versions.setdefault(version.id, []).append(version)
    result = {}
    for row in changed:
        earlier = [v for v in versions.get(row.id, []) if (v.history_date, v.history_id) < (row.history_date,
                                                                                              row.history_id)]
        if earlier:
            result[row.history_id] = earlier[-1]
    return result


def _deadline_changes(until: dt.datetime, outside: Q) -> list[Change]:
    rows = list(Deadline.history.filter(outside, history_date__lte=until).select_related("treaty")
                .order_by("-history_date", "-history_id")[:LIMIT])
    previous = _previous(Deadline, rows)
    changes = []
    for row in rows:
        kind = row.get_kind_display()
        if row.history_type == "+":
            what = f"{kind} added: {_when(row)}"
        elif row.history_type == "-":
            what = f"{kind} of {_when(row)} removed"
        elif row.history_id in previous and _when(previous[row.history_id]) != _when(row):
            what = f"{kind} moved from {_when(previous[row.history_id])} to {_when(row)}"
        elif row.history_id in previous and row.superseded_on and not previous[row.history_id].superseded_on:
            what = f"{kind} of {_when(row)} superseded on {PreciseDate(row.superseded_on)}"
        else:
            continue  # wording or sources only: not news for a reader following the record
        changes.append(Change(row.history_date, what, row.treaty, _by(row), _treaty_link(row.treaty)))
    return changes


def _event_changes(until: dt.datetime, outside: Q) -> list[Change]:
    rows = list(TreatyEvent.history.filter(outside, history_date__lte=until, history_type__in=("+", "-"))
                .select_related("treaty").order_by("-history_date", "-history_id")[:LIMIT])
    parties = {e.pk: [p.display_name for p in e.party_list]
               for e in TreatyEvent.objects.filter(pk__in={r.id for r in rows}).with_party_lists()}
    changes = []
    for row in rows:
        who = ", ".join(parties.get(row.id, []))
        what = f"{row.get_kind_display()}{f' ({who})' if who else ''}, {_when(row)}"
        what = f"Recorded: {what}" if row.history_type == "+" else f"Removed: {what}"
        changes.append(Change(row.history_date, what, row.treaty, _by(row), _treaty_link(row.treaty)))
    return changes


def _statement_changes(until: dt.datetime, outside: Q) -> list[Change]:
    rows = list(Statement.history.filter(outside, history_date__lte=until, history_type="+")
                .order_by("-history_date", "-history_id")[:LIMIT])
    about = {s.pk: [t.short_name for t in s.treaties.all()]
             for s in Statement.objects.filter(pk__in={r.id for r in rows}).prefetch_related("treaties")}
    return [
        Change(row.history_date, f"Statement added: {row.title}"
               + (f" (on {', '.join(about[row.id])})" if about.get(row.id) else ""),
               None, _by(row), f"/statements/{row.id}/" if row.id in about else "")
        for row in rows
    ]


def _treaty_changes(until: dt.datetime, outside: Q) -> list[Change]:
    rows = list(Treaty.history.filter(outside, history_date__lte=until)
                .order_by("-history_date", "-history_id")[:LIMIT])
    previous = _previous(Treaty, rows)
    live = Treaty.objects.in_bulk({r.id for r in rows})
    changes = []
    for row in rows:
        treaty = live.get(row.id)
        if row.history_type == "+":
            what = f"Treaty added: {row.short_name}"
        elif row.history_type == "-":
            what = f"Treaty removed: {row.short_name}"
        elif row.history_id in previous and previous[row.history_id].short_name != row.short_name:
            what = f"Renamed from {previous[row.history_id].short_name} to {row.short_name}"
        else:
            continue
        changes.append(Change(row.history_date, what, None if row.history_type != "~" else treaty, _by(row),
                              _treaty_link(treaty)))
    return changes


def _treaty_link(treaty) -> str:
    return treaty.get_absolute_url() if treaty else ""


def _batches(until: dt.datetime) -> dict[tuple, Counter]:
    """Windows (reason, user, minute) in which one source changed more than BATCH rows, with what it changed:
    a data load, a feed run, an import. Counted in SQL, so a load of thousands costs the same as one of ten."""
    windows: dict[tuple, Counter] = {}
    for model, noun in NOUNS.items():
        rows = (model.history.filter(history_date__lte=until).annotate(minute=TruncMinute("history_date"))
                .values_list("history_change_reason", "history_user_id", "minute").annotate(n=Count("history_id"))
                .order_by("-minute")[:LIMIT])
        for reason, user, minute, n in rows:
            windows.setdefault((reason, user, minute), Counter())[noun] += n
    return {window: counts for window, counts in windows.items() if counts.total() > BATCH}


def _merged(batches: dict[tuple, Counter]) -> list[tuple[tuple, Counter]]:
    """A batch that ran across a minute's edge is one entry, not two: windows of the same source in consecutive
    minutes merge, dated by the last."""
    merged: list[tuple[tuple, Counter]] = []
    for window in sorted(batches, key=lambda w: (str(w[0]), str(w[1]), w[2])):
        if merged:
            (reason, user, minute), counts = merged[-1]
            if (reason, user) == window[:2] and window[2] - minute <= dt.timedelta(minutes=1):
                merged[-1] = (window, counts + batches[window])
                continue
        merged.append((window, Counter(batches[window])))
    return merged


def _outside(batches) -> Q:
    """History rows not in any batch window (those are shown as one entry each)."""
    inside = Q(pk__in=[])
    for reason, user, minute in batches:
        inside |= Q(history_change_reason=reason, history_user_id=user, history_date__gte=minute,
                    history_date__lt=minute + dt.timedelta(minutes=1))
    return ~inside


def _batch_change(window: tuple, counts: Counter) -> Change:
    reason, user, minute = window
    parts = ", ".join(f"{n} {nouns[n > 1]}" for nouns, n in counts.most_common())
    return Change(minute, f"{counts.total()} records changed at once ({parts})", by=_who(reason, user, "rule"))


def recent_changes(until: dt.datetime, limit: int = 50) -> list[Change]:
    """The newest changes made to the record up to `until` (a fixed number of queries, whatever the record's size)."""
    batches = _batches(until)
    outside = _outside(batches)
    changes = [*_deadline_changes(until, outside), *_event_changes(until, outside),
               *_statement_changes(until, outside), *_treaty_changes(until, outside),
               *(_batch_change(window, counts) for window, counts in _merged(batches))]
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
