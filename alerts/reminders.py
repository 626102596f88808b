"""Which reminders are due, and how they read: pure rules over plain values (no ORM).

A subscriber picks lead times (days before a deadline), a time zone and an hour.
A lead time's send moment is that hour, in that zone, `lead` days before the
deadline's earliest day (so "February 2026" counts from 1 February). The scan
in `alerts.scan` asks the database the same question with the tables built
here (`lead_windows`, `send_days`), so both always agree.

Catch-up: per deadline only the latest lead time that has come due is sent,
never a burst of stale ones; nothing once the deadline's day is over, and on
the day itself only the "on the day" reminder.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from treaties.precision import PreciseDate, Precision

# Every lead time a subscriber can choose, in days; 0 is "on the day".
LEAD_CHOICES = (365, 180, 90, 60, 30, 14, 7, 3, 1, 0)
DEFAULT_LEADS = (90, 30, 7, 1, 0)


def lead_label(days: int) -> str:
    return {0: "On the day", 1: "1 day before"}.get(days, f"{days} days before")


def mask_from_leads(days) -> int:
    """Lead times as bits, so the scan can test them in SQL (`lead_mask & bit`)."""
    mask = 0
    for day in days:
        mask |= lead_bit(int(day))
    return mask


def leads_from_mask(mask: int) -> list[int]:
    return [day for day in LEAD_CHOICES if mask & lead_bit(day)]


def furthest_lead(masks) -> int | None:
    """The longest lead time in subscribers' choices (`lead_mask`s), None for none: a deadline further away is due
    to none of them."""
    return max((lead for mask in masks for lead in leads_from_mask(mask)), default=None)


def lead_bit(days: int) -> int:
    if days not in LEAD_CHOICES:
        raise ValueError(f"{days} is not a lead time; choose from {LEAD_CHOICES}.")
    return 1 << sorted(LEAD_CHOICES).index(days)


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in _known_zones()


def effective_day(*, now: dt.datetime, time_zone: str, hour: int) -> dt.date:
    """The subscriber's latest local day whose send hour has come: today from `hour` on, else yesterday."""
    local = now.astimezone(zoneinfo.ZoneInfo(time_zone))
    return local.date() if local.hour >= hour else local.date() - dt.timedelta(days=1)


@cache
def lead_windows() -> tuple[tuple[int, tuple[int, ...]], ...]:
    """(last days-until, lead times to try in order), for days-until from 0 upwards.

    Days-until 0 is the deadline's own day: only "on the day" is sent then. Days-until in
    (previous choice, L] is covered by the subscriber's smallest chosen lead time from L up:
    the latest one whose moment has passed.
    """
    ascending = sorted(LEAD_CHOICES)
    return tuple((days, (0,) if days == 0 else tuple(ascending[i:])) for i, days in enumerate(ascending))


def due_lead(*, leads, days_until: int) -> int | None:
    """The lead time to send now for a deadline `days_until` days after the subscriber's day, if any."""
    if days_until < 0:
        return None
    for last, candidates in lead_windows():
        if days_until <= last:
            return next((days for days in candidates if days in leads), None)
    return None


def reminder_due(*, leads, when: PreciseDate, now: dt.datetime, time_zone: str, hour: int) -> int | None:
    """The one place that says which reminder is due for a subscriber and a deadline."""
    return due_lead(leads=leads, days_until=when.days_until(effective_day(now=now, time_zone=time_zone, hour=hour)))


def send_days(*, now: dt.datetime, zones) -> dict[dt.date, list[tuple[int, int, tuple[str, ...]]]]:
    """Subscribers' effective days at `now`, for the scan's SQL: {day: [(first hour, last hour, zones)]}.

    In each zone, subscribers whose hour has come are on today's local date, the rest still on
    yesterday's; zones in step share one entry, so a few SQL conditions cover every zone.
    """
    groups = defaultdict(list)
    for zone in zones:
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        groups[(local.date(), 0, local.hour)].append(zone)
        if local.hour < 23:
            groups[(local.date() - dt.timedelta(days=1), local.hour + 1, 23)].append(zone)
    days = defaultdict(list)
    for (day, first, last), members in sorted(groups.items()):
        days[day].append((first, last, tuple(sorted(members))))
    return dict(days)


def has_moved(*, armed_for: dt.date, current: dt.date | None) -> bool:
    """A reminder armed for one date must not go out once the deadline is gone (None) or on another date."""
    return current is None or current != armed_for


class NotAChange(ValueError):
    """A deadline-changed notice whose deadline is on the date the subscriber was given: there is no news."""


