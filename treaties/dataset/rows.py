"""The rows of the record's tables (`tables` says their columns): plain values, the same in the JSON download and,
written as text, in every CSV — text, numbers, booleans, and None for nothing.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import groupby

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from .. import selectors
from ..models import Deadline, Dispute, EventKind, Party, Position, Statement, Treaty, TreatyAlias, TreatyEvent
from ..precision import PreciseDate
from ..transfer.formats import natural_keys


def _text(value: str) -> str | None:
    return value or None


def _page(record) -> str:
    return settings.SITE_URL + record.get_absolute_url()


def _when(name: str, when: PreciseDate | None) -> dict:
    return {name: when.isoformat() if when else None, f"{name}_precision": str(when.precision) if when else None}


def _slugs(related) -> str | None:
    return " ".join(sorted(item.slug for item in related.all())) or None


def party_rows(parties: QuerySet) -> Iterator[dict]:
    for party in parties.order_by("slug"):
        yield {"slug": party.slug, "name": party.name, "short_name": _text(party.short_name),
               "iso_code": _text(party.iso_code), "is_organisation": party.is_organisation,
               "note": _text(party.note), "url": _page(party)}


def treaty_rows(treaties: QuerySet, on: dt.date) -> Iterator[dict]:
    """Treaties in the queryset's order, with their status, entry into force and next deadline on `on`."""
    treaties = list(treaties.prefetch_related("parties", "aliases"))
    ids = [treaty.pk for treaty in treaties]
    statuses = selectors.statuses_on(on, ids)
    contested = set(Dispute.objects.filter(treaty_id__in=ids, affects_status=True).values_list("treaty_id", flat=True))
    entries = _first_by_treaty(TreatyEvent.objects.filter(
        treaty_id__in=ids, kind=EventKind.ENTERED_INTO_FORCE, date__lte=on))
    due = _first_by_treaty(Deadline.objects.filter(selectors.not_past(on), selectors.known_on(on), treaty_id__in=ids))
    for treaty in treaties:
        status, next_deadline = statuses[treaty.pk], due.get(treaty.pk)
        yield {
            "slug": treaty.slug, "short_name": treaty.short_name, "name": treaty.name,
            "aliases": "; ".join(alias.name for alias in treaty.aliases.all()) or None,
            "category": treaty.category, "kind": treaty.kind, "subject": _text(treaty.subject),
            "status": str(status.code), "status_label": status.label, "status_contested": treaty.pk in contested,
            "status_on": on.isoformat(), **_when("status_since", status.since),
            "status_qualifiers": "; ".join(status.qualifiers) or None,
            **_when("entry_into_force", entries[treaty.pk].when if treaty.pk in entries else None),
            **_when("next_deadline", next_deadline and next_deadline.when),
            "next_deadline_kind": next_deadline.kind if next_deadline else None,
            "parties": _slugs(treaty.parties),
            "party_names": "; ".join(party.name for party in treaty.parties.all()) or None,
            "parties_note": _text(treaty.parties_note), "summary": _text(treaty.summary),
            "official_text_url": _text(treaty.official_text_url),
            **{name: getattr(treaty, name) for name in (
                "term_years", "lapses_at_term_end", "extension_times", "extension_max_years",
                "withdrawal_notice_months", "withdrawal_notice_days", "consent_effect_days", "review_every_years")},
            "duration_text": _text(treaty.duration_text), "extension_text": _text(treaty.extension_text),
            "withdrawal_text": _text(treaty.withdrawal_text),
            "provision_sources": " ".join(treaty.provision_sources or []) or None,
            "checked_on": treaty.checked_on.isoformat() if treaty.checked_on else None,
            "checked_against": _text(treaty.checked_against), "url": _page(treaty),
        }


def _first_by_treaty(dated: QuerySet) -> dict:
    """Each treaty's earliest row; of two on the same first day, the more precise."""
    first = {}
    for row in dated.order_by("date", "id"):
        if row.treaty_id not in first or row.when < first[row.treaty_id].when:
            first[row.treaty_id] = row
    return first


def alias_rows(aliases: QuerySet) -> Iterator[dict]:
    for alias in aliases.select_related("treaty").order_by("treaty__slug", "id"):
        yield {"treaty": alias.treaty.slug, "name": alias.name, "language": _text(alias.language)}


