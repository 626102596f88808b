"""Many rows written at once, without a model object per row: what a feed run writes by the thousand.

`bulk_create` builds an object per row and prepares every field of every object, which costs more than the
database's own work for small rows; `rows_insert` takes plain values, prepares only the fields whose values
need it (dates, JSON) and fills the rest of the row (defaults, `auto_now_add`) once for the whole batch. Like
`bulk_create` it sends no signals. `bulk_create` also gives no history, and simple_history's
`bulk_history_create` builds a historical object per row and sends every field back to the database:
`history_of_created` has the database copy the rows it has just stored, in one INSERT … SELECT.
"""

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models.constants import OnConflict
from django.utils import timezone

_HISTORY_BATCH = 900  # ids a statement: SQLite takes 999 parameters at most
# Fields whose Python values go to the database as they are, on SQLite and PostgreSQL alike.
_AS_THEY_ARE = {"CharField", "TextField", "IntegerField", "PositiveIntegerField", "BigIntegerField",
                "SmallIntegerField", "PositiveSmallIntegerField", "ForeignKey", "BooleanField"}


def rows_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *,
                ignore_conflicts: bool = False, returning: Sequence[str] = ()) -> list[tuple]:
    """Insert `rows` (values in the order of `fields`, by attribute name: `statement_id`) into `model`'s table.

    Every other field gets its default, or now for `auto_now_add`, as `bulk_create` would give it. With
    `ignore_conflicts`, a row that would break a unique key is skipped; `returning` names the fields to read
    back from the rows written (those skipped give nothing back)."""
    rows = list(rows)
    if not rows:
        return []
    opts, ops = model._meta, connection.ops
    given = [opts.get_field(name) for name in fields]
    prepare = [None if field.get_internal_type() in _AS_THEY_ARE else field for field in given]
    filled = [field for field in opts.concrete_fields
              if field not in given and not field.primary_key and not field.generated]
    now = timezone.now()
    fill = [_prepared(field, now if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
                      else field.get_default()) for field in filled]
    columns = [field.column for field in given + filled]
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    head = (f"{ops.insert_statement(on_conflict=on_conflict)} {ops.quote_name(opts.db_table)} "
            f"({', '.join(ops.quote_name(column) for column in columns)}) ")
    tail = " ".join(filter(None, [
        ops.on_conflict_suffix_sql(given + filled, on_conflict, None, None),
        f"RETURNING {', '.join(ops.quote_name(opts.get_field(name).column) for name in returning)}"
        if returning else "",
    ]))
    values = ([value if field is None else _prepared(field, value) for field, value in zip(prepare, row, strict=True)]
              for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array a column, as `bulk_create` does there: a few parameters for psycopg to place, not thousands.
            # The types without their length, so that a value too long fails rather than being cut short.
            types = [_db_type(field) for field in given + filled]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types[:len(given)])
            constants = "".join(f", %s::{kind}" for kind in types[len(given):])
            cursor.execute(f"{head}SELECT *{constants} FROM UNNEST({arrays}) {tail}",
                           [*fill, *map(list, zip(*values, strict=True))])
            return cursor.fetchall() if returning else []
        written = []
        placeholder = f"({', '.join(['%s'] * len(columns))})"
        size = ops.bulk_batch_size(given + filled, rows)
        while batch := [row + fill for row in itertools.islice(values, size)]:
            cursor.execute(f"{head}VALUES {', '.join([placeholder] * len(batch))} {tail}",
                           [value for row in batch for value in row])
            if returning:
                written += cursor.fetchall()
    return written


def links_insert(model: type[models.Model], name: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Rows of `model`'s many-to-many field `name`, each pair (the row's id, the id of the row it links to)."""
    field = model._meta.get_field(name)
    rows_insert(field.remote_field.through, (f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"),
                pairs)


def _db_type(field: models.Field) -> str:
    return field.db_type(connection).split("(")[0]


def _prepared(field: models.Field, value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def history_of_created(model: type[models.Model], pks: Sequence[int], *, reason: str) -> int:
    """Record `model`'s rows `pks`, created a moment ago without signals, as created; returns the rows written.

    The same rows `bulk_history_create` writes: every field, the change reason, "+" and the user (the editor
    behind the request, if any), with one moment for the whole batch."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    historical = model.history.model
    user = historical.get_default_history_user(None)
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(field.column) for field in historical.tracked_fields)
    extra = ", ".join(quote(column) for column in
                      ("history_date", "history_change_reason", "history_type", "history_user_id"))
    pk = quote(model._meta.pk.column)
    marks = [connection.ops.adapt_datetimefield_value(timezone.now()), reason, "+", user.pk if user else None]
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(pks), _HISTORY_BATCH):
            batch = pks[start:start + _HISTORY_BATCH]
            cursor.execute(
                f"INSERT INTO {quote(historical._meta.db_table)} ({tracked}, {extra}) "  # noqa: S608 (names: _meta)
                f"SELECT {tracked}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}",
                [*marks, *batch],
            )
            written += cursor.rowcount
    return written
