"""Every way the record is written leaves the stored status intervals of each treaty equal to the live status,
and the kept status counts equal to counting the live statuses."""

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feeds.models import DeadlineSuggestion
from feeds.review import deadline_suggestion_accept
from tests.support.factories import make_treaties
from treaties import status_counts
from treaties.derived import live_statuses, live_statuses_on, record_changed
from treaties.models import Party, Statement, StatusCountChange, Treaty, TreatyEvent
from treaties.selectors import status_counts_and_lapsed, statuses_on
from treaties.status import bucket_of
from treaties.transfer.imports import data_import


def stored_equals_live(*slugs: str) -> None:
    treaties = Treaty.objects.filter(slug__in=slugs) if slugs else Treaty.objects.all()
    ids = list(treaties.values_list("pk", flat=True))
    for day in (timezone.localdate(), dt.date(2000, 1, 1), dt.date(2100, 1, 1)):
        assert statuses_on(day, ids) == live_statuses_on(day, ids), day
        assert status_counts.counts_on(day) == live_counts(day), day


def live_counts(day: dt.date) -> Counter:
    return counted(live_statuses_on(day))


def counted(statuses: dict) -> Counter:
    return Counter(bucket_of(status.code, status.is_suspended) for status in statuses.values())


def stored_detail(slug: str) -> str:
    return str(statuses_on(timezone.localdate(), [Treaty.objects.get(slug=slug).pk]))


def stored_code(slug: str) -> str:
    return next(iter(statuses_on(timezone.localdate(), [Treaty.objects.get(slug=slug).pk]).values())).code


def test_loading_the_shipped_data_stores_statuses_that_match_the_live_ones(reference_data):
    stored_equals_live()


def test_importing_a_past_expiry_from_a_deadlines_file_expires_the_treaty_at_once(reference_data, admin_user):
    csv = ("treaty,key,kind,date,precision,parties,description,source_url\n"
           "tpnw,test-expiry,expiry,2025-01-01,day,,An expiry for the test.,https://example.org/expiry\n")
    report = data_import(files=[("deadlines.csv", csv.encode())], user=admin_user)
    assert not report.problems
    assert stored_code("tpnw") == "expired"
    stored_equals_live("tpnw")


def test_renaming_a_party_in_the_admin_renames_it_in_every_stored_status(reference_data, admin_client):
    russia = Party.objects.get(slug="russia")
    url = reverse("admin:treaties_party_change", args=[russia.pk])
    data = {"name": russia.name, "short_name": "the Russian Federation", "slug": russia.slug,
            "iso_code": russia.iso_code, "note": ""}
    assert admin_client.post(url, data).status_code == 302
    assert "the Russian Federation" in stored_detail("open-skies")
    assert "'Russia'" not in stored_detail("open-skies")
    stored_equals_live()


def test_importing_a_party_rename_renames_it_in_stored_statuses(reference_data, admin_user):
    csv = "slug,name,short_name,iso_code,is_organisation\nrussia,Russian Federation,Rossiya,RU,false\n"
    assert not data_import(files=[("parties.csv", csv.encode())], user=admin_user).problems
    assert "Rossiya" in stored_detail("open-skies")
    stored_equals_live()


def test_accepting_a_feeds_suggested_expiry_updates_the_stored_status(reference_data, admin_user):
    statement = Statement.objects.first()
    suggestion = DeadlineSuggestion.objects.create(
        statement=statement, treaty=Treaty.objects.get(slug="tpnw"), kind="expiry", date=dt.date(2025, 1, 1),
        precision="day", phrase="expired on 1 January 2025")
    assert deadline_suggestion_accept(suggestion_id=suggestion.pk, user=admin_user)
    assert stored_code("tpnw") == "expired"
    stored_equals_live("tpnw")


