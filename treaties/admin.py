from django.contrib import admin
from django.utils import timezone

from .deadlines import deadlines_refresh
from .models import Deadline, Party, Statement, Treaty, TreatyAlias, TreatyEvent


class AliasInline(admin.TabularInline):
    model = TreatyAlias
    extra = 1


class EventInline(admin.StackedInline):
    model = TreatyEvent
    extra = 0
    autocomplete_fields = ["parties"]
    fields = [("kind", "date", "precision"), "parties", "description", "source_url", "extension_years", "date_note"]


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    fields = ["kind", "date", "precision", "description", "source_url", "rule"]
    readonly_fields = ["rule"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "iso_code", "is_organisation"]
    search_fields = ["name", "short_name", "iso_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Treaty)
class TreatyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "category", "kind", "current_status"]
    list_filter = ["category", "kind"]
    search_fields = ["short_name", "name", "aliases__name", "parties__name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parties"]
    inlines = [AliasInline, EventInline, DeadlineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_record()

    @admin.display(description="status today")
    def current_status(self, treaty):
        return treaty.status_on(timezone.localdate()).label

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Derived deadlines follow from the events just saved.
        deadlines_refresh(treaty=form.instance)


@admin.register(TreatyEvent)
class TreatyEventAdmin(admin.ModelAdmin):
    list_display = ["treaty", "kind", "date", "precision"]
    list_filter = ["kind", "precision"]
    list_select_related = ["treaty"]
    search_fields = ["treaty__short_name", "description"]
    autocomplete_fields = ["treaty", "parties"]
    date_hierarchy = "date"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        deadlines_refresh(treaty=form.instance.treaty)


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["treaty", "kind", "date", "precision", "rule"]
    list_filter = ["kind", "rule"]
    list_select_related = ["treaty"]
    search_fields = ["treaty__short_name", "description"]
    autocomplete_fields = ["treaty", "parties"]
    readonly_fields = ["rule", "derived_from"]
    date_hierarchy = "date"


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "speaker", "date"]
    list_filter = ["outlet"]
    search_fields = ["title", "speaker", "quote", "url"]
    autocomplete_fields = ["treaties"]
    date_hierarchy = "date"


from . import subscription_admin  # noqa: E402, F401 - subscriptions and the delivery log
