"""Which sources the record may cite: pure, for the dataset builder, the tests and editors' checks.

Researchers cite the treaty text or its depositary first, then the parties' own statements, intergovernmental
bodies, and only then wires and expert bodies. Wikipedia, its mirrors, aggregators and content farms are
never a source: they copy without checking, so a date there can be nobody's.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

DENIED_HOSTS = {
    # Wikipedia, its mirrors and answer sites built on it
    "wikipedia.org", "wikimedia.org", "wikiwand.com", "dbpedia.org", "askwikinow.com", "worddisk.com",
    "wikizero.com", "everybodywiki.com",
    # aggregators and content farms that republish without checking
    "news.mail.ru", "pledgetimes.com", "donatonews.com", "irannewsdaily.com", "news-pravda.com", "sott.net",
    "particle.news", "newsbytesapp.com", "ho1.us", "what-when-how.com", "review.clateway.com", "wirenews.org",
    "exbulletin.com", "menafn.com", "newsbreak.com", "headtopics.com",
}


def host(url: str) -> str:
    name = (urlsplit(url).hostname or "").lower()
    return name.removeprefix("www.")


def is_denied(url: str) -> bool:
    name = host(url)
    return any(name == denied or name.endswith("." + denied) for denied in DENIED_HOSTS)


@dataclass(frozen=True)
class Citation:
    url: str
    publisher: str
    kind: str = ""  # "official", "press"…; empty where the record does not say


def citations(urls, named) -> list[Citation]:
    """Name bare source links for a reader: by the publisher and kind the record gives elsewhere for the same site
    (`named`: (url, publisher, kind) of the treaty's dated facts), else by the site's own name."""
    known = {host(url): (publisher, kind) for url, publisher, kind in named if publisher}
    return [Citation(url, *known.get(host(url), (host(url), ""))) for url in urls if url]
