"""Feeds into statements, end to end: a real HTTP server on 127.0.0.1, the real database."""

import datetime as dt
import io
import socket
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from feeds.entries import read_feed
from feeds.fetching import COULD_NOT_FETCH
from feeds.ingest import feed_ingest
from feeds.models import DeadlineSuggestion, FeedSource, FetchStatus, MentionDecision, TreatyMention
from feeds.sources import feed_fetch, feeds_due
from tests.support.feeds.server import FIXTURES, Page, fixture
from treaties.models import DeadlineKind, Statement, Treaty
from treaties.precision import PreciseDate
from treaties.signals import statements_linked

TASS_STATEMENT = "https://tass.com/politics/1608067"
TALKS = "tass.com/politics/2090417"


@pytest.fixture
def server(feed_server, private_addresses_allowed):
    feed_server.serve("/tass.rss", Page(fixture("tass.rss"), etag='"tass-1"'))
    feed_server.serve("/ria.rdf", Page(fixture("ria.rdf"), content_type="application/rdf+xml",
                                       last_modified="Mon, 09 Feb 2026 07:00:00 GMT"))
    feed_server.serve("/un.atom", Page(fixture("un.atom"), content_type="application/atom+xml"))
    return feed_server


def at_once(work, times: int = 2) -> list:
    """Run `work` in `times` threads released together, as workers would; their results."""
    results, start = [], threading.Barrier(times)

    def worker():
        start.wait()
        try:
            results.append(work())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def source(server, path: str, name: str, **fields) -> FeedSource:
    return FeedSource.objects.create(name=name, url=server.url(path), **fields)


def treaties_of(statement: Statement) -> set[str]:
    return set(statement.treaties.values_list("slug", flat=True))


def test_the_shipped_tass_statement_arriving_in_a_feed_links_new_start_and_suggests_february_2026(
    server, reference_data
):
    before = Statement.objects.get(url=TASS_STATEMENT)

    fetched = feed_fetch(source_id=source(server, "/tass.rss", "TASS").pk)

    assert fetched.last_status == FetchStatus.OK
    statement = Statement.objects.get(url=TASS_STATEMENT)  # the same one: not duplicated
    assert statement.pk == before.pk and (statement.title, statement.date) == (before.title, before.date)
    mention = TreatyMention.objects.get(statement=statement)
    assert (mention.treaty.slug, mention.words, mention.decision) == ("new-start", ["New START"],
                                                                      MentionDecision.LINKED)
    suggestion = DeadlineSuggestion.objects.get(statement=statement)
    assert (suggestion.treaty.slug, suggestion.when, suggestion.kind) == (
        "new-start", PreciseDate.parse("2026-02"), DeadlineKind.EXPIRY
    )
    assert suggestion.phrase == "New START expires in February 2026"


def test_without_the_shipped_statement_the_tass_entry_becomes_a_linked_statement(server, reference_data):
    Statement.objects.all().delete()

    feed_fetch(source_id=source(server, "/tass.rss", "TASS").pk)

    statement = Statement.objects.get(url=TASS_STATEMENT)
    assert (statement.outlet, statement.language, str(statement.when)) == ("TASS", "en", "22 April 2023")
    assert statement.date_note == "Published 2023-04-22 08:20 UTC, per the feed."
    assert statement.history.get().history_change_reason == "From the TASS feed"
    assert treaties_of(statement) == {"new-start"}
    assert statement.mentions.get().reason == "“New START”"
    assert [str(s.when) for s in statement.deadline_suggestions.all()] == ["February 2026"]


def test_statements_are_created_once_across_repeated_and_overlapping_fetches(server, reference_data):
    sources = [source(server, "/tass.rss", "TASS"), source(server, "/ria.rdf", "RIA"),
               source(server, "/un.atom", "UN News")]
    before = Statement.objects.count()

    for _ in range(2):
        for feed_source in sources:
            feed_fetch(source_id=feed_source.pk, force=True)

    # tass.rss: the shipped statement + 2 new; ria.rdf: 1 new + the TASS story again; un.atom: 2 new.
    assert Statement.objects.count() == before + 5
    talks = Statement.objects.get(normalised_url=TALKS)
    assert talks.url == "https://tass.com/politics/2090417" and talks.outlet == "TASS"
    assert TreatyMention.objects.filter(statement=talks).count() == 3  # the bare "START", once each
    un_news = FeedSource.objects.get(pk=sources[2].pk)  # it gives no validators, so it was read again
    assert un_news.last_result.startswith("2 entries: 0 new, 2 already recorded")


