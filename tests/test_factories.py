"""The generated treaties that copy derived rows instead of deriving them hold what deriving would have given."""

from tests.support.factories import DERIVED, make_treaties
from treaties import status_counts
from treaties.derived import deadlines_refresh
from treaties.models import Deadline, DeadlineRevision, StatusCountChange, StatusInterval


def derived_rows(treaty):
    deadlines = [(d.kind, d.rule, d.when, d.description, d.source_url, d.derived_from.key,
                  d.superseded_by.key if d.superseded_by else None, d.superseded_on,
                  tuple(p.slug for p in d.parties.all()), d.calendar_revision.number, d.calendar_revision.digest)
                 for d in Deadline.objects.filter(treaty=treaty).order_by("date", "kind")]
    intervals = list(StatusInterval.objects.filter(treaty=treaty).order_by("starts_on").values(
        "starts_on", "ends_on", "code", "suspended", "since", "detail", "next_deadline", "entry_into_force"))
    return deadlines, intervals


def test_a_copied_treaty_is_unchanged_when_derived_again(db):
    treaties = make_treaties(DERIVED + 2)
    copy, original = treaties[DERIVED + 1], treaties[1]
    copied = derived_rows(copy)
    assert copied[0] and copied[1]
    assert [row[:8] for row in copied[0]] == [row[:8] for row in derived_rows(original)[0]]

    refresh = deadlines_refresh(treaty=copy)

    assert not refresh.changed
    assert derived_rows(copy) == copied
    assert DeadlineRevision.objects.filter(deadline__treaty=copy).count() == len(copied[0])


def test_the_copies_are_in_the_status_counts_as_if_derived(db):
    make_treaties(DERIVED + 5)
    kept = sorted(StatusCountChange.objects.exclude(change=0).values_list("period", "starts_on", "bucket", "change"))
    status_counts.rebuild()
    assert kept == sorted(StatusCountChange.objects.values_list("period", "starts_on", "bucket", "change"))
