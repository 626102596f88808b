"""The record's version: one number that moves whenever anything a reader could see in the record changes.

Every save and delete of a record model, and every change to its many-to-many links, bumps it inside the same
transaction (so a rolled-back edit bumps nothing, and a committed one is never served from a cache keyed on the
old number). Code that writes with `bulk_create`/`update()`, which send no signals, calls `bump()` itself. A writer
saving thousands of rows in one transaction moves it once, with `bumped_once`.

Every cached page asks for it, so where the page cache is a shared Redis the version is also published there,
right after the commit that moved it: a cache hit then needs no database round trip. Publishing only ever moves
the number forward (a script in Redis compares), so a slow publisher or a reader filling a miss can never put an
older number back. Should a publish be lost (a worker killed between its commit and the publish, a dump restored
by hand), the published copy expires after `PUBLISHED_SECONDS` and is read again from the database.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .models import Deadline, Dispute, Party, Position, RecordVersion, Statement, Treaty, TreatyAlias, TreatyEvent
from .shared_cache import get_beside, redis_of

RECORD_MODELS = (Party, Treaty, TreatyAlias, TreatyEvent, Deadline, Statement, Dispute, Position)
RECORD_LINKS = (Treaty.parties.through, TreatyEvent.parties.through, Deadline.parties.through,
                Statement.treaties.through)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: datetime | None

    @property
    def etag(self) -> str:
        """"r12-5f3c…": the number and the moment it was reached, so a restored or reloaded database, whose numbers
        start again, never matches a validator a client kept from before."""
        if self.changed_at is None:
            return f"r{self.number}"
        return f"r{self.number}-{int(self.changed_at.timestamp() * 1_000_000):x}"


_held = ContextVar("record_version_held", default=False)


def bump() -> None:
    """Move the version on, as part of the caller's transaction."""
    if _held.get():
        return  # moved already, in this transaction, by `bumped_once`
    now = timezone.now()
    with transaction.atomic():
        if not RecordVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
            RecordVersion.objects.create(pk=1, number=1, changed_at=now)
        # Once per transaction, however many rows it saves (a data load saves thousands). Django drops the
        # callbacks of a rolled-back savepoint, so a bump after one registers again.
        if _published_store() and not any(func is _publish_committed for _, func, _ in connection.run_on_commit):
            transaction.on_commit(_publish_committed)


@contextmanager
def bumped_once():
    """For a writer saving many rows in one transaction (a data load): the version moves once, here, instead of
    once for each row's save. Readers cannot tell: none of the rows is seen before the commit, and the number
    they see after it is new either way. Outside a transaction each row would commit on its own, after the
    one move, so that is refused."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("bumped_once() needs a transaction around it")
    bump()
    held = _held.set(True)  # every other move until the end is a no-op: signals', writers' and `_take_turn`'s
    try:
        yield
    finally:
        _held.reset(held)


def current() -> Version:
    """The version as committed (or, inside a transaction, as this transaction sees it)."""
    return current_and_cached(None)[0]


def current_and_cached(key: str | None):
    """`current()`, and the page cache's value under `key` (None if it holds none), read together: where both are
    in Redis, one round trip rather than two, which on a page served from the cache is a fifth of its time."""
    store = _published_store()
    try:
        if store is None or connection.in_atomic_block:
            return _from_database(), None if key is None else caches["pages"].get(key)
        if key is None:
            held, cached = store.get(_published_key()), None
        else:
            held, cached = get_beside("pages", key, _published_key())
        return (_parse(held) if held is not None else _publish(store, _from_database())), cached
    except redis.RedisError:
        logger.warning("The published record version or the page could not be read; reading the database",
                       exc_info=True)
        return _from_database(), None


def _from_database() -> Version:
    row = RecordVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    return Version(*row) if row else Version(0, None)


PUBLISHED_KEY = "treaty-tracker:record-version"
PUBLISHED_SECONDS = 10
# Sets the copy (KEYS[1]) to ARGV[2] unless a higher number was published within the day (KEYS[2], the
# high-water mark, outlives the copy): a reader that read the database and then stalled past the copy's expiry
# still cannot put its older number back. After a restore to a lower number the copy stays unset for that day,
# and every request reads the database, which is right, only slower.
_FORWARD_ONLY = """
local high = redis.call('GET', KEYS[2])
if high and tonumber(high) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[4])
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""
HIGH_WATER_SECONDS = 24 * 60 * 60
# The moment is kept in whole microseconds: a float would not always give back the same moment, and ETags hold it.
EPOCH, MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)
logger = logging.getLogger(__name__)


def _published_store() -> redis.Redis | None:
    """The page cache's Redis, if that is where pages are cached; otherwise (the embedded per-process cache) the
    database is the only place every process can see."""
    return redis_of("pages")


def _published_key() -> str:
    return f"{settings.CACHES['pages'].get('KEY_PREFIX', '')}:{PUBLISHED_KEY}"


def _publish(store: redis.Redis, version: Version) -> Version:
    stamp = "" if version.changed_at is None else str((version.changed_at - EPOCH) // MICROSECOND)
    key = _published_key()
    store.eval(_FORWARD_ONLY, 2, key, f"{key}:high", version.number, f"{version.number} {stamp}",
               PUBLISHED_SECONDS, HIGH_WATER_SECONDS)
    return version


def _publish_committed() -> None:
    store = _published_store()
    try:
        _publish(store, _from_database())
    except Exception:
        # Whatever fails here (Redis, or reading the version back), the commit stands and the transaction's
        # other callbacks (alerts told of new statements) must still run; the copy it would have replaced
        # expires within PUBLISHED_SECONDS, until when pages may lag the edit.
        logger.exception("The record version could not be published")


def _parse(held: bytes) -> Version:
    number, _, stamp = held.decode().partition(" ")
    return Version(int(number), EPOCH + int(stamp) * MICROSECOND if stamp else None)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("action", "post_").startswith("post_"):
        bump()


def connect() -> None:
    """Called once from the app's ready()."""
    for model in RECORD_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"version-delete-{model.__name__}")
    for through in RECORD_LINKS:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"version-links-{through.__name__}")
