"""Load the shipped dataset (treaties/data/reference.json) into the database.

Idempotent: records are matched on natural keys (party slug, treaty slug,
event treaty + kind + date + description, statement URL), updated in place
when the dataset changed, and never duplicated.
"""

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path

from django.db import transaction
from django.db.models import Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from simple_history.utils import bulk_create_with_history

from . import versions
from .bulk_writes import links_insert
from .derived import record_changed
from .models import Deadline, Dispute, Party, Position, Statement, Treaty, TreatyAlias, TreatyEvent

DATASET = Path(__file__).resolve().parent / "data" / "reference.json"


SOURCED = ("source_publisher", "source_kind", "editor_note")

# The history reason this loader writes; a record whose latest change has another reason was
# edited since (in the admin, by an import) and the loader leaves it as the editor left it.
REASON = "load_reference_data"


class _Stored:
    """The rows of one model already stored (a treaty's events, the dataset's statements), read in one query and
    found by natural key, each knowing the reason of its latest change: one query for many records, not one each."""

    def __init__(self, rows: QuerySet, *key: str, linked: tuple[str, ...] = ()):
        """`linked`: the many-to-many links `_Sync.links` will compare, read with the rows (one query each for all
        of them, where reading each row's links took a query per row)."""
        latest = rows.model.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
        reason = latest.values(reason=Coalesce("history_change_reason", Value("")))[:1]
        self.model, self.key = rows.model, key
        # Lowest id last, so that it is the one found, as `.first()` found it.
        self.rows = {tuple(getattr(row, name) for name in key): row
                     for row in rows.annotate(latest_reason=Subquery(reason)).prefetch_related(*linked)
                     .order_by("-pk")}

    def find(self, lookup: dict):
        return self.rows.get(self._key(lookup))

    def add(self, lookup: dict, row) -> None:
        """A row just created: a second record with the same key later in the dataset updates it, as before."""
        row.latest_reason = REASON
        self.rows[self._key(lookup)] = row

    def _key(self, lookup: dict) -> tuple:
        return tuple(lookup[name] for name in self.key)


class _Created:
    """The rows a load creates, inserted with their history and their links in a few statements a model once their
    parents have ids. A load into an empty record creates some 2,000 rows, and a save each (then its history row,
    then its links) was most of its time."""

    # Parents before children. A model the load creates that is missing here fails `write` (ValueError), rather
    # than being left unwritten.
    ORDER = (Party, Treaty, TreatyAlias, TreatyEvent, Deadline, Dispute, Position, Statement)

    def __init__(self):
        self.rows = defaultdict(list)
        self.links = defaultdict(dict)  # (model, field name) -> {id(row): (row, targets)}, the last ones given

    def add(self, row) -> None:
        self.rows[type(row)].append(row)

    def link(self, row, name: str, targets: list) -> None:
        self.links[type(row), name][id(row)] = (row, targets)

    def write(self) -> None:
        """Insert every row waiting, then its links."""
        for model in sorted(self.rows, key=self.ORDER.index):
            bulk_create_with_history(self.rows[model], model, default_change_reason=REASON)
        for (model, name), links in self.links.items():
            links_insert(model, name, [(row.pk, linked.pk) for row, targets in links.values()
                                       for linked in dict.fromkeys(targets)])
        self.rows.clear()
        self.links.clear()


def _edited_since_loaded(stored) -> bool:
    # No history is a row from before history was kept: as the loader left it.
    return stored.latest_reason is not None and stored.latest_reason != REASON


class _Sync:
    """Create or update one record by its natural key, then tally what happened to it."""

    def __init__(self, counts: Counter, created: _Created, label: str, stored: _Stored, lookup: dict, values: dict):
        self.counts, self.created, self.label = counts, created, label
        self.obj = stored.find(lookup)
        self.outcome = "unchanged"
        if self.obj is None:
            self.obj, self.outcome = stored.model(**lookup), "created"
        elif _edited_since_loaded(self.obj):
            self.outcome = "kept as edited"
            return
        if self.outcome == "created" or any(getattr(self.obj, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(self.obj, name, value)
            # The row it belongs to (a treaty, a dispute) was saved, read or queued just before: checking that it
            # exists would cost a query per row.
            owners = [name for name, value in lookup.items() if isinstance(value, Model)]
            self.obj.full_clean(exclude=owners, validate_unique=False, validate_constraints=False)
            if self.outcome == "created":
                created.add(self.obj)
                stored.add(lookup, self.obj)
            elif self.obj.pk is not None:  # else created earlier in this load: inserted with these values
                self.obj._change_reason = REASON
                self.obj.save()
            self.outcome = self.outcome if self.outcome == "created" else "updated"

    def links(self, name: str, targets: list) -> "_Sync":
        if self.outcome == "kept as edited":
            return self
        if self.obj.pk is None:  # created by this load: nothing to compare with, nor to take away
            self.created.link(self.obj, name, targets)
            return self
        manager = getattr(self.obj, name)
        if set(targets) != set(manager.all()):
            manager.set(targets)
            if self.outcome == "unchanged":
                self.outcome = "updated"
        return self

    def stored(self, name: str, *key: str, linked: tuple[str, ...] = ()) -> _Stored:
        """The record's own rows of one kind (a treaty's events), to sync each of them against."""
        if self.obj.pk is None:  # created by this load: it has none yet
            return _Stored(self.obj._meta.get_field(name).related_model.objects.none(), *key, linked=linked)
        return _Stored(getattr(self.obj, name).all(), *key, linked=linked)

    def done(self):
        self.counts[f"{self.label} {self.outcome}"] += 1
        return self.obj


@transaction.atomic
def load_reference_data(path: Path = DATASET) -> Counter:
    dataset = json.loads(Path(path).read_text(encoding="utf-8"))
    with versions.bumped_once():  # thousands of saves, one move of the version
        counts, treaties = _load(dataset)
        # Once, for every treaty: a fixed number of queries to store the statuses of all of them.
        refreshes = record_changed(treaty_ids=[treaty.pk for treaty in treaties.values()]).values()
    counts["derived deadlines created"] += sum(len(refresh.created) for refresh in refreshes)
    counts["derived deadlines updated"] += sum(len(refresh.moved) for refresh in refreshes)
    return counts


def _load(dataset: dict) -> tuple[Counter, dict]:
    counts: Counter = Counter()
    created = _Created()
    parties = {}
    stored = _Stored(Party.objects.filter(slug__in=[row["slug"] for row in dataset["parties"]]), "slug")
    for row in dataset["parties"]:
        party = _Sync(
            counts, created, "parties", stored, {"slug": row["slug"]},
            {k: row[k] for k in ("name", "short_name", "iso_code", "is_organisation")},
        ).done()
        parties[party.name] = party
    created.write()  # before a treaty or event links a party

    treaties = {}
    stored = _Stored(Treaty.objects.filter(slug__in=[row["slug"] for row in dataset["treaties"]]), "slug",
                     linked=("parties",))
    for row in dataset["treaties"]:
        provisions = dict(row["provisions"])
        provisions["provision_sources"] = provisions.pop("sources")
        synced = _Sync(
            counts, created, "treaties", stored, {"slug": row["slug"]},
            {
                **{k: row[k] for k in ("short_name", "name", "category", "subject", "kind", "parties_note",
                                       "summary", "checked_against", "editor_note")},
                "checked_on": dt.date.fromisoformat(row["checked_on"]) if row["checked_on"] else None,
                **provisions,
            },
        ).links("parties", [parties[name] for name in row["parties"]])
        treaty = synced.done()
        treaties[treaty.slug] = treaty
        aliases = synced.stored("aliases", "name")
        for alias in row["aliases"]:
            _Sync(counts, created, "aliases", aliases, {"treaty": treaty, "name": alias["name"]},
                  {"language": alias["language"]}).done()
        events = synced.stored("events", "key", linked=("parties",))
        for event in row["events"]:
            _Sync(
                counts, created, "events", events, {"treaty": treaty, "key": event["key"]},
                {
                    "date": dt.date.fromisoformat(event["date"]),
                    **{k: event[k] for k in ("kind", "precision", "description", "source_url", "extension_years",
                                             "date_note", *SOURCED)},
                },
            ).links("parties", [parties[name] for name in event["parties"]]).done()
        # An event the dataset no longer has was removed or re-dated there; events that
        # editors added or changed stay.
        kept = {""} | {e["key"] for e in row["events"]}
        dropped = [event for (key,), event in events.rows.items()
                   if key not in kept and not _edited_since_loaded(event)]
        counts["events deleted"] += len(dropped)
        for event in dropped:
            event._change_reason = REASON
            event.delete()
        deadlines = synced.stored("deadlines", "key", linked=("parties",))
        for deadline in row["deadlines"]:
            _Sync(
                counts, created, "deadlines", deadlines, {"treaty": treaty, "key": deadline["key"]},
                {
                    "date": dt.date.fromisoformat(deadline["date"]),
                    **{k: deadline[k] for k in ("kind", "precision", "description", "source_url", "date_note",
                                                *SOURCED)},
                },
            ).links("parties", [parties[name] for name in deadline["parties"]]).done()
        disputes = synced.stored("disputes", "about")
        for row_dispute in row["disputes"]:
            synced_dispute = _Sync(counts, created, "disputes", disputes,
                                   {"treaty": treaty, "about": row_dispute["about"]},
                                   {"affects_status": row_dispute["affects_status"]})
            dispute = synced_dispute.done()
            positions = synced_dispute.stored("positions", "held_by", "source_url")
            for position in row_dispute["positions"]:
                key = {"dispute": dispute, "held_by": position["held_by"], "source_url": position["source_url"]}
                _Sync(counts, created, "positions", positions, key,
                      {k: position[k] for k in ("position", "source_publisher", "source_kind")}).done()
    created.write()  # before a statement links a treaty

    stored = _Stored(Statement.objects.filter(url__in=[row["url"] for row in dataset["statements"]]), "url",
                     linked=("treaties",))
    for row in dataset["statements"]:
        fields = ("title", "outlet", "precision", "date_note", "speaker", "speaker_role", "quote", "language",
                  "voice")
        _Sync(
            counts, created, "statements", stored, {"url": row["url"]},
            {"date": dt.date.fromisoformat(row["date"]), **{k: row[k] for k in fields}},
        ).links("treaties", [treaties[slug] for slug in row["treaties"]]).done()
    created.write()
    return counts, treaties
