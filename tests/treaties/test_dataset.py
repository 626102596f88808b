"""The whole record as a dataset: a Frictionless Data package that validates, whose CSVs keep every date's
precision through pandas, rebuilt whenever the record changes and served at addresses that never change."""

import io
import json
import zipfile

import pandas as pd
import pytest
from django.core.management import call_command
from frictionless import validate

from treaties import versions
from treaties.models import Deadline, Party, Statement, Treaty, TreatyEvent
from treaties.precision import PreciseDate

PRECISE = {"events": ["date"], "deadlines": ["date"], "statements": ["published"],
           "treaties": ["status_since", "entry_into_force", "next_deadline"]}


@pytest.fixture
def record(reference_data):
    # Every precision the record can hold, so the files have to carry each one.
    treaty = Treaty.objects.get(slug="new-start")
    Deadline.objects.create(treaty=treaty, kind="other", date="2031-01-01", precision="year", key="a-year")
    Deadline.objects.create(treaty=treaty, kind="other", date="2031-03-01", precision="month", key="a-month")
    Deadline.objects.create(treaty=treaty, kind="other", date="2031-07-01", precision="range",
                            date_until="2032-06-30", key="a-range")
    Statement.objects.create(title="+ a formula", outlet="Test", url="https://example.org/formula",
                             date="2026-02-01", precision="month", quote="=1+1")
    return treaty


def test_the_package_validates_with_frictionless_as_a_folder_and_as_one_json_file(record, tmp_path):
    call_command("export_dataset", tmp_path / "package")
    report = validate(tmp_path / "package" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    call_command("export_dataset", tmp_path / "one.json")
    report = validate(tmp_path / "one.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_frictionless_finds_a_precision_the_schema_does_not_allow(record, tmp_path):
    # The validation above could not pass on a package whose schema checks nothing.
    call_command("export_dataset", tmp_path)
    events = (tmp_path / "events.csv").read_text()
    (tmp_path / "events.csv").write_text(events.replace(",day,", ",week,", 1))
    report = validate(tmp_path / "datapackage.json")
    assert not report.valid
    assert [error.type for error in report.tasks[3].errors] == ["constraint-error"]


def test_every_csv_round_trips_through_pandas_with_its_dates_precision(record, tmp_path):
    call_command("export_dataset", tmp_path)
    for table, columns in PRECISE.items():
        frame = pd.read_csv(tmp_path / f"{table}.csv", dtype=str, keep_default_na=False)
        again = io.StringIO()
        frame.to_csv(again, index=False)
        assert pd.read_csv(io.StringIO(again.getvalue()), dtype=str, keep_default_na=False).equals(frame)
        for column in columns:
            for text, precision in zip(frame[column], frame[f"{column}_precision"], strict=True):
                assert (PreciseDate.parse(text).precision if text else "") == precision
    deadlines = pd.read_csv(tmp_path / "deadlines.csv", dtype=str, keep_default_na=False).set_index("key")
    assert deadlines.loc["a-year", ["date", "date_precision"]].tolist() == ["2031", "year"]
    assert deadlines.loc["a-month", ["date", "date_precision"]].tolist() == ["2031-03", "month"]
    assert deadlines.loc["a-range", ["date", "date_precision"]].tolist() == ["2031-07-01/2032-06-30", "range"]
    stored = {(d.treaty.slug, d.when) for d in Deadline.objects.select_related("treaty")}
    read = {(row.treaty, PreciseDate.parse(row.date)) for row in deadlines.itertuples()}
    assert read == stored


def test_the_json_holds_the_same_rows_with_text_as_it_is(record, client):
    one = json.loads(client.get("/data/treaty-tracker.json").content)
    by_name = {resource["name"]: resource for resource in one["resources"]}
    (formula,) = [row for row in by_name["statements"]["data"] if row["url"] == "https://example.org/formula"]
    assert (formula["title"], formula["quote"], formula["published"]) == ("+ a formula", "=1+1", "2026-02")
    csv_rows = pd.read_csv(io.BytesIO(client.get("/data/statements.csv").content), dtype=str, keep_default_na=False)
    (written,) = csv_rows[csv_rows.url == "https://example.org/formula"].itertuples()
    assert (written.title, written.quote) == ("'+ a formula", "'=1+1")
    assert len(by_name["events"]["data"]) == TreatyEvent.objects.count() == len(
        pd.read_csv(io.BytesIO(client.get("/data/events.csv").content)))


def test_the_package_says_its_version_licence_and_sources(record, client):
    descriptor = client.get("/data/datapackage.json").json()
    version = versions.current()
    assert descriptor["version"] == str(version.number)
    assert descriptor["created"] == version.changed_at.isoformat().replace("+00:00", "Z")
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert {"title": "TASS", "path": "https://tass.com/"} in descriptor["sources"]
    treaties = next(r for r in descriptor["resources"] if r["name"] == "treaties")
    status = next(f for f in treaties["schema"]["fields"] if f["name"] == "next_deadline_precision")
    assert status["constraints"]["enum"] == ["day", "month", "year", "range"]


def test_the_zip_holds_the_descriptor_and_every_table_it_names(record, client):
    response = client.get("/data/treaty-tracker.zip")
    assert response["Content-Type"] == "application/zip"
    assert f"treaty-tracker-{versions.current().number}-" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        assert sorted(archive.namelist()) == sorted(
            ["datapackage.json", *(resource["path"] for resource in descriptor["resources"])])
        assert not archive.read("treaties.csv").startswith("\ufeff".encode())


def test_a_change_to_the_record_changes_the_files_and_their_etag_at_once(record, client):
    first = client.get("/data/parties.csv")
    assert client.get("/data/parties.csv", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    russia = Party.objects.get(slug="russia")
    russia.name = "Russia (renamed)"
    russia.save()
    second = client.get("/data/parties.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert "Russia (renamed)" in second.content.decode()
    assert client.get("/data/datapackage.json").json()["version"] == str(versions.current().number)


def test_an_unknown_file_under_data_is_a_404(record, client):
    assert client.get("/data/secrets.csv").status_code == 404
    assert client.head("/data/datapackage.json").status_code == 200
