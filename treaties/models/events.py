"""What happened in a treaty's life, and what falls due."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.query import ModelIterable
from simple_history.models import HistoricalRecords

from .. import rules
from ..precision import Precision
from .dated import Dated, Sourced, precision_constraint, web_link_constraint
from .kinds import DeadlineKind, DeadlineRule, EventKind, TreatyKind, label_of
from .parties import Party

_LOADED_PARTIES = "_loaded_parties"


# Up to this many rows are named in their parties' query; more are selected by a subquery of their own query.
NAMED_ROWS = 100


class _WithPartyLists(ModelIterable):
    """The rows, then their parties in one more query: the link table joined to the parties, for the rows loaded.

    A page of rows (a sliced queryset) and a few rows are named. Many rows are selected by a subquery of the
    queryset instead: naming the timeline's 456 rows made Django spend 12 % more instructions on the whole page.
    The subquery runs again, so a row that a commit in between took out of the selection (deleted, or superseded
    in a calendar) keeps an empty list; that commit moved the record's version, so what is built from these rows
    is cached under the version before it. A slice is never left to a subquery: a row committed into the window in
    between would push a loaded one out of it (and the database would walk the offset twice). Nor are a few rows:
    PostgreSQL joined one treaty's 28 events' subquery to the link table by walking the events' primary key
    through 100,000 rows (11 ms), where their ids find their links in the link table's index at once."""

    def __iter__(self):
        rows = list(super().__iter__())
        if rows:
            field = self.queryset.model._meta.get_field("parties")
            row, party = field.m2m_field_name(), field.m2m_reverse_field_name()
            lists = {each.pk: [] for each in rows}
            named = self.queryset.query.is_sliced or len(rows) <= NAMED_ROWS
            selected = list(lists) if named else self.queryset.values("pk")
            links = (field.remote_field.through.objects.filter(**{f"{row}__in": selected})
                     .select_related(party).order_by(*(f"{party}__{f}" for f in Party._meta.ordering), f"{party}__pk"))
            for link in links:
                # The subquery runs again, so it may see a row committed since the first query: not one of these.
                if (parties := lists.get(getattr(link, f"{row}_id"))) is not None:
                    parties.append(getattr(link, party))
            for each in rows:
                each.__dict__[_LOADED_PARTIES] = lists[each.pk]
        yield from rows


class PartyListQuerySet(models.QuerySet):
    def with_party_lists(self):
        """Each row's `party_list` for any number of rows in one more query, as a list (a prefetched manager per
        row costs more). Django's prefetch of `parties` named every row's id in its query, each row normalised
        for it: the parties of the timeline's 381 events took 6.3 ms that way, 3.8 ms this way."""
        clone = self._chain()
        clone._iterable_class = _WithPartyLists
        return clone


class PartyList:
    @property
    def party_list(self) -> list[Party]:
        """Who acted, or whom a deadline concerns (by name): as `with_party_lists()` loaded them, else queried."""
        loaded = self.__dict__.get(_LOADED_PARTIES)
        return loaded if loaded is not None else list(self.parties.all())

    def parties_set(self, parties: list[Party]) -> None:
        """Link exactly these parties (given in `party_list`'s order); `party_list` says so from then on."""
        self.parties.set(parties)
        self.__dict__[_LOADED_PARTIES] = list(parties)


class TreatyEvent(PartyList, Dated, Sourced):
    treaty = models.ForeignKey("treaties.Treaty", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    parties = models.ManyToManyField(
        Party, blank=True, related_name="events", help_text="Who acted, where someone did."
    )
    description = models.TextField()
    source_url = models.URLField(max_length=1000)
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

    objects = PartyListQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["treaty", "date"])]
        constraints = [
            precision_constraint("event_precision_matches_date"),
            web_link_constraint("event_source_is_web_link", "source_url"),
            models.UniqueConstraint(fields=["treaty", "key"], condition=~Q(key=""), name="event_key_unique"),
            models.CheckConstraint(
                name="event_extension_years_only_on_extension",
                condition=Q(extension_years__isnull=True) | Q(kind=EventKind.EXTENDED),
                violation_error_message="Only an extension adds years.",
            ),
        ]

    def __str__(self):
        return f"{self.treaty}: {self.get_kind_display()} ({self.when})"

    def get_kind_display(self) -> str:
        return label_of(EventKind, self.kind)

    def fact(self) -> rules.Fact:
        return rules.Fact(
            self.kind, self.when, tuple(p.display_name for p in self.party_list), self.extension_years, self.pk
        )

    def clean(self):
        super().clean()
        if self.extension_years and self.kind != EventKind.EXTENDED:
            raise ValidationError({"extension_years": "Only an extension adds years; clear this field."})
        self._check_order_against_signature()

    def _check_order_against_signature(self):
        # Entry into force cannot come before signature: a typo here would shift every derived deadline, so
        # catch it at entry.
        if self.kind not in (EventKind.ENTERED_INTO_FORCE, EventKind.SIGNED) or not self.treaty_id:
            return
        if self.precision != Precision.DAY or not self.date or self.treaty.kind != TreatyKind.BILATERAL:
            return  # a multilateral treaty is signed by states joining it long after it entered into force
        others = TreatyEvent.objects.filter(
            treaty_id=self.treaty_id, precision=Precision.DAY, kind__in=[EventKind.SIGNED, EventKind.ENTERED_INTO_FORCE]
        ).exclude(pk=self.pk).order_by("date")
        if self.kind == EventKind.ENTERED_INTO_FORCE:
            first_signature = others.filter(kind=EventKind.SIGNED).first()
            clash = first_signature if first_signature and first_signature.date > self.date else None
        else:
            entry = others.filter(kind=EventKind.ENTERED_INTO_FORCE).first()
            signed_before = others.filter(kind=EventKind.SIGNED, date__lte=entry.date).exists() if entry else True
            clash = entry if entry and entry.date < self.date and not signed_before else None
        if clash:
            raise ValidationError(
                {"date": f"Entry into force cannot come before signature; the treaty has "
                 f"“{clash.get_kind_display()}” on {clash.when}."}
            )


