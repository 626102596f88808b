"""Cached pages are never older than the record: the request after any edit, by any writer, shows it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from feeds.entries import read_feed
from feeds.ingest import feed_ingest
from tests.support.factories import make_treaties
from tests.support.feeds.server import fixture
from tests.support.services import free_port
from treaties.models import Statement, Treaty

NEW_START = "/treaties/new-start/"
TASS_STATEMENT = "https://tass.com/politics/1608067"


def served_from_cache(client, url, **headers):
    """Fetch twice; the second answer must be the first one, kept (same ETag, no new query for the page)."""
    first = client.get(url, **headers)
    second = client.get(url, **headers)
    assert first.status_code == second.status_code == 200, url
    assert first["ETag"] == second["ETag"] and first.content == second.content
    return second


# Calendars and feeds carry their own validators and caching (treaties.web.freshness; tests in test_calendars
# and test_syndication), so the page cache leaves them alone.
@pytest.mark.parametrize("url", ["/", "/treaties/", NEW_START, "/statements/", "/timeline/", "/api/v1/treaties/"])
def test_a_public_page_is_answered_from_the_cache_in_one_query(reference_data, client,
                                                               django_assert_max_num_queries, url):
    client.get(url)
    with django_assert_max_num_queries(1):  # the record's version, nothing else
        response = client.get(url)
    assert response.status_code == 200 and response["ETag"]


def test_a_browser_that_has_the_page_gets_a_304_until_the_record_changes(reference_data, client):
    page = served_from_cache(client, NEW_START)
    assert client.get(NEW_START, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304
    Treaty.objects.filter(slug="new-start").get().save()
    assert client.get(NEW_START, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 200


def test_an_edit_in_the_admin_shows_on_the_next_request(reference_data, client, admin_client):
    assert "Test Treaty" not in served_from_cache(client, "/treaties/?q=Testing").content.decode()
    url = reverse("admin:treaties_treaty_add")
    data = {"short_name": "Test Treaty", "name": "Treaty on Testing", "slug": "test-treaty",
            "category": "arms_control", "kind": "bilateral", "provision_sources": "[]"}
    for inline in admin_client.get(url).context["inline_admin_formsets"]:
        data |= {f"{inline.formset.prefix}-TOTAL_FORMS": 0, f"{inline.formset.prefix}-INITIAL_FORMS": 0}
    assert admin_client.post(url, data).status_code == 302

    assert "Test Treaty" in client.get("/treaties/?q=Testing").content.decode()


def test_an_import_shows_on_the_next_request(reference_data, client, tmp_path):
    served_from_cache(client, "/statements/")
    (tmp_path / "statements.csv").write_text(
        "url,title,outlet,date,precision,treaties\n"
        "https://example.org/imported,An imported statement on New START,Example,2026-01-10,day,new-start\n")

    call_command("import_data", str(tmp_path / "statements.csv"), stdout=io.StringIO())

    assert "An imported statement on New START" in client.get("/statements/").content.decode()


def test_reloading_the_reference_data_shows_on_the_next_request(reference_data, client):
    title = Statement.objects.get(url=TASS_STATEMENT).title
    Statement.objects.filter(url=TASS_STATEMENT).delete()
    assert title not in served_from_cache(client, "/statements/?q=vacuum").content.decode()

    call_command("load_reference_data", stdout=io.StringIO())

    assert title in client.get("/statements/?q=vacuum").content.decode()


def test_a_feed_ingest_shows_on_the_next_request(reference_data, client):
    Statement.objects.filter(url=TASS_STATEMENT).delete()
    api = "/api/v1/statements/?outlet=TASS"
    before = served_from_cache(client, api, HTTP_ACCEPT="application/json").json()

    feed_ingest(feed=read_feed(fixture("tass.rss"), url="https://tass.com/rss/v2.xml"), outlet="TASS")

    after = client.get(api, HTTP_ACCEPT="application/json").json()
    assert TASS_STATEMENT in {s["url"] for s in after["results"]} - {s["url"] for s in before["results"]}


def test_a_new_day_is_a_new_page_without_any_edit(reference_data, client, time_machine):
    time_machine.move_to("2026-02-05 12:00Z")
    before = served_from_cache(client, NEW_START)
    time_machine.move_to("2026-02-06 12:00Z")  # New START's term ran out on 5 February 2026
    after = client.get(NEW_START)
    assert after["ETag"] != before["ETag"] and after.content != before.content


def test_editors_and_the_subscription_pages_are_never_served_from_the_cache(reference_data, client, admin_client):
    served_from_cache(client, NEW_START)
    Treaty.objects.filter(slug="new-start").update(short_name="Changed behind the version's back")
    assert "Changed behind" in admin_client.get(NEW_START).content.decode()
    assert "Changed behind" not in client.get(NEW_START).content.decode()  # only a writer that bumps shows
    assert not client.get("/alerts/").get("ETag", "").startswith('"r')  # Django's hash of the body, not a version


def test_the_api_rate_limit_holds_for_cached_answers(reference_data, client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "3/minute"
    codes = [client.get("/api/v1/parties/", HTTP_ACCEPT="application/json").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    cache.clear()


# Where pages are cached in Redis (production), the record's version is read in the same round trip as the page.

@pytest.mark.django_db(transaction=True)
def test_a_page_from_redis_costs_one_round_trip_and_no_query(pages_in_redis, client, monkeypatch,
                                                             django_assert_num_queries):
    make_treaties(3)
    client.get("/treaties/")  # made, and kept
    commands = []
    monkeypatch.setattr(pages_in_redis, "execute_command",
                        lambda *args, _run=pages_in_redis.execute_command, **kw: commands.append(args[0]) or _run(
                            *args, **kw))
    with django_assert_num_queries(0):
        served_from_cache(client, "/treaties/")
    assert commands == ["MGET", "MGET"]


@pytest.mark.django_db(transaction=True)
def test_an_edit_shows_on_the_next_request_from_redis(pages_in_redis, client):
    treaty, *_ = make_treaties(3)
    page = served_from_cache(client, "/treaties/")
    Treaty.objects.filter(pk=treaty.pk).get().save()  # the same page, the record's version moved on
    assert client.get("/treaties/", HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 200
    treaty.short_name = "Renamed in Redis"
    treaty.save()
    assert "Renamed in Redis" in client.get("/treaties/").content.decode()
    assert "Renamed in Redis" in served_from_cache(client, "/treaties/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_pages_in_djangos_own_redis_backend_are_served_and_follow_edits(pages_in_redis, client, settings,
                                                                        django_assert_num_queries):
    # A settings module may name Django's backend itself, rather than through env.cache, which swaps in ours.
    settings.CACHES = {**settings.CACHES, "pages": {**settings.CACHES["pages"],
                                                    "BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    treaty, *_ = make_treaties(3)
    client.get("/treaties/")
    with django_assert_num_queries(0):
        served_from_cache(client, "/treaties/")
    treaty.short_name = "Renamed in the stock backend"
    treaty.save()
    assert "Renamed in the stock backend" in served_from_cache(client, "/treaties/").content.decode()


def test_pages_are_still_served_while_the_page_caches_redis_is_unreachable(reference_data, client, settings, caplog):
    closed = free_port()  # nothing listens there: each cache call fails at once, as when the cache's Redis is down
    settings.CACHES = {**settings.CACHES, "pages": {"BACKEND": "tracker.redis_cache.RedisCache",
                                                    "LOCATION": f"redis://127.0.0.1:{closed}/0"}}
    for url in [NEW_START, "/api/v1/treaties/new-start/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "New START" in response.content.decode()
    assert "could not be" in caplog.text
