from alerts import queue
from tracker.celery import app
from treaties.signals import statements_linked_on_commit


def test_every_task_the_services_send_by_name_is_registered_with_the_worker():
    app.loader.import_default_modules()  # what a worker imports at start: every app's tasks
    for name in (queue.DELIVERIES_SEND, queue.DIGEST_SEND, queue.STATEMENT_ALERTS_SEND):
        assert name in app.tasks, name


def test_statements_linked_together_reach_the_alerts_app_as_one_message(db, django_capture_on_commit_callbacks,
                                                                        monkeypatch):
    sent = []
    monkeypatch.setattr(queue, "_send", lambda name, argument: sent.append((name, argument)))
    with django_capture_on_commit_callbacks(execute=True):
        statements_linked_on_commit([7, 9])
    assert sent == [(queue.STATEMENT_ALERTS_SEND, [7, 9])]
