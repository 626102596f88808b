"""An empty database of a test's own, standing in for the test database while the test runs.

For tests that take a database apart (the migrations' round trip drops every table and migrates backwards):
done to the shared test database, it must be migrated back to the latest state afterwards for the tests that
follow, which on this project's migrations costs more than the test itself. Thrown away, it costs nothing.
"""

import contextlib
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import connection


@contextlib.contextmanager
def scratch_database(folder: Path):
    """Point the default connection at a new, empty database for the duration; then back, and drop it."""
    saved = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        name = f"{saved['NAME']}_scratch"  # next to this process's test database, and as much its own
        _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # left by an interrupted run
        _postgres(f'CREATE DATABASE "{name}"')
    else:
        name = str(folder / "scratch.sqlite3")
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        # Content types are cached by id, and the ids were the scratch database's.
        ContentType.objects.clear_cache()
        if connection.vendor == "postgresql":
            _postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres(sql: str) -> None:
    # On the server's maintenance database, as Django creates and drops test databases.
    with connection._nodb_cursor() as cursor:
        cursor.execute(sql)
