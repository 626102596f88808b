"""The day the tracker is shown as of: `?on=YYYY-MM-DD`, or today in the site's time zone."""

import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

EARLIEST, LATEST = dt.date(1800, 1, 1), dt.date(2199, 12, 31)
# The same bounds, for the API schema.
PATTERN = r"^(18|19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class AsOfMiddleware:
    """Sets `request.as_of` (a date) and `request.as_of_given` (whether ?on= chose it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Given twice, it is no one day: the error quotes both.
        text = ", ".join(request.GET.getlist("on")).strip()
        request.as_of, request.as_of_given = timezone.localdate(), False
        if text:
            try:
                day = dt.date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                day = None
            if day is None or not EARLIEST <= day <= LATEST:
                message = (
                    f"“{text[:40]}” is not a date the tracker can show. Use ?on=YYYY-MM-DD, "
                    f"between {EARLIEST.year} and {LATEST.year}, e.g. ?on=2025-12-01."
                )
                if request.path.startswith("/api/"):
                    return JsonResponse({"on": [message]}, status=400)
                return render(request, "400.html", {"message": message}, status=400)
            request.as_of, request.as_of_given = day, True
        return self.get_response(request)


def as_of(request):
    """Template context: the as-of day, and whether it is today."""
    day = getattr(request, "as_of", None) or timezone.localdate()
    today = timezone.localdate()
    return {
        "as_of": day,
        "today": today,
        "TIME_ZONE_NAME": timezone.get_current_timezone_name(),
        "as_of_given": getattr(request, "as_of_given", False),
        "as_of_is_today": day == today,
        "as_of_query": f"on={day.isoformat()}" if getattr(request, "as_of_given", False) else "",
    }
