"""One feed over HTTP: a conditional GET with a timeout, a size limit and a User-Agent that says who asks.

The standard library's urllib is enough for one GET with a few headers, redirects included; the limits
that matter here (a deadline for the whole download, a cap on the bytes read) are a short read loop
either way, so a third-party HTTP client would not earn its place.
"""

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

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
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"Only http and https addresses can be fetched, not {url!r}.")
    headers = {"User-Agent": user_agent(), "Accept": "application/rss+xml, application/atom+xml, "
               "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"The feed is {int(length):,} bytes, over the {max_bytes:,}-byte limit.")
            body = _read(response, max_bytes=max_bytes, deadline=started + timeout, timeout=timeout)
            return Response(
                body=body,
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                url=response.geturl(),
            )
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Response(b"", etag=error.headers.get("ETag", etag),
                            last_modified=error.headers.get("Last-Modified", last_modified), url=url,
                            not_modified=True)
        raise FetchError(f"The server answered HTTP {error.code} {error.reason}.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise FetchError(f"Could not connect within {timeout:g} seconds.") from None
        raise FetchError(f"Could not reach the server: {error.reason}.") from None
    except TimeoutError:
        raise FetchError(f"No answer within {timeout:g} seconds.") from None
    except (http.client.HTTPException, OSError) as error:
        raise FetchError(f"The connection failed: {error or type(error).__name__}.") from None


def _read(response, *, max_bytes: int, deadline: float, timeout: float) -> bytes:
    # The socket timeout bounds each read; the deadline bounds a server that trickles bytes forever.
    chunks, size = [], 0
    while chunk := response.read1(_CHUNK):  # whatever has arrived, so the deadline is checked as it trickles
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"The feed is over the {max_bytes:,}-byte limit; stopped reading.")
        if time.monotonic() > deadline:
            raise FetchError(f"The feed did not arrive within {timeout:g} seconds.")
        chunks.append(chunk)
    return b"".join(chunks)
