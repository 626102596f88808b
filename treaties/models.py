import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import rules, status
from .precision import PreciseDate, Precision


class Category(models.TextChoices):
    ARMS_CONTROL = "arms_control", "Arms control"
    DISARMAMENT = "disarmament", "Disarmament"
    NONPROLIFERATION = "nonproliferation", "Nonproliferation"
    SPACE = "space", "Space"
    ENVIRONMENT = "environment", "Environment"
    HUMANITARIAN = "humanitarian", "Humanitarian"
    TRADE = "trade", "Trade"
    OTHER = "other", "Other"


class TreatyKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral"
    MULTILATERAL = "multilateral", "Multilateral"


class EventKind(models.TextChoices):
    SIGNED = "signed", "Signed"
    RATIFIED = "ratified", "Ratified"
    ENTERED_INTO_FORCE = "entered_into_force", "Entered into force"
    EXTENDED = "extended", "Extended"
    SUSPENDED = "suspended", "Suspended"
    RESUMED = "resumed", "Suspension lifted"
    WITHDRAWAL_NOTICE = "withdrawal_notice", "Withdrawal notice"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    REVIEW_CONFERENCE = "review_conference", "Review conference"
    OTHER = "other", "Other"


class DeadlineKind(models.TextChoices):
    EXPIRY = "expiry", "Expiry"
    WITHDRAWAL_EFFECTIVE = "withdrawal_effective", "Withdrawal takes effect"
    EXTENSION_DECISION = "extension_decision", "Extension decision due"
    REVIEW_CONFERENCE = "review_conference", "Review conference"
    REPORT_DUE = "report_due", "Report due"
    OTHER = "other", "Other"


class DeadlineRule(models.TextChoices):
    """Which rule of `treaties.rules` produced a deadline; blank for one an editor typed."""

    NONE = "", "Entered by an editor"
    TERM = "term", "Entry into force + term (+ extensions)"
    WITHDRAWAL = "withdrawal", "Withdrawal notice + notice period"


def _web_link_constraint(name: str, field: str) -> models.CheckConstraint:
    # Links are shown to readers as href="…": only http(s), never javascript: or data: URLs,
    # however a row was written (admin, import, feed or a script).
    return models.CheckConstraint(
        name=name,
        condition=Q(**{field: ""}) | Q(**{f"{field}__startswith": "http://"})
        | Q(**{f"{field}__startswith": "https://"}),
        violation_error_message="Links must start with http:// or https://.",
    )


def _precision_constraint(name: str, field: str = "date") -> models.CheckConstraint:
    # Month- and year-precision dates are stored as their first day, so that
    # ordering and "has it started yet?" are plain date comparisons in SQL.
    return models.CheckConstraint(
        name=name,
        condition=Q(precision=Precision.DAY)
        | Q(precision=Precision.MONTH, **{f"{field}__day": 1})
        | Q(precision=Precision.YEAR, **{f"{field}__day": 1, f"{field}__month": 1}),
        violation_error_message="A month-precision date must be the 1st of its month, "
        "a year-precision date 1 January.",
    )


class Dated(models.Model):
    """A date with its precision and source, shared by events, deadlines and statements."""

    date = models.DateField(
        help_text="For a month- or year-precision date, the first day of that month or year."
    )
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    date_note = models.TextField(
        blank=True, help_text="Where sources disagree about this date, or how it was inferred."
    )

    class Meta:
        abstract = True

    @property
    def when(self) -> PreciseDate:
        return PreciseDate(self.date, self.precision)

    def clean(self):
        super().clean()
        if self.date and self.precision:
            try:
                self.when  # noqa: B018 - validates the pair
            except ValueError:
                kept = PreciseDate.truncate(self.date, self.precision)
                raise ValidationError(
                    {
                        "date": f"With {self.precision} precision, enter the first day "
                        f"({kept.value:%Y-%m-%d} for {kept})."
                    }
                ) from None


