"""Every way the record is written leaves the stored status intervals of each treaty equal to the live status."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from feeds.models import DeadlineSuggestion
from feeds.review import deadline_suggestion_accept
from treaties.derived import live_statuses_on
from treaties.models import Party, Statement, Treaty
from treaties.selectors import statuses_on
from treaties.transfer.imports import data_import


def stored_equals_live(*slugs: str) -> None:
    treaties = Treaty.objects.filter(slug__in=slugs) if slugs else Treaty.objects.all()
    ids = list(treaties.values_list("pk", flat=True))
    for day in (timezone.localdate(), dt.date(2000, 1, 1), dt.date(2100, 1, 1)):
        assert statuses_on(day, ids) == live_statuses_on(day, ids), day


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
