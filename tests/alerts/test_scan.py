"""The scan and the send path against the database; workers are played by calling the services."""

import datetime as dt
import io
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from alerts import scan, sending
from alerts.models import DeliveryKind, DeliveryStatus, ReminderDelivery, Subscription, SubscriptionCategory
from alerts.reminders import leads_from_mask, reminder_due
from tests.support.alerts_records import at, deadline, deliver, scan_and_send, subscriber, treaty
from treaties.models import Deadline, Party, Statement

pytestmark = pytest.mark.django_db


def test_it_sends_one_reminder_when_scanned_twice():
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    now = at("2026-01-06T08:05")
    assert len(scan_and_send(now)) == 1
    assert len(scan_and_send(now + dt.timedelta(minutes=5))) == 1
    message = mail.outbox[0]
    assert message.subject == "New START expires in 30 days — 5 February 2026"
    row = ReminderDelivery.objects.get()
    assert (row.kind, row.lead_days, row.armed_for, row.status) == ("reminder", 30, dt.date(2026, 2, 5), "sent")


def test_the_email_has_both_parts_absolute_links_and_one_click_unsubscribe(settings):
    settings.SITE_URL = "https://treaties.example.org"
    start = treaty()
    deadline(start, "2026-02-05")
    subscription = subscriber(treaties=[start])
    Statement.objects.create(title="Russia says the treaty is dead", outlet="TASS", url="https://example.org/1",
                             date=dt.date(2026, 1, 2)).treaties.add(start)
    scan_and_send(at("2026-01-06T08:05"))
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "https://treaties.example.org/treaties/new-start/" in message.body
    assert "https://treaties.example.org/treaties/new-start/" in html
    assert "Russia says the treaty is dead" in message.body and "Russia says the treaty is dead" in html
    assert "The treaty's term ends" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://treaties.example.org/alerts/unsubscribe/")
    assert unsubscribe in message.body
    assert "/alerts/manage/" in message.body
    assert subscription.email in message.to


def test_each_lead_time_is_sent_once_as_it_comes_due():
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    for day in ["2025-11-07", "2026-01-06", "2026-01-29", "2026-02-04", "2026-02-05", "2026-02-06"]:
        scan_and_send(at(f"{day}T09:00"))
        scan_and_send(at(f"{day}T09:05"))
    assert list(ReminderDelivery.objects.order_by("created_at").values_list("lead_days", flat=True)) == [
        90, 30, 7, 1, 0]
    assert [m.subject for m in mail.outbox][-1] == "New START expires today — 5 February 2026"


def test_after_downtime_only_the_latest_due_reminder_is_sent():
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    assert len(scan_and_send(at("2026-02-02T09:00"))) == 1
    assert mail.outbox[0].subject == "New START expires in 3 days — 5 February 2026"
    assert ReminderDelivery.objects.get().lead_days == 7


def test_unconfirmed_and_unsubscribed_addresses_get_nothing():
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber("pending@example.org", treaties=[start], confirmed=False)
    subscriber("gone@example.org", treaties=[start], unsubscribed=True)
    assert scan_and_send(at("2026-01-06T09:00")) == []
    assert not ReminderDelivery.objects.exists()


def test_a_reminder_recorded_before_unsubscribing_is_not_sent():
    start = treaty()
    deadline(start, "2026-02-05")
    subscription = subscriber(treaties=[start])
    result = scan.reminders_scan(now=at("2026-01-06T09:00"))
    Subscription.objects.filter(pk=subscription.pk).update(unsubscribed_at=at("2026-01-06T09:01"))
    assert deliver(result, at("2026-01-06T09:02")) == []
    assert ReminderDelivery.objects.get().status == DeliveryStatus.CANCELLED


def test_a_subscription_covers_its_treaties_categories_parties_or_everything():
    start, npt, paris = treaty(), treaty("npt", "NPT", "nonproliferation"), treaty("paris", "Paris", "environment")
    for each in (start, npt, paris):
        deadline(each, "2026-02-05")
    russia = Party.objects.create(name="Russian Federation", short_name="Russia", slug="russia")
    npt.parties.add(russia)
    subscriber("treaty@example.org", treaties=[start])
    SubscriptionCategory.objects.create(subscription=subscriber("category@example.org"), category="environment")
    subscriber("party@example.org").parties.add(russia)
    subscriber("all@example.org", everything=True)
    scan_and_send(at("2026-01-06T09:00"))
    received = sorted((m.to[0], m.subject.split(" expires")[0]) for m in mail.outbox)
    assert received == [
        ("all@example.org", "NPT"), ("all@example.org", "New START"), ("all@example.org", "Paris"),
        ("category@example.org", "Paris"), ("party@example.org", "NPT"), ("treaty@example.org", "New START"),
    ]


