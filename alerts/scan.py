"""The reminder scan: record every email owed, set-based, and hand unsent rows to workers (the rules of what
is due are in `alerts.reminders`; claiming and sending in `alerts.sending`).

Every email owed to a subscriber is first a `ReminderDelivery` row, unique in the
database, inserted with ON CONFLICT DO NOTHING; so scanning twice, or two beat
processes at once, records each reminder once. Unsent rows are handed to the
queue again by the next scan, so a lost task loses no email.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from treaties.models import Deadline, Statement, Treaty

from .models import (
    DeliveryKind,
    DeliveryStatus,
    Heartbeat,
    ReminderDelivery,
    Subscription,
    SubscriptionCategory,
)
from .queue import deliveries_enqueue_on_commit
from .reminders import (
    furthest_lead,
    has_moved,
    is_time_zone,
    lead_bit,
    lead_label,
    lead_windows,
    send_days,
)
from .sending import claim_is_stale

log = logging.getLogger(__name__)

UNSENT = [DeliveryStatus.PENDING, DeliveryStatus.SENDING]
# What the scan writes into every reminder and deadline-changed notice row, in its INSERT … SELECTs.
COLUMNS = ["subscription_id", "kind", "treaty_id", "deadline_id", "lead_days", "armed_for", "armed_precision",
           "armed_until", "status", "next_try_at", "attempts", "message_id", "error", "created_at"]


# --- The scan ---------------------------------------------------------------------------------------


@dataclass
class ScanResult:
    now: dt.datetime
    reminders: int = 0  # reminder rows recorded by this scan
    changes: int = 0  # deadline-changed notices recorded by this scan
    queued: list[int] = field(default_factory=list)  # deliveries handed to workers, one email each
    digests: list[int] = field(default_factory=list)  # subscriptions handed to workers, one digest each
    described: list[str] = field(default_factory=list)  # the first few of those, in words


def reminders_scan(*, now: dt.datetime | None = None, dry_run: bool = False, describe: int = 0) -> ScanResult:
    """Record every reminder that has come due and hand unsent emails to workers; safe to run at any time."""
    result = ScanResult(now or timezone.now())
    with transaction.atomic():
        zones = set(Subscription.objects.active().order_by().values_list("time_zone", flat=True).distinct())
        if unknown := sorted(z for z in zones if not is_time_zone(z)):
            log.error("Subscriptions in unknown time zones get no reminders until fixed: %s", unknown)
        days = send_days(now=result.now, zones=sorted(zones - set(unknown)))
        result.changes, handed = _change_notices_record(now=result.now)
        handed = set(handed)
        for day, clocks in days.items():
            recorded, queued = _reminders_record(now=result.now, day=day, clocks=clocks)
            result.reminders += recorded
            handed.update(queued)
        # Rows recorded above are handed over as they are written; this takes the older unsent ones.
        handed.update(_hand_over(
            ReminderDelivery.objects.filter(Q(kind=DeliveryKind.CONFIRMATION) | Q(subscription__digest=False)),
            now=result.now,
        ))
        result.queued = sorted(handed)
        for day, clocks in days.items():
            result.digests += _digests_hand_over(now=result.now, day=day, clocks=clocks)
        result.described = _describe(result.queued[:describe], result.digests[:max(describe - len(result.queued), 0)])
        if dry_run:
            transaction.set_rollback(True)  # nothing recorded, nothing queued
        else:
            deliveries_enqueue_on_commit(result.queued, result.digests)
            Heartbeat.beat("reminders_scan")  # /healthz/deep reports how long ago this last completed
    return result


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _datetime(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _insert_select(columns: list[str], select: str, params: list, *, now: dt.datetime) -> tuple[int, list[int]]:
    """INSERT … SELECT that skips rows a unique constraint already holds: how many were new, and those of them
    handed to workers as they were written (pending, with `next_try_at` set past `now`)."""
    sql = (f"INSERT INTO {_table(ReminderDelivery)} ({', '.join(columns)}) {select} ON CONFLICT DO NOTHING"
           " RETURNING id, status = 'pending' AND next_try_at > %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, _datetime(now)])
        rows = cursor.fetchall()
    return len(rows), [pk for pk, handed in rows if handed]


def _next_try_sql(*, now: dt.datetime) -> tuple[str, list]:
    """`next_try_at` for a new row of subscriber s: a digest subscriber's rows wait for their digest's hand-over;
    the others are handed to workers by the INSERT itself, so no UPDATE rewrites the rows just written."""
    later = now + dt.timedelta(seconds=settings.ALERTS_REQUEUE_AFTER)
    return "CASE WHEN s.digest THEN %s ELSE %s END", [_datetime(now), _datetime(later)]


def _watchers_sql(treaties: tuple[str, list], subscribers: tuple[str, list]) -> tuple[str, list]:
    """(sid, tid): the subscriptions of `subscribers` watching each treaty of `treaties`, by any scope.

    Both are one-column queries with their parameters. Narrowing to the subscribers first keeps the UNION (which
    removes a pair covered twice) to the pairs that can matter, not every subscription's."""
    subscriptions, categories = _table(Subscription), _table(SubscriptionCategory)
    watched = _table(Subscription.treaties.through)
    followed = _table(Subscription.parties.through)
    treaty_parties, treaties_table = _table(Treaty.parties.through), _table(Treaty)
    (treaties_sql, treaties_params), (subscribers_sql, subscribers_params) = treaties, subscribers
    sql = f"""
        SELECT s.id AS sid, t.id AS tid FROM {subscriptions} s, {treaties_table} t
         WHERE s.everything AND t.id IN ({treaties_sql}) AND s.id IN ({subscribers_sql})
        UNION
        SELECT st.subscription_id, st.treaty_id FROM {watched} st
         WHERE st.treaty_id IN ({treaties_sql}) AND st.subscription_id IN ({subscribers_sql})
        UNION
        SELECT sc.subscription_id, t.id FROM {categories} sc JOIN {treaties_table} t ON t.category = sc.category
         WHERE t.id IN ({treaties_sql}) AND sc.subscription_id IN ({subscribers_sql})
        UNION
        SELECT sp.subscription_id, tp.treaty_id FROM {followed} sp
          JOIN {treaty_parties} tp ON tp.party_id = sp.party_id
         WHERE tp.treaty_id IN ({treaties_sql}) AND sp.subscription_id IN ({subscribers_sql})"""
    return sql, [*treaties_params, *subscribers_params] * 4


