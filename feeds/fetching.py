"""One feed over HTTP: a conditional GET with a timeout, a size limit and a User-Agent that says who asks.

The request goes through `outbound` (http(s) only, public addresses only, a few redirects). Whatever
stops it before the server answers — an address refused, a name that does not resolve, a connection
refused, reset or timed out, a TLS failure, too many redirects — reaches editors as one and the same
sentence, with the reason in the server log only: a feed URL is typed by an editor, and telling them
which of those happened would let them map ports and hosts they cannot otherwise see. Once a server has
answered, what went wrong is said plainly (its HTTP status, a body too big or too slow).
"""

import http.client
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from . import outbound

logger = logging.getLogger(__name__)

COULD_NOT_FETCH = "Could not fetch the feed (the address was refused or did not answer; the server log says why)."
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    body: bytes  # empty when not modified
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    url: str = ""  # where it was found, after redirects
    not_modified: bool = False


class FetchError(Exception):
    """The feed could not be fetched; the message says why, in an editor's words."""


def user_agent() -> str:
    return f"TreatyTracker/1.0 (feed reader; +{settings.SITE_URL}/)"


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float | None = None,
          max_bytes: int | None = None) -> Response:
    """GET `url`, telling the server what we already have; raises `FetchError`."""
    timeout = timeout or settings.FEEDS_TIMEOUT
    max_bytes = max_bytes or settings.FEEDS_MAX_BYTES
    if urlsplit(url).scheme not in outbound.SCHEMES:  # what the editor typed, before any request
        raise FetchError(f"Only http and https addresses can be fetched, not {url!r}.")
    headers = {"User-Agent": user_agent(), "Accept": "application/rss+xml, application/atom+xml, "
               "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with outbound.get(url, headers=headers, deadline=deadline,
                          allow_private=settings.FEEDS_ALLOW_PRIVATE_ADDRESSES) as (response, found_at):
            if response.status == 304:
                return Response(b"", etag=response.getheader("ETag", etag),
                                last_modified=response.getheader("Last-Modified", last_modified), url=found_at,
                                not_modified=True)
            if not 200 <= response.status < 300:
                raise FetchError(f"The server answered HTTP {response.status} {response.reason}.")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"The feed is {int(length):,} bytes, over the {max_bytes:,}-byte limit.")
            body = _read(response, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
            return Response(
                body=body,
                content_type=response.getheader("Content-Type", ""),
                etag=response.getheader("ETag", ""),
                last_modified=response.getheader("Last-Modified", ""),
                url=found_at,
            )
    except (outbound.Refused, OSError, http.client.HTTPException, ValueError) as error:
        # OSError includes timeouts, refused and reset connections and TLS errors; ValueError a URL http.client
        # cannot send. The detail is for whoever runs the server, not for the admin row.
        logger.warning("Feed %s not fetched: %s: %s", url, type(error).__name__, error)
        raise FetchError(COULD_NOT_FETCH) from None


def _read(response, *, max_bytes: int, deadline: float, timeout: float) -> bytes:
    # The socket timeout bounds each read; the deadline bounds a server that trickles bytes forever.
    chunks, size = [], 0
    try:
        while chunk := response.read1(_CHUNK):  # whatever has arrived, so the deadline is checked as it trickles
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"The feed is over the {max_bytes:,}-byte limit; stopped reading.")
            if time.monotonic() > deadline:
                raise TimeoutError
            chunks.append(chunk)
    except TimeoutError:
        raise FetchError(f"The feed did not arrive within {timeout:g} seconds.") from None
    return b"".join(chunks)
