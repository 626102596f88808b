"""The test database, migrated once per xdist run and copied for each process, instead of migrated in each.

A migrate costs 8 s of CPU here whatever the database (Django renders the project's state again after nearly every
operation of some sixty migrations), and each process used to run its own, three at once on two cores before any
test could start. The first process to get here migrates a template database; every process then takes a copy of
it (`CREATE DATABASE … TEMPLATE` on PostgreSQL, a copy of the file on SQLite), and the last to finish drops it.
"""

import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


@contextmanager
def _locked(shared: Path):
    with (shared / "test-database.lock").open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also on an error
        lock.seek(0)
        yield lock


def create(worker: str, shared: Path) -> str:
    """This process's test database, copied from the run's template (made first if no process has made it yet).
    Returns the name the connection had before, for `destroy`."""
    creation = connection.creation
    own = creation._get_test_db_name()  # already ends with "_<worker>" (pytest-django's xdist suffix)
    template = _template_of(own, worker)
    original = connection.settings_dict["NAME"]
    with _locked(shared) as lock:
        if "made" not in lock.read():
            connection.settings_dict["TEST"] = {**connection.settings_dict["TEST"], "NAME": template}
            creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            connection.close()  # a template may have no connection open while it is copied
            lock.write("made\n")
            lock.flush()
        _copy(template, own)
    connection.settings_dict["TEST"] = {**connection.settings_dict["TEST"], "NAME": own}
    connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = own
    return original


def destroy(original: str, worker: str, workers: int, shared: Path) -> None:
    """Drop this process's database; the last process of the run to finish drops the template as well."""
    template = _template_of(connection.settings_dict["NAME"], worker)
    connection.creation.destroy_test_db(original, verbosity=0)
    with _locked(shared) as lock:
        finished = lock.read().count("finished") + 1
        lock.write("finished\n")
        lock.flush()
        if finished == workers:
            _drop(template)


def _template_of(own: str, worker: str) -> str:
    return own.removesuffix(f"_{worker}") + "_template"


def _copy(template: str, target: str) -> None:
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:  # on the server's maintenance database, as Django's own clones
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    else:
        for leftover in (target, f"{target}-wal", f"{target}-shm"):
            if os.path.exists(leftover):
                os.remove(leftover)
        shutil.copyfile(template, target)


def _drop(template: str) -> None:
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    elif os.path.exists(template):
        os.remove(template)
