"""Deadlines that follow from a treaty's provisions and events.

Pure functions over plain values: entry into force + term (+ extensions)
gives the expiry; a withdrawal notice + the notice period gives the day the
withdrawal takes effect; a party's ratification (or accession) after entry
into force + the treaty's waiting period gives the day it is bound. An
expiry that an extension moved is kept, superseded, so that the record can
say what was due before the extension was agreed. `treaties.derived` writes the results to the
database; `treaties.status` uses them to say where a treaty stands.
"""

from dataclasses import dataclass, replace

from .precision import PreciseDate, shift

# Kinds as stored on TreatyEvent / Deadline; plain strings keep this module ORM-free.
ENTERED_INTO_FORCE = "entered_into_force"
EXTENDED = "extended"
WITHDRAWAL_NOTICE = "withdrawal_notice"
EXPIRY = "expiry"
EXTENSION_DECISION = "extension_decision"
WITHDRAWAL_EFFECTIVE = "withdrawal_effective"
TAKES_EFFECT = "takes_effect"
RATIFIED = "ratified"
JOINED = "joined"
RULE_TERM = "term"
RULE_WITHDRAWAL = "withdrawal"
RULE_CONSENT = "consent"
RULE_SCHEDULE = "schedule"
REVIEW_CONFERENCE = "review_conference"


@dataclass(frozen=True)
class Provisions:
    term_years: int | None = None
    lapses_at_term_end: bool = True
    withdrawal_notice_months: int | None = None
    withdrawal_notice_days: int | None = None
    consent_effect_days: int | None = None  # a later ratification binds its party this many days after deposit
    review_every_years: int | None = None  # review conferences on a schedule (the NPT's every five years)


@dataclass(frozen=True)
class Fact:
    """An event or deadline reduced to what the rules need."""

    kind: str
    when: PreciseDate
    parties: tuple[str, ...] = ()
    extension_years: int | None = None
    ref: object = None  # the event's id, carried through to say what a deadline came from


@dataclass(frozen=True)
class DerivedDeadline:
    kind: str
    rule: str
    when: PreciseDate
    description: str
    derived_from: object  # ref of the event whose source vouches for the date
    parties: tuple[str, ...] = ()
    superseded_by: object = None  # ref of the event that moved it (an extension), if one did
    superseded_on: PreciseDate | None = None  # and that event's date: until then, this was what was due


def derive_deadlines(provisions: Provisions, events: list[Fact]) -> list[DerivedDeadline]:
    events = sorted(events, key=lambda e: e.when.sort_key())
    return [*_term_ends(provisions, events), *_withdrawals(provisions, events), *_joinings(provisions, events),
            *_next_review(provisions, events)]


def _next_review(provisions: Provisions, events: list[Fact]) -> list[DerivedDeadline]:
    """The review conference the schedule calls for after the last one held: its year, not a day."""
    every = provisions.review_every_years
    held = [e for e in events if e.kind == REVIEW_CONFERENCE]
    if not every or not held:
        return []
    last = held[-1]
    when = PreciseDate.truncate(last.when.earliest, "year")
    return [DerivedDeadline(REVIEW_CONFERENCE, RULE_SCHEDULE, shift(when, years=every),
                            _sentence("Review conference due", [f"the last in {when} + every {every} years"]),
                            last.ref)]


def _term_ends(provisions: Provisions, events: list[Fact]) -> list[DerivedDeadline]:
    """The expiry, and every earlier one an extension moved (superseded, oldest first)."""
    if not provisions.term_years:
        return []
    entry = next((e for e in events if e.kind == ENTERED_INTO_FORCE), None)
    if entry is None:
        return []
    steps = [f"entered into force {entry.when} + {provisions.term_years}-year term"]
    if not provisions.lapses_at_term_end:
        # The term's end calls for a decision (the NPT's 1995 conference), and
        # the treaty runs on meanwhile: a deadline, never an expiry.
        when = shift(entry.when, years=provisions.term_years)
        return [DerivedDeadline(
            EXTENSION_DECISION, RULE_TERM, when, _sentence("Decision on extension due", steps), entry.ref
        )]
    chain = [DerivedDeadline(EXPIRY, RULE_TERM, shift(entry.when, years=provisions.term_years),
                             _sentence("Expires", steps), entry.ref)]
    years = provisions.term_years
    for extension in (e for e in events if e.kind == EXTENDED and e.when >= entry.when):
        chain[-1] = replace(chain[-1], superseded_by=extension.ref, superseded_on=extension.when)
        if extension.extension_years is None:
            return chain  # extended indefinitely: no expiry left
        years += extension.extension_years
        steps.append(f"{extension.extension_years}-year extension of {extension.when}")
        chain.append(DerivedDeadline(EXPIRY, RULE_TERM, shift(entry.when, years=years), _sentence("Expires", steps),
                                     extension.ref))
    return chain


def _joinings(provisions: Provisions, events: list[Fact]) -> list[DerivedDeadline]:
    """A party that ratifies or accedes after entry into force is bound `consent_effect_days` later (Paris
    Article 21(3): the thirtieth day after deposit), unless the record has the day it took effect typed."""
    days = provisions.consent_effect_days
    entry = next((e for e in events if e.kind == ENTERED_INTO_FORCE), None)
    if not days or entry is None:
        return []
    typed = [e for e in events if e.kind == JOINED]
    return [
        DerivedDeadline(
            TAKES_EFFECT, RULE_CONSENT, shift(deposit.when, days=days),
            _sentence(f"Takes effect for {' and '.join(deposit.parties)}",
                      [f"instrument deposited {deposit.when} + {days} days"]),
            deposit.ref, deposit.parties,
        )
        for deposit in events
        if deposit.kind == RATIFIED and deposit.parties and deposit.when > entry.when
        and not any(j.when >= deposit.when and set(j.parties) & set(deposit.parties) for j in typed)
    ]


def _withdrawals(provisions: Provisions, events: list[Fact]) -> list[DerivedDeadline]:
    months, days = provisions.withdrawal_notice_months, provisions.withdrawal_notice_days
    if not (months or days):
        return []
    period = f"{months} months" if months else f"{days} days"
    return [
        DerivedDeadline(
            WITHDRAWAL_EFFECTIVE,
            RULE_WITHDRAWAL,
            shift(notice.when, months=months or 0, days=days or 0),
            _sentence("Withdrawal takes effect", [f"notice of {notice.when} + {period}"]),
            notice.ref,
            notice.parties,
        )
        for notice in events
        if notice.kind == WITHDRAWAL_NOTICE
    ]


def _sentence(head: str, steps: list[str]) -> str:
    return f"{head}: " + ", + ".join(steps) + "."
