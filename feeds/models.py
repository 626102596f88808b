"""Statements read from RSS and Atom feeds, the treaties they mention, and the dates they give, for editors
to review. The tables keep the names they had when these models lived in the `treaties` app."""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from treaties.models import Deadline, DeadlineKind, Statement, Treaty
from treaties.models.dated import Dated, precision_constraint, web_link_constraint


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

    # Kept by `feeds.ingest`, never edited.
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
        db_table = "treaties_feedsource"
        ordering = ["name"]
        indexes = [models.Index(fields=["next_fetch_at"], condition=Q(is_active=True), name="feedsource_due_idx")]
        constraints = [web_link_constraint("feedsource_url_is_web_link", "url")]

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
        db_table = "treaties_treatymention"
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
        db_table = "treaties_deadlinesuggestion"
        constraints = [
            precision_constraint("suggestion_precision_matches_date"),
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
