"""Rows written in bulk from plain values, and their history: the rows `bulk_create` and simple_history's
`bulk_history_create` would write, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.db import DataError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone
from simple_history.models import HistoricalRecords

from feeds.models import DeadlineSuggestion, MentionDecision, SuggestionDecision, TreatyMention
from treaties.bulk_writes import history_of_created, rows_insert
from treaties.models import DeadlineKind, Statement, Treaty
from treaties.precision import PreciseDate, Precision

pytestmark = pytest.mark.django_db


def statements(prefix: str, count: int = 3) -> list[Statement]:
    return Statement.objects.bulk_create(
        Statement(title=f"Story {n}", outlet="TASS", url=f"https://tass.com/{prefix}/{n}", quote="Quoted «ДСНВ».",
                  full_text="<p>Full text</p>", language="ru", date=dt.date(2026, 2, n + 1), date_note="Per the feed.",
                  normalised_url=f"tass.com/{prefix}/{n}", guid=f"urn:{prefix}:{n}")
        for n in range(count)
    )


def recorded(rows) -> list[dict]:
    return [{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields
             if f.attname not in ("history_id", "history_date")} for row in rows.order_by("id")]


def test_each_statement_created_in_bulk_gets_the_history_row_simple_history_would_write(
    django_assert_num_queries,
):
    ours, theirs = statements("ours"), statements("theirs")

    with django_assert_num_queries(1):
        assert history_of_created(Statement, [s.pk for s in ours], reason="From the TASS feed") == 3
    Statement.history.bulk_history_create(theirs, default_change_reason="From the TASS feed")

    copied = recorded(Statement.history.filter(id__in=[s.pk for s in ours]))
    built = recorded(Statement.history.filter(id__in=[s.pk for s in theirs]))
    assert [row["title"] for row in copied] == ["Story 0", "Story 1", "Story 2"]
    for row in copied + built:
        del row["id"], row["url"], row["normalised_url"], row["guid"], row["created_at"]
    assert copied == built
    assert {(row["history_type"], row["history_change_reason"], row["history_user_id"]) for row in copied} == {
        ("+", "From the TASS feed", None)
    }
    # Every field of the statement, as stored: dates, NULLs and Cyrillic alike.
    first = Statement.history.filter(id=ours[0].pk).get()
    assert (first.date, first.date_until, first.quote, first.guid) == (dt.date(2026, 2, 1), None, "Quoted «ДСНВ».",
                                                                       "urn:ours:0")
    assert abs(first.history_date - ours[0].created_at) < dt.timedelta(minutes=1)


def test_an_editor_behind_the_request_is_the_history_rows_user(django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    created = statements("by-editor", count=1)
    request = RequestFactory().post("/admin/")
    request.user = editor
    HistoricalRecords.context.request = request
    try:
        history_of_created(Statement, [created[0].pk], reason="From the TASS feed")
    finally:
        del HistoricalRecords.context.request

    assert Statement.history.get(id=created[0].pk).history_user == editor


def test_nothing_created_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert history_of_created(Statement, [], reason="From the TASS feed") == 0


def test_rows_from_plain_values_get_their_defaults_json_and_dates_as_bulk_create_would(django_assert_num_queries):
    statement = statements("plain", count=1)[0]
    treaty = Treaty.objects.create(slug="pact", short_name="Pact", name="Pact", category="arms_control")
    before = timezone.now()

    with django_assert_num_queries(2):
        rows_insert(TreatyMention, ["statement_id", "treaty_id", "words", "decision"],
                    [(statement.pk, treaty.pk, ["Pact", "the «Pact»"], MentionDecision.LINKED)])
        rows_insert(DeadlineSuggestion, ["statement_id", "treaty_id", "date", "precision", "kind", "phrase"],
                    [(statement.pk, treaty.pk, dt.date(2026, 2, 1), Precision.MONTH, DeadlineKind.EXPIRY,
                      "Pact expires in February 2026")])

    mention = TreatyMention.objects.get()
    assert (mention.words, mention.decision, mention.decided_by, mention.decided_at) == (
        ["Pact", "the «Pact»"], MentionDecision.LINKED, None, None)
    assert before <= mention.created_at <= timezone.now()
    suggestion = DeadlineSuggestion.objects.get()
    assert (suggestion.when, suggestion.kind, suggestion.decision, suggestion.deadline) == (
        PreciseDate.parse("2026-02"), DeadlineKind.EXPIRY, SuggestionDecision.PENDING, None)


def test_rows_that_clash_on_a_unique_key_are_skipped_and_only_the_rows_written_come_back():
    (stored,) = statements("clash", count=1)
    fields = ["title", "outlet", "url", "date", "normalised_url"]
    rows = [("Again", "TASS", "https://tass.com/other", dt.date(2026, 2, 1), stored.normalised_url),
            ("New", "TASS", "https://tass.com/new", dt.date(2026, 2, 1), "tass.com/new")]

    written = rows_insert(Statement, fields, rows, ignore_conflicts=True, returning=["id", "normalised_url"])

    new = Statement.objects.get(normalised_url="tass.com/new")
    assert written == [(new.pk, "tass.com/new")]
    assert (new.speaker, new.precision, new.date_until) == ("", Precision.DAY, None)
    assert Statement.objects.get(normalised_url=stored.normalised_url).title == "Story 0"


def test_more_rows_than_one_statement_may_carry_are_all_written_with_their_history():
    # 1,000 rows of 16 columns, and their 1,000 ids: beyond SQLite's 999 parameters a statement.
    rows = [(f"Story {n}", "TASS", f"https://tass.com/many/{n}", dt.date(2026, 2, 1)) for n in range(1000)]

    written = rows_insert(Statement, ["title", "outlet", "url", "date"], rows, returning=["id", "url"])

    assert sorted(url for _, url in written) == sorted(url for _, _, url, _ in rows)
    assert history_of_created(Statement, [pk for pk, _ in written], reason="Loaded") == 1000
    assert Statement.history.filter(history_change_reason="Loaded").count() == 1000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite does not hold text to a column's length")
def test_a_value_longer_than_its_column_is_refused_not_cut_short():
    with pytest.raises(DataError), transaction.atomic():
        rows_insert(Statement, ["title", "outlet", "url", "date"],
                    [("T" * 501, "TASS", "https://tass.com/long", dt.date(2026, 2, 1))])
    assert not Statement.objects.filter(url="https://tass.com/long").exists()