class Party(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=100, blank=True, help_text='How it reads in a sentence: "Russia", "the United States".'
    )
    slug = models.SlugField(max_length=100, unique=True)
    iso_code = models.CharField(
        "ISO 3166 code",
        max_length=4,
        blank=True,
        help_text="ISO 3166-1 alpha-2 (US, RU); ISO 3166-3 for former states (SUHH); blank if none.",
    )
    is_organisation = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(
                fields=["iso_code"], condition=~Q(iso_code=""), name="party_iso_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("treaties:party", args=[self.slug])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self):
        super().clean()
        if self.iso_code and not (self.iso_code.isalpha() and self.iso_code.isupper()):
            raise ValidationError({"iso_code": "Use capital letters only, e.g. US, RU, SUHH."})


class TreatyQuerySet(models.QuerySet):
    def with_record(self):
        """Everything `Treaty.status_on` and a treaty page read, in a fixed number of queries."""
        return self.prefetch_related(
            "parties",
            "aliases",
            models.Prefetch("events", queryset=TreatyEvent.objects.prefetch_related("parties")),
            models.Prefetch("deadlines", queryset=Deadline.objects.prefetch_related("parties")),
        )


class Treaty(models.Model):
    name = models.CharField(max_length=400, help_text="The full official name.")
    short_name = models.CharField(max_length=100, help_text='The name people use: "New START".')
    slug = models.SlugField(max_length=100, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    subject = models.CharField(
        max_length=200, blank=True, help_text='A finer description: "arms control — strategic nuclear".'
    )
    kind = models.CharField(max_length=12, choices=TreatyKind.choices)
    parties = models.ManyToManyField(Party, blank=True, related_name="treaties")
    parties_note = models.TextField(
        blank=True, help_text="Who else is bound, in words: counts of States Parties, successor states."
    )
    summary = models.TextField(blank=True)
    official_text_url = models.URLField(max_length=500, blank=True)

    # Provisions that are data: the rules in `treaties.rules` derive deadlines from them.
    term_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Years from entry into force until the term ends; blank if unlimited."
    )
    lapses_at_term_end = models.BooleanField(
        default=True,
        help_text="Untick when the term's end calls for a decision instead of ending the treaty "
        "(the NPT's 1995 extension conference).",
    )
    extension_times = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many extensions the treaty allows; blank if not fixed."
    )
    extension_max_years = models.PositiveSmallIntegerField(null=True, blank=True)
    withdrawal_notice_months = models.PositiveSmallIntegerField(null=True, blank=True)
    withdrawal_notice_days = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_text = models.TextField("duration", blank=True)
    extension_text = models.TextField("extension", blank=True)
    withdrawal_text = models.TextField("withdrawal", blank=True)
    provision_sources = models.JSONField(default=list, blank=True)

    # A copy of `status_on(status_as_of)`, kept by `treaties.statuses` so that lists
    # of thousands of treaties filter and count by status in SQL. Never edited.
    status_code = models.CharField(max_length=12, choices=status.StatusCode.choices, blank=True, editable=False)
    status_suspended = models.BooleanField(default=False, editable=False)
    status_since = models.DateField(null=True, blank=True, editable=False)
    status_as_of = models.DateField(null=True, blank=True, editable=False)
    status_detail = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatyQuerySet.as_manager()

    # The stored status is derived data, refreshed in bulk; history records what editors did.
    history = HistoricalRecords(
        excluded_fields=["status_code", "status_suspended", "status_since", "status_as_of", "status_detail"]
    )

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "treaties"
        indexes = [models.Index(fields=["status_code", "status_since"], name="treaty_status_idx")]
        constraints = [
            _web_link_constraint("treaty_text_is_web_link", "official_text_url"),
            models.CheckConstraint(
                name="treaty_term_positive", condition=Q(term_years__isnull=True) | Q(term_years__gt=0)
            ),
            models.CheckConstraint(
                name="treaty_one_notice_unit",
                condition=Q(withdrawal_notice_months__isnull=True) | Q(withdrawal_notice_days__isnull=True),
                violation_error_message="Give the withdrawal notice period in months or in days, not both.",
            ),
            models.CheckConstraint(
                name="treaty_notice_positive",
                condition=(Q(withdrawal_notice_months__isnull=True) | Q(withdrawal_notice_months__gt=0))
                & (Q(withdrawal_notice_days__isnull=True) | Q(withdrawal_notice_days__gt=0)),
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("treaties:treaty", args=[self.slug])

    @property
    def provisions(self) -> rules.Provisions:
        return rules.Provisions(
            term_years=self.term_years,
            lapses_at_term_end=self.lapses_at_term_end,
            withdrawal_notice_months=self.withdrawal_notice_months,
            withdrawal_notice_days=self.withdrawal_notice_days,
        )

    def status_on(self, on) -> status.Status:
        """The treaty's status on a date; use `Treaty.objects.with_record()` to avoid a query per treaty."""
        return status.status_on(
            bilateral=self.kind == TreatyKind.BILATERAL,
            provisions=self.provisions,
            events=[event.fact() for event in self.events.all()],
            # Derived deadlines are re-derived from the events known on `on`.
            deadlines=[d.fact() for d in self.deadlines.all() if not d.is_derived],
            on=on,
        )

    def clean(self):
        super().clean()
        if self.extension_max_years and not self.extension_times:
            raise ValidationError(
                {"extension_times": "Say how many extensions are allowed when giving their length."}
            )
        if self.withdrawal_notice_months and self.withdrawal_notice_days:
            raise ValidationError(
                {"withdrawal_notice_days": "Give the notice period in months or in days, not both."}
            )
        bad = [url for url in self.provision_sources or [] if not str(url).startswith(("http://", "https://"))]
        if bad:
            raise ValidationError({"provision_sources": f"Each source must be an http(s) link; not {bad[0]!r}."})


class TreatyAlias(models.Model):
    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=400)
    language = models.CharField(max_length=8, blank=True, help_text="BCP 47 code: en, ru, fa.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "aliases"
        constraints = [models.UniqueConstraint(fields=["treaty", "name"], name="alias_unique_per_treaty")]

    def __str__(self):
        return self.name


class TreatyEvent(Dated):
    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    parties = models.ManyToManyField(
        Party, blank=True, related_name="events", help_text="Who acted, where someone did."
    )
    description = models.TextField()
    source_url = models.URLField(max_length=500)
    extension_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For an extension: how many years it adds. Leave blank for an indefinite extension.",
    )
    key = models.SlugField(
        max_length=120,
        blank=True,
        help_text="A stable name for this event within its treaty, used to match imports and the shipped data.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["treaty", "date"])]
        constraints = [
            _precision_constraint("event_precision_matches_date"),
            _web_link_constraint("event_source_is_web_link", "source_url"),
            models.UniqueConstraint(fields=["treaty", "key"], condition=~Q(key=""), name="event_key_unique"),
            models.CheckConstraint(
                name="event_extension_years_only_on_extension",
                condition=Q(extension_years__isnull=True) | Q(kind=EventKind.EXTENDED),
                violation_error_message="Only an extension adds years.",
            ),
        ]

    def __str__(self):
        return f"{self.treaty}: {self.get_kind_display()} ({self.when})"

    def fact(self) -> rules.Fact:
        return rules.Fact(
            self.kind, self.when, tuple(p.display_name for p in self.parties.all()), self.extension_years, self.pk
        )

    def clean(self):
        super().clean()
        if self.extension_years and self.kind != EventKind.EXTENDED:
            raise ValidationError({"extension_years": "Only an extension adds years; clear this field."})
        self._check_order_against_signature()

    def _check_order_against_signature(self):
        # Entry into force cannot come before signature: a typo here would
        # shift every derived deadline, so catch it at entry.
        if self.kind not in (EventKind.ENTERED_INTO_FORCE, EventKind.SIGNED) or not self.treaty_id:
            return
        if self.precision != Precision.DAY or not self.date:
            return
        other_kind = EventKind.SIGNED if self.kind == EventKind.ENTERED_INTO_FORCE else EventKind.ENTERED_INTO_FORCE
        others = TreatyEvent.objects.filter(treaty_id=self.treaty_id, kind=other_kind, precision=Precision.DAY)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.kind == EventKind.ENTERED_INTO_FORCE:
            clash = others.filter(date__gt=self.date).order_by("date").first()
        else:
            clash = others.filter(date__lt=self.date).order_by("date").first()
        if clash:
            raise ValidationError(
                {"date": f"Entry into force cannot come before signature; the treaty has "
                 f"“{clash.get_kind_display()}” on {clash.when}."}
            )


class Deadline(Dated):
    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=24, choices=DeadlineKind.choices)
    parties = models.ManyToManyField(Party, blank=True, related_name="deadlines")
    description = models.TextField(blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    rule = models.CharField(max_length=12, choices=DeadlineRule.choices, blank=True, default="", editable=False)
    derived_from = models.ForeignKey(
        TreatyEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="derived_deadlines",
        editable=False,
    )
    key = models.SlugField(
        max_length=120,
        blank=True,
        help_text="A stable name for this deadline within its treaty, used to match imports.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["date"], name="deadline_date_idx"),
            models.Index(fields=["treaty", "date"]),
        ]
        constraints = [
            _precision_constraint("deadline_precision_matches_date"),
            _web_link_constraint("deadline_source_is_web_link", "source_url"),
            # One deadline per rule and source event, so re-deriving updates in place.
            models.UniqueConstraint(
                fields=["treaty", "rule"], condition=Q(rule=DeadlineRule.TERM), name="deadline_one_term_expiry"
            ),
            models.UniqueConstraint(
                fields=["derived_from"], condition=Q(rule=DeadlineRule.WITHDRAWAL),
                name="deadline_one_per_withdrawal_notice",
            ),
            models.UniqueConstraint(fields=["treaty", "key"], condition=~Q(key=""), name="deadline_key_unique"),
            models.CheckConstraint(
                name="deadline_derived_has_rule",
                condition=Q(derived_from__isnull=True) | ~Q(rule=""),
            ),
        ]

    def __str__(self):
        return f"{self.treaty}: {self.get_kind_display()} ({self.when})"

    @property
    def is_derived(self) -> bool:
        return bool(self.rule)

    def fact(self) -> rules.Fact:
        return rules.Fact(self.kind, self.when, tuple(p.display_name for p in self.parties.all()), ref=self.pk)


class Statement(Dated):
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200)
    url = models.URLField(max_length=800, unique=True)
    speaker = models.CharField(max_length=200, blank=True)
    speaker_role = models.CharField(max_length=300, blank=True)
    quote = models.TextField(blank=True, help_text="A quote or a short summary of what was said.")
    full_text = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    treaties = models.ManyToManyField(Treaty, blank=True, related_name="statements")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a feed brings the statement (`treaties.feeds`): the keys that make the same story one statement.
    # NULL until then, so that a plain unique index (NULLs never clash) serves lookups on every database.
    normalised_url = models.CharField(max_length=800, null=True, blank=True, unique=True, editable=False)  # noqa: DJ001
    guid = models.CharField("feed entry id", max_length=800, null=True, blank=True, unique=True, editable=False)  # noqa: DJ001

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["-date", "-id"], name="statement_recent_idx")]
        constraints = [
            _precision_constraint("statement_precision_matches_date"),
            _web_link_constraint("statement_url_is_web_link", "url"),
        ]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------------------