def test_a_subscriber_covered_twice_still_gets_one_reminder():
    start = treaty()
    deadline(start, "2026-02-05")
    subscription = subscriber(treaties=[start], everything=True)
    SubscriptionCategory.objects.create(subscription=subscription, category="arms_control")
    assert len(scan_and_send(at("2026-01-06T09:00"))) == 1


def test_time_zones_either_side_of_midnight_utc():
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber("tokyo@example.org", treaties=[start], zone="Asia/Tokyo")  # 08:00 there is 23:00 UTC the day before
    subscriber("la@example.org", treaties=[start], zone="America/Los_Angeles")  # 08:00 there is 16:00 UTC
    first = scan_and_send(at("2026-01-05T23:00"))
    assert sorted((m.to[0], m.subject) for m in first) == [
        ("la@example.org", "New START expires in 31 days — 5 February 2026"),  # its 90-day reminder
        ("tokyo@example.org", "New START expires in 30 days — 5 February 2026"),
    ]
    scan_and_send(at("2026-01-06T15:59"))
    assert len(mail.outbox) == 2
    scan_and_send(at("2026-01-06T16:00"))
    assert [(m.to[0], m.subject) for m in mail.outbox[2:]] == [
        ("la@example.org", "New START expires in 30 days — 5 February 2026")]


def test_a_month_precision_deadline_is_announced_without_a_false_day():
    start = treaty()
    deadline(start, "2026-02-01", precision="month")
    subscriber(treaties=[start])
    scan_and_send(at("2026-01-02T09:00"))
    assert mail.outbox[0].subject == "New START expires in February 2026"
    assert "1 February" not in mail.outbox[0].body


def test_the_scan_records_exactly_what_the_rules_say_is_due():
    start = treaty()
    offsets = [-1, 0, 1, 2, 5, 7, 8, 13, 30, 31, 59, 90, 91, 180, 200, 365, 366]
    base = dt.date(2026, 3, 1)
    deadlines = [deadline(start, str(base + dt.timedelta(days=n))) for n in offsets]
    zones = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
    masks = [1, 2, 0b1111111111, 0b1000000001, 0b0101010101, 0b1010101010, 0b0011100000]
    subscriptions = [
        subscriber(f"s{i}@example.org", treaties=[start], zone=zones[i % len(zones)], hour=(i * 5) % 24,
                   leads=leads_from_mask(masks[i % len(masks)]))
        for i in range(24)
    ]
    now = at("2026-03-01T10:30")
    scan.reminders_scan(now=now, dry_run=False)
    recorded = {(r.subscription_id, r.deadline_id): r.lead_days for r in ReminderDelivery.objects.all()}
    expected = {}
    for s in subscriptions:
        for d in deadlines:
            lead = reminder_due(leads=s.lead_days, when=d.when, now=now, time_zone=s.time_zone, hour=s.hour)
            if lead is not None:
                expected[(s.pk, d.pk)] = lead
    assert recorded == expected
    assert len(expected) > 30


def test_a_moved_deadline_sends_one_change_notice_and_rearms_reminders_for_the_new_date():
    start = treaty()
    expiry = deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    scan_and_send(at("2026-01-06T09:00"))  # the 30-day reminder
    Deadline.objects.filter(pk=expiry.pk).update(date=dt.date(2027, 2, 5))  # extended by a year
    scan_and_send(at("2026-01-06T09:05"))
    scan_and_send(at("2026-01-06T09:10"))
    assert [m.subject for m in mail.outbox] == [
        "New START expires in 30 days — 5 February 2026",
        "New START: expiry moved from 5 February 2026 to 5 February 2027",
    ]
    assert "in 395 days — 5 February 2027" in mail.outbox[1].body
    scan_and_send(at("2026-11-07T09:00"))
    assert mail.outbox[-1].subject == "New START expires in 90 days — 5 February 2027"


def test_a_deadline_moved_sooner_sends_the_notice_and_not_a_second_email_for_the_same_news():
    start = treaty()
    expiry = deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    scan_and_send(at("2026-01-06T09:00"))
    Deadline.objects.filter(pk=expiry.pk).update(date=dt.date(2026, 1, 20))
    scan_and_send(at("2026-01-07T09:00"))
    assert [m.subject for m in mail.outbox][1:] == ["New START: expiry moved from 5 February 2026 to 20 January 2026"]
    scan_and_send(at("2026-01-13T09:00"))
    assert mail.outbox[-1].subject == "New START expires in 7 days — 20 January 2026"


