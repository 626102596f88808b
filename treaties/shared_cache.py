"""The Redis behind one of Django's caches, for the atomic steps Django's cache API has no call for (a value that
only moves forward, a counter that starts its own expiry). None where that cache is not Redis (the embedded
per-process default): callers fall back to the cache API, or to the database."""

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
