"""A real Celery worker and beat, on the embedded filesystem broker and on Redis."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from tests.services import require_redis

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The test database, as a URL a worker process can open."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def start(*args, env):
    environment = {**os.environ, **env}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", *args], cwd=ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def stop(process) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def filesystem_client(folder: Path) -> Celery:
    """A client of the embedded filesystem broker whose folders are under `folder`."""
    client = Celery(broker="filesystem://")
    client.conf.broker_transport_options = {
        "data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
    }
    for name in ("queue", "control"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return client


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
            client = Celery(broker=env["CELERY_BROKER_URL"])
        client.send_task("treaties.tasks.clear_expired_sessions", queue=queue)
        deadline = time.monotonic() + 60
        while Session.objects.filter(session_key="old").exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not Session.objects.filter(session_key="old").exists(), stop(worker)
        assert Session.objects.filter(session_key="live").exists()
    finally:
        stop(worker)


@pytest.mark.services
def test_beat_starts_with_the_schedule_from_settings(broker, tmp_path):
    beat = start("beat", "--schedule", str(tmp_path / "schedule"), "--loglevel", "DEBUG", env=broker)
    time.sleep(6)
    still_running = beat.poll() is None
    output = stop(beat)
    assert still_running, output
    assert "clear-expired-sessions" in output or "beat: Starting" in output, output
