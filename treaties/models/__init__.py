"""The record: parties, treaties, their events and deadlines, the statements about them, and what is contested."""

from .dated import Dated
from .disputes import Dispute, Position
from .events import Deadline, TreatyEvent
from .kinds import Category, DeadlineKind, DeadlineRule, EventKind, SourceKind, TreatyKind, Voice
from .parties import Party
from .revisions import DeadlineRevision
from .statements import Statement
from .statuses import OPEN_END, StatusCountChange, StatusInterval
from .treaty import Treaty, TreatyAlias, TreatyQuerySet
from .version import RecordVersion

__all__ = [
    "OPEN_END", "Category", "Dated", "Deadline", "DeadlineKind", "DeadlineRevision", "DeadlineRule", "Dispute",
    "EventKind", "Party", "Position", "RecordVersion", "SourceKind", "Statement", "StatusCountChange",
    "StatusInterval", "Treaty", "TreatyAlias", "TreatyEvent", "TreatyKind", "TreatyQuerySet", "Voice",
]
