"""The one way feeds talk to other servers: http(s) only, a few redirects, and only to public addresses.

Any editor can add a feed URL, so without a guard the worker would fetch whatever they name: the cloud
metadata service, Redis on localhost, the intranet. The address is checked where it cannot be dodged,
when connecting: the host is resolved once, every address it resolves to is checked, and the socket
connects to an address that was checked, never to the name again (which a rebinding DNS server could
answer differently the second time). Redirects are followed here, each one checked like the first URL,
because a public server may point anywhere. Modelled on healthchecks' `hc/lib/curl.py`.
"""

import http.client
import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 3
SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
# NAT64's well-known prefix: such an IPv6 address reaches the IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The guard would not (or, for a name that does not resolve, could not) make this request; the message is
    for the server log, not for editors."""


def address_refusal(address: str) -> str:
    """Why a peer address may not be connected to, or "" when it may: only public unicast addresses may.
    An IPv6 address that carries an IPv4 one and reaches it (mapped, NAT64, 6to4) is judged by that one."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.sixtofour:
            ip = ip.sixtofour
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private", "site_local"):
        if getattr(ip, f"is_{kind}", False):
            return f"{address}: {kind.replace('_', '-')} address"
    if not ip.is_global:  # e.g. 100.64.0.0/10, carrier-grade NAT
        return f"{address}: not a public address"
    return ""


def checked_socket(host: str, port: int, *, timeout: float | None, allow_private: bool) -> socket.socket:
    """A socket connected to `host`, resolved once, every address checked; raises `Refused` or `OSError`."""
    try:
        resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Refused(f"{host} does not resolve: {error}") from None
    if not allow_private:
        refusals = [reason for *_, sockaddr in resolved if (reason := address_refusal(sockaddr[0]))]
        if refusals:  # one bad address is enough: which one a connection would get is not ours to choose
            raise Refused(f"{host} resolves to a non-public address: {'; '.join(refusals)}")
    last_error: OSError = OSError(f"{host} resolves to no address")
    for family, kind, protocol, _, sockaddr in resolved:
        sock = socket.socket(family, kind, protocol)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as error:
            sock.close()
            last_error = error
    raise last_error


class _CheckedHTTPConnection(http.client.HTTPConnection):
    allow_private = False

    def connect(self):
        self.sock = checked_socket(self.host, self.port, timeout=self.timeout, allow_private=self.allow_private)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _CheckedHTTPSConnection(http.client.HTTPSConnection, _CheckedHTTPConnection):
    """HTTPSConnection.connect wraps in TLS (verified, with the URL's host name) whatever the checked connect opened."""


def check_url(url: str) -> tuple[str, int, str]:
    """The host, port and request target of an http(s) URL; raises `Refused` for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise Refused(f"{url!r} is not an http or https address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused(f"{url!r} has no valid port") from None
    if not parts.hostname:
        raise Refused(f"{url!r} names no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.hostname, port, target


@contextmanager
def get(url: str, *, headers: dict, deadline: float, allow_private: bool,
        max_redirects: int = MAX_REDIRECTS) -> Iterator[tuple[http.client.HTTPResponse, str]]:
    """GET `url` through the guard, following at most `max_redirects` redirects, each checked; yields the
    response and the URL it came from. Each connection may take what is left until `deadline` (monotonic).
    Raises `Refused`, `TimeoutError`, `OSError` or `http.client.HTTPException`."""
    for _ in range(max_redirects + 1):
        connection, response = _get_once(url, headers=headers, deadline=deadline, allow_private=allow_private)
        location = response.getheader("Location")
        if response.status in _REDIRECTS and location:
            response.close()
            connection.close()
            url = urljoin(url, location.strip())
            continue
        try:
            yield response, url
        finally:
            response.close()
            connection.close()
        return
    raise Refused(f"more than {max_redirects} redirects, the last to {url!r}")


def _get_once(url: str, *, headers: dict, deadline: float, allow_private: bool):
    host, port, target = check_url(url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("no time left for another request")
    kind = _CheckedHTTPSConnection if urlsplit(url).scheme == "https" else _CheckedHTTPConnection
    connection = kind(host, port, timeout=remaining)
    connection.allow_private = allow_private
    try:
        connection.request("GET", target, headers={**headers, "Connection": "close"})
        return connection, connection.getresponse()
    except BaseException:
        connection.close()
        raise
