"""Time the reminder scan on PostgreSQL at 100,000 and 1,000,000 subscription × deadline pairs.

    createdb -h 127.0.0.1 -U postgres alerts_bench   # once; the script migrates it and replaces its data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alerts_bench .venv/bin/python bench/reminder_scan.py

Beside the scan it runs a hand-written PostgreSQL statement that makes the same selection in one go
(the subscriber's day from `AT TIME ZONE`, the lead time from an unnested array) as a ceiling,
and checks that both find the same reminders. Publishing the queued tasks is left out: it is the
broker's cost, one message per email, the same whatever the scan does.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts import scan as alerts_scan  # noqa: E402
from alerts.models import ReminderDelivery, Subscription  # noqa: E402
from alerts.reminders import DEFAULT_LEADS, LEAD_CHOICES, mask_from_leads  # noqa: E402
from treaties.models import Deadline, Treaty  # noqa: E402

TREATIES = 100  # one deadline each, spread over the next 400 days
WATCHED = 10  # treaties per subscriber who picks treaties; the others follow everything
ZONES = ["UTC", "Europe/London", "Europe/Zurich", "Europe/Moscow", "Asia/Tokyo", "Asia/Kolkata", "Asia/Shanghai",
         "Australia/Sydney", "Pacific/Auckland", "America/New_York", "America/Chicago", "America/Los_Angeles",
         "America/Sao_Paulo", "Africa/Nairobi", "Africa/Lagos", "Asia/Dubai", "Asia/Jakarta", "America/Bogota",
         "Pacific/Honolulu", "Atlantic/Reykjavik"]


def generate(pairs: int) -> int:
    """Half the pairs from subscribers following everything, half from subscribers picking 10 treaties."""
    every, pickers = pairs // 2 // TREATIES, pairs // 2 // WATCHED
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE treaties_reminderdelivery, treaties_subscription_treaties, "
                       "treaties_subscription_parties, treaties_subscriptioncategory, treaties_subscription, "
                       "treaties_deadline, treaties_treaty CASCADE")
    today = timezone.now().date()
    treaties = Treaty.objects.bulk_create(
        Treaty(name=f"Bench treaty {i}", short_name=f"T{i}", slug=f"bench-{i}", category="arms_control",
               kind="bilateral") for i in range(TREATIES))
    Deadline.objects.bulk_create(
        Deadline(treaty=t, kind="expiry", date=today + dt.timedelta(days=4 * i)) for i, t in enumerate(treaties))
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO treaties_subscription (email, everything, lead_mask, time_zone, hour, digest, statements,
                                                  secret, created_at, confirmed_at)
               SELECT 'bench' || i || '@example.org', i <= %s, %s, (%s::text[])[1 + i %% %s], i %% 24, false, false,
                      md5(i::text), now(), now()
                 FROM generate_series(1, %s) AS i""",
            [every, mask_from_leads(DEFAULT_LEADS), ZONES, len(ZONES), every + pickers])
        cursor.execute(
            """INSERT INTO treaties_subscription_treaties (subscription_id, treaty_id)
               SELECT s.id, t.id FROM treaties_subscription s
               CROSS JOIN LATERAL (SELECT id FROM treaties_treaty ORDER BY (id * 7919 + s.id) %% 101 LIMIT %s) t
                WHERE NOT s.everything""", [WATCHED])
        cursor.execute("ANALYZE")
    return every * TREATIES + pickers * WATCHED


CEILING = """
WITH w AS (SELECT id, treaty_id, date FROM treaties_deadline WHERE date BETWEEN %(first)s AND %(last)s),
pairs AS (
    SELECT s.id AS sid, w.id AS did FROM treaties_subscription s CROSS JOIN w WHERE s.everything
    UNION
    SELECT st.subscription_id, w.id FROM treaties_subscription_treaties st JOIN w ON w.treaty_id = st.treaty_id)
SELECT count(*) FROM (
    SELECT (SELECT min(l) FROM unnest(%(leads)s::int[]) AS l
             WHERE s.lead_mask & (1 << (array_position(%(leads)s::int[], l) - 1)) <> 0
               AND ((l = 0 AND w.date = e.day) OR (l > 0 AND w.date > e.day AND w.date - e.day <= l))) AS lead
      FROM pairs JOIN treaties_subscription s ON s.id = pairs.sid JOIN w ON w.id = pairs.did
     CROSS JOIN LATERAL (SELECT ((%(now)s AT TIME ZONE s.time_zone) - make_interval(hours => s.hour))::date AS day) e
     WHERE s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL AND w.date >= e.day) due
 WHERE lead IS NOT NULL
"""


def timed(function, repeat=3):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def ceiling(now) -> int:
    today = now.date()
    with connection.cursor() as cursor:
        cursor.execute(CEILING, {"first": today - dt.timedelta(days=2), "last": today + dt.timedelta(days=367),
                                 "leads": sorted(LEAD_CHOICES), "now": now})
        return cursor.fetchone()[0]


def scan(now, *, keep: bool) -> int:
    result = alerts_scan.reminders_scan(now=now, dry_run=not keep)
    return result.reminders


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/alerts_bench")
    call_command("migrate", verbosity=0)
    alerts_scan.deliveries_enqueue_on_commit = lambda *args: None  # time the scan, not the broker
    print("| pairs | subscriptions | due reminders | hand-written SELECT (ceiling) | scan, first run (records them) "
          "| scan, next run (nothing new) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for pairs in args.pairs:
        made = generate(pairs)
        now = timezone.now()
        t_ceiling, expected = timed(lambda now=now: ceiling(now))
        t_dry, recorded = timed(lambda now=now: scan(now, keep=False))
        t_first, first = timed(lambda now=now: scan(now, keep=True), repeat=1)
        t_next, again = timed(lambda now=now: scan(now, keep=True))
        assert expected == recorded == first == ReminderDelivery.objects.count(), (expected, recorded, first)
        assert again == 0
        print(f"| {made:,} | {Subscription.objects.count():,} | {first:,} | {t_ceiling * 1000:,.0f} ms "
              f"| {t_first * 1000:,.0f} ms (as a dry run, rolled back: {t_dry * 1000:,.0f} ms) "
              f"| {t_next * 1000:,.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
