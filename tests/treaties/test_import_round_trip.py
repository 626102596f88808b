import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from treaties.models import Deadline, Party, Statement, Treaty, TreatyEvent
from treaties.transfer.exports import export_rows
from treaties.transfer.formats import FORMULA_STARTS, KINDS, spreadsheet_safe, spreadsheet_value


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


FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"click\")", "+1+1", "-5 days", "@SUM(A1:A2)", "\tTab first",
            "'quoted already", "''two apostrophes", "'=both"]


def test_a_csv_export_keeps_formulas_as_text_and_the_import_gives_them_back(reference_data, tmp_path):
    new_start = Treaty.objects.get(slug="new-start")
    for n, text in enumerate(FORMULAS):
        TreatyEvent.objects.create(treaty=new_start, kind="other", date=dt.date(2026, 3, n + 1), description=text,
                                   source_url=f"https://example.org/formula-{n}")
    Statement.objects.create(title="=1+2", outlet="@outlet", url="https://example.org/formula",
                             date=dt.date(2026, 3, 1), speaker="-someone", quote="=cmd|' /C calc'!A0")
    exported = export_rows()
    path = tmp_path / "export.zip"
    call_command("export_data", "--format", "csv", "--output", str(path), stderr=io.StringIO())

    with zipfile.ZipFile(path) as archive:
        cells = [cell for name in archive.namelist()
                 for row in csv.reader(io.StringIO(archive.read(name).decode())) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'=1+2" in cells and "'-5 days" in cells and "''quoted already" in cells

    empty_the_database()
    call_command("import_data", str(path), stdout=io.StringIO())
    assert export_rows() == exported
    descriptions = set(TreatyEvent.objects.values_list("description", flat=True))
    assert set(FORMULAS) <= descriptions
    assert Statement.objects.get(url="https://example.org/formula").quote == "=cmd|' /C calc'!A0"


@given(st.text())
def test_any_text_written_for_a_spreadsheet_reads_back_the_same(text):
    assert spreadsheet_value(spreadsheet_safe(text)) == text
    assert not spreadsheet_safe(text).startswith(FORMULA_STARTS)
