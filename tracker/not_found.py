"""Readers never meet Django's debug 404.

With DEBUG on (the default of a developer's checkout and of `make run`), Django answers an unknown URL with its
technical page, which lists every URL pattern: a reader trying the demo would take it for a broken site. This
middleware answers with the site's own 404 instead. Errors (500) keep Django's debug page with DEBUG on, where a
developer needs the traceback; with DEBUG off, `handler404`/`handler500` serve the branded pages as usual.
"""

from django.conf import settings
from django.http import HttpResponseNotFound

from treaties.web.views import not_found


class BrandedNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's technical 404 is the only HttpResponseNotFound here: the site's own 404s render with status=404.
        if settings.DEBUG and type(response) is HttpResponseNotFound:
            return not_found(request)
        return response
