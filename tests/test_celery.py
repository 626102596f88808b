"""A real Celery worker and beat, on the embedded filesystem broker and on Redis."""

import datetime as dt
import threading
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.support.services import require_redis
from tests.support.workers import database_url, filesystem_client, start, stop


@pytest.fixture(params=["filesystem", "redis"])
def broker(request, tmp_path):
    if request.param == "redis":
        return {"CELERY_BROKER_URL": require_redis()}
    return {"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_DIR": str(tmp_path / "broker")}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_session_cleanup_task(broker, tmp_path):
    Session.objects.create(session_key="old", session_data="", expire_date=timezone.now() - dt.timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=timezone.now() + dt.timedelta(days=1))
    queue = f"test-{uuid.uuid4().hex}"
    env = {**broker, "DATABASE_URL": database_url()}
    worker = start("worker", "--queues", queue, "--concurrency", "1", "--pool", "solo", "--loglevel", "INFO",
                   env=env)
    try:
        if broker["CELERY_BROKER_URL"].startswith("filesystem"):
            client = filesystem_client(Path(broker["CELERY_BROKER_DIR"]))
        else:
            client = Celery(broker=env["CELERY_BROKER_URL"], set_as_current=False)
        client.send_task("treaties.tasks.clear_expired_sessions", queue=queue)
        deadline = time.monotonic() + 60
        while Session.objects.filter(session_key="old").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Session.objects.filter(session_key="old").exists(), stop(worker)
        assert Session.objects.filter(session_key="live").exists()
    finally:
        stop(worker)


@pytest.mark.services
def test_beat_starts_with_the_schedule_from_settings(broker, tmp_path):
    wanted = [f"<ScheduleEntry: {name} {entry['task']}()" for name, entry in settings.CELERY_BEAT_SCHEDULE.items()]
    beat = start("beat", "--schedule", str(tmp_path / "schedule"), "--loglevel", "DEBUG", env=broker)
    lines = []  # beat lists its schedule at DEBUG once it has started; read as it comes, however slow the machine
    reader = threading.Thread(target=lambda: lines.extend(beat.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while beat.poll() is None and time.monotonic() < deadline and not all(w in "".join(lines) for w in wanted):
        time.sleep(0.2)
    still_running = beat.poll() is None
    beat.terminate()
    beat.wait(timeout=20)
    reader.join(timeout=20)
    output = "".join(lines)
    assert still_running, output
    for entry in wanted:
        assert entry in output, output
