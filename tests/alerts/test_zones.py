"""The time-zone picker: common zones first, legacy aliases out, a city or a country is enough."""

import pytest
from django.urls import reverse

from alerts import zones
from alerts.forms import SubscribeForm


def test_the_picker_lists_common_zones_first_and_no_legacy_aliases():
    picked = [zone for zone, _ in zones.picker()]
    assert picked[:2] == ["UTC", "America/New_York"]
    assert "Europe/Zurich" in picked and "Asia/Kolkata" in picked
    assert not {"US/Eastern", "Asia/Calcutta", "GB", "Etc/GMT+5", "Europe/Kiev"} & set(picked)
    assert len(picked) == len(set(picked)) > 300
    assert dict(zones.picker())["Europe/Zurich"] == "Zurich (Switzerland)"


@pytest.mark.parametrize("typed, zone", [("Europe/Zurich", "Europe/Zurich"), ("zurich", "Europe/Zurich"),
                                          ("Japan", "Asia/Tokyo"), ("New York", "America/New_York"),
                                          ("US/Eastern", "US/Eastern")])
def test_a_city_a_country_or_any_iana_name_is_understood(typed, zone):
    assert zones.resolve(typed) == zone


def test_an_ambiguous_or_unknown_zone_gets_a_message_a_person_can_act_on():
    form = SubscribeForm({"email": "a@example.org", "everything": "on", "lead_days": ["7"], "time_zone": "Narnia",
                          "hour": "8", "digest": "immediate"})
    assert not form.is_valid()
    assert "“Narnia” is not a time zone we know" in form.errors["time_zone"][0]
    assert zones.resolve("United States") is None  # many zones: the subscriber must pick one


@pytest.mark.django_db
def test_the_subscribe_page_offers_the_picker_as_a_searchable_list(client):
    html = client.get(reverse("alerts:subscribe")).content.decode()
    assert 'list="time-zones"' in html and '<datalist id="time-zones">' in html
    assert '<option value="Europe/Zurich">Zurich (Switzerland)</option>' in html
