"""Atom feeds of statements (django.contrib.syndication)."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from ..models import Statement, Treaty

FEED_SIZE = 50


class StatementsFeed(Feed):
    feed_type = Atom1Feed
    title = "Treaty Tracker: statements"
    subtitle = "What officials say about international treaties, newest first."

    def link(self):
        return reverse("treaties:statement_list")

    def items(self):
        return Statement.objects.prefetch_related("treaties").order_by("-date", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        speaker = f"{item.speaker}, {item.speaker_role}: " if item.speaker and item.speaker_role else (
            f"{item.speaker}: " if item.speaker else "")
        return f"{speaker}{item.quote}" if item.quote else item.title

    def item_link(self, item):
        return reverse("treaties:statement", args=[item.pk])

    def item_guid(self, item):
        return item.url

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        # The day it was published, at midnight UTC; a month-precision date stands for its first day.
        return dt.datetime.combine(item.date, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item):
        return item.created_at or timezone.now()

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
        return treaty.statements.prefetch_related("treaties").order_by("-date", "-id")[:FEED_SIZE]
