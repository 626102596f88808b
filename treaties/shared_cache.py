"""The Redis behind one of Django's caches, for the atomic steps Django's cache API has no call for (a value that
only moves forward, a counter that starts its own expiry). None where that cache is not Redis (the embedded
per-process default): callers fall back to the cache API, or to the database."""

import redis
from django.conf import settings

_clients: dict[str, redis.Redis] = {}


def redis_of(alias: str) -> redis.Redis | None:
    conf = settings.CACHES[alias]
    location = conf.get("LOCATION")
    if conf["BACKEND"] != "django.core.cache.backends.redis.RedisCache" or not isinstance(location, str):
        return None
    if location not in _clients:
        _clients[location] = redis.Redis.from_url(location, socket_timeout=2, socket_connect_timeout=2)
    return _clients[location]
