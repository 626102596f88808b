"""The "What changed" page and feed: researchers follow changes to the record itself."""

import datetime as dt

import feedparser
import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models.signals import post_save

from treaties.derived import record_changed
from treaties.models import Deadline, Party, Statement, Treaty, TreatyEvent

pytestmark = pytest.mark.django_db


def changes_text(client, url="/changes/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_data_load_reads_as_one_entry_with_its_counts(client):
    # Across a minute's edge, as a load on a busy machine may run: still one entry. The clock moves only with each
    # treaty saved, so that how long the load really takes (a minute or more when the machine is busy) changes
    # nothing.
    with time_machine.travel(dt.datetime(2026, 11, 30, 11, 59, 59, tzinfo=dt.UTC), tick=False) as traveller:
        def tick(*args, **kwargs):
            traveller.shift(dt.timedelta(milliseconds=50))

        post_save.connect(tick, sender=Treaty, dispatch_uid="test-tick")
        try:
            call_command("load_reference_data", verbosity=0)
        finally:
            post_save.disconnect(sender=Treaty, dispatch_uid="test-tick")
        body = changes_text(client)
    assert body.count("By the reference data shipped with the tracker") == 1
    assert "records changed at once" in body and f"{Treaty.objects.count()} treaties" in body
    assert "By the reference data shipped with the tracker" in body


@pytest.fixture
def an_hour_later(reference_data):
    """Edits made after the data load, as an editor's would be (not in the load's minute)."""
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)):
        yield


def test_a_moved_deadline_a_withdrawal_and_a_statement_each_show_as_a_change(an_hour_later, client):
    new_start = Treaty.objects.get(slug="new-start")
    open_skies = Treaty.objects.get(slug="open-skies")
    expiry = Deadline.objects.filter(treaty=new_start, kind="review_conference").first() or Deadline.objects.create(
        treaty=new_start, kind="report_due", date=dt.date(2027, 1, 1), precision="year")
    before = expiry.when
    expiry.date, expiry.precision = dt.date(2027, 3, 1), "month"
    expiry.save()
    withdrawal = TreatyEvent.objects.create(treaty=open_skies, kind="withdrawal_notice", date=dt.date(2027, 1, 4),
                                            precision="day", source_url="https://example.org/notice")
    withdrawal.parties.add(Party.objects.get(slug="belarus") if Party.objects.filter(slug="belarus").exists()
                           else Party.objects.create(name="Belarus", slug="belarus"))
    record_changed(treaty_ids=[open_skies.pk])
    statement = Statement.objects.create(title="Envoy warns of a vacuum", url="https://example.org/s",
                                         outlet="TASS", date=dt.date(2026, 11, 20))
    statement.treaties.add(new_start)

    body = changes_text(client)
    assert f"New START: {expiry.get_kind_display()} moved from {before} to March 2027" in body
    assert "Open Skies Treaty: Recorded: Withdrawal notice (Belarus), 4 January 2027" in body
    assert "Statement added: Envoy warns of a vacuum (on New START)" in body
    # ...and so does what the rules derived from the notice.
    assert "Withdrawal takes effect added" in body

    feed = feedparser.parse(client.get("/changes/feed/").content)
    assert not feed.bozo and feed.feed.title == "Treaty Tracker: what changed in the record"
    titles = [entry.title for entry in feed.entries]
    assert "Statement added: Envoy warns of a vacuum (on New START)" in titles
    assert any(t.startswith("Open Skies Treaty: Recorded: Withdrawal notice") for t in titles)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_an_editors_change_says_an_editor_made_it(client, admin_client):
    treaty = Treaty.objects.create(slug="t", short_name="Old Name", name="Old Name", category="arms_control")
    treaty.short_name = "New Name"
    treaty.save()
    assert "Renamed from Old Name to New Name" in changes_text(client)
    assert User.objects.exists()


def test_the_page_asks_a_fixed_number_of_queries_however_much_changed(an_hour_later, client,
                                                                      django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get("/changes/")
    Treaty.objects.bulk_create([Treaty(slug=f"extra-{n}", short_name=f"Extra {n}", name=f"Extra {n}",
                                       category="arms_control") for n in range(50)])
    for treaty in Treaty.objects.filter(slug__startswith="extra-"):
        treaty.save()  # 50 history rows in one minute: one entry
    with django_assert_max_num_queries(20):
        body = changes_text(client)
    assert "50 records changed at once (50 treaties)" in body


def test_as_of_a_day_before_any_change_the_page_says_nothing_changed_yet(reference_data, client):
    body = changes_text(client, "/changes/?on=2020-01-01")
    assert "No change to the record by 1 January 2020." in body
