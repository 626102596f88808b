"""The record's version moves with every change a reader could see, in the same transaction, and never on a
rollback."""

import time

import pytest
from django.db import transaction

from treaties import versions
from treaties.models import Party, RecordVersion, Statement, Treaty
from treaties.reference_data import load_reference_data


@pytest.mark.django_db
def test_saves_deletes_and_links_move_the_version():
    start = versions.current().number
    party = Party.objects.create(name="Atlantis", slug="atlantis")
    treaty = Treaty.objects.create(name="Test Treaty", slug="test-treaty", category="arms_control")
    after_creates = versions.current()
    assert after_creates.number > start and after_creates.changed_at is not None

    treaty.parties.add(party)
    after_link = versions.current().number
    assert after_link > after_creates.number

    party.delete()
    assert versions.current().number > after_link


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_leaves_the_version_alone():
    Party.objects.create(name="Atlantis", slug="atlantis")
    before = versions.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Party.objects.filter(slug="atlantis").get().delete()
        assert versions.current().number > before.number
        raise RuntimeError
    assert versions.current() == before


@pytest.mark.django_db
def test_bulk_writers_bump_it_themselves():
    before = versions.current().number
    Statement.objects.bulk_create([Statement(title="x", url="https://example.org/x", date="2026-01-01")])
    assert versions.current().number == before  # bulk_create sends no signal: its callers must bump
    versions.bump()
    assert versions.current().number == before + 1


@pytest.mark.django_db
def test_a_data_load_moves_the_version_once_however_many_rows_it_saves():
    before = versions.current().number
    load_reference_data()
    assert Treaty.objects.count() > 50
    assert versions.current().number == before + 1


def test_moving_it_once_for_many_saves_needs_a_transaction_around_them(transactional_db):
    # Outside one, each save would commit on its own after the single move: readers could cache a page of the
    # first save's rows under the number that the second save's rows should have changed.
    with pytest.raises(transaction.TransactionManagementError), versions.bumped_once():
        pass


# Where pages are cached in Redis, the version is published there on commit, so a cache hit needs no query.

@pytest.mark.django_db(transaction=True)
def test_a_committed_edit_is_published_before_the_next_request(pages_in_redis, django_assert_num_queries):
    versions.current()  # fills the published copy
    Party.objects.create(name="Atlantis", slug="atlantis")
    with django_assert_num_queries(0):
        seen = versions.current()
    assert seen == versions._from_database()
    assert seen.etag == versions._from_database().etag


@pytest.mark.django_db(transaction=True)
def test_a_data_load_publishes_once_however_many_rows_it_saves(pages_in_redis, monkeypatch):
    publishes = []
    monkeypatch.setattr(versions, "_publish", lambda store, version: publishes.append(version))
    with transaction.atomic():
        for n in range(5):
            Party.objects.create(name=f"Atlantis {n}", slug=f"atlantis-{n}")
    assert publishes == [versions._from_database()]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_edit_publishes_nothing(pages_in_redis):
    before = versions.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Party.objects.create(name="Atlantis", slug="atlantis")
        raise RuntimeError
    assert versions.current() == before == versions._from_database()


@pytest.mark.django_db(transaction=True)
def test_an_older_number_never_replaces_a_newer_one(pages_in_redis):
    Party.objects.create(name="Atlantis", slug="atlantis")
    newest = versions.current()
    # A reader that read the database just before that commit fills its miss late: it must not win.
    versions._publish(pages_in_redis, versions.Version(newest.number - 1, None))
    assert versions.current() == newest
    # Even one that stalled until the newer copy had expired.
    pages_in_redis.delete(versions._published_key())
    versions._publish(pages_in_redis, versions.Version(newest.number - 1, None))
    assert pages_in_redis.get(versions._published_key()) is None
    assert versions.current() == newest


@pytest.mark.django_db(transaction=True)
def test_a_change_the_app_did_not_publish_shows_once_the_copy_expires(pages_in_redis, monkeypatch):
    monkeypatch.setattr(versions, "PUBLISHED_SECONDS", 1)
    Party.objects.create(name="Atlantis", slug="atlantis")
    before = versions.current()
    # A dump restored by hand, say: the database moves and nothing publishes it.
    RecordVersion.objects.filter(pk=1).update(number=before.number + 10)
    assert versions.current() == before
    time.sleep(1.2)
    assert versions.current().number == before.number + 10


@pytest.mark.django_db
def test_without_redis_the_version_is_read_from_the_database(settings):
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "tracker.redis_cache.RedisCache",
                                                     "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens
    Party.objects.create(name="Atlantis", slug="atlantis")
    assert versions.current() == versions._from_database()
