"""Whole responses of the record's public pages and API, cached with the record's version they were made under.

Each page is kept with the record's version it was made under (`treaties.versions`, bumped in the same
transaction as any change) and served only while that is still the version, so a page is never older than the
data: the request after an edit reads the new version and misses. The version is read in the same round trip as
the page (one Redis MGET), which is why it sits beside the page rather than in its key. The key holds today's date
in the site's zone, because "today" moves countdowns and statuses with no edit at all. The version and the day
give every cached page its ETag and Last-Modified, so a browser that already has the page gets a 304.

Only anonymous requests are served from it (no session, no messages): editors see what they just did. Responses
that carry their own ETag (calendars and feeds, `treaties.web.freshness`) are left to their own caching.
"""

import hashlib
import logging
from datetime import datetime, time

import redis
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from rest_framework.request import Request

from treaties import versions
from treaties.api.throttling import ClientRateThrottle

logger = logging.getLogger(__name__)

# A page of an older version is replaced by the first request after the edit; this only bounds how long a page
# that nobody asks for again takes up room.
PAGE_CACHE_SECONDS = 24 * 60 * 60
CACHED_NAMESPACE = "treaties"


class RecordCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        today = timezone.localdate()
        # Representations differ by host (absolute links in feeds and the API) and by Accept (the API's JSON or
        # browsable HTML), so both are part of the key and the ETag.
        variant = hashlib.sha256("|".join([
            f"{today}", request.get_host(), request.META.get("HTTP_ACCEPT", ""), settings.SITE_URL,
        ]).encode()).hexdigest()[:20]
        key = f"page:{variant}:{hashlib.sha256(request.get_full_path().encode()).hexdigest()}"
        version, stored = versions.current_and_cached(key)
        etag = f'"{version.etag}-{variant}"'
        last_modified = _last_modified(version, today)
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None and stored is not None and stored[0] == version.etag:
            response = _restored(*stored[1:])
        if response is not None and _within_rate_limit(request):
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            # Any copy a browser or proxy keeps must be checked again (cheaply, by ETag) before it is shown.
            patch_cache_control(response, no_cache=True)
            try:
                caches["pages"].set(key, (version.etag, *_stored(response)), PAGE_CACHE_SECONDS)
            except redis.RedisError:  # the page is made: a cache that is down costs speed, not the answer
                logger.warning("A page could not be cached; serving it uncached", exc_info=True)
        return response


def _stored(response) -> tuple:
    """What a hit needs: the status, the headers and the bytes. Pickling the response itself would also carry
    what it was made from (an API response keeps its whole `data` tree), which a hit would unpickle for nothing."""
    return response.status_code, list(response.items()), response.content


def _restored(status: int, headers: list, content: bytes) -> HttpResponse:
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False  # an editor, or someone with a message waiting: their page is their own
    try:
        return resolve(request.path_info).namespace == CACHED_NAMESPACE
    except Resolver404:
        return False


def _cacheable_response(response) -> bool:
    # A response with its own validator (calendars, feeds: `treaties.web.freshness`) keeps its own caching, its
    # own Cache-Control and its compression for the clients that accept it.
    return (response.status_code == 200 and not response.streaming and not response.cookies
            and not response.has_header("ETag")
            and not response.has_header("Set-Cookie") and "private" not in response.get("Cache-Control", ""))


def _last_modified(version, today) -> float:
    # A page for today changes at midnight even when the record does not.
    midnight = timezone.make_aware(datetime.combine(today, time.min))
    changed = version.changed_at or midnight
    return max(changed, midnight).timestamp()


def _within_rate_limit(request) -> bool:
    """The API's limit holds for cached answers too. Counted here only when the cache answers; when it does
    not, the API's own throttle counts the request (and refuses it with its usual 429 and Retry-After)."""
    if not request.path_info.startswith("/api/"):
        return True
    return ClientRateThrottle().allow_request(Request(request), None)
