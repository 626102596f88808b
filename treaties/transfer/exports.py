"""Export the tracker's data in the import format, so that exporting and importing gives the same data.

Derived deadlines are left out: an import derives them again from the events.
"""

import io
import zipfile
from collections import defaultdict

from ..models import Deadline, DeadlineRule, Party, Statement, Treaty, TreatyAlias, TreatyEvent
from .formats import KINDS, natural_keys, write_csv, write_json


def export_rows() -> dict[str, list[dict]]:
    """Every record, kind by kind, as import rows keyed by column."""
    return {
        "parties": [
            {c: getattr(party, c) for c in KINDS["parties"].columns} for party in Party.objects.order_by("slug")
        ],
        "treaties": [
            {**{c: getattr(treaty, c) for c in KINDS["treaties"].columns if c != "parties"},
             "parties": sorted(p.slug for p in treaty.parties.all())}
            for treaty in Treaty.objects.prefetch_related("parties").order_by("slug")
        ],
        "aliases": [
            {"treaty": alias.treaty.slug, "name": alias.name, "language": alias.language}
            for alias in TreatyAlias.objects.select_related("treaty").order_by("treaty__slug", "id")
        ],
        "events": _dated_rows("events", TreatyEvent.objects.all()),
        "deadlines": _dated_rows("deadlines", Deadline.objects.filter(rule=DeadlineRule.NONE)),
        "statements": [
            {**{c: getattr(statement, c) for c in KINDS["statements"].columns if c not in ("date", "treaties")},
             "date": statement.when.isoformat(),
             "treaties": sorted(t.slug for t in statement.treaties.all())}
            for statement in Statement.objects.prefetch_related("treaties").order_by("date", "url").iterator(2000)
        ],
    }


def _dated_rows(kind: str, queryset) -> list[dict]:
    by_treaty = defaultdict(list)
    # The same order as the import reads stored records in, so both make the same keys.
    for row in queryset.select_related("treaty").prefetch_related("parties").order_by("treaty__slug", "date", "id"):
        by_treaty[row.treaty.slug].append(row)
    rows = []
    for slug, items in by_treaty.items():
        keys = natural_keys([(item.key, item.kind, item.when.isoformat()) for item in items])
        for key, item in zip(keys, items, strict=True):
            plain = [c for c in KINDS[kind].columns if c not in ("treaty", "key", "date", "parties")]
            rows.append({
                "treaty": slug, "key": key, "date": item.when.isoformat(),
                "parties": sorted(p.slug for p in item.parties.all()),
                **{c: getattr(item, c) for c in plain},
            })
    return rows


def export_json() -> str:
    return write_json(export_rows())


def export_csv() -> dict[str, str]:
    """One CSV file per kind: {"parties.csv": ..., ...}."""
    return {f"{kind}.csv": write_csv(kind, rows) for kind, rows in export_rows().items()}


def export_csv_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in export_csv().items():
            archive.writestr(name, text)
    return buffer.getvalue()
