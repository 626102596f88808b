"""Views that hand the data over as files: calendars (iCalendar) and CSV."""

import csv
import hashlib

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from .. import selectors
from ..calendars import deadlines_calendar
from ..models import Category, Deadline, Party, Treaty
from ..transfer.formats import spreadsheet_safe
from .forms import statement_filters, treaty_filters

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


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    # Text from feeds and editors must stay text when a spreadsheet opens the file.
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _csv(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8 (Cyrillic aliases)
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _bad_filters(form) -> HttpResponse:
    problems = "; ".join(f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
                         for name, errors in form.errors.items())
    return HttpResponse(f"Some filters could not be used: {problems}", status=400,
                        content_type="text/plain; charset=utf-8")


def treaties_csv(request):
    on = request.as_of
    form, filters = treaty_filters(request)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    treaties = list(selectors.treaty_search(filters, on).prefetch_related("parties"))
    statuses = selectors.statuses_on(on, [t.pk for t in treaties])
    return _csv(
        f"treaties-{on.isoformat()}.csv",
        ["slug", "short_name", "name", "category", "kind", f"status_on_{on.isoformat()}", "status_since",
         "status_qualifiers", "next_deadline", "entry_into_force", "parties", "url"],
        (
            [t.slug, t.short_name, t.name, t.category, t.kind, statuses[t.pk].label,
             statuses[t.pk].since.isoformat() if statuses[t.pk].since else "",
             "; ".join(statuses[t.pk].qualifiers), t.next_deadline.isoformat() if t.next_deadline else "",
             t.entry_into_force.isoformat() if t.entry_into_force else "",
             "; ".join(p.name for p in t.parties.all()), request.build_absolute_uri(t.get_absolute_url())]
            for t in treaties
        ),
    )


def statements_csv(request):
    form, data = statement_filters(request)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    statements = selectors.statement_search(on=request.as_of, **data).prefetch_related("treaties")
    return _csv(
        "statements.csv",
        ["published", "precision", "title", "outlet", "speaker", "speaker_role", "quote", "url", "treaties"],
        (
            [s.when.isoformat(), s.precision, s.title, s.outlet, s.speaker, s.speaker_role, s.quote, s.url,
             "; ".join(t.slug for t in s.treaties.all())]
            for s in statements.iterator(chunk_size=2000)
        ),
    )
