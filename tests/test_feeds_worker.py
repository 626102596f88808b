"""The beat task through a real Celery worker: due sources are fetched, each once."""

import time
from pathlib import Path

import pytest
from celery import Celery

from tests.feeds.server import FeedServer, Page, fixture
from tests.test_celery import database_url, start, stop
from treaties.models import FeedSource, FetchStatus, Statement


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_fetches_the_due_sources_the_beat_task_hands_out(tmp_path, reference_data):
    folder = tmp_path / "broker"
    env = {"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_DIR": str(folder), "DATABASE_URL": database_url()}
    with FeedServer() as server:
        FeedSource.objects.create(name="UN News", url=server.serve("/un.atom", Page(
            fixture("un.atom"), content_type="application/atom+xml")))
        FeedSource.objects.create(name="TASS", url=server.serve("/tass.rss", Page(fixture("tass.rss"))))
        worker = start("worker", "--concurrency", "2", "--loglevel", "INFO", env=env)
        try:
            client = Celery(broker="filesystem://")
            client.conf.broker_transport_options = {
                "data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
                "control_folder": str(folder / "control"),
            }
            for name in ("queue", "control"):
                Path(folder / name).mkdir(parents=True, exist_ok=True)
            for _ in range(2):  # two beats in a row: the second finds nothing due, or the sources claimed
                client.send_task("treaties.tasks.fetch_due_feeds")
            deadline = time.monotonic() + 60
            while FeedSource.objects.filter(last_status="").exists() and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            output = stop(worker)

    assert set(FeedSource.objects.values_list("last_status", flat=True)) == {FetchStatus.OK}, output
    assert [r.path for r in server.requests].count("/un.atom") == 1
    assert [r.path for r in server.requests].count("/tass.rss") == 1
    assert Statement.objects.exclude(normalised_url=None).count() == 3 + 2  # the shipped TASS statement adopted
