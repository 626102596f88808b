from django import template
from django.conf import settings
from django.utils.http import urlencode

from .. import versions
from ..web import countdown as countdowns

register = template.Library()


@register.simple_tag
def countdown(when, on):
    return countdowns.countdown(when, on)


@register.simple_tag
def since(verb, when, on):
    return countdowns.since_phrase(verb, when, on)


@register.filter
def days_until(when, on):
    return when.days_until(on)


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters changed (None or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.simple_tag(takes_context=True)
def on_query(context, prefix="?"):
    """`?on=…` to carry the as-of day through a link, or nothing."""
    value = context.get("as_of_query")
    return f"{prefix}{value}" if value else ""


@register.simple_tag(takes_context=True)
def webcal(context, path):
    """A webcal:// address, which calendar apps open as a subscription."""
    return f"webcal://{context['request'].get_host()}{path}"


@register.filter
def web_link(url):
    """The URL if it is http(s), else "": for links held in JSON, where no column constraint applies."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else ""


@register.inclusion_tag("treaties/includes/cite.html", takes_context=True)
def cite(context, title):
    """"Cite this page": a permanent link fixed to the as-of day, and the record's version it was read from (the
    record may be corrected later; the version tells a reader which one was cited)."""
    request, day = context["request"], context["as_of"]
    return {
        "title": title,
        "as_of": day,
        "today": context["today"],
        "permalink": f"{settings.SITE_URL}{request.path}?on={day.isoformat()}",
        "version": versions.current(),
    }
