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


def client_ip(request) -> str | None:
    """The client's address, or None where the request has none to give (a login made by code, not a socket)."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote  # not through the proxies (a probe from inside, say)
    # Fewer entries than proxies: the furthest address any proxy recorded, as DRF does.
    return _address(forwarded[-min(proxies, len(forwarded))]) or remote


def _address(text: str) -> str | None:
    # Stored by django-axes in an address column (PostgreSQL's inet): anything else must not reach it.
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
