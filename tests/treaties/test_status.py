import datetime as dt

import pytest

from treaties.models import Treaty
from treaties.precision import PreciseDate
from treaties.rules import Fact, Provisions
from treaties.status import StatusCode, status_on


def fact(kind, date, *parties, years=None):
    return Fact(kind, PreciseDate.parse(date), parties, years)


def on(text):
    return dt.date.fromisoformat(text)


def test_a_bilateral_suspension_is_in_force_suspended_by_that_party():
    events = [fact("entered_into_force", "2011-02-05"), fact("suspended", "2023-02-21", "Russia")]
    status = status_on(bilateral=True, provisions=Provisions(), events=events, deadlines=[], on=on("2024-01-01"))
    assert status.code == StatusCode.IN_FORCE
    assert status.label == "in force, suspended by Russia"


def test_a_lifted_suspension_is_plain_in_force_again():
    events = [fact("entered_into_force", "2011-02-05"), fact("suspended", "2023-02-21", "Russia"),
              fact("resumed", "2024-02-21", "Russia")]
    status = status_on(bilateral=True, provisions=Provisions(), events=events, deadlines=[], on=on("2025-01-01"))
    assert status.label == "in force"


def test_a_month_precision_withdrawal_counts_only_once_its_month_is_over():
    events = [fact("entered_into_force", "2002-01-01"), fact("withdrawn", "2021-12", "Russia")]
    during = status_on(bilateral=False, provisions=Provisions(), events=events, deadlines=[], on=on("2021-12-15"))
    after = status_on(bilateral=False, provisions=Provisions(), events=events, deadlines=[], on=on("2022-01-01"))
    assert during.withdrawn == ()
    assert after.withdrawn == ("Russia",)
    assert after.code == StatusCode.IN_FORCE


def test_a_passed_withdrawal_deadline_ends_a_bilateral_treaty_even_without_a_recorded_event():
    events = [fact("entered_into_force", "1972-10-03"), fact("withdrawal_notice", "2001-12-13", "United States")]
    status = status_on(bilateral=True, provisions=Provisions(withdrawal_notice_months=6), events=events,
                       deadlines=[], on=on("2002-06-13"))
    assert status.label == "withdrawn by United States"


def test_an_editor_entered_expiry_ends_the_treaty_once_reached():
    events = [fact("entered_into_force", "2000-01-01")]
    deadlines = [fact("expiry", "2030-06-30")]
    before = status_on(bilateral=False, provisions=Provisions(), events=events, deadlines=deadlines,
                       on=on("2030-06-29"))
    after = status_on(bilateral=False, provisions=Provisions(), events=events, deadlines=deadlines,
                      on=on("2030-06-30"))
    assert (before.code, after.code) == (StatusCode.IN_FORCE, StatusCode.EXPIRED)


def test_a_party_that_rejoins_is_no_longer_listed_as_withdrawn_once_bound_again():
    events = [fact("entered_into_force", "2016-11-04"), fact("withdrawn", "2020-11-04", "United States"),
              fact("ratified", "2021-01-20", "United States")]
    waiting = Provisions(consent_effect_days=30)
    assert status_on(bilateral=False, provisions=waiting, events=events, deadlines=[],
                     on=on("2021-02-18")).withdrawn == ("United States",)
    assert status_on(bilateral=False, provisions=waiting, events=events, deadlines=[],
                     on=on("2021-02-19")).withdrawn == ()
    typed = [*events, fact("joined", "2021-02-19", "United States")]
    assert status_on(bilateral=False, provisions=Provisions(), events=typed, deadlines=[],
                     on=on("2022-01-01")).withdrawn == ()


def test_status_as_of_a_past_day_ignores_extensions_agreed_later():
    events = [fact("entered_into_force", "2011-02-05"), fact("extended", "2021-02-03", years=5)]
    provisions = Provisions(term_years=10)
    assert status_on(bilateral=True, provisions=provisions, events=events, deadlines=[],
                     on=on("2021-01-01")).code == StatusCode.IN_FORCE
    assert status_on(bilateral=True, provisions=provisions, events=events, deadlines=[],
                     on=on("2021-03-01")).code == StatusCode.IN_FORCE


