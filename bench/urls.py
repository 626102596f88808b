from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The cheapest Django response: the ceiling for any page on the same server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("tracker.urls"))]
