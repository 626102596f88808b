"""Subscribing from the site: double opt-in, signed links, one-click unsubscribe, rate limits, the mailbox."""

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from alerts import sending, signed_links
from alerts.models import DeliveryKind, ReminderDelivery, Subscription
from treaties.derived import deadlines_refresh
from treaties.models import Treaty, TreatyEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    # A cache of this test's own: never clear a shared one (CACHE_URL may point at a shared Redis).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": uuid.uuid4().hex},
                       "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}}


@pytest.fixture
def start():
    return Treaty.objects.create(slug="new-start", short_name="New START", name="New START", category="arms_control",
                                 kind="bilateral")


def form(email="reader@example.org", **extra):
    data = {"email": email, "lead_days": ["30", "7", "0"], "time_zone": "Europe/Zurich", "hour": "9",
            "digest": "immediate"}
    data.update(extra)
    return data


def send_queued(django_capture_on_commit_callbacks, client, url, data, **kwargs):
    """Post, and play the worker for whatever the request queued."""
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, data, **kwargs)
    for pk in ReminderDelivery.objects.filter(status="pending").values_list("pk", flat=True):
        sending.delivery_send(delivery_id=pk)
    return response, callbacks


def link_in(message, name: str) -> str:
    return re.search(rf"https?://\S+/alerts/{name}/\S+/", message.body).group(0)


def test_subscribing_sends_only_a_confirmation_until_the_address_confirms(client, start,
                                                                          django_capture_on_commit_callbacks):
    response, callbacks = send_queued(django_capture_on_commit_callbacks, client, reverse("alerts:subscribe"),
                                      form(treaties=[start.pk]))
    assert response.status_code == 302 and response.url == reverse("alerts:subscribe_sent")
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Confirm your Treaty Tracker alerts"]
    subscription = Subscription.objects.get()
    assert not subscription.is_active and subscription.lead_days == [30, 7, 0]
    assert subscription.time_zone == "Europe/Zurich" and subscription.hour == 9

    confirm = link_in(mail.outbox[0], "confirm")
    page = client.get(confirm)
    assert page.status_code == 200 and b"Confirm" in page.content
    Subscription.objects.get().refresh_from_db()
    assert not Subscription.objects.get().is_active  # opening the link alone confirms nothing
    response = client.post(confirm)
    assert response.status_code == 302 and "/alerts/manage/" in response.url
    assert Subscription.objects.get().is_active
    shown = client.get(response.url).content.decode()
    assert "Confirmed: alerts before deadlines of New START will go to reader@example.org." in shown


@pytest.fixture
def expired():
    treaty = Treaty.objects.create(slug="inf", short_name="INF Treaty", name="INF Treaty", category="arms_control",
                                   kind="bilateral")
    for kind, day in (("entered_into_force", dt.date(1988, 6, 1)), ("terminated", dt.date(2019, 8, 2))):
        TreatyEvent.objects.create(treaty=treaty, kind=kind, date=day, precision="day")
    deadlines_refresh(treaty=treaty)
    return treaty


def test_alerts_for_only_treaties_with_nothing_to_come_are_refused_with_the_reason(client, expired):
    page = client.get(reverse("alerts:subscribe") + "?treaty=inf").content.decode()
    assert "Nothing is left to fall due for INF Treaty." in page
    assert "INF Treaty terminated on 2 August 2019 and no deadline remains on its record" in page

    response = client.post(reverse("alerts:subscribe"), form(treaties=[expired.pk]))
    assert response.status_code == 400
    assert "no reminder would ever be sent" in response.content.decode()
    assert not Subscription.objects.exists()

    # Statements about it can still come: that is worth confirming.
    response = client.post(reverse("alerts:subscribe"), form(treaties=[expired.pk], statements="on"))
    assert response.status_code == 302 and Subscription.objects.count() == 1


def test_the_confirm_page_says_which_followed_treaties_have_nothing_to_come(client, start, expired):
    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1)
    subscription.treaties.set([start, expired])
    page = client.get(signed_links.confirm_url(subscription)).content.decode()
    assert "Nothing is left to fall due for INF Treaty." in page and "New START" not in page.split("notice")[1]


def test_a_confirm_link_expires_after_seven_days(client, start):
    with time_machine.travel(dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC), tick=False):
        client.post(reverse("alerts:subscribe"), form(treaties=[start.pk]))
        subscription = Subscription.objects.get()
        confirm = signed_links.confirm_url(subscription)
    with time_machine.travel(dt.datetime(2026, 1, 8, 10, tzinfo=dt.UTC), tick=False):
        assert client.post(confirm).status_code == 404
    assert not Subscription.objects.get().is_active


