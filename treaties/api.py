"""The read-only JSON API (Django REST Framework; schema by drf-spectacular).

Same filters as the web pages (the same forms validate them) plus `?on=`.
Dates are objects with their precision, so "February 2026" never turns into
a false day: {"date": "2026-02", "precision": "month", "display": "February 2026"}.
"""

import datetime as dt

from django.db.models import Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from . import selectors
from .asof import PATTERN
from .forms import StatementFilterForm, TreatyFilterForm
from .models import Deadline, DeadlineKind, EventKind, Party, Statement, Treaty, TreatyEvent


class PreciseDateSerializer(serializers.Serializer):
    date = serializers.CharField(help_text="YYYY-MM-DD, YYYY-MM or YYYY, as precise as is known")
    precision = serializers.ChoiceField(choices=["day", "month", "year"])
    display = serializers.CharField(help_text='"5 February 2026", "February 2026" or "2026"')

    class Meta:
        ref_name = "PreciseDate"


PRECISE_DATE = PreciseDateSerializer
PRECISE_DATE_OR_NULL = PreciseDateSerializer(allow_null=True)


def precise(when) -> dict | None:
    if when is None:
        return None
    return {"date": when.isoformat(), "precision": str(when.precision), "display": str(when)}


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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


class PartyRef(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["slug", "name", "iso_code"]


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["slug", "name", "short_name", "iso_code", "is_organisation"]


class EventSerializer(serializers.ModelSerializer):
    treaty = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    when = serializers.SerializerMethodField()
    parties = PartyRef(many=True, read_only=True)

    class Meta:
        model = TreatyEvent
        fields = ["id", "treaty", "kind", "when", "parties", "description", "source_url", "extension_years",
                  "date_note"]

    @extend_schema_field(PRECISE_DATE)
    def get_when(self, event):
        return precise(event.when)


class DeadlineSerializer(serializers.ModelSerializer):
    treaty = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    when = serializers.SerializerMethodField()
    parties = PartyRef(many=True, read_only=True)
    derived = serializers.BooleanField(source="is_derived", read_only=True)

    class Meta:
        model = Deadline
        fields = ["id", "treaty", "kind", "when", "parties", "description", "source_url", "derived", "rule",
                  "date_note"]

    @extend_schema_field(PRECISE_DATE)
    def get_when(self, deadline):
        return precise(deadline.when)


class StatusSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    since = serializers.SerializerMethodField()
    suspended_by = serializers.ListField(child=serializers.CharField())
    withdrawn = serializers.ListField(child=serializers.CharField(), help_text="Parties that left; it goes on")

    @extend_schema_field(PRECISE_DATE_OR_NULL)
    def get_since(self, status):
        return precise(status.since)


class TreatySerializer(serializers.ModelSerializer):
    parties = PartyRef(many=True, read_only=True)
    aliases = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    provisions = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Treaty
        fields = ["slug", "short_name", "name", "category", "subject", "kind", "summary", "official_text_url",
                  "parties", "parties_note", "aliases", "provisions", "status", "next_deadline", "page_url"]

    def get_aliases(self, treaty) -> list[str]:
        return [alias.name for alias in treaty.aliases.all()]

    @extend_schema_field(StatusSerializer)
    def get_status(self, treaty):
        return StatusSerializer(self.context["statuses"][treaty.pk]).data

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_next_deadline(self, treaty):
        upcoming = getattr(treaty, "upcoming", [])
        return DeadlineSerializer(upcoming[0]).data if upcoming else None

    @extend_schema_field(inline_serializer("Provisions", {
        "term_years": serializers.IntegerField(allow_null=True),
        "lapses_at_term_end": serializers.BooleanField(),
        "extension_times": serializers.IntegerField(allow_null=True),
        "extension_max_years": serializers.IntegerField(allow_null=True),
        "withdrawal_notice_months": serializers.IntegerField(allow_null=True),
        "withdrawal_notice_days": serializers.IntegerField(allow_null=True),
        "duration": serializers.CharField(),
        "extension": serializers.CharField(),
        "withdrawal": serializers.CharField(),
        "sources": serializers.ListField(child=serializers.CharField()),
    }))
    def get_provisions(self, treaty):
        return {
            "term_years": treaty.term_years,
            "lapses_at_term_end": treaty.lapses_at_term_end,
            "extension_times": treaty.extension_times,
            "extension_max_years": treaty.extension_max_years,
            "withdrawal_notice_months": treaty.withdrawal_notice_months,
            "withdrawal_notice_days": treaty.withdrawal_notice_days,
            "duration": treaty.duration_text,
            "extension": treaty.extension_text,
            "withdrawal": treaty.withdrawal_text,
            "sources": list(treaty.provision_sources or []),
        }

    def get_page_url(self, treaty) -> str:
        return self.context["request"].build_absolute_uri(treaty.get_absolute_url())


class StatementSerializer(serializers.ModelSerializer):
    published = serializers.SerializerMethodField()
    treaties = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Statement
        fields = ["id", "title", "outlet", "url", "published", "speaker", "speaker_role", "quote", "language",
                  "treaties", "date_note"]

    @extend_schema_field(PRECISE_DATE)
    def get_published(self, statement):
        return precise(statement.when)


def _treaties_prefetched(queryset, on: dt.date):
    return queryset.prefetch_related(
        "parties", "aliases",
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
