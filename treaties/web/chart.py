"""The all-treaties timeline chart: which years it shows, and where each bar and mark goes.

Plain geometry for an SVG template. Horizontal positions are percentages of
the chart's width, so the browser fits the chart to any screen while marks
and text keep their size in pixels; vertical positions are pixels.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from ..precision import PreciseDate

# The first and last years a window may show: the as-of field's own bounds.
EARLIEST_YEAR, LATEST_YEAR = 1800, 2199
DEFAULT_FIRST_YEAR = 2000
# Where the time axis runs, in percent of the chart's width; the rest is room for the marks at its ends.
PLOT_LEFT, PLOT_RIGHT = 0.6, 98.8
ROW, BAR_TOP, BAR_HEIGHT = 48, 24, 14  # pixels: a row holds its name on one line and its bar below

# Event kinds with a mark of their own on the chart, named after the symbol that draws them.
MARKS = {
    "opened_for_signature": "signed", "signed": "signed",
    "ratified": "ratified", "joined": "ratified",
    "entered_into_force": "in-force",
    "extended": "extended",
    "suspended": "suspended", "resumed": "resumed",
    "withdrawal_notice": "notice",
    "withdrawn": "withdrawn",
    "expired": "ended", "terminated": "ended",
}
# What each symbol means, in the order the legend lists them.
LEGEND = {
    "signed": "Signature", "ratified": "Ratification", "in-force": "Entry into force", "extended": "Extension",
    "suspended": "Suspension", "resumed": "Suspension lifted", "notice": "Withdrawal notice",
    "withdrawn": "Withdrawal", "ended": "Expiry or end", "deadline": "Deadline to come",
    "later": "More deadlines after these years",
}
# Marks that say which party acted, where a treaty goes on for the others (or ends because of one).
PARTY_MARKS = {"suspended", "resumed", "withdrawn"}
ENDINGS = {"withdrawn", "expired", "terminated"}


@dataclass(frozen=True)
class Window:
    """The years on the axis, both included: 2000–2027 runs from 1 January 2000 to 31 December 2027."""

    first_year: int
    last_year: int

    @classmethod
    def default(cls, on: dt.date) -> "Window":
        # From 2000 through the year after the as-of day, so that the recent years, where the news is, are
        # wide, and the year to come shows its deadlines; as of a day before 2010, the 28 years up to it.
        last = min(on.year + 1, LATEST_YEAR)
        return cls(DEFAULT_FIRST_YEAR if last - DEFAULT_FIRST_YEAR >= 10 else last - 27, last)

    @classmethod
    def from_query(cls, params, on: dt.date) -> "Window":
        """The window `?from=YYYY&to=YYYY` asks for; the default for anything missing or out of bounds."""
        try:
            first, last = int(params.get("from", "")), int(params.get("to", ""))
        except ValueError:
            return cls.default(on)
        if not EARLIEST_YEAR <= first <= last <= LATEST_YEAR:
            return cls.default(on)
        return cls(first, last)

    @property
    def start(self) -> dt.date:
        return dt.date(self.first_year, 1, 1)

    @property
    def end(self) -> dt.date:
        """The day after the last one shown."""
        return dt.date(self.last_year + 1, 1, 1)

    @property
    def years(self) -> int:
        return self.last_year - self.first_year + 1

    def x(self, day: dt.date) -> float:
        """Where `day` falls, in percent of the chart's width (outside the plot for days outside the window)."""
        share = (day - self.start).days / (self.end - self.start).days
        return round(PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT), 2)

    def shows(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def clamp(self, day: dt.date) -> dt.date:
        return min(max(day, self.start), self.end)

    def moved(self, years: int) -> "Window":
        years = max(EARLIEST_YEAR - self.first_year, min(years, LATEST_YEAR - self.last_year))
        return Window(self.first_year + years, self.last_year + years)

    def zoomed(self, years: int) -> "Window":
        """The window `years` wide around the same middle, kept within bounds."""
        years = max(4, min(years, LATEST_YEAR - EARLIEST_YEAR + 1))
        first = max(EARLIEST_YEAR, (self.first_year + self.last_year + 1 - years) // 2)
        first = min(first, LATEST_YEAR - years + 1)
        return Window(first, first + years - 1)

    def ticks(self) -> list[int]:
        step = next(s for s in (1, 2, 5, 10, 20, 50) if self.years / s <= 14)
        return list(range(-(-self.first_year // step) * step, self.last_year + 1, step))


@dataclass
class Bar:
    """A span of unchanged status, cut to the window."""

    x: float
    width: float
    css: str
    title: str
    when: str  # "from 8 April 2010 to 5 February 2011", or "since 5 February 2011" for a span still running
    label: str


@dataclass
class Mark:
    x: float
    symbol: str  # a key of LEGEND
    title: str
    when: PreciseDate
    what: str
    parties: str = ""
    until_x: float | None = None  # where a date known only to its month or year may end
    who: str = ""  # who withdrew or suspended, in short ("US"), written over the mark where there is room

    @property
    def spread(self) -> float:
        return round(self.until_x - self.x, 2) if self.until_x is not None else 0


@dataclass
class Row:
    treaty: object
    y: int
    summary: str
    bars: list[Bar] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    note: str = ""  # what the row says when nothing of the treaty's life falls in the window

    @cached_property
    def href(self) -> str:
        """The treaty's page: the chart's row and the table both link to it."""
        return self.treaty.get_absolute_url()

    @property
    def bar_y(self) -> int:
        return self.y + BAR_TOP

    @property
    def mark_y(self) -> int:
        return self.y + BAR_TOP + BAR_HEIGHT // 2

    @property
    def name_y(self) -> int:
        return self.y + 17


@dataclass
class Chart:
    window: Window
    rows: list[Row]
    on: dt.date
    height: int
    today_x: float | None
    ticks: list[tuple[float, int, bool]]  # (x, year, whether a narrow screen may leave its label out)
    legend: list[tuple[str, str]]  # the symbols drawn in this view, with what they mean
    widest: Window  # every year the treaties on this page have something in

    @property
    def plot_share(self) -> float:
        """The share of the chart's width the time axis takes, for the script that pans it by dragging."""
        return round((PLOT_RIGHT - PLOT_LEFT) / 100, 4)

    def moves(self) -> list[tuple[str, int | None, int | None]]:
        """Links that move the window: (label, first year, last year), None for the default's years."""
        w, default = self.window, Window.default(self.on)
        step = max(1, w.years // 2)
        moves = [("← Earlier", w.moved(-step)), ("Later →", w.moved(step)), ("Zoom in", w.zoomed(w.years // 2)),
                 ("Zoom out", w.zoomed(w.years * 2)), ("Every year", self.widest)]
        links = [(label, to.first_year, to.last_year) for label, to in moves if to != w]
        if w != default:
            links.append((f"Back to {default.first_year}–{default.last_year}", None, None))
        return links


def timeline_chart(treaties, lives: dict, on: dt.date, window: Window) -> Chart:
    """`lives`: each treaty's spans and status on `on` (`selectors.lives`)."""
    rows, firsts, lasts = [], [on.year], [on.year]
    for index, treaty in enumerate(treaties):
        row, first, last = _row(treaty, *lives[treaty.pk], on, window, y=index * ROW)
        rows.append(row)
        firsts.append(first)
        lasts.append(last)
    drawn = {m.symbol for row in rows for m in row.marks}
    widest = Window(max(EARLIEST_YEAR, min(firsts) // 5 * 5), min(LATEST_YEAR, max(lasts) + 1))
    return Chart(
        window=window, rows=rows, on=on, height=len(rows) * ROW + 8,
        today_x=window.x(on) if window.shows(on) else None,
        ticks=[(window.x(dt.date(year, 1, 1)), year, i % 2 == 1) for i, year in enumerate(window.ticks())],
        legend=[(symbol, meaning) for symbol, meaning in LEGEND.items() if symbol in drawn], widest=widest,
    )


def _row(treaty, spans, status, on: dt.date, window: Window, *, y: int) -> tuple[Row, int, int]:
    """A treaty's row, and the first and last years it has anything in."""
    # As it stood on `on`: events after it were not yet known, nor the deadlines they set.
    events = [e for e in treaty.record_events if e.when.earliest <= on]
    known = {e.pk for e in events}
    deadlines = [d for d in treaty.record_deadlines
                 if (d.derived_from_id is None or d.derived_from_id in known) and d.superseded_by_id not in known]
    facts = [e.fact() for e in events]  # each event's date made once, not once per question asked of it
    to_come = [d for d in deadlines if not d.when.has_happened(on)]
    row = Row(treaty, y, summary=_summary(spans, status))

    for span in spans:
        if span.status.is_lapsed:
            continue
        start, end = window.clamp(span.start), window.clamp(span.end)
        if start < end:
            when = (f"since {span.start:%-d %B %Y}" if span.open_ended
                    else f"from {span.start:%-d %B %Y} to {span.end:%-d %B %Y}")
            row.bars.append(Bar(window.x(start), max(round(window.x(end) - window.x(start), 2), 0.25), span.css,
                                _phrase(span), when, span.status.label))
    ending_days = {f.when.latest for f in facts if f.kind in ENDINGS}
    for event, fact in zip(events, facts, strict=True):
        symbol = MARKS.get(fact.kind)
        if symbol and window.shows(fact.when.earliest):
            row.marks.append(_mark(window, symbol, event.get_kind_display(), fact.when, event.party_list))
    lapse = spans[-1] if spans and spans[-1].status.is_lapsed else None
    if lapse and lapse.start not in ending_days and window.shows(lapse.start):
        # Ended by a deadline passing (a term running out) rather than by a recorded event.
        row.marks.append(_mark(window, "ended", _sentence(lapse.status.label), PreciseDate(lapse.start), ()))
    for deadline in to_come:
        if window.shows(deadline.when.earliest):
            row.marks.append(_mark(window, "deadline", f"{deadline.get_kind_display()} (deadline to come)",
                                   deadline.when, deadline.party_list))
    later = [d for d in to_come if d.when.earliest >= window.end]
    if later:
        first = later[0]
        more = f" and {len(later) - 1} more" if len(later) > 1 else ""
        row.marks.append(Mark(PLOT_RIGHT, "later", f"After these years: {first.get_kind_display()}, {first.when}{more}",
                              first.when, f"{first.get_kind_display()} (deadline to come, after these years){more}"))
    row.marks.sort(key=lambda m: m.when.sort_key())
    labelled = None
    for mark in row.marks:
        if mark.who and labelled is not None and mark.x - labelled.x < 2:
            mark.who = ""  # too close to the last label to read; the mark's title and the table still say who
        elif mark.who:
            labelled = mark
    if not row.bars and not row.marks:
        row.note = _note(spans, window)

    years = [e.when.earliest.year for e in events[:1]] + [d.when.latest.year for d in to_come] + [on.year]
    return row, min(years), max(years)


def _mark(window: Window, symbol: str, what: str, when: PreciseDate, parties) -> Mark:
    names = ", ".join(p.display_name for p in parties)
    by = f" — {names}" if names else ""
    until = window.x(window.clamp(when.latest + dt.timedelta(days=1))) if when.latest != when.earliest else None
    who = "+".join(p.iso_code or p.display_name for p in parties) if symbol in PARTY_MARKS and len(parties) <= 2 else ""
    return Mark(window.x(when.earliest), symbol, f"{what}{by}: {when}", when, what, names, until, who)


def _summary(spans, status) -> str:
    """The treaty's life in words, for its link's name: spans, then the parties that left a treaty that went on."""
    parts = [_phrase(span) for span in spans] + [f"{q.party} withdrew on {q.since}" for q in status.withdrawals]
    return "; ".join(parts) or "no recorded events"


def _phrase(span) -> str:
    """"in force from 5 Feb 2011 to 21 Feb 2023"; "expired on 5 Feb 2026"."""
    if span.status.is_lapsed:
        return f"{span.status.label} on {span.start:%-d %b %Y}"
    until = "" if span.open_ended else f" to {span.end:%-d %b %Y}"
    return f"{span.status.label} from {span.start:%-d %b %Y}{until}"


def _note(spans, window: Window) -> str:
    if not spans:
        return "No recorded events yet."
    first, last = spans[0], spans[-1]
    if first.start >= window.end:
        return f"{_sentence(first.status.label)} from {first.start:%-d %b %Y}, after these years →"
    if last.status.is_lapsed:
        return f"← {_sentence(last.status.label)} on {last.start:%-d %b %Y}, before these years"
    return f"← {_sentence(last.status.label)} since {last.start:%-d %b %Y}; nothing recorded in these years"


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]
