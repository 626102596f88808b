"""The record's version moves with every change a reader could see, in the same transaction, and never on a
rollback."""

import pytest
from django.db import transaction

from treaties import versions
from treaties.models import Party, Statement, Treaty


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
