"""How the alerts app hears from the record (connected in `AlertsConfig.ready`)."""

from django.dispatch import receiver

from treaties.signals import statements_linked

from .queue import statement_alerts_enqueue


@receiver(statements_linked, dispatch_uid="alerts.statement_alerts")
def statement_alerts(sender, statement_ids, **kwargs) -> None:
    # One task per announcement: the service decides who wants to hear of each statement, once per subscriber.
    statement_alerts_enqueue(statement_ids)
