"""What the timelines show: a treaty page's list of dated entries, and the all-treaties chart.

The chart is plain geometry (numbers for an SVG template), computed here so
the template only draws.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ..periods import Span, spans
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
              _source(e), tuple(p.display_name for p in e.parties.all()), e.date_note, not e.when.has_happened(on))
        for e in events
    ] + [
        Entry("deadline", d.when, d.get_kind_display(), d.description, d.source_url,
              _source(d), tuple(p.display_name for p in d.parties.all()), d.date_note, not d.when.has_happened(on),
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


# Chart geometry, in SVG user units.
WIDTH, LABEL_WIDTH, RIGHT_PAD, ROW, TOP = 1240, 200, 24, 34, 40


@dataclass
class Bar:
    x: float
    width: float
    css: str
    title: str


@dataclass
class Row:
    treaty: object
    y: float
    bars: list[Bar] = field(default_factory=list)
    markers: list[tuple[float, str, str]] = field(default_factory=list)  # (x, css, title)
    summary: str = ""


@dataclass
class Chart:
    width: int
    height: int
    rows: list[Row]
    ticks: list[tuple[float, int]]
    today_x: float
    on: dt.date
    label_width: int = LABEL_WIDTH


def timeline_chart(treaties, on: dt.date) -> Chart:
    lives = []
    for treaty in treaties:
        events = list(treaty.events.all())
        deadlines = list(treaty.deadlines.all())
        life = spans(bilateral=treaty.kind == "bilateral", provisions=treaty.provisions,
                     events=[e.fact() for e in events],
                     deadlines=[d.fact() for d in deadlines if not d.is_derived], on=on)
        future = [d for d in deadlines if not d.when.has_happened(on)]
        lives.append((treaty, events, life, future))
    starts = [e.when.earliest for _, events, _, _ in lives for e in events[:1]] or [on]
    ends = [d.when.latest for *_, future in lives for d in future] + [on]
    first_year = (min(starts).year // 5) * 5
    last_year = max(ends).year + 2
    start, end = dt.date(first_year, 1, 1), dt.date(last_year, 1, 1)
    plot = WIDTH - LABEL_WIDTH - RIGHT_PAD

    def x(day: dt.date) -> float:
        return round(LABEL_WIDTH + (day - start).days / (end - start).days * plot, 1)

    rows = []
    for index, (treaty, _events, life, future) in enumerate(lives):
        row = Row(treaty, TOP + index * ROW)
        for span in life:
            label = span.status.label
            until = "" if span.open_ended else f" to {span.end:%-d %b %Y}"
            if span.status.is_lapsed:
                row.markers.append((x(span.start), "lapse", f"{label} on {span.start:%-d %b %Y}"))
                continue
            row.bars.append(Bar(x(span.start), max(round(x(span.end) - x(span.start), 1), 2), span.css,
                                f"{label} from {span.start:%-d %b %Y}{until}"))
        for deadline in future:
            row.markers.append((x(deadline.when.earliest), "deadline",
                                f"{deadline.get_kind_display()}: {deadline.when}"))
        row.summary = "; ".join(bar.title for bar in row.bars) or "no recorded events"
        if life and life[-1].status.is_lapsed:
            row.summary += f"; {life[-1].status.label} on {life[-1].start:%-d %b %Y}"
        rows.append(row)
    step = 5 if last_year - first_year <= 80 else 10
    ticks = [(x(dt.date(year, 1, 1)), year) for year in range(first_year, last_year + 1, step)]
    return Chart(WIDTH, TOP + len(rows) * ROW + 16, rows, ticks, x(on), on)
