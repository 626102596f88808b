"""The record's version: one number that moves whenever anything a reader could see in the record changes.

Every save and delete of a record model, and every change to its many-to-many links, bumps it inside the same
transaction (so a rolled-back edit bumps nothing, and a committed one is never served from a cache keyed on the
old number). Code that writes with `bulk_create`/`update()`, which send no signals, calls `bump()` itself.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .models import Deadline, Dispute, Party, Position, RecordVersion, Statement, Treaty, TreatyAlias, TreatyEvent

RECORD_MODELS = (Party, Treaty, TreatyAlias, TreatyEvent, Deadline, Statement, Dispute, Position)
RECORD_LINKS = (Treaty.parties.through, TreatyEvent.parties.through, Deadline.parties.through,
                Statement.treaties.through)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime | None

    @property
    def etag(self) -> str:
        """"r12-5f3c…": the number and the moment it was reached, so a restored or reloaded database, whose numbers
        start again, never matches a validator a client kept from before."""
        if self.changed_at is None:
            return f"r{self.number}"
        return f"r{self.number}-{int(self.changed_at.timestamp() * 1_000_000):x}"


def bump() -> None:
    """Move the version on, as part of the caller's transaction."""
    now = timezone.now()
    with transaction.atomic():
        if not RecordVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
            RecordVersion.objects.create(pk=1, number=1, changed_at=now)


def current() -> Version:
    row = RecordVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    return Version(*row) if row else Version(0, None)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("post_"):
        bump()


def connect() -> None:
    """Called once from the app's ready()."""
    for model in RECORD_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"version-delete-{model.__name__}")
    for through in RECORD_LINKS:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"version-links-{through.__name__}")
