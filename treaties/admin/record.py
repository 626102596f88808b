"""Parties, treaties (with their aliases, events and deadlines inline), events and deadlines."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, FilteredRelation, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from ..derived import deadlines_refresh, record_changed, treaties_naming
from ..models import Deadline, DeadlineRule, EventKind, Party, Treaty, TreatyAlias, TreatyEvent
from ..precision import PreciseDate, Precision
from ..selectors import STATUS_FILTERS, known_on, not_past, on_day, treaties_named, treaties_with_status
from ..status import Status
from . import parties_dates, transfer_pages

# Links typed without a scheme are web pages: https, as Django 6 will assume.
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


def _treaty_left(form, change: bool) -> Treaty | None:
    """The treaty an edited event or deadline was moved away from: its record changed too."""
    if not change or "treaty" not in form.changed_data:
        return None
    return Treaty.objects.filter(pk=form.initial.get("treaty")).first()


def refresh_deadlines(request, treaty: Treaty) -> None:
    """Re-derive the treaty's deadlines after its events changed, and tell the editor what moved."""
    refresh = deadlines_refresh(treaty=treaty)
    changes = [f"{d.get_kind_display()}: {d.when}" for d in refresh.created]
    changes += [f"{d.get_kind_display()}: {before} → {d.when}" for d, before in refresh.moved]
    if refresh.deleted:
        changes.append(f"{refresh.deleted} no longer follow from the events and were removed")
    if changes:
        messages.info(request, f"Derived deadlines of {treaty} updated — " + "; ".join(changes) + ".")


class AliasInline(admin.TabularInline):
    model = TreatyAlias
    extra = 1


class EventFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The model checks one event against those stored; this checks the ones typed together.
        kept = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        days = {kind: [e["date"] for e in kept if e.get("kind") == kind and e.get("precision") == Precision.DAY
                       and e.get("date")]
                for kind in (EventKind.SIGNED, EventKind.ENTERED_INTO_FORCE)}
        if days[EventKind.SIGNED] and days[EventKind.ENTERED_INTO_FORCE]:
            signed, entry = min(days[EventKind.SIGNED]), min(days[EventKind.ENTERED_INTO_FORCE])
            if entry < signed:
                raise ValidationError(
                    f"Entry into force ({PreciseDate(entry)}) cannot come before signature "
                    f"({PreciseDate(signed)}): check both dates."
                )


class EventInline(admin.StackedInline):
    formfield_overrides = HTTPS_LINKS
    model = TreatyEvent
    formset = EventFormSet
    extra = 0
    autocomplete_fields = ["parties"]
    fields = [("kind", "date", "precision"), "parties", "description",
              ("source_url", "source_publisher", "source_kind"), "extension_years", "date_note", "editor_note", "key"]


