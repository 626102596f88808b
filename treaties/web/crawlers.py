"""What search engines are told: robots.txt and the sitemap.

Every page takes `?on=` for any day, an endless space of near-copies: crawlers are asked to keep to today's pages,
which the sitemap lists. The admin and subscribers' signed pages are nobody's search result; the subscribe page is.
"""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from ..models import Party, Statement, Treaty


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("treaties:sitemap"))
    private = ["/admin/", "/alerts/confirm/", "/alerts/manage/", "/alerts/unsubscribe/", "/alerts/calendar/",
               "/dev/"]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in private), "Disallow: /*?*on=", f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["treaties:dashboard", "treaties:treaty_list", "treaties:statement_list", "treaties:timeline",
                "treaties:coverage"]

    def location(self, item):
        return reverse(item)


class TreatySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Treaty.objects.order_by("pk").only("slug", "updated_at")

    def lastmod(self, treaty):
        return treaty.updated_at


class PartySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Party.objects.order_by("pk").only("slug")


class StatementSitemap(Sitemap):
    changefreq = "yearly"  # a statement, once made, does not change
    limit = 10_000

    def items(self):
        return Statement.objects.order_by("pk").only("pk")

    def location(self, statement):
        return reverse("treaties:statement", args=[statement.pk])


SITEMAPS = {"pages": PagesSitemap, "treaties": TreatySitemap, "parties": PartySitemap,
            "statements": StatementSitemap}
