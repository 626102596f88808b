"""The test database, migrated once per xdist run and copied for each process, instead of migrated in each.

A migrate costs 8 s of CPU here whatever the database (Django renders the project's state again after nearly every
operation of some sixty migrations), and each process used to run its own, three at once on two cores before any
test could start. The first process to get here migrates a template database; every process then takes a copy of
it (`CREATE DATABASE … TEMPLATE` on PostgreSQL, a copy of the file on SQLite); the run's controller drops it once
every process has finished (a process that ran no database test makes no copy, so the processes cannot count
themselves out).
"""

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.support.run_folder import locked

LOCK = "test-database.lock"  # in the run's shared folder; says which template is made, once it is


def create(worker: str, shared: Path) -> str:
    """This process's test database, copied from the run's template (made first if no process has made it yet).
    Returns the name the connection had before, for `destroy`."""
    creation = connection.creation
    own = creation._get_test_db_name()  # already ends with "_<worker>" (pytest-django's xdist suffix)
    template = own.removesuffix(f"_{worker}") + "_template"
    original = connection.settings_dict["NAME"]
    with locked(shared / LOCK) as lock:
        if "made" not in lock.read():
            connection.settings_dict["TEST"] = {**connection.settings_dict["TEST"], "NAME": template}
            creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            connection.close()  # a template may have no connection open while it is copied
            lock.write(f"made {template}\n")
            lock.flush()
        _copy(template, own)
    connection.settings_dict["TEST"] = {**connection.settings_dict["TEST"], "NAME": own}
    connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = own
    return original


def destroy(original: str) -> None:
    """Drop this process's database (the controller drops the template, `drop_template`)."""
    own = connection.settings_dict["NAME"]
    connection.creation.destroy_test_db(original, verbosity=0)
    if connection.vendor == "sqlite":
        # Django removes the file alone; where a connection was still open then, its write-ahead log and shared
        # memory stayed beside it in var/ (test-tracker.sqlite3_gw1-wal and -shm, found after a CI run).
        _remove_sqlite(own)


def drop_template(shared: Path) -> None:
    """Drop the run's template, if a process made one: for the run's controller, once every process has finished."""
    if not (shared / LOCK).exists():
        return  # no process ran a database test
    with locked(shared / LOCK) as lock:
        for line in lock.read().splitlines():
            if line.startswith("made "):
                _drop(line.removeprefix("made "))


def _copy(template: str, target: str) -> None:
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:  # on the server's maintenance database, as Django's own clones
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    else:
        _remove_sqlite(target)  # a copy left by an earlier run that did not finish
        shutil.copyfile(template, target)


def _drop(template: str) -> None:
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    else:
        _remove_sqlite(template)


def _remove_sqlite(name: str) -> None:
    """A SQLite database's file, with its write-ahead log and shared memory if it left them."""
    for path in (name, f"{name}-wal", f"{name}-shm"):
        if os.path.exists(path):
            os.remove(path)
