"""Where a treaty stands on a given day, derived from its events and deadlines.

Status is never typed by hand: this one function reads the record as it
stood on `on` (only what had certainly happened by then) and says whether
the treaty was signed, in force (and suspended by whom), or over, and how.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models

from .precision import PreciseDate
from .rules import EXPIRY, TAKES_EFFECT, WITHDRAWAL_EFFECTIVE, Fact, Provisions, derive_deadlines


class StatusCode(models.TextChoices):
    NOT_SIGNED = "not_signed", "not yet signed"
    SIGNED = "signed", "signed, not in force"
    IN_FORCE = "in_force", "in force"
    EXPIRED = "expired", "expired"
    WITHDRAWN = "withdrawn", "withdrawn"
    TERMINATED = "terminated", "terminated"


LAPSED = {StatusCode.EXPIRED, StatusCode.WITHDRAWN, StatusCode.TERMINATED}


def bucket_of(code: str, suspended: bool) -> str:
    """The dashboard's group for a status ("in_force", "suspended", "not_in_force" or "lapsed"): every status
    falls in exactly one."""
    if code in LAPSED:
        return "lapsed"
    if code == StatusCode.IN_FORCE:
        return "suspended" if suspended else "in_force"
    return "not_in_force"

# On one day, an entry into force comes before a suspension, and a
# termination outranks a withdrawal it results from.
_ORDER = {
    "signed": 0, "ratified": 1, "entered_into_force": 2, "joined": 2, "extended": 3, "resumed": 4,
    "suspended": 5, "withdrawal_notice": 6, "withdrawn": 7, "expired": 8, "terminated": 9,
}
_ENDING = {"withdrawn": StatusCode.WITHDRAWN, "expired": StatusCode.EXPIRED, "terminated": StatusCode.TERMINATED}
ALL_PARTIES = "all parties"
# Deadlines that, once passed, act like the event they foretold.
_FORETOLD = {EXPIRY: "expired", WITHDRAWAL_EFFECTIVE: "withdrawn", TAKES_EFFECT: "joined"}


@dataclass(frozen=True)
class Qualifier:
    """A party's own state within a treaty, with the day it began: "suspended by Russia since 21 February 2023"."""

    party: str
    since: PreciseDate


