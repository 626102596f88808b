"""Alerts end to end: a real Celery worker on Redis, the test database, and a real SMTP server on 127.0.0.1."""

import re
import time

import pytest
from django.urls import reverse

from alerts.models import ReminderDelivery
from tests.support.alerts_harness import confirmed_subscriber, treaty_due_in, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_subscribe_confirm_scan_sends_exactly_one_reminder_with_both_parts_and_unsubscribe_headers(
        client, smtp, worker):
    treaty = treaty_due_in(30)
    running = worker()
    response = client.post(reverse("alerts:subscribe"), {
        "email": "reader@example.org", "treaties": [treaty.pk], "lead_days": ["30", "7"], "time_zone": "UTC",
        "hour": "0", "digest": "immediate"})
    assert response.status_code == 302
    wait_for(lambda: len(smtp.mailbox.messages) == 1, message="the confirmation email", worker=running)
    confirmation = smtp.mailbox.messages[0]
    assert confirmation["Subject"] == "Confirm your Treaty Tracker alerts"
    confirm_url = re.search(r"https://treaties\.example\.org(/alerts/confirm/\S+/)",
                            confirmation.get_body(("plain",)).get_content()).group(1)
    assert client.post(confirm_url).status_code == 302

    running.scan()
    wait_for(lambda: len(smtp.mailbox.messages) == 2, message="the reminder", worker=running)
    reminder = smtp.mailbox.messages[1]
    assert reminder["Subject"].startswith("New START expires in 30 days — ")
    assert reminder["To"] == "reader@example.org"
    assert reminder.get_content_type() == "multipart/alternative"
    assert "https://treaties.example.org/treaties/new-start/" in reminder.get_body(("plain",)).get_content()
    assert "https://treaties.example.org/treaties/new-start/" in reminder.get_body(("html",)).get_content()
    assert reminder["List-Unsubscribe"].strip().startswith("<https://treaties.example.org/alerts/unsubscribe/")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    running.scan()
    running.scan()
    time.sleep(3)
    assert len(smtp.mailbox.messages) == 2
    assert ReminderDelivery.objects.filter(kind="reminder", status="sent").count() == 1


def test_while_the_smtp_server_is_down_the_email_is_retried_and_delivered_once_it_returns(smtp, worker):
    treaty = treaty_due_in(7)
    confirmed_subscriber("reader@example.org", treaty)
    smtp.stop()
    running = worker()
    running.scan()
    wait_for(lambda: ReminderDelivery.objects.filter(attempts__gte=2, status="pending").exists(),
             message="two failed attempts", worker=running)
    assert "Connection refused" in ReminderDelivery.objects.get().error
    smtp.start()
    wait_for(lambda: ReminderDelivery.objects.filter(status="sent").exists(), message="delivery after SMTP returns")
    time.sleep(2)
    assert len(smtp.mailbox.messages) == 1
    assert smtp.mailbox.messages[0]["Subject"].startswith("New START expires in 7 days")


def test_a_worker_killed_mid_batch_leaves_every_due_email_delivered_exactly_once_after_restart(smtp, worker):
    smtp.mailbox.delay = 0.3  # each send takes a while, and a kill lands before the message is handed over
    treaty = treaty_due_in(1)
    count = 12
    for i in range(count):
        confirmed_subscriber(f"reader{i}@example.org", treaty)
    first = worker()
    first.scan()
    wait_for(lambda: len(smtp.mailbox.messages) >= 3, message="the first emails")
    time.sleep(0.15)
    first.kill()
    received_before = len(smtp.mailbox.messages)
    assert received_before < count, "the worker finished before it could be killed"
    # The killed worker held claims on its batch's unsent emails: only stale claims and redelivery free them.
    assert ReminderDelivery.objects.filter(status="sending").exists()

    worker()
    wait_for(lambda: ReminderDelivery.objects.filter(status="sent").count() == count, timeout=90,
             message="every email after the restart")
    time.sleep(2)
    ids = smtp.mailbox.ids()
    assert len(ids) == count and len(set(ids)) == count
    assert sorted(m["To"] for m in smtp.mailbox.messages) == sorted(f"reader{i}@example.org" for i in range(count))


def test_a_digest_resent_after_its_worker_was_killed_keeps_its_first_message_id(smtp, worker):
    smtp.mailbox.delay = 0.3  # a kill lands while digests are being handed over
    treaty = treaty_due_in(1)
    count = 10
    for i in range(count):
        subscription = confirmed_subscriber(f"digest{i}@example.org", treaty)
        subscription.digest = True
        subscription.save(update_fields=["digest"])
    first = worker()
    first.scan()
    wait_for(lambda: len(smtp.mailbox.messages) >= 2, message="the first digests")
    time.sleep(0.15)
    first.kill()
    assert len(smtp.mailbox.messages) < count, "the worker finished before it could be killed"

    worker()
    wait_for(lambda: ReminderDelivery.objects.exclude(status="sent").count() == 0
             and len({m["To"] for m in smtp.mailbox.messages}) == count, timeout=90,
             message="every digest after the restart")
    time.sleep(2)
    by_reader = {}
    for message in smtp.mailbox.messages:
        by_reader.setdefault(message["To"], set()).add(message["Message-ID"])
    # One digest each; one sent twice across the kill carries the Message-ID it was first sent with.
    assert sorted(by_reader) == sorted(f"digest{i}@example.org" for i in range(count))
    assert all(len(ids) == 1 for ids in by_reader.values()), by_reader
