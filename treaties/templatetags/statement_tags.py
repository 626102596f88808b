import re

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from ..safe_html import clean_html

register = template.Library()
_BLOCKS = re.compile(r"<(p|br|ul|ol|blockquote)\b")


@register.filter
def statement_html(text: str) -> str:
    """A statement's text as HTML, cleaned again here: a row may have been stored without the admin."""
    cleaned = clean_html(text or "")
    if not _BLOCKS.search(cleaned):
        cleaned = linebreaks(cleaned)  # plain pasted text: keep its paragraphs
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above
