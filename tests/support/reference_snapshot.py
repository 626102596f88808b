"""The shipped dataset, loaded once per test process and shared by the tests that ask for it.

Loading it as `make run` does (every record matched, cleaned, saved with its history, every treaty's
deadlines re-derived) takes thousands of queries and seconds; `take()` does that once per process and keeps
the rows. Tests that ask for the dataset run one after another inside one open transaction that holds
them (`SharedDataset`), each in a savepoint rolled back after it, the way Django's `TestCase` shares
`setUpTestData`: a test costs nothing to set up and cannot leave anything behind for the next. Tests that
commit (live servers, Celery workers) get the rows copied in with a few bulk inserts instead, and their usual
flush removes them. Tests of the loader itself still call it. In an xdist run the first process to need the rows
takes them and leaves them pickled in the run's folder for the others (`take_once`).
"""

import io
import pickle
from contextlib import nullcontext
from pathlib import Path

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from tests.support.run_folder import locked

ROWS = "reference-rows.pickle"  # in the run's folder


def _models():
    """The record and its history, parents before children; many-to-many tables after both sides."""
    ordered = sorted(apps.get_app_config("treaties").get_models(), key=_depth)
    through = [f.remote_field.through for m in ordered for f in m._meta.local_many_to_many
               if f.remote_field.through._meta.auto_created]
    return ordered + through


def _depth(model, seen=()) -> int:
    parents = [f.related_model for f in model._meta.concrete_fields if f.is_relation and f.related_model
               and f.related_model._meta.app_label == "treaties" and f.related_model is not model
               and f.related_model not in seen]
    return 1 + max((_depth(p, (*seen, model)) for p in parents), default=0)


def take() -> dict:
    """Load the dataset in a transaction that is rolled back, keeping the rows it wrote.

    At the real time, as `make run` loads it: the first test to ask for the dataset may have frozen the clock
    (an autouse `time_machine` fixture runs before it), and a load on its frozen day would date the calendars'
    first revisions to that day, so which test ran first in a process changed what later tests saw."""
    hatch = time_machine.escape_hatch
    real_time = time_machine.travel(hatch.time.time(), tick=True) if hatch.is_travelling() else nullcontext()
    with real_time, transaction.atomic():
        call_command("load_reference_data", stdout=io.StringIO())
        rows = {model: list(model.objects.all()) for model in _models()}
        transaction.set_rollback(True)
    return rows


def take_once(run_folder: Path | None) -> dict:
    """`take()`, once per xdist run rather than once per process: a load into an empty record is 5 s of CPU here,
    reading the rows back 0.03 s. Every process's database is a copy of the same template, so the rows fit each."""
    if run_folder is None:
        return take()
    with locked(run_folder / f"{ROWS}.lock"):
        if (run_folder / ROWS).exists():
            return read(run_folder / ROWS)
        rows = take()
        write(rows, run_folder / ROWS)
        return rows


def write(rows: dict, path: Path) -> None:
    # As field values, not model instances: simple_history's historical models cannot be pickled.
    plain = {model._meta.label: [{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
                                 for row in objects] for model, objects in rows.items()}
    written = path.with_name(f"{path.name}.part")  # whole or not at all, should this process die while writing
    written.write_bytes(pickle.dumps(plain))
    written.replace(path)


def read(path: Path) -> dict:
    models = {model._meta.label: model for model in _models()}
    plain = pickle.loads(path.read_bytes())
    return {models[label]: [models[label](**values) for values in rows] for label, rows in plain.items()}


def restore(rows: dict) -> None:
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=500)
    # Rows came with their ids: the next id a test's insert takes must come after them (PostgreSQL).
    statements = connection.ops.sequence_reset_sql(no_style(), list(rows))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class SharedDataset:
    """The dataset inside a transaction kept open across consecutive tests that ask for it.

    Opened before such a test's own transaction (which then becomes a savepoint inside it), rolled back
    before the next test that does not ask for it, so that one starts on an empty record as before."""

    def __init__(self, run_folder: Path | None):
        self._run_folder = run_folder
        self._rows = None
        self._atomic = None

    @property
    def rows(self) -> dict:
        if self._rows is None:
            self._rows = take_once(self._run_folder)
        return self._rows

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self) -> None:
        if self.is_open:
            return
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        restore(self.rows)

    def close(self) -> None:
        if not self.is_open:
            return
        transaction.set_rollback(True)
        atomic, self._atomic = self._atomic, None
        atomic.__exit__(None, None, None)
