"""Health checks. `/healthz` is for load balancers: can this process answer, and reach the database it needs
for every page? `/healthz/deep` is for monitoring: that, and the broker, and how long ago the reminder scan ran.

The broker is left out of `/healthz` on purpose: pages do not need it, so a broker outage must not take every
web server out of rotation, nor cost each probe a broker connection.
"""

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from alerts.models import Heartbeat

from .celery import app as celery_app

log = logging.getLogger(__name__)


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _reminder_scan() -> dict:
    beat = Heartbeat.objects.filter(name="reminders_scan").first()
    if beat is None:
        return {"last_completed": None, "age_seconds": None, "stale": True}
    age = (timezone.now() - beat.completed_at).total_seconds()
    return {"last_completed": beat.completed_at.isoformat(), "age_seconds": round(age),
            "stale": age > settings.HEALTH_SCAN_MAX_AGE}


def _report(checks: dict) -> tuple[dict, bool]:
    report, healthy = {}, True
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception:  # noqa: BLE001 - any failure is the answer to report
            # The details (host names, users) go to the log, not to whoever asks.
            log.exception("Health check %s failed", name)
            report[name] = "failing"
            healthy = False
    return report, healthy


def _response(report: dict, healthy: bool, started: float) -> JsonResponse:
    report["seconds"] = round(time.monotonic() - started, 3)
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    started = time.monotonic()
    report, healthy = _report({"database": _database})
    return _response(report, healthy, started)


def healthz_deep(request):
    started = time.monotonic()
    report, healthy = _report({"database": _database, "broker": _broker})
    if report["database"] == "ok":
        report["reminder_scan"] = _reminder_scan()
        healthy = healthy and not report["reminder_scan"]["stale"]
    return _response(report, healthy, started)
