"""The Redis cache backend (tracker/redis_cache.py): Django's, with one client per connection pool."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches

from tests.support.services import require_redis

ROOT = Path(__file__).resolve().parents[1]


def test_a_redis_cache_url_gets_the_backend_that_keeps_its_clients():
    code = "import django; django.setup(); from django.conf import settings as s; " \
           "print(s.CACHES['default']['BACKEND'], s.CACHES['pages']['BACKEND'], s.CACHES['pages']['OPTIONS'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "CACHE_URL": "redis://127.0.0.1:6379/1"}
    env.pop("PAGE_CACHE_URL", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    default, pages, options = result.stdout.split(maxsplit=2)
    assert default == pages == "tracker.redis_cache.RedisCache"
    assert "'socket_timeout': 2" in options


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