def change_headline(*, treaty: str, kind_label: str, before: PreciseDate, after: PreciseDate | None) -> str:
    """"New START: expiry moved from 5 February 2026 to 5 February 2027", or "… deadline of … removed".

    Never "moved from D to D": the send path cancels such a notice first, and this refuses to word one.
    """
    if after is None:
        return f"{treaty}: deadline of {before} removed"
    if not has_moved(armed_for=before.value, current=after.value) or str(after) == str(before):
        raise NotAChange(f"{treaty}: {kind_label.lower()} is still {after}")
    return f"{treaty}: {kind_label.lower()} moved from {before} to {after}"


@dataclass(frozen=True)
class DeadlineItem:
    """What `one_item_per_deadline` needs to know of a digest's reminder or deadline-changed row."""

    pk: int
    kind: str  # "reminder" or "deadline_changed"
    deadline_id: int
    lead_days: int = 0


def one_item_per_deadline(items) -> dict[int, int]:
    """{pk of a redundant item: pk of the one kept}, so a digest names each deadline once.

    The change notice wins over reminders (it gives the new date and how far off it is), the newest notice over
    older ones, and among reminders the latest due, which is the smallest lead time ("today" over "tomorrow").
    """
    def rank(item: DeadlineItem):
        return (0, -item.pk) if item.kind == "deadline_changed" else (1, item.lead_days, item.pk)

    kept, dropped = {}, {}
    for item in sorted(items, key=rank):
        if item.deadline_id in kept:
            dropped[item.pk] = kept[item.deadline_id]
        else:
            kept[item.deadline_id] = item.pk
    return dropped


# How a deadline reads in a headline: "New START expires in 30 days — 5 February 2026".
_HEADLINE_VERBS = {
    "expiry": "expires",
    "withdrawal_effective": "withdrawal takes effect",
    "extension_decision": "extension decision is due",
    "review_conference": "review conference opens",
    "report_due": "report is due",
}


# What a deadline means for a reader who has not read the treaty.
KIND_MEANINGS = {
    "expiry": "The treaty's term ends: unless its parties extend or replace it, it stops being in force.",
    "withdrawal_effective": "A party's notice of withdrawal takes effect: from then on it is no longer bound.",
    "extension_decision": "The treaty's term runs out and its parties must decide whether, and how long, "
    "it continues.",
    "review_conference": "The parties meet to review how the treaty is working.",
    "report_due": "A report the treaty requires is due.",
}


def when_phrase(when: PreciseDate, today: dt.date) -> str:
    """"in 30 days — 5 February 2026", "tomorrow — …", "today — …"; "in February 2026" without a false day."""
    if when.precision is not Precision.DAY:
        if when.earliest <= today <= when.latest:
            return f"this {'month' if when.precision is Precision.MONTH else 'year'} ({when})"
        return f"in {when}"
    days = when.days_until(today)
    if days == 0:
        return f"today — {when}"
    if days == 1:
        return f"tomorrow — {when}"
    if days < 0:
        return f"on {when}"
    return f"in {days} days — {when}"


def headline(*, treaty: str, kind: str, kind_label: str, when: PreciseDate, today: dt.date) -> str:
    verb = _HEADLINE_VERBS.get(kind, f"— {kind_label.lower()}")
    return f"{treaty} {verb} {when_phrase(when, today)}"


@dataclass(frozen=True)
class DigestItem:
    kind: str  # a DeliveryKind value
    when: dt.date  # the deadline's or statement's date
    ref: object = None  # what the template shows


DIGEST_SECTIONS = (
    ("deadline_changed", "Deadlines that changed"),
    ("reminder", "Coming up"),
    ("statement", "New statements"),
)


def digest_sections(items) -> list[tuple[str, list[DigestItem]]]:
    """A digest's items under headings: changes first, then deadlines soonest first, then newest statements."""
    sections = []
    for kind, title in DIGEST_SECTIONS:
        members = [item for item in items if item.kind == kind]
        if members:
            members.sort(key=lambda item: item.when, reverse=kind == "statement")
            sections.append((title, members))
    return sections


def digest_subject(items) -> str:
    counts = {kind: sum(1 for item in items if item.kind == kind) for kind, _ in DIGEST_SECTIONS}
    parts = [
        _count(counts["reminder"], "deadline coming up", "deadlines coming up"),
        _count(counts["deadline_changed"], "deadline changed", "deadlines changed"),
        _count(counts["statement"], "new statement", "new statements"),
    ]
    return "Your treaty digest: " + ", ".join(part for part in parts if part)


def _count(n: int, one: str, many: str) -> str:
    return "" if n == 0 else f"1 {one}" if n == 1 else f"{n} {many}"