# The shipped treaties, as their sources describe them.
@pytest.mark.parametrize(
    "slug, day, label",
    [
        ("new-start", "2026-11-27", "expired"),
        ("new-start", "2024-01-01", "in force, suspended by Russia"),
        ("new-start", "2021-06-01", "in force"),
        ("new-start", "2026-02-04", "in force, suspended by Russia"),
        ("new-start", "2026-02-05", "expired"),
        ("new-start", "2010-05-01", "signed, not in force"),
        ("new-start", "2010-01-01", "not yet signed"),
        ("inf", "2019-03-01", "in force, suspended by United States and Russia"),
        ("inf", "2026-11-27", "terminated"),
        ("abm", "2026-11-27", "terminated"),
        ("start-i", "2026-11-27", "expired"),
        ("start-ii", "2026-11-27", "withdrawn by Russia before entry into force"),
        ("sort", "2026-11-27", "terminated"),
        ("ctbt", "2026-11-27", "signed, not in force"),
        ("npt", "1995-04-01", "in force"),
        ("npt", "2026-11-27", "in force"),
        ("cfe", "2026-11-27", "in force, suspended by United States, Türkiye and Belarus"),
        ("cfe", "2010-01-01", "in force, suspended by Russia"),
        ("jcpoa", "2026-11-27", "terminated"),
        ("paris-agreement", "2026-11-27", "in force"),
        ("tpnw", "2020-12-31", "signed, not in force"),
        ("tpnw", "2026-11-27", "in force"),
        ("unfccc", "2026-11-27", "in force"),
    ],
)
def test_the_shipped_treaties_have_the_status_their_sources_give(reference_data, slug, day, label):
    treaty = Treaty.objects.with_record().get(slug=slug)
    assert treaty.status_on(on(day)).label == label


@pytest.mark.parametrize(
    "slug, day, withdrawn",
    [
        ("open-skies", "2026-11-27", ("United States", "Russia")),
        ("paris-agreement", "2026-11-27", ("United States",)),
        ("paris-agreement", "2022-01-01", ()),
        ("ottawa-convention", "2026-11-27", ("Estonia", "Latvia", "Lithuania", "Finland", "Poland")),
        ("cfe", "2026-11-27", ("Russia",)),
    ],
)
def test_parties_that_left_a_multilateral_treaty_are_named(reference_data, slug, day, withdrawn):
    assert Treaty.objects.with_record().get(slug=slug).status_on(on(day)).withdrawn == withdrawn


