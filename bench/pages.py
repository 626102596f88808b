"""Pages on a large dataset, each measured beside a bare Django view, A B A B.

    createdb -h 127.0.0.1 -U postgres bench_perf
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_perf .venv/bin/python bench/pages.py

Generates (once, on a fresh or migrated database) 10,000 treaties with 10 events each and 1,000,000
statements, then measures, for each page:

- in process (Django's test client, the whole middleware stack, no network): the bare view and the page in
  turn, cold (cache emptied before each page request) and warm, min and median in ms;
- through gunicorn (2 sync workers, a shared Redis cache) with wrk: bare view, page, bare view, page, and
  the page's share of the bare view's requests/s in each pair, min and median.

`--at-scale` (or its older name `--as-of-only`) measures only what the targets ask of the 100,000-treaty dataset:
the pages as of other days and the treaty search (cold and warm).
Prints Markdown for docs/benchmarks.md. Loopback only; bounded in time.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from treaties import status_counts, versions  # noqa: E402
from treaties.derived import intervals_refresh, record_changed  # noqa: E402
from treaties.models import Statement, Treaty  # noqa: E402
from treaties.reference_data import load_reference_data  # noqa: E402

GENERATE = """
INSERT INTO treaties_party (name, short_name, slug, iso_code, is_organisation, note)
SELECT 'Bench party ' || i, 'BP' || i, 'bench-party-' || i, '', false, ''
FROM generate_series(1, 200) i ON CONFLICT DO NOTHING;

INSERT INTO treaties_treaty (name, short_name, slug, category, subject, kind, parties_note, summary,
    official_text_url, term_years, lapses_at_term_end, extension_times, extension_max_years,
    withdrawal_notice_months, withdrawal_notice_days, duration_text, extension_text, withdrawal_text,
    provision_sources, checked_against, editor_note, created_at, updated_at)
SELECT 'Bench treaty number ' || i, 'BT-' || lpad(i::text, 6, '0'), 'bt-' || i,
    (ARRAY['arms_control','trade','environment','disarmament'])[1 + i % 4], '',
    CASE WHEN i % 3 = 0 THEN 'multilateral' ELSE 'bilateral' END, '', 'A generated treaty.', '',
    10 + i % 30, true, NULL, NULL, 6, NULL, '', '', '', '[]'::jsonb, '', '', now(), now()
FROM generate_series(1, {TREATIES}) i;

-- Ten events per treaty: signed, in force, then a mix, dates spread over 1950-2030.
INSERT INTO treaties_treatyevent (treaty_id, kind, date, precision, date_note, description, source_url,
    source_kind, source_publisher, editor_note, extension_years, key)
SELECT t.id,
    (ARRAY['signed','entered_into_force','ratified','other','suspended','other','resumed','other',
           'withdrawal_notice','other'])[n],
    DATE '1950-01-01' + (((t.id * 37) % 20000) + n * 300)::int, 'day', '', 'Generated event.',
    'https://example.org/source/' || t.id || '/' || n, 'official', '', '', NULL, 'bench-' || n
FROM treaties_treaty t CROSS JOIN generate_series(1, 10) n
WHERE t.slug LIKE 'bt-%';

INSERT INTO treaties_treaty_parties (treaty_id, party_id)
SELECT t.id, p.id FROM treaties_treaty t
JOIN treaties_party p ON p.slug IN ('bench-party-' || (1 + t.id % 200), 'bench-party-' || (1 + (t.id + 7) % 200))
WHERE t.slug LIKE 'bt-%';

INSERT INTO treaties_statement (title, outlet, url, date, precision, date_note, speaker, speaker_role, quote,
    full_text, language, voice, created_at)
SELECT 'Generated statement ' || i, (ARRAY['TASS','Reuters','AP','AFP'])[1 + i % 4],
    'https://example.org/statement/' || i, DATE '2000-01-01' + (i % 9000), 'day', '',
    'Speaker ' || (i % 500), '', 'A generated quote about a treaty.', '', 'en', '', now()
FROM generate_series(1, {STATEMENTS}) i;

