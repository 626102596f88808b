"""The editors' admin of the record: treaties, parties, events and deadlines (`record`), statements with treaty
suggestions (`statements`), bulk import and export (`transfer_pages`), and who may see what (`access`).
Feed sources and subscribers have their admins in their own apps."""

from django.contrib import admin as _admin

from . import record, statements  # noqa: F401 - registers the model admins
from .access import SuperuserOnlyAdmin  # noqa: F401

_admin.site.site_header = "Treaty Tracker admin"
_admin.site.site_title = "Treaty Tracker admin"
_admin.site.index_title = "Keep the record true"
