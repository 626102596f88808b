"""Django's Redis cache, with one client per connection pool instead of one per call.

Django's own backend builds a `redis.Redis` for every cache call, and each new client copies redis-py's table of
some 170 response callbacks: on a cached page, that was an eighth of the request's time in the web process. A
client holds no connection of its own (it borrows one from the pool for each command) and is safe to share
between threads, so one per pool serves every call.

It also reads a cached value together with a plain key beside it (`get_beside`), in one round trip.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get_beside(self, key, plain_key):
        # From the server writes go to, as `treaties.shared_cache.redis_of` reads and writes plain keys there.
        held, value = self.get_client(key, write=True).mget([plain_key, key])
        return held, None if value is None else self._serializer.loads(value)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClients

    def get_beside(self, key, plain_key: str, version=None):
        """(the bytes under `plain_key`, `get(key)`) in one round trip: `plain_key` is a key of the same Redis that
        something other than the cache keeps (no prefix, no serialising), such as the published record version."""
        return self._cache.get_beside(self.make_and_validate_key(key, version=version), plain_key)
