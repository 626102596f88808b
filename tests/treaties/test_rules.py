from treaties.precision import PreciseDate
from treaties.rules import Fact, Provisions, derive_deadlines


def fact(kind, date, parties=(), years=None, ref=None):
    return Fact(kind, PreciseDate.parse(date), tuple(parties), years, ref or f"{kind}@{date}")


NEW_START = Provisions(term_years=10)


def test_expiry_is_entry_into_force_plus_term():
    (expiry,) = derive_deadlines(NEW_START, [fact("signed", "2010-04-08"), fact("entered_into_force", "2011-02-05")])
    assert (expiry.kind, expiry.when) == ("expiry", PreciseDate.parse("2021-02-05"))
    assert expiry.derived_from == "entered_into_force@2011-02-05"


def test_an_extension_moves_the_expiry_and_becomes_its_source():
    events = [fact("entered_into_force", "2011-02-05"), fact("extended", "2021-02-03", years=5)]
    superseded, expiry = derive_deadlines(NEW_START, events)
    # What was due until the extension stays on record, saying what moved it and when.
    assert superseded.when == PreciseDate.parse("2021-02-05")
    assert (superseded.superseded_by, superseded.superseded_on) == ("extended@2021-02-03",
                                                                  PreciseDate.parse("2021-02-03"))
    assert expiry.superseded_on is None
    assert expiry.when == PreciseDate.parse("2026-02-05")
    assert expiry.derived_from == "extended@2021-02-03"
    assert "5-year extension of 3 February 2021" in expiry.description


def test_an_indefinite_extension_leaves_no_expiry():
    events = [fact("entered_into_force", "1970-03-05"), fact("extended", "1995-05-11")]
    (superseded,) = derive_deadlines(Provisions(term_years=25), events)
    assert superseded.when == PreciseDate.parse("1995-03-05")
    assert superseded.superseded_on == PreciseDate.parse("1995-05-11")


def test_a_term_that_calls_for_a_decision_gives_a_decision_deadline_not_an_expiry():
    events = [fact("entered_into_force", "1970-03-05"), fact("extended", "1995-05-11")]
    (decision,) = derive_deadlines(Provisions(term_years=25, lapses_at_term_end=False), events)
    assert (decision.kind, decision.when) == ("extension_decision", PreciseDate.parse("1995-03-05"))


def test_no_entry_into_force_means_no_expiry():
    assert derive_deadlines(NEW_START, [fact("signed", "2010-04-08")]) == []


def test_a_withdrawal_takes_effect_after_the_notice_period_for_the_party_that_gave_notice():
    events = [fact("entered_into_force", "1972-10-03"), fact("withdrawal_notice", "2001-12-13", ["United States"])]
    (effect,) = derive_deadlines(Provisions(withdrawal_notice_months=6), events)
    assert (effect.kind, effect.when, effect.parties) == (
        "withdrawal_effective", PreciseDate.parse("2002-06-13"), ("United States",))


def test_a_notice_period_in_days_counts_days():
    (effect,) = derive_deadlines(Provisions(withdrawal_notice_days=90), [fact("withdrawal_notice", "2026-01-15")])
    assert effect.when == PreciseDate.parse("2026-04-15")


def test_a_month_precise_notice_gives_the_days_it_may_take_effect():
    (effect,) = derive_deadlines(Provisions(withdrawal_notice_months=6), [fact("withdrawal_notice", "2025-06")])
    # A notice on 30 June takes effect on 30 December: never on the 31st.
    assert str(effect.when) == "between 1 and 30 December 2025"
    (effect,) = derive_deadlines(Provisions(withdrawal_notice_months=6), [fact("withdrawal_notice", "2025-07")])
    assert effect.when == PreciseDate.parse("2026-01")


def test_without_a_known_notice_period_nothing_is_derived():
    assert derive_deadlines(Provisions(), [fact("withdrawal_notice", "2025-06-27")]) == []


def test_a_review_cycle_gives_the_next_conference_as_a_year():
    events = [fact("entered_into_force", "1983-12-02"), fact("review_conference", "2026-11-16")]
    (review,) = derive_deadlines(Provisions(review_every_years=5), events)
    assert (review.kind, str(review.when)) == ("review_conference", "2031")
    assert review.derived_from == "review_conference@2026-11-16"
    assert derive_deadlines(Provisions(review_every_years=5), events[:1]) == []  # none held yet: no cycle
