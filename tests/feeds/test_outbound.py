"""The guard on every feed request: public addresses only, checked when connecting; at most three redirects,
each checked; one neutral sentence on the admin row for whatever was refused or failed, the reason in the log.

DNS leaves the machine, so host names are resolved by a stand-in `socket.getaddrinfo`; connections to
addresses that are not ours are caught by a stand-in `connect` that records them and refuses.
"""

import socket
from itertools import pairwise

import pytest

from feeds import outbound
from feeds.fetching import COULD_NOT_FETCH, FetchError, fetch
from tests.support.feeds.server import Page, fixture


@pytest.fixture
def guarded(settings):
    """The setting as it ships, whatever the environment says."""
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False


@pytest.fixture
def connections(monkeypatch):
    """Every address a socket tries to connect to; none of them is reached."""
    attempts = []

    def connect(sock, address):
        attempts.append(address[:2])
        raise ConnectionRefusedError("no connection leaves a test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


def resolving(monkeypatch, *answers: list[str]) -> list[str]:
    """Host names resolve to `answers[0]` the first time, `answers[1]` the next...; returns the names asked."""
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        addresses = answers[min(len(asked), len(answers) - 1)]
        asked.append(host)
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def refused_text(url: str) -> str:
    with pytest.raises(FetchError) as error:
        fetch(url, timeout=2)
    return str(error.value)


@pytest.mark.parametrize(("host", "reason"), [
    ("127.0.0.1", "127.0.0.1: loopback address"),
    ("127.8.9.10", "127.8.9.10: loopback address"),
    ("10.0.0.1", "10.0.0.1: private address"),
    ("172.16.0.1", "172.16.0.1: private address"),
    ("192.168.1.1", "192.168.1.1: private address"),
    ("169.254.169.254", "169.254.169.254: link-local address"),
    ("100.64.0.1", "100.64.0.1: not a public address"),
    ("0.0.0.0", "0.0.0.0: unspecified address"),
    ("224.0.0.1", "224.0.0.1: multicast address"),
    ("240.0.0.1", "240.0.0.1: reserved address"),
    ("255.255.255.255", "255.255.255.255: reserved address"),
    ("[::1]", "::1: loopback address"),
    ("[::]", "::: unspecified address"),
    ("[fe80::1]", "fe80::1: link-local address"),
    ("[fd12:3456::1]", "fd12:3456::1: private address"),
    ("[fec0::1]", "fec0::1: site-local address"),
    ("[ff02::1]", "ff02::1: multicast address"),
    ("[ff0e::1]", "ff0e::1: multicast address"),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1: loopback address"),
    ("[::ffff:169.254.169.254]", "::ffff:169.254.169.254: link-local address"),
    ("[::ffff:10.0.0.1]", "::ffff:10.0.0.1: private address"),
    ("[64:ff9b::a9fe:a9fe]", "64:ff9b::a9fe:a9fe: link-local address"),  # NAT64 of 169.254.169.254
    ("[2002:a00:1::1]", "2002:a00:1::1: private address"),  # 6to4 of 10.0.0.1
    ("[::7f00:1]", "::127.0.0.1: reserved address"),  # "IPv4-compatible" 127.0.0.1, as the resolver writes it
])
def test_a_feed_on_a_non_public_address_is_refused_before_any_connection(guarded, connections, caplog,
                                                                          host, reason):
    assert refused_text(f"http://{host}:6379/feed") == COULD_NOT_FETCH
    assert connections == []
    assert reason in caplog.text


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808",
                                     "2002:808:808::1"])
def test_public_addresses_are_let_through_in_both_families_and_when_carried_in_ipv6(address):
    assert outbound.address_refusal(address) == ""


def test_a_name_that_resolves_to_a_private_address_is_refused(guarded, connections, monkeypatch, caplog):
    resolving(monkeypatch, ["10.1.2.3"])
    assert refused_text("https://feeds.example.org/rss") == COULD_NOT_FETCH
    assert connections == []
    assert "feeds.example.org resolves to a non-public address: 10.1.2.3: private address" in caplog.text


def test_a_name_with_one_private_address_among_public_ones_is_refused(guarded, connections, monkeypatch):
    resolving(monkeypatch, ["93.184.216.34", "2606:2800:220:1::1", "::1"])
    assert refused_text("http://feeds.example.org/rss") == COULD_NOT_FETCH
    assert connections == []