def test_deleting_a_treaty_in_the_admin_takes_it_out_of_the_counts(reference_data, admin_client):
    inf = Treaty.objects.get(slug="inf")
    response = admin_client.post(reverse("admin:treaties_treaty_delete", args=[inf.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Treaty.objects.filter(slug="inf").exists()
    for day in (dt.date(1988, 6, 1), dt.date(2000, 1, 1), dt.date(2020, 1, 1), timezone.localdate()):
        assert status_counts.counts_on(day) == live_counts(day), day


def test_the_kept_counts_are_what_counting_every_interval_again_gives(reference_data, admin_user):
    csv = ("treaty,key,kind,date,precision,parties,description,source_url\n"
           "tpnw,test-expiry,expiry,2025-01-01,day,,An expiry for the test.,https://example.org/expiry\n")
    assert not data_import(files=[("deadlines.csv", csv.encode())], user=admin_user).problems
    kept = sorted(StatusCountChange.objects.exclude(change=0).values_list("period", "starts_on", "bucket", "change"))
    status_counts.rebuild()
    assert kept == sorted(StatusCountChange.objects.values_list("period", "starts_on", "bucket", "change"))


def test_the_counts_on_every_day_a_status_changes_are_the_live_ones(reference_data):
    days = sorted({interval for pair in Treaty.objects.values_list("status_intervals__starts_on",
                                                                  "status_intervals__ends_on")
                   for interval in pair if dt.date(1900, 1, 1) < interval < dt.date(2200, 1, 1)})
    days = {*days, *(day - dt.timedelta(days=1) for day in days)}
    for day, live in sorted(live_statuses(days).items()):
        assert status_counts.counts_on(day) == counted(live), day


def test_the_dashboards_latest_lapses_on_any_day_are_the_live_ones(reference_data):
    for day in (dt.date(1992, 1, 1), dt.date(2003, 1, 1), dt.date(2019, 8, 3), dt.date(2026, 2, 6),
                timezone.localdate(), dt.date(2060, 1, 1)):
        live = live_statuses_on(day)
        slugs = dict(Treaty.objects.values_list("pk", "slug"))
        short = dict(Treaty.objects.values_list("pk", "short_name"))
        expected = sorted((pk for pk, status in live.items() if status.is_lapsed),
                          key=lambda pk: (-live[pk].since.value.toordinal(), short[pk]))[:10]
        assert [treaty.slug for treaty, _ in status_counts_and_lapsed(day)[1]] == [slugs[pk] for pk in expected], day


def recounted_equals_kept() -> None:
    kept = sorted(StatusCountChange.objects.exclude(change=0).values_list("period", "starts_on", "bucket", "change"))
    status_counts.rebuild()
    assert kept == sorted(StatusCountChange.objects.exclude(change=0)
                          .values_list("period", "starts_on", "bucket", "change"))


def in_turn(first, second, then=lambda: None) -> None:
    """`first` in a transaction held open until `second`, in another connection, has had time to start; `then`
    at the end of that same transaction."""
    started = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                first()
                started.set()
                time.sleep(0.5)  # `second` runs meanwhile, and meets this transaction's locks
                then()
        finally:
            connection.close()

    def meanwhile():
        started.wait(10)
        try:
            second()
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["delete", "save", "edit"])
def test_a_treaty_saved_by_one_editor_while_another_deletes_or_saves_it_is_counted_once(second):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time in: nothing can interleave")
    treaty = Treaty.objects.create(name="Test Treaty", short_name="Test", slug="test", category="arms_control",
                                   kind="bilateral", term_years=10)
    TreatyEvent.objects.create(treaty=treaty, kind="entered_into_force", date=dt.date(2000, 1, 1))
    record_changed(treaty_ids=[treaty.pk])
    errors = []

    def save():
        try:
            record_changed(treaty_ids=[treaty.pk])
        except Exception as error:  # noqa: BLE001 - reported below, from the test's own thread
            errors.append(error)

    def edit():  # as the admin does: the treaty's row first, then what follows from it
        treaty.name = "Test Treaty, renamed"
        with transaction.atomic():
            treaty.save()
            save()

    in_turn(save, {"delete": lambda: Treaty.objects.filter(pk=treaty.pk).delete(), "save": save, "edit": edit}[second])

    assert errors == []
    assert Treaty.objects.filter(pk=treaty.pk).exists() == (second != "delete")
    for day in (dt.date(2005, 1, 1), dt.date(2015, 1, 1)):
        assert status_counts.counts_on(day) == live_counts(day), day
    recounted_equals_kept()


@pytest.mark.django_db(transaction=True)
def test_an_editor_saving_an_event_while_another_saves_the_treaty_waits_rather_than_deadlocks():
    """One saves an event (the record's version moves) and stores what follows while the other has written the
    treaty's row and waits to move the version: neither may wait for the other."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time in: nothing can interleave")
    treaty = Treaty.objects.create(name="Test Treaty", short_name="Test", slug="test", category="arms_control",
                                   kind="bilateral", term_years=10)
    errors = []

    def reporting(work):
        def run():
            try:
                work()
            except Exception as error:  # noqa: BLE001 - reported below, from the test's own thread
                errors.append(error)
        return run

    def edit():
        treaty.name = "Test Treaty, renamed"
        with transaction.atomic():
            treaty.save()
            record_changed(treaty_ids=[treaty.pk])

    in_turn(lambda: TreatyEvent.objects.create(treaty=treaty, kind="entered_into_force", date=dt.date(2000, 1, 1)),
            reporting(edit), then=reporting(lambda: record_changed(treaty_ids=[treaty.pk])))

    assert errors == []
    assert Treaty.objects.get(pk=treaty.pk).name == "Test Treaty, renamed"
    recounted_equals_kept()


def test_refreshing_many_treaties_reads_them_in_as_many_queries_as_a_few(db):
    """An import of thousands of treaties re-derives them in a fixed number of reads per batch, plus the writes of
    what changed: reading each treaty's rows apart took a dozen queries a treaty. (The status intervals are
    written again in batches of rows, more of them on SQLite, whose statements take fewer parameters.)"""
    ids = [treaty.pk for treaty in make_treaties(30)]
    record_changed(treaty_ids=ids)  # whatever the factory left to write (revisions of copied rows) is written
    reads = []
    for chosen in (ids[:3], ids):
        with CaptureQueriesContext(connection) as queries:
            record_changed(treaty_ids=chosen)
        reads.append([q["sql"] for q in queries if q["sql"].startswith("SELECT")])
    assert len(reads[0]) == len(reads[1]), reads
    stored_equals_live()


def test_an_event_moved_to_a_treaty_named_before_its_own_has_its_deadline_derived_there_in_one_refresh(db):
    """One deadline per event: the treaty the event left gives its deadline up before any treaty in the same
    refresh derives one (they are derived in name order, and here the one it joined comes first)."""
    joined, left = (Treaty.objects.create(slug=slug, short_name=slug, name=slug, category="arms_control",
                                          kind="bilateral", withdrawal_notice_months=months)
                    for slug, months in (("a-joined", 6), ("b-left", 3)))
    notice = TreatyEvent.objects.create(treaty=left, kind="withdrawal_notice", date=dt.date(2026, 3, 1),
                                        description="Notice.", source_url="https://example.org/notice", key="notice")
    record_changed(treaty_ids=[left.pk])
    TreatyEvent.objects.filter(pk=notice.pk).update(treaty=joined)  # as an import moving it would
    refreshes = record_changed(treaty_ids=[left.pk, joined.pk])
    assert (refreshes[left.pk].deleted, len(refreshes[joined.pk].created)) == (1, 1)
    assert not left.deadlines.exists()
    assert joined.deadlines.get(kind="withdrawal_effective").date == dt.date(2026, 9, 1)
    stored_equals_live()
