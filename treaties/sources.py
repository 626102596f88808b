"""Which sources the record may cite: pure, for the dataset builder, the tests and editors' checks.

Researchers cite the treaty text or its depositary first, then the parties' own statements, intergovernmental
bodies, and only then wires and expert bodies. Wikipedia, its mirrors, aggregators and content farms are
never a source: they copy without checking, so a date there can be nobody's.
"""

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
