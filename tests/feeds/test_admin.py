"""The editors' side of feeds: sources, and the queues of mentions and dates to decide."""

import pytest
from django.urls import reverse

from feeds.models import DeadlineSuggestion, FeedSource, FetchStatus, MentionDecision, SuggestionDecision, TreatyMention
from feeds.sources import feed_file_ingest, feeds_due
from tests.support.feeds.server import FIXTURES
from treaties.models import Deadline, DeadlineKind, Statement
from treaties.precision import PreciseDate

TASS_STATEMENT = "https://tass.com/politics/1608067"


@pytest.fixture
def tass_feed(reference_data):
    feed_file_ingest(path=FIXTURES / "tass.rss")


def act(client, model: str, action: str, rows, query: str = "?decision=all") -> str:
    # From a queue, as with every decision shown, so that rows decided already can be selected.
    response = client.post(reverse(f"admin:feeds_{model}_changelist") + query,
                           {"action": action, "_selected_action": [row.pk for row in rows]}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_mention_queue_opens_on_what_waits_for_an_editor(editor_client, tass_feed):
    page = editor_client.get(reverse("admin:feeds_treatymention_changelist")).content.decode()

    assert "Moscow open to talks on what comes after START" in page
    assert page.count("“START”") == 3  # START I, New START, START II
    assert "New START’s expiration may create vacuum" not in page  # linked automatically: not waiting
    everything = editor_client.get(reverse("admin:feeds_treatymention_changelist") + "?decision=all")
    assert "New START’s expiration may create vacuum" in everything.content.decode()


def test_an_editor_links_one_candidate_and_rejects_the_others(editor_client, tass_feed, editor):
    talks = Statement.objects.get(url="https://tass.com/politics/2090417")
    mentions = {m.treaty.slug: m for m in talks.mentions.all()}

    page = act(editor_client, "treatymention", "link", [mentions["new-start"]])
    assert "1 statement(s) linked." in page
    act(editor_client, "treatymention", "do_not_link", [mentions["start-i"], mentions["start-ii"]])

    assert list(talks.treaties.values_list("slug", flat=True)) == ["new-start"]
    assert dict(talks.mentions.values_list("treaty__slug", "decision")) == {
        "new-start": MentionDecision.ACCEPTED, "start-i": MentionDecision.REJECTED,
        "start-ii": MentionDecision.REJECTED,
    }
    assert TreatyMention.objects.get(pk=mentions["new-start"].pk).decided_by == editor
    assert "already linked" in act(editor_client, "treatymention", "link", [mentions["new-start"]])


def test_an_editor_accepts_a_suggested_date_and_gets_a_deadline_sourced_to_the_statement(editor_client, tass_feed):
    suggestion = DeadlineSuggestion.objects.get(statement__url=TASS_STATEMENT)
    queue = editor_client.get(reverse("admin:feeds_deadlinesuggestion_changelist")).content.decode()
    assert "New START expires in February 2026" in queue
    assert "Expiry: 5 February 2026" in queue  # what the treaty already has, to compare

    page = act(editor_client, "deadlinesuggestion", "accept", [suggestion])

    assert "1 deadline(s) created." in page
    deadline = Deadline.objects.get(source_url=TASS_STATEMENT)
    assert (deadline.treaty.slug, deadline.kind, deadline.when) == (
        "new-start", DeadlineKind.EXPIRY, PreciseDate.parse("2026-02")
    )
    assert deadline.description == ("“New START expires in February 2026” (Grigory Mashkov, TASS, 22 April 2023)")
    assert deadline.history.get().history_user.username == "editor"
    suggestion.refresh_from_db()
    assert (suggestion.decision, suggestion.deadline) == (SuggestionDecision.ACCEPTED, deadline)
    assert "decided already" in act(editor_client, "deadlinesuggestion", "accept", [suggestion])
    assert Deadline.objects.filter(source_url=TASS_STATEMENT).count() == 1


def test_a_dismissed_date_makes_no_deadline(editor_client, tass_feed):
    suggestion = DeadlineSuggestion.objects.get(statement__url=TASS_STATEMENT)
    act(editor_client, "deadlinesuggestion", "dismiss", [suggestion])
    suggestion.refresh_from_db()
    assert suggestion.decision == SuggestionDecision.DISMISSED
    assert not Deadline.objects.filter(source_url=TASS_STATEMENT).exists()


def test_an_editor_may_correct_a_suggested_date_before_accepting_it(editor_client, tass_feed):
    suggestion = DeadlineSuggestion.objects.get(statement__url=TASS_STATEMENT)
    url = reverse("admin:feeds_deadlinesuggestion_change", args=[suggestion.pk])

    wrong = editor_client.post(url, {"date": "2026-02-05", "precision": "month", "kind": "expiry"})
    assert "With month precision, enter the first day" in wrong.content.decode()
    editor_client.post(url, {"date": "2026-02-05", "precision": "day", "kind": "expiry"})

    suggestion.refresh_from_db()
    assert suggestion.when == PreciseDate.parse("2026-02-05")


def test_queues_cannot_be_added_to_or_deleted_from_by_hand(editor_client, tass_feed):
    mention = TreatyMention.objects.first()
    assert editor_client.get(reverse("admin:feeds_treatymention_add")).status_code == 403
    assert editor_client.get(reverse("admin:feeds_treatymention_delete", args=[mention.pk])).status_code == 403


def test_the_statement_page_shows_what_a_feed_found_in_it(editor_client, tass_feed):
    statement = Statement.objects.get(url=TASS_STATEMENT)
    page = editor_client.get(reverse("admin:treaties_statement_change", args=[statement.pk])).content.decode()
    assert "New START</a>: “New START” — Linked automatically" in page


def test_an_editor_adds_a_feed_source_and_sees_how_its_last_fetch_went(editor_client):
    response = editor_client.post(reverse("admin:feeds_feedsource_add"), {
        "name": "TASS", "url": "https://tass.com/rss/v2.xml", "language": "en", "is_active": "on",
        "fetch_interval": "30",
    })
    assert response.status_code == 302
    source = FeedSource.objects.get()
    FeedSource.objects.filter(pk=source.pk).update(
        last_status=FetchStatus.FAILED, last_error="The server answered HTTP 503 Service Unavailable."
    )

    page = editor_client.get(reverse("admin:feeds_feedsource_changelist")).content.decode()

    assert "✗ Failed" in page and "HTTP 503 Service Unavailable" in page
    act(editor_client, "feedsource", "fetch_now", [source], query="")
    source.refresh_from_db()
    assert source.next_fetch_at is not None and source.pk in feeds_due()


def test_a_fetch_interval_under_five_minutes_is_refused(editor_client):
    response = editor_client.post(reverse("admin:feeds_feedsource_add"), {
        "name": "Eager", "url": "https://e.org/feed", "fetch_interval": "1", "is_active": "on"})
    assert "Ensure this value is greater than or equal to 5" in response.content.decode()


def test_a_new_address_for_a_source_forgets_what_the_old_one_said(editor_client):
    source = FeedSource.objects.create(name="TASS", url="https://tass.com/rss/v2.xml", etag='"old"',
                                       consecutive_failures=3, last_modified="Mon, 09 Feb 2026 07:00:00 GMT")
    editor_client.post(reverse("admin:feeds_feedsource_change", args=[source.pk]), {
        "name": "TASS", "url": "https://tass.com/rss/v3.xml", "fetch_interval": "60", "is_active": "on"})
    source.refresh_from_db()
    assert (source.url, source.etag, source.last_modified, source.consecutive_failures) == (
        "https://tass.com/rss/v3.xml", "", "", 0)
    assert source.pk in feeds_due()
