"""Calendar downloads (iCalendar): every deadline, and those of a treaty, a category or a party.

They are public and hold nothing secret, so they are compressed for clients that accept it; a subscriber's
private calendar (alerts) uses `calendar_response` without compression.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from ..calendars import deadlines_calendar
from ..models import Category, Deadline, Party, Treaty
from .freshness import record_response, variant

CALENDAR_TYPE = "text/calendar; charset=utf-8"
CALENDAR_CACHE_SECONDS = 24 * 60 * 60


def calendar_response(request, deadlines, *, name: str, filename: str, private: bool = False) -> HttpResponse:
    """The calendar of these deadlines: 304 when the client's copy is current, else built once per version."""
    # An expiry an extension replaced never fell due: calendars hold what is or was really due.
    deadlines = deadlines.filter(superseded_on__isnull=True).order_by("date", "id") \
        .select_related("treaty", "derived_from", "calendar_revision").with_party_lists()
    try:
        selection = str(deadlines.query)  # holds the selection's values: a subscriber's treaties, say
    except EmptyResultSet:  # a selection of nothing (`pk__in=[]`) has no SQL
        selection = "nothing"
    key = variant(name, selection, settings.SITE_URL)  # the events' links name the site

    def build(version) -> bytes:
        # Building thousands of events takes seconds, and calendar apps poll: one build per version of the record.
        # The version's time too, since a new database (a restore) counts its versions from 1 again.
        stamp = version.changed_at.isoformat() if version.changed_at else ""
        cache_key = f"calendar:{version.number}:{stamp}:{key}"
        body = cache.get(cache_key)
        if body is None:
            body = deadlines_calendar(deadlines, name=name)
            cache.set(cache_key, body, CALENDAR_CACHE_SECONDS)
        return body

    response = record_response(request, build, content_type=CALENDAR_TYPE, variant=key, private=private)
    if response.status_code == 200:
        response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


@require_safe
@gzip_page
def calendar_all(request):
    return calendar_response(request, Deadline.objects.all(), name="Treaty deadlines",
                             filename="treaty-deadlines.ics")


@require_safe
@gzip_page
def calendar_treaty(request, slug):
    treaty = get_object_or_404(Treaty, slug=slug)
    return calendar_response(request, treaty.deadlines.all(), name=f"{treaty.short_name} deadlines",
                             filename=f"{treaty.slug}.ics")


@require_safe
@gzip_page
def calendar_category(request, category):
    if category not in Category.values:
        return HttpResponse(f"Unknown category “{category[:40]}”. Use one of: {', '.join(Category.values)}.",
                            status=404, content_type="text/plain; charset=utf-8")
    return calendar_response(request, Deadline.objects.filter(treaty__category=category),
                             name=f"{Category(category).label} treaty deadlines", filename=f"{category}.ics")


@require_safe
@gzip_page
def calendar_party(request, slug):
    party = get_object_or_404(Party, slug=slug)
    deadlines = Deadline.objects.filter(treaty__in=Treaty.objects.filter(parties=party).values("pk")) | \
        Deadline.objects.filter(parties=party)
    return calendar_response(request, deadlines.distinct(), name=f"Treaty deadlines: {party.name}",
                             filename=f"{party.slug}.ics")