def test_status_of_every_treaty_takes_a_fixed_number_of_queries(reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        labels = [t.status_on(on("2026-11-27")).label for t in Treaty.objects.with_record()]
    assert len(labels) == Treaty.objects.count() > 60


@pytest.mark.parametrize("wanted", ["not_in_force", "in_force", "suspended", "lapsed", "expired", "withdrawn",
                                    "terminated"])
@pytest.mark.parametrize("day", ["2026-11-27", "2024-01-01", "2000-01-01", "1800-01-01", "2199-12-31"])
def test_the_stored_status_intervals_filter_exactly_like_the_live_rules(reference_data, wanted, day):
    from treaties.derived import live_statuses_on
    from treaties.selectors import matches_status, treaties_with_status

    stored = set(treaties_with_status(Treaty.objects.all(), wanted, on(day)).values_list("slug", flat=True))
    slugs = dict(Treaty.objects.values_list("pk", "slug"))
    live = {slugs[pk] for pk, s in live_statuses_on(on(day)).items() if matches_status(s, wanted)}
    assert stored == live


def test_the_stored_intervals_give_the_live_status_on_every_day_a_status_changes(reference_data):
    from treaties.derived import live_statuses, treaty_facts
    from treaties.selectors import statuses_on
    from treaties.status import status_change_days

    days = set()
    for facts in treaty_facts().values():
        changes = status_change_days(provisions=facts.provisions, events=facts.events,
                                     deadlines=facts.editor_deadlines)
        days |= {d + dt.timedelta(days=shift) for d in changes for shift in (-1, 0) if d.year < 2200}
    assert len(days) > 200
    ids = list(Treaty.objects.values_list("pk", flat=True))
    for day, live in sorted(live_statuses(days, ids).items()):
        assert statuses_on(day, ids) == live, day


@pytest.mark.parametrize("day", ["2026-11-27", "2021-02-04", "2011-02-05", "1990-06-30", "2199-12-31"])
def test_the_treaty_lists_status_read_from_the_interval_it_found_each_treaty_by_is_the_stored_one(reference_data,
                                                                                                  day):
    # The list and the API read each treaty's status from the join `treaty_search` finds it by, not another query.
    from treaties.selectors import TreatyFilters, status_of, statuses_on, treaty_search

    day = dt.date.fromisoformat(day)
    found = list(treaty_search(TreatyFilters(sort="name"), day))
    assert len(found) == Treaty.objects.count()  # every shipped treaty has its intervals stored
    assert {t.pk: status_of(t) for t in found} == statuses_on(day, [t.pk for t in found])


@pytest.mark.parametrize("day", ["2026-11-27", "2021-02-04", "2011-02-05", "1990-06-30", "2199-12-31"])
def test_a_treatys_life_read_from_its_stored_intervals_is_the_live_rules_day_by_day(reference_data, day):
    """The spans the timeline draws: each starts where the live status (code and who suspended) changes, holds
    unchanged on every day that status could change within it, and runs on to `day`; the life starts with the
    first status past "not signed" and stops at a lapse."""
    from treaties.derived import treaty_facts
    from treaties.selectors import lives
    from treaties.status import status_change_days

    day = on(day)
    treaties = Treaty.objects.with_record().in_bulk()
    slugs = {pk: treaty.slug for pk, treaty in treaties.items()}
    life = lives(day, slugs)
    drawn = 0
    for pk, facts in treaty_facts().items():
        def live(d, facts=facts):
            return status_on(bilateral=facts.bilateral, provisions=facts.provisions, events=facts.events,
                             deadlines=facts.editor_deadlines, on=d)

        def shape(status):
            return status.code, status.suspended_by

        spans, status = life[pk]
        assert status == live(day) == treaties[pk].status_on(day)  # the model's own reading too: parties' order
        changes = sorted(d for d in status_change_days(provisions=facts.provisions, events=facts.events,
                                                       deadlines=facts.editor_deadlines) if d <= day)
        signed = [d for d in changes if live(d).code != StatusCode.NOT_SIGNED]
        assert [s.start for s in spans[:1]] == signed[:1], slugs[pk]
        for index, span in enumerate(spans):
            following = spans[index + 1] if index + 1 < len(spans) else None
            assert span.status == live(span.start)
            assert span.start == dt.date.min or shape(live(span.start - dt.timedelta(days=1))) != shape(span.status)
            if span.status.is_lapsed:
                assert following is None and span.end == span.start
                continue
            assert span.end == (following.start if following else day)
            assert span.open_ended == (following is None)
            inside = [d for d in changes if span.start <= d < span.end]
            assert all(shape(live(d)) == shape(span.status) for d in inside), (slugs[pk], span)
        drawn += len(spans)
    assert drawn > 20


def test_a_treaty_expires_at_midnight_with_no_refresh(reference_data, client):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 2, 4, 23, 59, tzinfo=dt.UTC), tick=False):
        assert "in force" in client.get("/api/v1/treaties/new-start/").json()["status"]["label"]
    with time_machine.travel(dt.datetime(2026, 2, 5, 0, 0, 1, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/treaties/new-start/").json()["status"]["label"] == "expired"
