"""The read-only JSON API (Django REST Framework; schema by drf-spectacular).

Same filters as the web pages (the same forms validate them) plus `?on=`.
Dates are objects with their precision, so "February 2026" never turns into
a false day: {"date": "2026-02", "precision": "month", "display": "February 2026"}.
"""

import datetime as dt

from django.db.models import Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .. import selectors
from ..models import Deadline, DeadlineKind, EventKind, Party, Statement, Treaty
from ..pagination import BoundedPaginator
from ..web.asof import PATTERN
from ..web.forms import StatementFilterForm, TreatyFilterForm
from .serializers import DeadlineSerializer, EventSerializer, PartySerializer, StatementSerializer, TreatySerializer


class Pagination(PageNumberPagination):
    """`count` is exact up to 10,000 and then says 10,000, with `count_exact` false: counting a million rows
    would cost more than the page (`treaties.pagination`). `next` and `previous` are as before."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {"type": "boolean", "example": True,
                                               "description": "false when there are more than `count`"}
        return schema


def on_param():
    return OpenApiParameter(
        "on", {"type": "string", "format": "date", "pattern": PATTERN},
        description="Show the record as of this day, 1800-01-01 to 2199-12-31 (default: today in the site's zone)",
    )


def form_or_400(form):
    """Validate query parameters with the web page's form; a bad one is a 400 naming it."""
    if not form.is_valid():
        raise ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
    return form.cleaned_data

def _treaties_prefetched(queryset, on: dt.date):
    return queryset.prefetch_related(
        "parties", "aliases", "disputes__positions",
        Prefetch("deadlines", queryset=Deadline.objects.filter(selectors.not_past(on), selectors.known_on(on))
                 .prefetch_related("parties")
                 .order_by("date", "id"), to_attr="upcoming"),
    )


class TreatyMixin:
    serializer_class = TreatySerializer
    pagination_class = Pagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "statuses": getattr(self, "statuses", {})}

    def with_statuses(self, treaties):
        self.statuses = selectors.statuses_on(self.request.as_of, [t.pk for t in treaties])
        return treaties


TREATY_PARAMS = [
    on_param(),
    OpenApiParameter("q", str, description="Words in the name, short name, an alias (any script) or a party"),
    OpenApiParameter("status", str, enum=list(selectors.STATUS_FILTERS)),
    OpenApiParameter("category", str, enum=[c for c, _ in Treaty._meta.get_field("category").choices]),
    OpenApiParameter("party", str, description="A party's slug"),
    OpenApiParameter("kind", str, enum=["bilateral", "multilateral"]),
    OpenApiParameter("due_within", int, description="Only treaties with a deadline within this many days"),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
]


@extend_schema(parameters=TREATY_PARAMS)
class TreatyList(TreatyMixin, generics.ListAPIView):
    """Treaties, filtered and sorted like the web list, each with its status on `on`."""

    def get_queryset(self):
        form = TreatyFilterForm(self.request.query_params, parties=Party.objects.order_by("name"))
        data = form_or_400(form)
        filters = selectors.TreatyFilters(**{k: v for k, v in data.items() if v not in ("", None)})
        return _treaties_prefetched(selectors.treaty_search(filters, self.request.as_of), self.request.as_of)

    def paginate_queryset(self, queryset):
        return self.with_statuses(super().paginate_queryset(queryset))


@extend_schema(parameters=[on_param()])
class TreatyDetail(TreatyMixin, generics.RetrieveAPIView):
    lookup_field = "slug"

    def get_queryset(self):
        return _treaties_prefetched(Treaty.objects.all(), self.request.as_of)

    def get_object(self):
        return self.with_statuses([super().get_object()])[0]


class PartyList(generics.ListAPIView):
    serializer_class = PartySerializer
    pagination_class = Pagination

    @extend_schema(parameters=[OpenApiParameter("q", str, description="Words in the name or ISO code")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        parties = Party.objects.order_by("name")
        q = self.request.query_params.get("q", "")[:200]
        if q:
            parties = parties.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(iso_code__iexact=q))
        return parties


class RecordFilters(serializers.Serializer):
    treaty = serializers.SlugField(required=False, help_text="A treaty's slug")
    party = serializers.SlugField(required=False, help_text="A party's slug")
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class EventFilters(RecordFilters):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)


class DeadlineFilters(RecordFilters):
    kind = serializers.ChoiceField(choices=DeadlineKind.choices, required=False)
    upcoming = serializers.BooleanField(required=False, allow_null=True, default=None,
                                        help_text="true: not yet passed on `on`; false: passed")


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
    filters_class = RecordFilters
    pagination_class = Pagination

    def get_queryset(self):
        filters = self.filters_class(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        model = self.serializer_class.Meta.model
        records = model.objects.select_related("treaty").prefetch_related("parties")
        # As of a day: only what had happened, and only deadlines known by then.
        on = self.request.as_of
        records = records.filter(selectors.known_on(on)) if model is Deadline else records.filter(date__lte=on)
        return _filter_records(records, filters.validated_data, on).order_by("date", "id")


@extend_schema(parameters=[EventFilters])
class EventList(RecordList):
    serializer_class = EventSerializer
    filters_class = EventFilters


@extend_schema(parameters=[DeadlineFilters, on_param()])
class DeadlineList(RecordList):
    serializer_class = DeadlineSerializer
    filters_class = DeadlineFilters


@extend_schema(parameters=[
    OpenApiParameter("q", str), OpenApiParameter("treaty", str, description="Slug, name or alias"),
    OpenApiParameter("outlet", str), OpenApiParameter("speaker", str),
    OpenApiParameter("date_from", OpenApiTypes.DATE), OpenApiParameter("date_to", OpenApiTypes.DATE),
])
class StatementList(generics.ListAPIView):
    serializer_class = StatementSerializer
    pagination_class = Pagination

    def get_queryset(self):
        data = form_or_400(StatementFilterForm(self.request.query_params))
        return selectors.statement_search(on=self.request.as_of, **data).prefetch_related("treaties")


class StatementDetail(generics.RetrieveAPIView):
    serializer_class = StatementSerializer
    queryset = Statement.objects.prefetch_related("treaties")