def test_the_response_is_the_same_whether_or_not_the_address_is_subscribed(client, start):
    first = client.post(reverse("alerts:subscribe"), form(treaties=[start.pk]))
    Subscription.objects.update(confirmed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    again = client.post(reverse("alerts:subscribe"), form(treaties=[start.pk]))
    assert (first.status_code, first.url) == (again.status_code, again.url)
    assert client.get(first.url).content == client.get(again.url).content


def test_confirming_a_second_subscription_adds_to_the_active_one(client, start):
    npt = Treaty.objects.create(slug="npt", short_name="NPT", name="NPT", category="nonproliferation",
                                kind="multilateral")
    client.post(reverse("alerts:subscribe"), form(treaties=[start.pk]))
    client.post(signed_links.confirm_url(Subscription.objects.get()))
    client.post(reverse("alerts:subscribe"), form(treaties=[npt.pk], lead_days=["1"]))
    pending = Subscription.objects.get(confirmed_at__isnull=True)
    client.post(signed_links.confirm_url(pending))
    active = Subscription.objects.get()
    assert set(active.treaties.all()) == {start, npt}
    assert active.lead_days == [30, 7, 0]  # delivery choices are changed on the manage page
    assert ReminderDelivery.objects.filter(subscription=active, kind=DeliveryKind.CONFIRMATION).count() == 2


def test_subscribing_is_rate_limited_per_address_without_saying_so(client, start, settings):
    settings.ALERTS_SUBSCRIBE_LIMITS = {"address": (2, 3600), "client": (100, 3600)}
    for _ in range(4):
        response = client.post(reverse("alerts:subscribe"), form(treaties=[start.pk]))
        assert response.status_code == 302
    assert Subscription.objects.count() == 2


def test_subscribing_is_rate_limited_per_client(client, start, settings):
    settings.ALERTS_SUBSCRIBE_LIMITS = {"address": (100, 3600), "client": (3, 3600)}
    codes = [client.post(reverse("alerts:subscribe"), form(f"r{i}@example.org", treaties=[start.pk])).status_code
             for i in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert Subscription.objects.count() == 3


def test_the_form_asks_for_something_to_follow(client):
    response = client.post(reverse("alerts:subscribe"), form())
    assert response.status_code == 400
    assert b"Choose what to follow" in response.content
    assert not Subscription.objects.exists()


def test_the_subscribe_page_can_start_from_a_treaty(client, start):
    response = client.get(reverse("alerts:subscribe") + "?treaty=new-start")
    assert response.status_code == 200
    assert f'value="{start.pk}" id="id_treaties_0" checked'.encode() in response.content


def test_one_click_unsubscribe_works_without_a_csrf_token(start):
    from django.test import Client

    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1,
                                               confirmed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    pending = ReminderDelivery.objects.create(subscription=subscription, kind="reminder", next_try_at=dt.datetime(
        2026, 1, 1, tzinfo=dt.UTC), created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(signed_links.unsubscribe_url(subscription), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    pending.refresh_from_db()
    assert pending.status == "cancelled"


def test_opening_the_unsubscribe_link_asks_before_unsubscribing(client):
    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1,
                                               confirmed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    response = client.get(signed_links.unsubscribe_url(subscription))
    assert b"Unsubscribe" in response.content
    subscription.refresh_from_db()
    assert subscription.is_active


def test_a_tampered_or_revoked_link_is_refused(client):
    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1,
                                               confirmed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    url = signed_links.manage_url(subscription)
    assert client.get(url).status_code == 200
    assert client.get(url.replace("/manage/", "/manage/x")).status_code == 404
    Subscription.objects.filter(pk=subscription.pk).update(secret="rotated")
    assert client.get(url).status_code == 404
    assert client.post(url.replace("/manage/", "/unsubscribe/")).status_code == 404


def test_the_manage_page_changes_the_choices(client, start):
    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1,
                                               confirmed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    data = form(categories=["environment"], lead_days=["90", "1"], digest="digest", statements="on")
    del data["email"]
    response = client.post(signed_links.manage_url(subscription), data, follow=True)
    assert response.status_code == 200 and b"Saved. Your alerts follow these choices" in response.content
    subscription.refresh_from_db()
    assert subscription.lead_days == [90, 1] and subscription.digest and subscription.statements
    assert subscription.watching() == "environment treaties"


def test_the_mailbox_lists_and_shows_emails_written_to_files_with_debug_on(client, settings, tmp_path, start):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1)
    row = ReminderDelivery.objects.create(subscription=subscription, kind="confirmation",
                                          next_try_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                                          created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    sending.delivery_send(delivery_id=row.pk)
    listing = client.get(reverse("alerts:dev_mailbox"))
    assert b"Confirm your Treaty Tracker alerts" in listing.content
    name = next(tmp_path.glob("*.log")).name
    shown = client.get(reverse("alerts:dev_mail", args=[name, 0]))
    assert b"/alerts/confirm/" in shown.content
    html = client.get(reverse("alerts:dev_mail", args=[name, 0]) + "?part=html")
    assert b"Confirm my alerts" in html.content


def test_the_mailbox_is_not_there_with_debug_off(client, settings):
    settings.DEBUG = False
    assert client.get(reverse("alerts:dev_mailbox")).status_code == 404


def test_staff_see_subscriptions_and_the_delivery_log_and_can_resend(admin_client, start):
    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1,
                                               confirmed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    subscription.treaties.add(start)
    failed = ReminderDelivery.objects.create(
        subscription=subscription, kind="confirmation", status="failed", error="SMTPServerDisconnected",
        next_try_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert b"reader@example.org" in admin_client.get(reverse("admin:alerts_subscription_changelist")).content
    page = admin_client.get(reverse("admin:alerts_subscription_change", args=[subscription.pk]))
    assert page.status_code == 200 and b"On the day" in page.content
    log = admin_client.get(reverse("admin:alerts_reminderdelivery_changelist"))
    assert b"SMTPServerDisconnected" in log.content
    admin_client.post(reverse("admin:alerts_reminderdelivery_changelist"),
                      {"action": "resend", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.attempts) == ("pending", "", 0)


def test_staff_edit_lead_times_and_categories_as_lists(admin_client, start):
    subscription = Subscription.objects.create(email="reader@example.org", time_zone="UTC", lead_mask=1)
    response = admin_client.post(reverse("admin:alerts_subscription_change", args=[subscription.pk]), {
        "email": "reader@example.org", "treaties": [start.pk], "categories": ["space"], "lead_days": ["7", "1"],
        "time_zone": "Europe/Zurich", "hour": "9", "deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    subscription.refresh_from_db()
    assert subscription.lead_days == [7, 1] and subscription.time_zone == "Europe/Zurich"
    assert subscription.watching() == "New START and space treaties"


def test_the_unsubscribe_link_does_not_open_the_manage_page(db, client):
    from django.utils import timezone

    from alerts import signed_links
    from alerts.models import Subscription
    from alerts.reminders import DEFAULT_LEADS, mask_from_leads

    subscription = Subscription.objects.create(email="reader@example.org", confirmed_at=timezone.now(),
                                               lead_mask=mask_from_leads(DEFAULT_LEADS), time_zone="UTC", hour=8)
    token = signed_links.unsubscribe_url(subscription).rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/alerts/manage/{token}/").status_code == 404
    assert client.get(f"/alerts/unsubscribe/{token}/").status_code == 200


def test_email_subjects_and_text_are_not_html_escaped(db):
    from alerts.emails import email_message

    message = email_message(name="digest", to="r@example.org",
                            context={"subject": "US & Russia's deadlines", "items": [], "subscription": None})
    assert message.subject == "US & Russia's deadlines"


def test_many_subscriptions_say_what_they_follow_in_four_queries_as_each_says_alone(start, django_assert_num_queries):
    from alerts.models import SubscriptionCategory
    from treaties.models import Party

    paris = Treaty.objects.create(slug="paris", short_name="Paris Agreement", name="Paris Agreement",
                                  category="environment", kind="multilateral")
    finland = Party.objects.create(slug="finland", name="Republic of Finland", short_name="Finland")
    made = [Subscription.objects.create(email=f"reader{i}@example.org", time_zone="UTC", lead_mask=1)
            for i in range(5)]
    made[0].treaties.add(start)
    made[1].treaties.add(start, paris)
    SubscriptionCategory.objects.create(subscription=made[1], category="space")
    made[1].parties.add(finland)
    made[2].everything = True
    made[2].save()
    SubscriptionCategory.objects.create(subscription=made[3], category="environment")
    with django_assert_num_queries(4):
        watching = Subscription.objects.filter(pk__in=[s.pk for s in made]).watching()
    assert watching == {s.pk: s.watching() for s in made}
    assert watching[made[1].pk] == "New START, Paris Agreement, space treaties and treaties Finland is party to"
    assert watching[made[4].pk] == "nothing yet"
