"""The beat task through a real Celery worker: due sources are fetched, each once."""

import time

import pytest

from feeds.models import FeedSource, FetchStatus
from tests.support.feeds.server import Page, fixture
from tests.support.workers import database_url, filesystem_client, start, stop
from treaties.models import Statement


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_fetches_the_due_sources_the_beat_task_hands_out(tmp_path, reference_data, feed_server):
    folder = tmp_path / "broker"
    FeedSource.objects.create(name="UN News", url=feed_server.serve("/un.atom", Page(
        fixture("un.atom"), content_type="application/atom+xml")))
    FeedSource.objects.create(name="TASS", url=feed_server.serve("/tass.rss", Page(fixture("tass.rss"))))
    worker = start("worker", "--concurrency", "2", "--loglevel", "INFO", env={
        "CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_DIR": str(folder), "DATABASE_URL": database_url(),
        "FEEDS_ALLOW_PRIVATE_ADDRESSES": "true"})  # the feed server is on 127.0.0.1
    try:
        client = filesystem_client(folder)
        for _ in range(2):  # two beats in a row: the second finds nothing due, or the sources claimed
            client.send_task("feeds.tasks.fetch_due_feeds")
        deadline = time.monotonic() + 60
        while FeedSource.objects.filter(last_status="").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        output = stop(worker)

    assert set(FeedSource.objects.values_list("last_status", flat=True)) == {FetchStatus.OK}, output
    paths = [request.path for request in feed_server.requests]
    assert (paths.count("/un.atom"), paths.count("/tass.rss")) == (1, 1)
    assert Statement.objects.exclude(normalised_url=None).count() == 3 + 2  # the shipped TASS statement adopted
