"""The record's vocabularies: what a treaty, an event and a deadline can be."""

from django.db import models


class Category(models.TextChoices):
    ARMS_CONTROL = "arms_control", "Arms control"
    DISARMAMENT = "disarmament", "Disarmament"
    NONPROLIFERATION = "nonproliferation", "Nonproliferation"
    SPACE = "space", "Space"
    ENVIRONMENT = "environment", "Environment"
    HUMANITARIAN = "humanitarian", "Humanitarian"
    TRADE = "trade", "Trade"
    OTHER = "other", "Other"


class TreatyKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral"
    MULTILATERAL = "multilateral", "Multilateral"


class EventKind(models.TextChoices):
    SIGNED = "signed", "Signed"
    RATIFIED = "ratified", "Ratified"
    ENTERED_INTO_FORCE = "entered_into_force", "Entered into force"
    EXTENDED = "extended", "Extended"
    SUSPENDED = "suspended", "Suspended"
    RESUMED = "resumed", "Suspension lifted"
    WITHDRAWAL_NOTICE = "withdrawal_notice", "Withdrawal notice"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"
    REVIEW_CONFERENCE = "review_conference", "Review conference"
    OTHER = "other", "Other"


class DeadlineKind(models.TextChoices):
    EXPIRY = "expiry", "Expiry"
    WITHDRAWAL_EFFECTIVE = "withdrawal_effective", "Withdrawal takes effect"
    EXTENSION_DECISION = "extension_decision", "Extension decision due"
    REVIEW_CONFERENCE = "review_conference", "Review conference"
    REPORT_DUE = "report_due", "Report due"
    OTHER = "other", "Other"


class DeadlineRule(models.TextChoices):
    """Which rule of `treaties.rules` produced a deadline; blank for one an editor typed."""

    NONE = "", "Entered by an editor"
    TERM = "term", "Entry into force + term (+ extensions)"
    WITHDRAWAL = "withdrawal", "Withdrawal notice + notice period"
