import datetime as dt
import gzip
from pathlib import Path

import feedparser
import time_machine
from lxml import etree

from treaties import versions
from treaties.models import Statement, Treaty


def test_the_statements_feed_is_atom_that_feedparser_reads(reference_data, client):
    response = client.get("/statements/feed/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    newest = Statement.objects.order_by("-date", "-id").first()
    assert feed.entries[0].title == newest.title
    treaty_feed = feedparser.parse(client.get("/treaties/new-start/statements/feed/").content)
    tass = next(e for e in treaty_feed.entries if "Russian envoy" in e.title)
    assert "Grigory Mashkov, Ambassador-at-Large, Russian Foreign Ministry" in tass.summary
    assert tass.id == "https://tass.com/politics/1608067"
    assert tass.published_parsed[:3] == (2023, 4, 22)
    assert [t.term for t in tass.tags] == ["New START"]


def test_a_treaty_has_its_own_statements_feed(reference_data, client):
    feed = feedparser.parse(client.get("/treaties/new-start/statements/feed/").content)
    assert feed.feed.title == "Treaty Tracker: statements on New START"
    assert len(feed.entries) == min(Statement.objects.filter(treaties__slug="new-start").count(), 50) > 3
    silent = Treaty.objects.filter(statements__isnull=True).first()
    assert feedparser.parse(client.get(f"/treaties/{silent.slug}/statements/feed/").content).entries == []
    assert client.get("/treaties/nope/statements/feed/").status_code == 404


def test_pages_advertise_their_feeds(reference_data, client):
    html = client.get("/treaties/new-start/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/treaties/new-start/statements/feed/"' in html


ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parents[1] / "support" / "atom.rng")))
ATOM = "{http://www.w3.org/2005/Atom}"


def test_every_feed_is_valid_against_the_atom_schema_of_rfc_4287(reference_data, client):
    urls = ["/statements/feed/"] + [f"/treaties/{slug}/statements/feed/"
                                    for slug in Treaty.objects.values_list("slug", flat=True)]
    empty = 0
    for url in urls:
        feed = etree.fromstring(client.get(url).content)
        assert ATOM_SCHEMA.validate(feed), (url, ATOM_SCHEMA.error_log)
        empty += not feed.findall(f"{ATOM}entry")
    assert empty  # feeds with no entry are valid too


def test_an_unchanged_feed_answers_304_even_when_it_is_empty_and_time_has_passed(reference_data, client):
    silent = Treaty.objects.filter(statements__isnull=True).first()
    for url in ("/statements/feed/", f"/treaties/{silent.slug}/statements/feed/"):
        with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), tick=False):
            first = client.get(url)
        with time_machine.travel(dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC), tick=False):
            again = client.get(url)
            assert again.content == first.content  # `updated` is not the time of the request
            assert first["Cache-Control"] == "public, max-age=900"
            head = client.head(url)
            assert head["ETag"] == first["ETag"] and head["Last-Modified"] == first["Last-Modified"]
            for conditions in ({"HTTP_IF_NONE_MATCH": first["ETag"]},
                               {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}):
                assert client.get(url, **conditions).status_code == 304
                assert client.head(url, **conditions).status_code == 304
    updated = etree.fromstring(client.get(f"/treaties/{silent.slug}/statements/feed/").content).find(f"{ATOM}updated")
    assert dt.datetime.fromisoformat(updated.text) == versions.current().changed_at  # when the record last changed


def test_a_new_statement_changes_the_feed_and_its_updated_time(reference_data, client):
    first = client.get("/statements/feed/")
    statement = Statement.objects.create(title="Envoy: talks on a successor to New START", outlet="TASS",
                                         url="https://tass.com/politics/9999999", date=dt.date(2026, 11, 29))
    statement.treaties.add(Treaty.objects.get(slug="new-start"))
    second = client.get("/statements/feed/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    feed = feedparser.parse(second.content)
    assert feed.entries[0].title == "Envoy: talks on a successor to New START"
    assert feed.feed.updated_parsed >= feed.entries[0].updated_parsed


def test_a_statement_dated_to_a_month_says_so_and_claims_no_midnight(reference_data, client):
    silent = Treaty.objects.filter(statements__isnull=True).first()
    Statement.objects.create(title="Diplomats expect a review in spring", outlet="Example Wire",
                             url="https://example.org/spring-review", date=dt.date(2025, 3, 1), precision="month",
                             quote="A review is expected this spring.").treaties.add(silent)
    [entry] = feedparser.parse(client.get(f"/treaties/{silent.slug}/statements/feed/").content).entries
    assert entry.summary.startswith("March 2025 (day not known). ")
    assert "published" not in entry
    day = next(e for e in feedparser.parse(client.get("/treaties/new-start/statements/feed/").content).entries
               if "Russian envoy" in e.title)
    assert day.summary.startswith("22 April 2023. ") and day.published_parsed[:3] == (2023, 4, 22)


def test_feeds_are_compressed_for_clients_that_accept_it(reference_data, client):
    plain = client.get("/statements/feed/")
    compressed = client.get("/statements/feed/", HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip" and gzip.decompress(compressed.content) == plain.content
