"""A treaty's life as spans of time: signed, in force, suspended, and how it ended.

Pure. It reads the statuses `treaties.status` gave for each day, as stored, so the timeline picture and the
status label can never disagree.
"""

import datetime as dt
from dataclasses import dataclass

from .status import Status, StatusCode


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # exclusive; `on` for a span still running
    status: Status
    open_ended: bool = False

    @property
    def css(self) -> str:
        return "suspended" if self.status.is_suspended else str(self.status.code)


def spans(changes: list[tuple[dt.date, Status]], on: dt.date) -> list[Span]:
    """Consecutive spans of unchanged status up to `on`, from the first day the treaty was signed.

    `changes` are the days its status may change with the status from each, in date order: its stored status
    intervals (`selectors.lives`), which `treaties.derived` cuts finer (where only the next deadline or a
    qualifier's date moves), so spans join those. Status on a day depends only on what had happened by then,
    so the intervals of the whole record, cut at `on`, are the life as it stood on `on`."""
    result: list[Span] = []
    for day, current in changes:
        if day > on:
            break
        if current.code == StatusCode.NOT_SIGNED:
            continue  # negotiations and adoption come before the treaty's life starts
        if not result or _differs(result[-1].status, current):
            if result:
                result[-1] = Span(result[-1].start, day, result[-1].status)
            result.append(Span(day, on, current, open_ended=True))
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
