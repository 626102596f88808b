"""Time feed ingestion on a large generated RSS 2.0 feed (10,000 items by default), beside feedparser alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/feed_ingest.py [ITEMS]

Runs in a throwaway test database (Django's `test_` prefix), so it leaves the configured one alone.
Prints, for the same bytes: feedparser's parse alone; `read_feed` (parse, then clean every entry's
HTML and normalise its URL); storing it into a database holding only the shipped data (every entry
a new statement, read for treaties and dates); and storing it again (every entry already recorded).
"""

import datetime as dt
import logging
import os
import random
import sys
import time
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import feedparser  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from feeds.entries import read_feed  # noqa: E402
from feeds.ingest import feed_ingest  # noqa: E402
from feeds.models import DeadlineSuggestion, TreatyMention  # noqa: E402
from treaties.models import Statement  # noqa: E402
from treaties.reference_data import load_reference_data  # noqa: E402

# What real items say: most name no treaty, some name one clearly, a few only "START", some give a date.
SENTENCES = [
    "Officials met in Geneva to discuss regional security.",
    "The ministry declined to comment on the report.",
    "It’s quite possible that after New START expires in February 2026, a vacuum will be created.",
    "Delegates to the NPT review conference meet on 27 April 2026.",
    "Замминистра напомнил, что ДСНВ истекает 5 февраля 2026 года.",
    "The diplomat said the START framework had served both sides for decades.",
    "The Paris Agreement targets were discussed until 2030.",
    "Observers said the Chemical Weapons Convention remained in force.",
]


def generated_feed(items: int) -> bytes:
    rng = random.Random(2026)
    published = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Bench</title>'
             "<link>https://bench.example.org/</link><description>Generated</description><language>en</language>"]
    for n in range(items):
        text = " ".join(rng.choice(SENTENCES[:2] * 4 + SENTENCES[2:]) for _ in range(3))
        when = format_datetime(published + dt.timedelta(minutes=7 * n))
        parts.append(
            f"<item><title>Story {n}: {escape(text[:60])}</title>"
            f"<link>https://bench.example.org/news/{n}?utm_source=rss</link>"
            f'<guid isPermaLink="false">{n}</guid><pubDate>{when}</pubDate>'
            f"<description>{escape(f'<p>{text}</p><script>track({n})</script>')}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def timed(label: str, items: int, work):
    began = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - began
    print(f"{label}: {seconds:.2f} s ({items / seconds:,.0f} entries/s)")
    return result


def main(items: int) -> None:
    logging.getLogger("treaties").setLevel(logging.WARNING)
    body = generated_feed(items)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        load_reference_data()
        print(f"{connection.vendor}, {items:,} items, {len(body) / 1e6:.1f} MB of RSS")
        timed("feedparser.parse alone", items, lambda: feedparser.parse(body, sanitize_html=False))
        feed = timed("read_feed (parse + clean HTML + normalise URLs)", items,
                     lambda: read_feed(body, content_type="application/rss+xml", url="https://bench.example.org/rss"))
        first = timed("store: every entry new", items, lambda: feed_ingest(feed=feed, outlet="Bench"))
        again = timed("store again: all already recorded", items, lambda: feed_ingest(feed=feed, outlet="Bench"))
        print(f"  first: {first.summary()}\n  again: {again.summary()}")
        assert Statement.objects.filter(outlet="Bench").count() == items
        print(f"  {TreatyMention.objects.count():,} mentions, {DeadlineSuggestion.objects.count():,} dates stored")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
