"""Statement text comes from outside (pasted pages, feeds, imports): untrusted HTML, kept to a small safe set."""

import nh3

TAGS = {"p", "br", "a", "em", "strong", "b", "i", "q", "cite", "blockquote", "ul", "ol", "li"}
ATTRIBUTES = {"a": {"href", "title"}}


def clean_html(text: str) -> str:
    """Only the tags above survive; scripts, styles, event handlers and javascript: links are dropped."""
    return nh3.clean(
        text, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
