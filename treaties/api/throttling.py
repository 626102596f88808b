from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from ..web.client_ip import client_ip


class ClientRateThrottle(AnonRateThrottle):
    """Requests per client address, at the rate in settings.API_RATE_LIMIT (read per request).

    Counts live in Django's cache: give several web processes a shared cache
    (Redis) so the limit holds across them.
    """

    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_ident(self, request):
        # DRF's own reading keys on the whole X-Forwarded-For when NUM_PROXIES is unset: a client writing a
        # new one on every request would never be counted twice.
        return client_ip(request) or "unknown"