class EditorDeadlineInline(admin.TabularInline):
    formfield_overrides = HTTPS_LINKS
    model = Deadline
    verbose_name_plural = "deadlines entered by editors (ones no rule gives)"
    extra = 0
    autocomplete_fields = ["parties"]
    fields = ["kind", "date", "precision", "parties", "description", "source_url", "source_publisher", "source_kind",
              "editor_note", "key"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(rule=DeadlineRule.NONE)


class DerivedDeadlineInline(admin.TabularInline):
    """Shown, never edited: they follow from the events and provisions, and change when those do."""

    model = Deadline
    verbose_name_plural = "derived deadlines (from the events and provisions; read-only)"
    extra = 0
    fields = ["kind", "when", "description", "rule", "source_url"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(rule=DeadlineRule.NONE)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusFilter(admin.SimpleListFilter):
    title = "status today"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_FILTERS.items())

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return treaties_with_status(queryset, self.value(), timezone.localdate())


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "iso_code", "is_organisation"]
    list_filter = ["is_organisation"]
    search_fields = ["name", "short_name", "iso_code", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_changed(party_ids=[obj.pk])  # statuses name parties: "suspended by Russia"

    # A deleted party leaves the treaties that named it: their statuses must stop naming it too.
    def delete_model(self, request, obj):
        naming = treaties_naming([obj.pk])
        super().delete_model(request, obj)
        record_changed(treaty_ids=naming)

    def delete_queryset(self, request, queryset):
        naming = treaties_naming(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        record_changed(treaty_ids=naming)


@admin.register(Treaty)
class TreatyAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["short_name", "category", "kind", "status_today", "next_deadline"]
    list_filter = [StatusFilter, "category", "kind", ("parties", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["short_name", "name", "slug", "aliases__name", "parties__name", "parties__short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parties"]
    inlines = [AliasInline, EventInline, DerivedDeadlineInline, EditorDeadlineInline]
    readonly_fields = ["status_explained", "parties_dates"]
    fieldsets = [
        (None, {"fields": ["short_name", "name", "slug", ("category", "kind"), "subject", "parties", "parties_note",
                           "summary", "official_text_url"]}),
        ("Provisions (the rules derive deadlines from these)", {"fields": [
            ("term_years", "lapses_at_term_end"), ("extension_times", "extension_max_years"),
            ("withdrawal_notice_months", "withdrawal_notice_days"), "consent_effect_days", "review_every_years",
            "duration_text",
            "extension_text", "withdrawal_text", "provision_sources",
        ]}),
        ("Checking (the note is for editors only)", {"fields": ["status_explained", "parties_dates", "checked_on",
                                                                "checked_against", "editor_note"]}),
    ]

    def get_queryset(self, request):
        today = timezone.localdate()
        # Status and next deadline as the public list reads them: from the stored interval that holds today (one
        # join; sorting by next deadline walks its index, where a subquery per treaty read every treaty's
        # deadlines), and the deadline's kind and precision from the page's own deadlines, in one query a page.
        upcoming = Deadline.objects.filter(not_past(today), known_on(today)).order_by("date", "id")
        return (
            super().get_queryset(request)
            .annotate(today=FilteredRelation("status_intervals", condition=on_day(today, "status_intervals")))
            .annotate(status_today_detail=F("today__detail"), next_deadline_date=F("today__next_deadline"))
            .prefetch_related(Prefetch("deadlines", queryset=upcoming, to_attr="upcoming"))
        )

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.isascii():
            return found, may_have_duplicates
        # Names in other scripts ("дснв"), case-folded the same way as the public search.
        named = treaties_named(search_term.strip()).values("pk")
        return queryset.filter(Q(pk__in=found.values("pk")) | Q(pk__in=named)), False

    @admin.display(description="status today")
    def status_today(self, treaty):
        if treaty.status_today_detail is None:  # nothing stored (see `selectors.statuses_on`): the rules, live
            return treaty.status_on(timezone.localdate()).label
        return Status.from_dict(treaty.status_today_detail).label

    @admin.display(description="parties' dates")
    def parties_dates(self, treaty):
        if not treaty.pk:
            return "Save the treaty first."
        return format_html('<a href="{}">Add many parties\' signatures, deposits or withdrawals from a pasted '
                           "table</a>", reverse("admin:treaties_parties_dates", args=[treaty.pk]))

    @admin.display(description="status today, and why")
    def status_explained(self, treaty):
        """The status with the events it follows from, each with its source, so an editor sees why."""
        if not treaty.pk:
            return "—"
        status = treaty.status_on(timezone.localdate())
        events = treaty.record_events
        lines = [format_html("{}", capfirst(status.headline))]
        for qualifier in [*status.suspensions, *status.withdrawals]:
            kinds = {"suspended", "withdrawn", "withdrawal_notice"}
            basis = next((e for e in events if e.kind in kinds and e.when == qualifier.since
                          and qualifier.party in {p.display_name for p in e.party_list}), None)
            because = format_html(' — because: {} <a href="{}">[source]</a>', basis.description, basis.source_url) \
                if basis else " — because a rule derives it from an earlier event"
            lines.append(format_html("{} since {}{}", qualifier.party, qualifier.since, because))
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    # A treaty with nothing stored (see `status_today`) has no date to sort by: after every date, and first when
    # the admin reverses the order, on every database (PostgreSQL and SQLite put NULL at opposite ends).
    @admin.display(description="next deadline", ordering=F("next_deadline_date").asc(nulls_last=True))
    def next_deadline(self, treaty):
        if not treaty.upcoming:
            return "—"
        deadline = treaty.upcoming[0]
        return f"{deadline.when.short()} ({deadline.get_kind_display().lower()})"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_deadlines(request, form.instance)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(transfer_pages.import_view), name="treaties_import"),
            path("export/", self.admin_site.admin_view(transfer_pages.export_view), name="treaties_export"),
            path("<int:object_id>/parties-dates/", self.admin_site.admin_view(parties_dates.parties_dates_view),
                 name="treaties_parties_dates"),
            *super().get_urls(),
        ]


@admin.register(TreatyEvent)
class TreatyEventAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["treaty", "kind", "when", "key"]
    list_filter = ["kind", "precision"]
    list_select_related = ["treaty"]
    search_fields = ["treaty__short_name", "treaty__aliases__name", "description", "key"]
    autocomplete_fields = ["treaty", "parties"]
    date_hierarchy = "date"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The treaty the event left first: a deadline that follows from an event is one per event, so the one
        # derived there goes before the treaty it joined derives its own.
        if left := _treaty_left(form, change):
            refresh_deadlines(request, left)
        refresh_deadlines(request, form.instance.treaty)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_deadlines(request, obj.treaty)

    def delete_queryset(self, request, queryset):
        treaties = {event.treaty for event in queryset.select_related("treaty")}
        super().delete_queryset(request, queryset)
        for treaty in treaties:
            refresh_deadlines(request, treaty)


@admin.register(Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["treaty", "kind", "when", "rule"]
    list_filter = ["kind", "rule", "precision"]
    list_select_related = ["treaty"]
    search_fields = ["treaty__short_name", "treaty__aliases__name", "description", "key"]
    autocomplete_fields = ["treaty", "parties"]
    readonly_fields = ["rule", "derived_from"]
    date_hierarchy = "date"

    # A derived deadline is re-derived from its events: change those instead. (Deleting
    # stays allowed in general, because deleting an event or treaty takes its derived
    # deadlines with it.)
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_derived)

    def delete_view(self, request, object_id, extra_context=None):
        deadline = self.get_object(request, object_id)
        if deadline and deadline.is_derived:
            messages.error(request, "This deadline follows from the treaty's events: change or delete those instead.")
            return redirect("admin:treaties_deadline_change", deadline.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        # Bulk deletion could take derived deadlines along; delete one at a time or in the treaty's page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # An editor's expiry or withdrawal deadline changes the treaty's status: keep the stored copy true.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        deadlines_refresh(treaty=form.instance.treaty)
        if left := _treaty_left(form, change):
            deadlines_refresh(treaty=left)

    def delete_model(self, request, obj):
        treaty = obj.treaty
        super().delete_model(request, obj)
        deadlines_refresh(treaty=treaty)