-- Skewed on purpose: half of all statements are about one treaty (New START), the rest spread thinly.
INSERT INTO treaties_statement_treaties (statement_id, treaty_id)
SELECT s.id, CASE WHEN s.id % 2 = 0 THEN (SELECT id FROM treaties_treaty WHERE slug = 'new-start')
                  ELSE (SELECT id FROM treaties_treaty WHERE slug = 'bt-' || (1 + s.id % {TREATIES})) END
FROM treaties_statement s
WHERE s.url LIKE 'https://example.org/statement/%';
"""

PAGES = {
    "/": "dashboard",
    "/treaties/": "treaty list",
    "/treaties/?status=suspended": "treaty list, filtered by status",
    "/treaties/new-start/": "treaty page (New START)",
    "/treaties/bt-5000/": "treaty page (generated)",
    "/statements/": "statements",
    "/statements/?speaker=Speaker+42": "statements, by speaker",
    "/statements/?q=vacuum": "statement search, rare word",
    "/statements/?q=generated+quote": "statement search, common words",
    "/treaties/?q=number+4242": "treaty search",
    "/timeline/": "timeline",
    "/api/v1/treaties/": "API: treaties",
}
AS_OF = {
    "/?on=1990-06-01": "dashboard as of 1990",
    "/treaties/?on=2001-01-01": "treaty list as of 2001",
    "/treaties/?status=suspended&on=2010-03-01": "treaty list by status as of 2010",
    "/treaties/?sort=entry_into_force&on=1999-01-01": "treaty list by entry into force, 1999",
    "/api/v1/treaties/?on=2030-01-01": "API: treaties as of 2030",
    "/treaties/?q=number+4242&on=2005-05-05": "treaty search as of 2005",
    "/timeline/?on=2005-05-05": "timeline as of 2005",
    "/timeline/?page=250": "timeline, page 250",
}
# What else is measured at 100,000 treaties (`--at-scale`): the search has to find a few among them all.
AT_SCALE = {"/treaties/?q=number+4242": "treaty search"}
BARE = "/bench/bare/"


# Past DERIVED treaties, the rest are copies of the derived ones (bt-1 copied as bt-10001, bt-20001, …) with
# their events, deadlines and status intervals: deriving is a function of a treaty's events, so a copy's derived
# rows are what deriving it would give, and 100,000 treaties take minutes instead of hours to generate.
DERIVED = 10_000
COPY = """
INSERT INTO treaties_treaty (id, name, short_name, slug, category, subject, kind, parties_note, summary,
    official_text_url, term_years, lapses_at_term_end, extension_times, extension_max_years,
    withdrawal_notice_months, withdrawal_notice_days, duration_text, extension_text, withdrawal_text,
    provision_sources, created_at, updated_at, consent_effect_days, checked_against, checked_on, editor_note,
    review_every_years)
SELECT id + %(t)s, 'Bench treaty number ' || (n + %(n)s), 'BT-' || lpad((n + %(n)s)::text, 6, '0'),
    'bt-' || (n + %(n)s), category, subject, kind, parties_note, summary, official_text_url, term_years,
    lapses_at_term_end, extension_times, extension_max_years, withdrawal_notice_months, withdrawal_notice_days,
    duration_text, extension_text, withdrawal_text, provision_sources, created_at, updated_at,
    consent_effect_days, checked_against, checked_on, editor_note, review_every_years
FROM treaties_treaty JOIN base USING (id) WHERE n <= %(base)s;

INSERT INTO treaties_treaty_parties (treaty_id, party_id)
SELECT treaty_id + %(t)s, party_id FROM treaties_treaty_parties
WHERE treaty_id IN (SELECT id FROM base WHERE n <= %(base)s);

INSERT INTO treaties_treatyevent (id, date, precision, date_note, kind, description, source_url, extension_years,
    key, treaty_id, editor_note, source_kind, source_publisher, date_until)
SELECT id + %(e)s, date, precision, date_note, kind, description, source_url, extension_years, key,
    treaty_id + %(t)s, editor_note, source_kind, source_publisher, date_until
FROM treaties_treatyevent WHERE treaty_id IN (SELECT id FROM base WHERE n <= %(base)s);

INSERT INTO treaties_deadline (id, date, precision, date_note, kind, description, source_url, rule, updated_at,
    treaty_id, derived_from_id, key, superseded_by_id, superseded_on, editor_note, source_kind, source_publisher,
    date_until)
