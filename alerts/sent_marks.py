"""Marking a batch's emails sent, one row each, without the worker waiting on PostgreSQL between emails.

On PostgreSQL each mark is its own statement (an implicit transaction of its own), written to the server's
socket before the next email's SMTP exchange starts; its answer is read after that exchange, or before any other
query on the connection, whichever comes first. A worker killed mid-send has therefore already handed the mark of
every email before the one in flight to PostgreSQL, which commits it without the worker: after a kill, only the
email in flight goes out again (with its Message-ID), as when each mark was awaited. Elsewhere (SQLite) each mark
is a plain UPDATE.
"""

import contextlib
import datetime as dt
import logging
import select

from django.db import DatabaseError, OperationalError, connection
from django.utils import timezone

from .models import DeliveryStatus, ReminderDelivery

log = logging.getLogger(__name__)

_CLAIM_LOST = "Claim taken over while sending (claimed at %s); the email may go out twice."


def mark_sent(ours, *, claimed_at: dt.datetime) -> None:
    if not ours.update(status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""):
        # Our claim went stale and another worker took it over: it may send this email again.
        log.warning(_CLAIM_LOST, claimed_at)


class SentMarks:
    """`mark(pk)` for each email the SMTP server has taken; use as a context manager around the batch."""

    def __init__(self, *, claimed_at: dt.datetime):
        self.claimed_at = claimed_at
        self.pgconn = None  # the libpq connection while marks go out without waiting; None for plain UPDATEs
        self.in_flight = None  # the row whose mark awaits its answer

    def __enter__(self):
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self.pgconn = connection.connection.pgconn
            self._wrapper = connection.execute_wrapper(self._before_query)
            self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info):
        if self.pgconn is None:
            return
        self._wrapper.__exit__(*exc_info)
        if exc_info[0] is None:
            self.settle()
        else:
            with contextlib.suppress(DatabaseError):  # the batch's own error is the one to raise
                self.settle()

    def mark(self, pk: int) -> None:
        if self.pgconn is None:
            mark_sent(ReminderDelivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING,
                                                      claimed_at=self.claimed_at), claimed_at=self.claimed_at)
            return
        self.settle()
        sql = (f"UPDATE {ReminderDelivery._meta.db_table} SET status = $1, sent_at = $2, error = '' "
               "WHERE id = $3 AND status = $4 AND claimed_at = $5")
        params = [DeliveryStatus.SENT, timezone.now().isoformat(), str(pk), DeliveryStatus.SENDING,
                  self.claimed_at.isoformat()]
        if connection.queries_logged:  # counted like any query (assertNumQueries, the debug toolbar)
            connection.queries_log.append({"sql": f"{sql} -- {params}", "time": "0.000"})
        with connection.wrap_database_errors:  # Django's errors, and a broken connection is closed after the task
            self.pgconn.send_query_params(sql.encode(), [param.encode() for param in params])
            self.in_flight = pk
            while self.pgconn.flush():  # the mark has left this process before the next email does
                if _wait(self.pgconn.socket, write=True):
                    self.pgconn.consume_input()

    def settle(self) -> None:
        """Read the answer to the mark in flight, if any. A mark the server refused (a lock or statement timeout)
        is made again, waiting this time, before anything else: the email after it has already gone out, and
        should both marks be lost, both emails would be sent again."""
        pk, self.in_flight = self.in_flight, None
        if pk is None:
            return
        results = []
        with connection.wrap_database_errors:
            while True:
                self.pgconn.consume_input()
                if self.pgconn.is_busy():
                    _wait(self.pgconn.socket)
                    continue
                result = self.pgconn.get_result()
                if result is None:
                    break
                results.append(result)
        for result in results:
            if result.error_message:
                log.warning("A sent mark was refused (%s); marking it again", result.error_message.decode(
                    errors="replace").strip())
                mark_sent(ReminderDelivery.objects.filter(pk=pk, status=DeliveryStatus.SENDING,
                                                          claimed_at=self.claimed_at), claimed_at=self.claimed_at)
            elif not int(result.command_tuples or 0):
                log.warning(_CLAIM_LOST, self.claimed_at)

    def _before_query(self, execute, sql, params, many, context):
        self.settle()
        return execute(sql, params, many, context)


# How long a mark may wait on the server's socket: a server that vanished without a word (no RST) must fail the
# batch, whose unmarked rows go back to the queue, not hang the worker until TCP gives up.
SOCKET_TIMEOUT_SECONDS = 60


def _wait(socket: int, *, write: bool = False) -> bool:
    """Wait until the socket can be read (or, with `write`, either read or written); True if it can be read."""
    poller = select.poll()
    poller.register(socket, select.POLLIN | (select.POLLOUT if write else 0))
    events = poller.poll(SOCKET_TIMEOUT_SECONDS * 1000)
    if not events:
        raise OperationalError(f"PostgreSQL did not answer a sent mark within {SOCKET_TIMEOUT_SECONDS} s")
    return any(event & (select.POLLIN | select.POLLERR | select.POLLHUP) for _, event in events)


@contextlib.contextmanager
def committed_without_waiting_for_disk():
    """While a batch records its outcomes, PostgreSQL commits them without waiting for the disk.

    A worker that dies after a commit has still marked its row; only PostgreSQL itself crashing within a
    fraction of a second could lose a "sent", which sends that email again with its Message-ID, as a worker
    killed just before marking does. Waiting for the disk would cost more than the SMTP exchange, once an email.
    Claims are made before this, and wait for the disk as usual.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")  # the connection outlives the batch
