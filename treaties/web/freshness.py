"""Downloads that say how fresh they are, from the record's version (`treaties.versions`).

Calendar apps and feed readers poll. Each answer carries an ETag (the version, and a digest of what the URL
selects where one URL's content depends on more than the record), Last-Modified (when the record last changed)
and Cache-Control, so a poll after no change is a 304 with no body, for GET and HEAD alike.
"""

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from .. import versions

# Short, so a proxy or browser never holds a changed calendar or feed for long; polls after that are 304s.
MAX_AGE = 15 * 60


def variant(*parts: str) -> str:
    """A short digest of what else selects the content (a query, a subscriber's choices), for the ETag."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def record_response(
    request: HttpRequest, build: Callable[[versions.Version], bytes], *, content_type: str, variant: str = "",
    private: bool = False,
) -> HttpResponse:
    """`build(version)` makes the body, only when the client's copy is not current."""
    version = versions.current()
    response = HttpResponse(content_type=content_type)
    response["ETag"] = quote_etag(f"{version.etag}-{variant}" if variant else version.etag)
    last_modified = int(version.changed_at.timestamp()) if version.changed_at else None
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    if private:
        patch_cache_control(response, private=True, max_age=MAX_AGE)
    else:
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ["Accept-Encoding"])  # gzip_page compresses for clients that accept it
    answer = get_conditional_response(request, etag=response["ETag"], last_modified=last_modified, response=response)
    if answer is response:
        response.content = build(version)
    return answer
