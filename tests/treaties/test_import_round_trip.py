import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command

from treaties.models import Deadline, Party, Statement, Treaty, TreatyEvent
from treaties.transfer.exports import export_rows
from treaties.transfer.formats import KINDS


def derived_deadlines():
    return sorted(
        Deadline.objects.exclude(rule="").values_list("treaty__slug", "kind", "date", "precision", "description")
    )


def empty_the_database():
    Statement.objects.all().delete()
    Treaty.objects.all().delete()  # with its aliases, events and deadlines
    Party.objects.all().delete()


@pytest.fixture
def edited_record(reference_data):
    """The shipped data plus what editors add through the admin: keyless events, a deadline, links."""
    new_start = Treaty.objects.get(slug="new-start")
    npt = Treaty.objects.get(slug="npt")
    TreatyEvent.objects.create(
        treaty=new_start, kind="other", date=dt.date(2026, 2, 1), precision="month",
        description="Talks, month known.", source_url="https://example.org/talks",
    )
    TreatyEvent.objects.create(
        treaty=new_start, kind="other", date=dt.date(2026, 2, 1), precision="month",
        description="Other talks, same month.", source_url="https://example.org/talks-2",
    )
    deadline = Deadline.objects.create(
        treaty=npt, kind="report_due", date=dt.date(2026, 1, 1), precision="year", description="National reports.",
    )
    deadline.parties.set(Party.objects.filter(slug="united-states"))
    statement = Statement.objects.create(
        title="Two treaties", outlet="Example", url="https://example.org/two", date=dt.date(2025, 5, 1),
        precision="month", full_text="<p>Both <em>treaties</em>.</p>",
    )
    statement.treaties.set([new_start, npt])


@pytest.mark.parametrize("export_format", ["json", "csv"])
def test_export_then_import_into_an_empty_database_gives_the_same_data(edited_record, tmp_path, export_format):
    exported, deadlines = export_rows(), derived_deadlines()
    path = tmp_path / ("export.json" if export_format == "json" else "export")
    call_command("export_data", "--format", export_format, "--output", str(path), stderr=io.StringIO())
    empty_the_database()

    call_command("import_data", str(path), stdout=io.StringIO())

    assert export_rows() == exported
    assert derived_deadlines() == deadlines
    assert Treaty.objects.get(slug="new-start").status_on(dt.date(2025, 12, 1)).label == "in force, suspended by Russia"


def test_exporting_into_the_database_it_came_from_changes_nothing_twice(edited_record, tmp_path):
    path = tmp_path / "export.zip"
    call_command("export_data", "--format", "csv", "--output", str(path), stderr=io.StringIO())
    assert sorted(zipfile.ZipFile(path).namelist())[0] == "aliases.csv"
    call_command("import_data", str(path), stdout=io.StringIO())  # gives the keyless events their keys
    out = io.StringIO()
    call_command("import_data", str(path), stdout=out)
    summary = [line for line in out.getvalue().splitlines() if line.startswith(tuple(KINDS))]
    assert len(summary) == 6
    assert all(": 0 created, 0 updated," in line for line in summary)


def test_json_export_goes_to_standard_output_by_default(reference_data):
    out = io.StringIO()
    call_command("export_data", stdout=out)
    assert '"format": "treaty-tracker"' in out.getvalue()
    assert '"slug": "new-start"' in out.getvalue()