def test_a_pending_reminder_for_a_moved_deadline_is_cancelled_and_the_change_notice_sent_instead():
    start = treaty()
    expiry = deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    result = scan.reminders_scan(now=at("2026-01-06T09:00"))
    Deadline.objects.filter(pk=expiry.pk).update(date=dt.date(2026, 2, 12))
    deliver(result, at("2026-01-06T09:01"))
    reminder = ReminderDelivery.objects.get(kind=DeliveryKind.REMINDER)
    assert reminder.status == DeliveryStatus.CANCELLED and "moved" in reminder.error
    notice = ReminderDelivery.objects.get(kind=DeliveryKind.DEADLINE_CHANGED)
    sending.delivery_send(delivery_id=notice.pk, now=at("2026-01-06T09:02"))
    assert [m.subject for m in mail.outbox] == ["New START: expiry moved from 5 February 2026 to 12 February 2026"]


def test_a_deleted_deadline_sends_one_notice_that_it_was_removed():
    start = treaty()
    expiry = deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    scan_and_send(at("2026-01-06T09:00"))
    expiry.delete()
    scan_and_send(at("2026-01-06T09:05"))
    scan_and_send(at("2026-01-07T09:05"))
    assert [m.subject for m in mail.outbox][1:] == ["New START: deadline of 5 February 2026 removed"]
    assert "no more reminders will come" in mail.outbox[1].body


def test_a_digest_subscriber_gets_one_email_a_day_with_everything_due():
    start, npt = treaty(), treaty("npt", "NPT", "nonproliferation")
    deadline(start, "2026-02-05")
    deadline(npt, "2026-01-13")
    subscriber(everything=True, digest=True)
    scan_and_send(at("2026-01-06T09:00"))
    scan_and_send(at("2026-01-06T12:00"))
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "Your treaty digest: 2 deadlines coming up"
    assert digest.body.index("NPT expires in 7 days") < digest.body.index("New START expires in 30 days")
    assert "List-Unsubscribe" in digest.extra_headers
    assert set(ReminderDelivery.objects.values_list("message_id", flat=True)) == {digest.extra_headers["Message-ID"]}


def test_a_statement_alert_goes_once_to_opted_in_watchers_only():
    start = treaty()
    subscriber("yes@example.org", treaties=[start], statements=True)
    subscriber("no@example.org", treaties=[start])
    digest = subscriber("digest@example.org", treaties=[start], statements=True, digest=True)
    statement = Statement.objects.create(title="Russia suspends participation", outlet="TASS", speaker="V. Putin",
                                         url="https://example.org/s", date=dt.date(2023, 2, 21))
    statement.treaties.add(start)
    now = at("2026-01-06T09:00")
    assert scan.statement_alerts_send(statement_ids=[statement.pk], now=now) == 2
    assert scan.statement_alerts_send(statement_ids=[statement.pk], now=now) == 0
    for row in ReminderDelivery.objects.filter(subscription__digest=False):
        sending.delivery_send(delivery_id=row.pk, now=now)
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("yes@example.org", "New statement: Russia suspends participation")]
    sending.digest_send(subscription_id=digest.pk, now=now)
    assert mail.outbox[1].to == ["digest@example.org"] and "Russia suspends participation" in mail.outbox[1].body


def test_a_temporary_smtp_error_is_retried_with_backoff_then_marked_failed(settings):
    settings.ALERTS_MAX_ATTEMPTS = 3
    settings.ALERTS_RETRY_DELAY = 10
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    now = at("2026-01-06T09:00")
    (pk,) = scan.reminders_scan(now=now).queued
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        outcomes = [sending.delivery_send(delivery_id=pk, now=now + dt.timedelta(minutes=i)) for i in range(3)]
    assert [(o.status, o.retry_in) for o in outcomes] == [("retry", 10), ("retry", 20), ("failed", None)]
    row = ReminderDelivery.objects.get()
    assert (row.status, row.attempts) == ("failed", 3)
    assert "SMTPServerDisconnected: gone" in row.error
    assert scan.deliveries_resend(delivery_ids=[pk], now=now) == 1
    sending.delivery_send(delivery_id=pk, now=now + dt.timedelta(minutes=5))
    assert ReminderDelivery.objects.get().status == "sent" and len(mail.outbox) == 1


