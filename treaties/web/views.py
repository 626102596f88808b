from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import search, selectors
from ..coverage import record_coverage
from ..models import Category, Deadline, EventKind, Party, Statement, Treaty, TreatyEvent
from ..pagination import BoundedPaginator
from ..periods import suspended_spans
from ..prospects import nothing_to_come
from ..provisions import provisions_in_words
from ..sources import citations
from ..templatetags.treaty_tags import web_link
from .chart import Window, timeline_chart
from .forms import statement_filters, treaty_filters
from .jinja import fragment
from .timeline import treaty_timeline

PAGE_SIZE = 25
TIMELINE_ROWS = 40


def dashboard(request):
    on = request.as_of
    counts, lapsed = selectors.status_counts_and_lapsed(on)
    return render(request, "treaties/dashboard.html", {
        "upcoming": selectors.upcoming_deadlines(on),
        "passed": selectors.passed_deadlines(on, limit=6),
        "lapsed": lapsed,
        "buckets": [(key, label, counts.get(key, 0)) for key, label in selectors.BUCKETS.items()],
        "statements": selectors.recent_statements(on),
        "treaty_count": sum(counts.values()),
        "categories": Category.choices,  # each has its own calendar
    })


def treaty_list(request):
    on = request.as_of
    form, filters = treaty_filters(request)
    treaties = selectors.treaty_search(filters, on).prefetch_related(
        Prefetch("deadlines", queryset=Deadline.objects.filter(selectors.not_past(on), selectors.known_on(on))
                 .order_by("date", "id"),
                 to_attr="upcoming")
    )
    page = BoundedPaginator(treaties, PAGE_SIZE, counted=selectors.treaties_counted(filters, on)).get_page(
        request.GET.get("page"))
    return render(
        request,
        "treaties/treaty_list.html",
        {"form": form, "page": page, "rows": [(t, selectors.status_of(t)) for t in page.object_list],
         "filters": filters},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def treaty_detail(request, slug):
    on = request.as_of
    treaty = get_object_or_404(Treaty.objects.with_record().prefetch_related("parties", "aliases"), slug=slug)
    lifespan, status = selectors.lives(on, [treaty.pk])[treaty.pk]
    # Shown as it stood on `on`: events and statements from after it were not yet known.
    events = [e for e in treaty.record_events if e.when.earliest <= on]
    known = {event.pk: event for event in events}
    deadlines = [d for d in treaty.record_deadlines if d.derived_from_id is None or d.derived_from_id in known]
    # An expiry an extension replaced is shown as what was due until then, with what moved it.
    moved = {
        d.pk: _moved_by(known[d.superseded_by_id], deadlines)
        for d in deadlines if d.superseded_by_id in known
    }
    upcoming = [d for d in deadlines if not d.when.is_past(on) and d.pk not in moved]
    return render(request, "treaties/treaty_detail.html", {
        "treaty": treaty,
        "status": status,
        "timeline": treaty_timeline(events, deadlines, lifespan, on, moved=moved),
        "suspensions": suspended_spans(lifespan),
        "next_deadline": upcoming[0] if upcoming else None,
        "nothing_to_come": nothing_to_come(status, upcoming),
        "provisions": provisions_in_words(
            term_years=treaty.term_years, lapses_at_term_end=treaty.lapses_at_term_end,
            extension_times=treaty.extension_times, extension_max_years=treaty.extension_max_years,
            withdrawal_notice_months=treaty.withdrawal_notice_months,
            withdrawal_notice_days=treaty.withdrawal_notice_days,
        ),
        "provision_sources": citations(
            [url for url in treaty.provision_sources or [] if web_link(url)],
            [(f.source_url, f.source_publisher, f.get_source_kind_display().lower() if f.source_kind else "")
             for f in [*events, *deadlines]],
        ),
        "statements": treaty.statements.filter(date__lte=on).order_by("-date", "-id")[:20],
        # Where sources disagree about the treaty, every side is shown with its source; none chosen silently.
        "disputes": list(treaty.disputes.prefetch_related("positions")),
        # Free text is written as of today; as of a past day it could tell what had not yet happened.
        "text_withheld": on < timezone.localdate(),
    })


def _moved_by(extension, deadlines) -> str:
    after = next((d for d in deadlines if d.derived_from_id == extension.pk and d.rule), None)
    to = f" to {after.when}" if after else ""
    what = "extension" if extension.kind == EventKind.EXTENDED else extension.get_kind_display().lower()
    return f"Moved{to} by the {what} of {extension.when}."


def coverage(request):
    return render(request, "treaties/coverage.html", {"coverage": record_coverage(request.as_of)})


def party_detail(request, slug):
    on = request.as_of
    party = get_object_or_404(Party, slug=slug)
    treaties = list(
        Treaty.objects.filter(Q(parties=party) | Q(events__parties=party)).distinct().order_by("short_name")
    )
    actions = {}
    for event in TreatyEvent.objects.filter(parties=party, date__lte=on).order_by("date", "id"):
        actions.setdefault(event.treaty_id, []).append(event)
    statuses = selectors.statuses_on(on, [t.pk for t in treaties])
    return render(request, "treaties/party_detail.html", {
        "party": party,
        "rows": [(t, statuses[t.pk], actions.get(t.pk, [])) for t in treaties],
    })


def statement_list(request):
    form, data = statement_filters(request)
    statements = selectors.statement_search(on=request.as_of, **data).prefetch_related("treaties")
    page = BoundedPaginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    q = data.get("q", "")
    ranked = bool(q) and data.get("sort") != "newest"
    return render(
        request, "treaties/statement_list.html",
        {"form": form, "page": page, "q": q, "wordless": bool(q) and not search.has_words(q), "ranked": ranked,
         "ranked_matches": f"{search.RANKED_MATCHES:,}",
         "more": not page.paginator.exact or (ranked and page.paginator.count >= search.RANKED_MATCHES)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def statement_detail(request, pk):
    statement = get_object_or_404(Statement.objects.prefetch_related("treaties"), pk=pk)
    return render(request, "treaties/statement_detail.html", {"statement": statement})


def timeline(request):
    on = request.as_of
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    treaties = Treaty.objects.order_by("short_name", "id")  # the index's order: a name twice stays on one page
    if category:
        treaties = treaties.filter(category=category)
    # A chart stays readable up to a few dozen rows; more go on further pages. Without a category, how many
    # treaties there are comes from the kept status counts, as on the treaty list, instead of counting them all.
    counted = selectors.treaties_counted(selectors.TreatyFilters(category=category), on)
    page = BoundedPaginator(treaties.with_record(), TIMELINE_ROWS, counted=counted).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    chart = timeline_chart(rows, selectors.lives(on, [t.pk for t in rows]), on, Window.from_query(request.GET, on))
    return render(request, "treaties/timeline.html", {
        "chart": chart,
        "chart_rows": fragment(request, "treaties/timeline_rows.html", {"chart": chart}),
        "chart_table": fragment(request, "treaties/timeline_table.html", {"chart": chart}),
        "categories": Category.choices,
        "category": category,
        "page": page,
    })


def not_found(request, exception=None):
    """404: JSON for the API, the styled page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)