def test_a_304_stores_nothing(server, reference_data):
    tass = source(server, "/tass.rss", "TASS")
    feed_fetch(source_id=tass.pk)
    counts = (Statement.objects.count(), TreatyMention.objects.count(), DeadlineSuggestion.objects.count())

    fetched = feed_fetch(source_id=tass.pk, force=True)

    assert server.requests[-1].headers["If-None-Match"] == '"tass-1"'
    assert fetched.last_status == FetchStatus.NOT_MODIFIED and fetched.etag == '"tass-1"'
    assert (Statement.objects.count(), TreatyMention.objects.count(), DeadlineSuggestion.objects.count()) == counts


def test_last_modified_is_sent_back_when_the_server_gives_no_etag(server, reference_data):
    ria = source(server, "/ria.rdf", "RIA")
    feed_fetch(source_id=ria.pk)
    assert feed_fetch(source_id=ria.pk, force=True).last_status == FetchStatus.NOT_MODIFIED
    assert server.requests[-1].headers["If-Modified-Since"] == "Mon, 09 Feb 2026 07:00:00 GMT"


def test_an_entry_whose_link_changed_is_the_same_statement_by_its_id(server, reference_data):
    tass = source(server, "/tass.rss", "TASS")
    feed_fetch(source_id=tass.pk)
    before = Statement.objects.count()
    moved = fixture("tass.rss").replace(b"politics/2090417?", b"politics/2090417-talks-after-start?")
    server.serve("/tass.rss", Page(moved, etag='"tass-2"'))

    feed_fetch(source_id=tass.pk, force=True)

    assert Statement.objects.count() == before


def test_a_bare_start_waits_for_an_editor_instead_of_being_linked(server, reference_data):
    feed_fetch(source_id=source(server, "/tass.rss", "TASS").pk)

    talks = Statement.objects.get(normalised_url=TALKS)
    assert treaties_of(talks) == set()
    assert {(m.treaty.slug, tuple(m.words), m.decision) for m in talks.mentions.all()} == {
        (slug, ("START",), MentionDecision.PENDING) for slug in ("start-i", "new-start", "start-ii")
    }


def test_a_russian_entry_links_by_its_cyrillic_names_and_suggests_the_day_it_gives(server, reference_data):
    feed_fetch(source_id=source(server, "/ria.rdf", "RIA").pk)

    statement = Statement.objects.get(url="https://news.example.ru/politics/1001")
    assert statement.language == "ru" and treaties_of(statement) == {"new-start"}
    assert statement.mentions.get().words == ["ДСНВ", "СНВ-3"]
    suggestion = statement.deadline_suggestions.get()
    assert (suggestion.when, suggestion.kind) == (PreciseDate.parse("2026-02-05"), DeadlineKind.EXPIRY)


def test_html_in_entries_is_cleaned_before_it_is_stored(server, reference_data):
    feed_fetch(source_id=source(server, "/tass.rss", "TASS").pk)

    review = Statement.objects.get(url="https://tass.com/world/2090502")
    assert review.quote == "The NPT review conference opens on 27 April 2026."
    assert "<script" not in review.full_text and "onclick" not in review.full_text
    assert treaties_of(review) == {"npt", "new-start"}  # "New Strategic Arms Reduction Treaty" is New START's


def test_editors_decisions_are_never_undone_by_a_later_fetch(server, reference_data, editor):
    from feeds.review import mention_accept, mention_reject

    sources = [source(server, "/tass.rss", "TASS"), source(server, "/ria.rdf", "RIA")]
    feed_fetch(source_id=sources[0].pk)
    talks = Statement.objects.get(normalised_url=TALKS)
    mentions = {m.treaty.slug: m for m in talks.mentions.all()}
    mention_accept(mention_id=mentions["new-start"].pk, user=editor)
    mention_reject(mention_id=mentions["start-i"].pk, user=editor)
    review = Statement.objects.get(url="https://tass.com/world/2090502")
    mention_reject(mention_id=review.mentions.get(treaty__slug="npt").pk, user=editor)  # unlink an automatic link

    server.serve("/tass.rss", Page(fixture("tass.rss"), etag='"tass-2"'))  # changed: read again
    for feed_source in sources:
        feed_fetch(source_id=feed_source.pk, force=True)

    assert treaties_of(talks) == {"new-start"}
    assert dict(talks.mentions.values_list("treaty__slug", "decision")) == {
        "new-start": MentionDecision.ACCEPTED, "start-i": MentionDecision.REJECTED,
        "start-ii": MentionDecision.PENDING,
    }
    assert treaties_of(review) == {"new-start"}


