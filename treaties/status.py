"""Where a treaty stands on a given day, derived from its events and deadlines.

Status is never typed by hand: this one function reads the record as it
stood on `on` (only what had certainly happened by then) and says whether
the treaty was signed, in force (and suspended by whom), or over, and how.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models

from .precision import PreciseDate
from .rules import EXPIRY, WITHDRAWAL_EFFECTIVE, Fact, Provisions, derive_deadlines


class StatusCode(models.TextChoices):
    NOT_SIGNED = "not_signed", "not yet signed"
    SIGNED = "signed", "signed, not in force"
    IN_FORCE = "in_force", "in force"
    EXPIRED = "expired", "expired"
    WITHDRAWN = "withdrawn", "withdrawn"
    TERMINATED = "terminated", "terminated"


LAPSED = {StatusCode.EXPIRED, StatusCode.WITHDRAWN, StatusCode.TERMINATED}

# On one day, an entry into force comes before a suspension, and a
# termination outranks a withdrawal it results from.
_ORDER = {
    "signed": 0, "ratified": 1, "entered_into_force": 2, "extended": 3, "resumed": 4,
    "suspended": 5, "withdrawal_notice": 6, "withdrawn": 7, "expired": 8, "terminated": 9,
}
_ENDING = {"withdrawn": StatusCode.WITHDRAWN, "expired": StatusCode.EXPIRED, "terminated": StatusCode.TERMINATED}
ALL_PARTIES = "all parties"


@dataclass(frozen=True)
class Status:
    code: StatusCode
    since: PreciseDate | None = None
    suspended_by: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()  # parties that left a treaty that goes on without them
    ended_by: tuple[str, ...] = ()  # who withdrew, when a withdrawal ended the treaty
    ever_in_force: bool = False

    @property
    def is_lapsed(self) -> bool:
        return self.code in LAPSED

    @property
    def is_suspended(self) -> bool:
        return self.code == StatusCode.IN_FORCE and bool(self.suspended_by)

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
    def withdrawn_label(self) -> str:
        return ("withdrawn: " + _join(self.withdrawn)) if self.withdrawn else ""

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict:
        """For the copy stored on the treaty row (see `treaties.derived`)."""
        return {
            "code": str(self.code),
            "since": self.since.isoformat() if self.since else None,
            "suspended_by": list(self.suspended_by),
            "withdrawn": list(self.withdrawn),
            "ended_by": list(self.ended_by),
            "ever_in_force": self.ever_in_force,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Status":
        return cls(
            code=StatusCode(data["code"]),
            since=PreciseDate.parse(data["since"]) if data.get("since") else None,
            suspended_by=tuple(data.get("suspended_by", ())),
            withdrawn=tuple(data.get("withdrawn", ())),
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
    lapsing = [d for d in deadlines if d.kind in (EXPIRY, WITHDRAWAL_EFFECTIVE)]
    lapsing += [
        Fact(d.kind, d.when, d.parties)
        for d in derive_deadlines(provisions, known)
        if d.kind in (EXPIRY, WITHDRAWAL_EFFECTIVE)
    ]
    timeline = known + [
        # A deadline that has passed acts like the event it foretold.
        Fact("expired" if d.kind == EXPIRY else "withdrawn", d.when, d.parties)
        for d in lapsing
        if d.when.has_happened(on)
    ]
    timeline.sort(key=lambda f: (f.when.sort_key(), _ORDER.get(f.kind, 3)))

    code, since, ever_in_force, ended_on, ended_kind = StatusCode.NOT_SIGNED, None, False, None, ""
    suspended: list[str] = []
    withdrawn: list[str] = []
    ended_by: tuple[str, ...] = ()
    for fact in timeline:
        if ended_on is not None and fact.when != ended_on:
            break  # later events (commentary, aftermath) do not revive a treaty
        kind = fact.kind
        if kind in ("signed", "ratified") and code == StatusCode.NOT_SIGNED:
            code, since = StatusCode.SIGNED, fact.when
        if kind == "ratified" and withdrawn:
            _remove(withdrawn, fact.parties)  # a party that left has rejoined
        elif kind == "entered_into_force" and code in (StatusCode.NOT_SIGNED, StatusCode.SIGNED):
            code, since, ever_in_force = StatusCode.IN_FORCE, fact.when, True
        elif kind == "suspended":
            _add(suspended, fact.parties or (ALL_PARTIES,))
        elif kind == "resumed":
            if fact.parties:
                _remove(suspended, fact.parties)
            else:
                suspended.clear()
        elif kind == "withdrawn" and fact.parties and not bilateral:
            _add(withdrawn, fact.parties)
            _remove(suspended, fact.parties)
        elif kind in _ENDING and (ended_on is None or _ORDER[kind] >= _ORDER[ended_kind]):
            code, since, ended_on, ended_kind = _ENDING[kind], fact.when, fact.when, kind
            if kind == "withdrawn":
                ended_by = tuple(dict.fromkeys(ended_by + fact.parties))
    return Status(
        code=code,
        since=since,
        suspended_by=tuple(suspended) if code == StatusCode.IN_FORCE else (),
        withdrawn=tuple(withdrawn),
        ended_by=ended_by if code == StatusCode.WITHDRAWN else (),
        ever_in_force=ever_in_force,
    )


def _add(names: list[str], new: tuple[str, ...]) -> None:
    names.extend(n for n in new if n not in names)


def _remove(names: list[str], gone: tuple[str, ...]) -> None:
    names[:] = [n for n in names if n not in gone]


def _join(names: tuple[str, ...]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
