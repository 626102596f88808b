"""Views that hand the deadlines over as calendars (iCalendar); CSV files are in `csv_downloads`."""

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from ..calendars import deadlines_calendar
from ..models import Category, Deadline, Party, Treaty

CALENDAR_TYPE = "text/calendar; charset=utf-8"
CALENDAR_CACHE_SECONDS = 24 * 60 * 60


def calendar_response(deadlines, name: str, filename: str) -> HttpResponse:
    # An expiry an extension replaced never fell due: calendars hold what is or was really due.
    deadlines = deadlines.filter(superseded_on__isnull=True).select_related("treaty").prefetch_related(
        "parties").order_by("date", "id")
    # Building thousands of events takes seconds, and calendar apps poll: keep each calendar until a
    # deadline or treaty in it changes (the key holds the newest change and the count, so edits and
    # deletions both make a new one).
    version = deadlines.aggregate(
        count=Count("id"), deadline=Max("updated_at"), treaty=Max("treaty__updated_at")
    )
    key = "calendar:" + hashlib.sha256(
        f"{name}|{deadlines.query}|{version}".encode()
    ).hexdigest()
    body = cache.get(key)
    if body is None:
        body = deadlines_calendar(deadlines, name=name)
        cache.set(key, body, CALENDAR_CACHE_SECONDS)
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def calendar_all(request):
    return calendar_response(Deadline.objects.all(), "Treaty deadlines", "treaty-deadlines.ics")


def calendar_treaty(request, slug):
    treaty = get_object_or_404(Treaty, slug=slug)
    return calendar_response(treaty.deadlines.all(), f"{treaty.short_name} deadlines", f"{treaty.slug}.ics")


def calendar_category(request, category):
    if category not in Category.values:
        return HttpResponse(f"Unknown category “{category[:40]}”. Use one of: {', '.join(Category.values)}.",
                            status=404, content_type="text/plain; charset=utf-8")
    label = Category(category).label
    return calendar_response(Deadline.objects.filter(treaty__category=category), f"{label} treaty deadlines",
                     f"{category}.ics")


def calendar_party(request, slug):
    party = get_object_or_404(Party, slug=slug)
    deadlines = Deadline.objects.filter(treaty__in=Treaty.objects.filter(parties=party).values("pk")) | \
        Deadline.objects.filter(parties=party)
    return calendar_response(deadlines.distinct(), f"Treaty deadlines: {party.name}", f"{party.slug}.ics")