def test_newly_linked_statements_are_announced_once_after_commit(server, reference_data,
                                                                 django_capture_on_commit_callbacks):
    announced = []

    def listen(sender, statement_ids, **kwargs):
        announced.append(statement_ids)

    statements_linked.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            feed_fetch(source_id=source(server, "/tass.rss", "TASS").pk)
    finally:
        statements_linked.disconnect(listen)
    review = Statement.objects.get(url="https://tass.com/world/2090502")

    # The shipped statement was linked already and the bare "START" waits: only one statement gained a link,
    # announced through the record's hook once the batch committed.
    assert len(callbacks) == 1
    assert announced == [[review.pk]]


@pytest.mark.parametrize(("page", "error"), [
    (Page(fixture("malformed.rss")), "not well-formed XML (line 9, column 21"),
    (Page(fixture("page.html"), content_type="text/html"), "a web page (HTML), not a feed"),
    (Page(b"Internal error", content_type="text/plain", status=500), "HTTP 500 Internal Server Error"),
    (Page(fixture("tass.rss"), delay=2), COULD_NOT_FETCH),
    (Page(b"<rss>" + b" " * 200_000, content_length=False), "over the 100,000-byte limit"),
    (Page(fixture("ria.rdf").decode().encode("cp1251"), content_type="application/rdf+xml"),
     "says it is encoded as utf-8, but it is not"),
    (Page(fixture("ria.rdf").decode().replace(' encoding="UTF-8"', "").encode("cp1251"),
          content_type="application/rdf+xml"), "declares no encoding"),
    (None, COULD_NOT_FETCH),
], ids=["malformed", "html", "http-500", "timeout", "huge", "wrong-encoding", "missing-encoding", "unreachable"])
def test_a_bad_feed_is_recorded_with_its_error_and_backs_off_without_stopping_the_others(
    server, reference_data, settings, page, error
):
    settings.FEEDS_TIMEOUT, settings.FEEDS_MAX_BYTES = 0.5, 100_000
    if page is None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}/feed"
        bad = FeedSource.objects.create(name="Bad", url=url, fetch_interval=60)
    else:
        server.serve("/bad", page)
        bad = source(server, "/bad", "Bad", fetch_interval=60)
    good = source(server, "/un.atom", "UN News")
    bad.refresh_from_db()
    shipped = Statement.objects.filter(outlet="UN News").count()

    with pytest.raises(CommandError, match="1 feed source\\(s\\) failed"):
        call_command("fetch_feeds", stdout=io.StringIO())

    bad.refresh_from_db()
    assert bad.last_status == FetchStatus.FAILED and error in bad.last_error
    assert bad.consecutive_failures == 1 and bad.fetching_since is None
    assert bad.next_fetch_at - bad.last_fetched_at == dt.timedelta(minutes=120)  # the interval, doubled
    assert FeedSource.objects.get(pk=good.pk).last_status == FetchStatus.OK
    assert Statement.objects.filter(outlet="UN News").count() == shipped + 2


def test_a_source_on_a_private_address_fails_with_the_neutral_text_and_is_never_asked(
    feed_server, reference_data, settings, caplog
):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    local = FeedSource.objects.create(name="Local", url=feed_server.serve("/tass.rss", Page(fixture("tass.rss"))))

    fetched = feed_fetch(source_id=local.pk)

    assert (fetched.last_status, fetched.last_error) == (FetchStatus.FAILED, COULD_NOT_FETCH)
    assert fetched.consecutive_failures == 1
    assert feed_server.requests == [] and not Statement.objects.filter(outlet="Local").exists()
    assert "127.0.0.1: loopback address" in caplog.text  # the reason is in the server log only


def test_a_failure_keeps_what_was_stored_and_success_resets_the_back_off(server, reference_data):
    tass = source(server, "/tass.rss", "TASS")
    feed_fetch(source_id=tass.pk)
    stored = set(Statement.objects.values_list("pk", flat=True))
    server.serve("/tass.rss", Page(fixture("malformed.rss"), etag='"tass-2"'))

    for _ in range(3):
        failed = feed_fetch(source_id=tass.pk, force=True)

    assert set(Statement.objects.values_list("pk", flat=True)) == stored
    assert failed.consecutive_failures == 3 and failed.etag == '"tass-1"'  # what we have is still the old one
    assert failed.next_fetch_at - failed.last_fetched_at == dt.timedelta(hours=8)  # 60 minutes × 2³
    server.serve("/tass.rss", Page(fixture("tass.rss"), etag='"tass-3"'))
    recovered = feed_fetch(source_id=tass.pk, force=True)
    assert (recovered.last_status, recovered.consecutive_failures, recovered.last_error) == (FetchStatus.OK, 0, "")
    assert recovered.next_fetch_at - recovered.last_fetched_at == dt.timedelta(hours=1)


