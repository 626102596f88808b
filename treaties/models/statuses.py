import datetime as dt

from django.db import models

from .. import status
from .treaty import Treaty

# `ends_on` of the interval that runs on for ever, and `next_deadline` where nothing falls due: the last date there
# is, a real one, so that a range lookup or a walk up an index needs no OR IS NULL.
OPEN_END = dt.date.max


class StatusInterval(models.Model):
    """A stretch of days [starts_on, ends_on) over which a treaty's status, next deadline and entry into force
    stay the same: what `treaties.status` says for each of those days, stored (`treaties.derived`) whenever
    the treaty's record changes, so that status on any day, today or as of, is an indexed range lookup.
    Never edited; each treaty's intervals cover every day, end to end."""

    treaty = models.ForeignKey(Treaty, on_delete=models.CASCADE, related_name="status_intervals")
    starts_on = models.DateField()
    ends_on = models.DateField(default=OPEN_END.isoformat())
    code = models.CharField(max_length=12, choices=status.StatusCode.choices)
    suspended = models.BooleanField(default=False)
    since = models.DateField(null=True, blank=True)  # the first day of the status's own date, for sorting
    detail = models.JSONField(default=dict)  # `Status.to_dict()`, with its qualifiers
    # The first day of what falls due next, or OPEN_END when nothing does: a real date, so that "nothing due"
    # sorts last and a walk up the index from a day needs no OR IS NULL.
    next_deadline = models.DateField(default=OPEN_END.isoformat())
    entry_into_force = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # Every treaty on one day (counts, filters, the list's sorts), read from the index alone: the rows
            # themselves are wide (`detail`). One treaty's day uses the unique (treaty, starts_on).
            models.Index(fields=["ends_on", "starts_on"],
                         include=["treaty", "code", "suspended", "next_deadline", "entry_into_force"],
                         name="status_interval_day_idx"),
            # The treaty list sorted by what falls due next, or by entry into force, walks one of these and stops
            # after a page, testing the day and the status on the index alone (`selectors.treaty_search`).
            models.Index(fields=["next_deadline"], name="status_interval_next_idx",
                         include=["treaty", "starts_on", "ends_on", "code", "suspended", "entry_into_force"]),
            models.Index(fields=["entry_into_force"], name="status_interval_entry_idx",
                         include=["treaty", "starts_on", "ends_on", "code", "suspended", "next_deadline"]),
            # The dashboard's latest lapses: walked down from the day, stopping after a few.
            models.Index(fields=["since"], include=["starts_on", "ends_on"], name="status_interval_lapse_idx",
                         condition=models.Q(code__in=sorted(status.LAPSED))),
        ]
        constraints = [
            models.UniqueConstraint(fields=["treaty", "starts_on"], name="status_interval_one_per_start"),
            models.CheckConstraint(condition=models.Q(starts_on__lt=models.F("ends_on")),
                                   name="status_interval_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.treaty_id}: {self.code} from {self.starts_on} until {self.ends_on}"


class StatusCountChange(models.Model):
    """How the number of treaties in a status group (`status.bucket_of`) changes on a day: +1 for each status
    interval of that group starting on it, -1 for each ending on it; and the same summed over each year, so that
    the counts on any day add up the years before it and the days of its own year, a few hundred rows whatever
    the number of treaties (`treaties.status_counts`). Kept in step with the intervals as they are stored."""

    DAY, YEAR = "day", "year"

    period = models.CharField(max_length=4, choices=[(DAY, "day"), (YEAR, "year")])
    starts_on = models.DateField()  # the day, or the year's first day
    bucket = models.CharField(max_length=12)
    change = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "starts_on", "bucket"], name="status_count_change_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bucket} {self.change:+d} on the {self.period} of {self.starts_on}"
