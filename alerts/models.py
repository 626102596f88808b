"""Subscribers and the log of every email sent to them.

The rules for what is due live in `alerts.reminders` (pure); the scan, claiming and
sending in `alerts.scan` and `alerts.sending`; subscribing in `alerts.subscriptions`.
The tables keep the names they had when these models lived in the `treaties` app.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from treaties.models import Category, Deadline, Party, Statement, Treaty
from treaties.precision import PreciseDate, Precision

from .reminders import is_time_zone, leads_from_mask, mask_from_leads


def _new_secret() -> str:
    return secrets.token_urlsafe(16)


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def watching(self) -> dict[int, str]:
        """`Subscription.watching()` of each subscription here, by id, in four queries however many there are."""
        ids = dict(self.values_list("pk", "everything"))
        covers = {pk: ([], [], []) for pk in ids}
        for pk, name in Treaty.objects.filter(subscriptions__in=ids).values_list("subscriptions", "short_name"):
            covers[pk][0].append(name)
        rows = SubscriptionCategory.objects.filter(subscription__in=ids).order_by("pk")
        for pk, category in rows.values_list("subscription", "category"):
            covers[pk][1].append(category)
        for pk, short_name, name in Party.objects.filter(subscriptions__in=ids).values_list(
                "subscriptions", "short_name", "name"):
            covers[pk][2].append(short_name or name)
        return {pk: _watching(ids[pk], *covers[pk]) for pk in ids}


def _watching(everything: bool, treaty_names: list[str], categories: list[str], party_names: list[str]) -> str:
    if everything:
        return "every treaty"
    parts = list(treaty_names)
    parts += [f"{Category(category).label.lower()} treaties" for category in categories]
    parts += [f"treaties {name} is party to" for name in party_names]
    if not parts:
        return "nothing yet"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class Subscription(models.Model):
    """What one email address wants to hear about, and how; at most one active per address."""

    email = models.EmailField(max_length=254)
    everything = models.BooleanField(default=False, help_text="Every deadline of every treaty.")
    treaties = models.ManyToManyField(Treaty, blank=True, related_name="subscriptions")
    parties = models.ManyToManyField(
        Party, blank=True, related_name="subscriptions", help_text="Every treaty the party is bound by."
    )
    lead_mask = models.PositiveIntegerField(
        help_text="The lead times chosen, as bits of alerts.reminders.LEAD_CHOICES; edit as “lead days”."
    )
    time_zone = models.CharField(max_length=64, help_text="An IANA name: Europe/Zurich.")
    hour = models.PositiveSmallIntegerField(default=8, help_text="Local hour of day (0–23) to send at.")
    digest = models.BooleanField(default=False, help_text="One email a day instead of one per reminder.")
    statements = models.BooleanField(
        default=False, help_text="Also an email when a statement is linked to a watched treaty."
    )
    secret = models.CharField(
        max_length=32, default=_new_secret, editable=False,
        help_text="Part of every emailed manage/unsubscribe link; changing it revokes them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    digest_sent_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The subscriber's local day of the last digest."
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        db_table = "treaties_subscription"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["email"], name="subscription_email_idx"),
            models.Index(
                fields=["time_zone", "hour"], name="subscription_active_idx",
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
            ),
        ]
        constraints = [
            # Two active subscriptions for one address would send each reminder twice.
            models.UniqueConstraint(
                fields=["email"], condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="subscription_one_active_per_email",
                violation_error_message="This address already has an active subscription.",
            ),
            models.CheckConstraint(name="subscription_hour_of_day", condition=Q(hour__lte=23)),
            models.CheckConstraint(name="subscription_some_lead_time", condition=Q(lead_mask__gt=0)),
        ]

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def lead_days(self) -> list[int]:
        return leads_from_mask(self.lead_mask)

    @lead_days.setter
    def lead_days(self, days):
        self.lead_mask = mask_from_leads(days)

    def watching(self) -> str:
        """What the subscription covers, as a sentence's end: "New START and the NPT"."""
        if self.everything:
            return "every treaty"
        return _watching(False, [t.short_name for t in self.treaties.all()],
                         [row.category for row in self.category_rows.all()],
                         [p.display_name for p in self.parties.all()])

    def clean(self):
        super().clean()
        if self.time_zone and not is_time_zone(self.time_zone):
            raise ValidationError({"time_zone": "Choose a time zone from the list, e.g. Europe/Zurich."})


