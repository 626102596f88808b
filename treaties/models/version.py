from django.db import models


class RecordVersion(models.Model):
    """One row: a number bumped in the same transaction as any change to the record.

    Caches, ETags and the data package key on it, so nothing served can be older than the data
    (`treaties.versions`)."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="record_version_single_row")]

    def __str__(self) -> str:
        return f"record version {self.number} ({self.changed_at:%Y-%m-%d %H:%M:%S %Z})"
