"""Views that hand the data over as CSV files (calendars are in `calendars`)."""

import csv

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from .. import selectors
from ..transfer.formats import spreadsheet_safe
from .forms import statement_filters, treaty_filters


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
