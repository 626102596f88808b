import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from treaties.models import Deadline, Party, Statement, Treaty, TreatyEvent


@pytest.fixture
def treaty(db):
    return Treaty.objects.create(name="Example Treaty", short_name="Example", slug="example",
                                 category="arms_control", kind="bilateral", term_years=10)


def event(treaty, **fields):
    values = {"treaty": treaty, "kind": "other", "date": dt.date(2020, 1, 1), "description": "x",
              "source_url": "https://example.org/"}
    return TreatyEvent(**{**values, **fields})


def test_the_database_refuses_a_month_precision_date_that_is_not_the_first(treaty):
    with pytest.raises(IntegrityError), transaction.atomic():
        event(treaty, date=dt.date(2020, 1, 5), precision="month").save()


def test_the_database_refuses_an_unknown_precision(treaty):
    with pytest.raises(IntegrityError), transaction.atomic():
        event(treaty, precision="week").save()


def test_validation_says_which_day_to_enter_for_a_month_precision_date(treaty):
    with pytest.raises(ValidationError) as error:
        event(treaty, date=dt.date(2026, 2, 5), precision="month").full_clean()
    assert "enter the first day (2026-02-01 for February 2026)" in str(error.value)


def test_validation_refuses_entry_into_force_before_signature(treaty):
    event(treaty, kind="signed", date=dt.date(2010, 4, 8)).save()
    with pytest.raises(ValidationError) as error:
        event(treaty, kind="entered_into_force", date=dt.date(2010, 1, 1)).full_clean()
    assert "Entry into force cannot come before signature" in str(error.value)
    assert "8 April 2010" in str(error.value)


def test_only_an_extension_adds_years(treaty):
    with pytest.raises(ValidationError, match="Only an extension adds years"):
        event(treaty, kind="signed", extension_years=5).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        event(treaty, kind="signed", extension_years=5).save()


def test_slugs_are_unique(treaty):
    with pytest.raises(IntegrityError), transaction.atomic():
        Treaty.objects.create(name="Other", short_name="Other", slug="example", category="trade", kind="bilateral")