_ACTIVE_SQL = "s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL"


def _clocks_sql(clocks) -> tuple[str, list]:
    """Subscribers on a given day: `send_days`' (first hour, last hour, zones) as SQL on s."""
    parts, params = [], []
    for first, last, zones in clocks:
        parts.append(f"(s.time_zone IN ({', '.join(['%s'] * len(zones))}) AND s.hour BETWEEN %s AND %s)")
        params += [*zones, first, last]
    return " OR ".join(parts), params


def _clocks_q(clocks) -> Q:
    q = Q(pk__in=[])
    for first, last, zones in clocks:
        q |= Q(time_zone__in=zones, hour__range=(first, last))
    return q


def _due_lead_sql(day: dt.date) -> tuple[str, list]:
    """`reminders.due_lead` for deadline w and subscription s, with `day` as the subscriber's day."""
    whens, params = [], []
    for last, candidates in lead_windows():
        tries = " ".join("WHEN (s.lead_mask & %s) <> 0 THEN %s" for _ in candidates)
        whens.append(f"WHEN w.date <= %s THEN CASE {tries} END")
        params.append(_date(day + dt.timedelta(days=last)))
        for lead in candidates:
            params += [lead_bit(lead), lead]
    return f"CASE WHEN w.date < %s THEN NULL {' '.join(whens)} END", [_date(day), *params]


def _furthest_lead(clocks) -> int | None:
    """The longest lead time any subscriber on the day chose (None if there is none): a deadline further away is
    due to none of them, so the scan pairs no one with it (with the default lead times, 90 days' deadlines of 365).
    """
    return furthest_lead(Subscription.objects.active().filter(_clocks_q(clocks)).order_by()
                         .values_list("lead_mask", flat=True).distinct())


