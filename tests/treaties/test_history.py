"""The record as it stood on days around each boundary of real treaties' lives: the treaty's own date, each
party's own dates, and the deadlines that were due then, even those an extension later moved."""

import datetime as dt

import pytest

from treaties import selectors
from treaties.models import Deadline, Treaty
from treaties.precision import PreciseDate
from treaties.rules import Fact, Provisions, derive_deadlines
from treaties.status import StatusCode


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def status(slug: str, on: str):
    return Treaty.objects.with_record().get(slug=slug).status_on(day(on))


def new_start_expiry(on: str) -> str:
    due = [d for d in selectors.upcoming_deadlines(day(on), limit=100) if d.treaty.slug == "new-start"]
    return ", ".join(f"{d.get_kind_display()} {d.when}" for d in due)


@pytest.mark.parametrize(("on", "expected"), [
    ("2020-01-01", "Expiry 5 February 2021"),  # the ten-year term, before the extension was agreed
    ("2021-02-02", "Expiry 5 February 2021"),
    ("2021-02-04", "Expiry 5 February 2026"),  # the extension of 3 February 2021 moved it
    ("2025-12-31", "Expiry 5 February 2026"),
])
def test_new_starts_expiry_is_the_one_that_was_due_on_the_day_asked(reference_data, on, expected):
    assert new_start_expiry(on) == expected


def test_the_dashboard_as_of_2020_lists_new_starts_2021_expiry(reference_data, client):
    page = client.get("/?on=2020-01-01").content.decode()
    assert "5 February 2021" in page
    assert "5 February 2026" not in page


def test_a_superseded_expiry_says_what_moved_it(reference_data):
    superseded = Deadline.objects.get(treaty__slug="new-start", superseded_by__isnull=False)
    assert str(superseded.when) == "5 February 2021"
    assert superseded.superseded_by.kind == "extended"
    assert str(superseded.superseded_by.when) == "3 February 2021"
    current = Deadline.objects.get(treaty__slug="new-start", rule="term", superseded_by__isnull=True)
    assert str(current.when) == "5 February 2026"


def test_new_start_in_2024_was_in_force_since_2011_and_suspended_by_russia_since_2023(reference_data):
    s = status("new-start", "2024-01-01")
    assert s.code == StatusCode.IN_FORCE
    assert s.headline == "in force since 5 February 2011"
    assert s.qualifiers == ["suspended by Russia since 21 February 2023"]


def test_new_start_expired_on_its_extended_date(reference_data):
    assert status("new-start", "2026-02-04").code == StatusCode.IN_FORCE
    assert status("new-start", "2026-02-05").headline == "expired on 5 February 2026"


@pytest.mark.parametrize(("on", "us_out_since"), [
    ("2020-11-03", None),
    ("2020-11-04", "4 November 2020"),
    ("2021-02-05", "4 November 2020"),  # the new acceptance was deposited, but binds only from 19 February
    ("2021-02-18", "4 November 2020"),
    ("2021-02-19", None),
    ("2026-01-26", None),
    ("2026-01-27", "27 January 2026"),
])
def test_the_united_states_was_out_of_paris_on_its_own_dates(reference_data, on, us_out_since):
    s = status("paris-agreement", on)
    out = {q.party: str(q.since) for q in s.withdrawals}
    assert out.get("United States") == us_out_since
    assert s.headline == "in force since 4 November 2016"


def test_a_late_ratification_takes_effect_after_the_treatys_waiting_period():
    events = [Fact("entered_into_force", PreciseDate(dt.date(2016, 11, 4)), ref=1),
              Fact("ratified", PreciseDate(dt.date(2021, 1, 20)), ("United States",), ref=2)]
    joined = [d for d in derive_deadlines(Provisions(consent_effect_days=30), events) if d.kind == "takes_effect"]
    assert [(str(d.when), d.parties) for d in joined] == [("19 February 2021", ("United States",))]


