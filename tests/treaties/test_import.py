import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from treaties.models import Deadline, Party, Statement, Treaty, TreatyAlias, TreatyEvent
from treaties.precision import PreciseDate
from treaties.transfer.imports import data_import

MODELS = [Party, Treaty, TreatyAlias, TreatyEvent, Deadline, Statement]

PARTIES = """slug,name,short_name,iso_code,is_organisation
united-states,United States of America,the United States,US,false
russia,Russian Federation,Russia,RU,no
"""
TREATIES = """slug,short_name,name,category,kind,parties,term_years,summary
new-start,New START,Treaty on Measures for the Further Reduction and Limitation of Strategic Offensive Arms,\
arms_control,bilateral,united-states russia,10,"The last US–Russian strategic arms treaty."
"""
EVENTS = """treaty,key,kind,date,precision,parties,description,source_url,extension_years
new-start,,signed,2010-04-08,day,,Signed in Prague.,https://example.org/signed,
new-start,,entered_into_force,2011-02-05,day,,Entered into force.,https://example.org/eif,
new-start,ext,extended,2021-02-03,day,united-states russia,Extended by five years.,https://example.org/ext,5
"""
STATEMENTS = """url,title,outlet,date,precision,speaker,quote,full_text,treaties
https://tass.com/politics/1608067,New START’s expiration may create vacuum,TASS,2023-04-22,day,Grigory Mashkov,\
"It’s quite possible…","<p>Text</p><script>alert(1)</script>",new-start
https://example.org/2026,Year-only statement,Example,2026,year,,,,
"""


def rows():
    return {model.__name__: model.objects.count() for model in MODELS}


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def good_files(tmp_path):
    return [
        write(tmp_path, "parties.csv", PARTIES),
        write(tmp_path, "treaties.csv", TREATIES),
        write(tmp_path, "events.csv", EVENTS),
        write(tmp_path, "statements.csv", STATEMENTS),
    ]


def run_import(*paths, dry_run=False):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_data", *map(str, paths), *(["--dry-run"] if dry_run else []), stdout=out, stderr=err)
    return out.getvalue()


def failing_import(*paths):
    """Run the command on a bad file: it must fail, write nothing, and say why."""
    before = rows()
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_data", *map(str, paths), stdout=io.StringIO(), stderr=err)
    assert rows() == before
    return err.getvalue()


def test_a_good_import_creates_the_records_and_derives_the_expiry(db, good_files):
    out = run_import(*good_files)
    assert "treaties: 1 created, 0 updated, 0 unchanged" in out
    assert "events: 3 created" in out
    treaty = Treaty.objects.get(slug="new-start")
    assert {p.slug for p in treaty.parties.all()} == {"united-states", "russia"}
    keys = set(treaty.events.values_list("key", flat=True))
    assert keys == {"signed-2010-04-08", "entered-into-force-2011-02-05", "ext"}
    extension = treaty.events.get(key="ext")
    assert {p.slug for p in extension.parties.all()} == {"united-states", "russia"}
    expiry = Deadline.objects.get(treaty=treaty, kind="expiry", superseded_by=None)
    assert expiry.when == PreciseDate.parse("2026-02-05")
    assert expiry.derived_from == extension


def test_imported_statements_keep_their_precision_links_and_only_clean_html(db, good_files):
    run_import(*good_files)
    tass = Statement.objects.get(url="https://tass.com/politics/1608067")
    assert list(tass.treaties.values_list("slug", flat=True)) == ["new-start"]
    assert tass.full_text == "<p>Text</p>"
    assert Statement.objects.get(url="https://example.org/2026").when == PreciseDate.parse("2026")


def test_importing_the_same_files_twice_changes_nothing_the_second_time(db, good_files):
    run_import(*good_files)
    before = rows()
    history = Treaty.history.count() + TreatyEvent.history.count() + Statement.history.count()
    out = run_import(*good_files)
    assert rows() == before
    assert "events: 0 created, 0 updated, 3 unchanged" in out
    assert "statements: 0 created, 0 updated, 2 unchanged" in out
    assert Treaty.history.count() + TreatyEvent.history.count() + Statement.history.count() == history