# Alerts: subscriptions and the log of every email sent to subscribers.
# The rules for what is due live in `treaties.reminders` (pure); the scan,
# claiming and sending in `treaties.alerts`; subscribing in `treaties.subscriptions`.
# ---------------------------------------------------------------------------

import secrets  # noqa: E402

from .reminders import is_time_zone, leads_from_mask, mask_from_leads  # noqa: E402


def _new_secret() -> str:
    return secrets.token_urlsafe(16)


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscription(models.Model):
    """What one email address wants to hear about, and how; at most one active per address."""

    email = models.EmailField(max_length=254)
    everything = models.BooleanField(default=False, help_text="Every deadline of every treaty.")
    treaties = models.ManyToManyField(Treaty, blank=True, related_name="subscriptions")
    parties = models.ManyToManyField(
        Party, blank=True, related_name="subscriptions", help_text="Every treaty the party is bound by."
    )
    lead_mask = models.PositiveIntegerField(
        help_text="The lead times chosen, as bits of treaties.reminders.LEAD_CHOICES; edit as “lead days”."
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
        parts = [t.short_name for t in self.treaties.all()]
        parts += [f"{Category(row.category).label.lower()} treaties" for row in self.category_rows.all()]
        parts += [f"treaties {p.display_name} is party to" for p in self.parties.all()]
        if not parts:
            return "nothing yet"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def clean(self):
        super().clean()
        if self.time_zone and not is_time_zone(self.time_zone):
            raise ValidationError({"time_zone": "Choose a time zone from the list, e.g. Europe/Zurich."})


class SubscriptionCategory(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="category_rows")
    category = models.CharField(max_length=20, choices=Category.choices)

    class Meta:
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


class ReminderDelivery(models.Model):
    """One email owed to a subscriber, recorded before it is sent; the row is what makes it exactly-once.

    A reminder is unique per (subscription, deadline, lead time, date it was armed for): the scan
    inserts with ON CONFLICT DO NOTHING, and a worker claims the row with a conditional update.
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    treaty = models.ForeignKey(Treaty, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # No database constraint: the row outlives a deleted deadline, to say it was removed.
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    statement = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    lead_days = models.PositiveSmallIntegerField(default=0)
    armed_for = models.DateField(null=True, blank=True, help_text="The deadline's date when the row was made.")
    armed_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    next_try_at = models.DateTimeField(help_text="When the scan next hands the row to a worker, if still unsent.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "reminder deliveries"
        indexes = [
            models.Index(
                fields=["next_try_at"], name="delivery_unsent_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["deadline", "armed_for"], name="delivery_armed_idx", condition=Q(kind="reminder")),
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
        return PreciseDate(self.armed_for, self.armed_precision or Precision.DAY) if self.armed_for else None


class Heartbeat(models.Model):
    """When a periodic job last completed, for /healthz and for operators."""

    name = models.CharField(max_length=50, unique=True)
    completed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.completed_at:%Y-%m-%d %H:%M:%S %Z}"

    @classmethod
    def beat(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"completed_at": timezone.now()})


# ---------------------------------------------------------------------------------------------------------------
# Feeds: statements read from RSS and Atom feeds (`treaties.feeds`), the treaties they mention, and the dates
# they give, for editors to review.
# ---------------------------------------------------------------------------------------------------------------


class FetchStatus(models.TextChoices):
    OK = "ok", "Fetched"
    NOT_MODIFIED = "not_modified", "Not modified since the last fetch"
    WARNING = "warning", "Fetched, with a problem"
    FAILED = "failed", "Failed"


class FeedSourceQuerySet(models.QuerySet):
    def due(self, now: dt.datetime):
        return self.filter(is_active=True).filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))


class FeedSource(models.Model):
    """An RSS or Atom feed whose entries become statements."""

    BACKOFF_LIMIT = dt.timedelta(hours=24)
    # A claim older than this belongs to a worker that died mid-fetch (fetches time out long before).
    CLAIM_EXPIRES = dt.timedelta(minutes=15)

    name = models.CharField(max_length=200, help_text='The outlet, as statements name it: "TASS".')
    url = models.URLField("feed URL", max_length=800, unique=True)
    language = models.CharField(
        max_length=8, blank=True, help_text="BCP 47 code of the entries (en, ru); blank to take the feed's own."
    )
    is_active = models.BooleanField("active", default=True)
    fetch_interval = models.PositiveIntegerField(
        "fetch interval (minutes)", default=60, validators=[MinValueValidator(5)]
    )

    # Kept by `treaties.feeds.ingest`, never edited.
    next_fetch_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="Blank: as soon as possible.")
    fetching_since = models.DateTimeField(null=True, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(max_length=12, choices=FetchStatus.choices, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_result = models.CharField(max_length=300, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedSourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["next_fetch_at"], condition=Q(is_active=True), name="feedsource_due_idx")]
        constraints = [_web_link_constraint("feedsource_url_is_web_link", "url")]

    def __str__(self):
        return self.name

    def next_fetch_after(self, now: dt.datetime, *, failures: int = 0) -> dt.datetime:
        """The interval, doubled for each failure in a row, up to a day (or the interval, if longer)."""
        interval = dt.timedelta(minutes=self.fetch_interval)
        return now + min(interval * 2 ** min(failures, 20), max(interval, self.BACKOFF_LIMIT))


class Decided(models.Model):
    """Made by a feed, decided by an editor: who decided, and when."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class MentionDecision(models.TextChoices):
    LINKED = "linked", "Linked automatically"
    PENDING = "pending", "Waiting for an editor"
    ACCEPTED = "accepted", "Linked by an editor"
    REJECTED = "rejected", "Rejected by an editor"


class TreatyMention(Decided):
    """A treaty a statement from a feed names, the words that named it, and what was decided.

    One row per statement and treaty, decided once: a later fetch never changes it, so an editor's
    decision (or unlinking) stands.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="mentions")
    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="mentions")
    words = models.JSONField(default=list, help_text="The words in the statement that named the treaty.")
    decision = models.CharField(max_length=10, choices=MentionDecision.choices)

    class Meta(Decided.Meta):
        constraints = [models.UniqueConstraint(fields=["statement", "treaty"], name="mention_once_per_treaty")]
        indexes = [models.Index(fields=["decision"], condition=Q(decision="pending"), name="mention_pending_idx")]

    def __str__(self):
        return f"{self.treaty} in “{self.statement}”"

    @property
    def reason(self) -> str:
        return ", ".join(f"“{word}”" for word in self.words)


class SuggestionDecision(models.TextChoices):
    PENDING = "pending", "Waiting for an editor"
    ACCEPTED = "accepted", "Accepted: deadline created"
    DISMISSED = "dismissed", "Dismissed"


class DeadlineSuggestion(Dated, Decided):
    """A date a statement gives for a treaty ("expires in February 2026"), for an editor to make a deadline of."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="deadline_suggestions")
    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="deadline_suggestions")
    kind = models.CharField(max_length=24, choices=DeadlineKind.choices)
    phrase = models.CharField(max_length=300, help_text="The words that give the date.")
    decision = models.CharField(max_length=10, choices=SuggestionDecision.choices, default=SuggestionDecision.PENDING)
    deadline = models.ForeignKey(
        Deadline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta(Decided.Meta):
        constraints = [
            _precision_constraint("suggestion_precision_matches_date"),
            models.UniqueConstraint(
                fields=["statement", "treaty", "date", "precision"], name="suggestion_once_per_date"
            ),
        ]
        indexes = [
            models.Index(fields=["decision"], condition=Q(decision="pending"), name="suggestion_pending_idx")
        ]

    def __str__(self):
        # Not `when`: while an editor corrects it, the date and precision may not agree yet.
        return f"{self.treaty}: {self.get_kind_display()} — “{self.phrase}”"
