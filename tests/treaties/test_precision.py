import datetime as dt

import pytest

from treaties.precision import PreciseDate, Precision, add_months, shift


def d(text):
    return dt.date.fromisoformat(text)


def test_it_reads_each_precision_from_iso_text():
    assert PreciseDate.parse("2026-02-05") == PreciseDate(d("2026-02-05"), Precision.DAY)
    assert PreciseDate.parse("2026-02") == PreciseDate(d("2026-02-01"), Precision.MONTH)
    assert PreciseDate.parse("2026") == PreciseDate(d("2026-01-01"), Precision.YEAR)


def test_it_truncates_to_an_explicit_precision():
    assert PreciseDate.parse("2026-02-17", "month") == PreciseDate(d("2026-02-01"), Precision.MONTH)


@pytest.mark.parametrize("text", ["5 Feb 2026", "2026-2-5", "", "20260205", "2026-13"])
def test_it_refuses_text_that_is_not_an_iso_date(text):
    with pytest.raises(ValueError):
        PreciseDate.parse(text)


def test_it_refuses_a_month_precision_date_that_is_not_the_first():
    with pytest.raises(ValueError, match="1st"):
        PreciseDate(d("2026-02-05"), Precision.MONTH)


def test_it_displays_only_what_is_known():
    assert str(PreciseDate.parse("2026-02-05")) == "5 February 2026"
    assert str(PreciseDate.parse("2026-02")) == "February 2026"
    assert str(PreciseDate.parse("2026")) == "2026"
    assert PreciseDate.parse("2026-02").short() == "Feb 2026"


def test_a_month_is_past_only_when_the_whole_month_is():
    february = PreciseDate.parse("2026-02")
    assert not february.is_past(d("2026-02-28"))
    assert february.is_past(d("2026-03-01"))
    assert not february.has_happened(d("2026-02-27"))
    assert february.has_happened(d("2026-02-28"))


def test_a_year_spans_the_whole_year():
    year = PreciseDate.parse("1999")
    assert year.earliest == d("1999-01-01")
    assert year.latest == d("1999-12-31")


def test_reminders_count_from_the_earliest_day():
    assert PreciseDate.parse("2026-02").days_until(d("2026-01-22")) == 10


def test_finer_dates_sort_before_coarser_ones_starting_the_same_day():
    dates = [PreciseDate.parse("2026"), PreciseDate.parse("2026-01"), PreciseDate.parse("2026-01-01"),
             PreciseDate.parse("2025-12-31")]
    assert sorted(dates) == [dates[3], dates[2], dates[1], dates[0]]


def test_adding_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(d("2025-08-31"), 6) == d("2026-02-28")
    assert add_months(d("2023-11-30"), 3) == d("2024-02-29")


def test_a_shifted_date_keeps_its_precision():
    assert shift(PreciseDate.parse("2021-12"), months=6) == PreciseDate.parse("2022-06")
    assert shift(PreciseDate.parse("2011-02-05"), years=15) == PreciseDate.parse("2026-02-05")
