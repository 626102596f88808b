"""Load the shipped dataset (treaties/data/reference.json) into the database.

Idempotent: records are matched on natural keys (party slug, treaty slug,
event treaty + kind + date + description, statement URL), updated in place
when the dataset changed, and never duplicated.
"""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.db import transaction

from .derived import deadlines_refresh
from .models import Deadline, Dispute, Party, Position, Statement, Treaty, TreatyAlias, TreatyEvent

DATASET = Path(__file__).resolve().parent / "data" / "reference.json"


SOURCED = ("source_publisher", "source_kind", "editor_note")

# The history reason this loader writes; a record whose latest change has another reason was
# edited since (in the admin, by an import) and the loader leaves it as the editor left it.
REASON = "load_reference_data"


def _edited_since_loaded(obj) -> bool:
    latest = obj.history.order_by("-history_date", "-history_id").first()
    return latest is not None and latest.history_change_reason != REASON


class _Sync:
    """Create or update one record by its natural key, then tally what happened to it."""

    def __init__(self, counts: Counter, label: str, model, lookup: dict, values: dict):
        self.counts, self.label = counts, label
        self.obj = model.objects.filter(**lookup).first()
        self.outcome = "unchanged"
        if self.obj is None:
            self.obj, self.outcome = model(**lookup), "created"
        elif _edited_since_loaded(self.obj):
            self.outcome = "kept as edited"
            return
        if self.outcome == "created" or any(getattr(self.obj, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(self.obj, name, value)
            self.obj.full_clean(validate_unique=False, validate_constraints=False)
            self.obj._change_reason = REASON
            self.obj.save()
            self.outcome = self.outcome if self.outcome == "created" else "updated"

    def links(self, name: str, targets: list) -> "_Sync":
        if self.outcome == "kept as edited":
            return self
        manager = getattr(self.obj, name)
        if set(manager.all()) != set(targets):
            manager.set(targets)
            if self.outcome == "unchanged":
                self.outcome = "updated"
        return self

    def done(self):
        self.counts[f"{self.label} {self.outcome}"] += 1
        return self.obj


@transaction.atomic
def load_reference_data(path: Path = DATASET) -> Counter:
    dataset = json.loads(Path(path).read_text(encoding="utf-8"))
    counts: Counter = Counter()
    parties = {}
    for row in dataset["parties"]:
        party = _Sync(
            counts, "parties", Party, {"slug": row["slug"]},
            {k: row[k] for k in ("name", "short_name", "iso_code", "is_organisation")},
        ).done()
        parties[party.name] = party

    treaties = {}
    for row in dataset["treaties"]:
        provisions = dict(row["provisions"])
        provisions["provision_sources"] = provisions.pop("sources")
        treaty = (
            _Sync(
                counts, "treaties", Treaty, {"slug": row["slug"]},
                {
                    **{k: row[k] for k in ("short_name", "name", "category", "subject", "kind", "parties_note",
                                           "summary", "checked_against", "editor_note")},
                    "checked_on": dt.date.fromisoformat(row["checked_on"]) if row["checked_on"] else None,
                    **provisions,
                },
            )
            .links("parties", [parties[name] for name in row["parties"]])
            .done()
        )
        treaties[treaty.slug] = treaty
        for alias in row["aliases"]:
            _Sync(counts, "aliases", TreatyAlias, {"treaty": treaty, "name": alias["name"]},
                  {"language": alias["language"]}).done()
        for event in row["events"]:
            _Sync(
                counts, "events", TreatyEvent, {"treaty": treaty, "key": event["key"]},
                {
                    "date": dt.date.fromisoformat(event["date"]),
                    **{k: event[k] for k in ("kind", "precision", "description", "source_url", "extension_years",
                                             "date_note", *SOURCED)},
                },
            ).links("parties", [parties[name] for name in event["parties"]]).done()
        # An event the dataset no longer has was removed or re-dated there; events that
        # editors added or changed stay.
        dropped = [
            event for event in treaty.events.exclude(key="").exclude(key__in=[e["key"] for e in row["events"]])
            if not _edited_since_loaded(event)
        ]
        counts["events deleted"] += len(dropped)
        for event in dropped:
            event._change_reason = REASON
            event.delete()
        for deadline in row["deadlines"]:
            _Sync(
                counts, "deadlines", Deadline, {"treaty": treaty, "key": deadline["key"]},
                {
                    "date": dt.date.fromisoformat(deadline["date"]),
                    **{k: deadline[k] for k in ("kind", "precision", "description", "source_url", "date_note",
                                                *SOURCED)},
                },
            ).links("parties", [parties[name] for name in deadline["parties"]]).done()
        for row_dispute in row["disputes"]:
            dispute = _Sync(counts, "disputes", Dispute, {"treaty": treaty, "about": row_dispute["about"]},
                            {"affects_status": row_dispute["affects_status"]}).done()
            for position in row_dispute["positions"]:
                key = {"dispute": dispute, "held_by": position["held_by"], "source_url": position["source_url"]}
                _Sync(counts, "positions", Position, key,
                      {k: position[k] for k in ("position", "source_publisher", "source_kind")}).done()
        refresh = deadlines_refresh(treaty=treaty)
        counts["derived deadlines created"] += len(refresh.created)
        counts["derived deadlines updated"] += len(refresh.moved)

    for row in dataset["statements"]:
        fields = ("title", "outlet", "precision", "date_note", "speaker", "speaker_role", "quote", "language",
                  "voice")
        _Sync(
            counts, "statements", Statement, {"url": row["url"]},
            {"date": dt.date.fromisoformat(row["date"]), **{k: row[k] for k in fields}},
        ).links("treaties", [treaties[slug] for slug in row["treaties"]]).done()
    return counts
