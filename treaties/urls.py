from django.contrib.sitemaps import views as sitemaps
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .api import errors as api_errors
from .api import views as api
from .web import calendars, changes, crawlers, csv_downloads, data, views
from .web.syndication import StatementsFeed, TreatyStatementsFeed

app_name = "treaties"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("treaties/", views.treaty_list, name="treaty_list"),
    path("treaties/<slug:slug>/", views.treaty_detail, name="treaty"),
    path("parties/<slug:slug>/", views.party_detail, name="party"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("timeline/", views.timeline, name="timeline"),
    path("coverage/", views.coverage, name="coverage"),
    path("changes/", changes.what_changed, name="changes"),
    path("changes/feed/", changes.ChangesFeed(), name="changes_feed"),
    path("robots.txt", crawlers.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.index, {"sitemaps": crawlers.SITEMAPS, "sitemap_url_name": "treaties:sitemap_section"},
         name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap, {"sitemaps": crawlers.SITEMAPS}, name="sitemap_section"),
    # Take the deadlines anywhere: calendars, feeds, CSV
    path("calendar.ics", calendars.calendar_all, name="calendar"),
    path("treaties/<slug:slug>/calendar.ics", calendars.calendar_treaty, name="treaty_calendar"),
    path("categories/<str:category>/calendar.ics", calendars.calendar_category, name="category_calendar"),
    path("parties/<slug:slug>/calendar.ics", calendars.calendar_party, name="party_calendar"),
    path("statements/feed/", StatementsFeed(), name="statements_feed"),
    path("treaties/<slug:slug>/statements/feed/", TreatyStatementsFeed(), name="treaty_statements_feed"),
    path("treaties.csv", csv_downloads.treaties_csv, name="treaties_csv"),
    path("statements.csv", csv_downloads.statements_csv, name="statements_csv"),
    path("events.csv", csv_downloads.events_csv, name="events_csv"),
    path("deadlines.csv", csv_downloads.deadlines_csv, name="deadlines_csv"),
    path("parties.csv", csv_downloads.parties_csv, name="parties_csv"),
    # The whole record as a dataset: stable addresses, the record's version in the ETag and the file names
    path("data/", data.data_page, name="data"),
    path("data/<str:filename>", data.data_file, name="data_file"),
    # The read-only API: /api/v1/ is the contract; /api/ lists the versions; unversioned paths of before
    # answer 301 to the same path and query under /api/v1/; anything else under /api/ is a JSON 404.
    path("api/", api.Versions.as_view(), name="api_versions"),
    path("api/v1/", api.Index.as_view(), name="api_index"),
    path("api/v1/treaties/", api.TreatyList.as_view(), name="api_treaties"),
    path("api/v1/treaties/<slug:slug>/", api.TreatyDetail.as_view(), name="api_treaty"),
    path("api/v1/parties/", api.PartyList.as_view(), name="api_parties"),
    path("api/v1/events/", api.EventList.as_view(), name="api_events"),
    path("api/v1/deadlines/", api.DeadlineList.as_view(), name="api_deadlines"),
    path("api/v1/statements/", api.StatementList.as_view(), name="api_statements"),
    path("api/v1/statements/<int:pk>/", api.StatementDetail.as_view(), name="api_statement"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its setup script as a file, so the CSP needs no inline script.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="treaties:api_schema"), name="api_docs"),
    re_path(r"^api/(?P<rest>(?:treaties|parties|events|deadlines|statements|schema|docs)/[-\w/]*)$",
            csrf_exempt(RedirectView.as_view(url="/api/v1/%(rest)s", permanent=True, query_string=True))),
    re_path(r"^api/(?:.*/)?$", api_errors.unknown_path),  # without a slash, APPEND_SLASH redirects first
]
