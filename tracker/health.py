"""/healthz for a load balancer: is the database reachable, is the broker, is the reminder scan running?"""

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from alerts.models import Heartbeat

from .celery import app as celery_app


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


log = logging.getLogger(__name__)

CHECKS = {"database": _database, "broker": _broker}


def _reminder_scan() -> dict:
    """Reported, not failed on: beat being late must not take the web servers out of rotation."""
    beat = Heartbeat.objects.filter(name="reminders_scan").first()
    if beat is None:
        return {"last_completed": None, "age_seconds": None, "stale": True}
    age = (timezone.now() - beat.completed_at).total_seconds()
    return {"last_completed": beat.completed_at.isoformat(), "age_seconds": round(age),
            "stale": age > settings.HEALTH_SCAN_MAX_AGE}


def healthz(request):
    started = time.monotonic()
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception:  # noqa: BLE001 - any failure is the answer to report
            # The details (host names, users) go to the log, not to whoever asks.
            log.exception("Health check %s failed", name)
            report[name] = "failing"
            healthy = False
    try:
        report["reminder_scan"] = _reminder_scan()
    except Exception as error:  # noqa: BLE001 - the database check above already says why
        report["reminder_scan"] = f"unknown: {type(error).__name__}"
    report["seconds"] = round(time.monotonic() - started, 3)
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
