"""The reminder scan at 100,000 and 1,000,000 subscription × deadline pairs, beside hand-written SQL, on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres alerts_bench   # once; the script migrates it and replaces its data
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alerts_bench .venv/bin/python bench/reminder_scan.py

The ceiling is one hand-written PostgreSQL `INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING id` that
writes the very rows the scan writes (the subscriber's day from `AT TIME ZONE`, the lead time from an unnested
array, `next_try_at` and every other column set in the INSERT), checked row for row against the scan's. The
two are interleaved (ceiling, scan, ceiling, scan, …), each on an empty delivery table, so a noisy neighbour
slows both alike; each is then run again over what it wrote (the everyday case: nothing new). Publishing the
queued tasks is left out: it is the broker's cost, the same whatever writes the rows.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts import scan as alerts_scan  # noqa: E402
from alerts.models import Subscription  # noqa: E402
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
INSERT INTO treaties_reminderdelivery (subscription_id, kind, treaty_id, deadline_id, lead_days, armed_for,
    armed_precision, armed_until, status, next_try_at, attempts, message_id, error, created_at)
SELECT sid, 'reminder', tid, did, lead, date, precision, date_until,
       CASE WHEN covered THEN 'cancelled' ELSE 'pending' END,
       CASE WHEN digest THEN %(now)s ELSE %(later)s END, 0, '',
       CASE WHEN covered THEN 'Covered by the deadline-changed email.' ELSE '' END, %(now)s
  FROM (
    SELECT s.id AS sid, s.digest, w.treaty_id AS tid, w.id AS did, w.date, w.precision, w.date_until,
           (SELECT min(l) FROM unnest(%(leads)s::int[]) AS l
             WHERE s.lead_mask & (1 << (array_position(%(leads)s::int[], l) - 1)) <> 0
               AND ((l = 0 AND w.date = e.day) OR (l > 0 AND w.date > e.day AND w.date - e.day <= l))) AS lead,
           EXISTS (SELECT 1 FROM treaties_reminderdelivery c WHERE c.kind = 'deadline_changed'
                      AND c.subscription_id = s.id AND c.deadline_id = w.id AND c.status IN ('pending', 'sending'))
               AS covered
      FROM (SELECT s.id AS sid, w.id AS did FROM treaties_subscription s
              JOIN treaties_deadline w ON w.date BETWEEN %(first)s AND %(last)s AND w.superseded_on IS NULL
             WHERE s.everything
            UNION
            SELECT st.subscription_id, w.id FROM treaties_subscription_treaties st
              JOIN treaties_deadline w ON w.treaty_id = st.treaty_id AND w.date BETWEEN %(first)s AND %(last)s
                                          AND w.superseded_on IS NULL) pairs
      JOIN treaties_subscription s ON s.id = pairs.sid JOIN treaties_deadline w ON w.id = pairs.did
     CROSS JOIN LATERAL (SELECT ((%(now)s AT TIME ZONE s.time_zone) - make_interval(hours => s.hour))::date AS day) e
     WHERE s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL AND w.date >= e.day) due
 WHERE lead IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM treaties_reminderdelivery r WHERE r.kind = 'reminder' AND r.subscription_id = due.sid
          AND r.deadline_id = due.did AND r.armed_for = due.date AND r.lead_days <= due.lead)
ON CONFLICT DO NOTHING RETURNING id
"""

# What both must have written, row for row (ids and clocks aside).
ROWS = """SELECT count(*), md5(string_agg(concat_ws(',', subscription_id, kind, treaty_id, deadline_id, lead_days,
    armed_for, armed_precision, armed_until, status, next_try_at, attempts, message_id, error, created_at),
    ';' ORDER BY subscription_id, deadline_id)) FROM treaties_reminderdelivery"""


def ceiling(now) -> int:
    today = now.date()
    later = now + dt.timedelta(seconds=settings.ALERTS_REQUEUE_AFTER)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CEILING, {"first": today - dt.timedelta(days=2), "last": today + dt.timedelta(days=367),
                                 "leads": sorted(LEAD_CHOICES), "now": now, "later": later})
        return len(cursor.fetchall())


def scan(now) -> int:
    return alerts_scan.reminders_scan(now=now).reminders


def timed(function) -> tuple[float, int]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def emptied() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE treaties_reminderdelivery")


def rows() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(ROWS)
        return cursor.fetchone()


def summary(values: list[float]) -> str:
    return f"{min(values) * 1000:,.0f} / {statistics.median(values) * 1000:,.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=5, help="ceiling–scan pairs per size")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/alerts_bench")
    # JIT off, as tracker.settings sets it for PostgreSQL unless PG_JIT=on: compiling these statements' plans
    # costs seconds each and saves nothing (the pages benchmark measures it).
    connection.settings_dict.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    connection.close()
    call_command("migrate", verbosity=0)
    alerts_scan.deliveries_enqueue_on_commit = lambda *args: None  # time the writes, not the broker
    print("| pairs | subscriptions | due reminders | ceiling, first run (min / median) | scan, first run "
          "| scan ÷ ceiling (min / median) | ceiling, next run | scan, next run |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for pairs in args.pairs:
        made = generate(pairs)
        now = timezone.now()
        times = {"ceiling": [], "scan": [], "ceiling again": [], "scan again": []}
        written = {}
        for _ in range(args.rounds):
            for name, run in (("ceiling", ceiling), ("scan", scan)):
                emptied()
                elapsed, first = timed(lambda run=run, now=now: run(now))
                times[name].append(elapsed)
                written[name] = rows()
                elapsed, again = timed(lambda run=run, now=now: run(now))
                assert again == 0, (name, again)
                times[f"{name} again"].append(elapsed)
            assert written["ceiling"] == written["scan"], written
        ratios = [s / c for c, s in zip(times["ceiling"], times["scan"], strict=True)]
        print(f"| {made:,} | {Subscription.objects.count():,} | {written['scan'][0]:,} | {summary(times['ceiling'])} "
              f"| {summary(times['scan'])} | {min(ratios):.2f}× / {statistics.median(ratios):.2f}× "
              f"| {summary(times['ceiling again'])} | {summary(times['scan again'])} |", flush=True)
        emptied()


if __name__ == "__main__":
    main()
