"""Staff see and manage subscriptions and the delivery log (imported by treaties.admin)."""

from django.contrib import admin, messages
from django.utils import timezone

from treaties.admin.access import SuperuserOnlyAdmin

from . import scan, signed_links
from .forms import SubscriptionAdminForm
from .models import ReminderDelivery, Subscription, SubscriptionCategory, _new_secret
from .subscriptions import subscription_unsubscribe


class DeliveryInline(admin.TabularInline):
    model = ReminderDelivery
    extra = 0
    can_delete = False
    fields = ["kind", "treaty", "lead_days", "armed_for", "status", "attempts", "sent_at", "error"]
    readonly_fields = fields
    ordering = ["-created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    form = SubscriptionAdminForm
    list_display = ["email", "state", "watching", "time_zone", "hour", "digest", "created_at"]
    list_filter = ["digest", "statements", "everything", ("confirmed_at", admin.EmptyFieldListFilter),
                   ("unsubscribed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    autocomplete_fields = ["treaties", "parties"]
    readonly_fields = ["created_at", "digest_sent_on", "manage_link"]
    inlines = [DeliveryInline]
    actions = ["unsubscribe", "revoke_links"]
    fieldsets = [
        (None, {"fields": ["email", "confirmed_at", "unsubscribed_at", "created_at", "manage_link"]}),
        ("What to follow", {"fields": ["everything", "treaties", "categories", "parties", "statements"]}),
        ("When", {"fields": ["lead_days", "time_zone", "hour", "digest", "digest_sent_on"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("treaties", "parties", "category_rows")

    @admin.display(description="state")
    def state(self, subscription):
        if subscription.unsubscribed_at:
            return "unsubscribed"
        return "active" if subscription.confirmed_at else "awaiting confirmation"

    @admin.display(description="manage link (acts as the subscriber)")
    def manage_link(self, subscription):
        return signed_links.manage_url(subscription) if subscription.pk else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        subscription = form.instance
        categories = form.cleaned_data.get("categories", [])
        subscription.category_rows.exclude(category__in=categories).delete()
        SubscriptionCategory.objects.bulk_create(
            [SubscriptionCategory(subscription=subscription, category=c) for c in categories], ignore_conflicts=True
        )

    @admin.action(description="Unsubscribe the selected addresses")
    def unsubscribe(self, request, queryset):

        for subscription in queryset:
            subscription_unsubscribe(subscription=subscription)
        self.message_user(request, f"Unsubscribed {len(queryset)} address(es).")

    @admin.action(description="Revoke their emailed links (manage, unsubscribe, confirm)")
    def revoke_links(self, request, queryset):
        for subscription in queryset:
            Subscription.objects.filter(pk=subscription.pk).update(secret=_new_secret())
        self.message_user(request, "Links revoked; the next emails carry new ones.")


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ["created_at", "subscription", "kind", "treaty", "lead_days", "armed_for", "status", "attempts",
                    "sent_at", "short_error"]
    list_filter = ["status", "kind", "lead_days"]
    list_select_related = ["subscription", "treaty"]
    search_fields = ["subscription__email", "treaty__short_name", "message_id", "error"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ReminderDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.display(description="error")
    def short_error(self, delivery):
        return delivery.error[:80]

    @admin.action(description="Resend the selected emails")
    def resend(self, request, queryset):
        count = scan.deliveries_resend(delivery_ids=list(queryset.values_list("pk", flat=True)),
                                         now=timezone.now())
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)