@pytest.mark.parametrize(("on", "withdrawn"), [
    ("2020-11-21", {}),
    ("2020-11-22", {"United States": "22 November 2020"}),
    ("2021-12-17", {"United States": "22 November 2020"}),
    ("2021-12-18", {"United States": "22 November 2020", "Russia": "18 December 2021"}),
])
def test_open_skies_parties_left_on_their_own_dates(reference_data, on, withdrawn):
    assert {q.party: str(q.since) for q in status("open-skies", on).withdrawals} == withdrawn


@pytest.mark.parametrize(("on", "suspended", "withdrawn"), [
    ("2007-12-11", {}, {}),
    ("2007-12-12", {"Russia": "12 December 2007"}, {}),
    ("2023-11-06", {"Russia": "12 December 2007"}, {}),
    ("2023-11-07", {}, {"Russia": "7 November 2023"}),
])
def test_cfe_russias_suspension_and_withdrawal_have_their_own_dates(reference_data, on, suspended, withdrawn):
    s = status("cfe", on)
    assert {q.party: str(q.since) for q in s.suspensions} == suspended
    assert {q.party: str(q.since) for q in s.withdrawals} == withdrawn
    assert s.headline == "in force since 9 November 1992"


@pytest.mark.parametrize(("on", "withdrawn"), [
    ("2025-12-26", set()),
    ("2025-12-27", {"Estonia", "Latvia", "Lithuania"}),
    ("2026-01-09", {"Estonia", "Latvia", "Lithuania"}),
    ("2026-01-10", {"Estonia", "Latvia", "Lithuania", "Finland"}),
    ("2026-02-20", {"Estonia", "Latvia", "Lithuania", "Finland", "Poland"}),
])
def test_each_state_leaving_the_ottawa_convention_is_out_from_its_own_effective_date(reference_data, on, withdrawn):
    assert set(status("ottawa-convention", on).withdrawn) == withdrawn


def test_the_ottawa_qualifiers_group_states_that_left_on_the_same_day(reference_data):
    assert status("ottawa-convention", "2026-11-30").qualifiers == [
        "suspended by Ukraine since 18 July 2025",  # contested: the states parties hold it cannot suspend
        "withdrawn: Estonia, Latvia and Lithuania, since 27 December 2025",
        "withdrawn: Finland, since 10 January 2026",
        "withdrawn: Poland, since 20 February 2026",
    ]


def test_new_starts_page_shows_the_moved_expiry_as_history_today_and_as_due_in_2020(reference_data, client):
    today = client.get("/treaties/new-start/").content.decode()
    assert "Moved to 5 February 2026 by the extension of 3 February 2021." in today
    in_2020 = client.get("/treaties/new-start/?on=2020-01-01").content.decode()
    assert "Moved to" not in in_2020
    assert "5 February 2021" in in_2020 and "5 February 2026" not in in_2020


def test_text_written_today_is_withheld_as_of_a_past_day(reference_data, client):
    summary = Treaty.objects.get(slug="new-start").summary[:60]  # plain words, nothing to escape
    assert summary in client.get("/treaties/new-start/").content.decode()
    in_2020 = client.get("/treaties/new-start/?on=2020-01-01").content.decode()
    assert summary not in in_2020
    assert "lapsed on 5 February 2026" not in in_2020
    assert "not shown as of 1 January 2020" in in_2020


def test_a_contested_status_shows_every_side_with_its_source(reference_data, client):
    html = client.get("/treaties/jcpoa/").content.decode()
    assert "(contested: see both sides)" in html
    dispute = Treaty.objects.get(slug="jcpoa").disputes.get(affects_status=True)
    positions = list(dispute.positions.all())
    assert len(positions) >= 2
    for position in positions:
        assert f'href="{position.source_url}"' in html


def test_the_api_gives_each_dispute_with_its_positions(reference_data, client):
    treaty = client.get("/api/v1/treaties/jcpoa/", HTTP_ACCEPT="application/json").json()
    standing = [d for d in treaty["disputes"] if d["affects_status"]]
    assert standing and all(len(d["positions"]) >= 2 and all(p["source_url"] for p in d["positions"])
                            for d in standing)
