"""How many treaties are in each status group on any day, without counting the treaties.

Counting the day's status intervals reads one row per treaty: 50–200 ms at 100,000 treaties, on every cold
dashboard, for today as for any other day. Instead each interval stored adds +1 to its group on the day it starts
and -1 on the day it ends (`StatusCountChange`), by day and by year, and the counts on a day are the sum of the
years before it and of its own year's days up to it: a few hundred rows, whatever the number of treaties.

The changes are written in the same transaction as the intervals they count (`treaties.derived`), and taken
back, from the rows actually deleted, when intervals are replaced or a treaty is deleted; `rebuild` counts
again from every stored interval, and the tests hold the kept counts to it.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from .models import OPEN_END, StatusCountChange, StatusInterval
from .status import bucket_of

DAY, YEAR = StatusCountChange.DAY, StatusCountChange.YEAR
_BATCH = 200  # rows a statement, four parameters each: under SQLite's 999


def changes(intervals: Iterable[tuple[dt.date, dt.date, str, bool]], sign: int = 1) -> Counter:
    """What storing (`sign` 1) or removing (-1) these intervals, as (starts_on, ends_on, code, suspended), does
    to the counts, keyed by (period, first day, group)."""
    counted = Counter()
    for starts_on, ends_on, code, suspended in intervals:
        bucket = bucket_of(code, suspended)
        _add(counted, starts_on, bucket, sign)
        _add(counted, ends_on, bucket, -sign)
    return counted


def _add(counted: Counter, day: dt.date, bucket: str, step: int) -> None:
    if day != OPEN_END:  # no day after it is ever asked about
        counted[(DAY, day, bucket)] += step
        counted[(YEAR, day.replace(month=1, day=1), bucket)] += step


def record(counted: Counter) -> None:
    """Add these changes to the stored ones, in one order for every writer: two writers each call it once in
    a transaction, so neither can hold a row the other waits for while waiting for one the other holds."""
    rows = sorted((key, change) for key, change in counted.items() if change)
    opts, ops = StatusCountChange._meta, connection.ops
    table = ops.quote_name(opts.db_table)
    columns = ", ".join(ops.quote_name(opts.get_field(name).column) for name in ("period", "starts_on", "bucket"))
    change = ops.quote_name("change")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH):
            batch = rows[start:start + _BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({columns}, {change}) VALUES {', '.join(['(%s, %s, %s, %s)'] * len(batch))} "
                f"ON CONFLICT ({columns}) DO UPDATE SET {change} = {table}.{change} + excluded.{change}",
                [value for (period, day, bucket), n in batch
                 for value in (period, ops.adapt_datefield_value(day), bucket, n)])


def counts_on(on: dt.date) -> Counter:
    """How many treaties are in each group (`status.bucket_of`) on `on`."""
    year = on.replace(month=1, day=1)
    summed = (StatusCountChange.objects
              .filter(Q(period=YEAR, starts_on__lt=year) | Q(period=DAY, starts_on__gte=year, starts_on__lte=on))
              .order_by().values_list("bucket").annotate(total=Sum("change")))
    return Counter({bucket: total for bucket, total in summed if total})


@transaction.atomic
def rebuild() -> None:
    """Count again from every stored interval, in one transaction: on the `migrate` that adds the counts, for
    intervals written other than through `treaties.derived` (the benchmarks' copies), and as the measure the kept
    counts are tested against. The database groups the intervals by day and status: a row per day and status that
    changes, not per interval (the 100,000-treaty benchmark's copies share their days).

    On PostgreSQL the counts are locked against writers first: one that has already added its changes is waited
    for and its intervals are read; one that adds them later adds them to these counts, which then hold the rows
    it replaced and not its own, exactly as they would have."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(StatusCountChange._meta.db_table)} "
                           "IN SHARE ROW EXCLUSIVE MODE")
    StatusCountChange.objects.all().delete()
    counted = Counter()
    for day_field, sign in (("starts_on", 1), ("ends_on", -1)):
        for day, code, suspended, n in (StatusInterval.objects.order_by().values_list(day_field, "code", "suspended")
                                        .annotate(n=Count("id"))):
            _add(counted, day, bucket_of(code, suspended), sign * n)
    record(counted)