def test_a_changed_row_updates_the_record_in_place(db, good_files, tmp_path):
    run_import(*good_files)
    treaty_id = Treaty.objects.get(slug="new-start").pk
    changed = write(tmp_path, "events-fix.csv", EVENTS.replace("Extended by five years.", "Extended to 2026."))
    out = run_import(changed)
    assert "events: 0 created, 1 updated, 2 unchanged" in out
    assert TreatyEvent.objects.get(treaty_id=treaty_id, key="ext").description == "Extended to 2026."


def test_a_dry_run_reports_what_would_change_and_writes_nothing(db, good_files):
    out = run_import(*good_files, dry_run=True)
    assert "parties: 2 created, 0 updated, 0 unchanged" in out
    assert "statements: 2 created" in out
    assert "Dry run: nothing was written." in out
    assert set(rows().values()) == {0}


def test_a_dry_run_after_an_import_reports_every_record_unchanged(db, good_files):
    run_import(*good_files)
    out = run_import(*good_files, dry_run=True)
    assert "treaties: 0 created, 0 updated, 1 unchanged" in out


def test_an_unknown_treaty_fails_the_import_naming_file_row_and_column(db, good_files, tmp_path):
    bad = write(tmp_path, "events.csv", EVENTS.replace("new-start,ext", "new-strat,ext"))
    err = failing_import(*good_files[:2], bad)
    assert "events.csv, row 4, column treaty: No treaty has the slug “new-strat”" in err


def test_an_unknown_party_fails_the_import(db, good_files, tmp_path):
    bad = write(tmp_path, "treaties.csv", TREATIES.replace("united-states russia", "united-states ussr"))
    err = failing_import(good_files[0], bad)
    assert "treaties.csv, row 2, column parties: Unknown parties: ussr." in err


def test_an_unparseable_date_fails_the_import(db, good_files, tmp_path):
    bad = write(tmp_path, "events.csv", EVENTS.replace("2011-02-05", "5 Feb 2011"))
    err = failing_import(*good_files[:2], bad)
    assert "events.csv, row 3, column date: '5 Feb 2011' is not a date" in err


def test_an_impossible_date_fails_the_import(db, good_files, tmp_path):
    bad = write(tmp_path, "events.csv", EVENTS.replace("2011-02-05", "2011-02-30"))
    assert "events.csv, row 3, column date:" in failing_import(*good_files[:2], bad)


def test_a_precision_that_does_not_match_the_date_fails_the_import(db, good_files, tmp_path):
    bad = write(tmp_path, "statements.csv", STATEMENTS.replace("2026,year", "2026,month"))
    err = failing_import(*good_files[:2], bad)
    assert "statements.csv, row 3, column precision: The date 2026 is year-precise but the precision says month" in err


def test_an_unknown_precision_fails_the_import(db, good_files, tmp_path):
    bad = write(tmp_path, "statements.csv", STATEMENTS.replace("2026,year", "2026,decade"))
    assert "row 3, column precision: “decade” is not a precision" in failing_import(*good_files[:2], bad)


def test_a_url_repeated_in_the_file_fails_the_import(db, good_files, tmp_path):
    bad = write(tmp_path, "statements.csv", STATEMENTS.replace("https://example.org/2026", "https://tass.com/politics/1608067"))
    err = failing_import(*good_files[:2], bad)
    assert "statements.csv, row 3, column url: Repeats row 2" in err


def test_a_url_already_stored_with_other_content_fails_the_import(db, good_files, tmp_path):
    run_import(*good_files)
    tass = Statement.objects.get(url="https://tass.com/politics/1608067")
    bad = write(tmp_path, "statements.csv", STATEMENTS.replace("Grigory Mashkov", "Someone Else"))
    err = failing_import(bad)
    assert "statements.csv, row 2, column url: A statement with this URL already exists with a different speaker" in err
    assert f"/admin/treaties/statement/{tass.pk}/change/" in err
    assert Statement.objects.get(pk=tass.pk).speaker == "Grigory Mashkov"


