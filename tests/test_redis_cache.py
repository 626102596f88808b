"""The Redis cache backend (tracker/redis_cache.py): Django's, with one client per connection pool."""

import uuid

import pytest
from django.core.cache import caches

from tests.support.deployment_settings import settings_under
from tests.support.services import require_redis


def test_a_redis_cache_url_gets_the_backend_that_keeps_its_clients():
    caches_ = settings_under(without=("PAGE_CACHE_URL",), CACHE_URL="redis://127.0.0.1:6379/1").CACHES
    assert caches_["default"]["BACKEND"] == caches_["pages"]["BACKEND"] == "tracker.redis_cache.RedisCache"
    assert caches_["pages"]["OPTIONS"]["socket_timeout"] == 2


@pytest.mark.services
def test_every_call_shares_one_client_and_still_reads_what_it_wrote(settings):
    # A prefix of its own: never cache.clear() on Redis, which empties the machine's database.
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": "tracker.redis_cache.RedisCache",
                                                     "LOCATION": require_redis(), "KEY_PREFIX": uuid.uuid4().hex}}
    cache = caches["shared"]
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client and cache._cache.get_client("a key") is client
    cache.set("page", {"status": 200, "content": b"\x00 bytes"}, 30)
    assert cache.get("page") == {"status": 200, "content": b"\x00 bytes"}
    assert cache.add("counter", 1, 30) and cache.incr("counter") == 2
    cache.delete_many(["page", "counter"])
    assert cache.get("page") is None and client.ping()