def _reminders_record(*, now: dt.datetime, day: dt.date, clocks) -> tuple[int, list[int]]:
    """One INSERT … SELECT: the latest due lead time per (subscriber on `day`, deadline), once."""
    furthest = _furthest_lead(clocks)
    if furthest is None:
        return 0, []
    deliveries, deadlines = _table(ReminderDelivery), _table(Deadline)
    window = [_date(day), _date(day + dt.timedelta(days=furthest))]
    # A superseded deadline (an expiry an extension moved) is history: nothing is due on it.
    in_window = f"SELECT d.treaty_id FROM {deadlines} d WHERE d.date >= %s AND d.date <= %s AND d.superseded_on IS NULL"
    clocks_sql, clocks_params = _clocks_sql(clocks)
    on_day = f"SELECT s.id FROM {_table(Subscription)} s WHERE {_ACTIVE_SQL} AND ({clocks_sql})"
    pairs_sql, pairs_params = _watchers_sql((in_window, window), (on_day, clocks_params))
    lead_sql, lead_params = _due_lead_sql(day)
    # A pending deadline-changed notice already tells the subscriber the new date.
    covered = f"""EXISTS (SELECT 1 FROM {deliveries} c WHERE c.kind = 'deadline_changed'
        AND c.subscription_id = due.sid AND c.deadline_id = due.did AND c.status IN ('pending', 'sending'))"""
    next_try, next_try_params = _next_try_sql(now=now)
    select = f"""
        SELECT due.sid, 'reminder', due.tid, due.did, due.lead, due.day, due.armed_precision, due.armed_until,
               CASE WHEN {covered} THEN 'cancelled' ELSE 'pending' END, due.next_try_at, 0, '',
               CASE WHEN {covered} THEN 'Covered by the deadline-changed email.' ELSE '' END, %s
          FROM (SELECT s.id AS sid, w.treaty_id AS tid, w.id AS did, w.date AS day, {next_try} AS next_try_at,
                       w.precision AS armed_precision, w.date_until AS armed_until, {lead_sql} AS lead
                  FROM ({pairs_sql}) pairs
                  JOIN {_table(Subscription)} s ON s.id = pairs.sid
                  JOIN (SELECT d.id, d.treaty_id, d.date, d.precision, d.date_until FROM {deadlines} d
                         WHERE d.date >= %s AND d.date <= %s AND d.superseded_on IS NULL) w
                    ON w.treaty_id = pairs.tid) due
         WHERE due.lead IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM {deliveries} r WHERE r.kind = 'reminder' AND r.subscription_id = due.sid
                  AND r.deadline_id = due.did AND r.armed_for = due.day AND r.lead_days <= due.lead)"""
    params = [_datetime(now), *next_try_params, *lead_params, *pairs_params, *window]
    return _insert_select(COLUMNS, select, params, now=now)


def _change_notices_record(*, now: dt.datetime) -> tuple[int, list[int]]:
    """One deadline-changed notice per subscriber who was sent a reminder for a date the deadline no longer has."""
    since = now.date() - dt.timedelta(days=1)  # dates not yet over in any time zone
    armed = set(
        ReminderDelivery.objects.filter(kind=DeliveryKind.REMINDER, status=DeliveryStatus.SENT, armed_for__gte=since)
        .order_by().values_list("deadline_id", "armed_for").distinct()
    )
    current = dict(Deadline.objects.filter(pk__in={pk for pk, _ in armed}).values_list("pk", "date"))
    moved = sorted((pk, day) for pk, day in armed if has_moved(armed_for=day, current=current.get(pk)))
    recorded, handed = 0, []
    next_try, next_try_params = _next_try_sql(now=now)
    for start in range(0, len(moved), 100):
        chunk = moved[start:start + 100]
        select = f"""
            SELECT DISTINCT r.subscription_id, 'deadline_changed', r.treaty_id, r.deadline_id, 0, r.armed_for,
                   r.armed_precision, r.armed_until, 'pending', {next_try}, 0, '', '', %s
              FROM {_table(ReminderDelivery)} r JOIN {_table(Subscription)} s ON s.id = r.subscription_id
             WHERE r.kind = 'reminder' AND r.status = 'sent' AND {_ACTIVE_SQL}
               AND ({' OR '.join(['(r.deadline_id = %s AND r.armed_for = %s)'] * len(chunk))})"""
        params = [*next_try_params, _datetime(now), *(value for pk, day in chunk for value in (pk, _date(day)))]
        new, queued = _insert_select(COLUMNS, select, params, now=now)
        recorded += new
        handed += queued
    return recorded, handed


def _hand_over(deliveries, *, now: dt.datetime) -> list[int]:
    """Unsent rows whose turn has come, marked in one UPDATE so the next scans leave them to the queue a while."""
    later = now + dt.timedelta(seconds=settings.ALERTS_REQUEUE_AFTER)
    due, params = deliveries.filter(status__in=UNSENT, next_try_at__lte=now).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(ReminderDelivery)} SET next_try_at = %s WHERE id IN ({due}) RETURNING id",
                       [_datetime(later), *params])
        return sorted(pk for (pk,) in cursor.fetchall())


