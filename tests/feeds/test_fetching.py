"""Fetching a feed over real HTTP from a server on 127.0.0.1: conditional GET, limits, errors.
(What the guard refuses is in test_outbound.py.)"""

import socket

import pytest

from feeds.fetching import COULD_NOT_FETCH, FetchError, fetch, user_agent
from tests.support.feeds.server import Page, fixture

MODIFIED = "Mon, 09 Feb 2026 07:00:00 GMT"


@pytest.fixture
def server(feed_server, private_addresses_allowed):
    return feed_server


def test_it_gets_the_feed_with_its_validators_and_says_who_is_asking(server):
    url = server.serve("/tass.rss", Page(fixture("tass.rss"), etag='"v1"', last_modified=MODIFIED))

    response = fetch(url)

    assert response.body == fixture("tass.rss")
    assert (response.etag, response.last_modified) == ('"v1"', MODIFIED)
    assert response.content_type == "application/rss+xml; charset=utf-8"
    assert server.requests[0].headers["User-Agent"] == user_agent()
    assert "TreatyTracker" in user_agent() and "http://" in user_agent()


def test_a_conditional_get_that_matches_is_not_modified_and_brings_no_body(server):
    url = server.serve("/tass.rss", Page(fixture("tass.rss"), etag='"v1"', last_modified=MODIFIED))

    response = fetch(url, etag='"v1"', last_modified=MODIFIED)

    assert response.not_modified and response.body == b""
    assert server.requests[0].headers["If-None-Match"] == '"v1"'
    assert server.requests[0].headers["If-Modified-Since"] == MODIFIED


def test_a_server_error_is_reported_with_its_status(server):
    url = server.serve("/broken", Page(b"oops", content_type="text/plain", status=500))
    with pytest.raises(FetchError, match="HTTP 500 Internal Server Error"):
        fetch(url)


def test_a_missing_feed_is_reported_as_404(server):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(server.url("/nowhere"))


def test_a_server_that_does_not_answer_in_time_is_given_up_on_with_the_neutral_text(server, caplog):
    url = server.serve("/slow", Page(fixture("tass.rss"), delay=2))
    with pytest.raises(FetchError) as error:
        fetch(url, timeout=0.3)
    assert str(error.value) == COULD_NOT_FETCH
    assert "TimeoutError" in caplog.text


def test_a_body_that_trickles_in_past_the_timeout_is_given_up_on(server):
    # Each piece arrives well within the timeout; the whole would take about 3 seconds.
    url = server.serve("/trickle", Page(b"x" * 30 * 1024, trickle=0.1))
    with pytest.raises(FetchError, match="did not arrive within 0.5 seconds"):
        fetch(url, timeout=0.5)


def test_a_body_over_the_limit_is_refused_from_its_length(server):
    url = server.serve("/huge", Page(b"<rss>" + b" " * 200_000))
    with pytest.raises(FetchError, match="200,005 bytes, over the 100,000-byte limit"):
        fetch(url, max_bytes=100_000)


def test_a_body_over_the_limit_without_a_length_is_cut_off_while_reading(server):
    url = server.serve("/huge", Page(b"<rss>" + b" " * 2_000_000, content_length=False))
    with pytest.raises(FetchError, match="over the 100,000-byte limit; stopped reading"):
        fetch(url, max_bytes=100_000)


def test_an_unreachable_server_is_reported_with_the_neutral_text_and_the_reason_logged(
    private_addresses_allowed, caplog
):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free once closed: nothing listens there
    with pytest.raises(FetchError) as error:
        fetch(f"http://127.0.0.1:{port}/feed")
    assert str(error.value) == COULD_NOT_FETCH
    assert "ConnectionRefusedError" in caplog.text


def test_only_web_addresses_are_fetched():
    with pytest.raises(FetchError, match="Only http and https"):
        fetch("file:///etc/passwd")
