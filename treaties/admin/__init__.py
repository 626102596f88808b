"""The editors' admin: tracker data (`tracker`), statements with treaty suggestions (`statements`),
bulk import and export (`transfer`), and who may see what (`access`)."""

from . import statements, tracker  # noqa: F401 - registers the model admins
from .access import SuperuserOnlyAdmin  # noqa: F401
