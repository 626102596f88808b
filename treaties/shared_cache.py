"""The Redis behind one of Django's caches, for the atomic steps Django's cache API has no call for (a value that
only moves forward, a counter that starts its own expiry, a cached value read in one round trip with such a value).
None where that cache is not Redis (the embedded per-process default): callers fall back to the cache API, or to
the database."""

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def redis_of(alias: str) -> redis.Redis | None:
    """The client Django's cache itself writes with (its first server, its database and OPTIONS: TLS, timeouts),
    kept by the cache (tracker/redis_cache.py; Django makes a cache object per thread, so one per thread and pool):
    building a client costs more than the round trip it is for."""
    if not isinstance(cache := caches[alias], RedisCache):
        return None
    return cache._cache.get_client(write=True)  # Django has no public name for it


def get_beside(alias: str, key: str, plain_key: str) -> tuple:
    """(the bytes under `plain_key`, `caches[alias].get(key)`) in one round trip, from a Redis cache: `plain_key` is a
    key of the same Redis that something other than the cache keeps (no prefix, no serialising), such as the
    published record version."""
    cache = caches[alias]
    held, value = redis_of(alias).mget([plain_key, cache.make_and_validate_key(key)])
    return held, None if value is None else cache._cache._serializer.loads(value)  # as the cache's own get()
