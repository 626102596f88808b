from django.db import models

from .events import Deadline


class DeadlineRevision(models.Model):
    """What calendar subscribers were last shown of a deadline, kept by `treaties.deadline_revisions`.

    A row of its own rather than fields on the deadline, so that saving a deadline loaded earlier can never
    put an older count back. `number` is the event's SEQUENCE and `revised_at` its DTSTAMP."""

    deadline = models.OneToOneField(Deadline, on_delete=models.CASCADE, primary_key=True,
                                    related_name="calendar_revision")
    number = models.PositiveIntegerField(default=0)
    revised_at = models.DateTimeField()
    # Of the event as last published; "" for a deadline stored before revisions were counted, whose next
    # revision counts as a change since what subscribers hold of it is not known.
    digest = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.deadline}: revision {self.number}"
