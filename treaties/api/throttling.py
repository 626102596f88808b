import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS
from rest_framework.throttling import AnonRateThrottle

from ..shared_cache import redis_of
from ..web.client_ip import client_ip

# The window's counter, moved on; the expiry only bounds how long a past window's counter takes up room (it is
# never read again).
_COUNT = "local n = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return n"


class ClientRateThrottle(AnonRateThrottle):
    """Requests per client address, at the rate in settings.API_RATE_LIMIT (read per request).

    Counts live in Django's cache: give several web processes a shared cache
    (Redis) so the limit holds across them.

    One counter per client and window, moved with the cache's atomic increment: DRF's own throttle keeps a list
    of every request's time in the window, read and written back whole on each request, so a generous limit
    costs more per request the busier a client is, and two processes writing back at once lose counts. A fixed
    window lets a client spend up to twice the rate across a window's edge; that is the price of O(1).
    """

    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_ident(self, request):
        # DRF's own reading keys on the whole X-Forwarded-For when NUM_PROXIES is unset: a client writing a
        # new one on every request would never be counted twice.
        return client_ip(request) or "unknown"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        window = int(time.time()) // self.duration
        self.window_ends = (window + 1) * self.duration
        # Counted once a request: the page cache asks first (`tracker.page_cache`) and, refused, passes the
        # request on to the API, whose own throttle then asks again and must give the same answer.
        http_request, key = getattr(request, "_request", request), f"{self.get_cache_key(request, view)}:{window}"
        counted = getattr(http_request, "rate_limit_counted", {})
        if key not in counted:  # the same client, scope and window as the first asking
            http_request.rate_limit_counted = {**counted, key: self._counted(key)}
        return http_request.rate_limit_counted[key] <= self.num_requests

    def _counted(self, key: str) -> int:
        if (store := redis_of(DEFAULT_CACHE_ALIAS)) is not None:
            # One round trip, on every request of a cached API answer: Django's incr asks whether the key exists
            # first, and the window's first request needs another step to add it. One script rather than a
            # pipeline, whose every new object copies the client's 170 response callbacks (0.1 ms a request).
            return store.eval(_COUNT, 1, self.cache.make_and_validate_key(key), self.duration + 1)
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request (unless another process opened it a moment ago)
            return 1 if self.cache.add(key, 1, self.duration + 1) else self._incr_or_first(key)

    def _incr_or_first(self, key: str) -> int:
        try:
            return self.cache.incr(key)
        except ValueError:  # evicted again in between: count this request as the window's first
            return 1

    def wait(self):
        return max(1, self.window_ends - time.time())
