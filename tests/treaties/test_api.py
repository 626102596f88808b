import datetime as dt

import pytest
import time_machine

from tests.support.factories import make_treaties
from tests.support.services import require_redis
from treaties.shared_cache import redis_of


def test_a_treaty_has_stable_fields_dates_with_precision_and_its_status_on_a_day(reference_data, api):
    treaty = api("/api/v1/treaties/new-start/?on=2025-12-01").json()
    assert treaty["slug"] == "new-start"
    assert treaty["status"]["label"] == "in force, suspended by Russia"
    assert treaty["status"]["suspended_by"] == ["Russia"]
    assert treaty["next_deadline"]["kind"] == "expiry"
    assert treaty["next_deadline"]["when"] == {"date": "2026-02-05", "precision": "day", "display": "5 February 2026"}
    assert "ДСНВ" in treaty["aliases"]
    assert treaty["provisions"]["term_years"] == 10
    assert treaty["page_url"] == "http://testserver/treaties/new-start/"


def test_the_treaty_list_takes_the_web_lists_filters(reference_data, api):
    slugs = [t["slug"] for t in api("/api/v1/treaties/?status=lapsed&kind=bilateral&sort=name").json()["results"]]
    assert slugs == ["abm", "inf", "new-start", "sort", "start-i", "start-ii"]
    assert [t["slug"] for t in api("/api/v1/treaties/?q=%D0%94%D0%A1%D0%9D%D0%92").json()["results"]] == ["new-start"]


def test_a_bad_filter_is_a_400_naming_the_parameter(reference_data, api):
    assert api("/api/v1/treaties/?due_within=soon", status=400).json() == {"due_within": ["Enter a whole number."]}
    assert "on" in api("/api/v1/treaties/?on=yesterday", status=400).json()
    assert "kind" in api("/api/v1/events/?kind=coup", status=400).json()


def test_month_precision_dates_stay_months(reference_data, api):
    events = api("/api/v1/events/?treaty=bangkok-treaty&kind=entered_into_force").json()["results"]
    assert [e["when"] for e in events] == [{"date": "1997-03", "precision": "month", "display": "March 1997"}]


def test_deadlines_filter_by_upcoming_on_a_day(reference_data, api):
    upcoming = api("/api/v1/deadlines/?upcoming=true&on=2025-12-01&page_size=200").json()["results"]
    found = [(d["treaty"], d["kind"], d["when"]["date"]) for d in upcoming]
    # The Baltic states' Ottawa withdrawals, the second US exit from Paris, New START's extended expiry.
    assert found[0] == ("ottawa-convention", "withdrawal_effective", "2025-12-27")
    assert ("paris-agreement", "withdrawal_effective", "2026-01-27") in found
    assert ("new-start", "expiry", "2026-02-05") in found
    assert ("new-start", "expiry", "2021-02-05") not in found  # moved in 2021, no longer due
    assert all(date >= "2025-12" for _, _, date in found)


def test_statements_filter_like_the_web_list(reference_data, api):
    results = api("/api/v1/statements/?speaker=mashkov").json()["results"]
    assert [s["url"] for s in results] == ["https://tass.com/politics/1608067"]
    assert results[0]["published"]["date"] == "2023-04-22"


def test_an_unchanged_response_is_a_304_for_its_etag(reference_data, api):
    first = api("/api/v1/treaties/")
    assert first["ETag"]
    api("/api/v1/treaties/", status=304, HTTP_IF_NONE_MATCH=first["ETag"])


def test_any_origin_may_read_the_api(reference_data, api):
    response = api("/api/v1/treaties/", HTTP_ORIGIN="https://research.example.edu")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in api("/", HTTP_ORIGIN="https://research.example.edu")


def test_a_client_over_its_rate_is_told_when_to_come_back(reference_data, api, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/minute"
    for _ in range(3):
        api("/api/v1/parties/")
    response = api("/api/v1/parties/", status=429)
    assert int(response["Retry-After"]) > 0
    cache.clear()


@pytest.mark.services
def test_the_rate_limit_counts_in_a_shared_redis_and_lets_the_window_expire(reference_data, api, settings):
    import uuid

    import redis

    url, prefix = require_redis(), f"rate-test-{uuid.uuid4().hex}"
    # Never cache.clear() here: on Redis it empties the whole database, the machine's own keys with it.
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "tracker.redis_cache.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}}
    settings.API_RATE_LIMIT = "3/minute"
    store = redis.Redis.from_url(url)
    assert redis_of("default") is not None  # counted in one round trip, not through Django's incr and add
    try:
        with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, 10, tzinfo=dt.UTC), tick=False):  # one window
            for _ in range(3):
                api("/api/v1/parties/")
            assert int(api("/api/v1/parties/", status=429)["Retry-After"]) > 0
        [counter] = store.keys(f"{prefix}:*throttle*")
        assert int(store.get(counter)) == 4 and 0 < store.ttl(counter) <= 61  # the refused one counted once
    finally:
        if keys := store.keys(f"{prefix}:*"):
            store.delete(*keys)


def test_the_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_schema_and_docs_are_served(reference_data, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/treaties/" in schema["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


@pytest.mark.parametrize("count", [1, 300])
def test_api_lists_make_a_bounded_number_of_queries_whatever_the_page_size(db, client, django_assert_max_num_queries,
                                                                            count):
    make_treaties(count)
    for url in ["/api/v1/treaties/?page_size=200", "/api/v1/events/?page_size=200", "/api/v1/deadlines/?page_size=200",
                "/api/v1/statements/?page_size=200", "/api/v1/parties/?page_size=200",
                "/api/v1/treaties/?page_size=200&status=suspended&on=2001-01-01"]:
        with django_assert_max_num_queries(10):
            response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, url


def test_the_treaty_list_builds_no_queryset_per_treaty(db, client, monkeypatch):
    # Relations prefetched into managers give every row a manager and a filtered queryset per relation, which cost
    # more than the queries (`views._treaties_prefetched` loads lists instead): the count must not grow with the rows.
    from django.db.models.query import QuerySet

    make_treaties(40)
    built = []
    filter_or_exclude = QuerySet._filter_or_exclude
    monkeypatch.setattr(QuerySet, "_filter_or_exclude",
                        lambda self, *args, **kwargs: built.append(1) or filter_or_exclude(self, *args, **kwargs))
    counts = {}
    for size in (2, 40):
        built.clear()
        response = client.get(f"/api/v1/treaties/?page_size={size}", HTTP_ACCEPT="application/json")
        assert len(response.json()["results"]) == size
        counts[size] = len(built)
    assert counts[40] == counts[2], counts


def test_a_client_over_its_rate_is_let_in_again_when_told(reference_data, api, settings, time_machine):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/minute"
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, 0, 10, tzinfo=dt.UTC), tick=False)
    for _ in range(3):
        api("/api/v1/parties/")
    wait = int(api("/api/v1/parties/", status=429)["Retry-After"])
    assert wait == 50  # the rest of the minute
    time_machine.shift(dt.timedelta(seconds=wait))
    api("/api/v1/parties/")
    cache.clear()


@pytest.mark.parametrize("query", ["page_size=20.0", "page=1.0", "due_within=30.0", "page_size=5e1"])
def test_a_number_must_be_written_as_a_whole_number_as_the_schema_says(reference_data, api, query):
    body = api(f"/api/v1/treaties/?{query}", status=400).json()
    assert query.split("=")[0] in str(body)
    api("/api/v1/treaties/?page_size=20&page=1&due_within=30")


@pytest.mark.parametrize("on", [dt.date(1990, 1, 1), dt.date(2025, 12, 1), dt.date(2040, 1, 1)])
def test_each_record_reads_the_same_as_drfs_own_path_through_the_fields_the_schema_declares(reference_data, rf, on):
    # The serializers write their dicts directly (faster); this keeps them to the declarations the schema is made of.
    from rest_framework.serializers import Serializer

    from treaties import selectors
    from treaties.api import serializers as api
    from treaties.api.views import _treaties_prefetched
    from treaties.models import Deadline, Treaty, TreatyEvent

    def same(serializer_class, records, **context):
        serializer = serializer_class(context=context)
        for record in records:
            assert serializer.to_representation(record) == Serializer.to_representation(serializer, record), record

    treaties = list(_treaties_prefetched(Treaty.objects.all(), on))
    statuses = selectors.statuses_on(on, [t.pk for t in treaties])
    same(api.TreatySerializer, treaties, statuses=statuses, request=rf.get("/api/v1/treaties/"))
    same(api.StatusSerializer, statuses.values())
    same(api.QualifierSerializer, [q for s in statuses.values() for q in (*s.suspensions, *s.withdrawals)])
    same(api.DeadlineSerializer, Deadline.objects.select_related("treaty").prefetch_related("parties"))
    same(api.EventSerializer, TreatyEvent.objects.select_related("treaty").prefetch_related("parties"))
    same(api.DisputeSerializer, [d for t in treaties for d in t.listed_disputes])
    same(api.PositionSerializer, [p for t in treaties for d in t.listed_disputes for p in d.listed_positions])
    same(api.PartyRef, [p for t in treaties for p in t.listed_parties])
    assert any(s.suspensions for s in statuses.values()) or on.year != 2025  # the qualifiers were compared too
