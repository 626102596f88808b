import feedparser

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
