"""The editors' admin: tracker data (`tracker`), statements with treaty suggestions (`statements`),
bulk import and export (`transfer`), feed sources and the review of what feeds suggest (`feeds`),
subscribers and the delivery log, for superusers only (`subscriptions`), and who may see what (`access`)."""

from django.contrib import admin as _admin

from . import feeds, statements, subscriptions, tracker  # noqa: F401 - registers the model admins
from .access import SuperuserOnlyAdmin  # noqa: F401

_admin.site.site_header = "Treaty Tracker admin"
_admin.site.site_title = "Treaty Tracker admin"
_admin.site.index_title = "Keep the record true"
