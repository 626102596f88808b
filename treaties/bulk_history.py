"""History rows for rows written in bulk, copied by the database rather than built as Python objects.

`bulk_create` sends no signals, so rows it writes get no history unless the writer asks; simple_history's
`bulk_history_create` asks by building one historical object per row and sending every field back to the
database. Here the database copies the rows it has just stored into the history table in one
INSERT … SELECT: the same row, change reason, type and user (the editor behind the request, if any) that
`bulk_history_create` writes, with one moment for the whole batch.
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import connection, models
from django.utils import timezone


def history_of_created(model: type[models.Model], pks: Sequence[int], *, reason: str) -> int:
    """Record `model`'s rows `pks`, created a moment ago without signals, as created; returns the rows written."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    historical = model.history.model
    user = historical.get_default_history_user(None)
    quote = connection.ops.quote_name
    tracked = ", ".join(quote(field.column) for field in historical.tracked_fields)
    extra = ", ".join(quote(column) for column in
                      ("history_date", "history_change_reason", "history_type", "history_user_id"))
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} ({tracked}, {extra}) "  # noqa: S608 (names from _meta)
            f"SELECT {tracked}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
            f"WHERE {pk} IN ({', '.join(['%s'] * len(pks))}) ORDER BY {pk}",
            [connection.ops.adapt_datetimefield_value(timezone.now()), reason, "+", user.pk if user else None,
             *pks],
        )
        return cursor.rowcount
