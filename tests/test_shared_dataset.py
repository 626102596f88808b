"""Tests sharing the shipped dataset (tests/support/reference_snapshot.py) never see each other's writes."""

import pytest
from django.db import transaction

from tests.support import reference_snapshot
from treaties import versions
from treaties.models import Treaty


@pytest.mark.parametrize("turn", ["first", "second"])
def test_an_edit_to_the_dataset_is_gone_in_the_next_test_that_shares_it(reference_data, turn):
    new_start = Treaty.objects.get(slug="new-start")
    assert new_start.short_name == "New START"
    assert not Treaty.objects.filter(slug="added-by-a-test").exists()
    new_start.short_name = f"edited by the {turn} test"
    new_start.save()
    Treaty.objects.create(slug="added-by-a-test", short_name="Added", name="Added", category="trade", kind="bilateral")


def test_a_test_without_the_dataset_starts_on_an_empty_record(db):
    assert not Treaty.objects.exists()
    assert versions.current().number == 0


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_gets_the_dataset_of_its_own(reference_data):
    assert transaction.get_autocommit()
    assert Treaty.objects.get(slug="new-start").short_name == "New START"


def test_the_rows_one_process_leaves_for_the_others_are_the_rows_it_took(reference_data, shared_dataset, tmp_path):
    def values(rows: dict) -> dict:
        return {model: [{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields} for row in objects]
                for model, objects in rows.items()}

    taken = shared_dataset.rows
    reference_snapshot.write(taken, tmp_path / "rows")
    read = reference_snapshot.read(tmp_path / "rows")
    assert list(read) == list(taken)  # parents before children, as restore() inserts them
    assert values(read) == values(taken)
    assert sum(len(objects) for objects in read.values()) > 1000