def test_back_off_doubles_per_failure_up_to_a_day():
    now = timezone.now()
    hourly, daily = FeedSource(fetch_interval=60), FeedSource(fetch_interval=48 * 60)
    assert [hourly.next_fetch_after(now, failures=n) - now for n in (0, 1, 2, 5, 50)] == [
        dt.timedelta(hours=h) for h in (1, 2, 4, 24, 24)
    ]
    assert daily.next_fetch_after(now, failures=3) - now == dt.timedelta(hours=48)  # never sooner than its interval


def test_only_active_sources_whose_time_has_come_are_due(server, db):
    now = timezone.now()
    new = source(server, "/a", "New")
    due = source(server, "/b", "Due", next_fetch_at=now - dt.timedelta(minutes=1))
    source(server, "/c", "Later", next_fetch_at=now + dt.timedelta(minutes=1))
    source(server, "/d", "Inactive", is_active=False)
    source(server, "/e", "Being fetched", fetching_since=now - dt.timedelta(minutes=1))
    stale = source(server, "/f", "Worker died", fetching_since=now - dt.timedelta(hours=1))
    assert set(feeds_due(now)) == {new.pk, due.pk, stale.pk}


def test_a_source_another_worker_is_fetching_is_left_alone(server, db):
    busy = source(server, "/tass.rss", "TASS", fetching_since=timezone.now())
    assert feed_fetch(source_id=busy.pk, force=True) is None
    assert server.requests == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_asking_for_one_source_at_once_make_one_request(feed_server, private_addresses_allowed):
    feed_server.serve("/slow.rss", Page(fixture("un.atom"), content_type="application/atom+xml", delay=0.5))
    feed_source = source(feed_server, "/slow.rss", "UN News")

    results = at_once(lambda: feed_fetch(source_id=feed_source.pk))

    assert len(feed_server.requests) == 1
    assert sorted(r is None for r in results) == [False, True]
    assert Statement.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_storing_the_same_stories_at_once_store_each_once():
    Treaty.objects.create(short_name="New START", name="New START", slug="new-start", category="arms_control",
                          kind="bilateral")
    feed = read_feed(fixture("tass.rss"), url="https://tass.com/rss/v2.xml")

    at_once(lambda: feed_ingest(feed=feed, outlet="TASS"))

    assert Statement.objects.count() == 3
    assert TreatyMention.objects.filter(treaty__slug="new-start").count() == 1
    assert DeadlineSuggestion.objects.count() == 1


def test_fetch_feeds_reads_a_saved_feed_and_credits_a_source(server, reference_data):
    ria = source(server, "/ria.rdf", "RIA Novosti")
    out = io.StringIO()

    call_command("fetch_feeds", "--file", str(FIXTURES / "ria.rdf"), "--source", str(ria.pk), stdout=out)

    assert "2 entries: 2 new" in out.getvalue()
    assert Statement.objects.get(url="https://news.example.ru/politics/1001").outlet == "RIA Novosti"
    assert server.requests == [] and FeedSource.objects.get(pk=ria.pk).last_fetched_at is None


def test_fetch_feeds_refuses_a_file_that_is_not_a_feed(db):
    with pytest.raises(CommandError, match="page.html: The address gives a web page"):
        call_command("fetch_feeds", "--file", str(FIXTURES / "page.html"), stdout=io.StringIO())


def test_fetch_feeds_fetches_one_source_on_demand_even_before_it_is_due(server, reference_data):
    un = source(server, "/un.atom", "UN News", next_fetch_at=timezone.now() + dt.timedelta(hours=1))
    out = io.StringIO()
    call_command("fetch_feeds", stdout=out)
    assert out.getvalue() == ""
    call_command("fetch_feeds", "--source", str(un.pk), stdout=out)
    assert out.getvalue().startswith("UN News: Fetched. 2 entries: 2 new")


def test_a_bare_start_in_2025_is_linked_to_new_start_the_only_start_treaty_alive_then(server, reference_data):
    rss = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>
<link>https://wire.example.org/</link><description>d</description>
<item><title>Moscow says START restrictions still bind it for now</title>
<link>https://wire.example.org/2025/start</link><pubDate>Tue, 23 Sep 2025 10:00:00 +0000</pubDate>
<description>Officials spoke in Moscow.</description></item></channel></rss>"""
    server.serve("/wire.rss", Page(rss.encode(), content_type="application/rss+xml"))
    feed_fetch(source_id=source(server, "/wire.rss", "Wire").pk)

    item = Statement.objects.get(url="https://wire.example.org/2025/start")
    assert treaties_of(item) == {"new-start"}  # START I lapsed in 2009; START II never entered into force
    assert [(m.treaty.slug, m.decision) for m in item.mentions.all()] == [("new-start", MentionDecision.LINKED)]
