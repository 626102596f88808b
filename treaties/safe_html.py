"""Statement text comes from outside (pasted pages, feeds, imports): untrusted HTML, kept to a small safe set."""

import html
import re

import nh3

TAGS = {"p", "br", "a", "em", "strong", "b", "i", "q", "cite", "blockquote", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href", "title"}}


def clean_html(text: str) -> str:
    """Only the tags above survive; scripts, styles, event handlers and javascript: links are dropped."""
    return nh3.clean(
        text, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


_BLOCK_END = re.compile(r"<(?:br|/p|/div|/li|/h\d|/blockquote|/tr|/td)\b[^>]*>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """The words of an HTML fragment, as one line of text: tags, scripts and styles gone, entities decoded."""
    words = html.unescape(nh3.clean(_BLOCK_END.sub(" ", text), tags=set()))
    return " ".join(words.split())
