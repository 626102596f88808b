from django.db import models
from simple_history.models import HistoricalRecords

from .dated import Dated, precision_constraint, web_link_constraint
from .kinds import Voice
from .treaty import Treaty


class Statement(Dated):
    title = models.CharField(max_length=500)
    outlet = models.CharField(max_length=200)
    url = models.URLField(max_length=800, unique=True)
    speaker = models.CharField(max_length=200, blank=True)
    speaker_role = models.CharField(max_length=300, blank=True)
    quote = models.TextField(blank=True, help_text="A quote or a short summary of what was said.")
    full_text = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    voice = models.CharField(max_length=20, choices=Voice.choices, blank=True, help_text="Who is speaking.")
    treaties = models.ManyToManyField(Treaty, blank=True, related_name="statements")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a feed brings the statement (`feeds`): the keys that make the same story one statement.
    # NULL until then, so that a plain unique index (NULLs never clash) serves lookups on every database.
    normalised_url = models.CharField(max_length=800, null=True, blank=True, unique=True, editable=False)  # noqa: DJ001
    guid = models.CharField("feed entry id", max_length=800, null=True, blank=True, unique=True, editable=False)  # noqa: DJ001

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["-date", "-id"], name="statement_recent_idx")]
        constraints = [
            precision_constraint("statement_precision_matches_date"),
            web_link_constraint("statement_url_is_web_link", "url"),
        ]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------------------
# Alerts: subscriptions and the log of every email sent to subscribers.
# The rules for what is due live in `alerts.reminders` (pure); the scan,
# claiming and sending in `alerts.scan`; subscribing in `alerts.subscriptions`.
# ---------------------------------------------------------------------------

