"""How far a date is from the day being shown, in words a reader trusts.

Pure: takes a PreciseDate and a day, returns text. A month-precision date
never gets a day count it does not have.
"""

import datetime as dt

from ..precision import PreciseDate, Precision


def _days(n: int) -> str:
    """"12 days"; past two years, whole years read better than "8932 days"."""
    if n >= 730:
        return f"{round(n / 365.25)} years"
    return f"{n} day" if n == 1 else f"{n} days"


def countdown(when: PreciseDate, on: dt.date) -> str:
    """"in 12 days", "today", "295 days ago"; for a month or year: "in February 2026 — day not yet known"."""
    if when.precision is Precision.DAY:
        days = when.days_until(on)
        if days == 0:
            return "today"
        return f"in {_days(days)}" if days > 0 else f"{_days(-days)} ago"
    unit = "month" if when.precision is Precision.MONTH else "year"
    if when.earliest > on:
        return f"in {when} — {unit} known, not the day"
    if when.latest >= on:
        return f"this {unit} — {unit} known, not the day"
    return f"{when} — passed {_days((on - when.latest).days)} ago at the latest"


def since_phrase(verb: str, when: PreciseDate | None, on: dt.date) -> str:
    """"expired 295 days ago"; "withdrew in December 2021"."""
    if when is None:
        return verb
    if when.precision is not Precision.DAY:
        return f"{verb} in {when}"
    days = (on - when.value).days
    if days == 0:
        return f"{verb} today"
    return f"{verb} {_days(days)} ago" if days > 0 else f"{verb} in {_days(-days)}"
