from celery import shared_task

from .sources import feed_fetch, feeds_due


@shared_task
def fetch_due_feeds() -> int:
    """Beat, every minute: one task per feed source that is due, so a slow feed holds up no other."""
    due = feeds_due()
    for source_id in due:
        fetch_feed.delay(source_id)
    return len(due)


@shared_task
def fetch_feed(source_id: int) -> str:
    # Enqueued twice, or picked up by two workers, it fetches once: the claim is in `feed_fetch`.
    source = feed_fetch(source_id=source_id)
    return source.last_status if source else "not due, or being fetched"
