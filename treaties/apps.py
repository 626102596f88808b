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
    """On every `migrate`, once every migration is applied (so that today's code reads today's schema): treaties
    recorded before status intervals existed get theirs, and the status counts are counted again."""
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from . import status_counts
    from .derived import intervals_refresh
    from .models import Treaty

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    missing = Treaty.objects.using(using).filter(status_intervals__isnull=True).values_list("pk", flat=True)
    intervals_refresh(treaty_ids=list(missing))
    # Intervals stored before the counts existed (migration 0023), or counts a crash left wrong: a few seconds
    # at 100,000 treaties, once a deploy.
    status_counts.rebuild()
