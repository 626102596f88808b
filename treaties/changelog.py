"""What changed in the record lately, read from each record's history (django-simple-history), for readers.

It says what changed and when, never who (editors' accounts are not public) nor what an editor's note says.
Deadlines that a rule derives are left out: they follow from the events, whose changes are listed.
"""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from .models import Deadline, Dispute, Party, Statement, Treaty, TreatyAlias, TreatyEvent

ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
KINDS = {Treaty: "treaty", Party: "party", TreatyAlias: "alias", TreatyEvent: "event", Deadline: "deadline",
         Statement: "statement", Dispute: "contested fact"}


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    action: str  # added, changed, removed
    kind: str  # "treaty", "event", …
    what: str
    url: str = ""  # the page it shows on, while it exists


def recent_changes(limit: int = 30) -> list[Change]:
    """The latest `limit` changes to the record, newest first."""
    found = []
    for model, kind in KINDS.items():
        rows = model.history.order_by("-history_date", "-history_id")
        if model is Deadline:
            rows = rows.filter(rule="")
        found += [(row, kind) for row in rows[:limit]]
    found.sort(key=lambda pair: (pair[0].history_date, pair[0].history_id), reverse=True)
    found = found[:limit]
    # Links go to what exists now, under its name now.
    treaties = Treaty.objects.in_bulk({row.id if kind == "treaty" else getattr(row, "treaty_id", None)
                                       for row, kind in found} - {None})
    parties = Party.objects.in_bulk({row.id for row, kind in found if kind == "party"})
    statements = Statement.objects.in_bulk({row.id for row, kind in found if kind == "statement"})
    changes = []
    for row, kind in found:
        if kind == "treaty":
            what, page = row.short_name, treaties.get(row.id)
        elif kind == "party":
            what, page = row.name, parties.get(row.id)
        elif kind == "statement":
            what, page = row.title, statements.get(row.id)
        else:
            treaty = treaties.get(row.treaty_id)
            detail = row.name if kind == "alias" else row.about if kind == "contested fact" else (
                f"{row.get_kind_display()}, {row.instance.when}")
            what, page = f"{treaty.short_name if treaty else 'a treaty since removed'}: {detail}", treaty
        url = page.get_absolute_url() if page and hasattr(page, "get_absolute_url") else (
            reverse("treaties:statement", args=[page.pk]) if page else "")
        changes.append(Change(row.history_date, ACTIONS[row.history_type], kind, what, url))
    return changes
