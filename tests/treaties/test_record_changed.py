"""Every way the record is written leaves the stored status of each treaty equal to the one computed live."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from feeds.models import DeadlineSuggestion
from feeds.review import deadline_suggestion_accept
from treaties.derived import statuses_refresh
from treaties.models import Party, Statement, Treaty
from treaties.selectors import live_statuses_on
from treaties.transfer.imports import data_import


def stored_equals_live(*slugs: str) -> None:
    treaties = Treaty.objects.filter(slug__in=slugs) if slugs else Treaty.objects.all()
    live = live_statuses_on(timezone.localdate(), list(treaties.values_list("pk", flat=True)))
    for treaty in treaties:
        assert treaty.status_as_of == timezone.localdate(), treaty.slug
        assert treaty.status_detail == live[treaty.pk].to_dict(), treaty.slug


def test_loading_the_shipped_data_stores_statuses_that_match_the_live_ones(reference_data):
    stored_equals_live()


def test_importing_a_past_expiry_from_a_deadlines_file_expires_the_treaty_at_once(reference_data, admin_user):
    csv = ("treaty,key,kind,date,precision,parties,description,source_url\n"
           "tpnw,test-expiry,expiry,2025-01-01,day,,An expiry for the test.,https://example.org/expiry\n")
    report = data_import(files=[("deadlines.csv", csv.encode())], user=admin_user)
    assert not report.problems
    assert Treaty.objects.get(slug="tpnw").status_code == "expired"
    stored_equals_live("tpnw")
    # And the beat's refresh, which skips rows stamped today, finds nothing left to fix.
    assert statuses_refresh(only_stale=True) == 0


def test_renaming_a_party_in_the_admin_renames_it_in_every_stored_status(reference_data, admin_client):
    russia = Party.objects.get(slug="russia")
    url = reverse("admin:treaties_party_change", args=[russia.pk])
    data = {"name": russia.name, "short_name": "the Russian Federation", "slug": russia.slug,
            "iso_code": russia.iso_code, "note": ""}
    assert admin_client.post(url, data).status_code == 302
    cfe = Treaty.objects.get(slug="open-skies")
    assert "the Russian Federation" in str(cfe.status_detail)
    assert "Russia\"" not in str(cfe.status_detail).replace("'", '"')
    stored_equals_live()


def test_importing_a_party_rename_renames_it_in_stored_statuses(reference_data, admin_user):
    csv = "slug,name,short_name,iso_code,is_organisation\nrussia,Russian Federation,Rossiya,RU,false\n"
    assert not data_import(files=[("parties.csv", csv.encode())], user=admin_user).problems
    assert "Rossiya" in str(Treaty.objects.get(slug="open-skies").status_detail)
    stored_equals_live()


def test_accepting_a_feeds_suggested_expiry_updates_the_stored_status(reference_data, admin_user):
    statement = Statement.objects.first()
    suggestion = DeadlineSuggestion.objects.create(
        statement=statement, treaty=Treaty.objects.get(slug="tpnw"), kind="expiry", date=dt.date(2025, 1, 1),
        precision="day", phrase="expired on 1 January 2025")
    assert deadline_suggestion_accept(suggestion_id=suggestion.pk, user=admin_user)
    assert Treaty.objects.get(slug="tpnw").status_code == "expired"
    stored_equals_live("tpnw")
