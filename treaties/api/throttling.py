from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class ClientRateThrottle(AnonRateThrottle):
    """Requests per client address, at the rate in settings.API_RATE_LIMIT (read per request).

    Counts live in Django's cache: give several web processes a shared cache
    (Redis) so the limit holds across them.
    """

    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT
