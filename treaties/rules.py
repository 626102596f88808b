"""Deadlines that follow from a treaty's provisions and events.

Pure functions over plain values: entry into force + term (+ extensions)
gives the expiry; a withdrawal notice + the notice period gives the day the
withdrawal takes effect. `treaties.derived` writes the results to the
database; `treaties.status` uses them to say where a treaty stands.
"""

from dataclasses import dataclass

from .precision import PreciseDate, shift

# Kinds as stored on TreatyEvent / Deadline; plain strings keep this module ORM-free.
ENTERED_INTO_FORCE = "entered_into_force"
EXTENDED = "extended"
WITHDRAWAL_NOTICE = "withdrawal_notice"
EXPIRY = "expiry"
EXTENSION_DECISION = "extension_decision"
WITHDRAWAL_EFFECTIVE = "withdrawal_effective"
RULE_TERM = "term"
RULE_WITHDRAWAL = "withdrawal"


@dataclass(frozen=True)
class Provisions:
    term_years: int | None = None
    lapses_at_term_end: bool = True
    withdrawal_notice_months: int | None = None
    withdrawal_notice_days: int | None = None


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


def derive_deadlines(provisions: Provisions, events: list[Fact]) -> list[DerivedDeadline]:
    events = sorted(events, key=lambda e: e.when.sort_key())
    derived = []
    term = _term_end(provisions, events)
    if term:
        derived.append(term)
    derived.extend(_withdrawals(provisions, events))
    return derived


def _term_end(provisions: Provisions, events: list[Fact]) -> DerivedDeadline | None:
    if not provisions.term_years:
        return None
    entry = next((e for e in events if e.kind == ENTERED_INTO_FORCE), None)
    if entry is None:
        return None
    steps = [f"entered into force {entry.when} + {provisions.term_years}-year term"]
    if not provisions.lapses_at_term_end:
        # The term's end calls for a decision (the NPT's 1995 conference), and
        # the treaty runs on meanwhile: a deadline, never an expiry.
        when = shift(entry.when, years=provisions.term_years)
        return DerivedDeadline(
            EXTENSION_DECISION, RULE_TERM, when, _sentence("Decision on extension due", steps), entry.ref
        )
    years, source = provisions.term_years, entry
    for extension in (e for e in events if e.kind == EXTENDED and e.when >= entry.when):
        if extension.extension_years is None:
            return None  # extended indefinitely: no expiry
        years += extension.extension_years
        steps.append(f"{extension.extension_years}-year extension of {extension.when}")
        source = extension
    when = shift(entry.when, years=years)
    return DerivedDeadline(EXPIRY, RULE_TERM, when, _sentence("Expires", steps), source.ref)


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
