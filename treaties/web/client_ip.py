"""The address a request came from: the one rule the API's rate limit, the admin's lockout and the subscribe
limit all count by.

Behind `PROXY_COUNT` proxies that each append the address they saw to X-Forwarded-For, the client is the
PROXY_COUNT-th entry from the right: whatever the client itself wrote into the header sits further left and is
never read. With no proxies the header is ignored and the socket's address (REMOTE_ADDR) is the client.

This is DRF's NUM_PROXIES rule. django-ipware was not used: it reads a list of headers in turn (X-Real-IP,
Client-IP, ...) that a client can set itself, and counts proxies differently; the rule here is a few lines.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote  # not through the proxies (a probe from inside, say)
    # Fewer entries than proxies: the furthest address any proxy recorded, as DRF does.
    chosen = forwarded[-min(proxies, len(forwarded))]
    try:
        # Stored by django-axes in an address column: a malformed entry must not reach the database.
        return str(ipaddress.ip_address(chosen))
    except ValueError:
        return remote
