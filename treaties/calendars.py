"""Deadlines as iCalendar (RFC 5545), for calendar apps to subscribe to.

A day-precision deadline is an all-day event; a month- or year-precision one
spans its month or year and says so in its title, so no calendar shows a
false day. A calendar app matches events by UID and keeps the one with the
highest SEQUENCE, so:

- the UID comes from natural keys (the treaty's slug and the deadline's key, or
  for a derived deadline the key of the event it follows from), never from the
  host or a database id: a new domain or a fresh load of the same data keeps it;
- SEQUENCE is the deadline's revision, counted by `treaties.deadline_revisions`
  from the digest of what the event shows, so any change a subscriber would see
  (date, title, parties, description) replaces the event.
"""

import datetime as dt
import functools
import hashlib
import uuid
import zoneinfo

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vDuration

from .models import Deadline, DeadlineRevision, DeadlineRule
from .precision import Precision

REFRESH = dt.timedelta(hours=6)
# Fixed for ever: every UID is a UUID 5 in this namespace, so changing it would duplicate every subscriber's events.
UID_NAMESPACE = uuid.UUID("6f1c2b1e-8f0a-5c4e-9a57-3f1f0d6c2a10")


def _end(deadline: Deadline) -> dt.date:
    # All-day events end on the day after their last day: a month, a year or a range spans every day it may be.
    return deadline.when.latest + dt.timedelta(days=1)


def summary(deadline: Deadline) -> str:
    title = f"{deadline.treaty.short_name}: {deadline.get_kind_display().lower()}"
    if parties := deadline.party_list:
        title += " (" + ", ".join(p.display_name for p in parties) + ")"
    if deadline.precision != Precision.DAY:
        title += f" — {deadline.when}, day not known"
    return title


def identity(deadline: Deadline) -> str:
    """The deadline's natural key: what stays the same however its date, title or parties change.

    Needs `derived_from` loaded for derived deadlines."""
    if deadline.rule == DeadlineRule.TERM and deadline.superseded_by_id is None:
        # One row per treaty, moved in place by each extension: one event that follows it.
        return f"{deadline.treaty.slug}/term"
    if deadline.rule:
        return f"{deadline.treaty.slug}/{deadline.rule}/{deadline.derived_from.key}"
    # A key is filled in by `deadline_revisions` when the record changes; before that, the one an export would give.
    key = deadline.key or f"{deadline.kind.replace('_', '-')}-{deadline.when.isoformat()}"
    return f"{deadline.treaty.slug}/deadline/{key}"


def uid(deadline: Deadline) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, identity(deadline)))


def _event(deadline: Deadline, site_url: str) -> Event:
    """What a subscriber reads of the deadline."""
    event = Event()
    event.add("dtstart", deadline.when.value)
    event.add("dtend", _end(deadline))
    event.add("summary", summary(deadline))
    event.add("transp", "TRANSPARENT")
    url = site_url + deadline.treaty.get_absolute_url()
    event.add("url", url)
    lines = [deadline.description, f"Date: {deadline.when} ({deadline.precision} precision)."]
    if deadline.source_url:
        lines.append(f"Source: {deadline.source_url}")
    lines.append(f"Treaty page: {url}")
    event.add("description", "\n".join(line for line in lines if line))
    event.add("categories", [deadline.treaty.get_category_display()])
    return event


def content_digest(deadline: Deadline) -> str:
    """A digest of what the event shows, without the site's address (a new domain is not a new revision)."""
    return hashlib.sha256(_event(deadline, site_url="").to_ical()).hexdigest()


@functools.cache
def _zone(name: str) -> Timezone:
    """The VTIMEZONE of a zone, made once: icalendar steps through the zone's offsets from 1970 to 2038 to make it
    (30 ms for UTC, longer than the rest of a treaty's calendar). Shared read-only by every calendar."""
    return Timezone.from_tzinfo(zoneinfo.ZoneInfo(name))


def _revision(deadline: Deadline) -> tuple[int, dt.datetime]:
    try:
        revision = deadline.calendar_revision
    except DeadlineRevision.DoesNotExist:
        # Written by a writer that has not yet told the record (`derived.record_changed`): its first revision.
        return 0, deadline.updated_at
    return revision.number, revision.revised_at


def deadlines_calendar(deadlines, *, name: str) -> bytes:
    """The calendar of these deadlines; give them with `treaty`, `derived_from`, `calendar_revision` loaded and
    `with_party_lists()`."""
    calendar = Calendar()
    calendar.add("prodid", "-//Treaty Tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property has no known type, so icalendar would write the timedelta as "6:00:00": say it is a duration.
    calendar.add("x-published-ttl", vDuration(REFRESH))
    # The zone the site counts its days in. RFC 5545 also wants one component at least, which keeps a calendar
    # with no deadline (a treaty with none to come) valid.
    calendar.add_component(_zone(settings.TIME_ZONE))
    for deadline in deadlines:
        event = _event(deadline, site_url=settings.SITE_URL)
        sequence, revised_at = _revision(deadline)
        event.add("uid", uid(deadline))
        event.add("sequence", sequence)
        event.add("dtstamp", revised_at)
        event.add("last-modified", revised_at)
        calendar.add_component(event)
    return calendar.to_ical()
