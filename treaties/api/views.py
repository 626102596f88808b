"""The read-only JSON API (Django REST Framework; schema by drf-spectacular).

Same filters as the web pages (their forms, or forms extending them, validate and document them: filters.py)
plus `?on=`. Served under /api/v1/; the unversioned paths of before redirect there (urls.py).
Dates are objects with their precision, so "February 2026" never turns into
a false day: {"date": "2026-02", "precision": "month", "display": "February 2026"}.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..models import Deadline, Dispute, Party, Statement, Treaty
from . import filters
from .pagination import Pagination
from .serializers import DeadlineSerializer, EventSerializer, PartySerializer, StatementSerializer, TreatySerializer

VERSION = "v1"
RESOURCES = {
    "treaties": "treaties:api_treaties",
    "parties": "treaties:api_parties",
    "events": "treaties:api_events",
    "deadlines": "treaties:api_deadlines",
    "statements": "treaties:api_statements",
    "schema": "treaties:api_schema",
    "docs": "treaties:api_docs",
}


def _links(request) -> dict:
    return {name: request.build_absolute_uri(reverse(url_name)) for name, url_name in RESOURCES.items()}


class Index(APIView):
    @extend_schema(operation_id="index", tags=["index"], responses=inline_serializer("Index", {
        "version": serializers.CharField(),
        "resources": serializers.DictField(child=serializers.URLField(),
                                           help_text="Each list, the schema and the docs, by name"),
        "licence": serializers.DictField(child=serializers.CharField(), help_text="The data's licence"),
    }))
    def get(self, request):
        """What the API offers: a link to each list, the schema and the docs."""
        return Response({"version": VERSION, "resources": _links(request), "licence": settings.DATA_LICENCE})


@extend_schema(exclude=True)  # outside the versioned contract: it only points into it
class Versions(APIView):
    """/api/ itself: the versions there are, and the current one's resources."""

    def get(self, request):
        current = request.build_absolute_uri(reverse("treaties:api_index"))
        return Response({"current": VERSION, "versions": {VERSION: current}, "resources": _links(request)})


def _treaties_prefetched(queryset, on: dt.date):
    """What `TreatySerializer` reads, each as a list: prefetched into managers instead, every row would get a manager
    and a filtered queryset per relation (four of them, and one per dispute), which cost more than the queries."""
    return queryset.prefetch_related(
        Prefetch("parties", to_attr="listed_parties"), Prefetch("aliases", to_attr="listed_aliases"),
        Prefetch("disputes", to_attr="listed_disputes",
                 queryset=Dispute.objects.prefetch_related(Prefetch("positions", to_attr="listed_positions"))),
        Prefetch("deadlines", queryset=Deadline.objects.filter(selectors.not_past(on), selectors.known_on(on))
                 .order_by("date", "id").with_party_lists(), to_attr="upcoming"),
    )


class TreatyMixin:
    serializer_class = TreatySerializer
    pagination_class = Pagination

    def get_serializer_context(self):
        # Each treaty's status on `on`, by id: set by the list for its page, by the detail view for its one.
        return {**super().get_serializer_context(), "statuses": getattr(self, "statuses", {})}


@extend_schema(parameters=filters.parameters(filters.TreatyListFilters))
class TreatyList(TreatyMixin, generics.ListAPIView):
    """Treaties, filtered and sorted like the web list, each with its status on `on`."""

    def get_queryset(self):
        data = filters.validated(filters.TreatyListFilters(self.request.query_params))
        chosen = selectors.TreatyFilters(**{k: v for k, v in data.items() if v not in ("", None)})
        self.counted = selectors.treaties_counted(chosen, self.request.as_of)
        return _treaties_prefetched(selectors.treaty_search(chosen, self.request.as_of), self.request.as_of)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.statuses = {treaty.pk: selectors.status_of(treaty) for treaty in page}
        return page


@extend_schema(parameters=[filters.on_parameter()])
class TreatyDetail(TreatyMixin, generics.RetrieveAPIView):
    """One treaty, with its status on `on`."""

    lookup_field = "slug"

    def get_queryset(self):
        return _treaties_prefetched(Treaty.objects.all(), self.request.as_of)

    def get_object(self):
        treaty = super().get_object()
        self.statuses = selectors.statuses_on(self.request.as_of, [treaty.pk])
        return treaty


@extend_schema(parameters=filters.parameters(filters.PartyListFilters, on=False))
class PartyList(generics.ListAPIView):
    """Parties (states and organisations), by name."""

    serializer_class = PartySerializer
    pagination_class = Pagination

    def get_queryset(self):
        q = filters.validated(filters.PartyListFilters(self.request.query_params))["q"]
        parties = Party.objects.order_by("name")
        if q:
            parties = parties.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(iso_code__iexact=q))
        return parties


def _filter_records(queryset, data: dict, on: dt.date):
    if data.get("treaty"):
        queryset = queryset.filter(treaty__slug=data["treaty"])
    if data.get("party"):
        queryset = queryset.filter(parties__slug=data["party"])
    if data.get("kind"):
        queryset = queryset.filter(kind=data["kind"])
    if data.get("date_from"):
        queryset = queryset.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        queryset = queryset.filter(date__lte=data["date_to"])
    if data.get("upcoming") is True:
        queryset = queryset.filter(selectors.not_past(on))
    elif data.get("upcoming") is False:
        queryset = queryset.exclude(selectors.not_past(on))
    return queryset


class RecordList(generics.ListAPIView):
    pagination_class = Pagination

    def get_queryset(self):
        data = filters.validated(self.filters_class(self.request.query_params))
        model = self.serializer_class.Meta.model
        records = model.objects.select_related("treaty").with_party_lists()
        # As of a day: only what had happened, and only deadlines known by then.
        on = self.request.as_of
        records = records.filter(selectors.known_on(on)) if model is Deadline else records.filter(date__lte=on)
        return _filter_records(records, data, on).order_by("date", "id")


@extend_schema(parameters=filters.parameters(filters.EventListFilters))
class EventList(RecordList):
    """Events in treaties' lives that had happened by `on`, oldest first."""

    serializer_class = EventSerializer
    filters_class = filters.EventListFilters


@extend_schema(parameters=filters.parameters(filters.DeadlineListFilters))
class DeadlineList(RecordList):
    """Deadlines as they stood on `on` (a later event may have set or moved them), earliest first."""

    serializer_class = DeadlineSerializer
    filters_class = filters.DeadlineListFilters


@extend_schema(parameters=filters.parameters(filters.StatementListFilters))
class StatementList(generics.ListAPIView):
    """Statements published by `on`, newest first; a search (`q`) lists the most relevant of its 1,000 newest
    matches first, or every match newest first with `sort=newest` (see `sort`)."""

    serializer_class = StatementSerializer
    pagination_class = Pagination

    def get_queryset(self):
        data = filters.validated(filters.StatementListFilters(self.request.query_params))
        return selectors.statement_search(on=self.request.as_of, **data).prefetch_related("treaties")


class StatementDetail(generics.RetrieveAPIView):
    """One statement."""

    serializer_class = StatementSerializer
    queryset = Statement.objects.prefetch_related("treaties")
