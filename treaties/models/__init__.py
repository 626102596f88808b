"""The record: parties, treaties, their events and deadlines, and statements about them."""

from .dated import Dated
from .events import Deadline, TreatyEvent
from .kinds import Category, DeadlineKind, DeadlineRule, EventKind, SourceKind, TreatyKind, Voice
from .parties import Party
from .statements import Statement
from .treaty import Treaty, TreatyAlias, TreatyQuerySet

__all__ = [
    "Category", "Dated", "Deadline", "DeadlineKind", "DeadlineRule", "EventKind", "Party", "Statement", "Treaty",
    "TreatyAlias", "TreatyEvent", "TreatyKind", "TreatyQuerySet", "SourceKind", "Voice",
]
