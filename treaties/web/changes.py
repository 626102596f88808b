"""The "What changed" page and its Atom feed: recent changes to the record itself."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from ..changes import recent_changes


def _until(request) -> dt.datetime:
    """Changes made up to the end of the as-of day (today: up to now)."""
    if not request.as_of_given or request.as_of >= timezone.localdate():
        return timezone.now()
    next_day = dt.datetime.combine(request.as_of + dt.timedelta(days=1), dt.time(), timezone.get_current_timezone())
    return next_day - dt.timedelta(microseconds=1)


def what_changed(request):
    return render(request, "treaties/changes.html", {"changes": recent_changes(_until(request))})


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Treaty Tracker: what changed in the record"
    subtitle = "Deadlines added or moved, events recorded, statements and treaties added, newest first."

    def link(self):
        return reverse("treaties:changes")

    def items(self):
        return recent_changes(timezone.now())

    def item_title(self, change):
        return change.title

    def item_description(self, change):
        return f"{change.title}. By {change.by}." if change.by else change.title

    def item_link(self, change):
        return change.link or reverse("treaties:changes")

    def item_guid(self, change):
        return f"tag:treaty-tracker,{change.at:%Y-%m-%d}:change/{change.at.isoformat()}/{change.title}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.at

    def item_updateddate(self, change):
        return change.at