def test_statement_urls_are_unique(db):
    values = {"title": "t", "outlet": "o", "date": dt.date(2023, 4, 22)}
    Statement.objects.create(url="https://tass.com/politics/1608067", **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(url="https://tass.com/politics/1608067", **values)


def test_a_treaty_has_one_notice_period_unit(treaty):
    treaty.withdrawal_notice_months, treaty.withdrawal_notice_days = 3, 90
    with pytest.raises(ValidationError, match="months or in days"):
        treaty.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        treaty.save()


def test_a_treaty_has_one_derived_expiry(treaty):
    Deadline.objects.create(treaty=treaty, kind="expiry", date=dt.date(2030, 1, 1), rule="term")
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(treaty=treaty, kind="expiry", date=dt.date(2031, 1, 1), rule="term")


@pytest.mark.parametrize(("model", "field"), [(TreatyEvent, "kind"), (Deadline, "kind"), (Treaty, "kind"),
                                              (Treaty, "category")])
def test_kind_labels_say_what_django_would(model, field):
    # The models look labels up in their choices instead of Django's get_FOO_display (faster); the words
    # readers see must stay the same, an unknown stored value included.
    django_field = model._meta.get_field(field)
    display = getattr(model, f"get_{field}_display")
    for value in [*(value for value, _ in django_field.choices), "no_such_kind"]:
        row = model(**{field: value})
        assert display(row) == row._get_FIELD_display(django_field), value
    assert display(model(**{field: django_field.choices[0][0]})) == django_field.choices[0][1]


def test_party_lists_come_in_one_query_in_name_order_for_exactly_the_rows_selected(treaty, django_assert_num_queries):
    zed, abe = Party.objects.create(name="Zed", slug="zed"), Party.objects.create(name="Abe", slug="abe")
    rows = []
    for year in (2001, 2002, 2003, 2004):
        row = event(treaty, kind="signed", date=dt.date(year, 1, 1))
        row.save()
        row.parties.add(*([zed, abe] if year != 2003 else []))
        rows.append(row)

    with django_assert_num_queries(2):  # the rows, then every row's parties
        loaded = list(TreatyEvent.objects.order_by("date").with_party_lists()[1:3])
        lists = [[p.slug for p in row.party_list] for row in loaded]
    assert [row.pk for row in loaded] == [rows[1].pk, rows[2].pk]
    assert lists == [["abe", "zed"], []]


def test_a_few_rows_are_named_in_their_parties_query_and_many_selected_by_a_subquery(treaty, monkeypatch):
    # Named, a few rows' links come from the link table's index whatever the planner thinks of the rows' own
    # query: PostgreSQL once walked 100,000 events by primary key to join one treaty's 28 to their links.
    from treaties.models import events

    abe, zed = Party.objects.create(name="Abe", slug="abe"), Party.objects.create(name="Zed", slug="zed")
    rows = [event(treaty, kind="signed", date=dt.date(year, 1, 1)) for year in (2001, 2002, 2003)]
    for row in rows:
        row.save()
    rows[0].parties.add(zed, abe)
    rows[2].parties.add(zed)
    lists = {rows[0].pk: ["abe", "zed"], rows[1].pk: [], rows[2].pk: ["zed"]}

    monkeypatch.setattr(events, "NAMED_ROWS", 3)
    with CaptureQueriesContext(connection) as queries:
        loaded = list(TreatyEvent.objects.filter(treaty=treaty).with_party_lists())
    named = re.search(r'"treatyevent_id" IN \(([\d, ]+)\)', queries.captured_queries[1]["sql"])
    assert named and {int(pk) for pk in named[1].split(", ")} == set(lists)
    assert {row.pk: [p.slug for p in row.party_list] for row in loaded} == lists

    monkeypatch.setattr(events, "NAMED_ROWS", 2)
    with CaptureQueriesContext(connection) as queries:
        loaded = list(TreatyEvent.objects.filter(treaty=treaty).with_party_lists())
    assert '"treatyevent_id" IN (SELECT' in queries.captured_queries[1]["sql"]
    assert {row.pk: [p.slug for p in row.party_list] for row in loaded} == lists


def test_a_page_of_rows_keeps_its_parties_when_a_row_committed_in_between_moves_the_page(treaty, monkeypatch):
    # Between the rows' query and their parties' query another writer adds a newer event, which would push the
    # page's last row out of the window if its parties were selected by the page's own query run again.
    from django.db.models.query import ModelIterable

    abe = Party.objects.create(name="Abe", slug="abe")
    for year in (2001, 2002, 2003):
        row = event(treaty, kind="signed", date=dt.date(year, 1, 1))
        row.save()
        row.parties.add(abe)
    rows_query = ModelIterable.__iter__

    def rows_then_a_newer_one(iterable):
        rows = list(rows_query(iterable))
        if iterable.queryset.model is TreatyEvent:
            event(treaty, date=dt.date(2010, 1, 1)).save()
        return iter(rows)

    monkeypatch.setattr(ModelIterable, "__iter__", rows_then_a_newer_one)
    loaded = list(TreatyEvent.objects.order_by("-date", "-id").with_party_lists()[:3])
    assert [row.date.year for row in loaded] == [2003, 2002, 2001]
    assert [[p.slug for p in row.party_list] for row in loaded] == [["abe"]] * 3


def test_a_treatys_record_reads_the_same_loaded_with_others_or_on_its_own(treaty, django_assert_num_queries):
    russia, us = Party.objects.create(name="Russia", slug="russia"), Party.objects.create(name="US", slug="us")
    signed = event(treaty, kind="signed")
    signed.save()
    signed.parties.add(russia, us)
    event(treaty, kind="entered_into_force", date=dt.date(2021, 1, 1)).save()
    notice = event(treaty, kind="withdrawal_notice", date=dt.date(2023, 2, 1))
    notice.save()
    notice.parties.add(russia)
    due = Deadline.objects.create(treaty=treaty, kind="withdrawal_effective", date=dt.date(2024, 2, 1))
    due.parties.add(us)
    other = Treaty.objects.create(name="Other", short_name="Other", slug="other", category="space",
                                  kind="multilateral")
    event(other, kind="entered_into_force").save()

    # Treaties, their events, the events' parties, their deadlines, the deadlines' parties.
    with django_assert_num_queries(5):
        loaded = {t.slug: t for t in Treaty.objects.with_record().filter(slug__in=["example", "other"])}
    with django_assert_num_queries(0):
        statuses = {slug: t.status_on(dt.date(2025, 1, 1)) for slug, t in loaded.items()}
        record = [(row.kind, [p.slug for p in row.party_list])
                  for row in [*loaded["example"].record_events, *loaded["example"].record_deadlines]]

    alone = Treaty.objects.get(slug="example")
    assert [(row.kind, [p.slug for p in row.party_list]) for row in [*alone.record_events, *alone.record_deadlines]] \
        == record == [("signed", ["russia", "us"]), ("entered_into_force", []), ("withdrawal_notice", ["russia"]),
                      ("withdrawal_effective", ["us"])]
    assert alone.status_on(dt.date(2025, 1, 1)) == statuses["example"]
    assert [e.kind for e in loaded["other"].record_events] == ["entered_into_force"]


def test_a_dated_rows_when_follows_its_fields_as_they_change():
    from treaties.precision import PreciseDate, Precision

    event = TreatyEvent(date=dt.date(2026, 2, 5), precision=Precision.DAY)
    assert event.when == PreciseDate(dt.date(2026, 2, 5)) and event.when is event.when  # made once, while unchanged
    event.precision = Precision.MONTH
    event.date = dt.date(2026, 2, 1)
    assert event.when == PreciseDate(dt.date(2026, 2, 1), Precision.MONTH)
    event.precision, event.date_until = Precision.RANGE, dt.date(2026, 6, 30)
    assert event.when == PreciseDate(dt.date(2026, 2, 1), Precision.RANGE, dt.date(2026, 6, 30))
