"""Statement search on a large dataset: the full-text search beside the substring search it replaced, A B A B.

    createdb -h 127.0.0.1 -U postgres -T bench_perf search_bench     # a copy of bench/pages.py's dataset
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench .venv/bin/python bench/statement_search.py

Migrates the database (adding the search vector to a million statements takes a minute or two), then, for
each search, in turn, `--rounds` times:

- the old search (the ceiling it must beat): `icontains` on title, quote and speaker, newest first, a page
  of 25 and the count bounded at 10,001, as /statements/ ran them before migration 0021;
- the new one as /statements/ runs it: the count, then the page of 25 (ranked, and `sort=newest`);
- the whole page, in process (Django's test client, every middleware), its cache emptied first, and the same
  page without a search (`/statements/`, the floor: what the page costs whatever the search).

Prints min / median ms as Markdown, and each new query's plan (EXPLAIN ANALYZE). `--smoke` generates a
small dataset first on an empty database.
"""

import argparse
import datetime as dt
import os
import statistics
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
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from treaties.models import Statement  # noqa: E402
from treaties.pagination import COUNT_LIMIT  # noqa: E402
from treaties.selectors import statement_search  # noqa: E402

ON = dt.date(2026, 11, 30)
PAGE = 25
SEARCHES = {
    "vacuum": "a rare word (shipped statements only)",
    "ДСНВ": "Cyrillic, rare",
    "speaker 42": "words in 1 statement in 500",
    "generated quote": "words in every statement",
    "generated -quote": "common words that never meet (worst case)",
}


def old_search(q: str):
    return (Statement.objects.filter(date__lte=ON)
            .filter(Q(title__icontains=q) | Q(quote__icontains=q) | Q(speaker__icontains=q)).order_by("-date", "-id"))


def page_and_count(statements) -> float:
    started = time.perf_counter()
    statements[:COUNT_LIMIT + 1].count()
    list(statements[:PAGE])
    return (time.perf_counter() - started) * 1000


def whole_page(client: Client, q: str) -> float:
    caches["pages"].clear()
    caches["default"].clear()
    started = time.perf_counter()
    response = client.get("/statements/", {"q": q} if q else {})
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000


def explain(statements) -> str:
    sql, params = statements[:PAGE].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) {sql}", params)
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def smoke_dataset() -> None:
    if Statement.objects.exists():
        return
    Statement.objects.bulk_create(
        Statement(title=f"Generated statement {i}", outlet="TASS", url=f"https://example.org/statement/{i}",
                  date=dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000), speaker=f"Speaker {i % 500}",
                  quote="A generated quote about a treaty.")
        for i in range(3000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE treaties_statement")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="generate 3,000 statements on an empty database")
    parser.add_argument("--plans", action="store_true", help="print each new query's plan")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    if args.smoke:
        smoke_dataset()
    print(f"{Statement.objects.count():,} statements; load average before: {os.getloadavg()}")
    client = Client(HTTP_HOST="127.0.0.1")
    print("\n| search | old substring search (ceiling) | full text, ranked | full text, newest first "
          "| whole page, cold | the page without a search, cold | new ÷ old (median) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for q, what in SEARCHES.items():
        runs = {"old": [], "ranked": [], "newest": [], "page": [], "floor": []}
        for _ in range(args.rounds):
            runs["old"].append(page_and_count(old_search(q)))
            runs["ranked"].append(page_and_count(statement_search(on=ON, q=q)))
            runs["newest"].append(page_and_count(statement_search(on=ON, q=q, sort="newest")))
            runs["page"].append(whole_page(client, q))
            runs["floor"].append(whole_page(client, ""))
        cells = [f"{min(r):.1f} / {statistics.median(r):.1f}" for r in runs.values()]
        ratio = statistics.median(runs["ranked"]) / statistics.median(runs["old"])
        print(f"| {what} (“{q}”) | {' | '.join(cells)} | {ratio:.4f} |", flush=True)
    print(f"\nload average after: {os.getloadavg()}")
    if args.plans:
        for q in SEARCHES:
            for sort in ("relevance", "newest"):
                print(f"\n{q!r}, {sort}:\n{explain(statement_search(on=ON, q=q, sort=sort))}")


if __name__ == "__main__":
    main()