def test_a_recipient_refused_for_good_is_not_retried():
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    (pk,) = scan.reminders_scan(now=at("2026-01-06T09:00")).queued
    refused = smtplib.SMTPRecipientsRefused({"reader@example.org": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        assert sending.delivery_send(delivery_id=pk, now=at("2026-01-06T09:00")).status == "failed"


def test_a_claimed_delivery_is_left_alone_until_its_claim_goes_stale(settings):
    settings.ALERTS_CLAIM_TIMEOUT = 600
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    now = at("2026-01-06T09:00")
    (pk,) = scan.reminders_scan(now=now).queued
    ReminderDelivery.objects.filter(pk=pk).update(status="sending", claimed_at=now)  # a worker died here
    assert sending.delivery_send(delivery_id=pk, now=now + dt.timedelta(minutes=5)).status == "busy"
    assert sending.delivery_send(delivery_id=pk, now=now + dt.timedelta(minutes=11)).status == "sent"
    assert sending.delivery_send(delivery_id=pk, now=now + dt.timedelta(minutes=12)).status == "done"
    assert len(mail.outbox) == 1


def test_the_scan_hands_unsent_rows_to_workers_again_when_nobody_took_them(settings):
    settings.ALERTS_REQUEUE_AFTER = 900
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    now = at("2026-01-06T09:00")
    first = scan.reminders_scan(now=now).queued
    assert scan.reminders_scan(now=now + dt.timedelta(minutes=5)).queued == []
    assert scan.reminders_scan(now=now + dt.timedelta(minutes=16)).queued == first


def test_scan_reminders_dry_run_prints_what_it_would_queue_and_records_nothing():
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    out = io.StringIO()
    call_command("scan_reminders", "--today", "2026-01-06", "--dry-run", stdout=out)
    assert "would record 1 reminder(s)" in out.getvalue() and "would queue 1 email(s)" in out.getvalue()
    assert "New START (5 February 2026) → reader@example.org" in out.getvalue()
    assert not ReminderDelivery.objects.exists()
    call_command("scan_reminders", "--today", "2026-01-06", stdout=io.StringIO())
    assert ReminderDelivery.objects.get().lead_days == 30



@time_machine.travel(dt.datetime(2026, 1, 6, 10, 0, tzinfo=dt.UTC), tick=False)
def test_scan_reminders_refuses_a_day_still_to_come_unless_it_is_a_dry_run(settings):
    settings.TIME_ZONE = "UTC"
    start = treaty()
    deadline(start, "2026-02-06")
    subscriber(treaties=[start])
    with pytest.raises(CommandError, match="still to come: add --dry-run"):
        call_command("scan_reminders", "--today", "2026-01-07", stdout=io.StringIO())
    assert not ReminderDelivery.objects.exists()
    out = io.StringIO()
    call_command("scan_reminders", "--today", "2026-01-07", "--dry-run", stdout=out)
    assert "would record 1 reminder(s)" in out.getvalue()
    assert not ReminderDelivery.objects.exists()


@time_machine.travel(dt.datetime(2026, 1, 6, 10, 0, tzinfo=dt.UTC), tick=False)
def test_scan_reminders_for_today_records_only_what_is_due_so_far(settings):
    settings.TIME_ZONE = "UTC"
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber("morning@example.org", treaties=[start], hour=8, leads=(30,))
    subscriber("evening@example.org", treaties=[start], hour=20, leads=(30,))  # due at 20:00, not yet
    out = io.StringIO()
    call_command("scan_reminders", "--today", "2026-01-06", stdout=out)
    assert "recorded 1 reminder(s)" in out.getvalue()
    assert list(ReminderDelivery.objects.values_list("subscription__email", flat=True)) == ["morning@example.org"]


def test_retries_back_off_but_never_wait_past_the_brokers_visibility_timeout(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    settings.ALERTS_RETRY_DELAY, settings.ALERTS_MAX_ATTEMPTS = 60, 8
    start = treaty()
    deadline(start, "2026-02-05")
    subscriber(treaties=[start])
    now = at("2026-01-06T09:00")
    (pk,) = scan.reminders_scan(now=now).queued
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        waits = [sending.delivery_send(delivery_id=pk, now=now + dt.timedelta(hours=i)).retry_in for i in range(7)]
    assert waits == [60, 120, 240, 480, 960, 1800, 1800]  # doubling, then held at half the visibility timeout
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
    assert sending.retry_delay(8) == 300


def test_a_deadline_a_year_off_reaches_the_one_subscriber_who_asked_that_early_and_no_one_else():
    # The scan pairs subscribers only with deadlines within the longest lead time any of them chose that day.
    start = treaty()
    deadline(start, "2026-07-25")  # 200 days after 6 January
    subscriber("early@example.org", treaties=[start], leads=(365,))
    subscriber("usual@example.org", treaties=[start])
    assert scan.reminders_scan(now=at("2026-01-06T09:00")).reminders == 1
    assert list(ReminderDelivery.objects.values_list("subscription__email", "lead_days")) == [
        ("early@example.org", 365)]
