from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from .statuses import statuses_refresh


@shared_task
def clear_expired_sessions() -> int:
    """Editors' admin sessions pile up in the database; drop the expired ones daily."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task
def refresh_statuses() -> int:
    """Time passing alone expires treaties: keep each row's stored status for today current."""
    return statuses_refresh(only_stale=True)
