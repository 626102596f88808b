from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    """Editors' admin sessions pile up in the database; Django's own command drops the expired ones daily."""
    call_command("clearsessions")