@dataclass(frozen=True)
class Status:
    code: StatusCode
    since: PreciseDate | None = None  # when the treaty itself reached `code`, never a qualifier's date
    suspensions: tuple[Qualifier, ...] = ()
    withdrawals: tuple[Qualifier, ...] = ()  # parties that left a treaty that goes on without them
    ended_by: tuple[str, ...] = ()  # who withdrew, when a withdrawal ended the treaty
    ever_in_force: bool = False

    @property
    def suspended_by(self) -> tuple[str, ...]:
        return tuple(q.party for q in self.suspensions)

    @property
    def withdrawn(self) -> tuple[str, ...]:
        return tuple(q.party for q in self.withdrawals)

    @property
    def is_lapsed(self) -> bool:
        return self.code in LAPSED

    @property
    def is_suspended(self) -> bool:
        return self.code == StatusCode.IN_FORCE and bool(self.suspensions)

    @property
    def label(self) -> str:
        """"in force, suspended by Russia"; "withdrawn by the United States"."""
        label = StatusCode(self.code).label
        if self.is_suspended:
            label += ", suspended by " + _join(self.suspended_by)
        if self.code == StatusCode.WITHDRAWN and self.ended_by:
            label += " by " + _join(self.ended_by)
            if not self.ever_in_force:
                label += " before entry into force"
        return label

    @property
    def headline(self) -> str:
        """The treaty's own state with its own date: "in force since 5 February 2011"."""
        state = StatusCode(self.code).label
        if self.code == StatusCode.WITHDRAWN and self.ended_by:
            state += " by " + _join(self.ended_by)
            if not self.ever_in_force:
                state += " before entry into force"
        if self.since is None:
            return state
        return f"{state} {'since' if self.code in (StatusCode.SIGNED, StatusCode.IN_FORCE) else 'on'} {self.since}"

    @property
    def qualifiers(self) -> list[str]:
        """Each qualifier with its own date, never the treaty's: "suspended by Russia since 21 February 2023"."""
        return [f"suspended by {_join(names)} since {since}" for since, names in _grouped(self.suspensions)] + [
            f"withdrawn: {_join(names)}, since {since}" for since, names in _grouped(self.withdrawals)]

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict:
        """For the copy stored on the treaty row (see `treaties.derived`)."""
        return {
            "code": str(self.code),
            "since": self.since.isoformat() if self.since else None,
            "suspensions": [[q.party, q.since.isoformat()] for q in self.suspensions],
            "withdrawals": [[q.party, q.since.isoformat()] for q in self.withdrawals],
            "ended_by": list(self.ended_by),
            "ever_in_force": self.ever_in_force,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Status":
        return cls(
            code=StatusCode(data["code"]),
            since=PreciseDate.parse(data["since"]) if data.get("since") else None,
            suspensions=_qualifiers(data.get("suspensions", ())),
            withdrawals=_qualifiers(data.get("withdrawals", ())),
            ended_by=tuple(data.get("ended_by", ())),
            ever_in_force=data.get("ever_in_force", False),
        )


def status_on(
    *, bilateral: bool, provisions: Provisions, events: list[Fact], deadlines: list[Fact], on: dt.date
) -> Status:
    """The status on `on` from events, editor-entered deadlines and the deadlines the rules derive.

    Derived deadlines are computed from the events known on `on`, so the
    status "as of" a past day ignores extensions agreed after it.
    """
    known = [e for e in events if e.when.has_happened(on)]
    foretelling = [d for d in deadlines if d.kind in _FORETOLD]
    foretelling += [
        Fact(d.kind, d.when, d.parties)
        for d in derive_deadlines(provisions, known)
        if d.kind in _FORETOLD and d.superseded_on is None
    ]
    timeline = known + [
        # A deadline that has passed acts like the event it foretold.
        Fact(_FORETOLD[d.kind], d.when, d.parties)
        for d in foretelling
        if d.when.has_happened(on)
    ]
    timeline.sort(key=lambda f: (f.when.sort_key(), _ORDER.get(f.kind, 3)))

    code, since, ever_in_force, ended_on, ended_kind = StatusCode.NOT_SIGNED, None, False, None, ""
    suspended: dict[str, PreciseDate] = {}
    withdrawn: dict[str, PreciseDate] = {}
    ended_by: tuple[str, ...] = ()
    for fact in timeline:
        if ended_on is not None and fact.when != ended_on:
            break  # later events (commentary, aftermath) do not revive a treaty
        kind = fact.kind
        if kind in ("signed", "ratified") and code == StatusCode.NOT_SIGNED:
            code, since = StatusCode.SIGNED, fact.when
        if kind == "joined":
            _remove(withdrawn, fact.parties)  # a party that left is bound again from this day
        elif kind == "entered_into_force" and code in (StatusCode.NOT_SIGNED, StatusCode.SIGNED):
            code, since, ever_in_force = StatusCode.IN_FORCE, fact.when, True
        elif kind == "suspended":
            _add(suspended, fact.parties or (ALL_PARTIES,), fact.when)
        elif kind == "resumed":
            if fact.parties:
                _remove(suspended, fact.parties)
            else:
                suspended.clear()
        elif kind == "withdrawn" and fact.parties and not bilateral:
            _add(withdrawn, fact.parties, fact.when)
            _remove(suspended, fact.parties)
        elif kind in _ENDING and (ended_on is None or _ORDER[kind] >= _ORDER[ended_kind]):
            code, since, ended_on, ended_kind = _ENDING[kind], fact.when, fact.when, kind
            if kind == "withdrawn":
                ended_by = tuple(dict.fromkeys(ended_by + fact.parties))
    return Status(
        code=code,
        since=since,
        suspensions=tuple(Qualifier(p, d) for p, d in suspended.items()) if code == StatusCode.IN_FORCE else (),
        withdrawals=tuple(Qualifier(p, d) for p, d in withdrawn.items()),
        ended_by=ended_by if code == StatusCode.WITHDRAWN else (),
        ever_in_force=ever_in_force,
    )


def status_change_days(*, provisions: Provisions, events: list[Fact], deadlines: list[Fact]) -> set[dt.date]:
    """Every day on which `status_on` may answer differently from the day before.

    `status_on` reads the day only through "has this happened by then?", so its answer can change only on the
    day an event or a deadline comes to have happened, counting the deadlines the rules derive from the events
    known at each point (an extension moves the expiry that matters)."""
    happened = {e.when.latest for e in events}
    days = happened | {d.when.latest for d in deadlines if d.kind in _FORETOLD}
    for day in [dt.date.min, *happened]:
        known = [e for e in events if e.when.has_happened(day)]
        days |= {d.when.latest for d in derive_deadlines(provisions, known) if d.kind in _FORETOLD}
    return days


def _add(names: dict[str, PreciseDate], new: tuple[str, ...], since: PreciseDate) -> None:
    for name in new:
        names.setdefault(name, since)  # a party suspended twice is suspended since the first time


def _remove(names: dict[str, PreciseDate], gone: tuple[str, ...]) -> None:
    for name in gone:
        names.pop(name, None)


def _qualifiers(rows) -> tuple[Qualifier, ...]:
    return tuple(Qualifier(party, PreciseDate.parse(since)) for party, since in rows)


def _grouped(qualifiers: tuple[Qualifier, ...]) -> list[tuple[PreciseDate, tuple[str, ...]]]:
    """Parties that share a date, together, in the order they first appear."""
    groups: dict[PreciseDate, list[str]] = {}
    for q in qualifiers:
        groups.setdefault(q.since, []).append(q.party)
    return [(since, tuple(names)) for since, names in groups.items()]


def _join(names: tuple[str, ...]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