class Deadline(PartyList, Dated, Sourced):
    treaty = models.ForeignKey("treaties.Treaty", on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=24, choices=DeadlineKind.choices)
    parties = models.ManyToManyField(Party, blank=True, related_name="deadlines")
    description = models.TextField(blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    rule = models.CharField(max_length=12, choices=DeadlineRule.choices, blank=True, default="", editable=False)
    derived_from = models.ForeignKey(
        TreatyEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="derived_deadlines",
        editable=False,
    )
    # An expiry an extension moved stays on record as what was due until then (rules.py keeps the chain).
    superseded_by = models.ForeignKey(
        TreatyEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="superseded_deadlines",
        editable=False,
    )
    superseded_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The first day of the event that moved it."
    )
    key = models.SlugField(
        max_length=120,
        blank=True,
        help_text="A stable name for this deadline within its treaty, used to match imports.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartyListQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["date"], name="deadline_date_idx"),
            models.Index(fields=["treaty", "date"]),
            # Ranges still open are read apart from dated deadlines (`selectors.upcoming_deadlines`): few of them,
            # found here without reading every deadline.
            models.Index(fields=["date_until"], condition=Q(precision=Precision.RANGE), name="deadline_range_idx"),
        ]
        constraints = [
            precision_constraint("deadline_precision_matches_date"),
            web_link_constraint("deadline_source_is_web_link", "source_url"),
            # One deadline per rule and source event, so re-deriving updates in place.
            models.UniqueConstraint(
                fields=["treaty", "rule"], condition=Q(rule=DeadlineRule.TERM, superseded_by__isnull=True),
                name="deadline_one_current_term_expiry",
            ),
            models.UniqueConstraint(
                fields=["derived_from"], condition=Q(rule=DeadlineRule.TERM, superseded_by__isnull=False),
                name="deadline_one_superseded_expiry_per_event",
            ),
            models.UniqueConstraint(
                fields=["derived_from"], condition=Q(rule=DeadlineRule.WITHDRAWAL),
                name="deadline_one_per_withdrawal_notice",
            ),
            models.UniqueConstraint(
                fields=["derived_from"], condition=Q(rule=DeadlineRule.CONSENT),
                name="deadline_one_per_late_ratification",
            ),
            models.UniqueConstraint(
                fields=["derived_from"], condition=Q(rule=DeadlineRule.SCHEDULE),
                name="deadline_one_next_review_per_conference",
            ),
            models.CheckConstraint(
                name="deadline_superseded_pair",
                condition=Q(superseded_by__isnull=True, superseded_on__isnull=True)
                | Q(superseded_by__isnull=False, superseded_on__isnull=False),
            ),
            models.UniqueConstraint(fields=["treaty", "key"], condition=~Q(key=""), name="deadline_key_unique"),
            models.CheckConstraint(
                name="deadline_derived_has_rule",
                condition=Q(derived_from__isnull=True) | ~Q(rule=""),
            ),
        ]

    def __str__(self):
        return f"{self.treaty}: {self.get_kind_display()} ({self.when})"

    def get_kind_display(self) -> str:
        return label_of(DeadlineKind, self.kind)

    @property
    def is_derived(self) -> bool:
        return bool(self.rule)

    @property
    def is_superseded(self) -> bool:
        return self.superseded_on is not None

    def fact(self) -> rules.Fact:
        return rules.Fact(self.kind, self.when, tuple(p.display_name for p in self.party_list), ref=self.pk)
