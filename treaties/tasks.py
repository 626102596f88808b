from celery import shared_task
from django.core.management import call_command

from .derived import statuses_refresh


@shared_task
def clear_expired_sessions() -> None:
    """Editors' admin sessions pile up in the database; Django's own command drops the expired ones daily."""
    call_command("clearsessions")


@shared_task
def refresh_statuses() -> int:
    """Time passing alone expires treaties: keep each row's stored status for today current."""
    return statuses_refresh(only_stale=True)
