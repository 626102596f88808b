"""Celery worker processes for tests: started against the test database, stopped with their output."""

import os
import subprocess
import sys
from pathlib import Path

from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


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
    # Not the current app: tasks the code under test sends later must go through the tracker's own app.
    client = Celery(broker="filesystem://", set_as_current=False)
    client.conf.broker_transport_options = {
        "data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
    }
    for name in ("queue", "control"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return client


