"""/healthz keeps a web server in rotation while it can serve pages; /healthz/deep tells monitoring what else is
wrong (the broker, a reminder scan that stopped)."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import OperationalError, connection

from alerts.models import Heartbeat
from tests.support.deployment_settings import PRODUCTION, settings_under

NOON = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def broker_down():
    from tracker.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    yield
    app.conf.broker_url = previous


def scan_ran(minutes_ago: int):
    with time_machine.travel(NOON - dt.timedelta(minutes=minutes_ago), tick=False):
        Heartbeat.beat("reminders_scan")


def test_healthz_checks_the_database_only(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    report = response.json()
    assert report["database"] == "ok"
    assert "broker" not in report and "reminder_scan" not in report


def test_a_broker_outage_keeps_the_web_servers_in_rotation_and_costs_the_probe_nothing(db, client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["seconds"] < 1  # no 2-second broker connection on every probe


def test_healthz_fails_when_the_database_is_unreachable(db, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:  # undone before the test database is rolled back
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"


def test_the_deep_check_reports_database_broker_and_the_last_reminder_scan(db, client):
    scan_ran(minutes_ago=10)
    with time_machine.travel(NOON, tick=False):
        response = client.get("/healthz/deep")
    assert response.status_code == 200
    report = response.json()
    assert report["database"] == "ok"
    assert report["broker"] == "ok"
    assert report["reminder_scan"]["age_seconds"] == 600
    assert report["reminder_scan"]["stale"] is False


def test_the_deep_check_fails_when_the_broker_is_unreachable(db, client, broker_down):
    scan_ran(minutes_ago=10)
    with time_machine.travel(NOON, tick=False):
        response = client.get("/healthz/deep")
    assert response.status_code == 503
    assert response.json()["broker"] == "failing"
    assert response.json()["database"] == "ok"


def test_the_deep_check_fails_when_the_reminder_scan_is_late_but_healthz_does_not(db, client, settings):
    settings.HEALTH_SCAN_MAX_AGE = 30 * 60
    scan_ran(minutes_ago=45)
    with time_machine.travel(NOON, tick=False):
        deep = client.get("/healthz/deep")
        shallow = client.get("/healthz")
    assert deep.status_code == 503
    assert deep.json()["reminder_scan"]["stale"] is True
    assert shallow.status_code == 200


def test_the_deep_check_calls_a_scan_that_never_ran_stale(db, client):
    response = client.get("/healthz/deep")
    assert response.status_code == 503
    assert response.json()["reminder_scan"] == {"last_completed": None, "age_seconds": None, "stale": True}


def test_with_debug_off_both_checks_answer_over_plain_http(db, client):
    exempt = settings_under(**PRODUCTION).SECURE_REDIRECT_EXEMPT
    assert exempt
    for path in ("healthz", "healthz/deep"):
        assert any(re.search(pattern, path) for pattern in exempt), path
    assert not any(re.search(pattern, "healthz/other") for pattern in exempt)
