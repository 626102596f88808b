"""A database made before feeds and alerts had apps of their own migrates forward with every row intact, and back."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django_test_migrations.migrator import Migrator

from tests.support.scratch_database import scratch_database

BEFORE_SPLIT = [("treaties", "0009_feed_url_is_web_link")]
AFTER_SPLIT = [("treaties", "0010_feeds_and_alerts_move_to_their_own_apps"), ("feeds", "0001_initial"),
               ("alerts", "0001_initial")]
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


@pytest.fixture
def migrator(transactional_db, tmp_path):
    """django-test-migrations' migrator, on an empty database of the test's own rather than the test database.

    The plugin's own fixture drops the test database's tables and, after the test, migrates them back to the
    latest state for the tests that follow: that migrate took as long as the test. A scratch database is
    dropped instead."""
    with scratch_database(tmp_path):
        MigrationRecorder(connection).ensure_schema()  # the migrator empties the table of applied migrations
        yield Migrator()


def fill_the_old_record(apps):
    """Real rows, as the treaties app held them before the split."""
    get = apps.get_model
    russia = get("treaties", "Party").objects.create(name="Russian Federation", short_name="Russia", slug="russia")
    treaty = get("treaties", "Treaty").objects.create(
        name="Treaty on Measures for the Further Reduction and Limitation of Strategic Offensive Arms",
        short_name="New START", slug="new-start", category="arms_control", kind="bilateral", term_years=10)
    treaty.parties.add(russia)
    event = get("treaties", "TreatyEvent").objects.create(
        treaty=treaty, kind="entered_into_force", date=dt.date(2011, 2, 5), precision="day",
        description="Entered into force.", source_url="https://www.state.gov/new-start/")
    deadline = get("treaties", "Deadline").objects.create(
        treaty=treaty, kind="expiry", date=dt.date(2026, 2, 5), precision="day", rule="term", derived_from=event)
    statement = get("treaties", "Statement").objects.create(
        title="New START’s expiration may create vacuum", outlet="TASS", url="https://tass.com/politics/1608067",
        date=dt.date(2023, 4, 22), precision="day", speaker="Grigory Mashkov")
    statement.treaties.add(treaty)
    subscription = get("treaties", "Subscription").objects.create(
        email="reader@example.org", lead_mask=3, time_zone="Europe/Zurich", secret="s3cret", confirmed_at=NOW)
    subscription.treaties.add(treaty)
    get("treaties", "SubscriptionCategory").objects.create(subscription=subscription, category="arms_control")
    delivery = get("treaties", "ReminderDelivery")
    delivery.objects.create(subscription=subscription, kind="reminder", treaty=treaty, deadline=deadline,
                            lead_days=30, armed_for=deadline.date, armed_precision="day", status="sent",
                            next_try_at=NOW, sent_at=NOW, message_id="<delivery.1@example.org>", created_at=NOW)
    delivery.objects.create(subscription=subscription, kind="statement", statement=statement, status="pending",
                            next_try_at=NOW, created_at=NOW)
    get("treaties", "Heartbeat").objects.create(name="reminders_scan", completed_at=NOW)
    source = get("treaties", "FeedSource").objects.create(name="TASS", url="https://tass.com/rss/v2.xml")
    get("treaties", "TreatyMention").objects.create(statement=statement, treaty=treaty, words=["START"],
                                                    decision="pending")
    get("treaties", "DeadlineSuggestion").objects.create(
        statement=statement, treaty=treaty, kind="expiry", date=dt.date(2026, 2, 1), precision="month",
        phrase="expires in February 2026")
    return {"treaty": treaty.pk, "subscription": subscription.pk, "source": source.pk}


def editors_permissions(apps) -> set[tuple[str, str]]:
    group = apps.get_model("auth", "Group").objects.get(name="Editors")
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_the_split_keeps_every_row_and_the_editors_permissions_forward_and_back(migrator):
    # One round trip rather than a test each way: a way back of its own began with a migrate from an empty database
    # to past the split (13 s of the test's 18 here; Django renders the project's state again after every
    # operation), where this one begins where the way forward ends.
    old = migrator.apply_initial_migration(BEFORE_SPLIT)
    ids = fill_the_old_record(old.apps)
    granted_before = editors_permissions(old.apps)
    assert ("treaties", "change_feedsource") in granted_before

    new = migrator.apply_tested_migration(AFTER_SPLIT)
    get = new.apps.get_model
    treaty = get("treaties", "Treaty").objects.get(pk=ids["treaty"])
    assert treaty.short_name == "New START" and [p.slug for p in treaty.parties.all()] == ["russia"]
    assert get("treaties", "Deadline").objects.get(treaty=treaty).derived_from.kind == "entered_into_force"
    assert get("treaties", "Statement").objects.get().treaties.get() == treaty

    subscription = get("alerts", "Subscription").objects.get(pk=ids["subscription"])
    assert (subscription.email, subscription.secret, subscription.confirmed_at) == ("reader@example.org", "s3cret",
                                                                                    NOW)
    assert [t.slug for t in subscription.treaties.all()] == ["new-start"]
    assert [c.category for c in subscription.category_rows.all()] == ["arms_control"]
    deliveries = get("alerts", "ReminderDelivery").objects.order_by("kind")
    assert [(d.kind, d.status, d.message_id) for d in deliveries] == [
        ("reminder", "sent", "<delivery.1@example.org>"), ("statement", "pending", "")]
    assert get("alerts", "Heartbeat").objects.get().completed_at == NOW

    assert get("feeds", "FeedSource").objects.get(pk=ids["source"]).url == "https://tass.com/rss/v2.xml"
    assert get("feeds", "TreatyMention").objects.get().decision == "pending"
    assert get("feeds", "DeadlineSuggestion").objects.get().phrase == "expires in February 2026"

    # Same grants, now on the feeds app's content types; subscribers' data still not the Editors' to see.
    moved = {("feeds", code) if code.endswith(("feedsource", "treatymention", "deadlinesuggestion")) else (app, code)
             for app, code in granted_before}
    assert editors_permissions(new.apps) == moved
    assert not any(app == "alerts" for app, _ in moved)

    # Rows made after the split go back with the rest when it is undone.
    inf = get("treaties", "Treaty").objects.create(name="INF Treaty", short_name="INF", slug="inf",
                                                  category="arms_control", kind="bilateral")
    get("feeds", "FeedSource").objects.create(name="UN News", url="https://news.un.org/feed/")
    old = migrator.apply_tested_migration(BEFORE_SPLIT)
    get = old.apps.get_model
    assert sorted(get("treaties", "FeedSource").objects.values_list("name", flat=True)) == ["TASS", "UN News"]
    assert sorted(get("treaties", "Treaty").objects.values_list("slug", flat=True)) == ["inf", "new-start"]
    assert get("treaties", "Treaty").objects.get(pk=inf.pk).slug == "inf"
    assert get("treaties", "ReminderDelivery").objects.count() == 2
    assert get("treaties", "Subscription").objects.get(pk=ids["subscription"]).email == "reader@example.org"
