import io
import json
import zipfile

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from treaties.models import Party, Treaty

IMPORT = "admin:treaties_import"
PARTIES = b"slug,name\nfrance,France\nchina,China\n"


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_treaty_list_links_to_import_and_export(editor_client):
    page = editor_client.get(reverse("admin:treaties_treaty_changelist")).content.decode()
    assert reverse(IMPORT) in page
    assert reverse("admin:treaties_export") + "?format=csv" in page


def test_a_dry_run_from_the_admin_shows_the_report_and_writes_nothing(editor_client):
    response = editor_client.post(reverse(IMPORT), {"files": [upload("parties.csv", PARTIES)], "dry_run": "on"})

    page = response.content.decode()
    assert "Dry run: nothing was written." in page
    assert "parties: 2 created, 0 updated, 0 unchanged" in page
    assert not Party.objects.exists()


def test_an_import_from_the_admin_writes_the_records_under_the_editors_name(editor_client, editor):
    response = editor_client.post(reverse(IMPORT), {"files": [upload("parties.csv", PARTIES)]})

    assert "Imported:" in response.content.decode()
    assert Party.objects.get(slug="france").history.get().history_user == editor


def test_a_bad_file_in_the_admin_lists_the_problems_and_writes_nothing(editor_client):
    bad = b"slug,short_name,name,category,kind\nx,X,Treaty X,weapons,bilateral\n"
    files = [upload("parties.csv", PARTIES), upload("treaties.csv", bad)]

    page = editor_client.post(reverse(IMPORT), {"files": files}).content.decode()

    assert "The import failed with 1 problem; nothing was written." in page
    assert "treaties.csv, row 2, column category: Value &#x27;weapons&#x27; is not a valid choice." in page
    assert not Party.objects.exists() and not Treaty.objects.exists()


def test_staff_without_the_editors_permissions_cannot_import(client, db):
    client.force_login(User.objects.create_user("intern", is_staff=True))
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.get(reverse("admin:treaties_export")).status_code == 403


def test_an_editor_downloads_the_data_as_json_or_as_a_zip_of_csv_files(editor_client, reference_data):
    as_json = editor_client.get(reverse("admin:treaties_export"), {"format": "json"})
    as_csv = editor_client.get(reverse("admin:treaties_export"), {"format": "csv"})

    assert as_json["Content-Disposition"].startswith('attachment; filename="treaty-tracker-')
    assert len(json.loads(as_json.content)["treaties"]) == Treaty.objects.count()
    names = zipfile.ZipFile(io.BytesIO(as_csv.content)).namelist()
    assert sorted(names) == ["aliases.csv", "deadlines.csv", "events.csv", "parties.csv", "statements.csv",
                             "treaties.csv"]
