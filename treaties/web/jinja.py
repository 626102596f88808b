"""Jinja2, for the few fragments rendered with it.

Django's template language costs about 10 µs a variable; the timeline's rows and table print some 1,900 of them,
which was half the page's time. Jinja2 compiles a template to Python and renders the same markup in a third of
that. The page around them stays a Django template; the fragments are rendered first and passed in.
"""

from django.template.defaultfilters import capfirst, truncatechars
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from jinja2 import Environment, StrictUndefined, pass_context

from ..templatetags.treaty_tags import on_query


def environment(**options) -> Environment:
    """The engine's environment (settings.TEMPLATES): Django's filters and tags that the fragments use."""
    # Escaping on whatever the settings say: `fragment` marks the output safe. A name misspelt in a fragment fails
    # loudly instead of printing nothing.
    env = Environment(**{**options, "autoescape": True, "undefined": StrictUndefined})
    env.filters.update(capfirst=capfirst, truncatechars=truncatechars)
    env.globals["on_query"] = pass_context(lambda context, prefix="?": on_query(context, prefix))
    return env


def fragment(request, template_name: str, context: dict) -> SafeString:
    """A fragment of `templates/jinja2/`, to place in a Django template as it is: Jinja2 escaped what it printed."""
    return mark_safe(render_to_string(template_name, context, request, using="jinja2"))