def keys(model, treaty_ids: Iterable[int] | QuerySet) -> dict[int, str]:
    """Each event's or deadline's stable key: its own, or one made from its kind and date, as the export makes
    them. Made over all of a treaty's rows, so a filtered download names each row as the whole dataset does."""
    found = {}
    ordered = model.objects.filter(treaty_id__in=treaty_ids).order_by("treaty_id", "date", "id").values_list(
        "pk", "treaty_id", "key", "kind", "date", "precision", "date_until")
    for _, items in groupby(ordered, key=lambda row: row[1]):
        items = list(items)
        made = natural_keys([(key, kind, PreciseDate(date, precision, until).isoformat())
                             for _, _, key, kind, date, precision, until in items])
        found.update(zip((item[0] for item in items), made, strict=True))
    return found


def _dated(row, key: str) -> dict:
    return {
        "treaty": row.treaty.slug, "key": key, "kind": row.kind, **_when("date", row.when),
        "parties": _slugs(row.parties), "description": _text(row.description),
        "source_url": _text(row.source_url), "source_publisher": _text(row.source_publisher),
        "source_kind": _text(row.source_kind),
    }


def event_rows(events: QuerySet) -> Iterator[dict]:
    events = events.select_related("treaty").prefetch_related("parties").order_by("treaty__slug", "date", "id")
    names = keys(TreatyEvent, events.values("treaty_id"))
    for event in events.iterator(chunk_size=2000):
        yield {**_dated(event, names[event.pk]), "extension_years": event.extension_years,
               "date_note": _text(event.date_note)}


def deadline_rows(deadlines: QuerySet) -> Iterator[dict]:
    deadlines = deadlines.select_related("treaty").prefetch_related("parties").order_by("treaty__slug", "date", "id")
    treaty_ids = deadlines.values("treaty_id")
    names, event_names = keys(Deadline, treaty_ids), keys(TreatyEvent, treaty_ids)
    for deadline in deadlines.iterator(chunk_size=2000):
        yield {**_dated(deadline, names[deadline.pk]), "rule": _text(deadline.rule),
               "derived_from": event_names.get(deadline.derived_from_id),
               "superseded_on": deadline.superseded_on.isoformat() if deadline.superseded_on else None,
               "date_note": _text(deadline.date_note)}


STATEMENT_COLUMNS = ("url", "title", "outlet", "date_note", "speaker", "speaker_role", "quote", "language", "voice")
CHUNK = 2000


def statement_rows(statements: QuerySet) -> Iterator[dict]:
    """Read as plain values, a chunk at a time with the chunk's links: a million statements must not be a
    million model instances each with its own related manager."""
    # The full text of an article is its publisher's, not the record's to give away: the link and quote are.
    page = settings.SITE_URL + reverse("treaties:statement", args=[0])  # statement 0's address, to put ids in
    values = statements.values_list("pk", "date", "precision", "date_until", *STATEMENT_COLUMNS)
    chunk = []
    for row in values.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _statement_chunk(chunk, page)
            chunk = []
    yield from _statement_chunk(chunk, page)


def _statement_chunk(chunk: list[tuple], page: str) -> Iterator[dict]:
    treaties = {}
    for statement_id, slug in Statement.treaties.through.objects.filter(
            statement_id__in=[row[0] for row in chunk]).values_list("statement_id", "treaty__slug"):
        treaties.setdefault(statement_id, []).append(slug)
    for pk, date, precision, until, *columns in chunk:
        plain = dict(zip(STATEMENT_COLUMNS, columns, strict=True))
        yield {
            "url": plain["url"], "title": plain["title"], "outlet": plain["outlet"],
            **_when("published", PreciseDate(date, precision, until)),
            **{column: _text(plain[column]) for column in STATEMENT_COLUMNS[3:]},
            "treaties": " ".join(sorted(treaties.get(pk, []))) or None,
            "page": page.replace("/0/", f"/{pk}/"),
        }


def position_rows(positions: QuerySet) -> Iterator[dict]:
    for position in positions.select_related("dispute__treaty").order_by("dispute__treaty__slug", "dispute_id", "id"):
        dispute = position.dispute
        yield {"treaty": dispute.treaty.slug, "about": dispute.about, "affects_status": dispute.affects_status,
               "held_by": position.held_by, "position": position.position, "source_url": position.source_url,
               "source_publisher": _text(position.source_publisher), "source_kind": _text(position.source_kind)}


def whole_record(on: dt.date) -> dict[str, Iterator[dict]]:
    """Every table of the record, with statuses for `on`, in the order of TABLES."""
    return {
        "parties": party_rows(Party.objects.all()),
        "treaties": treaty_rows(Treaty.objects.order_by("slug"), on),
        "aliases": alias_rows(TreatyAlias.objects.all()),
        "events": event_rows(TreatyEvent.objects.all()),
        "deadlines": deadline_rows(Deadline.objects.all()),
        "statements": statement_rows(Statement.objects.order_by("date", "url")),
        "positions": position_rows(Position.objects.all()),
    }
