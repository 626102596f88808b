"""Feed ingestion of a large generated RSS 2.0 feed (10,000 items by default), beside feedparser's parse alone.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/feed_ingest.py [ITEMS] [--rounds N]

Runs in a throwaway test database (Django's `test_` prefix) holding the shipped data, so it leaves the
configured one alone, with `DEBUG` off as in production. The ceiling is feedparser parsing the same bytes;
it and `feed_ingest` storing them (every entry a new statement, read for treaties and dates) are interleaved,
parse, store, parse, store, …, each round's stories under new addresses; the store is then run once more over
what it stored (every entry already recorded). `read_feed` (parse, clean every entry's HTML, normalise its
URL) is timed once beside them. Celery publishes to an in-memory broker here: the messages the ingest sends
(one per batch of linked statements) are counted after each store and dropped, so none is left queued.
"""

import argparse
import dataclasses
import datetime as dt
import logging
import os
import random
import statistics
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
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from feeds.entries import read_feed  # noqa: E402
from feeds.ingest import feed_ingest  # noqa: E402
from feeds.models import DeadlineSuggestion, TreatyMention  # noqa: E402
from tracker.celery import app  # noqa: E402
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


def timed(work) -> tuple[float, object]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def published() -> int:
    """Messages the ingest sent to the in-memory broker since the last call; they are dropped."""
    with app.connection_for_write() as connection_, connection_.channel() as channel:
        return channel.queue_purge(settings.ALERTS_QUEUE) or 0


def as_new(feed, round_: int):
    """The same feed with every story under another address and id, so each round stores every entry anew."""
    def moved(entry):
        return dataclasses.replace(entry, url=entry.url.replace("/news/", f"/news/{round_}/"),
                                   normalised_url=entry.normalised_url.replace("/news/", f"/news/{round_}/"),
                                   guid=f"{entry.guid}.{round_}" if entry.guid else "")
    return dataclasses.replace(feed, entries=[moved(entry) for entry in feed.entries])


def summary(values: list[float], items: int) -> str:
    return (f"{min(values):.2f} / {statistics.median(values):.2f} s "
            f"({items / statistics.median(values):,.0f} entries/s at the median)")


def main(items: int, rounds: int) -> None:
    logging.getLogger("treaties").setLevel(logging.WARNING)
    settings.DEBUG = False  # as in production: no query log kept in memory
    app.conf.broker_url = "memory://"  # count what the ingest publishes, keep nothing queued anywhere
    body = generated_feed(items)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        load_reference_data()
        print(f"{connection.vendor}, {items:,} items, {len(body) / 1e6:.1f} MB of RSS, {rounds} rounds")
        published()
        seconds, feed = timed(lambda: read_feed(body, content_type="application/rss+xml",
                                                url="https://bench.example.org/rss"))
        print(f"read_feed (parse + clean HTML + normalise URLs), once: {seconds:.2f} s")
        times = {"parse": [], "store": []}
        for round_ in range(rounds):
            fresh = as_new(feed, round_)
            seconds, _parsed = timed(lambda: feedparser.parse(body, sanitize_html=False))
            times["parse"].append(seconds)
            seconds, first = timed(lambda fresh=fresh: feed_ingest(feed=fresh, outlet="Bench"))
            times["store"].append(seconds)
            messages = published()
            assert first.created == items, first.summary()
        seconds, again = timed(lambda fresh=fresh: feed_ingest(feed=fresh, outlet="Bench"))
        assert published() == 0
        ratios = [store / parse for parse, store in zip(times["parse"], times["store"], strict=True)]
        print(f"feedparser.parse alone (min / median): {summary(times['parse'], items)}")
        print(f"store, every entry new (min / median): {summary(times['store'], items)}")
        print(f"store ÷ parse, round by round (min / median): {min(ratios):.2f}× / {statistics.median(ratios):.2f}×")
        print(f"store again, every entry already recorded: {seconds:.2f} s")
        print(f"  first: {first.summary()}; {messages} messages published\n  again: {again.summary()}")
        print(f"  {TreatyMention.objects.count():,} mentions, {DeadlineSuggestion.objects.count():,} dates stored")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("items", type=int, nargs="?", default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    main(arguments.items, arguments.rounds)
