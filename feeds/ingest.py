"""Feed entries into statements: one statement per story, linked to the treaties it names.

Entries are stored a hundred to a transaction, so a failure keeps the batches before it. The same story
from two feeds, or from one feed twice, is one statement: unique keys on the normalised URL and the
entry id decide it in the database, so two workers racing over the same story cannot both create it.

A statement is read for treaties and dates once: when a feed first brings it, whether new or already
recorded by an editor or an import. Each (statement, treaty) is decided once and kept (`TreatyMention`):
a name that names one treaty links it, with the words as the reason; a name several treaties may carry
waits for an editor. Later fetches never revisit a decision.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from treaties import versions
from treaties.bulk_writes import history_of_created, rows_insert
from treaties.mentions import Mention, TreatyMatcher
from treaties.models import Statement
from treaties.safe_html import plain_text
from treaties.selectors import treaties_alive_on, treaty_matcher
from treaties.signals import statements_linked_on_commit

from .dates_mentioned import dates_mentioned
from .entries import Entry, Feed
from .models import DeadlineSuggestion, MentionDecision, TreatyMention

logger = logging.getLogger(__name__)

BATCH = 100  # entries per transaction: few commits, short locks


@dataclass
class Ingest:
    """What one feed brought."""

    entries: int = 0
    created: int = 0  # new statements
    adopted: int = 0  # statements already recorded by editors or imports, first seen in a feed
    known: int = 0  # seen in a feed before: left as they are
    skipped: int = 0  # entries with no web address
    linked: int = 0  # statement–treaty links made
    to_review: int = 0  # mentions waiting for an editor
    dates: int = 0  # deadline suggestions

    def summary(self) -> str:
        parts = [f"{self.created} new", f"{self.known + self.adopted} already recorded"]
        if self.skipped:
            parts.append(f"{self.skipped} without a link, skipped")
        found = f"{_count(self.linked, 'link')}, {self.to_review} to review, {_count(self.dates, 'date')} suggested"
        return f"{_count(self.entries, 'entry', 'entries')}: " + ", ".join(parts) + f"; {found}"


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def feed_ingest(*, feed: Feed, outlet: str, language: str = "",
                matcher: TreatyMatcher | None = None) -> Ingest:
    """Store the feed's entries as statements of `outlet`, link them and suggest the dates they give."""
    matcher = matcher or treaty_matcher()
    alive = _Alive()  # the record does not change under one feed: each day is asked once for the whole feed
    result = Ingest(entries=len(feed.entries) + feed.skipped, skipped=feed.skipped)
    for start in range(0, len(feed.entries), BATCH):
        batch = feed.entries[start:start + BATCH]
        with transaction.atomic():
            recorded, found, fresh = _Recorded(batch), _Found(), []
            for entry in batch:
                existing = recorded.find(entry)
                if existing is None:
                    fresh.append(entry)
                elif existing.normalised_url or existing.guid:
                    result.known += 1  # a feed brought it before: decided then
                elif _adopt(existing, entry, result):
                    _read(existing, entry, matcher=matcher, alive=alive, found=found, result=result, new=False)
                else:
                    result.known += 1
            created = _create(fresh, outlet=outlet, language=language, feed_language=feed.language)
            result.created += len(created)
            result.known += len(fresh) - len(created)
            for statement, entry in created:
                _read(statement, entry, matcher=matcher, alive=alive, found=found, result=result, new=True)
            found.created = [statement for statement, _ in created]
            found.save(outlet=outlet)
    return result


class _Alive:
    """Which treaties were alive on a day, asked only about the treaties that share a name, each once a day."""

    def __init__(self):
        self.known: dict[dt.date, dict[int, bool]] = {}

    def among(self, day: dt.date, treaties: set[int]) -> set[int]:
        known = self.known.setdefault(day, {})
        if unknown := treaties - known.keys():
            alive = treaties_alive_on(day, sorted(unknown))
            known.update((pk, pk in alive) for pk in unknown)
        return {pk for pk in treaties if known[pk]}


@dataclass
class _Found:
    """What a batch's statements mention, as rows of plain values (fields below), written together at the end of
    the batch: thousands of rows a feed, where a model object per row cost more than writing it."""

    MENTION = ("statement_id", "treaty_id", "words", "decision")
    LINK = ("statement_id", "treaty_id")
    SUGGESTION = ("statement_id", "treaty_id", "date", "precision", "kind", "phrase")

    created: list[Statement] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)
    suggestions: list[tuple] = field(default_factory=list)

    def save(self, *, outlet: str) -> None:
        # History, as for every statement: copied by the database from the rows just stored.
        history_of_created(Statement, [statement.pk for statement in self.created], reason=f"From the {outlet} feed")
        rows_insert(TreatyMention, self.MENTION, self.mentions)
        rows_insert(Statement.treaties.through, self.LINK, self.links, ignore_conflicts=True)
        rows_insert(DeadlineSuggestion, self.SUGGESTION, self.suggestions, ignore_conflicts=True)
        if self.created or self.links:
            versions.bump()  # bulk writes send no signals: once for the batch
        # One announcement for the batch: the alerts app queues one task for all of them.
        statements_linked_on_commit(sorted({statement for statement, _treaty in self.links}))


