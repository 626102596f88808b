"""Feed sources, and the review queues of what feeds suggest: treaty mentions and deadline dates."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from treaties.admin.record import HTTPS_LINKS
from treaties.admin.statements import StatementAdmin
from treaties.models import Deadline, Statement

from .models import (
    DeadlineSuggestion,
    FeedSource,
    FetchStatus,
    SuggestionDecision,
    TreatyMention,
)
from .review import deadline_suggestion_accept, deadline_suggestion_dismiss, mention_accept, mention_reject


class DecisionFilter(admin.SimpleListFilter):
    """What is waiting for an editor, unless they ask for the rest: a review queue opens on its work."""

    title = "decision"
    parameter_name = "decision"
    PENDING = "pending"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*model_admin.model._meta.get_field("decision").choices, (self.ALL, "All")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or self.PENDING) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.PENDING
        return queryset if value == self.ALL else queryset.filter(decision=value)


def statement_link(statement) -> str:
    return format_html('<a href="{}">{}</a> <small>({}, {})</small>',
                       reverse("admin:treaties_statement_change", args=[statement.pk]), statement.title,
                       statement.outlet, statement.when)


def decision_action(name: str, description: str, decide, *, done: str, already: str):
    """An admin action applying one editor's decision (`decide(pk, user)`, true if it changed the row) to
    each selected row, and saying how many it changed."""

    @admin.action(description=description, permissions=["change"])
    def action(model_admin, request, queryset):
        changed = sum(bool(decide(pk, request.user)) for pk in queryset.values_list("pk", flat=True))
        if changed:
            messages.success(request, done.format(count=changed))
        if unchanged := queryset.count() - changed:
            messages.warning(request, already.format(count=unchanged))

    action.__name__ = name
    return action


@admin.register(FeedSource)
class FeedSourceAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ["name", "url", "is_active", "fetch_interval", "last_fetched_at", "last_status_shown",
                    "last_result", "next_fetch_at"]
    list_filter = ["is_active", "last_status", "language"]
    search_fields = ["name", "url"]
    readonly_fields = ["last_fetched_at", "last_status", "last_error", "last_result", "consecutive_failures",
                       "next_fetch_at", "fetching_since", "etag", "last_modified"]
    fieldsets = [
        (None, {"fields": ["name", "url", "language", "is_active", "fetch_interval"]}),
        ("Last fetch", {"fields": readonly_fields}),
    ]
    actions = ["fetch_now"]

    def save_model(self, request, obj, form, change):
        if change and "url" in form.changed_data:
            # Another address is another feed: what the old one said about versions and failures does not apply.
            obj.etag = obj.last_modified = ""
            obj.consecutive_failures, obj.next_fetch_at = 0, None
        super().save_model(request, obj, form, change)

    @admin.display(description="last status", ordering="last_status")
    def last_status_shown(self, source):
        if source.last_status == FetchStatus.FAILED:
            return format_html('<span title="{}">✗ {}</span><br><small>{}</small>', source.last_error,
                               source.get_last_status_display(), source.last_error[:160])
        if source.last_status == FetchStatus.WARNING:
            return format_html("⚠ {}<br><small>{}</small>", source.get_last_status_display(), source.last_error[:160])
        return source.get_last_status_display() or "never fetched"

    @admin.action(description="Fetch the selected sources within a minute", permissions=["change"])
    def fetch_now(self, request, queryset):
        count = queryset.filter(is_active=True).update(next_fetch_at=timezone.now())
        messages.success(request, f"{count} active source(s) will be fetched at the next beat (within a minute).")


class ReviewAdmin(admin.ModelAdmin):
    """Rows are made by feeds and changed only by the actions, never added or deleted by hand: a deleted
    decision would be taken again by the next fetch."""

    list_filter = [DecisionFilter]
    list_select_related = ["statement", "treaty", "decided_by"]
    ordering = ["-statement_id", "id"]  # newest statements first, each one's candidates together
    search_fields = ["statement__title", "treaty__short_name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="statement", ordering="statement__date")
    def statement_shown(self, row):
        return statement_link(row.statement)


@admin.register(TreatyMention)
class TreatyMentionAdmin(ReviewAdmin):
    list_display = ["treaty", "reason", "statement_shown", "decision", "decided_by", "created_at"]
    readonly_fields = ["statement", "treaty", "words", "decision", "decided_by", "decided_at", "created_at"]
    actions = [
        decision_action("link", "Link: the statement is about this treaty",
                        lambda pk, user: mention_accept(mention_id=pk, user=user),
                        done="{count} statement(s) linked.", already="{count} already linked; left as they were."),
        decision_action("do_not_link", "Do not link: the statement is not about this treaty",
                        lambda pk, user: mention_reject(mention_id=pk, user=user),
                        done="{count} mention(s) rejected; the treaties are not linked.",
                        already="{count} rejected already."),
    ]

    def has_change_permission(self, request, obj=None):
        # The change page is for reading; the actions need the permission on the list.
        return super().has_change_permission(request, obj) and obj is None


@admin.register(DeadlineSuggestion)
class DeadlineSuggestionAdmin(ReviewAdmin):
    list_display = ["treaty", "when", "kind", "phrase", "treaty_deadlines", "statement_shown", "decision"]
    fields = ["statement", "treaty", "phrase", ("date", "precision"), "kind", "decision", "deadline", "decided_by",
              "decided_at"]
    actions = [
        decision_action("accept", "Accept: create the deadline, sourced to the statement",
                        lambda pk, user: deadline_suggestion_accept(suggestion_id=pk, user=user),
                        done="{count} deadline(s) created.", already="{count} decided already; left as they were."),
        decision_action("dismiss", "Dismiss", lambda pk, user: deadline_suggestion_dismiss(suggestion_id=pk, user=user),
                        done="{count} suggestion(s) dismissed.", already="{count} decided already; left as they were."),
    ]

    def get_queryset(self, request):
        # The treaty's deadlines beside each suggestion, so a date already known is dismissed at a glance.
        return super().get_queryset(request).prefetch_related(
            Prefetch("treaty__deadlines", queryset=Deadline.objects.order_by("date"))
        )

    def get_readonly_fields(self, request, obj=None):
        # Before it is accepted an editor may correct the date, precision or kind.
        editable = {"date", "precision", "kind"} if obj and obj.decision == SuggestionDecision.PENDING else set()
        return [name for name in ["statement", "treaty", "phrase", "date", "precision", "kind", "decision",
                                  "deadline", "decided_by", "decided_at"] if name not in editable]

    @admin.display(description="the treaty's deadlines")
    def treaty_deadlines(self, suggestion):
        return "; ".join(f"{d.get_kind_display()}: {d.when}" for d in suggestion.treaty.deadlines.all()) or "none"


# The record's statement admin, with what feeds found in each statement beside its treaties: feeds extend the
# record's admin (Django's documented way to extend a registered admin), the record knows nothing of feeds.
admin.site.unregister(Statement)


@admin.register(Statement)
class StatementWithFeedsAdmin(StatementAdmin):
    readonly_fields = [*StatementAdmin.readonly_fields, "found_in_feeds"]
    fieldsets = [
        *StatementAdmin.fieldsets[:-1],
        ("Treaties", {"fields": [*StatementAdmin.fieldsets[-1][1]["fields"], "found_in_feeds"]}),
    ]

    @admin.display(description="found when read from a feed")
    def found_in_feeds(self, statement):
        """The treaties a feed found in the statement, the words, and what was decided."""
        if not statement.pk:
            return "—"
        mentions = statement.mentions.select_related("treaty", "decided_by")
        return format_html_join(
            mark_safe("<br>"), '<a href="{}">{}</a>: {} — {}',
            ((reverse("admin:feeds_treatymention_change", args=[m.pk]), m.treaty, m.reason, m.get_decision_display())
             for m in mentions),
        ) or "—"