def test_the_connection_goes_to_the_address_that_was_checked_not_to_a_second_lookup(guarded, connections,
                                                                                   monkeypatch):
    # A rebinding DNS server answers a public address first and 127.0.0.1 to anyone who asks again.
    asked = resolving(monkeypatch, ["93.184.216.34"], ["127.0.0.1"])
    refused_text("http://rebind.example.org:8080/rss")
    assert asked == ["rebind.example.org"]
    assert connections == [("93.184.216.34", 8080)]


def test_a_name_that_does_not_resolve_gets_the_same_neutral_text(guarded, monkeypatch, caplog):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert refused_text("http://no-such-host.example.org/rss") == COULD_NOT_FETCH
    assert "no-such-host.example.org does not resolve" in caplog.text


def test_https_goes_through_the_same_check(guarded, connections):
    assert refused_text("https://169.254.169.254/latest/meta-data/") == COULD_NOT_FETCH
    assert connections == []


def test_https_is_spoken_over_the_checked_connection(feed_server, private_addresses_allowed, caplog):
    # The feed server speaks plain HTTP: the TLS handshake on the socket the guard opened fails, neutrally.
    assert refused_text(feed_server.url("/tass.rss").replace("http:", "https:")) == COULD_NOT_FETCH
    assert "SSLError" in caplog.text


def test_with_the_setting_on_a_name_resolving_to_the_local_server_is_fetched_by_that_name(
    feed_server, private_addresses_allowed, monkeypatch
):
    feed_server.serve("/tass.rss", Page(fixture("tass.rss")))
    port = int(feed_server.url("").rsplit(":", 1)[1])
    resolving(monkeypatch, ["127.0.0.1"])

    response = fetch(f"http://intranet.example.org:{port}/tass.rss")

    assert response.body == fixture("tass.rss")
    assert feed_server.requests[0].headers["Host"] == f"intranet.example.org:{port}"


def redirects(server, *paths: str) -> str:
    """Each path redirects to the next, relatively; the last serves the TASS feed. The first one's URL."""
    for here, there in pairwise(paths):
        server.serve(here, Page(b"", status=302, location=there))
    server.serve(paths[-1], Page(fixture("tass.rss")))
    return server.url(paths[0])


def test_three_redirects_are_followed_each_to_where_it_points(feed_server, private_addresses_allowed):
    url = redirects(feed_server, "/a", "/b", "/c", "/feed.rss")

    response = fetch(url)

    assert response.body == fixture("tass.rss") and response.url == feed_server.url("/feed.rss")
    assert [request.path for request in feed_server.requests] == ["/a", "/b", "/c", "/feed.rss"]


def test_a_fourth_redirect_is_not_followed(feed_server, private_addresses_allowed, caplog):
    url = redirects(feed_server, "/a", "/b", "/c", "/d", "/feed.rss")

    assert refused_text(url) == COULD_NOT_FETCH
    assert [request.path for request in feed_server.requests] == ["/a", "/b", "/c", "/d"]
    assert "more than 3 redirects" in caplog.text


@pytest.mark.parametrize("location", ["ftp://127.0.0.1/feed.rss", "file:///etc/passwd", "gopher://127.0.0.1:6379/"])
def test_a_redirect_to_anything_but_http_or_https_is_refused(feed_server, private_addresses_allowed, caplog,
                                                             location):
    feed_server.serve("/moved", Page(b"", status=301, location=location))
    assert refused_text(feed_server.url("/moved")) == COULD_NOT_FETCH
    assert "is not an http or https address" in caplog.text


@pytest.mark.parametrize(("target", "reason"), [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254: link-local address"),
    ("http://10.0.0.1/feed", "10.0.0.1: private address"),
    ("http://[::1]:{port}/tass.rss", "::1: loopback address"),
    ("http://[::ffff:127.0.0.1]:{port}/tass.rss", "::ffff:127.0.0.1: loopback address"),
])
def test_a_redirect_from_a_public_server_to_a_private_address_is_refused(feed_server, guarded, monkeypatch,
                                                                          caplog, target, reason):
    # The feed server on 127.0.0.1 stands in for a public one; every other address is judged as it ships.
    judge = outbound.address_refusal
    monkeypatch.setattr(outbound, "address_refusal", lambda address: "" if address == "127.0.0.1" else judge(address))
    port = int(feed_server.url("").rsplit(":", 1)[1])
    feed_server.serve("/tass.rss", Page(fixture("tass.rss")))
    feed_server.serve("/moved", Page(b"", status=302, location=target.format(port=port)))

    assert refused_text(feed_server.url("/moved")) == COULD_NOT_FETCH
    assert [request.path for request in feed_server.requests] == ["/moved"]
    assert reason in caplog.text
