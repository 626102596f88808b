"""Keeping no more than is needed: the delivery log is pruned, unsubscribed addresses are erased, and
unsubscribing revokes the links in old emails."""

import datetime as dt

import pytest
from django.conf import settings as project_settings
from django.core import mail
from django.db import connection

from alerts import scan, sending, signed_links
from alerts.models import ReminderDelivery, Subscription, SubscriptionCategory
from alerts.retention import retention_apply
from alerts.subscriptions import subscription_unsubscribe
from tests.support.alerts_records import at, deadline, scan_and_send, subscriber, treaty
from tracker.celery import app

pytestmark = pytest.mark.django_db


def logged(subscription, status, *, created, armed_for=None, kind="reminder", lead=0) -> ReminderDelivery:
    return ReminderDelivery.objects.create(subscription=subscription, kind=kind, status=status, lead_days=lead,
                                           armed_for=armed_for, next_try_at=created, created_at=created)


def deleted_but_its_deliveries(subscription) -> None:
    """The subscription and its choices gone, its delivery rows left, as a deletion beside a running scan leaves
    them (no database constraint ties the two)."""
    with connection.cursor() as cursor:
        for model, column in ((Subscription.treaties.through, "subscription_id"), (Subscription, "id")):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {column} = %s", [subscription.pk])


def test_finished_deliveries_older_than_the_setting_are_pruned_and_unsent_ones_never(settings):
    settings.ALERTS_KEEP_DELIVERIES_DAYS = 400
    subscription = subscriber()
    old, recent = at("2025-01-01T09:00"), at("2026-01-01T09:00")
    kept = [logged(subscription, "pending", created=old), logged(subscription, "sending", created=old),
            logged(subscription, "sent", created=recent, armed_for=dt.date(2026, 1, 1))]
    for status in ("sent", "failed", "cancelled"):
        logged(subscription, status, created=old, armed_for=dt.date(2025, 1, 1))
    logged(subscription, "sent", created=old, kind="confirmation")
    result = retention_apply(now=at("2026-02-10T03:00"))  # 405 days after `old`
    assert result.deliveries_pruned == 4
    assert set(ReminderDelivery.objects.values_list("pk", flat=True)) == {row.pk for row in kept}


def test_a_reminder_still_ahead_is_kept_however_short_the_retention_so_it_is_never_sent_twice(settings):
    settings.ALERTS_KEEP_DELIVERIES_DAYS = 1
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    scan_and_send(at("2026-01-06T09:00"))
    assert retention_apply(now=at("2026-01-20T03:00")).deliveries_pruned == 0
    scan_and_send(at("2026-01-20T09:00"))
    assert len(mail.outbox) == 1
    assert retention_apply(now=at("2026-02-09T03:00")).deliveries_pruned == 1  # once 5 February is past everywhere


def test_an_unsubscribed_address_is_erased_with_its_choices_and_log_after_the_setting(settings):
    settings.ALERTS_ERASE_UNSUBSCRIBED_DAYS = 30
    start = treaty()
    deadline(start, "2026-02-05")
    leaving = subscriber("leaving@example.org", treaties=[start])
    SubscriptionCategory.objects.create(subscription=leaving, category="arms_control")
    staying = subscriber("staying@example.org", treaties=[start])
    scan_and_send(at("2026-01-06T09:00"))
    subscription_unsubscribe(subscription=leaving, now=at("2026-01-07T12:00"))
    assert retention_apply(now=at("2026-02-06T11:00")).subscriptions_erased == 0
    assert retention_apply(now=at("2026-02-06T13:00")).subscriptions_erased == 1
    assert list(Subscription.objects.all()) == [staying]
    assert not Subscription.objects.filter(email="leaving@example.org").exists()
    assert not SubscriptionCategory.objects.exists()
    assert set(ReminderDelivery.objects.values_list("subscription_id", flat=True)) == {staying.pk}


def test_unsubscribing_revokes_the_manage_and_calendar_links_of_old_emails(client):
    subscription = subscriber()
    manage, calendar = signed_links.manage_url(subscription), signed_links.calendar_url(subscription)
    assert client.get(manage).status_code == 200
    response = client.post(signed_links.unsubscribe_url(subscription))
    assert b"is unsubscribed" in response.content
    assert client.get(manage).status_code == 404
    assert client.get(calendar).status_code == 404


def test_beat_applies_the_retention_rules_every_day():
    app.loader.import_default_modules()
    entry = project_settings.CELERY_BEAT_SCHEDULE["alerts-retention"]
    assert entry["task"] in app.tasks and entry["schedule"] == 24 * 60 * 60


def test_a_reminder_written_as_its_subscription_was_deleted_is_never_sent_and_retention_deletes_it():
    # No database constraint ties a delivery to its subscription (they cost a big scan 40 % of its time): a scan
    # that records a reminder while an editor deletes the subscription leaves the row behind it.
    start = treaty()
    deadline(start, "2026-02-05")
    gone = subscriber("gone@example.org", treaties=[start])
    kept = subscriber("kept@example.org", treaties=[start])
    result = scan.reminders_scan(now=at("2026-01-06T09:00"))
    orphan = ReminderDelivery.objects.get(subscription=gone)
    deleted_but_its_deliveries(gone)  # as the deletion that ran alongside the scan left it

    outcomes = sending.deliveries_send(delivery_ids=result.queued, now=at("2026-01-06T09:00"))
    assert [message.to for message in mail.outbox] == [["kept@example.org"]]
    assert outcomes[orphan.pk].status == "done"
    assert ReminderDelivery.objects.get(pk=orphan.pk).status == "pending"  # never claimed
    assert retention_apply(now=at("2026-01-07T03:00")).deliveries_pruned == 1
    assert not ReminderDelivery.objects.filter(pk=orphan.pk).exists()
    assert ReminderDelivery.objects.get(subscription=kept).status == "sent"


def test_a_claimed_reminder_whose_subscription_went_after_the_claim_is_done_with_not_tried_again():
    start = treaty()
    deadline(start, "2026-02-05")
    gone = subscriber("gone@example.org", treaties=[start])
    scan.reminders_scan(now=at("2026-01-06T09:00"))
    row = ReminderDelivery.objects.get()
    ReminderDelivery.objects.filter(pk=row.pk).update(status="sending", claimed_at=at("2026-01-06T09:00"))
    deleted_but_its_deliveries(gone)  # after a worker claimed the row, before it read it back
    outcomes = sending.deliveries_send(delivery_ids=[row.pk], now=at("2026-01-06T09:01"))
    assert outcomes[row.pk].status == "done"  # not "busy", which would have it tried again and again
    assert mail.outbox == []
