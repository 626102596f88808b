"""A treaty page's timeline: its dated entries, with today among them.

The all-treaties chart at /timeline/ is `treaties.web.chart`.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ..periods import Span
from ..precision import PreciseDate
from .countdown import countdown


@dataclass
class Entry:
    kind: str  # "event", "deadline" or "today"
    when: PreciseDate
    label: str = ""
    description: str = ""
    source_url: str = ""
    source: str = ""  # who published it, and what kind of source it is: "TASS (press)"
    parties: tuple[str, ...] = ()
    note: str = ""
    future: bool = False
    suspended_by: tuple[str, ...] = ()
    countdown: str = ""
    derived: bool = False
    moved: str = ""  # for a deadline an extension replaced: what it became, and when


def treaty_timeline(events, deadlines, lifespan: list[Span], on: dt.date, moved=None) -> list[Entry]:
    moved = moved or {}
    entries = [
        Entry("event", e.when, e.get_kind_display(), e.description, e.source_url,
              _source(e), tuple(p.display_name for p in e.party_list), e.date_note, not e.when.has_happened(on))
        for e in events
    ] + [
        Entry("deadline", d.when, d.get_kind_display(), d.description, d.source_url,
              _source(d), tuple(p.display_name for p in d.party_list), d.date_note, not d.when.has_happened(on),
              countdown="" if d.pk in moved else countdown(d.when, on), derived=d.is_derived,
              moved=moved.get(d.pk, ""))
        for d in deadlines
    ]
    entries.sort(key=lambda e: (e.when.sort_key(), e.kind != "event"))
    for entry in entries:
        span = next((s for s in lifespan if s.start <= entry.when.latest < s.end), None)
        if span and span.status.is_suspended and not entry.future:
            entry.suspended_by = span.status.suspended_by
    position = next((i for i, e in enumerate(entries) if e.when.earliest > on), len(entries))
    entries.insert(position, Entry("today", PreciseDate(on), "Today" if on == timezone.localdate() else "As of"))
    return entries


def _source(fact) -> str:
    publisher = fact.source_publisher or "Source"
    return f"{publisher} ({fact.get_source_kind_display().lower()})" if fact.source_kind else publisher


