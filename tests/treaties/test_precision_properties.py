"""Properties of imprecise dates: arithmetic never claims more than its inputs allow, and a status never
changes before the change is certain."""

import datetime as dt
import re

from hypothesis import given
from hypothesis import strategies as st

from treaties.precision import PreciseDate, Precision, add_months, shift
from treaties.rules import Fact, Provisions
from treaties.status import StatusCode, status_on

days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))


@st.composite
def precise_dates(draw):
    day = draw(days)
    precision = draw(st.sampled_from([Precision.DAY, Precision.MONTH, Precision.YEAR]))
    return PreciseDate.truncate(day, precision)


def every_day(when: PreciseDate):
    day = when.earliest
    while day <= when.latest:
        yield day
        day += dt.timedelta(days=1)


@given(precise_dates(), st.integers(0, 30), st.integers(0, 11), st.integers(0, 400))
def test_a_derived_date_covers_every_day_it_could_be_and_claims_a_day_only_when_certain(when, years, months, plus):
    derived = shift(when, years=years, months=months, days=plus)
    possible = {add_months(day, 12 * years + months) + dt.timedelta(days=plus) for day in every_day(when)}
    assert derived.earliest == min(possible) and derived.latest == max(possible)
    if derived.precision is Precision.DAY:
        assert len(possible) == 1
    else:
        # What is shown never reads as one day unless only one day is possible.
        assert not re.match(r"^\d{1,2} [A-Z]", str(derived)) and not re.match(r"^\d{1,2} [A-Z]", derived.short())
    assert PreciseDate.parse(derived.isoformat()) == derived  # the API's and CSV's form reads back the same


@given(precise_dates(), days)
def test_a_treaty_is_in_force_only_once_its_entry_into_force_has_certainly_happened(entry, on):
    status = status_on(bilateral=False, provisions=Provisions(), events=[Fact("entered_into_force", entry)],
                       deadlines=[], on=on)
    assert (status.code == StatusCode.IN_FORCE) == (on >= entry.latest)


@given(precise_dates(), st.integers(1, 24), days)
def test_a_withdrawal_takes_effect_only_once_its_notice_period_has_certainly_run(notice, months, on):
    events = [Fact("entered_into_force", PreciseDate(dt.date(1949, 1, 1))),
              Fact("withdrawal_notice", notice, ("Freedonia",))]
    status = status_on(bilateral=False, provisions=Provisions(withdrawal_notice_months=months), events=events,
                       deadlines=[], on=on)
    effective = shift(notice, months=months)
    assert ("Freedonia" in status.withdrawn) == (on >= effective.latest)
