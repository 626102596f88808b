import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from treaties.admin.record import TreatyAdmin
from treaties.derived import live_statuses_on, record_changed
from treaties.models import Deadline, Party, Treaty, TreatyEvent
from treaties.precision import PreciseDate
from treaties.selectors import statuses_on

TREATY = {
    "short_name": "Test Treaty",
    "name": "Treaty on Testing",
    "slug": "test-treaty",
    "category": "arms_control",
    "kind": "bilateral",
    "term_years": "10",
    "lapses_at_term_end": "on",
    "provision_sources": "[]",
}


def inline_management(response, **extra):
    """The management forms of every inline on an add page, with `extra` new forms for some prefixes."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data |= {f"{prefix}-TOTAL_FORMS": extra.get(prefix, 0), f"{prefix}-INITIAL_FORMS": 0,
                 f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    return data


def event(prefix, index, kind, date, **more):
    fields = {"kind": kind, "date": date, "precision": "day", "description": f"{kind} happened.",
              "source_url": f"https://example.org/{kind}", **more}
    return {f"{prefix}-{index}-{name}": value for name, value in fields.items()}


def add_treaty(client, *events, **fields):
    url = reverse("admin:treaties_treaty_add")
    page = client.get(url)
    data = {**TREATY, **fields, **inline_management(page, events=len(events))}
    for index, (kind, date) in enumerate(events):
        data |= event("events", index, kind, date)
    return client.post(url, data, follow=True)


def test_an_editor_adds_a_treaty_with_events_inline_and_sees_the_derived_expiry(editor_client):
    response = add_treaty(editor_client, ("signed", "2010-04-08"), ("entered_into_force", "2011-02-05"))

    assert response.status_code == 200
    treaty = Treaty.objects.get(slug="test-treaty")
    assert treaty.events.count() == 2
    expiry = treaty.deadlines.get(kind="expiry", superseded_by=None)
    assert expiry.when == PreciseDate.parse("2021-02-05") and expiry.rule == "term"
    assert "Derived deadlines of Test Treaty updated — Expiry: 5 February 2021." in response.content.decode()
    page = editor_client.get(reverse("admin:treaties_treaty_change", args=[treaty.pk])).content.decode()
    assert "derived deadlines (from the events and provisions; read-only)" in page.lower()
    assert "5 February 2021" in page


def test_an_entry_into_force_before_signature_is_refused_saying_what_to_fix(editor_client):
    response = add_treaty(editor_client, ("signed", "2011-02-05"), ("entered_into_force", "2010-04-08"))

    assert "Entry into force (8 April 2010) cannot come before signature (5 February 2011): check both dates." in (
        response.content.decode()
    )
    assert not Treaty.objects.exists()


def test_a_month_precision_date_not_on_the_first_is_refused_with_the_date_to_enter(editor_client):
    url = reverse("admin:treaties_treaty_add")
    page = editor_client.get(url)
    data = {**TREATY, **inline_management(page, events=1),
            **event("events", 0, "signed", "2010-04-08", precision="month")}
    response = editor_client.post(url, data)
    assert "With month precision, enter the first day (2010-04-01 for April 2010)." in response.content.decode()


@pytest.fixture
def new_start(reference_data):
    return Treaty.objects.get(slug="new-start")


def test_changing_an_event_on_its_own_page_moves_the_derived_expiry(editor_client, new_start):
    extension = new_start.events.get(kind="extended")
    url = reverse("admin:treaties_treatyevent_change", args=[extension.pk])
    data = {"treaty": new_start.pk, "kind": "extended", "date": "2021-02-03", "precision": "day",
            "description": extension.description, "source_url": extension.source_url, "extension_years": "3",
            "key": extension.key, "date_note": ""}

    response = editor_client.post(url, data, follow=True)

    assert response.status_code == 200
    expiry = Deadline.objects.get(treaty=new_start, kind="expiry", superseded_by=None)
    assert expiry.when == PreciseDate.parse("2024-02-05")
    assert "Expiry: 5 February 2026 → 5 February 2024" in response.content.decode()


def test_recording_a_withdrawal_notice_shows_when_the_withdrawal_takes_effect(editor_client, reference_data):
    ctbt, russia = Treaty.objects.get(slug="ctbt"), Party.objects.get(slug="russia")
    data = {"treaty": ctbt.pk, "kind": "withdrawal_notice", "date": "2026-03-02", "precision": "day",
            "parties": [russia.pk], "description": "Russia gives notice of withdrawal.",
            "source_url": "https://example.org/notice", "key": "", "date_note": ""}

    response = editor_client.post(reverse("admin:treaties_treatyevent_add"), data, follow=True)

    effective = Deadline.objects.get(treaty=ctbt, kind="withdrawal_effective")
    assert effective.when == PreciseDate.parse("2026-09-02")
    assert list(effective.parties.all()) == [russia]
    assert "Withdrawal takes effect: 2 September 2026" in response.content.decode()


def test_deleting_a_withdrawal_notice_removes_the_deadline_it_gave(editor_client, reference_data):
    notice = TreatyEvent.objects.filter(kind="withdrawal_notice", derived_deadlines__isnull=False).first()
    treaty = notice.treaty
    url = reverse("admin:treaties_treatyevent_delete", args=[notice.pk])

    editor_client.post(url, {"post": "yes"})

    assert not TreatyEvent.objects.filter(pk=notice.pk).exists()
    assert not treaty.deadlines.filter(derived_from=notice).exists()


def test_a_derived_deadline_is_read_only_for_an_editor(editor_client, new_start):
    expiry = Deadline.objects.get(treaty=new_start, kind="expiry", superseded_by=None)
    url = reverse("admin:treaties_deadline_change", args=[expiry.pk])

    page = editor_client.get(url).content.decode()
    refused = editor_client.post(url, {"treaty": new_start.pk, "kind": "expiry", "date": "2030-01-01",
                                       "precision": "day"})
    deleting = editor_client.get(reverse("admin:treaties_deadline_delete", args=[expiry.pk]))

    assert 'name="_save"' not in page
    assert refused.status_code == 403
    assert deleting.status_code == 302
    assert Deadline.objects.get(pk=expiry.pk).when == PreciseDate.parse("2026-02-05")


def test_the_treaty_list_shows_status_and_next_deadline_in_a_bounded_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    for n in range(60):
        treaty = Treaty.objects.create(short_name=f"T{n:02}", name=f"Treaty {n}", slug=f"t{n}",
                                       category="trade", kind="multilateral", term_years=50)
        TreatyEvent.objects.create(treaty=treaty, kind="entered_into_force", date=dt.date(2000, 1, 1),
                                   description="In force.", source_url="https://example.org")
        Deadline.objects.create(treaty=treaty, kind="report_due", date=dt.date(2049, 5, 1), precision="month")
    record_changed(treaty_ids=Treaty.objects.values_list("pk", flat=True))  # as every writer does
    url = reverse("admin:treaties_treaty_changelist")

    with django_assert_max_num_queries(20):
        page = editor_client.get(url).content.decode()

    assert page.count("in force") >= 60
    assert page.count("May 2049 (report due)") == 60  # before the 50-year term's expiry in 2050


def test_the_treaty_list_sorts_by_the_stored_next_deadline_and_shows_a_treaty_with_nothing_stored(editor_client):
    for name, due in [("Later", dt.date(2060, 1, 1)), ("Sooner", dt.date(2040, 1, 1)), ("Nothing due", None)]:
        treaty = Treaty.objects.create(short_name=name, name=name, slug=slugify(name), category="trade",
                                       kind="multilateral")
        if due:
            Deadline.objects.create(treaty=treaty, kind="report_due", date=due, precision="year")
    record_changed(treaty_ids=Treaty.objects.values_list("pk", flat=True))
    # Written as a shell would, without record_changed: no stored status, so the column applies the rules live.
    unstored = Treaty.objects.create(short_name="Unstored", name="Unstored", slug="unstored", category="trade",
                                     kind="multilateral")
    TreatyEvent.objects.create(treaty=unstored, kind="signed", date=dt.date(2001, 1, 1), description="Signed.",
                               source_url="https://example.org")
    column = TreatyAdmin.list_display.index("next_deadline") + 1
    page = editor_client.get(reverse("admin:treaties_treaty_changelist"), {"o": str(column)}).content.decode()
    assert page.index(">Sooner<") < page.index(">Later<") < page.index(">Nothing due<") < page.index(">Unstored<")
    assert "2040 (report due)" in page
    backwards = editor_client.get(reverse("admin:treaties_treaty_changelist"), {"o": f"-{column}"}).content.decode()
    # Nothing to sort it by: after every date, so first backwards, on either database.
    assert backwards.index(">Unstored<") < backwards.index(">Nothing due<") < backwards.index(">Later<") \
        < backwards.index(">Sooner<")
    assert live_statuses_on(timezone.localdate(), [unstored.pk])[unstored.pk].label in page


def test_searching_the_treaty_list_finds_cyrillic_aliases(editor_client, reference_data):
    page = editor_client.get(reverse("admin:treaties_treaty_changelist"), {"q": "дснв"}).content.decode()
    assert "New START" in page
    assert "1 result" in page


def test_the_treaty_list_filters_by_derived_status(editor_client, reference_data):
    page = editor_client.get(reverse("admin:treaties_treaty_changelist"), {"status": "expired"}).content.decode()
    assert "New START" in page
    assert "Outer Space Treaty" not in page


def test_the_history_of_an_event_says_who_changed_it(editor_client, editor, new_start):
    signed = new_start.events.get(kind="signed")
    editor_client.post(
        reverse("admin:treaties_treatyevent_change", args=[signed.pk]),
        {"treaty": new_start.pk, "kind": "signed", "date": "2010-04-08", "precision": "day",
         "description": "Signed in Prague.", "source_url": signed.source_url, "key": signed.key, "date_note": ""},
    )

    page = editor_client.get(reverse("admin:treaties_treatyevent_history", args=[signed.pk])).content.decode()

    assert signed.history.first().history_user == editor
    assert "editor" in page
    assert "Signed in Prague." in page


def test_someone_who_is_not_staff_is_sent_to_the_login_page(client, db):
    client.force_login(User.objects.create_user("reader"))
    for url in (reverse("admin:index"), reverse("admin:treaties_treaty_changelist"), reverse("admin:treaties_import")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_the_editors_group_may_edit_exactly_the_tracker_data(editor):
    group = editor.groups.get(name="Editors")  # as the migrations made it, even after a test that removed it
    granted = set(group.permissions.values_list("content_type__app_label", "codename"))
    models = ["party", "treaty", "treatyalias", "treatyevent", "deadline", "statement"]
    reviewed = ["treatymention", "deadlinesuggestion"]  # made by feeds; editors decide, never add or delete
    assert granted == {("treaties", f"{action}_{model}") for model in models
                       for action in ("add", "change", "delete", "view")} | {
        ("feeds", f"{action}_feedsource") for action in ("add", "change", "delete", "view")} | {
        ("feeds", f"{action}_{model}") for model in reviewed for action in ("change", "view")}


def test_an_editor_sees_the_tracker_data_but_not_the_users(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:treaties_statement_changelist") in page
    assert reverse("admin:auth_user_changelist") not in page
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.urls("tests.support.superuser_only_urls")
def test_superuser_only_admin_hides_personal_data_from_staff_whatever_their_permissions(client, editor):
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="auth"))
    superuser = User.objects.create_superuser("root", password="x")
    Party.objects.create(name="unrelated", slug="unrelated")  # the database is not empty
    url = "/private/auth/group/"

    client.force_login(editor)
    assert client.get(url).status_code == 403
    assert client.get("/private/").content.decode().count("/private/auth/group/") == 0

    client.force_login(superuser)
    assert client.get(url).status_code == 200


def test_the_treaty_page_in_the_admin_says_why_the_status_is_what_it_is(reference_data, admin_client):
    from treaties.models import Treaty

    paris = Treaty.objects.get(slug="paris-agreement")
    html = admin_client.get(reverse("admin:treaties_treaty_change", args=[paris.pk])).content.decode()
    assert "In force since 4 November 2016" in html
    assert "United States since 27 January 2026 — because:" in html


def test_an_editor_pastes_many_parties_dates_and_the_status_follows(reference_data, editor_client):
    from treaties.models import Party, Treaty, TreatyEvent

    Party.objects.create(name="Freedonia", short_name="Freedonia", slug="freedonia")
    ottawa = Treaty.objects.get(slug="ottawa-convention")
    url = reverse("admin:treaties_parties_dates", args=[ottawa.pk])
    assert "pasted" in editor_client.get(reverse("admin:treaties_treaty_change", args=[ottawa.pk])).content.decode()
    lines = "Freedonia\twithdrawal_notice\t2026-01-15\nFreedonia\twithdrawn\t2026-07-15\nNowhere\tsigned\t2026\n"
    bad = editor_client.post(url, {"lines": lines, "source_url": "https://treaties.un.org/notification"})
    assert "Line 3: no party “Nowhere”" in bad.content.decode()
    assert not TreatyEvent.objects.filter(parties__slug="freedonia").exists()

    good = {"lines": lines.rsplit("Nowhere", 1)[0], "source_url": "https://treaties.un.org/notification"}
    assert "Dry run: nothing was written" in editor_client.post(url, {**good, "dry_run": "on"}).content.decode()
    assert not TreatyEvent.objects.filter(parties__slug="freedonia").exists()
    assert "Recorded" in editor_client.post(url, good).content.decode()
    assert TreatyEvent.objects.filter(parties__slug="freedonia").count() == 2
    ottawa = Treaty.objects.get(slug="ottawa-convention").pk
    assert "Freedonia" in str(statuses_on(dt.date(2026, 8, 1), [ottawa]))  # out since 15 July
    editor_client.post(url, good)  # pasted again: nothing new
    assert TreatyEvent.objects.filter(parties__slug="freedonia").count() == 2


@pytest.mark.django_db
def test_deleting_a_party_in_the_admin_stops_the_stored_status_naming_it(admin_client):
    treaty = Treaty.objects.create(slug="pact", short_name="Pact", name="Pact", category="arms_control")
    atlantis = Party.objects.create(name="Atlantis", slug="atlantis")
    treaty.parties.add(atlantis, Party.objects.create(name="Lemuria", slug="lemuria"))
    TreatyEvent.objects.create(treaty=treaty, kind="entered_into_force", date=dt.date(2000, 1, 1))
    suspended = TreatyEvent.objects.create(treaty=treaty, kind="suspended", date=dt.date(2020, 1, 1))
    suspended.parties.add(atlantis)
    record_changed(treaty_ids=[treaty.pk])
    today = dt.date.today()
    assert "Atlantis" in statuses_on(today, [treaty.pk])[treaty.pk].label

    response = admin_client.post(reverse("admin:treaties_party_delete", args=[atlantis.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert statuses_on(today, [treaty.pk]) == live_statuses_on(today, [treaty.pk])
    assert "Atlantis" not in statuses_on(today, [treaty.pk])[treaty.pk].label


@pytest.mark.django_db
def test_moving_an_event_to_another_treaty_re_derives_the_treaty_it_left(editor_client, new_start):
    other = Treaty.objects.create(slug="other", short_name="Other", name="Other", category="arms_control")
    entry = new_start.events.get(kind="entered_into_force")
    url = reverse("admin:treaties_treatyevent_change", args=[entry.pk])
    data = {"treaty": other.pk, "kind": "entered_into_force", "date": "2011-02-05", "precision": "day",
            "description": entry.description, "source_url": entry.source_url, "key": entry.key, "date_note": ""}
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200 and TreatyEvent.objects.get(pk=entry.pk).treaty == other
    assert not new_start.deadlines.filter(kind="expiry").exists()  # nothing left to derive it from


@pytest.mark.django_db
def test_moving_a_withdrawal_notice_to_another_treaty_with_a_notice_period_moves_its_deadline_there(editor_client):
    """A deadline that follows from an event is one per event: the treaty the event left gives its deadline up
    before the treaty it joined derives its own. (The joined one was re-derived first and the save failed.)"""
    left, joined = (Treaty.objects.create(slug=slug, short_name=slug, name=slug, category="arms_control",
                                          kind="bilateral", withdrawal_notice_months=months)
                    for slug, months in (("left", 3), ("joined", 6)))
    notice = TreatyEvent.objects.create(treaty=left, kind="withdrawal_notice", date=dt.date(2026, 3, 1),
                                        description="Notice.", source_url="https://example.org/notice", key="notice")
    record_changed(treaty_ids=[left.pk, joined.pk])
    assert left.deadlines.get(kind="withdrawal_effective").date == dt.date(2026, 6, 1)
    url = reverse("admin:treaties_treatyevent_change", args=[notice.pk])
    data = {"treaty": joined.pk, "kind": "withdrawal_notice", "date": "2026-03-01", "precision": "day",
            "description": "Notice.", "source_url": "https://example.org/notice", "key": "notice", "date_note": ""}
    response = editor_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert not left.deadlines.exists()
    assert joined.deadlines.get(kind="withdrawal_effective").date == dt.date(2026, 9, 1)
