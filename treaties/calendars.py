"""Deadlines as iCalendar (RFC 5545), for calendar apps to subscribe to.

A day-precision deadline is an all-day event; a month- or year-precision one
spans its month or year and says so in its title, so no calendar shows a
false day. UIDs are stable (one per deadline row), and SEQUENCE grows with
each change, so an updated deadline replaces its event.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from .models import Deadline
from .precision import Precision

REFRESH = dt.timedelta(hours=6)


def _end(deadline: Deadline) -> dt.date:
    # All-day events end on the day after their last day: a month, a year or a range spans every day it may be.
    return deadline.when.latest + dt.timedelta(days=1)


def summary(deadline: Deadline) -> str:
    title = f"{deadline.treaty.short_name}: {deadline.get_kind_display().lower()}"
    if deadline.parties.all():
        title += " (" + ", ".join(p.display_name for p in deadline.parties.all()) + ")"
    if deadline.precision != Precision.DAY:
        title += f" — {deadline.when}, day not known"
    return title


def deadlines_calendar(deadlines, *, name: str) -> bytes:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", "-//Treaty Tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}@{host}")
        event.add("dtstamp", deadline.updated_at)
        event.add("last-modified", deadline.updated_at)
        event.add("sequence", int(deadline.updated_at.timestamp()) // 60)
        event.add("dtstart", deadline.when.value)
        event.add("dtend", _end(deadline))
        event.add("summary", summary(deadline))
        event.add("transp", "TRANSPARENT")
        url = settings.SITE_URL + deadline.treaty.get_absolute_url()
        event.add("url", url)
        lines = [deadline.description, f"Date: {deadline.when} ({deadline.precision} precision)."]
        if deadline.source_url:
            lines.append(f"Source: {deadline.source_url}")
        lines.append(f"Treaty page: {url}")
        event.add("description", "\n".join(line for line in lines if line))
        event.add("categories", [deadline.treaty.get_category_display()])
        calendar.add_component(event)
    return calendar.to_ical()