def test_a_missing_required_column_fails_the_import(db, good_files, tmp_path):
    bad = write(tmp_path, "events.csv", EVENTS.replace("treaty,key,kind,date", "treaty,key,kind,day"))
    err = failing_import(*good_files[:2], bad)
    assert "events.csv, row 1, column date: Missing required column “date”." in err
    assert "events.csv, row 1, column day: Unknown column for events" in err


def test_a_file_that_is_not_utf8_fails_the_import_with_a_clear_message(db, good_files, tmp_path):
    bad = write(tmp_path, "parties.csv", PARTIES + "cote-divoire,Côte d’Ivoire,,CI,false\n".replace("’", "'"),
                encoding="latin-1")
    err = failing_import(bad, *good_files[1:])
    assert "parties.csv, row 4: The file is not UTF-8 text" in err
    assert "Save it as UTF-8" in err


def test_one_bad_row_among_good_ones_writes_nothing_at_all(db, good_files, tmp_path):
    bad = write(tmp_path, "statements.csv", STATEMENTS.replace("2023-04-22", "2023-04-31"))
    failing_import(*good_files[:3], bad)
    assert not Treaty.objects.exists()


def test_a_failed_import_exits_non_zero(db, good_files, tmp_path, capsys):
    bad = write(tmp_path, "events.csv", EVENTS.replace("new-start,ext", "nope,ext"))
    with pytest.raises(SystemExit) as exit:
        execute_from_command_line(["manage.py", "import_data", str(bad)])
    assert exit.value.code == 1
    assert "column treaty" in capsys.readouterr().err


def test_a_file_of_unknown_kind_is_refused(db, tmp_path):
    err = failing_import(write(tmp_path, "stuff.csv", "a,b\n1,2\n"))
    assert "stuff.csv: Cannot tell what the file holds" in err


def test_json_files_name_the_kind_and_position_of_a_bad_record(db, tmp_path):
    document = {"parties": [{"slug": "fr", "name": "France", "is_organisation": "maybe"}]}
    err = failing_import(write(tmp_path, "data.json", json.dumps(document)))
    assert "data.json › parties, row 1, column is_organisation: “maybe” is not yes or no" in err


def test_an_import_records_who_imported_what_in_the_history(db, good_files):
    editor = User.objects.create_user("editor")
    report = data_import(files=[(p.name, p.read_bytes()) for p in good_files], user=editor)
    assert report.ok
    record = Treaty.objects.get(slug="new-start").history.get()
    assert record.history_user == editor
    assert record.history_change_reason == "import: parties.csv, treaties.csv, events.csv, statements.csv"
    assert record.history_type == "+"


def test_a_party_name_already_taken_by_another_slug_fails_the_import(db, good_files, tmp_path):
    run_import(good_files[0])
    bad = write(tmp_path, "parties.csv", "slug,name,iso_code\nusa,United States of America,\nrussia,Russia,US\n")
    err = failing_import(bad)
    assert "parties.csv, row 2, column name: “United States of America” is already the party “united-states”." in err
    assert "parties.csv, row 3, column iso_code: “US” is already the party “united-states”." in err


def test_a_large_import_reports_its_progress_on_stderr(db, tmp_path):
    rows = "".join(f"p{n},Party {n}\n" for n in range(10_000))
    err = io.StringIO()
    call_command("import_data", str(write(tmp_path, "parties.csv", "slug,name\n" + rows)),
                 stdout=io.StringIO(), stderr=err)
    assert "checking parties: 10,000/10,000" in err.getvalue()
    assert "writing parties: 10,000/10,000" in err.getvalue()
    assert Party.objects.count() == 10_000
