"""Dates a statement gives near a treaty's name, suggested as deadlines (pure)."""

import datetime as dt

from feeds.dates_mentioned import DateMentioned, dates_mentioned
from treaties.mentions import TreatyMatcher
from treaties.models import DeadlineKind
from treaties.precision import PreciseDate

MATCHER = TreatyMatcher([("new-start", "New START"), ("new-start", "ДСНВ"), ("new-start", "СНВ-3"),
                         ("start-i", "START"), ("npt", "NPT"), ("jcpoa", "JCPOA")])


def found(text: str, said_on: dt.date | None = None) -> list[DateMentioned]:
    return dates_mentioned(text, MATCHER.occurrences(text), said_on=said_on)


def test_the_tass_quote_gives_new_start_a_month_precision_expiry():
    text = ("It’s quite possible that after New START expires in February 2026, a vacuum will be created in the "
            "field of international legal tools to maintain strategic stability in the long term.")
    assert found(text, said_on=dt.date(2023, 4, 22)) == [
        DateMentioned("new-start", PreciseDate.parse("2026-02"), DeadlineKind.EXPIRY,
                      "New START expires in February 2026")
    ]


def test_day_month_and_year_dates_keep_their_precision():
    results = found("New START ends on 5 February 2026. The JCPOA runs until 2025. The NPT meets April 27, 2026.")
    assert [(r.treaty, r.when.isoformat(), r.kind) for r in results] == [
        ("new-start", "2026-02-05", DeadlineKind.EXPIRY),
        ("jcpoa", "2025", DeadlineKind.EXPIRY),
        ("npt", "2026-04-27", DeadlineKind.OTHER),
    ]


def test_russian_dates_are_read():
    results = found("Замминистра напомнил, что ДСНВ истекает 5 февраля 2026 года. СНВ-3 продлили до 2026 года.")
    assert [(r.when.isoformat(), r.kind, r.phrase) for r in results] == [
        ("2026-02-05", DeadlineKind.EXPIRY, "ДСНВ истекает 5 февраля 2026"),
        ("2026", DeadlineKind.EXPIRY, "СНВ-3 продлили до 2026"),
    ]


def test_a_date_belongs_to_the_nearest_treaty_in_its_sentence_only():
    results = found("The NPT is permanent; New START expires in February 2026. Talks resume in March 2026.")
    assert [(r.treaty, str(r.when)) for r in results] == [("new-start", "February 2026")]


def test_dates_before_the_words_were_said_are_history_not_deadlines():
    assert found("New START, signed in April 2010, expires in February 2026.", said_on=dt.date(2023, 4, 22)) == [
        DateMentioned("new-start", PreciseDate.parse("2026-02"), DeadlineKind.EXPIRY,
                      "New START, signed in April 2010, expires in February 2026")
    ]


def test_a_bare_year_or_an_ambiguous_name_suggests_nothing():
    assert found("The 2031 target was set with New START in mind.") == []
    assert found("START expires in December 2009.") == []  # START could be START I or New START


def test_the_kind_comes_from_the_words_between_name_and_date():
    results = found("The NPT review conference opens on 27 April 2026. "
                    "Iran said its withdrawal from the JCPOA takes effect in March 2026.")
    assert [r.kind for r in results] == [DeadlineKind.REVIEW_CONFERENCE, DeadlineKind.WITHDRAWAL_EFFECTIVE]


def test_an_impossible_date_is_ignored():
    assert found("New START expires on 31 February 2026.") == []
