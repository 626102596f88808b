"""The editors' admin: tracker data (`tracker`), statements with treaty suggestions (`statements`),
bulk import and export (`transfer`), subscribers and the delivery log, for superusers only
(`subscriptions`), and who may see what (`access`)."""

from . import statements, subscriptions, tracker  # noqa: F401 - registers the model admins
from .access import SuperuserOnlyAdmin  # noqa: F401
