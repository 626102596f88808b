"""Django's Redis cache, with one client per connection pool instead of one per call.

Django's own backend builds a `redis.Redis` for every cache call, and each new client copies redis-py's table of
some 170 response callbacks: on a cached page, that was an eighth of the request's time in the web process. A
client holds no connection of its own (it borrows one from the pool for each command) and is safe to share
between threads, so one per pool serves every call.
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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClients
