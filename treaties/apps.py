from django.apps import AppConfig


class TreatiesConfig(AppConfig):
    name = "treaties"
    verbose_name = "Treaty Tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import versions  # models are ready only now

        versions.connect()
