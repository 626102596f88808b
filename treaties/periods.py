"""A treaty's life as spans of time: signed, in force, suspended, and how it ended.

Pure. It asks `treaties.status` for the status at each date where something
happened, so the timeline picture and the status label can never disagree.
"""

import datetime as dt
from dataclasses import dataclass

from .rules import Fact, Provisions, derive_deadlines
from .status import Status, StatusCode, status_on


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # exclusive; `on` for a span still running
    status: Status
    open_ended: bool = False

    @property
    def css(self) -> str:
        return "suspended" if self.status.is_suspended else str(self.status.code)


def spans(
    *, bilateral: bool, provisions: Provisions, events: list[Fact], deadlines: list[Fact], on: dt.date
) -> list[Span]:
    """Consecutive spans of unchanged status up to `on`, from the first recorded event."""
    known = [e for e in events if e.when.has_happened(on)]
    derived = [Fact(d.kind, d.when, d.parties) for d in derive_deadlines(provisions, known)]
    change_days = sorted(
        {f.when.latest for f in known + deadlines + derived if f.when.has_happened(on)}
    )
    result: list[Span] = []
    previous: Status | None = None
    for day in change_days:
        current = status_on(bilateral=bilateral, provisions=provisions, events=events, deadlines=deadlines, on=day)
        if current.code == StatusCode.NOT_SIGNED:
            continue  # negotiations and adoption come before the treaty's life starts
        if previous is None or _differs(previous, current):
            if result:
                result[-1] = Span(result[-1].start, day, result[-1].status)
            result.append(Span(day, on, current, open_ended=True))
            previous = current
        if current.is_lapsed:
            break
    if result and result[-1].status.is_lapsed:
        last = result[-1]
        result[-1] = Span(last.start, last.start, last.status)
    return result


def _differs(a: Status, b: Status) -> bool:
    return (a.code, a.suspended_by) != (b.code, b.suspended_by)


def suspended_spans(all_spans: list[Span]) -> list[Span]:
    return [s for s in all_spans if s.status.is_suspended]
