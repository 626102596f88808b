"""The record's vocabularies: what a treaty, an event and a deadline can be."""

from django.db import models


def label_of(choices: type[models.TextChoices], value):
    """What the model's `get_FOO_display()` says: Django's rebuilds the choices dict on every call (~10 µs), and
    the timeline asks about 150 times a page; an unknown value is shown as it is, as Django does."""
    try:
        return choices(value).label
    except ValueError:
        return value


class Category(models.TextChoices):
    ARMS_CONTROL = "arms_control", "Arms control"
    DISARMAMENT = "disarmament", "Disarmament"
    NONPROLIFERATION = "nonproliferation", "Nonproliferation"
    SPACE = "space", "Space"
    ENVIRONMENT = "environment", "Environment"
    HUMANITARIAN = "humanitarian", "Humanitarian"
    HEALTH = "health", "Health"
    OCEANS = "oceans", "Oceans"
    WATER = "water", "Water and boundaries"
    TRADE = "trade", "Trade"
    OTHER = "other", "Other"


class TreatyKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral"
    MULTILATERAL = "multilateral", "Multilateral"


class EventKind(models.TextChoices):
    ADOPTED = "adopted", "Text adopted"
    OPENED_FOR_SIGNATURE = "opened_for_signature", "Opened for signature"
    SIGNED = "signed", "Signed"
    RATIFIED = "ratified", "Ratified"
    JOINED = "joined", "Took effect for a party"
    ENTERED_INTO_FORCE = "entered_into_force", "Entered into force"
    EXTENDED = "extended", "Extended"
    SUSPENDED = "suspended", "Suspended"
    RESUMED = "resumed", "Suspension lifted"
    WITHDRAWAL_NOTICE = "withdrawal_notice", "Withdrawal notice"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    REVIEW_CONFERENCE = "review_conference", "Review conference"
    MEETING = "meeting", "Meeting of the parties"
    DECISION = "decision", "Decision"
    NOTIFICATION = "notification", "Notification"
    AMENDED = "amended", "Amended"
    STATEMENT = "statement", "Official statement"
    IMPLEMENTED = "implemented", "Implementation step"
    PERIOD_ENDED = "period_ended", "Period ended"
    OTHER = "other", "Other"


class DeadlineKind(models.TextChoices):
    EXPIRY = "expiry", "Expiry"
    WITHDRAWAL_EFFECTIVE = "withdrawal_effective", "Withdrawal takes effect"
    TAKES_EFFECT = "takes_effect", "Takes effect for a party"
    EXTENSION_DECISION = "extension_decision", "Extension decision due"
    REVIEW_CONFERENCE = "review_conference", "Review conference"
    MEETING_OF_PARTIES = "meeting_of_parties", "Meeting of the parties"
    REPORT_DUE = "report_due", "Report due"
    CLEARANCE_DUE = "clearance_due", "Clearance deadline"
    DESTRUCTION_DUE = "destruction_due", "Destruction deadline"
    PHASE_DOWN_STEP = "phase_down_step", "Phase-down step"
    REVIEW_CLAUSE = "review_clause", "Review due"
    OTHER = "other", "Other"


class SourceKind(models.TextChoices):
    """What vouches for a date, best first: a researcher cites the treaty or its depositary before a wire."""

    TREATY_TEXT = "treaty_text", "Treaty text"
    DEPOSITARY = "depositary", "Depositary"
    OFFICIAL = "official", "Official"
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental body"
    PRESS = "press", "Press"
    EXPERT = "expert", "Expert body"


class Voice(models.TextChoices):
    """Who is speaking in a statement, so that readers hear every side."""

    RUSSIAN_OFFICIAL = "russian_official", "Russian official"
    US_OFFICIAL = "us_official", "US official"
    UN = "un", "United Nations"
    OTHER_GOVERNMENT = "other_government", "Other government"
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental body"
    EXPERT = "expert", "Independent expert"


class DeadlineRule(models.TextChoices):
    """Which rule of `treaties.rules` produced a deadline; blank for one an editor typed."""

    NONE = "", "Entered by an editor"
    TERM = "term", "Entry into force + term (+ extensions)"
    WITHDRAWAL = "withdrawal", "Withdrawal notice + notice period"
    CONSENT = "consent", "Ratification after entry into force + waiting period"
    SCHEDULE = "schedule", "The last review conference + the treaty's cycle"
