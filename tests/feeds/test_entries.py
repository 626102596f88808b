"""Reading feeds into statement fields (no database, no network)."""

import datetime as dt

import pytest

from feeds.entries import NotAFeed, clean_url, normalised_url, read_feed
from tests.support.feeds.server import fixture


def test_the_same_story_has_one_key_whatever_the_scheme_host_case_and_tracking():
    keys = {normalised_url(url) for url in [
        "https://tass.com/politics/2090417",
        "http://TASS.com/politics/2090417?utm_source=rss&utm_medium=feed",
        "https://www.tass.com:443/politics/2090417#comments",
        "https://tass.com/politics/2090417?fbclid=abc",
    ]}
    assert keys == {"tass.com/politics/2090417"}


def test_a_query_that_names_the_story_is_kept_in_a_stable_order():
    assert normalised_url("https://e.org/item?b=2&id=7&utm_campaign=x&a=1") == "e.org/item?a=1&b=2&id=7"
    assert normalised_url("https://e.org/item?id=7") != normalised_url("https://e.org/item?id=8")
    assert normalised_url("https://e.org:8443/x") == "e.org:8443/x"


def test_the_link_readers_follow_keeps_its_scheme_and_loses_only_tracking():
    assert clean_url("http://TASS.com/politics/2090417?utm_source=ria&page=2#top") == (
        "http://tass.com/politics/2090417?page=2"
    )


def test_rss_2_entries_become_statement_fields_in_utc_with_clean_text():
    feed = read_feed(fixture("tass.rss"), content_type="application/rss+xml", url="https://tass.com/rss/v2.xml")

    assert (feed.title, feed.language, feed.skipped, feed.problem) == ("TASS", "en", 0, "")
    seed, talks, review = feed.entries
    assert seed.url == "https://tass.com/politics/1608067"
    assert seed.guid == "https://tass.com/politics/1608067"
    assert seed.published == dt.datetime(2023, 4, 22, 8, 20, tzinfo=dt.UTC)  # 11:20 +03:00
    assert "after New START expires in February 2026" in seed.quote
    assert talks.url == "https://tass.com/politics/2090417"  # tracking parameters gone
    assert talks.guid == "https://tass.com/rss/v2.xml#2090417"  # a bare id, scoped to its feed
    assert review.quote == "The NPT review conference opens on 27 April 2026."
    assert "<script" not in review.full_text and "onclick" not in review.full_text
    assert "onerror" not in review.full_text and "<b>NPT</b>" in review.full_text


def test_atom_entries_have_absolute_links_and_ids_as_given():
    feed = read_feed(fixture("un.atom"), content_type="application/atom+xml",
                     url="https://news.example.org/feed/peace.atom")

    conference, successor = feed.entries
    assert conference.guid == "tag:news.example.org,2026:story/1166001"
    assert conference.published == dt.datetime(2026, 4, 28, 3, 30, tzinfo=dt.UTC)  # 23:30 -04:00 the day before
    assert "runs until 22 May 2026" in conference.full_text
    assert successor.url == "https://news.example.org/story/2026/02/1165000"  # relative in the feed
    assert successor.published == dt.datetime(2026, 2, 6, 12, 0, tzinfo=dt.UTC)  # only <updated> given


def test_rss_1_entries_are_read_in_their_language():
    feed = read_feed(fixture("ria.rdf"), content_type="application/rdf+xml", url="https://news.example.ru/rss")

    assert feed.language == "ru"
    assert [e.title for e in feed.entries][0] == "Рябков: ДСНВ действует до 5 февраля 2026 года"
    assert feed.entries[1].normalised_url == "tass.com/politics/2090417"


def test_an_entry_without_a_web_address_is_skipped_and_counted():
    body = b"""<rss version="2.0"><channel><title>x</title>
    <item><title>No link</title><guid isPermaLink="false">17</guid></item>
    <item><title>Linked by its id</title><guid>https://e.org/18</guid></item></channel></rss>"""
    feed = read_feed(body)
    assert feed.skipped == 1
    assert [e.url for e in feed.entries] == ["https://e.org/18"]


def test_a_feed_that_is_not_well_formed_is_refused_with_where_it_breaks():
    with pytest.raises(NotAFeed, match=r"not well-formed XML \(line 9, column 21: not well-formed"):
        read_feed(fixture("malformed.rss"), content_type="application/rss+xml")


def test_an_html_page_is_refused_and_the_feed_it_names_is_pointed_out():
    with pytest.raises(NotAFeed, match="a web page \\(HTML\\), not a feed; the page names a feed at "
                                       "https://tass.com/rss/v2.xml"):
        read_feed(fixture("page.html"), content_type="text/html; charset=utf-8")


@pytest.mark.parametrize("body", [b"", b'{"items": []}', b"just text"])
def test_other_bodies_are_refused(body):
    with pytest.raises(NotAFeed, match="empty|not an RSS or Atom feed"):
        read_feed(body, content_type="application/json")


def test_a_feed_in_another_encoding_than_it_declares_is_refused_not_garbled():
    body = fixture("ria.rdf").decode().encode("cp1251")  # still declares UTF-8
    # The guess is feedparser's: Windows-1252 on its own, the right Windows-1251 where chardet is installed (the dev
    # lock has it, through frictionless). Either way the feed is refused.
    with pytest.raises(NotAFeed, match=r"says it is encoded as utf-8, but it is not.*guessing \([Ww]indows-125[12]\)"):
        read_feed(body, content_type="application/rdf+xml")


def test_a_feed_without_a_declared_encoding_must_be_utf_8():
    body = fixture("ria.rdf").decode().replace(' encoding="UTF-8"', "").encode("cp1251")
    with pytest.raises(NotAFeed, match="declares no encoding"):
        read_feed(body, content_type="application/rdf+xml")
    assert read_feed(body.decode("cp1251").encode(), content_type="text/xml").entries  # UTF-8: fine


def test_a_feed_declared_in_a_legacy_encoding_is_read_in_it():
    text = fixture("ria.rdf").decode()
    feed = read_feed(text.encode("cp1251"), content_type="application/rdf+xml; charset=windows-1251")
    assert feed.entries[0].title == "Рябков: ДСНВ действует до 5 февраля 2026 года" and not feed.problem


def test_a_utf_8_feed_that_claims_a_legacy_encoding_is_read_as_utf_8_with_a_warning():
    feed = read_feed(fixture("ria.rdf"), content_type="application/rdf+xml; charset=windows-1251")
    assert feed.entries[0].title == "Рябков: ДСНВ действует до 5 февраля 2026 года"
    assert feed.problem == "The feed says it is encoded as windows-1251, but it is UTF-8; read as UTF-8."
