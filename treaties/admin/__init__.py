"""The editors' admin: tracker data (`tracker`), statements with treaty suggestions (`statements`),
feed sources and the review of what feeds suggest (`feeds`), bulk import and export (`transfer`),
and who may see what (`access`)."""

from . import feeds, statements, tracker  # noqa: F401 - registers the model admins
from .access import SuperuserOnlyAdmin  # noqa: F401
