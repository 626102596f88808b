"""Page throughput and latency on a large dataset, beside a bare Django view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages .venv/bin/python bench/pages.py

Generates (once) 10,000 treaties, 100,000 events, 1,000,000 statements on
PostgreSQL, serves the app with gunicorn, and loads each page with wrk for a
fixed time at a fixed concurrency. Prints a Markdown table for
docs/benchmarks.md. Loopback only; bounded in time.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from treaties.derived import statuses_refresh  # noqa: E402
from treaties.models import Statement, Treaty  # noqa: E402
from treaties.reference_data import load_reference_data  # noqa: E402

GENERATE = """
INSERT INTO treaties_party (name, short_name, slug, iso_code, is_organisation, note)
SELECT 'Bench party ' || i, 'BP' || i, 'bench-party-' || i, '', false, ''
FROM generate_series(1, 200) i ON CONFLICT DO NOTHING;

INSERT INTO treaties_treaty (name, short_name, slug, category, subject, kind, parties_note, summary,
    official_text_url, term_years, lapses_at_term_end, extension_times, extension_max_years,
    withdrawal_notice_months, withdrawal_notice_days, duration_text, extension_text, withdrawal_text,
    provision_sources, created_at, updated_at)
SELECT 'Bench treaty number ' || i, 'BT-' || lpad(i::text, 5, '0'), 'bt-' || i,
    (ARRAY['arms_control','trade','environment','disarmament'])[1 + i % 4], '',
    CASE WHEN i % 3 = 0 THEN 'multilateral' ELSE 'bilateral' END, '', 'A generated treaty.', '',
    10 + i % 30, true, NULL, NULL, 6, NULL, '', '', '', '[]'::jsonb, now(), now()
FROM generate_series(1, {TREATIES}) i;

-- Ten events per treaty: signed, in force, then a mix, dates spread over 1950-2030.
INSERT INTO treaties_treatyevent (treaty_id, kind, date, precision, date_note, description, source_url,
    extension_years, key)
SELECT t.id,
    (ARRAY['signed','entered_into_force','ratified','other','suspended','other','resumed','other',
           'withdrawal_notice','other'])[n],
    DATE '1950-01-01' + (((t.id * 37) % 20000) + n * 300)::int, 'day', '', 'Generated event.',
    'https://example.org/source/' || t.id || '/' || n, NULL, 'bench-' || n
FROM treaties_treaty t CROSS JOIN generate_series(1, 10) n
WHERE t.slug LIKE 'bt-%';

INSERT INTO treaties_treaty_parties (treaty_id, party_id)
SELECT t.id, p.id FROM treaties_treaty t
JOIN treaties_party p ON p.slug IN ('bench-party-' || (1 + t.id % 200), 'bench-party-' || (1 + (t.id + 7) % 200))
WHERE t.slug LIKE 'bt-%';

INSERT INTO treaties_statement (title, outlet, url, date, precision, date_note, speaker, speaker_role, quote,
    full_text, language, created_at)
SELECT 'Generated statement ' || i, (ARRAY['TASS','Reuters','AP','AFP'])[1 + i % 4],
    'https://example.org/statement/' || i, DATE '2000-01-01' + (i % 9000), 'day', '',
    'Speaker ' || (i % 500), '', 'A generated quote about a treaty.', '', 'en', now()
FROM generate_series(1, {STATEMENTS}) i;

INSERT INTO treaties_statement_treaties (statement_id, treaty_id)
SELECT s.id, t.id FROM treaties_statement s
JOIN treaties_treaty t ON t.slug = 'bt-' || (1 + s.id % {TREATIES})
WHERE s.url LIKE 'https://example.org/statement/%';
"""


def generate(treaties: int, statements: int) -> None:
    if Treaty.objects.filter(slug__startswith="bt-").exists():
        print(f"dataset present: {Treaty.objects.count()} treaties, {Statement.objects.count()} statements")
        return
    started = time.monotonic()
    load_reference_data()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE.replace("{TREATIES}", str(treaties)).replace("{STATEMENTS}", str(statements)))
    from treaties.derived import deadlines_refresh

    for treaty in Treaty.objects.filter(slug__startswith="bt-").iterator():
        deadlines_refresh(treaty=treaty)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"generated in {time.monotonic() - started:.0f} s")


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": _ms(p50), "p99": _ms(p99), "errors": int(errors.group(1)) if errors else 0}


def _ms(match) -> float:
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--treaties", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://…")
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    call_command("migrate", verbosity=0)
    generate(args.treaties, args.statements)
    started = time.monotonic()
    statuses_refresh(only_stale=True)  # what beat does every 15 minutes
    print(f"stored statuses refreshed in {time.monotonic() - started:.1f} s")
    connection.close()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tracker.wsgi", "--bind",
         f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        time.sleep(3)
        pages = {
            "bare Django view": "/bench/bare/",
            "dashboard": "/",
            "treaty list": "/treaties/",
            "treaty list, filtered by status": "/treaties/?status=suspended",
            "treaty page (New START)": "/treaties/new-start/",
            "treaty page (generated)": "/treaties/bt-5000/",
            "statements": "/statements/",
        }
        results = {name: wrk(base + path, args.seconds, args.connections) for name, path in pages.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    bare = results["bare Django view"]["rps"]
    print(f"\n{args.treaties:,} treaties, {10 * args.treaties:,} generated events, {args.statements:,} statements; "
          f"gunicorn {args.workers} workers; wrk {args.connections} connections for {args.seconds} s each\n")
    print("| page | requests/s | p50 ms | p99 ms | non-2xx | share of bare view |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        print(f"| {name} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | {r['rps'] / bare:.1%} |")


if __name__ == "__main__":
    main()
