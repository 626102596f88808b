"""Atom feeds of statements (django.contrib.syndication).

Readers poll: the feed's `updated` is its newest entry's (or, with no entry, when the record last changed), never
the time of the request, and each answer carries the record's version as ETag, so an unchanged feed is a 304.
A statement dated to a month or a year says so in its summary and has no `published` time, rather than
claiming midnight on the first day.
"""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from ..models import Statement, Treaty
from ..precision import Precision
from .freshness import record_response

FEED_SIZE = 50
# The `updated` of a feed with no entry in a record that has never changed.
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _newest(statements):
    # An entry is updated when an editor last changed the statement (its history), or else when it was recorded.
    edited = Statement.history.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
    return statements.prefetch_related("treaties").annotate(changed_at=Coalesce(Subquery(edited), "created_at")) \
        .order_by("-date", "-id")[:FEED_SIZE]


class RecordAtomFeed(Atom1Feed):
    def latest_post_date(self):
        dates = [item[key] for item in self.items for key in ("updateddate", "pubdate") if item[key]]
        return max(dates, default=None) or self.feed.get("record_changed_at") or NEVER


class StatementsFeed(Feed):
    feed_type = RecordAtomFeed
    title = "Treaty Tracker: statements"
    subtitle = "What officials say about international treaties, newest first."

    @method_decorator(require_safe)
    @method_decorator(gzip_page)  # public, nothing secret in it
    def __call__(self, request, *args, **kwargs):
        try:
            obj = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist as missing:
            raise Http404("Feed object does not exist.") from missing

        def build(version) -> bytes:
            feed = self.get_feed(obj, request)
            feed.feed["record_changed_at"] = version.changed_at
            return feed.writeString("utf-8").encode()

        return record_response(request, build, content_type=RecordAtomFeed.content_type)

    def link(self):
        return reverse("treaties:statement_list")

    def items(self):
        return _newest(Statement.objects.all())

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        when = str(item.when) if item.precision == Precision.DAY else f"{item.when} (day not known)"
        speaker = f"{item.speaker}, {item.speaker_role}: " if item.speaker and item.speaker_role else (
            f"{item.speaker}: " if item.speaker else "")
        return f"{when}. {speaker}{item.quote}" if item.quote else f"{when}. {item.title}"

    def item_link(self, item):
        return reverse("treaties:statement", args=[item.pk])

    def item_guid(self, item):
        return item.url

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        # Atom needs a time: the day, at midnight UTC, only where the day is known.
        if item.precision != Precision.DAY:
            return None
        return dt.datetime.combine(item.date, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item):
        return max(item.changed_at, item.created_at)

    def item_author_name(self, item):
        return item.outlet

    def item_categories(self, item):
        return [t.short_name for t in item.treaties.all()]


class TreatyStatementsFeed(StatementsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Treaty, slug=slug)

    def title(self, treaty):
        return f"Treaty Tracker: statements on {treaty.short_name}"

    def subtitle(self, treaty):
        return f"What officials say about the {treaty.name}."

    def link(self, treaty):
        return treaty.get_absolute_url()

    def items(self, treaty):
        return _newest(treaty.statements.all())