class _Recorded:
    """The statements already recorded for a batch of entries, found in one query."""

    def __init__(self, entries: list[Entry]):
        self.by_key: dict[tuple[str, str], Statement] = {}
        for statement in Statement.objects.filter(_matching(entries)).order_by("-pk"):
            # Lowest id last, so it wins: the first record of a story is the one to keep.
            for key in (("key", statement.normalised_url), ("guid", statement.guid), ("url", statement.url)):
                if key[1]:
                    self.by_key[key] = statement

    def find(self, entry: Entry) -> Statement | None:
        keys = [("key", entry.normalised_url), ("guid", entry.guid), *(("url", url) for url in _url_variants(entry))]
        return next((self.by_key[key] for key in keys if key in self.by_key), None)


def _matching(entries: list[Entry]) -> Q:
    # Statements recorded by editors or imports have no keys yet: their URL, as written, finds them.
    return (Q(normalised_url__in=[e.normalised_url for e in entries])
            | Q(guid__in=[e.guid for e in entries if e.guid])
            | Q(url__in=[url for e in entries for url in _url_variants(e)]))


def _url_variants(entry: Entry) -> set[str]:
    return {entry.url, entry.url.replace("https://", "http://", 1), entry.url.replace("http://", "https://", 1)}


def _read(statement: Statement, entry: Entry, *, matcher: TreatyMatcher, alive: _Alive, found: _Found,
          result: Ingest, new: bool) -> None:
    """Read a statement a feed brings for the first time for the treaties and dates it names."""
    plain = {html: plain_text(html) for html in {statement.full_text, entry.full_text}}  # one HTML cleaned once
    text = "\n\n".join(dict.fromkeys(
        t for t in (statement.title, statement.quote, plain[statement.full_text],
                    entry.title, entry.quote, plain[entry.full_text]) if t
    ))
    occurrences = matcher.occurrences(text)
    # What the record knew on the statement's day settles a shared name only one living treaty bears.
    shared = {treaty for occurrence in occurrences if occurrence.ambiguous for treaty in occurrence.treaties}
    _link(statement, matcher.mentions(text, alive.among(statement.date, shared), occurrences=occurrences),
          found, result, new=new)
    dates = dates_mentioned(text, occurrences, said_on=statement.when.earliest)
    found.suggestions += [(statement.pk, date.treaty, date.when.value, date.when.precision, date.kind,
                           date.phrase[:300]) for date in dates]
    result.dates += len(dates)


# What a new statement takes from its entry; the rest of the row is the fields' defaults.
_FROM_ENTRY = ["title", "outlet", "url", "quote", "full_text", "language", "date", "date_note", "normalised_url",
               "guid"]


def _create(entries: list[Entry], *, outlet: str, language: str,
            feed_language: str) -> list[tuple[Statement, Entry]]:
    """New statements for the entries in one INSERT; an entry whose story is stored already (by a racing worker,
    or twice in one feed) is skipped by its unique keys, so only the statements this call created come back."""
    statements = {}
    for entry in entries:
        published = entry.published or timezone.now()
        statements.setdefault(entry.normalised_url, (Statement(
            title=entry.title, outlet=outlet[:200], url=entry.url, quote=entry.quote, full_text=entry.full_text,
            language=(language or entry.language or feed_language)[:8], date=published.astimezone(dt.UTC).date(),
            date_note=f"Published {entry.published:%Y-%m-%d %H:%M} UTC, per the feed." if entry.published
            else "The feed gives no date: this is the day it was first fetched.",
            normalised_url=entry.normalised_url, guid=entry.guid or None,
        ), entry))
    if not statements:
        return []
    # bulk_create(ignore_conflicts=True) would not say which rows were new: RETURNING does, row by row.
    rows = rows_insert(Statement, _FROM_ENTRY,
                       [[getattr(statement, name) for name in _FROM_ENTRY] for statement, _ in statements.values()],
                       ignore_conflicts=True, returning=["id", "normalised_url"])
    created = []
    for row in rows:
        statement, entry = statements[row[1]]
        statement.pk, statement._state.adding, statement._state.db = row[0], False, Statement.objects.db
        created.append((statement, entry))
    return created


def _adopt(statement: Statement, entry: Entry, result: Ingest) -> bool:
    """Give a statement recorded by hand its feed keys; only the worker that does so reads it for treaties."""
    try:
        with transaction.atomic():
            adopted = Statement.objects.filter(
                pk=statement.pk, normalised_url__isnull=True, guid__isnull=True
            ).update(normalised_url=entry.normalised_url, guid=entry.guid or None)
    except IntegrityError:  # another statement already has these keys: two records of one story
        return False
    result.adopted += adopted
    return adopted == 1


def _link(statement: Statement, mentions: list[Mention], found: _Found, result: Ingest, *, new: bool) -> None:
    """Decide each treaty the statement names that was not decided before."""
    decided, already_linked = set(), set()
    if not new:  # a statement created a moment ago has neither
        decided = set(TreatyMention.objects.filter(statement=statement).values_list("treaty_id", flat=True))
        already_linked = set(statement.treaties.values_list("pk", flat=True))
    links = []
    for mention in mentions:
        if mention.treaty in decided:
            continue
        if mention.ambiguous and mention.treaty not in already_linked:
            decision = MentionDecision.PENDING
            result.to_review += 1
        else:
            decision = MentionDecision.LINKED
            if mention.treaty not in already_linked:
                links.append(mention.treaty)
        found.mentions.append((statement.pk, mention.treaty, list(mention.words), decision))
    found.links += [(statement.pk, treaty) for treaty in links]
    result.linked += len(links)
