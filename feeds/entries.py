"""A feed's bytes, read into what a statement needs (pure: no database, no network).

feedparser reads RSS 0.9x, 1.0 and 2.0 and Atom, in any declared encoding. It is lenient: it reads a
broken document as far as it can and reads a page in the wrong encoding as garbled text, flagging
("bozo") what it had to guess. A statement is kept for good and not re-read, so here a feed that is not
well-formed, or that can only be read by guessing its encoding, is refused with the reason, and
nothing is taken from it.
"""

import calendar
import datetime as dt
import re
import xml.sax
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser

from treaties.safe_html import clean_html, plain_text

MAX_URL = 800  # Statement.url
MAX_TITLE = 500
MAX_QUOTE = 1000

# Query parameters that say how a reader arrived, not what they read.
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|ref_src|cmpid"
    r"|at_medium|at_campaign|at_source|ito|rss|from_rss)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_URI = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([\w.:-]+)[\"']", re.IGNORECASE)
_FEED_LINK = re.compile(
    r"<link\b[^>]*type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(r"href=[\"']([^\"']+)[\"']", re.IGNORECASE)
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}


class NotAFeed(Exception):
    """Nothing could be read: the message says why, for the editor who added the source."""


@dataclass(frozen=True)
class Entry:
    url: str  # as published, without tracking parameters or fragment: what readers follow
    normalised_url: str  # the same story's key whatever the scheme, host case or tracking parameters
    guid: str  # the entry's id, made unique across feeds; "" if it has none
    title: str
    quote: str  # the summary as plain text
    full_text: str  # the content as cleaned HTML, when the feed gives more than the summary
    published: dt.datetime | None  # UTC
    language: str


@dataclass(frozen=True)
class Feed:
    title: str
    language: str
    entries: list[Entry]
    skipped: int  # entries without a web address to point readers to
    problem: str = ""  # what was wrong with a feed that could still be read


def clean_url(url: str) -> str:
    """The link readers follow: tracking parameters and fragment dropped, host in lower case."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))


def normalised_url(url: str) -> str:
    """One key for every way of writing a story's address: "https://www.TASS.com/x?utm_source=rss"
    and "http://tass.com/x" are both "tass.com/x"."""
    parts = urlsplit(clean_url(url))
    host = parts.hostname or ""
    host = host.removeprefix("www.")
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{host}{parts.path}" + (f"?{query}" if query else "")


def read_feed(body: bytes, *, content_type: str = "", url: str = "") -> Feed:
    """The entries of an RSS or Atom document; raises `NotAFeed` with the reason when there are none to trust.

    `url` is where the feed came from: it resolves relative links and scopes the entries' ids.
    """
    problem = ""
    declared = _declared_encoding(body, content_type)
    if declared and declared not in _UTF8 and not body.isascii() and _is_utf8(body):
        # Bytes that happen to be valid UTF-8 in another encoding are vanishingly rare: trust the bytes.
        problem = f"The feed says it is encoded as {declared}, but it is UTF-8; read as UTF-8."
        content_type = f"{_media_type(content_type) or 'application/xml'}; charset=utf-8"
    headers = {"content-type": content_type} if content_type else {}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    _refuse_unreadable(parsed, body, content_type)
    entries, skipped = [], 0
    for item in parsed.entries:
        entry = _entry(item, feed_url=url, feed_language=parsed.feed.get("language", ""))
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    return Feed(plain_text(parsed.feed.get("title", "")), _language(parsed.feed.get("language", "")), entries,
                skipped, problem)


def _refuse_unreadable(parsed, body: bytes, content_type: str) -> None:
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    version = parsed.get("version")
    if isinstance(error, feedparser.CharacterEncodingOverride) and parsed.encoding.lower() not in _UTF8:
        declared = _declared_encoding(body, content_type)
        said = f"says it is encoded as {declared}" if declared else "declares no encoding (so it must be UTF-8)"
        raise NotAFeed(
            f"The feed {said}, but it is not; it could only be read by guessing ({parsed.encoding}), "
            "which garbles text, so nothing was taken from it."
        )
    if not version and not body.strip():
        raise NotAFeed("The response was empty.")
    if not version and _looks_like_html(body, content_type):
        hint = _feed_named_in_page(body)
        raise NotAFeed(
            "The address gives a web page (HTML), not a feed" + (f"; the page names a feed at {hint}" if hint else "")
            + "."
        )
    if isinstance(error, xml.sax.SAXParseException):
        where = f"line {error.getLineNumber()}, column {error.getColumnNumber()}: {error.getMessage()}"
        if not version:
            raise NotAFeed(f"The response is not an RSS or Atom feed (not even well-formed XML: {where}).")
        raise NotAFeed(f"The feed is not well-formed XML ({where}), so nothing was taken from it.")
    if not version:
        raise NotAFeed("The response is not an RSS or Atom feed.")


def _entry(item, *, feed_url: str, feed_language: str) -> Entry | None:
    guid = (item.get("id") or "").strip()
    link = item.get("link") or (guid if guid.startswith(("http://", "https://")) else "")
    if not link.startswith(("http://", "https://")):
        return None
    url = clean_url(link)
    if len(url) > MAX_URL:
        return None
    if guid and not _URI.match(guid):
        guid = f"{feed_url}#{guid}"  # a bare id ("12345") is unique within its feed only
    summary = item.get("summary", "")
    content = next((c.get("value", "") for c in item.get("content", []) if c.get("value")), "")
    quote = plain_text(summary or content)
    title = plain_text(item.get("title", "")) or _shorten(quote, 120) or url
    return Entry(
        url=url,
        normalised_url=normalised_url(url),
        guid=guid if len(guid) <= MAX_URL else "",
        title=_shorten(title, MAX_TITLE),
        quote=_shorten(quote, MAX_QUOTE),
        full_text=clean_html(content) if content and content != summary else "",
        published=_utc(item.get("published_parsed") or item.get("updated_parsed")),
        language=_language(item.get("title_detail", {}).get("language") or feed_language),
    )


def _utc(parsed_time) -> dt.datetime | None:
    # feedparser gives times as UTC struct_time whatever offset the feed wrote.
    if not parsed_time:
        return None
    return dt.datetime.fromtimestamp(calendar.timegm(parsed_time), tz=dt.UTC)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def _language(code: str) -> str:
    code = (code or "").strip()
    return code if len(code) <= 8 else code.split("-")[0][:8]


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _declared_encoding(body: bytes, content_type: str) -> str:
    charset = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    if charset:
        return charset.group(1).lower()
    declaration = _XML_ENCODING.match(body[:200])
    return declaration.group(1).decode("ascii").lower() if declaration else ""


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _looks_like_html(body: bytes, content_type: str) -> bool:
    return _media_type(content_type) in ("text/html", "application/xhtml+xml") or bool(
        re.search(rb"<html[\s>]|<!doctype html", body[:2000], re.IGNORECASE)
    )


def _feed_named_in_page(body: bytes) -> str:
    link = _FEED_LINK.search(body[:100_000].decode("utf-8", "replace"))
    href = _HREF.search(link.group()) if link else None
    return href.group(1) if href else ""
