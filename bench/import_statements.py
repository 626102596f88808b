"""Time a bulk import of generated statements (100,000 by default) on the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/import_statements.py [COUNT]

Runs in a throwaway test database (Django's `test_` prefix), so it leaves the
configured one alone. Prints the time of a dry run, the import, and the same
file imported again (every record unchanged).
"""

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from treaties.models import Statement, Treaty  # noqa: E402
from treaties.reference_data import load_reference_data  # noqa: E402
from treaties.transfer.formats import write_csv  # noqa: E402
from treaties.transfer.imports import data_import  # noqa: E402


def statements_csv(count: int, slugs: list[str]) -> bytes:
    rng = random.Random(2026)
    start = dt.date(2000, 1, 1)
    rows = []
    for n in range(count):
        day = start + dt.timedelta(days=rng.randrange(9000))
        rows.append({
            "url": f"https://bench.example.org/statements/{n}", "title": f"Statement {n} on arms control",
            "outlet": rng.choice(["TASS", "Reuters", "AP", "RIA"]), "date": day.isoformat(), "precision": "day",
            "date_note": "", "speaker": f"Speaker {n % 500}", "speaker_role": "Spokesperson",
            "quote": "We remain committed to the treaty's goals. " * 3,
            "full_text": "<p>First paragraph.</p><p>Second <em>paragraph</em>.</p>", "language": "en",
            "treaties": rng.sample(slugs, rng.choice([1, 1, 2])),
        })
    return write_csv("statements", rows).encode()


def timed(label: str, count: int, **kwargs):
    began = time.perf_counter()
    report = data_import(**kwargs)
    seconds = time.perf_counter() - began
    assert report.ok, report.problems[:5]
    print(f"{label}: {seconds:.1f} s ({count / seconds:,.0f} records/s) — {'; '.join(report.summary())}")
    return seconds


def main(count: int) -> None:
    old = setup_databases(verbosity=0, interactive=False)
    try:
        load_reference_data()
        slugs = list(Treaty.objects.values_list("slug", flat=True))
        content = statements_csv(count, slugs)
        files = [("statements.csv", content)]
        print(f"{connection.vendor}, {count:,} statements, {len(content) / 1e6:.1f} MB of CSV")
        timed("dry run", count, files=files, dry_run=True)
        timed("import", count, files=files)
        timed("same file again", count, files=files)
        assert Statement.objects.count() == count + 3
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
