"""/healthz for a load balancer: is the database reachable, is the broker, is the reminder scan running?"""

import time

from django.db import connection
from django.http import JsonResponse

from tracker.celery import app as celery_app


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": _database, "broker": _broker}


def healthz(request):
    started = time.monotonic()
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure is the answer to report
            report[name] = f"failing: {type(error).__name__}: {error}"[:300]
            healthy = False
    report["seconds"] = round(time.monotonic() - started, 3)
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
