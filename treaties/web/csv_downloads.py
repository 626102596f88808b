"""The record's tables as CSV, filtered as the pages are and as of any day (`?on=`).

The columns and rows are the data package's (`treaties.dataset`): one table, one set of columns, whether it comes
from a list page's link or from the whole dataset. UTF-8 without a byte-order mark; `?for=excel` adds one, which
Excel needs to read UTF-8 (Cyrillic aliases) and which every other reader would take as part of the first name.
"""

from django.core.validators import slug_re
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from .. import selectors
from ..dataset import rows, tables
from ..dataset.package import csv_lines
from ..models import Deadline, Party, Treaty, TreatyEvent
from .forms import statement_filters, treaty_filters


def _csv(request, table: str, filename: str, records) -> StreamingHttpResponse:
    excel = request.GET.get("for") == "excel"
    response = StreamingHttpResponse(csv_lines(tables.TABLES[table], records, excel=excel),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _refused(problem: str) -> HttpResponse:
    return HttpResponse(f"Some filters could not be used: {problem}", status=400,
                        content_type="text/plain; charset=utf-8")


def _bad_filters(form) -> HttpResponse:
    return _refused("; ".join(f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
                              for name, errors in form.errors.items()))


def treaties_csv(request):
    on = request.as_of
    form, filters = treaty_filters(request)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    return _csv(request, "treaties", f"treaties-{on.isoformat()}.csv",
                rows.treaty_rows(selectors.treaty_search(filters, on), on))


def statements_csv(request):
    form, filters = statement_filters(request)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    # Every match, newest first: a download is not limited to the matches a search ranks.
    filters = {**filters, "sort": "newest"}
    return _csv(request, "statements", "statements.csv",
                rows.statement_rows(selectors.statement_search(on=request.as_of, **filters)))


def _for_treaty(request, queryset):
    """Rows of one treaty (`?treaty=slug`) or all; None when the slug is unknown."""
    slug = request.GET.get("treaty", "").strip()
    if not slug:
        return queryset
    # Not a slug (a NUL byte, which PostgreSQL refuses to compare) is unknown as surely as a slug no treaty has.
    if not slug_re.fullmatch(slug) or not Treaty.objects.filter(slug=slug).exists():
        return None
    return queryset.filter(treaty__slug=slug)


def events_csv(request):
    # As of a day, only what had happened by then.
    events = _for_treaty(request, TreatyEvent.objects.filter(date__lte=request.as_of))
    if events is None:
        return _refused(f"Treaty: no treaty “{request.GET['treaty'][:60]}”.")
    return _csv(request, "events", f"events-{request.as_of.isoformat()}.csv", rows.event_rows(events))


def deadlines_csv(request):
    deadlines = _for_treaty(request, Deadline.objects.filter(selectors.known_on(request.as_of)))
    if deadlines is None:
        return _refused(f"Treaty: no treaty “{request.GET['treaty'][:60]}”.")
    return _csv(request, "deadlines", f"deadlines-{request.as_of.isoformat()}.csv", rows.deadline_rows(deadlines))


def parties_csv(request):
    return _csv(request, "parties", "parties.csv", rows.party_rows(Party.objects.all()))
