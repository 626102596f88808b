"""Feed entries into statements: one statement per story, linked to the treaties it names.

Every entry is stored in its own transaction, so a failure keeps what came before it. The same story
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

from ..linking import TreatyMatcher
from ..models import DeadlineSuggestion, MentionDecision, Statement, TreatyMention
from ..safe_html import plain_text
from ..selectors import treaty_matcher
from .dates_mentioned import dates_mentioned
from .entries import Entry, Feed

logger = logging.getLogger(__name__)

BATCH = 500


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
    newly_linked: list[int] = field(default_factory=list)  # statements that gained a treaty

    def summary(self) -> str:
        parts = [f"{self.created} new", f"{self.known + self.adopted} already recorded"]
        if self.skipped:
            parts.append(f"{self.skipped} without a link, skipped")
        found = f"{_count(self.linked, 'link')}, {self.to_review} to review, {_count(self.dates, 'date')} suggested"
        return f"{_count(self.entries, 'entry', 'entries')}: " + ", ".join(parts) + f"; {found}"


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def on_statement_linked(statement_ids: list[int]) -> None:
    """Called after commit with statements that just gained a link to a treaty (from a feed or an
    editor accepting a mention). Statement alerts hang here: one call per statement to the alerts
    service, which decides who wants to hear of it."""
    logger.info("Statements newly linked to treaties: %s", statement_ids)


def feed_ingest(*, feed: Feed, outlet: str, language: str = "",
                matcher: TreatyMatcher | None = None) -> Ingest:
    """Store the feed's entries as statements of `outlet`, link them and suggest the dates they give."""
    matcher = matcher or treaty_matcher()
    result = Ingest(entries=len(feed.entries) + feed.skipped, skipped=feed.skipped)
    for start in range(0, len(feed.entries), BATCH):
        batch = feed.entries[start:start + BATCH]
        seen = _seen_in_feeds(batch)
        for entry in batch:
            if entry.normalised_url in seen or (entry.guid and entry.guid in seen):
                result.known += 1
                continue
            _ingest_entry(entry, outlet=outlet, language=language or entry.language or feed.language,
                          matcher=matcher, result=result)
    return result


def _seen_in_feeds(entries: list[Entry]) -> set[str]:
    """The keys, among these entries', of statements a feed has already brought: one query for the batch."""
    urls = [e.normalised_url for e in entries]
    guids = [e.guid for e in entries if e.guid]
    rows = Statement.objects.filter(Q(normalised_url__in=urls) | Q(guid__in=guids)).values_list(
        "normalised_url", "guid"
    )
    return {key for row in rows for key in row if key}


@transaction.atomic
def _ingest_entry(entry: Entry, *, outlet: str, language: str, matcher: TreatyMatcher, result: Ingest) -> None:
    statement, first_seen = _statement_for(entry, outlet=outlet, language=language, result=result)
    if not first_seen:
        result.known += 1
        return
    text = "\n\n".join(dict.fromkeys(
        t for t in (statement.title, statement.quote, plain_text(statement.full_text),
                    entry.title, entry.quote, plain_text(entry.full_text)) if t
    ))
    if _link(statement, matcher, text, result):
        result.newly_linked.append(statement.pk)
        transaction.on_commit(lambda: on_statement_linked([statement.pk]))
    suggestions = [
        DeadlineSuggestion(statement=statement, treaty_id=found.treaty, date=found.when.value,
                           precision=found.when.precision, kind=found.kind, phrase=found.phrase[:300])
        for found in dates_mentioned(text, matcher.occurrences(text), said_on=statement.when.earliest)
    ]
    result.dates += len(DeadlineSuggestion.objects.bulk_create(suggestions, ignore_conflicts=True))


def _statement_for(entry: Entry, *, outlet: str, language: str, result: Ingest) -> tuple[Statement, bool]:
    """The entry's statement, and whether this is the first time a feed brings it."""
    existing = _find(entry)
    if existing is not None:
        if existing.normalised_url or existing.guid:
            return existing, False
        return existing, _adopt(existing, entry, result)
    published = entry.published or timezone.now()
    statement = Statement(
        title=entry.title, outlet=outlet[:200], url=entry.url, quote=entry.quote, full_text=entry.full_text,
        language=language[:8], date=published.astimezone(dt.UTC).date(),
        date_note=f"Published {entry.published:%Y-%m-%d %H:%M} UTC, per the feed." if entry.published
        else "The feed gives no date: this is the day it was first fetched.",
        normalised_url=entry.normalised_url, guid=entry.guid or None,
    )
    statement._change_reason = f"From the {outlet} feed"
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError:
        # Another worker stored the same story a moment ago: theirs is the statement.
        existing = _find(entry)
        if existing is None:
            raise
        return existing, False
    result.created += 1
    return statement, True


def _find(entry: Entry) -> Statement | None:
    # Statements recorded by editors or imports have no keys yet: their URL, as written, finds them.
    variants = {entry.url, entry.url.replace("https://", "http://", 1), entry.url.replace("http://", "https://", 1)}
    condition = Q(normalised_url=entry.normalised_url) | Q(url__in=variants)
    if entry.guid:
        condition |= Q(guid=entry.guid)
    return Statement.objects.filter(condition).order_by("pk").first()


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


def _link(statement: Statement, matcher: TreatyMatcher, text: str, result: Ingest) -> bool:
    """Decide each treaty the text names that was not decided before; True if the statement gained a link."""
    decided = set(TreatyMention.objects.filter(statement=statement).values_list("treaty_id", flat=True))
    already_linked = set(statement.treaties.values_list("pk", flat=True))
    mentions, links = [], []
    for mention in matcher.mentions(text):
        if mention.treaty in decided:
            continue
        if mention.ambiguous and mention.treaty not in already_linked:
            decision = MentionDecision.PENDING
            result.to_review += 1
        else:
            decision = MentionDecision.LINKED
            if mention.treaty not in already_linked:
                links.append(mention.treaty)
        mentions.append(TreatyMention(statement=statement, treaty_id=mention.treaty, words=list(mention.words),
                                      decision=decision))
    TreatyMention.objects.bulk_create(mentions)
    statement.treaties.add(*links)
    result.linked += len(links)
    return bool(links)