def _digests_hand_over(*, now: dt.datetime, day: dt.date, clocks) -> list[int]:
    """Digest subscribers on `day` with something unsent and no digest yet that day."""
    later = now + dt.timedelta(seconds=settings.ALERTS_REQUEUE_AFTER)
    unsent = ReminderDelivery.objects.filter(status__in=UNSENT, next_try_at__lte=now).exclude(
        kind=DeliveryKind.CONFIRMATION
    )
    subscriptions = (
        Subscription.objects.active().filter(digest=True).filter(_clocks_q(clocks))
        .filter(Q(digest_sent_on__isnull=True) | Q(digest_sent_on__lt=day))
        .filter(Exists(unsent.filter(subscription=OuterRef("pk"))))
    )
    handed = sorted(subscriptions.values_list("id", flat=True))
    if handed:
        unsent.filter(subscription__in=subscriptions.values("id")).update(next_try_at=later)
    return handed


def _describe(delivery_ids, subscription_ids) -> list[str]:
    lines = []
    deliveries = ReminderDelivery.objects.select_related("subscription", "treaty").in_bulk(delivery_ids)
    for pk in delivery_ids:
        d = deliveries.get(pk)
        if d is None:  # its subscription was deleted as the scan ran
            continue
        about = f"{d.treaty} ({d.armed_when})" if d.treaty_id else f"statement #{d.statement_id}" if d.statement_id \
            else "please confirm"
        lead = f", {lead_label(d.lead_days).lower()}" if d.kind == DeliveryKind.REMINDER else ""
        lines.append(f"#{pk} {d.get_kind_display().lower()}{lead}: {about} → {d.subscription.email}")
    for subscription in Subscription.objects.filter(pk__in=subscription_ids).order_by("pk"):
        lines.append(f"digest → {subscription.email}")
    return lines


# --- Statement alerts ------------------------------------------------------------------------------


def statement_alerts_send(*, statement_ids, now: dt.datetime | None = None) -> int:
    """Record one email per opted-in subscriber watching a treaty a statement is linked to, and queue them.

    Safe to call again (each subscriber hears of a statement once); digest subscribers get it in their digest.
    """
    now = now or timezone.now()
    ids = sorted(set(statement_ids))
    if not ids:
        return 0
    links, marks = _table(Statement.treaties.through), ", ".join(["%s"] * len(ids))
    linked = f"SELECT st.treaty_id FROM {links} st WHERE st.statement_id IN ({marks})"
    opted_in = f"SELECT s.id FROM {_table(Subscription)} s WHERE s.statements AND {_ACTIVE_SQL}"
    pairs_sql, pairs_params = _watchers_sql((linked, ids), (opted_in, []))
    next_try, next_try_params = _next_try_sql(now=now)
    select = f"""
        SELECT DISTINCT s.id, 'statement', st.statement_id, 0, '', 'pending', {next_try}, 0, '', '', %s
          FROM ({pairs_sql}) pairs JOIN {_table(Subscription)} s ON s.id = pairs.sid
          JOIN {links} st ON st.treaty_id = pairs.tid AND st.statement_id IN ({marks})
         WHERE true"""  # SQLite reads the ON CONFLICT that follows as the join's without a WHERE
    with transaction.atomic():
        recorded, queued = _insert_select(
            ["subscription_id", "kind", "statement_id", "lead_days", "armed_precision", "status", "next_try_at",
             "attempts", "message_id", "error", "created_at"],
            select, [*next_try_params, _datetime(now), *pairs_params, *ids], now=now,
        )
        queued += _hand_over(
            ReminderDelivery.objects.filter(statement_id__in=ids, subscription__digest=False), now=now
        )
        deliveries_enqueue_on_commit(sorted(set(queued)), [])
    return recorded


def deliveries_resend(*, delivery_ids, now: dt.datetime | None = None) -> int:
    """Staff's resend: each row again as its own email, whatever became of it before (unless being sent now)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = ReminderDelivery.objects.filter(pk__in=delivery_ids).filter(~Q(status=DeliveryStatus.SENDING)
                                                                           | claim_is_stale(now))
        ids = list(rows.values_list("id", flat=True))
        # Each goes as its own email with its own Message-ID, not as a resend of the digest it was in.
        rows.update(status=DeliveryStatus.PENDING, attempts=0, error="", claimed_at=None, message_id="",
                    next_try_at=now + dt.timedelta(seconds=settings.ALERTS_REQUEUE_AFTER))
        deliveries_enqueue_on_commit(ids, [])
    return len(ids)


