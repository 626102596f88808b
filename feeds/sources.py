"""Fetching a feed source: claim it, fetch it, store its entries, record how it went.

A source is claimed with a conditional update before its request is made, so however many workers
and beat runs ask at once, one request per source is in flight. Whatever goes wrong is recorded on
the source with the reason and backs it off; it never reaches the caller, so the next source is
fetched all the same, and nothing stored before is touched.
"""

import datetime as dt
import logging
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from .entries import NotAFeed, read_feed
from .fetching import FetchError, fetch
from .ingest import Ingest, feed_ingest
from .models import FeedSource, FetchStatus

logger = logging.getLogger(__name__)


def feeds_due(now: dt.datetime | None = None) -> list[int]:
    """Active sources whose next fetch has come and that nobody is fetching."""
    now = now or timezone.now()
    return list(FeedSource.objects.due(now).filter(_unclaimed(now)).order_by("next_fetch_at", "pk")
                .values_list("pk", flat=True))


def feed_fetch(*, source_id: int, force: bool = False) -> FeedSource | None:
    """Fetch one source if it is due (or `force`) and free; None when it is not, or another worker has it."""
    claimed_at = timezone.now()
    claimable = FeedSource.objects.filter(_unclaimed(claimed_at), pk=source_id)
    if not force:
        claimable = claimable.due(claimed_at)
    if claimable.update(fetching_since=claimed_at) == 0:
        return None
    source = FeedSource.objects.get(pk=source_id)
    outcome = {}
    try:
        response = fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        if response.not_modified:
            outcome = {"last_status": FetchStatus.NOT_MODIFIED, "last_error": "", "last_result": "Nothing new."}
        else:
            feed = read_feed(response.body, content_type=response.content_type, url=source.url)
            ingest = feed_ingest(feed=feed, outlet=source.name, language=source.language)
            outcome = {
                "last_status": FetchStatus.WARNING if feed.problem else FetchStatus.OK,
                "last_error": feed.problem,
                "last_result": ingest.summary()[:300],
            }
        # Only once the entries are stored may the server be told we have this version.
        outcome.update(etag=response.etag[:500], last_modified=response.last_modified[:100])
    except (FetchError, NotAFeed) as error:
        outcome = _failure(str(error))
    except Exception as error:  # a bug in one feed's handling must not stop the others
        logger.exception("Feed source %s: could not store its entries", source_id)
        outcome = _failure(f"The entries could not be stored ({type(error).__name__}: {error}).")
    _finish(source, claimed_at, outcome)
    source.refresh_from_db()
    return source


def feed_file_ingest(*, path: Path, source: FeedSource | None = None) -> Ingest:
    """A feed saved as a file, stored as if fetched (for `fetch_feeds --file`); raises `NotAFeed`."""
    scope = source.url if source else path.resolve().as_uri()
    feed = read_feed(path.read_bytes(), url=scope)
    outlet = source.name if source else feed.title or path.stem
    return feed_ingest(feed=feed, outlet=outlet, language=source.language if source else "")


def _unclaimed(now: dt.datetime) -> Q:
    return Q(fetching_since__isnull=True) | Q(fetching_since__lt=now - FeedSource.CLAIM_EXPIRES)


def _failure(error: str) -> dict:
    return {"last_status": FetchStatus.FAILED, "last_error": error, "last_result": ""}


def _finish(source: FeedSource, claimed_at: dt.datetime, outcome: dict) -> None:
    now = timezone.now()
    failures = source.consecutive_failures + 1 if outcome["last_status"] == FetchStatus.FAILED else 0
    # Conditional on our claim: a worker whose claim expired must not overwrite a newer fetch's record.
    FeedSource.objects.filter(pk=source.pk, fetching_since=claimed_at).update(
        fetching_since=None, last_fetched_at=now, consecutive_failures=failures,
        next_fetch_at=source.next_fetch_after(now, failures=failures), **outcome,
    )
    if failures:
        logger.warning("Feed source %s (%s) failed %s time(s) in a row: %s", source.pk, source.url, failures,
                       outcome["last_error"])
