"""Dates that carry their precision.

"February 2026" is not "1 February 2026": a `PreciseDate` keeps the date it
is stored as (the first day of its month or year) together with how much of
it is known, and answers the questions the rest of the tracker asks. A date
is the interval of days it may be (earliest, latest); arithmetic keeps the
interval, so "2026" + 6 months is "between July 2026 and June 2027", never
"2026" (a `range` precision: the first and last possible days).
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "day"
    MONTH = "month", "month"
    YEAR = "year", "year"
    RANGE = "range", "range"  # derived from imprecise dates: somewhere between two days


# Finer precisions sort first when two dates start on the same day.
_RANK = {Precision.DAY: 0, Precision.MONTH: 1, Precision.RANGE: 2, Precision.YEAR: 3}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PreciseDate:
    value: dt.date
    precision: Precision = Precision.DAY
    until: dt.date | None = None  # the last possible day of a `range`; None for every other precision

    def __post_init__(self):
        precision = Precision(self.precision)
        object.__setattr__(self, "precision", precision)
        if (precision is Precision.RANGE) != (self.until is not None):
            raise ValueError("A range needs its last possible day, and only a range has one.")
        if precision is Precision.RANGE and self.until <= self.value:
            raise ValueError(f"A range must end after it starts: {self.value} to {self.until}.")
        if precision is Precision.MONTH and self.value.day != 1:
            raise ValueError(f"A month-precision date is stored as the 1st, not {self.value}.")
        if precision is Precision.YEAR and (self.value.month, self.value.day) != (1, 1):
            raise ValueError(f"A year-precision date is stored as 1 January, not {self.value}.")

    @classmethod
    def between(cls, earliest: dt.date, latest: dt.date) -> "PreciseDate":
        """The most precise date that is exactly the days from `earliest` to `latest`."""
        if earliest == latest:
            return cls(earliest)
        last_of_month = calendar.monthrange(earliest.year, earliest.month)[1]
        if earliest.day == 1 and latest == earliest.replace(day=last_of_month):
            return cls(earliest, Precision.MONTH)
        if (earliest.month, earliest.day) == (1, 1) and latest == earliest.replace(month=12, day=31):
            return cls(earliest, Precision.YEAR)
        return cls(earliest, Precision.RANGE, latest)

    @classmethod
    def parse(cls, text: str, precision: str | None = None) -> "PreciseDate":
        """Read "2026-02-05", "2026-02", "2026", or a range "2026-07-01/2027-06-30"; an explicit precision
        truncates."""
        if "/" in text:
            first, last = (dt.date.fromisoformat(part.strip()) for part in text.split("/", 1))
            return cls(first, Precision.RANGE, last)
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
        if precision is Precision.RANGE:
            raise ValueError("A range is given by its two days, not truncated from one.")
        if precision is Precision.MONTH:
            value = value.replace(day=1)
        elif precision is Precision.YEAR:
            value = value.replace(month=1, day=1)
        return cls(value, precision)

    @property
    def earliest(self) -> dt.date:
        return self.value

    @cached_property  # asked for thousands of times by a timeline page's status computations
    def latest(self) -> dt.date:
        if self.precision is Precision.RANGE:
            return self.until
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

    def sort_key(self) -> tuple[dt.date, int, dt.date]:
        return (self.value, _RANK[self.precision], self.latest)

    def __lt__(self, other: "PreciseDate") -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: "PreciseDate") -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: "PreciseDate") -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: "PreciseDate") -> bool:
        return self.sort_key() >= other.sort_key()

    def isoformat(self) -> str:
        """ISO 8601: a day, a month, a year, or an interval of days "2026-07-01/2027-06-30"."""
        if self.precision is Precision.RANGE:
            return f"{self.value.isoformat()}/{self.until.isoformat()}"
        if self.precision is Precision.DAY:
            return self.value.isoformat()
        if self.precision is Precision.MONTH:
            return self.value.strftime("%Y-%m")
        return f"{self.value.year:04d}"

    @property
    def html(self) -> str:
        """For HTML's `datetime` attribute, which has no intervals: the part both ends share."""
        if self.precision is not Precision.RANGE:
            return self.isoformat()
        if (self.value.year, self.value.month) == (self.until.year, self.until.month):
            return self.value.strftime("%Y-%m")
        return f"{self.value.year:04d}"  # the year it may start in, when the ends share no month

    def __str__(self) -> str:
        if self.precision is Precision.RANGE:
            return _between(self.value, self.until, short=False)
        if self.precision is Precision.DAY:
            return f"{self.value.day} {self.value:%B %Y}"
        if self.precision is Precision.MONTH:
            return f"{self.value:%B %Y}"
        return str(self.value.year)

    def short(self) -> str:
        if self.precision is Precision.RANGE:
            return _between(self.value, self.until, short=True)
        if self.precision is Precision.DAY:
            return f"{self.value.day} {self.value:%b %Y}"
        if self.precision is Precision.MONTH:
            return f"{self.value:%b %Y}"
        return str(self.value.year)


def _between(first: dt.date, last: dt.date, *, short: bool) -> str:
    """"between July 2026 and June 2027" when both ends are whole months, else the days."""
    month = "%b" if short else "%B"
    whole_months = first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]
    if whole_months:
        start = first.strftime(f"{month}" if first.year == last.year else f"{month} %Y")
        return f"between {start} and {last.strftime(f'{month} %Y')}"
    if first.year != last.year:
        return f"between {first.day} {first.strftime(f'{month} %Y')} and {last.day} {last.strftime(f'{month} %Y')}"
    if first.month != last.month:
        return f"between {first.day} {first.strftime(month)} and {last.day} {last.strftime(f'{month} %Y')}"
    return f"between {first.day} and {last.day} {last.strftime(f'{month} %Y')}"


def add_months(value: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def add_years(value: dt.date, years: int) -> dt.date:
    return add_months(value, 12 * years)


def shift(when: PreciseDate, *, years: int = 0, months: int = 0, days: int = 0) -> PreciseDate:
    """A period after `when`, as the interval it may fall in: every possible day of `when`, moved.

    A day stays a day; "February 2026" + 12 months is February 2027; "January 2027" + 90 days is "between
    1 April and 1 May 2027"; "2026" + 6 months is "between July 2026 and June 2027".
    """
    def moved(day: dt.date) -> dt.date:
        return add_months(day, 12 * years + months) + dt.timedelta(days=days)

    return PreciseDate.between(moved(when.earliest), moved(when.latest))
