"""Facts the sources contest: each side's position, with its source, so none is chosen silently."""

from django.db import models
from simple_history.models import HistoricalRecords

from .dated import web_link_constraint
from .kinds import SourceKind
from .treaty import Treaty


class Dispute(models.Model):
    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="disputes")
    about = models.CharField(max_length=300, help_text='What is contested: "Whether the E3 snapback was valid".')
    affects_status = models.BooleanField(
        default=False, help_text="The dispute is about the treaty's own standing: its status reads “(contested)”."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-affects_status", "id"]
        constraints = [models.UniqueConstraint(fields=["treaty", "about"], name="dispute_once_per_treaty")]

    def __str__(self):
        return f"{self.treaty}: {self.about}"


class Position(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="positions")
    held_by = models.CharField(max_length=300, help_text='Who holds it: "France, Germany, the United Kingdom".')
    position = models.TextField()
    source_url = models.URLField(max_length=1000)
    source_publisher = models.CharField(max_length=200, blank=True)
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [web_link_constraint("position_source_is_web_link", "source_url")]

    def __str__(self):
        return f"{self.held_by}: {self.position[:60]}"
