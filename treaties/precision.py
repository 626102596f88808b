"""Dates that carry their precision.

"February 2026" is not "1 February 2026": a `PreciseDate` keeps the date it
is stored as (the first day of its month or year) together with how much of
it is known, and answers the questions the rest of the tracker asks.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"


# Finer precisions sort first when two dates start on the same day.
_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PreciseDate:
    value: dt.date
    precision: Precision = Precision.DAY

    def __post_init__(self):
        precision = Precision(self.precision)
        object.__setattr__(self, "precision", precision)
        if precision is Precision.MONTH and self.value.day != 1:
            raise ValueError(f"A month-precision date is stored as the 1st, not {self.value}.")
        if precision is Precision.YEAR and (self.value.month, self.value.day) != (1, 1):
            raise ValueError(f"A year-precision date is stored as 1 January, not {self.value}.")

    @classmethod
    def parse(cls, text: str, precision: str | None = None) -> "PreciseDate":
        """Read "2026-02-05", "2026-02" or "2026"; an explicit precision truncates."""
        match = _ISO.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY.")
        year, month, day = (int(part) if part else None for part in match.groups())
        implied = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
        value = dt.date(year, month or 1, day or 1)
        if precision is None:
            return cls(value, implied)
        return cls.truncate(value, precision)

    @classmethod
    def truncate(cls, value: dt.date, precision: str) -> "PreciseDate":
        precision = Precision(precision)
        if precision is Precision.MONTH:
            value = value.replace(day=1)
        elif precision is Precision.YEAR:
            value = value.replace(month=1, day=1)
        return cls(value, precision)

    @property
    def earliest(self) -> dt.date:
        return self.value

    @property
    def latest(self) -> dt.date:
        if self.precision is Precision.DAY:
            return self.value
        if self.precision is Precision.MONTH:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return self.value.replace(day=last)
        return self.value.replace(month=12, day=31)

    def has_happened(self, on: dt.date) -> bool:
        """True once the whole period is reached: "February 2026" has happened on 28 Feb."""
        return self.latest <= on

    def is_past(self, on: dt.date) -> bool:
        """True once the whole period is over: "February 2026" is past from 1 March."""
        return self.latest < on

    def days_until(self, on: dt.date) -> int:
        """Days from `on` to the earliest day; reminders count from there."""
        return (self.earliest - on).days

    def sort_key(self) -> tuple[dt.date, int]:
        return (self.value, _RANK[self.precision])

    def __lt__(self, other: "PreciseDate") -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: "PreciseDate") -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: "PreciseDate") -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: "PreciseDate") -> bool:
        return self.sort_key() >= other.sort_key()

    def isoformat(self) -> str:
        if self.precision is Precision.DAY:
            return self.value.isoformat()
        if self.precision is Precision.MONTH:
            return self.value.strftime("%Y-%m")
        return f"{self.value.year:04d}"

    def __str__(self) -> str:
        if self.precision is Precision.DAY:
            return f"{self.value.day} {self.value:%B %Y}"
        if self.precision is Precision.MONTH:
            return f"{self.value:%B %Y}"
        return str(self.value.year)

    def short(self) -> str:
        if self.precision is Precision.DAY:
            return f"{self.value.day} {self.value:%b %Y}"
        if self.precision is Precision.MONTH:
            return f"{self.value:%b %Y}"
        return str(self.value.year)


def add_months(value: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def add_years(value: dt.date, years: int) -> dt.date:
    return add_months(value, 12 * years)


def shift(when: PreciseDate, *, years: int = 0, months: int = 0, days: int = 0) -> PreciseDate:
    """A period after `when`, keeping its precision (a month-precise notice gives a month-precise effect)."""
    value = add_months(when.value, 12 * years + months) + dt.timedelta(days=days)
    return PreciseDate.truncate(value, when.precision)
