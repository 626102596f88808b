from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .. import rules, status
from .dated import web_link_constraint
from .events import Deadline, TreatyEvent
from .kinds import Category, TreatyKind, label_of
from .parties import Party

_LOADED_EVENTS, _LOADED_DEADLINES = "_loaded_events", "_loaded_deadlines"


class TreatyQuerySet(models.QuerySet):
    def with_record(self):
        """Everything `Treaty.status_on` and the timeline read, in a fixed number of queries (a treaty page adds
        the treaty's parties and aliases).

        Events and deadlines are loaded as lists (`Treaty.record_events`, `record_deadlines`, each row's
        `party_list`): prefetched into managers, they cost more than their queries (a manager and a queryset
        built for every row: 40 treaties took 26 ms of CPU instead of 13), and each row's parties come with it
        (`with_party_lists`): one query for all the events' parties and one for all the deadlines'.
        """
        return self.prefetch_related(
            models.Prefetch("events", queryset=TreatyEvent.objects.with_party_lists(), to_attr=_LOADED_EVENTS),
            models.Prefetch("deadlines", queryset=Deadline.objects.with_party_lists(), to_attr=_LOADED_DEADLINES),
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
    review_every_years = models.PositiveSmallIntegerField(
        "review conference every (years)", null=True, blank=True,
        help_text="Where the treaty sets a cycle: the next review conference is derived from the last one held.",
    )
    consent_effect_days = models.PositiveSmallIntegerField(
        "days from a later ratification to its effect", null=True, blank=True,
        help_text="A party that ratifies or accedes after entry into force is bound this many days after "
        "depositing its instrument (30 for the Paris Agreement); blank if the treaty sets no such rule.",
    )
    duration_text = models.TextField("duration", blank=True)
    extension_text = models.TextField("extension", blank=True)
    withdrawal_text = models.TextField("withdrawal", blank=True)
    provision_sources = models.JSONField(default=list, blank=True)

    checked_on = models.DateField(
        null=True, blank=True, help_text="When every date of this treaty was last checked against its sources."
    )
    checked_against = models.TextField(blank=True, help_text="What it was checked against, for readers.")
    editor_note = models.TextField(
        blank=True, help_text="For editors only, never shown to readers: what was not verified, what to check."
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatyQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "treaties"
        # Lists by name (the timeline, the list sorted by name) read this in order and stop after a page.
        indexes = [models.Index(fields=["short_name", "id"], name="treaty_short_name_idx")]
        constraints = [
            web_link_constraint("treaty_text_is_web_link", "official_text_url"),
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

    def get_kind_display(self) -> str:
        return label_of(TreatyKind, self.kind)

    def get_category_display(self) -> str:
        return label_of(Category, self.category)

    @property
    def provisions(self) -> rules.Provisions:
        return rules.Provisions(
            term_years=self.term_years,
            lapses_at_term_end=self.lapses_at_term_end,
            withdrawal_notice_months=self.withdrawal_notice_months,
            withdrawal_notice_days=self.withdrawal_notice_days,
            consent_effect_days=self.consent_effect_days,
            review_every_years=self.review_every_years,
        )

    @property
    def record_events(self) -> list[TreatyEvent]:
        """Its events in date order, each with its `party_list`: as `with_record()` loaded them, else queried."""
        loaded = self.__dict__.get(_LOADED_EVENTS)
        return loaded if loaded is not None else list(self.events.with_party_lists())

    @property
    def record_deadlines(self) -> list[Deadline]:
        """Its deadlines in date order, each with its `party_list`: as `with_record()` loaded them, else queried."""
        loaded = self.__dict__.get(_LOADED_DEADLINES)
        return loaded if loaded is not None else list(self.deadlines.with_party_lists())

    def status_on(self, on) -> status.Status:
        """The treaty's status on a date; use `Treaty.objects.with_record()` to avoid queries per treaty."""
        return status.status_on(
            bilateral=self.kind == TreatyKind.BILATERAL,
            provisions=self.provisions,
            events=[event.fact() for event in self.record_events],
            # Derived deadlines are re-derived from the events known on `on`.
            deadlines=[d.fact() for d in self.record_deadlines if not d.is_derived],
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
