import feedparser


def test_the_statements_feed_is_atom_that_feedparser_reads(reference_data, client):
    response = client.get("/statements/feed/")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles[0].startswith("Vacuum forms after New START")
    tass = next(e for e in feed.entries if "Russian envoy" in e.title)
    assert "Grigory Mashkov, Ambassador-at-Large, Russian Foreign Ministry:" in tass.summary
    assert tass.id == "https://tass.com/politics/1608067"
    assert tass.published_parsed[:3] == (2023, 4, 22)
    assert [t.term for t in tass.tags] == ["New START"]


def test_a_treaty_has_its_own_statements_feed(reference_data, client):
    feed = feedparser.parse(client.get("/treaties/new-start/statements/feed/").content)
    assert feed.feed.title == "Treaty Tracker: statements on New START"
    assert len(feed.entries) == 3
    assert feedparser.parse(client.get("/treaties/npt/statements/feed/").content).entries == []
    assert client.get("/treaties/nope/statements/feed/").status_code == 404


def test_pages_advertise_their_feeds(reference_data, client):
    html = client.get("/treaties/new-start/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'href="/treaties/new-start/statements/feed/"' in html
