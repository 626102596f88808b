from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_delete


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaty Tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import versions  # models are ready only now
        from .derived import treaty_deleting
        from .models import Treaty

        versions.connect()
        pre_delete.connect(treaty_deleting, sender=Treaty, dispatch_uid="treaties-status-counts")
        post_migrate.connect(_store_derived_status, sender=self, dispatch_uid="treaties-status-intervals")


def _store_derived_status(using, **kwargs) -> None:
    """On every `migrate`, once every migration is applied (so that today's code reads today's schema): intervals
    stored before the status counts existed are counted, and treaties recorded before status intervals existed
    get theirs."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from . import status_counts
    from .derived import intervals_refresh
    from .models import StatusCountChange, StatusInterval, Treaty

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if StatusInterval.objects.using(using).exists() and not StatusCountChange.objects.using(using).exists():
        status_counts.rebuild()  # intervals stored before the counts existed (migration 0023)
    missing = Treaty.objects.using(using).filter(status_intervals__isnull=True).values_list("pk", flat=True)
    intervals_refresh(treaty_ids=list(missing))
