"""Every answer under /api/ is JSON, errors included, whatever gives them.

Inside the API's views DRF already answers its own errors (400, 404, 405, 406, 429) as {"detail": …} or
{parameter: [messages]}. These cover what happens outside them: a path that matches no view (also with DEBUG,
whose technical 404 page would otherwise answer), and Django's 400, 403 and 500 handlers, which still log and
report the error as usual before answering.
"""

from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


@csrf_exempt  # any method gets the same 404, not a CSRF page
def unknown_path(request, path=""):
    return error(404, f"Nothing is at {request.path}. The API's resources are listed at /api/v1/.")


def bad_request(request, exception=None):
    return error(400, "Bad request.") if is_api(request) else defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    return error(403, "Forbidden.") if is_api(request) else defaults.permission_denied(request, exception)


def server_error(request):
    return error(500, "Server error. It has been logged.") if is_api(request) else defaults.server_error(request)