SELECT id + %(d)s, date, precision, date_note, kind, description, source_url, rule, updated_at, treaty_id + %(t)s,
    derived_from_id + %(e)s, key, superseded_by_id + %(d)s, superseded_on, editor_note, source_kind,
    source_publisher, date_until
FROM treaties_deadline WHERE treaty_id IN (SELECT id FROM base WHERE n <= %(base)s);

INSERT INTO treaties_deadlinerevision (deadline_id, number, revised_at, digest)
SELECT r.deadline_id + %(d)s, r.number, r.revised_at, r.digest FROM treaties_deadlinerevision r
JOIN treaties_deadline d ON d.id = r.deadline_id WHERE d.treaty_id IN (SELECT id FROM base WHERE n <= %(base)s);

INSERT INTO treaties_statusinterval (id, starts_on, ends_on, code, suspended, since, detail, next_deadline,
    entry_into_force, treaty_id)
SELECT id + %(i)s, starts_on, ends_on, code, suspended, since, detail, next_deadline, entry_into_force,
    treaty_id + %(t)s
FROM treaties_statusinterval WHERE treaty_id IN (SELECT id FROM base WHERE n <= %(base)s);
"""


def replicate(treaties: int) -> None:
    """Copies of the first DERIVED generated treaties until there are `treaties` generated ones."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE base AS SELECT id, substr(slug, 4)::int AS n FROM treaties_treaty "
                       "WHERE slug LIKE 'bt-%%' AND substr(slug, 4)::int <= %s", [DERIVED])
        for copy in range(1, -(-treaties // DERIVED)):
            offsets = {}
            for key, table in (("t", "treaty"), ("e", "treatyevent"), ("d", "deadline"), ("i", "statusinterval")):
                cursor.execute(f"SELECT coalesce(max(id), 0) FROM treaties_{table}")
                offsets[key] = cursor.fetchone()[0]
            cursor.execute(COPY, {**offsets, "n": copy * DERIVED, "base": min(DERIVED, treaties - copy * DERIVED)})
        cursor.execute("DROP TABLE base")
        for table in ("treaty", "treatyevent", "deadline", "statusinterval", "treaty_parties"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('treaties_{table}', 'id'), max(id)) "
                           f"FROM treaties_{table}")
    status_counts.rebuild()  # the copies' intervals were written in SQL, not counted as they were stored


def generate(treaties: int, statements: int) -> None:
    present = Treaty.objects.filter(slug__startswith="bt-").count()
    if present == DERIVED < treaties:  # a copy of the 10,000-treaty database, made larger
        replicate(treaties)
        versions.bump()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    if present:
        print(f"dataset present: {Treaty.objects.count():,} treaties, {Statement.objects.count():,} statements")
        return
    started = time.monotonic()
    load_reference_data()
    with connection.cursor() as cursor:
        cursor.execute(GENERATE.replace("{TREATIES}", str(min(treaties, DERIVED)))
                       .replace("{STATEMENTS}", str(statements)))
    # What an import of that many treaties does: derive their deadlines, then store their status intervals.
    record_changed(treaty_ids=Treaty.objects.filter(slug__startswith="bt-").values_list("pk", flat=True))
    refreshed = time.monotonic()
    intervals_refresh()
    print(f"status intervals of all {Treaty.objects.count():,} treaties stored again in "
          f"{time.monotonic() - refreshed:.0f} s")
    if treaties > DERIVED:
        replicate(treaties)
        versions.bump()
    with connection.cursor() as cursor:
        # VACUUM too, as autovacuum would in time: until then the visibility map is empty and every index-only
        # scan reads the table's rows as well (the dashboard measured 33 ms cold just after generating, 28 after).
        cursor.execute("VACUUM (ANALYZE)")
    print(f"generated in {time.monotonic() - started:.0f} s")


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def in_process(pages: dict, rounds: int) -> list[tuple]:
    """A B A B in one process: the bare view, then the page, `rounds` times; cold and warm."""
    client, rows = Client(HTTP_HOST="127.0.0.1"), []
    for url, name in pages.items():
        results = {}
        for state in ("cold", "warm"):
            bare, page = [], []
            client.get(url)
            for _ in range(rounds):
                bare.append(timed(client, BARE))
                if state == "cold":
                    caches["pages"].clear()  # empties the page cache (this process's own unless told otherwise)
                page.append(timed(client, url))
            results[state] = (min(bare), statistics.median(bare), min(page), statistics.median(page))
        rows.append((name, url, results))
    return rows


def wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", url],
                         capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        sys.exit(f"{url} answered errors:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def served(pages: dict, seconds: int, pairs: int, workers: int, port: int, connections: int) -> list[tuple]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "API_RATE_LIMIT": "100000000/minute",
           "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/7")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "tracker.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(workers), "--log-level", "warning"], cwd=ROOT, env=env)
    base, rows = f"http://127.0.0.1:{port}", []
    try:
        time.sleep(3)
        for url, name in pages.items():
            # Warm it as wrk asks for it: with no Accept header (a header of the cache's key).
            subprocess.run(["curl", "-s", "-o", "/dev/null", "-H", "Accept:", base + url], check=True)
            shares, page_rps, bare_rps = [], [], []
            for _ in range(pairs):
                bare_rps.append(wrk(base + BARE, seconds, connections))
                page_rps.append(wrk(base + url, seconds, connections))
                shares.append(page_rps[-1] / bare_rps[-1])
            rows.append((name, statistics.median(bare_rps), statistics.median(page_rps), min(shares),
                         statistics.median(shares)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


def jit_effect(rounds: int) -> tuple[float, float]:
    """The treaty list's query with PostgreSQL's JIT on and off (cache out of the way), median ms."""
    client, medians = Client(HTTP_HOST="127.0.0.1"), []
    for setting in ("on", "off"):
        with connection.cursor() as cursor:
            cursor.execute(f"SET jit = {setting}")
        times = []
        for _ in range(rounds):
            caches["pages"].clear()
            times.append(timed(client, "/treaties/?sort=entry_into_force"))
        medians.append(statistics.median(times))
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    return medians[0], medians[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--treaties", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15, help="A B pairs per page in process")
    parser.add_argument("--seconds", type=int, default=5, help="each wrk run")
    parser.add_argument("--pairs", type=int, default=2, help="A B pairs of wrk runs per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--at-scale", "--as-of-only", dest="at_scale", action="store_true")
    parser.add_argument("--no-wrk", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    generate(args.treaties, args.statements)
    print(f"\n{Treaty.objects.count():,} treaties, {Statement.objects.count():,} statements\n")
    # The generated treaty in the middle of however many there are (bt-5000 at the default 10,000).
    PAGES[f"/treaties/bt-{max(1, args.treaties // 2)}/"] = PAGES.pop("/treaties/bt-5000/")
    pages = {**AT_SCALE, **AS_OF} if args.at_scale else {**PAGES, **AS_OF}
    print("In process (test client), ms: bare view min / median, then the page min / median")
    print("\n| page | cold: bare | cold: page | warm: bare | warm: page |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _url, r in in_process(pages, args.rounds):
        cells = [f"{r[s][0]:.1f} / {r[s][1]:.1f} | {r[s][2]:.1f} / {r[s][3]:.1f}" for s in ("cold", "warm")]
        print(f"| {name} | {' | '.join(cells)} |")
    if not args.at_scale:
        on, off = jit_effect(args.rounds)
        print(f"\nTreaty list sorted by entry into force, uncached, median: jit on {on:.1f} ms, jit off {off:.1f} ms")
    if args.no_wrk or args.at_scale:
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    connection.close()
    print(f"\ngunicorn {args.workers} workers, wrk {args.connections} connections, {args.seconds} s per run, "
          f"{args.pairs} A B pairs, warm")
    print("\n| page | bare view req/s | page req/s | share of bare view (min / median) |")
    print("| --- | ---: | ---: | ---: |")
    for name, bare, page, low, mid in served(PAGES, args.seconds, args.pairs, args.workers, args.port,
                                             args.connections):
        print(f"| {name} | {bare:.0f} | {page:.0f} | {low:.0%} / {mid:.0%} |")


if __name__ == "__main__":
    main()