class SubscriptionCategory(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="category_rows")
    category = models.CharField(max_length=20, choices=Category.choices)

    class Meta:
        db_table = "treaties_subscriptioncategory"
        verbose_name_plural = "subscription categories"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "category"], name="subscription_category_unique")
        ]

    def __str__(self):
        return self.get_category_display()


class DeliveryKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation request"
    REMINDER = "reminder", "Reminder"
    DEADLINE_CHANGED = "deadline_changed", "Deadline changed"
    STATEMENT = "statement", "New statement"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


def has_subscription() -> Exists:
    """Whether a delivery's subscription still exists: no database constraint says so (see
    `ReminderDelivery.subscription`)."""
    return Exists(Subscription.objects.filter(pk=OuterRef("subscription_id")))


class ReminderDelivery(models.Model):
    """One email owed to a subscriber, recorded before it is sent; the row is what makes it exactly-once.

    A reminder is unique per (subscription, deadline, lead time, date it was armed for): the scan
    inserts with ON CONFLICT DO NOTHING, and a worker claims the row with a conditional update.
    """

    # No database constraints on the subscription and the treaty: PostgreSQL checks a foreign key row by row, and
    # the two checks were 35-40 % of a scan that writes 230,000 reminders (docs/benchmarks.md). Django still deletes a
    # subscription's or a treaty's rows with it. A row a scan writes as its subscription is being deleted outlives
    # it: no worker claims it (`alerts.sending`) and retention deletes it (`alerts.retention`).
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, db_constraint=False,
                                     related_name="deliveries")
    kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    treaty = models.ForeignKey(Treaty, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False,
                               related_name="+")
    # No database constraint: the row outlives a deleted deadline, to say it was removed. No index of its own
    # either: every read by deadline is of reminders, which `delivery_armed_idx` serves, or of a subscriber's
    # change notices, which `delivery_one_change_notice` serves; and each index is written again for every one of
    # the hundreds of thousands of rows a scan can insert.
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        related_name="+",
    )
    # Indexed where set only (`delivery_statement_idx`), for deleting a statement's alerts: reminders have none.
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    lead_days = models.PositiveSmallIntegerField(default=0)
    armed_for = models.DateField(null=True, blank=True, help_text="The deadline's date when the row was made.")
    armed_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    armed_until = models.DateField(null=True, blank=True, help_text="For a range: its last possible day.")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    next_try_at = models.DateTimeField(help_text="When the scan next hands the row to a worker, if still unsent.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "treaties_reminderdelivery"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "reminder deliveries"
        indexes = [
            models.Index(
                fields=["next_try_at"], name="delivery_unsent_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["deadline", "armed_for"], name="delivery_armed_idx", condition=Q(kind="reminder")),
            models.Index(fields=["statement"], name="delivery_statement_idx", condition=Q(statement__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "deadline", "lead_days", "armed_for"], condition=Q(kind="reminder"),
                name="delivery_one_reminder",
            ),
            models.UniqueConstraint(
                fields=["subscription", "deadline", "armed_for"], condition=Q(kind="deadline_changed"),
                name="delivery_one_change_notice",
            ),
            models.UniqueConstraint(
                fields=["subscription", "statement"], condition=Q(kind="statement"), name="delivery_one_statement",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.subscription_id} ({self.get_status_display()})"

    @property
    def armed_when(self) -> PreciseDate | None:
        if not self.armed_for:
            return None
        return PreciseDate(self.armed_for, self.armed_precision or Precision.DAY, self.armed_until)


class Heartbeat(models.Model):
    """When a periodic job last completed, for /healthz/deep and for operators."""

    name = models.CharField(max_length=50, unique=True)
    completed_at = models.DateTimeField()


    class Meta:
        db_table = "treaties_heartbeat"

    def __str__(self):
        return f"{self.name} at {self.completed_at:%Y-%m-%d %H:%M:%S %Z}"

    @classmethod
    def beat(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"completed_at": timezone.now()})


# ---------------------------------------------------------------------------------------------------------------
# Feeds: statements read from RSS and Atom feeds (`feeds`), the treaties they mention, and the dates
# they give, for editors to review.
# ---------------------------------------------------------------------------------------------------------------
