"""History rows for statements written in bulk: the database copies them, as simple_history would write them."""

import datetime as dt

import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from treaties.bulk_history import history_of_created
from treaties.models import Statement

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


def test_an_editor_behind_the_request_is_the_history_rows_user(editor):
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
